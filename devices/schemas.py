"""Shared pieces of the device payload schemas: strict parsing, common fields, value ranges.

Schemas are strict (``"yes"`` is not a boolean, ``"72"`` is not a number) and reject unknown
fields, so a firmware typo is refused with a reason instead of silently dropping a reading.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from assistant.events import BatteryReported, Event


def _iso_datetime(value: str) -> str:
    """Check ``ts`` is an ISO-8601 date-time but keep the device's own spelling for the log."""
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError(
            "iso_datetime", "Input should be an ISO-8601 date-time, not '{value}'", {"value": value[:40]}
        ) from None
    return value


IsoDateTime = Annotated[str, AfterValidator(_iso_datetime)]
Percent = Annotated[float, Field(ge=0, le=100)]
Celsius = Annotated[float, Field(ge=-50, le=100)]
"""Wide enough for any room or fridge; catches tenths-of-a-degree firmware (215 for 21.5)."""
Brightness = Annotated[int, Field(ge=0, le=255)]
Watts = Annotated[float, Field(ge=0, le=100_000)]
"""Anything on a household circuit."""
Lux = Annotated[float, Field(ge=0, le=200_000)]
"""Darkness to full summer sun."""
Metres = Annotated[float, Field(ge=0, le=100_000)]
"""A position's accuracy: a cell fix can be kilometres off, never a hundred."""
Steps = Annotated[int, Field(ge=0, le=1_000_000)]
"""A step counter: far beyond any day's walking, far below 2^64."""
G = Annotated[float, Field(ge=-200, le=200)]
"""One accelerometer axis in g; wearables measure ±16 g, a hard knock briefly more."""
OnOff = Literal["on", "off"]


class Strict(BaseModel):
    """Base of every device schema: strict types, no unknown fields, finite numbers."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)


class Payload(Strict):
    """Fields any device payload may carry (docs/mqtt.md, "Common payload fields")."""

    msg_id: Annotated[str, Field(min_length=1, max_length=128)] | None = None
    ts: IsoDateTime | None = None
    battery: Percent | None = None

    heartbeat: ClassVar[bool] = False

    def to_events(self) -> list[Event]:
        """The events this payload means; subclasses add theirs before the battery level."""
        return self.battery_events()

    def battery_events(self) -> list[Event]:
        return [] if self.battery is None else [BatteryReported(level=self.battery)]


class Heartbeat(Payload):
    """``{"type": "heartbeat"}``: the device is alive and has nothing else to say."""

    type: Literal["heartbeat"]

    heartbeat: ClassVar[bool] = True


class NoState(Payload):
    """The state topic of a kind whose state is only the common fields (battery)."""
