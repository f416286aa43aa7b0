"""Things a person presses or opens: panic buttons and pillboxes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from assistant.events import Event, PillboxOpened
from devices.codec import KindCodec
from devices.schemas import Heartbeat, NoState, Payload
from devices.wearable import ButtonEvent, SosEvent


class PillboxOpenedEvent(Payload):
    """``{"type": "pillbox_opened", "compartment": "mon-am"}``; no compartment means the lid."""

    type: Literal["pillbox_opened"]
    compartment: Annotated[str, Field(min_length=1, max_length=64)] | None = None

    def to_events(self) -> list[Event]:
        return [PillboxOpened(compartment=self.compartment), *self.battery_events()]


BUTTON = KindCodec("button", state=NoState, events=(SosEvent, ButtonEvent, Heartbeat))
PILLBOX = KindCodec("pillbox", state=NoState, events=(PillboxOpenedEvent, Heartbeat))
