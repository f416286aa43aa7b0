"""The context each skill talks to (``SkillContext`` in the SDK), built on the narrow parts the hub lends.

Whatever a handler does through it carries the cause of what the handler is handling.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from assistant.alerts.model import Priority
from assistant.clock import Clock
from assistant.commands import Command, Speak
from assistant.config import CaregiverConfig, Config, DeviceConfig, PersonConfig
from assistant.events import AlertRequested, Event, MessageRequested, ReplyGiven
from assistant.intents import normalize_language
from assistant.ports import CommandSender, EventSink
from assistant.registry import DeviceStatus
from assistant.skill_api import LanguageModel
from assistant.skill_runtime.calls import current_cause, waiting
from assistant.skill_runtime.store import SqliteKeyValueStore

if TYPE_CHECKING:
    from assistant.skill_runtime.runtime import SkillRuntime

E = TypeVar("E", bound=Event)


class AlertsForSkills(Protocol):
    """The part of the alert desk a skill reaches (raising goes through ``alert_requested`` events)."""

    async def cancel_by_person(self, person: str, via: str) -> list[str]: ...

    async def resolve_condition(self, kind: str, *, device: str | None = None, person: str | None = None,
                                reason: str = "condition ended") -> int: ...


class Whereabouts(Protocol):
    """The state store: devices' latest state and the room each person was last noticed in."""

    def room_of(self, person: str) -> str | None: ...

    def get(self, device: str) -> dict[str, Any]: ...


class DeviceStatuses(Protocol):
    """The device registry: when each device was last heard from and whether it is online."""

    def get(self, home: str, device_id: str) -> DeviceStatus | None: ...


class TypedEvents(Protocol):
    """The event log read back as typed events."""

    async def events(self, *types: type[E], person: str | None = None, device: str | None = None,
                     since: datetime | None = None, until: datetime | None = None, limit: int = 100) -> list[E]: ...


@dataclass(frozen=True)
class SkillHost:
    """What the hub lends its skills: narrow parts, not the hub."""

    config: Config
    clock: Clock
    sink: EventSink
    """Where a skill's events, replies and alert requests are logged and published."""
    commands: CommandSender
    log: TypedEvents
    alerts: AlertsForSkills
    state: Whereabouts
    devices: DeviceStatuses
    model: Callable[[], LanguageModel | None]
    """The language model when ``llm`` is on and built, else None."""


def speakers_for(config: Config, state: Whereabouts, *, person: str | None, room: str | None) -> list[DeviceConfig]:
    """Where to speak: the speakers of ``room``; for a person, those of the room they were last noticed
    in, or else the speakers that are theirs (``person:`` in config.yaml)."""
    speakers = [d for d in config.devices if d.kind == "speaker"]
    if room:
        return [d for d in speakers if d.room == room]
    if person:
        here = state.room_of(person)
        nearby = [d for d in speakers if here and d.room == here]
        return nearby or [d for d in speakers if d.person == person]
    return []


def room_name(rooms: dict[str, dict[str, list[str]]], room: str, language: str) -> str:
    """A room's spoken name in ``language`` (``zh`` matches ``zh-CN``); its id when none is configured."""
    names = rooms.get(room, {})
    for code in (language, *sorted(names)):
        if code in names and names[code] and (code == language or code.split("-")[0] == language.split("-")[0]):
            return names[code][0]
    return room


