"""What a skill is made of: the ``Skill`` base, handler decorators and the context a skill talks to.

``skills.sdk`` re-exports this as the public, versioned surface; the hub's skill runtime
(``assistant/skill_runtime/``) reads the handler specs the decorators attach.
"""

from __future__ import annotations

import dataclasses
import inspect
import logging
import typing
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict

from assistant.alerts.model import Priority
from assistant.commands import Command
from assistant.errors import SkillError
from assistant.events import Event
from assistant.report.sections import ReportDay, ReportSection

SDK_VERSION = "2.0"
_SPEC_ATTR = "__carehub_handler__"


class NoSettings(BaseModel):
    """Settings of a skill that has none."""

    model_config = ConfigDict(extra="forbid")


SettingsT = TypeVar("SettingsT", bound=BaseModel)
E = TypeVar("E", bound=Event)


# --- handler specs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OnSpec:
    """``@on``: call the handler with each bus event of ``types`` whose attributes match ``filters``."""

    types: tuple[type[Event], ...]
    filters: dict[str, Any]


@dataclass(frozen=True)
class IntentSpec:
    """``@intent``: call the handler when an utterance matches ``name``.

    Templates come from ``sentences`` (inline, by language), the skill's ``sentences/<lang>.yaml``,
    or — for a name Home Assistant's intents define, such as ``HassTurnOn`` — from
    home-assistant-intents.
    """

    name: str
    sentences: dict[str, list[str]]


@dataclass(frozen=True)
class ScheduleSpec:
    """``@every`` / ``@at`` / ``@rrule``: when to call a handler that takes no arguments."""

    kind: str
    """``every``, ``at`` or ``rrule``."""
    every: timedelta | None = None
    at: time | None = None
    rule: str | None = None

    def describe(self) -> str:
        if self.kind == "every":
            return f"every {self.every}"
        if self.kind == "at":
            return f"daily at {self.at:%H:%M}"
        return f"rrule {self.rule}"


@dataclass(frozen=True)
class ToolSpec:
    """``@tool``: offer the handler to a language model; ``parameters`` is its JSON Schema."""

    name: str
    description: str
    parameters: dict[str, Any]


HandlerSpec = OnSpec | IntentSpec | ScheduleSpec | ToolSpec


def _attach(spec: HandlerSpec) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        specs = list(getattr(fn, _SPEC_ATTR, ()))
        specs.append(spec)
        setattr(fn, _SPEC_ATTR, tuple(specs))
        return fn

    return decorate


