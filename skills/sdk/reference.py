"""The SDK's reference pages (docs/reference/), written from the code's own type hints and docstrings.

Run from the root of a carehub checkout::

    python -m skills.sdk.reference           # rewrite docs/reference/events.md and skill-context.md
    python -m skills.sdk.reference --check   # exit 1, naming each page that is out of date
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import inspect
import sys
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

import assistant.events as core_events
import skills.sdk as sdk
from assistant.events import Event, GenericEvent
from assistant.skill_api import IntentMatch, KeyValueStore, LanguageModel, SkillContext

COMMAND = "python -m skills.sdk.reference"
OUT = Path("docs") / "reference"
_NOTICE = (f"<!-- Written by `{COMMAND}` from the code's type hints and docstrings: edit those and run it "
           "again; tests/test_docs_reference.py fails while this page is out of date. -->")


# --- reading the code ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Member:
    """An attribute or dataclass field as declared: its name, its type hint as written, and its docstring."""

    name: str
    hint: str
    doc: str


def _markdown(doc: str) -> str:
    """A docstring as Markdown: reStructuredText's ````code```` becomes ```code```."""
    return inspect.cleandoc(doc).replace("``", "`")


def _one_line(doc: str) -> str:
    return " ".join(_markdown(doc).split())


def declared(cls: type) -> list[Member]:
    """The annotated names in ``cls``'s own body, in source order, each with the string literal after it."""
    tree = ast.parse(_class_source(cls))
    (node,) = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    out = []
    for i, stmt in enumerate(node.body):
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            after = node.body[i + 1] if i + 1 < len(node.body) else None
            doc = after.value.value if isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant) \
                and isinstance(after.value.value, str) else ""
            out.append(Member(stmt.target.id, ast.unparse(stmt.annotation), _one_line(doc) if doc else ""))
    return out


def _class_source(cls: type) -> str:
    lines = inspect.getsource(cls).splitlines()
    indent = len(lines[0]) - len(lines[0].lstrip())
    return "\n".join(line[indent:] for line in lines)


def missing_docs() -> list[str]:
    """What the reference would leave unexplained: SDK event classes and fields, and ctx members, without docs."""
    out = []
    for cls in sdk_events():
        if not cls.__doc__:
            out.append(cls.__name__)
        out += [f"{cls.__name__}.{m.name}" for m in own_fields(cls) if not m.doc]
    for owner in (SkillContext, KeyValueStore, LanguageModel):
        out += [f"{owner.__name__}.{m.name}" for m in declared(owner) if not m.doc]
        members = [*_methods(owner), *_properties(owner)]
        out += [f"{owner.__name__}.{name}" for name, _ in members if not inspect.getdoc(getattr(owner, name))]
    out += [f"IntentMatch.{m.name}" for m in declared(IntentMatch) if not m.doc]
    return out


# --- events ------------------------------------------------------------------------------------------------


def sdk_events() -> list[type[Event]]:
    """The event classes ``skills.sdk`` exports (what a skill may listen to), in the order of their modules."""
    exported = {getattr(sdk, name) for name in sdk.__all__}
    return [cls for cls in _core_events() if cls in exported]


def _core_events() -> list[type[Event]]:
    found = [getattr(core_events, name) for name in core_events.__all__]
    classes = [c for c in found if isinstance(c, type) and issubclass(c, Event) and c is not Event]
    return sorted(classes, key=lambda c: (_MODULES.index(c.__module__) if c.__module__ in _MODULES else 99,
                                          inspect.getsourcelines(c)[1]))


_MODULES = ["assistant.events.devices", "assistant.events.hub", "assistant.events.alerts", "assistant.events.base"]
_TITLES = {"assistant.events.devices": "Devices", "assistant.events.hub": "The hub, conversation and skills",
           "assistant.events.alerts": "Alerts and messages to caregivers"}
_ENVELOPE = {f.name for f in dataclasses.fields(Event)}


def own_fields(cls: type[Event]) -> list[Member]:
    """The event's own fields (not the envelope), base classes' first, as declared."""
    members: dict[str, Member] = {}
    for klass in reversed(cls.__mro__):
        if isinstance(klass, type) and issubclass(klass, Event) and klass is not Event:
            members.update((m.name, m) for m in declared(klass))
    return [members[f.name] for f in dataclasses.fields(cls) if f.name not in _ENVELOPE and f.name in members]