class HubSkillContext:
    """The ``SkillContext`` the hub gives each skill (see ``assistant.skill_api.SkillContext``)."""

    def __init__(self, runtime: SkillRuntime, host: SkillHost, skill_id: str) -> None:
        self._runtime = runtime
        self._host = host
        self._config = host.config
        self.skill_id = skill_id
        self.log = logging.getLogger(f"carehub.skill.{skill_id}")
        self.store = SqliteKeyValueStore(runtime.store_connection, skill_id, host.clock.now)
        self.home_id = host.config.home.id
        self.timezone = host.config.home.timezone

    def now(self) -> datetime:
        return self._host.clock.now()

    async def sleep(self, seconds: float) -> None:
        with waiting():
            await self._host.clock.sleep(seconds)

    def language(self, person: str | None = None) -> str:
        p = self._config.person(person) if person else None
        return normalize_language((p.language if p and p.language else None) or self._config.home.language)

    async def say(self, text: str, *, person: str | None = None, room: str | None = None,
                  language: str | None = None) -> None:
        lang = normalize_language(language) if language else self.language(person)
        for speaker in speakers_for(self._config, self._host.state, person=person, room=room):
            await self._host.commands.send_command(speaker.id, Speak(text, lang), skill=self.skill_id,
                                                   cause=current_cause())
        await self._host.sink.emit(ReplyGiven(text=text, language=lang, room=room, skill=self.skill_id,
                                              person=person, cause=current_cause()))

    async def ask(self, question: str, *, person: str, timeout: float = 30.0,
                  language: str | None = None) -> str | None:
        answers = self._runtime.answers
        future = answers.expect(person)
        await self.say(question, person=person, language=language)
        sleeper = asyncio.ensure_future(self._host.clock.sleep(timeout))
        either: set[asyncio.Future[Any]] = {future, sleeper}
        try:
            with waiting():
                await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            answers.forget(person, future)
        return future.result() if future.done() and not future.cancelled() else None

    async def notify(self, message: str | dict[str, str], *, priority: Priority | str = Priority.MEDIUM,
                     person: str | None = None, kind: str = "", self_cancel: bool = False,
                     device: str | None = None) -> Event:
        request = AlertRequested(message=message, priority=Priority.parse(priority).value, alert_kind=kind,
                                 skill=self.skill_id, person=person, cause=current_cause(), self_cancel=self_cancel,
                                 device=device)
        return await self._host.sink.emit(request)

    async def message(self, to: str, text: str, *, person: str | None = None) -> Event:
        request = MessageRequested(to=to, text=text, skill=self.skill_id, person=person, cause=current_cause())
        return await self._host.sink.emit(request)

    def caregivers(self, person: str | None = None) -> list[CaregiverConfig]:
        return self._config.caregivers_of(person) if person else list(self._config.caregivers)

    async def command(self, device: str, command: Command) -> None:
        await self._host.commands.send_command(device, command, skill=self.skill_id, cause=current_cause())

    async def emit(self, event: Event) -> Event:
        if event.id:
            # Already published (e.g. the event being handled): log it again as a new fact, caused by
            # what is being handled, instead of re-publishing an id the log would silently ignore.
            event = event.stamped(id="", cause=current_cause())
        elif event.cause is None:
            event = event.stamped(cause=current_cause())
        return await self._host.sink.emit(event)

    async def events(self, *types: type[E], person: str | None = None, device: str | None = None,
                     since: datetime | None = None, until: datetime | None = None,
                     limit: int = 100) -> list[E]:
        return await self._host.log.events(*types, person=person, device=device, since=since, until=until,
                                           limit=limit)

    def device_state(self, device: str) -> dict[str, Any]:
        state = self._host.state.get(device)
        status = self._host.devices.get(self.home_id, device)
        if status is not None:
            state["last_seen"] = status.last_seen
            state.setdefault("online", status.online)
        return state

    async def cancel_alerts(self, person: str, *, via: str = "voice") -> int:
        return len(await self._host.alerts.cancel_by_person(person, via))

    async def clear_alerts(self, kind: str, *, device: str | None = None, person: str | None = None,
                           reason: str = "condition ended") -> int:
        return await self._host.alerts.resolve_condition(kind, device=device, person=person, reason=reason)

    def devices(self, *, kind: str | None = None, room: str | None = None) -> list[DeviceConfig]:
        return [d for d in self._config.devices
                if (kind is None or d.kind == kind) and (room is None or d.room == room)]

    def person(self, person_id: str) -> PersonConfig | None:
        return self._config.person(person_id)

    @property
    def model(self) -> LanguageModel | None:
        return self._host.model()

    def room_name(self, room: str, language: str) -> str:
        return room_name(self._config.rooms, room, language)

    def call_later(self, seconds: float, callback: Callable[[], Awaitable[None]]) -> None:
        if self._runtime.stopped:
            return
        cause = current_cause()
        name = getattr(callback, "__name__", "call_later")

        async def later() -> None:
            await self._host.clock.sleep(seconds)
            await self._runtime.invoke(self.skill_id, name, callback, cause)

        self._runtime.spawn(later())