def on(*types: type[Event], **filters: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Handle bus events: ``@on(FallDetected, person="grandma")``; the handler takes the event."""
    for t in types:
        if not (isinstance(t, type) and issubclass(t, Event)):
            raise TypeError(f"@on expects event classes, got {t!r}")
    return _attach(OnSpec(types or (Event,), dict(filters)))


def intent(name: str, *, sentences: dict[str, list[str]] | None = None,
           **by_language: list[str]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Handle an intent: ``@intent("CareIFell", en=["i fell [down]"], zh_CN=["我摔倒了"])``.

    Language codes use ``_`` in keyword form (``zh_CN``) and are stored normalised (``zh-CN``; ``zh``
    and ``zh_CN`` in ``sentences=`` too). The handler takes an ``IntentMatch`` and returns the reply
    text (or None for no reply).
    """
    from assistant.intents import normalize_language

    merged: dict[str, list[str]] = {}
    for lang, templates in [*by_language.items(), *(sentences or {}).items()]:
        if isinstance(templates, str):
            raise TypeError(f"@intent('{name}'): {lang} needs a list of templates, not one string")
        merged.setdefault(normalize_language(lang), []).extend(templates)
    return _attach(IntentSpec(name, merged))


def every(interval: float | timedelta) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Run every ``interval`` (seconds or a timedelta), first after one interval."""
    delta = interval if isinstance(interval, timedelta) else timedelta(seconds=interval)
    if delta <= timedelta(0):
        raise ValueError("@every needs a positive interval")
    return _attach(ScheduleSpec("every", every=delta))


def at(clock_time: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Run daily at ``"HH:MM"`` in the home's time zone."""
    try:
        parsed = datetime.strptime(clock_time, "%H:%M").time()
    except ValueError:
        raise ValueError(f"@at expects 'HH:MM', got {clock_time!r}") from None
    return _attach(ScheduleSpec("at", at=parsed))


def rrule(rule: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Run on an RFC 5545 recurrence rule in the home's time zone, e.g. ``FREQ=WEEKLY;BYDAY=MO;BYHOUR=9``."""
    from dateutil.rrule import rrulestr

    try:
        rrulestr(rule, dtstart=datetime(2026, 1, 1))
    except (ValueError, TypeError) as error:
        raise ValueError(f"@rrule: invalid rule {rule!r}: {error}") from None
    # next_run anchors the rule at the current day each time, so a COUNT would never run out.
    if "COUNT=" in rule.upper():
        raise ValueError(f"@rrule: COUNT is not supported (use UNTIL to end a schedule): {rule!r}")
    return _attach(ScheduleSpec("rrule", rule=rule))


def tool(fn: Callable[..., Any] | None = None, *, name: str | None = None,
         description: str | None = None) -> Any:
    """Offer a method to a language model; its JSON Schema comes from the signature and docstring."""

    def decorate(f: Callable[..., Any]) -> Callable[..., Any]:
        schema = tool_schema(f)
        doc = inspect.getdoc(f) or ""
        return _attach(ToolSpec(name or f.__name__, description or doc.split("\n\n")[0].strip(), schema))(f)

    return decorate(fn) if fn is not None else decorate


def tool_schema(fn: Callable[..., Any]) -> dict[str, Any]:
    """JSON Schema for a tool's parameters (all but ``self``), from annotations and defaults.

    Parameter descriptions come from a ``Args:`` section of the docstring (``name: text`` lines).
    """
    from pydantic import Field, create_model

    try:
        hints = typing.get_type_hints(fn)
    except Exception as error:  # noqa: BLE001 - NameError, TypeError from a string annotation
        raise TypeError(f"tool '{fn.__name__}': cannot resolve its annotations: {error}") from None
    docs = _arg_docs(inspect.getdoc(fn) or "")
    fields: dict[str, Any] = {}
    for pname, param in list(inspect.signature(fn).parameters.items())[1:]:
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise TypeError(f"tool '{fn.__name__}': *args / **kwargs cannot be described to a model")
        if pname not in hints:
            raise TypeError(f"tool '{fn.__name__}': parameter '{pname}' needs a type annotation")
        default = ... if param.default is param.empty else param.default
        fields[pname] = (hints[pname], Field(default, description=docs.get(pname)))
    model = create_model(f"{fn.__name__}_args", __config__=ConfigDict(extra="forbid"), **fields)
    schema = model.model_json_schema()
    schema.pop("title", None)
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)
    return schema


def _arg_docs(doc: str) -> dict[str, str]:
    """``name: text`` lines of a Google-style ``Args:`` section; deeper-indented lines continue the text."""
    out: dict[str, str] = {}
    in_args = False
    arg_indent: int | None = None
    current: str | None = None
    for line in doc.splitlines():
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if stripped in ("Args:", "Arguments:", "Parameters:"):
            in_args, arg_indent, current = True, None, None
            continue
        if not in_args:
            continue
        if not stripped:
            break
        if arg_indent is None:
            arg_indent = indent
        if indent < arg_indent:  # the next section, e.g. "Returns:"
            break
        if indent > arg_indent and current is not None:
            out[current] = f"{out[current]} {stripped}".strip()
            continue
        if ":" not in stripped:
            current = None
            continue
        key, text = stripped.split(":", 1)
        current = key.strip().split(" ")[0]
        out[current] = text.strip()
    return out


def handler_specs(fn: Any) -> tuple[HandlerSpec, ...]:
    return tuple(getattr(fn, _SPEC_ATTR, ()))


# --- what handlers receive -----------------------------------------------------------------------


@dataclass(frozen=True)
class IntentMatch:
    """An utterance that matched one of the skill's intents."""

    intent: str
    """The intent name, e.g. ``HassTurnOn``."""
    text: str
    """What was said, as recognised."""
    language: str
    """Language code of the grammar that matched, e.g. ``en`` or ``zh-CN``."""
    slots: dict[str, Any] = field(default_factory=dict)
    """Slot values (device ids, area ids, numbers), by slot name."""
    slot_text: dict[str, str] = field(default_factory=dict)
    """The words that filled each slot, as spoken."""
    person: str | None = None
    """Who spoke, when known."""
    room: str | None = None
    """Where it was said (the satellite's room), when known."""
    utterance_id: str = ""
    """Id of the ``utterance_heard`` event."""


# --- languages ----------------------------------------------------------------------------------------


def short_language(language: str | None) -> str:
    """``zh`` for any Chinese (``zh``, ``zh-CN``, ``zh-TW``), else ``en``: the two languages carehub's
    built-in wording is written in."""
    return "zh" if (language or "").lower().startswith("zh") else "en"


def localized(table: dict[str, str], language: str | None) -> str:
    """The entry of ``table`` for ``language``: exact (``zh-TW``), then its family (``zh``, then any
    ``zh-*``), then English, then any."""
    language = language or "en"
    family = language.split("-")[0]
    found = table.get(language) or table.get(family)
    if found:
        return found
    found = next((text for code, text in table.items() if code.split("-")[0] == family and text), None)
    return found or table.get("en") or next(iter(table.values()), "")


# --- the context a skill talks to ----------------------------------------------------------------


class KeyValueStore(Protocol):
    """A skill's own persistent key-value store (JSON values), kept in the event log's database."""

    async def get(self, key: str, default: Any = None) -> Any:
        """The value stored under ``key``, or ``default`` when there is none."""

    async def set(self, key: str, value: Any) -> None:
        """Store ``value`` (anything JSON can hold) under ``key``, replacing what was there."""

    async def delete(self, key: str) -> None:
        """Forget ``key``; nothing happens if it is not there."""

    async def keys(self) -> list[str]:
        """Every key the skill has stored."""


class LanguageModel(Protocol):
    """The hub's local language model, as a skill may use it (``ctx.model``; None when ``llm`` is off).

    Both calls return None when the model is not loaded yet or fails: a skill must work without it.
    """

    async def ask(self, system: str, user: str, *, max_tokens: int = 64) -> str | None:
        """The model's reply to one ``user`` message under the ``system`` prompt, as plain text."""

    async def ask_json(self, system: str, user: str, *, max_tokens: int = 64) -> dict[str, Any] | None:
        """Like ``ask``, for a prompt that asks for a JSON object: the first object in the reply."""


class SkillContext(Protocol):
    """Everything a skill may do. The hub provides it; the test harness provides the same one offline."""

    skill_id: str
    """The skill's id: its entry-point name, the key of its settings in config.yaml."""
    log: logging.Logger
    """A logger named ``carehub.skill.<id>``."""
    home_id: str
    """The home's id (``home.id`` in config.yaml), as in MQTT topics and the event log."""
    timezone: str
    """The home's time zone (IANA name, e.g. ``Europe/London``); ``now()`` is UTC, convert with it."""

    @property
    def store(self) -> KeyValueStore:
        """The skill's own key-value store (JSON values), kept with the event log."""

    @property
    def model(self) -> LanguageModel | None:
        """The hub's language model when ``llm.enabled`` (see ``LanguageModel``), else None."""

    def now(self) -> datetime:
        """The current time (UTC) from the hub's clock; fake in tests."""

    def language(self, person: str | None = None) -> str:
        """The language to speak to ``person`` in (their configured one, else the home's), e.g. ``en``,
        ``zh-CN``; ``short_language`` of it picks between built-in English and Chinese wording."""

    async def sleep(self, seconds: float) -> None:
        """Wait on the hub's clock."""

    async def say(self, text: str, *, person: str | None = None, room: str | None = None,
                  language: str | None = None) -> None:
        """Speak ``text`` to a person (on the speaker in their room) or in a room."""

    async def ask(self, question: str, *, person: str, timeout: float = 30.0,
                  language: str | None = None) -> str | None:
        """Ask ``person`` and wait for their next utterance; None if nothing came within ``timeout``."""

    async def notify(self, message: str | dict[str, str], *, priority: Priority | str = Priority.MEDIUM,
                     person: str | None = None, kind: str = "", self_cancel: bool = False,
                     device: str | None = None) -> Event:
        """Alert the caregivers of ``person``; returns the logged ``AlertRequested`` event.

        ``priority`` is a ``Priority`` (or its value, ``"high"``); anything else raises ValueError.
        ``message`` is a text, or texts by language so each caregiver reads their own. With
        ``self_cancel`` the person may call it off themselves (panic button "cancel", "I'm OK").
        """

    async def message(self, to: str, text: str, *, person: str | None = None) -> Event:
        """Pass ``text`` from ``person`` to the caregiver ``to`` (an id) through their channels, once, with no
        escalation ("tell Anna I'm fine"); returns the logged ``MessageRequested``; each attempt is logged."""

    def caregivers(self, person: str | None = None) -> list[Any]:
        """Configured caregivers (of ``person`` when given): id, name, language, aliases."""

    async def command(self, device: str, command: Command) -> None:
        """Send ``command`` to ``device`` on its ``set`` topic."""

    async def emit(self, event: Event) -> Event:
        """Log and publish an event of the skill's own; its cause is what the handler is handling."""

    async def events(self, *types: type[E], person: str | None = None, device: str | None = None,
                     since: datetime | None = None, until: datetime | None = None,
                     limit: int = 100) -> list[E]:
        """This home's logged events of the event classes ``types``, newest first, as a list of those events.

        Subclasses count; no types means every kind (an unknown kind comes back as a ``GenericEvent``). ``person``
        and ``device`` filter; ``since`` is inclusive, ``until`` exclusive (naive is UTC); ``limit`` caps the count.
        """

    def device_state(self, device: str) -> dict[str, Any]:
        """The latest known state of a device (e.g. ``{"on": True}``), with ``last_seen`` and ``online``."""

    async def cancel_alerts(self, person: str, *, via: str = "voice") -> int:
        """The person says they are fine: acknowledge their open alerts that allow it; returns how many."""

    async def clear_alerts(self, kind: str, *, device: str | None = None, person: str | None = None,
                           reason: str = "condition ended") -> int:
        """Resolve the open alerts of ``kind`` for that device / person (the condition ended); returns how many."""

    def devices(self, *, kind: str | None = None, room: str | None = None) -> list[Any]:
        """Configured devices, optionally by kind or room."""

    def person(self, person_id: str) -> Any:
        """A configured person (id, name, role, language), or None."""

    def room_name(self, room: str, language: str) -> str:
        """A room's spoken name in ``language`` (from ``rooms:`` in config.yaml); its id when none is set."""

    def call_later(self, seconds: float, callback: Callable[[], Awaitable[None]]) -> None:
        """Run ``callback`` once after ``seconds`` on the hub's clock."""


# --- the skill base ----------------------------------------------------------------------------------


class Skill(Generic[SettingsT]):
    """Base class of every skill: ``class Reminders(Skill[ReminderSettings]): ...``.

    The hub constructs it with a context and validated settings, calls ``setup``, wires the
    decorated handlers, and calls ``teardown`` on shutdown.
    """

    id: ClassVar[str] = ""
    """Skill id; defaults to the entry-point name (or the folder name for ``skills_dir``)."""
    settings_model: ClassVar[type[BaseModel]] = NoSettings
    """Filled from the generic argument: ``Skill[MySettings]``."""
    sentences_dir: ClassVar[Path | None] = None
    """Folder of ``<lang>.yaml`` sentence files; defaults to ``sentences/`` beside the skill's module."""

    def __init__(self, ctx: SkillContext, settings: SettingsT) -> None:
        self.ctx = ctx
        self.settings = settings

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for base in cls.__dict__.get("__orig_bases__", ()):
            origin, args = typing.get_origin(base), typing.get_args(base)
            # Skill[Settings], or a generic subclass of Skill parametrised the same way.
            if isinstance(origin, type) and issubclass(origin, Skill) and args and isinstance(args[0], type) \
                    and issubclass(args[0], BaseModel):
                cls.settings_model = args[0]

    async def setup(self) -> None:
        """Called once before any handler runs."""

    async def teardown(self) -> None:
        """Called once when the hub stops."""

    @classmethod
    def daily_report(cls, settings: SettingsT, day: ReportDay) -> ReportSection | None:
        """This skill's section of a person's daily report, or None (the default: no section).

        Pure and blocking: it runs in a worker thread, with or without a running hub (``carehub report``
        builds the report from the log alone), so everything comes as data in ``day``.
        """
        return None

    @classmethod
    def handlers(cls) -> list[tuple[str, HandlerSpec]]:
        """(method name, spec) for every decorated method, in definition order."""
        # A name counts once, from the class nearest in the MRO that defines it: an override
        # without a decorator is not a handler, and a re-decorated one is not wired twice.
        out: list[tuple[str, HandlerSpec]] = []
        seen: set[str] = set()
        for klass in cls.__mro__:
            if klass is Skill or not issubclass(klass, Skill):
                continue
            for name, member in klass.__dict__.items():
                if name in seen:
                    continue
                seen.add(name)
                out.extend((name, spec) for spec in handler_specs(member))
        return out


def check_handlers(skill_id: str, cls: type[Skill[Any]]) -> None:
    """Raise SkillError naming the handler whose signature cannot work with its decorator."""
    for name, spec in cls.handlers():
        fn = getattr(cls, name)
        if not inspect.iscoroutinefunction(fn):
            raise SkillError(skill_id, "must be 'async def'", name)
        params = list(inspect.signature(fn).parameters.values())[1:]
        positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)]
        required = [p for p in params if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        if isinstance(spec, OnSpec):
            _check_filters(skill_id, name, spec)
        if isinstance(spec, (OnSpec, IntentSpec)):
            what = "the event" if isinstance(spec, OnSpec) else "the IntentMatch"
            # The runtime passes one positional argument; any other parameter needs a default.
            if not positional or len(required) > 1 or (required and required[0] is not positional[0]):
                raise SkillError(skill_id, f"must take exactly one argument ({what}) after self", name)
        elif isinstance(spec, ScheduleSpec):
            if required:
                raise SkillError(skill_id, "a scheduled handler takes no arguments after self", name)


def _check_filters(skill_id: str, handler: str, spec: OnSpec) -> None:
    """A filter must name a field every listed event has: a misspelt one (``acton=``) would never match."""
    for key in spec.filters:
        for event_type in spec.types:
            fields = [f.name for f in dataclasses.fields(event_type)]
            if key not in fields:
                raise SkillError(skill_id, f"@on filter '{key}' is not a field of {event_type.__name__} "
                                           f"(its fields: {', '.join(fields)})", handler)
