"""Hearing people: the one path every utterance takes — a pending question's answer first, then the
skills' intents, then the language model (when on), then an honest "not understood".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.config import Config
from assistant.events import IntentRecognized, ReplyGiven, UtteranceHeard, UtteranceNotUnderstood
from assistant.intents import Recognized, Recognizer, guess_languages, normalize_language
from assistant.ports import EventSink
from assistant.skill_api import IntentMatch, localized
from assistant.skill_runtime.calls import HANDLER_FAILED
from assistant.understanding.clarify import Pending
from assistant.understanding.household import Home, home_from_config
from assistant.understanding.understand import Declined, Question, Understanding, Understood

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from assistant.llm.agent import Agent
    from assistant.skill_runtime.runtime import SkillRuntime

NOT_UNDERSTOOD = {"en": "Sorry, I didn't understand that.", "zh": "抱歉，我没听懂。"}
FAILED = {"en": "Sorry, something went wrong. I've noted it.", "zh": "抱歉，出了点问题，我已经记下了。"}

_DOMAINS = {"light": "light", "switch": "switch", "fan": "fan", "cover": "cover", "climate": "climate",
            "speaker": "media_player", "motion": "binary_sensor", "contact": "binary_sensor",
            "occupancy": "binary_sensor", "lock": "lock"}
"""Home Assistant's domain for each device kind, so its intents (``HassTurnOn``...) match our devices."""


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


class Answers:
    """Questions waiting for a person's next utterance (``ctx.ask``)."""

    def __init__(self) -> None:
        self._waiting: dict[str, asyncio.Future[str]] = {}

    def expect(self, person: str) -> asyncio.Future[str]:
        """Wait for ``person``'s next utterance (a newer question replaces an older one)."""
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        old = self._waiting.get(person)
        if old is not None and not old.done():
            old.cancel()
        self._waiting[person] = future
        return future

    def forget(self, person: str, future: asyncio.Future[str]) -> None:
        if self._waiting.get(person) is future:
            del self._waiting[person]

    def give(self, person: str | None, text: str) -> bool:
        """Hand ``text`` to the question ``person`` is being asked; False when none is waiting."""
        future = self._waiting.get(person) if person else None
        if future is None or future.done():
            return False
        future.set_result(text)
        return True


