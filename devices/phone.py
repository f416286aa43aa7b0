"""The phone bridge: calls and text messages, for the scam guard."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from assistant.commands import Command, Notify
from assistant.events import CallReported, Event, SmsReceived
from devices.codec import KindCodec
from devices.schemas import Heartbeat, NoState, Payload

# A withheld caller is reported as an empty number: it is exactly the call the scam guard must see.
PhoneNumber = Annotated[str, Field(max_length=64)]


class CallEvent(Payload):
    """A call ringing, answered or ended; the bridge re-sends it as the transcript grows."""

    type: Literal["call"]
    call_id: Annotated[str, Field(min_length=1, max_length=128)] | None = None
    direction: Literal["incoming", "outgoing"]
    number: PhoneNumber
    state: Literal["ringing", "answered", "ended"]
    transcript: str | None = None

    def to_events(self) -> list[Event]:
        call = CallReported(
            direction=self.direction,
            number=self.number,
            state=self.state,
            call_id=self.call_id,
            transcript=self.transcript,
        )
        return [call, *self.battery_events()]


class SmsEvent(Payload):
    """A text message the phone received."""

    type: Literal["sms"]
    number: PhoneNumber
    text: str

    def to_events(self) -> list[Event]:
        return [SmsReceived(number=self.number, text=self.text), *self.battery_events()]


def encode(command: Command) -> dict[str, Any] | None:
    """``{"notify": "It's time for your pills.", "title": "carehub"}``: the bridge shows a notification."""
    if isinstance(command, Notify):
        if not command.text.strip():
            raise ValueError("a phone notification needs text")
        return {"notify": command.text, "title": command.title}
    return None


PHONE = KindCodec("phone", state=NoState, events=(CallEvent, SmsEvent, Heartbeat), encode=encode)
