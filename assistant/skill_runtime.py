"""Running skills inside the hub: contexts, handler wiring, schedules, and the conversation path.

Every handler call is isolated: an exception becomes a ``skill_failed`` event (skill id, handler,
cause) and the hub runs on. Whatever a handler does is linked to what it was handling through a
context variable, so each event it causes carries ``cause``.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
import sqlite3
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from assistant.commands import Command, Speak
from assistant.errors import SkillError
from assistant.events import (
    AlertRequested, Event, event_from_row, kinds_of, IntentRecognized, ReplyGiven, SkillFailed, SkillLoadFailed, UtteranceHeard,
    UtteranceNotUnderstood,
)
from assistant.intents import GrammarSource, Recognizer, guess_languages, normalize_language
from assistant.alerts.model import Priority
from assistant.skill_api import IntentMatch, IntentSpec, OnSpec, ScheduleSpec, Skill, ToolSpec, localized
from assistant.skill_loader import SkillClass, sentences_dir

if TYPE_CHECKING:
    from assistant.app import Hub

log = logging.getLogger(__name__)

_cause: contextvars.ContextVar[str | None] = contextvars.ContextVar("carehub_cause", default=None)
HANDLER_TIMEOUT = 900.0
"""Seconds a bus handler may run; long enough for an ask-and-wait with a cancel window."""

NOT_UNDERSTOOD = {"en": "Sorry, I didn't understand that.", "zh": "抱歉，我没听懂。"}
FAILED = {"en": "Sorry, something went wrong. I've noted it.", "zh": "抱歉，出了点问题，我已经记下了。"}

_DOMAINS = {"light": "light", "switch": "switch", "climate": "climate", "speaker": "media_player",
            "motion": "binary_sensor", "contact": "binary_sensor", "occupancy": "binary_sensor"}


def current_cause() -> str | None:
    """Id of the event the running handler is handling."""
    return _cause.get()


@dataclass(eq=False)
class _Running:
    """One handler call in progress; ``waiting`` while it waits on the clock or for someone's answer."""

    label: str
    subscription: str | None = None
    """The bus subscription it is handling an event of, if any."""
    waiting: int = 0


_running: contextvars.ContextVar[_Running | None] = contextvars.ContextVar("carehub_running", default=None)


def speakers_for(hub: Any, *, person: str | None, room: str | None) -> list[Any]:
    """Where to speak: the speakers of ``room``; for a person, those of the room they were last noticed
    in, or else the speakers that are theirs (``person:`` in config.yaml)."""
    speakers = [d for d in hub.config.devices if d.kind == "speaker"]
    if room:
        return [d for d in speakers if d.room == room]
    if person:
        here = hub.state.room_of(person)
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


@contextlib.contextmanager
def _waiting() -> Iterator[None]:
    """Mark the running handler as waiting for time to pass or a person to speak (the test harness asks)."""
    running = _running.get()
    if running is not None:
        running.waiting += 1
    try:
        yield
    finally:
        if running is not None:
            running.waiting -= 1


@dataclass(frozen=True)
class Reply:
    """What carehub answered to an utterance."""

    text: str | None
    language: str
    understood: bool
    intent: str | None = None
    skill: str | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    utterance_id: str = ""


