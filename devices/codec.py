"""The machinery every device kind shares: one-pass parsing, readable refusals, JSON commands.

Every adapter funnels through ``parse`` so that each payload is parsed exactly once (pydantic's
Rust JSON parser validates while it reads) and every refusal reads the same way in the event log.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Annotated, Any, Union

from pydantic import Field, TypeAdapter, ValidationError

from assistant.commands import Command, SetHeartbeat
from assistant.errors import DecodeError, UnsupportedCommand
from assistant.ports import Decoded
from devices.schemas import Payload

Encoder = Callable[[Command], "dict[str, Any] | None"]
"""A kind's command writer: the JSON object for ``/set``, or None when the kind cannot do it."""

MAX_ERRORS_SHOWN = 5
"""A payload with 1,000 bad accelerometer samples should not make a 1,000-line reason."""


def with_article(kind: str) -> str:
    """``a wearable``, ``an occupancy``: reasons are read by people."""
    return ("an " if kind[:1] in "aeiou" else "a ") + kind


_HUGE_EXPONENT = re.compile(
    rb'(?:"([^"\\]{1,64})"\s*:|[\[,])\s*(-?\d+(?:\.\d*)?[eE][+-]?0*[1-9]\d{2,})(?=\s*[,\]}])')
"""A number written with an exponent of 100 or more either way: 2e308 overflows to infinity, 1e-400
underflows to 0 (a battery at 0 %), and no reading of any device needs one."""


def out_of_range(payload: bytes | str) -> str | None:
    """Why a payload holds a number no reading can have, naming the field when it has one; else None."""
    data = payload.encode("utf-8", "replace") if isinstance(payload, str) else payload
    match = _HUGE_EXPONENT.search(data)
    if match is None:
        return None
    field = match.group(1).decode("utf-8", "replace") if match.group(1) else "a value"
    number = match.group(2).decode("ascii", "replace")[:40]
    return f"{field}: number out of range ({number}); no reading needs an exponent of 100 or more"


def parse(adapter: TypeAdapter[Any], payload: bytes | str, *, kind: str, tagged: bool = False) -> Any:
    """Parse and validate ``payload`` in one pass, or raise DecodeError with a readable reason.

    ``tagged`` says the adapter is a union discriminated by ``type``: pydantic then puts the tag
    first in each error location, which we drop because the reader already knows the type.
    """
    too_far = out_of_range(payload)
    if too_far:
        raise DecodeError(too_far)
    try:
        return adapter.validate_json(payload)
    except ValidationError as error:
        raise DecodeError(reason(error, kind=kind, tagged=tagged)) from None


def reason(error: ValidationError, *, kind: str, tagged: bool = False) -> str:
    """Turn pydantic's errors into ``"field: message"`` parts joined by ``"; "``."""
    parts: list[str] = []
    errors = _without_echoes(error.errors(include_url=False, include_context=True, include_input=True))
    for item in errors[:MAX_ERRORS_SHOWN]:
        parts.append(_describe(item, kind=kind, tagged=tagged))
    if len(errors) > MAX_ERRORS_SHOWN:
        parts.append(f"and {len(errors) - MAX_ERRORS_SHOWN} more problem(s)")
    return "; ".join(parts)


def _without_echoes(errors: list[Any]) -> list[Any]:
    """Drop a length error caused by a bad item inside it.

    pydantic checks a tuple's length after dropping its invalid items, so ``[0, "x", 1]`` would
    also be reported as "should have at least 3 items"; the bad item is the whole story.
    """
    bad_items = {tuple(item["loc"][:-1]) for item in errors if item["loc"]}
    return [
        item
        for item in errors
        if not (item["type"] in ("too_short", "too_long") and tuple(item["loc"]) in bad_items)
    ]


def _describe(item: Any, *, kind: str, tagged: bool) -> str:
    kind_of_error: str = item["type"]
    loc = tuple(item["loc"])
    ctx = item.get("ctx") or {}
    if kind_of_error == "json_invalid":
        return f"malformed JSON: {ctx.get('error', item['msg'])}"
    if not loc and kind_of_error in ("dict_type", "model_type", "model_attributes_type"):
        return "payload must be a JSON object"
    if kind_of_error == "union_tag_invalid":
        return f"unknown event type {ctx.get('tag')!r} for {with_article(kind)}"
    if kind_of_error == "union_tag_not_found":
        return "type: Field required"
    if kind_of_error == "literal_error" and loc == ("type",):
        # A kind with a single event type (heartbeat) is validated without a union.
        return f"unknown event type {_as_text(item.get('input'))!r} for {with_article(kind)}"
    if tagged and loc:
        loc = loc[1:]
    path = ".".join(str(part) for part in loc)
    if kind_of_error == "extra_forbidden":
        return f"unexpected field {path!r}"
    return f"{path}: {item['msg']}" if path else item["msg"]


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)


def decoded(model: Payload) -> Decoded:
    """The Decoded for a validated native payload."""
    return Decoded(
        events=model.to_events(), msg_id=model.msg_id, device_ts=model.ts, heartbeat=model.heartbeat
    )


def to_json(body: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON: small firmware parsers cope better with raw UTF-8 than with \\u escapes."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


class KindCodec:
    """How one device kind's payloads are read and its commands written."""

    def __init__(
        self,
        kind: str,
        *,
        state: type[Payload],
        events: tuple[type[Payload], ...],
        encode: Encoder | None = None,
    ) -> None:
        self.kind = kind
        self._state: TypeAdapter[Payload] = TypeAdapter(state)
        # A one-member Union collapses to the member, which cannot carry a discriminator.
        self._tagged = len(events) > 1
        event_type: Any = events[0]
        if self._tagged:
            event_type = Annotated[Union[events], Field(discriminator="type")]  # noqa: UP007
        self._events: TypeAdapter[Payload] = TypeAdapter(event_type)
        self._encode = encode

    def decode(self, channel: str, payload: bytes | str) -> Decoded:
        """Decode a payload from the device's ``state`` or ``event`` topic."""
        if channel == "state":
            return decoded(parse(self._state, payload, kind=self.kind))
        if channel == "event":
            return decoded(parse(self._events, payload, kind=self.kind, tagged=self._tagged))
        raise DecodeError(f"unknown channel {channel!r} (expected 'state' or 'event')")

    def encode(self, command: Command) -> bytes:
        """The ``/set`` payload for ``command``; every kind takes SetHeartbeat."""
        if isinstance(command, SetHeartbeat):
            return to_json({"heartbeat": heartbeat_interval(command.interval)})
        body = self._encode(command) if self._encode is not None else None
        if body is None:
            raise UnsupportedCommand(self.kind, command)
        return to_json(body)


def heartbeat_interval(seconds: int) -> int:
    """A skill asking for a zero or negative heartbeat has a bug; say so before the device sees it."""
    if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 1:
        raise ValueError(f"heartbeat interval must be a whole number of seconds >= 1, not {seconds!r}")
    return seconds


def brightness(value: int) -> int:
    """Check a TurnOn brightness before it reaches a device that would misread it."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 255:
        raise ValueError(f"brightness must be a whole number 0-255, not {value!r}")
    return value
