"""The understanding corpus's leftovers for bench/llm_tools.py: the utterances carehub's grammars leave not
understood, and how a model's tool calls on them are judged against the corpus's expected intent and target.

A leftover is what bench/understanding.py (an offline hub on the corpus's household, every built-in skill,
language model off) counts as a *miss* and what the hub would hand to the model when ``llm`` is on: no intent
matched and no question asked back. The utterances the model would get that the rules already get right
(chit-chat where doing nothing is right) are *passers-by*: there the model can only do harm.

A leftover is *answerable by a tool* when one of the hub's tools does what was asked: switching a device
(``switch_on`` / ``switch_off``, ``open`` / ``close`` → ``switch_device`` with the target's id) or asking where
Leo is (``where_is``). Everything else (chit-chat, ``clarify``, timers, reminders, dimming...) has no tool:
a reply or the fallback is right there, and any call is wrong. A wrong call of a tool that acts
(``switch_device``, ``record_reading``) is a *wrong action*, the worst outcome.
"""

from __future__ import annotations

import importlib
import tempfile
import time
import tomllib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "understanding"
DEV = DATA / "dev.yaml"
HOUSEHOLD = DATA / "household.yaml"
START = datetime(2026, 1, 6, 9, 30)
"""Home time of the offline hub (a Tuesday morning), as in the understanding bench."""
ACTING_TOOLS = {"switch_device", "record_reading"}
"""Tools that change something; the others only look something up."""
ANSWERABLE = ("switch_on", "switch_off", "open", "close", "where_is_leo")
"""Corpus intents one of the hub's tools does (``expected_call``)."""


@dataclass(frozen=True)
class Item:
    """One utterance of the corpus (``tests/data/understanding/README.md``)."""

    text: str
    language: str
    intent: str
    room: str | None = None
    target: str | None = None
    value: str | None = None
    style: str = ""


def load_items(path: Path) -> list[Item]:
    """A corpus file, or a list of leftovers written by ``write_items`` (same format)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [Item(str(r["text"]), str(r.get("language", "en")), str(r.get("intent", "none")), r.get("room"),
                 r.get("target"), None if r.get("value") is None else str(r["value"]), str(r.get("style") or ""))
            for r in raw]


def write_items(items: list[Item], path: Path) -> None:
    rows = [{"text": i.text, "language": i.language, "style": i.style, "room": i.room, "intent": i.intent,
             "target": i.target, "value": i.value} for i in items]
    path.write_text(yaml.safe_dump(rows, allow_unicode=True, sort_keys=False), encoding="utf-8")


class Household:
    """The corpus's household config: device and room ids by the names the corpus uses."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self._devices = {}
        for device in raw.get("devices", []):
            for name in [device["id"], device.get("name", ""), *device.get("aliases", {}).get("en", [])]:
                self._devices.setdefault(str(name).lower(), device["id"])
        self._rooms = {}
        for room, names in (raw.get("rooms") or {}).items():
            for name in [room, room.replace("_", " "), *names.get("en", [])]:
                self._rooms[name.lower()] = room

    @classmethod
    def load(cls, path: Path) -> Household:
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")))

    def device(self, name: str | None) -> str | None:
        return self._devices.get(name.strip().lower()) if name else None

    def room(self, name: str | None) -> str | None:
        return self._rooms.get(name.strip().lower(), name) if name else None

    def person_in(self, room: str | None, style: str = "") -> str:
        """Who speaks in ``room``: Leo in his room or when the line is a child's, Margaret otherwise (as the
        understanding bench has it)."""
        return "leo" if room == "leo-room" or style == "child" else "grandma"

    def people(self) -> dict[str, str]:
        return {p["id"]: f"{p['name']} ({p['role']}, id {p['id']})" for p in self.raw.get("people", [])}


def expected_call(item: Item, household: Household) -> tuple[str, dict[str, Any]] | None:
    """The tool call that does what ``item`` asks, or None when no tool does it."""
    if item.intent in ("switch_on", "switch_off", "open", "close"):
        device = household.device(item.target)
        return ("switch_device", {"device": device, "on": item.intent in ("switch_on", "open")}) if device else None
    if item.intent == "where_is_leo":
        return "where_is", {"person": "leo"}
    return None