class SqliteKeyValueStore:
    """A skill's key-value store: JSON values in the ``skill_store`` table, off the event loop."""

    def __init__(self, path: Path, skill_id: str, lock: threading.Lock,
                 now: Callable[[], datetime] | None = None) -> None:
        self._path = path
        self._skill = skill_id
        self._lock = lock
        self._now = now or (lambda: datetime.now(timezone.utc))
        self._conn: sqlite3.Connection | None = None

    def _run(self, sql: str, args: list[Any]) -> list[tuple]:
        with self._lock:
            if self._conn is None:
                self._conn = sqlite3.connect(self._path, timeout=30, check_same_thread=False)
            with self._conn:
                return self._conn.execute(sql, args).fetchall()

    async def get(self, key: str, default: Any = None) -> Any:
        rows = await asyncio.to_thread(self._run, "SELECT value FROM skill_store WHERE skill = ? AND key = ?",
                                       [self._skill, key])
        return json.loads(rows[0][0]) if rows else default

    async def set(self, key: str, value: Any) -> None:
        await asyncio.to_thread(
            self._run,
            "INSERT INTO skill_store (skill, key, value, updated) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(skill, key) DO UPDATE SET value = excluded.value, updated = excluded.updated",
            [self._skill, key, json.dumps(value, ensure_ascii=False), self._now().isoformat()])

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._run, "DELETE FROM skill_store WHERE skill = ? AND key = ?", [self._skill, key])

    async def keys(self) -> list[str]:
        rows = await asyncio.to_thread(self._run, "SELECT key FROM skill_store WHERE skill = ? ORDER BY key",
                                       [self._skill])
        return [r[0] for r in rows]

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


