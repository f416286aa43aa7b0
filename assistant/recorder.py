"""The hub's ``EventSink``: stamps an event, commits it to the log, folds it into state, publishes it."""

from __future__ import annotations

import logging
from typing import Any

from assistant.bus import EventBus
from assistant.clock import Clock
from assistant.eventlog import EventLog
from assistant.events import Event
from assistant.ids import new_id
from assistant.state import StateStore

log = logging.getLogger(__name__)


class Recorder:
    """Every fact the hub itself states (not a device message) goes through ``emit``.

    Without a bus and a state store (the CLI writing one acknowledgement), it only logs.
    """

    def __init__(self, log: EventLog, clock: Clock, home: str, *, bus: EventBus | None = None,
                 state: StateStore | None = None) -> None:
        self.log = log
        self.clock = clock
        self.home = home
        self.bus = bus
        self.state = state

    def stamp(self, event: Event, **envelope: Any) -> Event:
        return event.stamped(id=new_id(), ts=self.clock.now(), home=envelope.pop("home", self.home), **envelope)

    async def emit(self, event: Event, *, wait: bool = True) -> Event:
        if not event.id:
            event = self.stamp(event, device=event.device, person=event.person, cause=event.cause)
        committed = self.log.append([event]) if wait else None
        if committed is None:
            self.log.append_then(_held_if_refused, [event])
        if self.state is not None:
            self.state.apply(event)
        if self.bus is not None:
            self.bus.publish(event)
        if committed is not None:
            try:
                await committed
            except Exception as error:  # noqa: BLE001 - the log holds the row and commits it when it can
                # A fact the hub states must still take effect (an SOS must still page someone) when the
                # disk refuses it; the event log keeps the row in memory and health reports the fault.
                log.debug("event %s not committed yet (%s); held by the event log", event.id, error)
        return event

    def record(self, event: Event) -> Event:
        """Log ``event`` without publishing it or waiting: a failure report must not loop back into the
        subscribers that failed."""
        if not event.id:
            event = self.stamp(event, device=event.device, person=event.person, cause=event.cause)
        self.log.append_then(_held_if_refused, [event])
        return event


def _held_if_refused(error: BaseException | None) -> None:
    """Nobody waits for this row's commit: a disk that refuses it leaves it held by the event log (``failing``),
    committed with a later write, not an error for anyone here."""
