"""Messages to caregivers ("tell Anna I'm fine"): passed on once through their channels, never escalated.

A skill asks with ``ctx.message`` (a ``message_requested`` event); the messenger tries the caregiver's
channels in order, with the same retries as an alert step, and logs every attempt as ``message_delivered``.
Unlike an alert there is nothing to acknowledge: the message is the point.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from assistant.alerts.delivery import Notifier, channel_label
from assistant.clock import Clock
from assistant.config import Config
from assistant.events import Event, MessageDelivered, MessageRequested
from assistant.ports import EventSink

log = logging.getLogger(__name__)

TITLE = {"en": "Message from {name}", "zh": "{name}的留言"}


class Messenger:
    """Passes ``message_requested`` events on to caregivers."""

    def __init__(self, config: Config, notifier: Notifier, sink: EventSink, clock: Clock) -> None:
        self._config = config
        self.notifier = notifier
        self._sink = sink
        self._clock = clock
        self._tasks: set[asyncio.Task[Any]] = set()
        self.sending = 0
        """Sends in progress (not counting waits between retries): the skill harness waits for them."""

    async def on_message_requested(self, event: Event) -> None:
        """Deliver in a task of its own: retries wait on the clock, and must not hold up the bus."""
        assert isinstance(event, MessageRequested)
        task = asyncio.ensure_future(self.deliver(event))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def deliver(self, request: MessageRequested) -> bool:
        """True once a channel took the message; every attempt is logged."""
        caregiver = self._config.caregiver(request.to)
        if caregiver is None:
            await self._attempt(request, "-", False, f"no caregiver with id '{request.to}'")
            return False
        person = self._config.person(request.person) if request.person else None
        sender = person.name if person else self._config.home.name
        lang = "zh" if caregiver.language.startswith("zh") else "en"
        title = TITLE[lang].format(name=sender)
        attempts = self._config.alerts.delivery_attempts
        for url in caregiver.channels:
            for attempt in range(attempts):
                self.sending += 1
                try:
                    ok, detail = await self.notifier.send(url, title, request.text, "low")
                finally:
                    self.sending -= 1
                await self._attempt(request, channel_label(url), ok, detail)
                if ok:
                    return True
                if attempt < attempts - 1:
                    await self._clock.sleep(2 ** attempt)
        if not caregiver.channels:
            await self._attempt(request, "-", False, "the caregiver has no channels")
        log.warning("message %s to %s reached no channel", request.id, request.to)
        return False

    async def _attempt(self, request: MessageRequested, channel: str, ok: bool, detail: str) -> None:
        await self._sink.emit(MessageDelivered(to=request.to, channel=channel, ok=ok, detail=detail,
                                               person=request.person, cause=request.id))

