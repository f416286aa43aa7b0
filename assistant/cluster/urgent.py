"""A partition's urgent lane: a second MQTT session carrying only its homes' event topics (an SOS, a fall).

A partition's session stops reading while it holds ``MAX_UNACKED`` messages not yet logged (``assistant/mqtt.py``).
A worker near the edge of its core falls behind in its log first: its event loop and the thread that commits the log
share one interpreter lock, and with the loop busy most of the time the writer gets too little of it. The session
then waits, and an SOS pressed meanwhile waits at the broker behind every reading queued before it, seconds at
10,000 homes, though nothing about an SOS needs the log before its home reacts (a message's events reach the skills
before its rows are committed; only its acknowledgement waits for them).

The lane's session (client id ``carehub-p<k>-urgent``, fenced by the same lease) subscribes to each home's
``<prefix>/<home>/+/event`` and keeps reading while the main one waits. An event it brings goes to its home at once
(``Ingest.handle_early``): logged with the rest, acknowledged once committed. The main session's copy, when it comes,
is recognised by its message id and goes no further (``duplicate``). What the lane cannot be sure of is left to the
main session, acknowledged on the lane at once: an event without a message id (two copies could not be told apart),
one its home cannot decode (the main copy is rejected and logged, once), one for a home not running here yet (the
main copy calls it ahead of the others), and a copy of one handled already.

The lane's session is clean: the broker keeps nothing for it while no worker holds the partition, since the main
session's queue has every message.

Once on the worker, an SOS still shares the event loop with every reading: near the edge of its core, each of the
SOS's steps (the skill, the alert, the page's request and its answer) waits its turn behind the readings read since.
So while an SOS or a fall is on its way to a caregiver (from the lane or the main session, ``Ingest.on_urgent``), the
worker stops reading its partitions' main sessions (``Precedence``): readings wait at the broker for a few tens of
milliseconds, and the loop's turns carry the urgent work. Reading starts again once a high-priority page has been
sent, or after ``HOLD_AT_MOST`` (a fall's page comes after its cancel window); the lanes keep reading throughout.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Mapping
from typing import Protocol

from assistant import topics
from assistant.config import MqttConfig
from assistant.ingest import Ingest
from assistant.mqtt import Incoming, MqttLink

SUFFIX = "-urgent"
MAX_UNACKED = 100
"""Events the lane holds not yet logged before it stops reading (an SOS a second at 10,000 homes: 100 s of them)."""


HOLD_AT_MOST = 0.25
"""Seconds an urgent event holds the main sessions' reading at most (an SOS's page is usually sent well before)."""


class Precedence:
    """A worker's main sessions (``links``) stop reading while an urgent event is on its way to a caregiver.

    ``urgent()`` when one has been handed to its home's skills, ``paged()`` when a high-priority page has been sent:
    each urgent event holds the reading until a page is sent after it, or for ``hold_at_most`` seconds, whichever
    comes first (a page sent closes the oldest event still open). However many come, reading is never held for
    more than twice ``hold_at_most`` at a time, and after a hold it goes on for at least as long as the hold was (a
    flood of alarms must not stop the readings, nor the broker's answers to the sessions' keepalive pings)."""

    def __init__(self, hold_at_most: float = HOLD_AT_MOST) -> None:
        self.hold_at_most = hold_at_most
        self.links: list[MqttLink] = []
        self._open: deque[asyncio.TimerHandle] = deque()
        self._since = 0.0
        """When the hold under way began (the loop's time)."""
        self._free_until = 0.0
        """Until when reading is not held again (the loop's time)."""
        self.held = 0
        """Times reading was held."""
        self.expired = 0
        """Urgent events whose hold ended at ``hold_at_most`` rather than with a page."""
        self.passed = 0
        """Urgent events that held nothing: reading had just been held, or had been for long enough."""

    def urgent(self) -> None:
        if self.hold_at_most <= 0:
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        if (self._open and now - self._since >= self.hold_at_most) or (not self._open and now < self._free_until):
            self.passed += 1
            return
        self._open.append(loop.call_later(self.hold_at_most, self._expire))
        if len(self._open) == 1:
            self._since = now
            self.held += 1
            for link in self.links:
                link.hold()

    def paged(self) -> None:
        if self._open:
            self._open.popleft().cancel()
            self._release_if_done()

    def _expire(self) -> None:
        self.expired += 1
        self._open.popleft()  # every event holds as long: the one whose time is up is the oldest
        self._release_if_done()

    def _release_if_done(self) -> None:
        if not self._open:
            now = asyncio.get_running_loop().time()
            self._free_until = now + (now - self._since)  # held at most half the time
            for link in self.links:
                link.release()


def filters(prefix: str, home: str) -> list[str]:
    """A home's topic filters on its partition's urgent lane: its devices' events."""
    return [f"{prefix}/{home}/+/event"]


class Home(Protocol):
    """What the lane needs of a running home (its ``Hub``)."""

    @property
    def ingest(self) -> Ingest: ...


class UrgentLane:
    """The urgent lane of a partition whose running homes are ``hubs`` (read, never changed, here)."""

    def __init__(self, mqtt: MqttConfig, status_topic: str, hubs: Mapping[str, Home], *,
                 fence: Callable[[], bool] | None, min_backoff: float) -> None:
        self.prefix = mqtt.topic_prefix
        self.link = MqttLink(mqtt.model_copy(update={"client_id": f"{mqtt.client_id}{SUFFIX}"}), subscriptions=[],
                             status_topic=f"{status_topic}{SUFFIX}", min_backoff=min_backoff,
                             max_unacked=MAX_UNACKED, persistent=False)
        self.link.fence = fence
        self.link.on_message = self._route
        self._hubs = hubs
        self.taken = 0
        """Events handed to their home from the lane, ahead of the main session's copy."""
        self.left = 0
        """Copies left to the main session (no message id, not decodable, home not running, seen already)."""

    async def add(self, homes: list[str]) -> None:
        await self.link.subscribe([f for home in homes for f in filters(self.prefix, home)])

    async def remove(self, home: str) -> None:
        await self.link.unsubscribe(filters(self.prefix, home))

    def _route(self, message: Incoming) -> None:
        route = topics.parse(message.topic, self.prefix)
        hub = self._hubs.get(route.home) if route is not None else None
        if hub is not None and hub.ingest.handle_early(message, self.link):
            self.taken += 1
            return
        self.left += 1
        self.link.ack(message, self.link.ack_token())