class Conversation:
    """Understands utterances with the skills' grammars (and the language model) and answers them."""

    def __init__(self, config: Config, runtime: SkillRuntime, sink: EventSink,
                 agent: Callable[[], Agent | None], *, lazy: bool = False) -> None:
        """``lazy``: build the recognizer and the understanding on the first utterance, not in ``start`` (a
        worker's homes: most never speak, and a takeover starts thousands)."""
        self._config = config
        self._lazy = lazy
        self._built: asyncio.Lock | None = None
        self._runtime = runtime
        self._sink = sink
        self._agent = agent
        self.recognizer = Recognizer([], config.languages)
        self.understanding = Understanding(Home(), self._grammar, [])  # the real one is made in start, in a thread
        self._pending: dict[str, Pending] = {}
        """The question carehub last asked each person (or room), answered by their next utterance."""

    async def start(self) -> None:
        """Build the recognizer from the running skills' sentences (in a thread: it reads grammar files)."""
        if not self._lazy:
            await self._ready()

    async def _ready(self) -> None:
        if self._built is None:
            self._built = built = asyncio.Lock()
            async with built:
                try:
                    await self._build()
                except BaseException:
                    self._built = None  # tried again by the next utterance
                    raise
        else:
            async with self._built:  # a second utterance while the first builds waits for it
                pass

    async def _build(self) -> None:
        recognizer = await asyncio.to_thread(Recognizer, self._runtime.grammar_sources, self._config.languages)
        for language in recognizer.languages:
            recognizer.set_slot_lists(language, household_slot_lists(self._config, language))
        for language in recognizer.languages:
            await asyncio.to_thread(recognizer.intents_for, language)  # built now, not on the first utterance
        self.recognizer = recognizer
        home = home_from_config(self._config, recognizer.languages)
        names = [name for c in self._config.caregivers for names in c.aliases.values() for name in names]
        names += [c.name for c in self._config.caregivers if c.name]
        self.understanding = await asyncio.to_thread(Understanding, home, self._grammar, recognizer.languages, names)

    def _grammar(self, text: str, language: str, room: str | None) -> Recognized | None:
        return self.recognizer.recognize(text, [language], room)

    def _languages(self, text: str, language: str | None, person: str | None) -> list[str]:
        if language:
            return [normalize_language(language)]
        preferred = [normalize_language(code) for code in self._config.languages]
        p = self._config.person(person) if person else None
        if p and p.language and normalize_language(p.language) in preferred:
            preferred.remove(normalize_language(p.language))
            preferred.insert(0, normalize_language(p.language))
        return guess_languages(text, preferred)

    async def _understand(self, text: str, languages: list[str], room: str | None, person: str | None,
                          pending: Pending | None) -> Understood:
        """What ``text`` asks; a fault in understanding it is logged and taken as not understood, never raised."""
        try:
            await self._ready()
            return await asyncio.to_thread(self.understanding.understand, text, languages, room, person, pending)
        except Exception:  # noqa: BLE001 - one odd utterance must not break the conversation
            log.exception("understanding %r failed; taken as not understood", text[:200])
            return None

    async def hear(self, text: str, *, language: str | None = None, person: str | None = None,
                   room: str | None = None, source: str = "text", cause: str | None = None) -> Reply:
        """Someone said (or typed) ``text``: log it, understand it, act on it, answer it."""
        text = text.strip()
        languages = self._languages(text, language, person)
        emit = self._sink.emit
        heard = await emit(UtteranceHeard(text=text, language=language or "", source=source, person=person,
                                          cause=cause))
        if self._runtime.answers.give(person, text):
            return Reply(None, languages[0], True, intent="answer", utterance_id=heard.id)
        asker = person or room or ""
        pending = self._pending.pop(asker, None)
        understood = await self._understand(text, languages, room, person, pending) if text else None
        if isinstance(understood, (Question, Declined)):
            # A question back ("Which light: ...?") or a plain "no" ("There's no light in the bathroom."):
            # nothing is done, and a question's answer is understood next.
            if isinstance(understood, Question):
                self._pending[asker] = understood.pending
            await emit(ReplyGiven(text=understood.text, language=understood.language, room=room, person=person,
                                  cause=heard.id))
            return Reply(understood.text, understood.language, False,
                         intent="clarify" if isinstance(understood, Question) else "declined",
                         utterance_id=heard.id)
        recognized = understood
        handler = self._runtime.intent_handler(recognized.intent) if recognized is not None else None
        if recognized is None or handler is None:
            lang = languages[0]
            reply_text = localized(NOT_UNDERSTOOD, lang)
            agent = self._agent()
            if agent is not None and text:
                # Local grammars first; the language model only gets what none of them matched.
                from assistant.llm.wiring import converse

                answer = await converse(self._sink, agent, text, person=person, language=lang, cause=heard.id)
                if not answer.fallback:
                    await emit(ReplyGiven(text=answer.text, language=lang, room=room, person=person, skill="llm",
                                          cause=heard.id))
                    return Reply(answer.text, lang, True, intent="llm", skill="llm", utterance_id=heard.id)
                reply_text = answer.text  # the honest fallback ("I'm not sure, I've noted it")
            await emit(UtteranceNotUnderstood(text=text, language=lang, person=person, cause=heard.id))
            await emit(ReplyGiven(text=reply_text, language=lang, room=room, person=person, cause=heard.id))
            return Reply(reply_text, lang, False, utterance_id=heard.id)
        skill_id, fn = handler
        slots = _jsonable(recognized.slots)
        matched = await emit(IntentRecognized(intent=recognized.intent, skill=skill_id, slots=slots, person=person,
                                              cause=heard.id))
        match = IntentMatch(recognized.intent, text, recognized.language, recognized.slots, recognized.slot_text,
                            person, room, heard.id)
        result = await self._runtime.invoke(skill_id, getattr(fn, "__name__", recognized.intent), fn, matched.id,
                                            match)
        reply_text = localized(FAILED, recognized.language) if result is HANDLER_FAILED else result
        if reply_text and result is not HANDLER_FAILED:
            # About a room, named by none: the skill asked which ("Which room?"), or answered for a room that has
            # nothing to answer with; either way, which room is asked and the answer understood next.
            follow = self.understanding.follow_up(recognized, room, str(reply_text))
            if follow is not None:
                self._pending[asker] = follow.pending
                reply_text = f"{reply_text} {follow.text}".strip()
        if reply_text:
            await emit(ReplyGiven(text=str(reply_text), language=recognized.language, room=room, person=person,
                                  skill=skill_id, cause=matched.id))
        return Reply(str(reply_text) if reply_text else None, recognized.language, True, recognized.intent,
                     skill_id, slots, heard.id)


def household_slot_lists(config: Config, language: str) -> dict[str, list[tuple[Any, ...]]]:
    """The ``name`` (devices), ``area`` (rooms) and ``caregiver`` slot values of this home, by their names in
    ``language`` (a caregiver by name and by what the household calls them: "my daughter", "女儿")."""
    names: list[tuple[Any, ...]] = []
    for device in config.devices:
        context = {"domain": _DOMAINS.get(device.kind, "sensor")}
        if device.kind == "cover" and device.subtype:
            context["device_class"] = device.subtype  # "open the blinds" names a class of cover
        spoken = [device.display_name] + _in_language(device.aliases, language)
        names += [(text, device.id, context) for text in dict.fromkeys(spoken)]
    rooms = {d.room for d in config.devices if d.room} | set(config.rooms)
    areas: list[tuple[Any, ...]] = []
    for room in sorted(rooms):
        spoken = [room.replace("_", " ")] + _in_language(config.rooms.get(room, {}), language)
        areas += [(text, room) for text in dict.fromkeys(spoken)]
    caregivers: list[tuple[Any, ...]] = []
    for caregiver in config.caregivers:
        spoken = [caregiver.name] + _in_language(caregiver.aliases, language)
        caregivers += [(text, caregiver.id) for text in dict.fromkeys(s for s in spoken if s)]
    return {"name": names, "area": areas, "floor": [], "caregiver": caregivers}


def _in_language(by_language: dict[str, list[str]], language: str) -> list[str]:
    """Names given for ``language`` under any spelling of its code (``zh``, ``zh_CN``, ``zh-CN``)."""
    return [name for code, names in by_language.items() if normalize_language(code) == language for name in names]


def _jsonable(slots: dict[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, (str, int, float, bool)) or v is None else str(v) for k, v in slots.items()}