class HubSkillContext:
    """The ``SkillContext`` the hub gives each skill (see ``assistant.skill_api.SkillContext``)."""

    def __init__(self, runtime: "SkillRuntime", skill_id: str) -> None:
        self._runtime = runtime
        self._hub = runtime.hub
        self.skill_id = skill_id
        self.log = logging.getLogger(f"carehub.skill.{skill_id}")
        self.store = SqliteKeyValueStore(self._hub.config.database_path, skill_id, runtime.store_lock,
                                         self._hub.clock.now)
        self.home_id = self._hub.home
        self.timezone = self._hub.config.home.timezone

    def now(self) -> datetime:
        return self._hub.clock.now()

    async def sleep(self, seconds: float) -> None:
        with _waiting():
            await self._hub.clock.sleep(seconds)

    def language(self, person: str | None = None) -> str:
        p = self._hub.config.person(person) if person else None
        return normalize_language((p.language if p and p.language else None) or self._hub.config.home.language)

    def _language(self, person: str | None, language: str | None) -> str:
        return normalize_language(language) if language else self.language(person)

    async def say(self, text: str, *, person: str | None = None, room: str | None = None,
                  language: str | None = None) -> None:
        lang = self._language(person, language)
        for speaker in speakers_for(self._hub, person=person, room=room):
            await self._hub.send_command(speaker.id, Speak(text, lang), skill=self.skill_id, cause=current_cause())
        await self._hub.emit(ReplyGiven(text=text, language=lang, room=room, skill=self.skill_id,
                                        person=person, cause=current_cause()))

    async def ask(self, question: str, *, person: str, timeout: float = 30.0,
                  language: str | None = None) -> str | None:
        future = self._runtime.expect_answer(person)
        await self.say(question, person=person, language=language)
        sleeper = asyncio.ensure_future(self._hub.clock.sleep(timeout))
        try:
            with _waiting():
                await asyncio.wait({future, sleeper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            self._runtime.forget_answer(person, future)
        return future.result() if future.done() and not future.cancelled() else None

    async def notify(self, message: str | dict[str, str], *, priority: Priority | str = Priority.MEDIUM,
                     person: str | None = None, kind: str = "", self_cancel: bool = False,
                     device: str | None = None) -> Event:
        return await self._hub.emit(AlertRequested(message=message, priority=Priority.parse(priority).value, alert_kind=kind,
                                                      skill=self.skill_id, person=person, cause=current_cause(),
                                                      self_cancel=self_cancel, device=device))

    async def command(self, device: str, command: Command) -> None:
        await self._hub.send_command(device, command, skill=self.skill_id, cause=current_cause())

    async def emit(self, event: Event) -> Event:
        if event.id:
            # Already published (e.g. the event being handled): log it again as a new fact, caused by
            # what is being handled, instead of re-publishing an id the log would silently ignore.
            event = event.stamped(id="", cause=current_cause())
        elif event.cause is None:
            event = event.stamped(cause=current_cause())
        return await self._hub.emit(event)

    async def events(self, *types: type[Event], person: str | None = None, device: str | None = None,
                     since: datetime | None = None, until: datetime | None = None,
                     limit: int = 100) -> list[Any]:
        rows = await self._hub.query_events(kinds=kinds_of(types), person=person, device=device, since=since,
                                            until=until, limit=limit)
        return [event_from_row(row) for row in rows]

    def device_state(self, device: str) -> dict[str, Any]:
        state = self._hub.state.get(device)
        status = self._hub.registry.get(self._hub.home, device)
        if status is not None:
            state["last_seen"] = status.last_seen
            state.setdefault("online", status.online)
        return state

    async def cancel_alerts(self, person: str, *, via: str = "voice") -> int:
        return len(await self._hub.alerts.cancel_by_person(person, via))

    async def clear_alerts(self, kind: str, *, device: str | None = None, person: str | None = None,
                           reason: str = "condition ended") -> int:
        return await self._hub.alerts.resolve_condition(kind, device=device, person=person, reason=reason)

    def devices(self, *, kind: str | None = None, room: str | None = None) -> list[Any]:
        return [d for d in self._hub.config.devices
                if (kind is None or d.kind == kind) and (room is None or d.room == room)]

    def person(self, person_id: str) -> Any:
        return self._hub.config.person(person_id)

    @property
    def model(self) -> Any:
        return getattr(self._hub, "agent", None)

    def room_name(self, room: str, language: str) -> str:
        return room_name(self._hub.config.rooms, room, language)

    def call_later(self, seconds: float, callback: Callable[[], Awaitable[None]]) -> None:
        cause = current_cause()

        async def later() -> None:
            await self._hub.clock.sleep(seconds)
            await self._runtime.invoke(self.skill_id, getattr(callback, "__name__", "call_later"), callback, cause)

        if self._runtime.stopped:
            return

        self._runtime.spawn(later())


@dataclass
class LoadedSkill:
    """A running skill and what it offers."""

    id: str
    instance: Skill[Any]
    origin: str
    intents: list[str]
    schedules: list[str]
    tools: list[ToolSpec]
    subscriptions: list[str]


class SkillRuntime:
    """Owns the running skills of one hub."""

    def __init__(self, hub: "Hub") -> None:
        self.hub = hub
        self.loaded: dict[str, LoadedSkill] = {}
        self.errors: list[SkillError] = []
        self.store_lock = threading.Lock()
        self._intent_handlers: dict[str, tuple[str, Callable[[IntentMatch], Awaitable[Any]]]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._answers: dict[str, asyncio.Future[str]] = {}
        self._running: set[_Running] = set()
        self.stopped = False
        self.recognizer = Recognizer([], hub.config.languages)

    # -- life cycle -----------------------------------------------------------------------------

    async def start(self, classes: list[SkillClass], errors: list[SkillError]) -> None:
        self.errors = list(errors)
        sources: list[GrammarSource] = []
        for sc in classes:
            try:
                loaded, source = await self._start_one(sc)
            except SkillError as error:
                self.errors.append(error)
                continue
            except Exception as error:  # noqa: BLE001 - a broken setup isolates that skill only
                self.errors.append(SkillError(sc.id, f"setup failed: {type(error).__name__}: {error}"))
                continue
            self.loaded[sc.id] = loaded
            sources.append(source)
        self.recognizer = Recognizer(sources, self.hub.config.languages)
        self._refresh_slot_lists()
        for error in self.errors:
            log.error("%s", error)
            await self.hub.emit(SkillLoadFailed(skill=error.skill, error=str(error)))

    async def _start_one(self, sc: SkillClass) -> tuple[LoadedSkill, GrammarSource]:
        ctx = HubSkillContext(self, sc.id)
        intents, schedules, tools, subs = [], [], [], []
        source = GrammarSource(sc.id, [], {}, sentences_dir(sc.cls))
        pending_intents: dict[str, str] = {}
        for name, spec in sc.cls.handlers():
            if isinstance(spec, IntentSpec):
                owner = self._intent_handlers.get(spec.name)
                if owner is not None:
                    raise SkillError(sc.id, f"intent '{spec.name}' is already handled by skill '{owner[0]}'", name)
                if spec.name in pending_intents:
                    raise SkillError(sc.id, f"intent '{spec.name}' is already handled by "
                                            f"'{pending_intents[spec.name]}' of this skill", name)
                pending_intents[spec.name] = name
                source.intent_names.append(spec.name)
                if spec.sentences:
                    source.inline.setdefault(spec.name, {}).update(spec.sentences)
                intents.append(spec.name)
        try:
            instance = sc.cls(ctx, sc.settings)
            await instance.setup()
        except BaseException:
            ctx.store.close()
            raise
        for intent_name, name in pending_intents.items():
            self._intent_handlers[intent_name] = (sc.id, getattr(instance, name))
        for name, spec in sc.cls.handlers():
            bound = getattr(instance, name)
            if isinstance(spec, OnSpec):
                self.hub.bus.subscribe(self._on_handler(sc.id, name, bound), *spec.types,
                                       name=f"skill:{sc.id}.{name}", timeout=HANDLER_TIMEOUT, **spec.filters)
                subs.append(f"{name}: {', '.join(t.kind for t in spec.types)}")
            elif isinstance(spec, ScheduleSpec):
                self.spawn(self._schedule(sc.id, name, bound, spec))
                schedules.append(f"{name}: {spec.describe()}")
            elif isinstance(spec, ToolSpec):
                tools.append(spec)
        return LoadedSkill(sc.id, instance, sc.origin, intents, schedules, tools, subs), source

    async def stop(self) -> None:
        """Cancel schedules, timers and handlers still running (e.g. waiting for an answer), then tear down."""
        self.stopped = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for skill in self.loaded.values():
            try:
                await skill.instance.teardown()
            except Exception:  # noqa: BLE001
                log.exception("skill %s: teardown failed", skill.id)
            store = getattr(skill.instance.ctx, "store", None)
            if isinstance(store, SqliteKeyValueStore):
                store.close()

    def spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- calling handlers -----------------------------------------------------------------------

    async def invoke(self, skill_id: str, handler: str, fn: Callable[..., Awaitable[Any]],
                     cause: str | None, *args: Any) -> Any:
        """Call a handler with ``cause`` as the current cause; a failure becomes a ``skill_failed`` event."""
        return await self._invoke(_Running(f"{skill_id}.{handler}"), skill_id, handler, fn, cause, *args)

    async def _invoke(self, running: _Running, skill_id: str, handler: str, fn: Callable[..., Awaitable[Any]],
                      cause: str | None, *args: Any) -> Any:
        self._running.add(running)
        cause_token, running_token = _cause.set(cause), _running.set(running)
        try:
            return await fn(*args)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - isolation is the point
            log.exception("skill %s: handler %s failed (cause %s)", skill_id, handler, cause)
            await self.hub.emit(SkillFailed(skill=skill_id, handler=handler, error=f"{type(error).__name__}: {error}",
                                            cause=cause))
            return HANDLER_FAILED
        finally:
            _running.reset(running_token)
            _cause.reset(cause_token)
            self._running.discard(running)

    def _on_handler(self, skill_id: str, name: str, bound: Callable[[Event], Awaitable[Any]]):
        subscription = f"skill:{skill_id}.{name}"

        async def handle(event: Event) -> None:
            if self.stopped:
                return
            # In a task of its own, so stopping the hub can cancel a handler that waits for an answer
            # without killing the bus's subscriber; the bus's timeout still cancels it too.
            running = _Running(f"{skill_id}.{name}", subscription)
            self._running.add(running)
            task = asyncio.ensure_future(self._invoke(running, skill_id, name, bound, event.id, event))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            try:
                await task
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if self.stopped and task.cancelled() and not (current is not None and current.cancelling()):
                    return
                raise
            finally:
                self._running.discard(running)

        handle.__qualname__ = f"{skill_id}.{name}"
        return handle

    async def _schedule(self, skill_id: str, name: str, bound: Callable[[], Awaitable[Any]],
                        spec: ScheduleSpec) -> None:
        after = self.hub.clock.now()
        while True:
            due = next_run(spec, after, ZoneInfo(self.hub.config.home.timezone))
            if due is None:
                return
            await self.hub.clock.sleep_until(due)
            await self.invoke(skill_id, name, bound, None)
            # From the run that was due, not from when the handler finished: no drift for @every, and
            # a clock that woke a hair early cannot make @at run twice.
            after = max(due, self.hub.clock.now())

    # -- what is running (the test harness waits for handlers to finish or to wait) -------------------

    def busy(self) -> list[str]:
        """Handler calls in progress that are not waiting on the clock or for an answer."""
        return sorted(r.label for r in self._running if not r.waiting)

    def waiting_subscriptions(self) -> set[str]:
        """Bus subscriptions whose handler is waiting on the clock or for an answer (their queue waits too)."""
        return {r.subscription for r in self._running if r.waiting and r.subscription}

    # -- conversation -----------------------------------------------------------------------------

    def expect_answer(self, person: str) -> asyncio.Future[str]:
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        old = self._answers.get(person)
        if old is not None and not old.done():
            old.cancel()
        self._answers[person] = future
        return future

    def forget_answer(self, person: str, future: asyncio.Future[str]) -> None:
        if self._answers.get(person) is future:
            del self._answers[person]

    def _refresh_slot_lists(self) -> None:
        config = self.hub.config
        for language in self.recognizer.languages:
            names: list[tuple] = []
            for device in config.devices:
                context = {"domain": _DOMAINS.get(device.kind, "sensor")}
                spoken = [device.display_name] + _in_language(device.aliases, language)
                names += [(text, device.id, context) for text in dict.fromkeys(spoken)]
            rooms = {d.room for d in config.devices if d.room} | set(config.rooms)
            areas: list[tuple] = []
            for room in sorted(rooms):
                spoken = [room.replace("_", " ")] + _in_language(config.rooms.get(room, {}), language)
                areas += [(text, room) for text in dict.fromkeys(spoken)]
            self.recognizer.set_slot_lists(language, {"name": names, "area": areas, "floor": []})

    async def handle_utterance(self, text: str, *, language: str | None = None, person: str | None = None,
                               room: str | None = None, source: str = "text", cause: str | None = None) -> Reply:
        """The one path every utterance takes: answers first, then intents, then "not understood"."""
        text = text.strip()
        config = self.hub.config
        if language:
            languages = [normalize_language(language)]
        else:
            preferred = [normalize_language(l) for l in config.languages]
            p = config.person(person) if person else None
            if p and p.language and normalize_language(p.language) in preferred:
                preferred.remove(normalize_language(p.language))
                preferred.insert(0, normalize_language(p.language))
            languages = guess_languages(text, preferred)
        heard = await self.hub.emit(UtteranceHeard(text=text, language=language or "", source=source,
                                                   person=person, cause=cause))
        if person and person in self._answers and not self._answers[person].done():
            self._answers[person].set_result(text)
            return Reply(None, languages[0], True, intent="answer", utterance_id=heard.id)
        recognized = await asyncio.to_thread(self.recognizer.recognize, text, languages, room) if text else None
        if recognized is None or recognized.intent not in self._intent_handlers:
            lang = languages[0]
            reply_text = localized(NOT_UNDERSTOOD, lang)
            agent = getattr(self.hub, "agent", None)
            if agent is not None and text:
                # Local grammars first; the language model only gets what none of them matched.
                from assistant.llm.hub import converse

                answer = await converse(self.hub, agent, text, person=person, language=lang, cause=heard.id)
                if not answer.fallback:
                    await self.hub.emit(ReplyGiven(text=answer.text, language=lang, room=room, person=person,
                                                   skill="llm", cause=heard.id))
                    return Reply(answer.text, lang, True, intent="llm", skill="llm", utterance_id=heard.id)
                reply_text = answer.text  # the honest fallback ("I'm not sure, I've noted it")
            await self.hub.emit(UtteranceNotUnderstood(text=text, language=lang, person=person, cause=heard.id))
            await self.hub.emit(ReplyGiven(text=reply_text, language=lang, room=room, person=person, cause=heard.id))
            return Reply(reply_text, lang, False, utterance_id=heard.id)
        skill_id, handler = self._intent_handlers[recognized.intent]
        matched = await self.hub.emit(IntentRecognized(intent=recognized.intent, skill=skill_id,
                                                       slots=_jsonable(recognized.slots), person=person,
                                                       cause=heard.id))
        match = IntentMatch(recognized.intent, text, recognized.language, recognized.slots, recognized.slot_text,
                            person, room, heard.id)
        result = await self.invoke(skill_id, getattr(handler, "__name__", recognized.intent), handler,
                                   matched.id, match)
        reply_text = localized(FAILED, recognized.language) if result is HANDLER_FAILED else result
        if reply_text:
            await self.hub.emit(ReplyGiven(text=str(reply_text), language=recognized.language, room=room,
                                           person=person, skill=skill_id, cause=matched.id))
        return Reply(str(reply_text) if reply_text else None, recognized.language, True, recognized.intent,
                     skill_id, _jsonable(recognized.slots), heard.id)

    # -- introspection ------------------------------------------------------------------------------

    def tools(self) -> list[tuple[str, ToolSpec]]:
        return [(s.id, t) for s in self.loaded.values() for t in s.tools]

    def describe(self) -> list[dict[str, Any]]:
        return [{"id": s.id, "origin": s.origin, "intents": s.intents, "schedules": s.schedules,
                 "tools": [t.name for t in s.tools], "subscriptions": s.subscriptions}
                for s in self.loaded.values()]


HANDLER_FAILED = object()
"""What ``invoke`` returns when the handler raised (the failure is already logged)."""


def _in_language(by_language: dict[str, list[str]], language: str) -> list[str]:
    """Names given for ``language`` under any spelling of its code (``zh``, ``zh_CN``, ``zh-CN``)."""
    return [name for code, names in by_language.items() if normalize_language(code) == language for name in names]


def _jsonable(slots: dict[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, (str, int, float, bool)) or v is None else str(v) for k, v in slots.items()}


def next_run(spec: ScheduleSpec, now: datetime, zone: ZoneInfo) -> datetime | None:
    """When a schedule next fires, strictly after ``now`` (UTC in, UTC out); pure, for tests.

    Wall-clock times are in ``zone``. A time the clocks skip (spring forward) runs just after the
    gap; a time they repeat (fall back) runs once, the first time. Comparing in UTC, never in local
    wall time, keeps the repeated hour from yielding a time in the past.
    """
    if spec.kind == "every":
        assert spec.every is not None
        return now + spec.every
    local = now.astimezone(zone)
    if spec.kind == "at":
        assert spec.at is not None
        day = local.date() - timedelta(days=1)
        while True:
            candidate = _utc(datetime.combine(day, spec.at), zone)
            if candidate > now:
                return candidate
            day += timedelta(days=1)
    from dateutil.rrule import rrulestr

    assert spec.rule is not None
    # Anchored at today's local midnight: BYHOUR without BYMINUTE means on the hour.
    start = local.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    rule = rrulestr(spec.rule, dtstart=start)
    # A few hours back in wall time covers any DST shift; candidates are then compared in UTC.
    for n, occurrence in enumerate(rule.xafter(local.replace(tzinfo=None) - timedelta(hours=3), inc=True)):
        candidate = _utc(occurrence, zone)
        if candidate > now:
            return candidate
        if n > 100_000:  # a secondly rule cannot be this far behind; give up rather than spin
            break
    return None


def _utc(wall: datetime, zone: ZoneInfo) -> datetime:
    """A naive local wall time in ``zone`` as UTC (fold=0: the first of a repeated time, after a skipped one)."""
    return wall.replace(tzinfo=zone, fold=0).astimezone(timezone.utc)