def _default(cls: type, name: str) -> str:
    (field,) = [f for f in dataclasses.fields(cls) if f.name == name]
    if isinstance(field.default, datetime):
        return f"`{field.default.isoformat()}`"
    if field.default is not dataclasses.MISSING:
        return f"`{field.default!r}`"
    if field.default_factory is not dataclasses.MISSING:
        return f"`{field.default_factory()!r}`"
    return "required"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _field_table(cls: type, members: list[Member]) -> list[str]:
    names = {f.name for f in dataclasses.fields(cls)}
    rows = ["| field | type | default | meaning |", "|---|---|---|---|"]
    rows += [f"| `{m.name}` | {_cell(f'`{m.hint}`')} | {_cell(_default(cls, m.name))} | {_cell(m.doc)} |"
             for m in members if m.name in names]
    return rows


def events_page() -> str:
    """docs/reference/events.md."""
    listed = sdk_events()
    lines = [
        "# Events a skill can listen to", "", _NOTICE, "",
        "Every event is a frozen dataclass, a fact that happened, named in the past tense. Import the classes",
        "from `skills.sdk`. A skill listens with `@on(ButtonPressed, action=\"double\")` (a filter must name a",
        "field of every class it listens to) and reads the event log back with",
        "`await ctx.events(MotionDetected, person=\"grandma\", limit=1)`, which returns events of these classes",
        "([skill-context.md](skill-context.md#ctxevents)). Each class's `kind` is its name in snake_case: the",
        "`kind` column of the event log and of `carehub events`.",
        "",
        "## Fields every event has",
        "",
        "The envelope, filled in by the hub when it logs and publishes the event (a skill builds an event",
        "without it and `ctx.emit` stamps it).",
        "",
        *_field_table(Event, declared(Event)),
        "",
        f"`event.data()`: {_one_line(inspect.getdoc(Event.data) or '')} "
        f"`event.kind`: the class's kind. A logged event whose kind this version of carehub does not know "
        f"(written by a newer version, or by a skill that is not installed) comes back from `ctx.events` as a "
        f"`GenericEvent`, with `name` (its kind) and `payload` (its fields).",
    ]
    for module in _MODULES[:3]:
        classes = [c for c in listed if c.__module__ == module]
        if not classes:
            continue
        lines += ["", f"## {_TITLES[module]}", "",
                  f"{_one_line(sys.modules[module].__doc__ or '')} (`{module.replace('.', '/')}.py`)"]
        for cls in classes:
            lines += ["", f"### `{cls.__name__}`", "", f"kind `{cls.kind}`", "", _markdown(cls.__doc__ or ""), ""]
            fields = own_fields(cls)
            lines += _field_table(cls, fields) if fields else ["No fields of its own: the envelope says it all."]
    others = [c for c in _core_events() if c not in listed and c is not GenericEvent]
    lines += ["", "## The hub's own events", "",
              "The hub logs these too (`carehub events` shows them), but `skills.sdk` does not export them: they",
              "are the hub's business, not a skill's.", "", "| event | kind | what | fields |", "|---|---|---|---|"]
    lines += [f"| `{c.__name__}` | `{c.kind}` | {_cell(_one_line(c.__doc__ or ''))} | "
              f"{_cell(', '.join(f'`{m.name}`' for m in own_fields(c)))} |" for c in others]
    return "\n".join(lines) + "\n"


# --- the skill context ---------------------------------------------------------------------------------


class _Hint:
    """A type hint or default as written, so a signature prints it without quotes."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def signature(fn: Callable[..., Any], name: str) -> str:
    """``name(params) -> returns``, without ``self``, with the hints as written in the source.

    Parameters go one per line when the whole would not fit a line of 100.
    """
    sig = inspect.signature(fn)
    params = []
    for p in list(sig.parameters.values())[1:]:
        if isinstance(p.annotation, str):
            p = p.replace(annotation=_Hint(p.annotation))
        if isinstance(p.default, Enum):
            p = p.replace(default=_Hint(f"{type(p.default).__name__}.{p.default.name}"))
        params.append(p)
    returns = sig.return_annotation
    sig = sig.replace(parameters=params, return_annotation=_Hint(returns) if isinstance(returns, str) else returns)
    text = f"{name}{sig}"
    if len(text) <= 100:
        return text
    # inspect's own rendering of each parameter, so "*" and defaults print as in a one-line signature.
    parts = str(sig.replace(return_annotation=inspect.Signature.empty))[1:-1].split(", ")
    merged: list[str] = []
    for part in parts:  # a comma inside brackets (dict[str, Any]) is not a parameter boundary
        if merged and merged[-1].count("[") > merged[-1].count("]"):
            merged[-1] += ", " + part
        else:
            merged.append(part)
    tail = "" if sig.return_annotation is inspect.Signature.empty else f" -> {sig.return_annotation!r}"
    return f"{name}(\n" + "".join(f"    {part},\n" for part in merged) + f"){tail}"


def _methods(cls: type) -> list[tuple[str, Any]]:
    """The public methods defined in ``cls``'s own body, in source order."""
    return [(name, member) for name, member in vars(cls).items()
            if not name.startswith("_") and inspect.isfunction(member)]


