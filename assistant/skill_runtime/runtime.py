"""Running skills: construct and set them up, wire their handlers, call them isolated, stop them.

Every handler call is isolated: an exception becomes a ``skill_failed`` event (skill id, handler,
cause) and the hub runs on. Whatever a handler does is linked to what it was handling through a
context variable, so each event it causes carries ``cause``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from assistant.bus import EventBus
from assistant.errors import SkillError
from assistant.events import Event, SkillFailed, SkillLoadFailed
from assistant.intents import GrammarSource
from assistant.skill_api import IntentMatch, IntentSpec, OnSpec, ScheduleSpec, Skill, ToolSpec
from assistant.skill_loader import SkillClass, sentences_dir
from assistant.skill_runtime.calls import HANDLER_FAILED, Running, cause_var, running_var
from assistant.skill_runtime.context import HubSkillContext, SkillHost
from assistant.skill_runtime.conversation import Answers
from assistant.skill_runtime.schedules import run_on_schedule
from assistant.skill_runtime.store import SqliteKeyValueStore, StoreConnection

log = logging.getLogger(__name__)

HANDLER_TIMEOUT = 900.0
"""Seconds a bus handler may run; long enough for an ask-and-wait with a cancel window."""

IntentHandler = Callable[[IntentMatch], Awaitable[Any]]


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

    def as_class(self) -> SkillClass:
        """The skill as the loader found it (class, origin, validated settings)."""
        return SkillClass(self.id, type(self.instance), self.origin, self.instance.settings)


class SkillRuntime:
    """Owns the running skills of one hub."""

    def __init__(self, host: SkillHost, bus: EventBus) -> None:
        self._host = host
        self._bus = bus
        self.loaded: dict[str, LoadedSkill] = {}
        self.errors: list[SkillError] = []
        self.grammar_sources: list[GrammarSource] = []
        """The loaded skills' sentences, for the conversation's recognizer."""
        self.answers = Answers()
        self.store_connection = StoreConnection(host.config.database_path, host.config.home.id)
        """Every skill's key-value store goes through it."""
        self.stopped = False
        self._intent_handlers: dict[str, tuple[str, IntentHandler]] = {}
        self._tasks: set[asyncio.Future[Any]] = set()
        self._running: set[Running] = set()

    # -- life cycle -----------------------------------------------------------------------------

    async def start(self, classes: list[SkillClass], errors: list[SkillError]) -> None:
        self.errors = list(errors)
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
            self.grammar_sources.append(source)
        for failed in self.errors:
            log.error("%s", failed)
            await self._host.sink.emit(SkillLoadFailed(skill=failed.skill, error=str(failed)))

    async def _start_one(self, sc: SkillClass) -> tuple[LoadedSkill, GrammarSource]:
        ctx = HubSkillContext(self, self._host, sc.id)
        intents: list[str] = []
        schedules: list[str] = []
        tools: list[ToolSpec] = []
        subs: list[str] = []
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
        zone = ZoneInfo(self._host.config.home.timezone)
        for name, spec in sc.cls.handlers():
            bound = getattr(instance, name)
            if isinstance(spec, OnSpec):
                self._bus.subscribe(self._on_handler(sc.id, name, bound), *spec.types,
                                    name=f"skill:{sc.id}.{name}", timeout=HANDLER_TIMEOUT, **spec.filters)
                subs.append(f"{name}: {', '.join(t.kind for t in spec.types)}")
            elif isinstance(spec, ScheduleSpec):
                self.spawn(run_on_schedule(spec, self._host.clock, zone, self._scheduled(sc.id, name, bound)))
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

    def intent_handler(self, intent: str) -> tuple[str, IntentHandler] | None:
        """(skill id, bound handler) of the skill that handles ``intent``."""
        return self._intent_handlers.get(intent)

    async def invoke(self, skill_id: str, handler: str, fn: Callable[..., Awaitable[Any]],
                     cause: str | None, *args: Any) -> Any:
        """Call a handler with ``cause`` as the current cause; a failure becomes a ``skill_failed`` event
        and the call returns ``HANDLER_FAILED``."""
        return await self._invoke(Running(f"{skill_id}.{handler}"), skill_id, handler, fn, cause, *args)

    async def _invoke(self, running: Running, skill_id: str, handler: str, fn: Callable[..., Awaitable[Any]],
                      cause: str | None, *args: Any) -> Any:
        self._running.add(running)
        cause_token, running_token = cause_var.set(cause), running_var.set(running)
        try:
            return await fn(*args)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - isolation is the point
            log.exception("skill %s: handler %s failed (cause %s)", skill_id, handler, cause)
            await self._host.sink.emit(SkillFailed(skill=skill_id, handler=handler,
                                                   error=f"{type(error).__name__}: {error}", cause=cause))
            return HANDLER_FAILED
        finally:
            running_var.reset(running_token)
            cause_var.reset(cause_token)
            self._running.discard(running)

    def _scheduled(self, skill_id: str, name: str, bound: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[Any]]:
        async def run() -> Any:
            return await self.invoke(skill_id, name, bound, None)

        return run

    def _on_handler(self, skill_id: str, name: str,
                    bound: Callable[[Event], Awaitable[Any]]) -> Callable[[Event], Awaitable[None]]:
        subscription = f"skill:{skill_id}.{name}"

        async def handle(event: Event) -> None:
            if self.stopped:
                return
            # In a task of its own, so stopping the hub can cancel a handler that waits for an answer
            # without killing the bus's subscriber; the bus's timeout still cancels it too.
            running = Running(f"{skill_id}.{name}", subscription)
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

    # -- what is running (the test harness waits for handlers to finish or to wait) -------------------

    def busy(self) -> list[str]:
        """Handler calls in progress that are not waiting on the clock or for an answer."""
        return sorted(r.label for r in self._running if not r.waiting)

    def waiting_subscriptions(self) -> set[str]:
        """Bus subscriptions whose handler is waiting on the clock or for an answer (their queue waits too)."""
        return {r.subscription for r in self._running if r.waiting and r.subscription}

    # -- introspection ------------------------------------------------------------------------------

    def tools(self) -> list[tuple[str, ToolSpec]]:
        return [(s.id, t) for s in self.loaded.values() for t in s.tools]

    def describe(self) -> list[dict[str, Any]]:
        return [{"id": s.id, "origin": s.origin, "intents": s.intents, "schedules": s.schedules,
                 "tools": [t.name for t in s.tools], "subscriptions": s.subscriptions}
                for s in self.loaded.values()]
