"""The skill test harness: a pytest plugin with the ``skill_harness`` fixture.

Installed with carehub (``pytest11`` entry point), so any skill package's tests can do::

    async def test_greets(skill_harness):
        h = await skill_harness(Hello)
        reply = await h.say("hello")
        assert reply.text == "Hello!"

The harness runs the skill inside a real hub — real event bus, real SQLite log in a temporary
folder, the same skill runtime — with no broker (commands are recorded) and a fake clock.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from assistant.app import Hub, build_hub
from assistant.clock import FakeClock
from assistant.config import parse_config
from assistant.events import (
    AlertRequested, CommandSent, Event, ReplyGiven, SkillFailed,
)
from assistant.skill_loader import SkillClass, _prepare
from assistant.mqtt import Incoming
from assistant.skill_runtime import Reply

_async_fixture: Any
try:
    from pytest_asyncio import fixture as _async_fixture
except ImportError:  # pragma: no cover - the plugin must never break a plain pytest run
    _async_fixture = pytest.fixture

__all__ = ["SkillHarness", "skill_harness"]

SETTLE_TIMEOUT = 30.0
"""Real seconds ``settle`` waits for handlers that neither finish nor wait on the clock or a person."""


def _default_config_text() -> str:
    from importlib.resources import files

    return (files("assistant") / "default_config.yaml").read_text(encoding="utf-8")


def _default_id(cls: type) -> str:
    return getattr(cls, "id", "") or re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


class SkillHarness:
    """One skill (or several) running in an offline hub on a fake clock."""

    def __init__(self, hub: Hub, clock: FakeClock) -> None:
        assert hub.outbox is not None, "the harness runs an offline hub"
        self.hub = hub
        self.clock = clock
        self._outbox = hub.outbox.messages
        self.events: list[Event] = []
        self._stopped = False
        hub.bus.subscribe(self.events.append, name="harness")
        clock.settle = self.settle

    # -- driving ----------------------------------------------------------------------------------

    async def publish(self, event: Event, *, device: str | None = None, person: str | None = None) -> Event:
        """Publish an event as if a device had reported it (person taken from the device's config)."""
        device = device or event.device
        config = self.hub.config.device(device) if device else None
        person = person or event.person or (config.person if config else None)
        stamped = self.hub.recorder.stamp(event, device=device, person=person, cause=event.cause)
        await self.hub.emit(stamped)
        await self.settle()
        return stamped

    async def say(self, text: str, *, language: str | None = None, person: str | None = None,
                  room: str | None = None) -> Reply:
        """Type an utterance, as ``carehub say`` does; returns carehub's reply."""
        reply = await self.hub.hear(text, language=language, person=person, room=room, source="test")
        await self.settle()
        return reply

    async def advance(self, seconds: float) -> None:
        """Move the fake clock forward, running whatever falls due."""
        await self.clock.advance(seconds)
        await self.settle()

    async def settle(self) -> None:
        """Run until nothing moves: every queued event handled, every handler done, every commit done.

        Handlers waiting on the fake clock or for a person (``ctx.sleep``, ``ctx.ask``) stay
        waiting; that is what ``advance`` and ``say`` are for. Events queued behind such a handler
        wait with it. A handler that neither finishes nor waits raises TimeoutError after
        ``SETTLE_TIMEOUT`` real seconds, naming it.
        """
        def progress() -> tuple[int, int, int]:
            return len(self.events), len(self._outbox), self.hub.log.committed_rows

        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE_TIMEOUT
        quiet = 0
        while quiet < 2:
            before = progress()
            if self.hub.log.pending:
                await self.hub.log.append([])  # one commit round trip: whatever awaited a commit resumes
            for _ in range(20):
                await asyncio.sleep(0)
            busy = self._busy()
            quiet = quiet + 1 if before == progress() and not busy else 0
            if quiet == 0 and loop.time() > deadline:
                raise TimeoutError(f"skill harness: still busy after {SETTLE_TIMEOUT:g} s: "
                                   f"{', '.join(busy) or 'events keep coming'}")

    def _busy(self) -> list[str]:
        """Bus subscribers with queued events and handler calls in progress, but not those waiting."""
        waiting = self.hub.skills.waiting_subscriptions()
        queued = [f"{name} ({stats['queued']} queued, {stats['active']} running)"
                  for name, stats in self.hub.bus.stats().items()
                  if (stats["queued"] or stats["active"]) and name not in waiting]
        sending = ["messages (sending)"] if self.hub.messenger.sending else []
        return queued + self.hub.skills.busy() + sending

    async def play(self, scenario: Any, *, tick_every: float = 60.0, until: str | None = None) -> int:
        """Replay a household-simulator scenario through the hub, on the fake clock.

        Every configured device with simulated firmware runs its reference firmware; each message
        it publishes goes through the hub's real decoder (as if from the broker) and commands the
        hub sends reach the firmware's ``/set`` handler. Offset 0 is ``scenario.starts_at`` on the
        clock's current home date, which must not have passed yet. Devices tick (heartbeats,
        commands) every ``tick_every`` seconds. ``until`` (``"HH:MM"``) stops early; otherwise the
        replay runs for the scenario's duration. Returns how many messages the devices published.
        """
        from firmware_stubs.household import DEFAULT_FIRMWARE_OPTIONS, FIRMWARE, Household

        zone = ZoneInfo(self.hub.config.home.timezone)
        today = self.clock.now().astimezone(zone)
        t0 = datetime.combine(today.date(), scenario.starts_at, tzinfo=zone)
        if t0 < today:
            raise ValueError(f"scenario {scenario.name!r} starts at {scenario.starts_at:%H:%M}, but the clock "
                             f"is already at {today:%H:%M}; start the harness earlier")
        end = scenario.duration
        if until is not None:
            hours, minutes = (int(x) for x in until.split(":"))
            end = (datetime.combine(today.date(), datetime.min.time().replace(hour=hours, minute=minutes),
                                    tzinfo=zone) - t0).total_seconds()
        specs = [{"id": d.id, "kind": d.kind, "heartbeat": d.heartbeat or 60}
                 for d in self.hub.config.devices if d.kind in FIRMWARE]
        household = Household(specs, home=self.hub.home, prefix=self.hub.config.mqtt.topic_prefix,
                              client_factory=_HarnessClient, firmware_options=DEFAULT_FIRMWARE_OPTIONS)
        delivered = len(self._outbox)
        sent = 0

        async def deliver() -> None:
            nonlocal delivered, sent
            for device in household.devices.values():
                client: _HarnessClient = device.client
                for topic, payload in client.take():
                    sent += 1
                    self.hub.ingest.handle(Incoming(topic, payload, qos=1, retain=False, mid=0))
            await self.settle()
            for topic, payload, _ in self._outbox[delivered:]:
                for device in household.devices.values():
                    client = device.client
                    if topic == device.topic("set"):
                        client.inbox.append((topic.encode(), payload))
            delivered = len(self._outbox)

        async def move_to(offset: float) -> float:
            target = t0 + timedelta(seconds=offset)
            seconds = (target - self.clock.now()).total_seconds()
            if seconds > 0:
                await self.advance(seconds)
            return target.timestamp()

        household.start(await move_to(0))
        await deliver()
        ticks = 1
        for step in scenario.steps:
            if step.at > end:
                break
            while ticks * tick_every < step.at:
                household.tick(await move_to(ticks * tick_every))
                await deliver()
                ticks += 1
            household.apply(step, await move_to(step.at))
            await deliver()
        while ticks * tick_every <= end:
            household.tick(await move_to(ticks * tick_every))
            await deliver()
            ticks += 1
        await move_to(end)
        return sent

    # -- reading back ------------------------------------------------------------------------------

    def of(self, kind: type[Event]) -> list[Event]:
        return [e for e in self.events if isinstance(e, kind)]

    @property
    def replies(self) -> list[str]:
        """Everything carehub said or answered, in order."""
        return [e.text for e in self.of(ReplyGiven)]  # type: ignore[attr-defined]

    @property
    def notifications(self) -> list[AlertRequested]:
        return self.of(AlertRequested)  # type: ignore[return-value]

    @property
    def commands(self) -> list[CommandSent]:
        return self.of(CommandSent)  # type: ignore[return-value]

    @property
    def published(self) -> list[tuple[str, Any]]:
        """(topic, decoded JSON payload) of everything that would have gone to the broker."""
        return [(topic, json.loads(payload)) for topic, payload, _ in self._outbox]

    @property
    def failures(self) -> list[SkillFailed]:
        return self.of(SkillFailed)  # type: ignore[return-value]

    async def rows(self, **filters: Any) -> list[dict[str, Any]]:
        """Rows of the real event log (newest first), after everything queued is committed."""
        await self.hub.log.append([])
        return await self.hub.reader.rows(limit=10000, **filters)

    async def stop(self) -> None:
        """Stop the hub (teardown runs, waiting handlers are cancelled); stopping again does nothing."""
        if self._stopped:
            return
        self._stopped = True
        await self.hub.stop()


class _HarnessClient:
    """A umqtt-style client whose messages the harness hands straight to the hub."""

    def __init__(self, client_id: str) -> None:
        self.client_id = client_id
        self.outgoing: list[tuple[str, bytes]] = []
        self.inbox: list[tuple[bytes, bytes]] = []
        self.callback: Any = None

    def set_last_will(self, topic: bytes, msg: bytes, retain: bool = False, qos: int = 0) -> None:
        pass

    def set_callback(self, cb: Any) -> None:
        self.callback = cb

    def connect(self, clean_session: bool = True) -> None:
        pass

    def publish(self, topic: bytes, msg: bytes, retain: bool = False, qos: int = 0) -> None:
        self.outgoing.append((topic.decode(), msg))

    def subscribe(self, topic: bytes, qos: int = 0) -> None:
        pass

    def check_msg(self) -> None:
        inbox, self.inbox = self.inbox, []
        for topic, msg in inbox:
            self.callback(topic, msg)

    def disconnect(self) -> None:
        pass

    def take(self) -> list[tuple[str, bytes]]:
        out, self.outgoing = self.outgoing, []
        return out


async def start_harness(skills: list[tuple[type, dict[str, Any] | None, str | None]], database: Path, *,
                        config: dict[str, Any] | None = None, start: datetime | None = None) -> SkillHarness:
    raw = yaml.safe_load(_default_config_text())
    # The household's caregivers only when a test gives them: a skill's alerts are read from ``notifications``,
    # and the demo household's caregiver (reached in the app only) would add the "reached nobody" alarm.
    raw["caregivers"] = []
    raw = _merge(raw, config or {})
    raw["storage"] = {"database": str(database)}
    raw["http"] = {"enabled": False}
    raw.setdefault("skills", {})
    ids = []
    for cls, settings, skill_id in skills:
        sid = skill_id or _default_id(cls)
        ids.append((sid, cls))
        if settings is not None:
            raw["skills"][sid] = settings
    cfg = parse_config(raw, "skill harness", database.parent)
    classes: list[SkillClass] = [_prepare(sid, cls, f"test {cls.__qualname__}", cfg) for sid, cls in ids]
    if start is not None:
        # The clock runs in UTC; a naive start is home time: datetime(2026, 1, 5, 7, 0) is 07:00 at home.
        start = (start if start.tzinfo else start.replace(tzinfo=ZoneInfo(cfg.home.timezone))).astimezone(timezone.utc)
    clock = FakeClock(start)
    hub = build_hub(cfg, clock=clock, offline=True, skills=classes)
    harness = SkillHarness(hub, clock)
    await hub.start()
    if hub.skills.errors:
        await hub.stop()
        raise hub.skills.errors[0]
    await harness.settle()
    return harness


@_async_fixture
async def skill_harness(tmp_path: Path) -> AsyncIterator[Any]:
    """Factory: ``h = await skill_harness(MySkill, settings={...}, config={...}, start=datetime(...))``.

    ``start`` without a time zone is home time. ``database`` reuses an earlier harness's log and
    skill stores, e.g. ``database=first.hub.config.database_path`` after ``await first.stop()``.
    """
    started: list[SkillHarness] = []
    counter = 0

    async def make(skill: type, settings: dict[str, Any] | None = None, *, config: dict[str, Any] | None = None,
                   start: datetime | None = None, skill_id: str | None = None,
                   also: list[type] | None = None, database: Path | None = None) -> SkillHarness:
        nonlocal counter
        counter += 1
        skills = [(skill, settings, skill_id)] + [(cls, None, None) for cls in also or []]
        path = Path(database) if database is not None else tmp_path / f"harness-{counter}.db"
        harness = await start_harness(skills, path, config=config, start=start)
        started.append(harness)
        return harness

    yield make
    for harness in started:
        await harness.stop()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "carehub_skill: a test of a carehub skill")