def _properties(cls: type) -> list[tuple[str, property]]:
    return [(name, member) for name, member in vars(cls).items() if isinstance(member, property)]


def _method_section(owner: str, name: str, member: Any) -> list[str]:
    call = signature(member, f"{'await ' if inspect.iscoroutinefunction(member) else ''}{owner}.{name}")
    return ["", f"### `{owner}.{name}()`", "", "```python", call, "```", "", _markdown(inspect.getdoc(member) or "")]


def _protocol_section(title: str, owner: str, cls: type, intro: str) -> list[str]:
    lines = ["", f"## {title}", "", intro]
    for name, member in _methods(cls):
        lines += _method_section(owner, name, member)
    return lines


_STORE = "`ctx.store`: the skill's key-value store"
_MODEL = "`ctx.model`: the language model"


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    kept = "".join(c for c in heading.lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")


def skill_context_page() -> str:
    """docs/reference/skill-context.md."""
    lines = [
        "# The skill context: `self.ctx`", "", _NOTICE, "",
        _markdown(SkillContext.__doc__ or ""), "",
        "A skill reaches the hub only through `self.ctx` (set before `setup` runs). Whatever a handler does",
        "through it is logged with the handler's cause: the event or utterance it is handling. The protocol",
        "is `SkillContext` in `assistant/skill_api.py`, exported as `skills.sdk.SkillContext`; the events it",
        "takes and returns are in [events.md](events.md). Calls marked `await` are coroutines.", "",
        "## Attributes", "", "| attribute | type | meaning |", "|---|---|---|",
    ]
    lines += [f"| `ctx.{m.name}` | {_cell(f'`{m.hint}`')} | {_cell(m.doc)} |" for m in declared(SkillContext)]
    sections = {"store": _STORE, "model": _MODEL}
    for name, prop in _properties(SkillContext):
        assert prop.fget is not None
        hint = inspect.signature(prop.fget).return_annotation
        more = f" ([its calls](#{_slug(sections[name])}))" if name in sections else ""
        lines.append(f"| `ctx.{name}` | {_cell(f'`{hint}`')} | {_cell(_one_line(inspect.getdoc(prop.fget) or ''))}"
                     f"{more} |")
    lines += ["", "## Calls"]
    for name, member in _methods(SkillContext):
        lines += _method_section("ctx", name, member)
    lines += _protocol_section(
        _STORE, "ctx.store", KeyValueStore,
        f"{_markdown(KeyValueStore.__doc__ or '')} Keys are the skill's own: two skills never see each "
        "other's.")
    lines += _protocol_section(_MODEL, "ctx.model", LanguageModel,
                               _markdown(LanguageModel.__doc__ or ""))
    lines += ["", "## `IntentMatch`: what an `@intent` handler receives", "",
              _markdown(IntentMatch.__doc__ or ""), "", *_field_table(IntentMatch, declared(IntentMatch))]
    lines += ["", "## `Priority`: how urgently caregivers are told (`ctx.notify`)", "",
              _markdown(sdk.Priority.__doc__ or ""), "", "| member | value |", "|---|---|"]
    lines += [f"| `Priority.{p.name}` | `{p.value!r}` |" for p in sdk.Priority]
    return "\n".join(lines) + "\n"


PAGES: dict[str, Callable[[], str]] = {"events.md": events_page, "skill-context.md": skill_context_page}


def stale(out: Path = OUT) -> list[Path]:
    """The pages under ``out`` that differ from what the code says now (or are missing)."""
    return [out / name for name, page in PAGES.items()
            if not (out / name).is_file() or (out / name).read_text(encoding="utf-8") != page()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether the pages are up to date")
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder of the pages (default: {OUT})")
    args = parser.parse_args(argv)
    if not args.out.parent.is_dir():
        parser.error(f"{args.out.parent} is not a folder: run this from the root of a carehub checkout")
    if args.check:
        outdated = stale(args.out)
        for path in outdated:
            print(f"{path} is out of date: run `{COMMAND}` to rewrite it", file=sys.stderr)
        return 1 if outdated else 0
    args.out.mkdir(exist_ok=True)
    for name, page in PAGES.items():
        (args.out / name).write_text(page(), encoding="utf-8")
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