def judge(item: Item, household: Household, reply: Any) -> str:
    """``right`` (the expected tool with the expected arguments ran), ``wrong action`` / ``wrong lookup`` (a
    call ran that was not asked for), ``fallback``, or ``reply`` (words only)."""
    expected = expected_call(item, household)
    executed = [r for r in reply.tool_calls if r.executed]
    if expected and any(r.name == expected[0] and all(r.args.get(k) == v for k, v in expected[1].items())
                        for r in executed):
        return "right"
    if executed:
        return "wrong action" if any(r.name in ACTING_TOOLS for r in executed) else "wrong lookup"
    return "fallback" if reply.fallback else "reply"


def _skill_classes() -> list[tuple[type, dict[str, Any] | None, str | None]]:
    """Every built-in skill, as the hub finds them (the ``carehub.skills`` entry points in pyproject.toml)."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    out: list[tuple[type, dict[str, Any] | None, str | None]] = []
    for skill_id, target in pyproject["project"]["entry-points"]["carehub.skills"].items():
        module, name = target.split(":")
        out.append((getattr(importlib.import_module(module), name), None, skill_id))
    return out


@asynccontextmanager
async def offline_hub(household: Household) -> AsyncIterator[Any]:
    """A started offline hub (``skills.sdk.testing`` harness) on the household, every built-in skill, llm off."""
    from skills.sdk.testing import start_harness

    with tempfile.TemporaryDirectory() as folder:
        harness = await start_harness(_skill_classes(), Path(folder) / "bench.db", config=household.raw,
                                      start=START)
        try:
            yield harness
        finally:
            await harness.stop()


async def leftovers(items: list[Item], household: Path) -> tuple[list[Item], list[Item]]:
    """The leftovers and the passers-by of ``items`` (see the module docstring), judged by the understanding
    bench exactly as it scores the corpus."""
    import understanding

    outcomes, _ = await understanding.run_carehub(
        [understanding.Item(i.text, i.language, i.style, i.room, i.intent, i.target, i.value) for i in items],
        understanding.Household(yaml.safe_load(household.read_text(encoding="utf-8"))))
    # The bench writes what the hub said as "intent: reply"; None is no intent, so the model's turn.
    to_model = [(item, o.verdict) for item, o in zip(items, outcomes) if o.said.startswith("None:")]
    return [i for i, v in to_model if v == "miss"], [i for i, v in to_model if v == "right"]


def sample(items: list[Item], limit: int) -> list[Item]:
    """Per language, at most ``limit`` leftovers a tool can answer and ``limit`` others, spread evenly (0: all)."""
    if limit <= 0:
        return items
    out: list[Item] = []
    for language in sorted({i.language for i in items}):
        mine = [i for i in items if i.language == language]
        for group in ([i for i in mine if i.intent in ANSWERABLE], [i for i in mine if i.intent not in ANSWERABLE]):
            step = max(len(group) / limit, 1.0)
            out += [group[int(n * step)] for n in range(min(limit, len(group)))]
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))] if ordered else float("nan")


@dataclass
class LeftoverTurn:
    item: Item
    seconds: float
    outcome: str
    """right / wrong action / wrong lookup / reply / fallback / crash (``llm_leftovers.judge``)."""
    calls: list[str] = field(default_factory=list)
    reply: str = ""
    raw: list[str] = field(default_factory=list)


async def run_leftovers(agent: Any, model: Any, items: list[Item], household: Household) -> list[LeftoverTurn]:
    """Each item said to ``agent`` (``model`` records what the model wrote), judged."""
    turns: list[LeftoverTurn] = []
    for item in items:
        model.answers = []
        person = household.person_in(household.room(item.room), item.style)
        t = time.perf_counter()
        try:
            reply = await agent.respond(item.text, person=person, language=item.language)
        except Exception as error:  # noqa: BLE001
            turns.append(LeftoverTurn(item, time.perf_counter() - t, "crash", reply=repr(error), raw=model.answers))
            continue
        calls = [f"{r.name}({', '.join(f'{k}={v!r}' for k, v in r.args.items())}){'' if r.executed else ' refused'}"
                 for r in reply.tool_calls]
        turns.append(LeftoverTurn(item, time.perf_counter() - t, judge(item, household, reply), calls, reply.text,
                                  list(model.answers)))
    return turns


def report_leftovers(turns: list[LeftoverTurn], show: bool) -> None:
    def count(rows: list[LeftoverTurn], *outcomes: str) -> int:
        return sum(t.outcome in outcomes for t in rows)

    for language in sorted({t.item.language for t in turns}):
        mine = [t for t in turns if t.item.language == language]
        answerable = [t for t in mine if t.item.intent in ANSWERABLE]
        others = [t for t in mine if t.item.intent not in ANSWERABLE]
        lat = [t.seconds for t in mine]
        print(f"  leftovers {language} ({len(mine)}): a tool can answer {len(answerable)}: right call "
              f"{count(answerable, 'right')} ({count(answerable, 'right') / max(len(answerable), 1):.0%}), "
              f"wrong action {count(answerable, 'wrong action')}, wrong lookup {count(answerable, 'wrong lookup')}, "
              f"words {count(answerable, 'reply')}, fallback {count(answerable, 'fallback')}; "
              f"no tool can {len(others)}: wrong action {count(others, 'wrong action')}, wrong lookup "
              f"{count(others, 'wrong lookup')}, words {count(others, 'reply')}, fallback {count(others, 'fallback')}"
              f", crash {count(mine, 'crash')}; turn p50 {percentile(lat, 50):.2f} s, p95 {percentile(lat, 95):.2f} s")
    if show:
        for t in turns:
            first = t.raw[0].replace("\n", " ")[:110] if t.raw else ""
            print(f"    [{t.outcome:<12}] {t.item.intent:<12} {t.item.target or '-':<14} {t.seconds:5.1f} s "
                  f"{t.item.text[:50]!r}")
            print(f"        model: {first!r}  calls: {t.calls}")


def report_passers_by(turns: list[LeftoverTurn], show: bool) -> None:
    """Utterances the rules already get right by doing nothing, which the model gets too: only harm is possible."""
    for language in sorted({t.item.language for t in turns}):
        mine = [t for t in turns if t.item.language == language]
        lat = [t.seconds for t in mine]
        print(f"  passers-by {language} ({len(mine)}, nothing to do): wrong action "
              f"{sum(t.outcome == 'wrong action' for t in mine)}, wrong lookup "
              f"{sum(t.outcome == 'wrong lookup' for t in mine)}, words {sum(t.outcome == 'reply' for t in mine)}, "
              f"fallback {sum(t.outcome == 'fallback' for t in mine)}, "
              f"crash {sum(t.outcome == 'crash' for t in mine)}; "
              f"turn p50 {percentile(lat, 50):.2f} s, p95 {percentile(lat, 95):.2f} s")
    if show:
        for t in turns:
            if t.outcome in ("wrong action", "wrong lookup"):
                print(f"    [{t.outcome:<12}] {t.item.text[:60]!r} calls: {t.calls}")


def compare_modes(results: list[dict[str, Any]]) -> None:
    """What constrained decoding rescues on the leftovers against free decoding, per model."""
    for r in results:
        modes = r.get("modes", {})
        if not {"free", "constrained"} <= set(modes) or "leftovers" not in modes["free"]:
            continue
        free, held = modes["free"]["leftovers"], modes["constrained"]["leftovers"]
        for language in sorted({t.item.language for t in held}):
            pairs = [(f, c) for f, c in zip(free, held) if c.item.language == language]
            n = sum(c.item.intent in ANSWERABLE for _, c in pairs)
            rescued = sum(c.outcome == "right" and f.outcome != "right" for f, c in pairs)
            lost = sum(f.outcome == "right" and c.outcome != "right" for f, c in pairs)
            wrong = [sum(t.outcome == "wrong action" for t in side) for side in zip(*pairs)]
            slower = percentile([c.seconds for _, c in pairs], 50) / max(percentile([f.seconds for f, _ in pairs],
                                                                                     50), 1e-9)
            print(f"{r['name']} {language}: constrained rescues {rescued} of the {n} leftovers a tool can answer "
                  f"({rescued / max(n, 1):.0%}) that free decoding did not (and loses {lost}); wrong actions "
                  f"{wrong[1]} constrained vs {wrong[0]} free (of {len(pairs)}); turn p50 {slower:.2f}x free")
