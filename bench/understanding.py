"""How well carehub understands people the way they speak: a corpus of utterances through an offline hub.

    PYTHONPATH=. python bench/understanding.py                     # the development set (dev.yaml)
    PYTHONPATH=. python bench/understanding.py --corpus PATH       # another corpus in the same format
    PYTHONPATH=. python bench/understanding.py --misses            # and every utterance not judged right

Every utterance of the corpus (tests/data/understanding/, written from BRIEF.md by writers who never saw
carehub's grammars) is said to an offline hub on the brief's household (household.yaml) with all the
built-in skills, on a fake clock, in the room of the speaker it was said to. The **outcome** is judged,
not the intent's name:

- device intents: the expected command published on the device's topic (on / off / open / close / stop,
  a brightness below or above the light's present one for dim / brighten, the level for set_level), and
  nothing else;
- ``clarify``: a question back and nothing done; the first candidate is then given as the answer, and
  whether that answer is understood is counted apart;
- ``none``: nothing done: no command, alert, message, timer, reminder or anything else a skill records;
- the others: the right skill's intent (for messages the right person and roughly the words, for
  reminders roughly the time, for timers the duration).

An outcome is ``right``, a ``miss`` (not understood, a question where none was needed, ...) or ``wrong``:
something was done that was not asked for, the worst outcome, counted apart.

Beside carehub, **Home Assistant's default agent as the anchor**: plain hassil ``recognize`` over the same
Home Assistant intents carehub's skills claim and the same slot lists (and the speaker's room as its area
context), without carehub's sentences or understanding; its match is judged by what Home Assistant would
then do. It is judged only on the intents it has (devices, climate, timers, time and date, none, clarify).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "understanding"
DEV = DATA / "dev.yaml"
HOUSEHOLD = DATA / "household.yaml"
START = datetime(2026, 1, 6, 9, 30)  # a Tuesday morning at home
LIGHT_BRIGHTNESS = 128
"""Every light is on at this brightness (0-255) before the run, so dim and brighten have something to change."""

DEVICE_INTENTS = ("switch_on", "switch_off", "dim", "brighten", "set_level", "open", "close", "stop")
SKILL_INTENTS = {
    "device_state": {"HassGetState"}, "climate": {"HassClimateGetTemperature", "ClimateGetHumidity"},
    "timer_start": {"HassStartTimer"}, "timer_left": {"HassTimerStatus"},
    "timer_cancel": {"HassCancelTimer", "HassCancelAllTimers"}, "reminder_add": {"ReminderAdd"},
    "reminder_list": {"ReminderList"}, "reminder_cancel": {"ReminderCancel"}, "time": {"HassGetCurrentTime"},
    "date": {"HassGetCurrentDate"}, "message": {"FamilyMessage"}, "help": {"CareHelp"},
    "medication_taken": {"MedicationTaken"}, "im_ok": {"CareImOk"}, "unwell": {"CareFeelingUnwell"},
    "where_is_leo": {"ChildWhereIs"},
}
ANCHOR_JUDGED = set(DEVICE_INTENTS) | {"device_state", "climate", "timer_start", "timer_left", "timer_cancel",
                                       "time", "date", "none", "clarify"}
"""The corpus intents Home Assistant's own grammar has a way to say."""
TALK = {"utterance_heard", "intent_recognized", "reply_given", "utterance_not_understood", "llm_answered",
        "clarification_asked"}
"""Event kinds that record the conversation itself; any other kind during an utterance is something done."""
QUIET_ACTIONS = {"check_in_answered"}
"""Things a skill records that are part of the expected outcome of an intent, not an action of their own."""


@dataclass(frozen=True)
class Item:
    """One utterance of the corpus."""

    text: str
    language: str
    style: str
    room: str | None
    intent: str
    target: str | None
    value: str | None


@dataclass
class Outcome:
    """What happened to one utterance."""

    item: Item
    verdict: str
    """``right``, ``miss`` or ``wrong``."""
    said: str = ""
    did: list[str] = field(default_factory=list)
    seconds: float = 0.0
    answered: bool | None = None
    """For ``clarify``: whether the first candidate, given as the answer, was then acted on."""


def load_corpus(path: Path) -> list[Item]:
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Item(str(r["text"]), r["language"], r.get("style") or "", r.get("room"), r["intent"],
                 r.get("target"), None if r.get("value") is None else str(r["value"])) for r in rows]


class Household:
    """Names in the corpus (as the brief writes them) → ids in household.yaml."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.devices = {str(d.get("name") or d["id"]).lower(): d["id"] for d in raw["devices"]}
        self.kinds = {d["id"]: d["kind"] for d in raw["devices"]}
        self.rooms = {room.replace("_", " ").replace("-", " "): room for room in raw["rooms"]}
        self.rooms.update({room: room for room in raw["rooms"]})  # a corpus may give the room's id (leo-room)
        for room, names in raw["rooms"].items():
            for name in names.get("en", []):
                self.rooms[name.lower()] = room
        self.people = {p["name"].lower(): p["id"] for p in raw["people"]}

    def device(self, name: str) -> str | None:
        return self.devices.get(name.strip().lower())

    def room(self, name: str | None) -> str | None:
        return None if name is None else self.rooms.get(name.strip().lower())

    def speaker(self, room: str | None, style: str) -> str:
        """Who is talking: Leo in his room or when the line is a child's, Margaret otherwise."""
        return "leo" if room == "leo-room" or style == "child" else "grandma"


# --- judging -------------------------------------------------------------------------------------------


def _device_actions(published: list[tuple[str, Any]], kinds: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    """(device, payload) of every device command, leaving out what speakers were asked to say."""
    out = []
    for topic, payload in published:
        device = topic.split("/")[2]
        if topic.endswith("/set") and kinds.get(device) != "speaker" and isinstance(payload, dict):
            out.append((device, payload))
    return out


def _command_fits(intent: str, value: str | None, payload: dict[str, Any]) -> bool:
    state, brightness = payload.get("state"), payload.get("brightness")
    if intent == "switch_on":
        return state in ("on", "open")
    if intent == "switch_off":
        return state in ("off", "close")
    if intent in ("open", "close", "stop"):
        return state == intent
    if intent == "dim":
        return state == "on" and brightness is not None and brightness < LIGHT_BRIGHTNESS
    if intent == "brighten":
        return state == "on" and brightness is not None and brightness > LIGHT_BRIGHTNESS
    if intent == "set_level":
        wanted = round(float((value or "0").rstrip("%")) * 255 / 100)
        return state == "on" and brightness is not None and abs(brightness - wanted) <= 3
    return False


def _roughly(said: str, meant: str) -> bool:
    """Most of the expected words (English) or characters (Chinese) are in what was passed on."""
    said, meant = said.lower(), meant.lower()
    cjk = r"[\u4e00-\u9fff]"
    if re.search(cjk, said) and not re.search(cjk, meant):
        # The corpus gives the words of a Chinese message in English ("I got home" for 我到家了): the words
        # passed on are the speaker's own and cannot be compared across scripts, so the recipient decides.
        return True
    if re.search(cjk, meant):
        units = [c for c in meant if "\u4e00" <= c <= "\u9fff"]
        return bool(units) and sum(c in said for c in units) / len(units) >= 0.6
    words = re.findall(r"[a-z']+", meant)
    return bool(words) and sum(w in said for w in words) / len(words) >= 0.6


def _duration(value: str | None) -> int | None:
    m = re.match(r"\+?(\d+)\s*(minute|hour|second)", value or "")
    if not m:
        return None
    return int(m.group(1)) * {"minute": 60, "hour": 3600, "second": 1}[m.group(2)]


def _due_fits(value: str | None, due: datetime, now: datetime) -> bool:
    """A reminder's due time against the corpus's value: "15:00", "tomorrow 08:00", "+20 minutes", "Thursday 11:00"."""
    if value is None:
        return True
    seconds = _duration(value)
    if seconds is not None:
        return abs((due - now).total_seconds() - seconds) <= 90
    m = re.match(r"(?:(\w+) )?(\d{1,2}):(\d{2})$", value)
    if not m:
        return True
    day, hour, minute = m.group(1), int(m.group(2)), int(m.group(3))
    if (due.hour, due.minute) != (hour, minute):
        return False
    if day == "tomorrow":
        return due.date() == (now + timedelta(days=1)).date()
    if day:
        return due.strftime("%A").lower() == day.lower()
    return True


def judge(item: Item, household: Household, intent: str | None, slots: dict[str, Any], said: str,
          events: list[Any], published: list[tuple[str, Any]], room: str | None,
          now: datetime) -> tuple[str, list[str]]:
    """The verdict on one utterance from what the hub did, and a short list of what it did."""
    commands = _device_actions(published, household.kinds)
    acted = [e for e in events if e.kind not in TALK and e.kind != "command_sent"]
    did = [f"{d} {p}" for d, p in commands] + [e.kind for e in acted]
    if item.intent in DEVICE_INTENTS:
        target = household.device(item.target or "")
        fits = [c for c in commands if c[0] == target and _command_fits(item.intent, item.value, c[1])]
        if fits and len(commands) == 1 and not acted:
            return "right", did
        return ("wrong" if commands or acted else "miss"), did
    if item.intent in ("none", "clarify"):
        if commands or acted:
            return "wrong", did
        asked = "?" in said or "？" in said
        return ("right" if item.intent == "none" or asked else "miss"), did
    expected = SKILL_INTENTS[item.intent]
    right = intent in expected and not commands
    if right and item.intent == "device_state":
        right = slots.get("name") == household.device(item.target or "")
    if right and item.intent == "climate":
        right = (slots.get("area") or room) == household.room(item.target)
    if right and item.intent == "message":
        sent = [e for e in acted if e.kind == "message_requested"]
        right = bool(sent) and sent[0].to == household.people.get((item.target or "").lower()) and \
            _roughly(sent[0].text, item.value or "")
    if right and item.intent == "timer_start":
        started = [e for e in acted if e.kind == "timer_started"]
        right = bool(started) and started[0].seconds == _duration(item.value)
    if right and item.intent == "reminder_add":
        zone = ZoneInfo(household.raw["home"]["timezone"])
        added = [e for e in acted if e.kind == "reminder_set"]
        right = bool(added) and _due_fits(item.value, datetime.fromisoformat(added[0].due).astimezone(zone),
                                          now.astimezone(zone))
    if right:
        return "right", did
    return ("wrong" if commands or [e for e in acted if e.kind not in QUIET_ACTIONS] else "miss"), did


# --- carehub --------------------------------------------------------------------------------------------


def _skill_classes() -> list[tuple[type, dict[str, Any] | None, str | None]]:
    """Every built-in skill, found as the hub finds them: through the ``carehub.skills`` entry points."""
    import importlib
    import tomllib

    pyproject = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())
    out: list[tuple[type, dict[str, Any] | None, str | None]] = []
    for skill_id, target in pyproject["project"]["entry-points"]["carehub.skills"].items():
        module, name = target.split(":")
        out.append((getattr(importlib.import_module(module), name), None, skill_id))
    return out


async def run_carehub(items: list[Item], household: Household) -> tuple[list[Outcome], list[str]]:
    from skills.sdk import SwitchStateReported
    from skills.sdk.testing import start_harness

    with tempfile.TemporaryDirectory() as folder:
        h = await start_harness(_skill_classes(), Path(folder) / "bench.db", config=household.raw, start=START)
        for device, kind in household.kinds.items():
            if kind == "light":
                await h.publish(SwitchStateReported(on=True, brightness=LIGHT_BRIGHTNESS), device=device)
        claimed = sorted({n for s in h.hub.skills.grammar_sources for n in s.intent_names})
        outcomes = []
        for item in items:
            room = household.room(item.room)
            person = household.speaker(room, item.style)
            events_before, published_before = len(h.events), len(h.published)
            now = h.clock.now()
            started = time.perf_counter()
            reply = await h.hub.hear(item.text, person=person, room=room, source="bench")
            seconds = time.perf_counter() - started
            await h.settle()
            events, published = _caused_by(reply.utterance_id, h.events[events_before:]), h.published[published_before:]
            verdict, did = judge(item, household, reply.intent, reply.slots, reply.text or "", events, published,
                                 room, now)
            outcome = Outcome(item, verdict, f"{reply.intent}: {reply.text}", did, seconds)
            if item.intent == "clarify" and verdict == "right":
                outcome.answered = await _answer_first(h, item, household, person, room)
            outcomes.append(outcome)
        await h.stop()
    return outcomes, claimed


def _caused_by(utterance: str, events: list[Any]) -> list[Any]:
    """The events that follow from the utterance (a skill's schedule may act meanwhile, for its own reasons)."""
    ids, out = {utterance}, []
    for event in events:
        if event.id in ids or event.cause in ids:
            ids.add(event.id)
            out.append(event)
    return out


async def _answer_first(h: Any, item: Item, household: Household, person: str, room: str | None) -> bool:
    """Answer a clarifying question with its first candidate; True when that candidate is then acted on."""
    first = (item.target or "").split("|")[0].strip()
    zh = item.language.startswith("zh")
    device = household.device(first)
    if device is not None:
        names = next(d for d in household.raw["devices"] if d["id"] == device)
        answer = (names.get("aliases", {}).get("zh-CN") or [first])[0] if zh else f"the {first}"
    else:
        room_id = household.room(first) or first
        answer = (household.raw["rooms"].get(room_id, {}).get("zh-CN") or [first])[0] if zh else f"the {first}"
    events_before, published_before = len(h.events), len(h.published)
    reply = await h.hub.hear(answer, person=person, room=room, source="bench")
    await h.settle()
    commands = _device_actions(h.published[published_before:], household.kinds)
    if device is not None:
        return any(d == device for d, _ in commands) or reply.slots.get("name") == device
    return reply.intent in SKILL_INTENTS["climate"] and reply.slots.get("area") == household.room(first) or \
        any(e.kind == "intent_recognized" for e in h.events[events_before:]) and \
        reply.slots.get("area") == household.room(first)


# --- Home Assistant's default agent, the anchor -------------------------------------------------------------


def run_anchor(items: list[Item], household: Household, claimed: list[str]) -> list[Outcome]:
    """Plain hassil over Home Assistant's sentences for the intents carehub claims, judged by what HA would do."""
    from hassil import Intents, recognize
    from home_assistant_intents import get_intents

    from assistant.config import parse_config
    from assistant.intents import Recognizer
    from assistant.skill_runtime.conversation import household_slot_lists

    config = parse_config({**household.raw, "storage": {"database": ":memory:"}}, "household", HOUSEHOLD.parent)
    by_language: dict[str, tuple[Any, dict[str, Any]]] = {}
    outcomes = []
    for item in items:
        if item.intent not in ANCHOR_JUDGED:
            continue
        if item.language not in by_language:
            ha = get_intents(item.language) or {}
            names = [n for n in claimed if n in ha.get("intents", {})]
            doc = {"language": item.language, "intents": {n: ha["intents"][n] for n in names},
                   "lists": ha.get("lists", {}), "expansion_rules": ha.get("expansion_rules", {}),
                   "skip_words": ha.get("skip_words", [])}
            lists_source = Recognizer([], [item.language])
            lists_source.set_slot_lists(item.language, household_slot_lists(config, item.language))
            by_language[item.language] = (Intents.from_dict(doc), lists_source.slot_lists[item.language])
        intents, lists = by_language[item.language]
        room = household.room(item.room)
        context = {"area": {"value": room, "text": room.replace("_", " ")}} if room else None
        started = time.perf_counter()
        result = recognize(item.text, intents, slot_lists=lists, intent_context=context, language=item.language)
        seconds = time.perf_counter() - started
        intent = result.intent.name if result else None
        slots = {k: e.value for k, e in result.entities.items()} if result else {}
        published, events, said = _what_home_assistant_does(intent, slots, room, config)
        verdict, did = judge(item, household, intent, slots, said, events, published, room, datetime.now())
        outcomes.append(Outcome(item, verdict, f"{intent} {slots}", did, seconds))
    return outcomes


@dataclass(frozen=True)
class _Done:
    kind: str
    seconds: int = 0


def _what_home_assistant_does(intent: str | None, slots: dict[str, Any], room: str | None,
                              config: Any) -> tuple[list[tuple[str, Any]], list[Any], str]:
    """The commands and actions Home Assistant would take for a match (its own target rules: a name, else every
    device of the domain in the area)."""
    if intent is None:
        return [], [], ""
    if intent in ("HassStartTimer", "HassCancelTimer", "HassCancelAllTimers"):
        seconds = int(slots.get("hours") or 0) * 3600 + int(slots.get("minutes") or 0) * 60 + \
            int(slots.get("seconds") or 0)
        return [], [_Done("timer_started" if intent == "HassStartTimer" else "timer_cancelled", seconds)], ""
    if intent not in ("HassTurnOn", "HassTurnOff", "HassLightSet", "HassSetPosition"):
        return [], [], ""
    domains = {"light": "light", "switch": "switch", "fan": "fan", "cover": "cover"}
    if "name" in slots:
        targets = [d for d in config.devices if d.id == slots["name"]]
    else:
        area = slots.get("area") or room
        targets = [d for d in config.devices if d.room == area and d.kind in domains
                   and (not slots.get("domain") or d.kind == slots["domain"])
                   and (not slots.get("device_class") or d.subtype == slots["device_class"])]
    published = []
    for device in targets:
        if d_payload := _ha_payload(intent, device.kind, slots):
            published.append((f"carehub/home/{device.id}/set", d_payload))
    return published, [], ""


def _ha_payload(intent: str, kind: str, slots: dict[str, Any]) -> dict[str, Any] | None:
    if intent == "HassTurnOn":
        return {"state": "open" if kind == "cover" else "on"}
    if intent == "HassTurnOff":
        return {"state": "close" if kind == "cover" else "off"}
    if intent == "HassLightSet" and "brightness" in slots and kind == "light":
        return {"state": "on", "brightness": round(float(slots["brightness"]) * 255 / 100)}
    if intent == "HassSetPosition" and kind == "cover":
        return {"position": int(float(slots.get("position", 0)))}
    return None


# --- report ---------------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))] if ordered else 0.0


def _share(outcomes: list[Outcome]) -> str:
    right = sum(o.verdict == "right" for o in outcomes)
    return f"{100 * right / len(outcomes):5.1f} % ({right}/{len(outcomes)})" if outcomes else "    -"


def report(carehub: list[Outcome], anchor: list[Outcome], misses: bool) -> None:
    languages = sorted({o.item.language for o in carehub})
    anchored = {(o.item.text, o.item.language) for o in anchor}
    print(f"{'':14} {'carehub':>22} {'wrong':>6}   {'carehub (HA intents)':>22} {'HA default agent':>22} {'wrong':>6}")
    for language in languages + ["all"]:
        mine = [o for o in carehub if language in ("all", o.item.language)]
        same = [o for o in mine if (o.item.text, o.item.language) in anchored]
        theirs = [o for o in anchor if language in ("all", o.item.language)]
        print(f"{language:14} {_share(mine):>22} {sum(o.verdict == 'wrong' for o in mine):>6}   "
              f"{_share(same):>22} {_share(theirs):>22} {sum(o.verdict == 'wrong' for o in theirs):>6}")
    for title, key in (("intent", lambda o: o.item.intent), ("style", lambda o: o.item.style)):
        print(f"\nper {title}: carehub en | zh-CN   (HA default agent en | zh-CN)")
        groups: dict[str, list[Outcome]] = defaultdict(list)
        for o in carehub:
            groups[key(o)].append(o)
        theirs_by: dict[str, list[Outcome]] = defaultdict(list)
        for o in anchor:
            theirs_by[key(o)].append(o)
        for name in sorted(groups):
            cells = [_share([o for o in groups[name] if o.item.language == lang]) for lang in languages]
            ha = [_share([o for o in theirs_by.get(name, []) if o.item.language == lang]) for lang in languages]
            print(f"  {name:17} {' | '.join(cells)}   ({' | '.join(ha)})")
    asked = [o for o in carehub if o.answered is not None]
    if asked:
        print(f"\nclarifying questions answered with the first candidate and then acted on: "
              f"{sum(bool(o.answered) for o in asked)}/{len(asked)}")
    times = [o.seconds * 1000 for o in carehub]
    print(f"\ntime per utterance (hear: understanding, skill, log): p50 {percentile(times, 50):.1f} ms, "
          f"p90 {percentile(times, 90):.1f} ms, p99 {percentile(times, 99):.1f} ms, max {max(times):.1f} ms")
    slowest = sorted(carehub, key=lambda o: -o.seconds)[:3]
    print("slowest: " + "; ".join(f"{o.seconds * 1000:.0f} ms {o.item.text!r}" for o in slowest))
    ha_times = [o.seconds * 1000 for o in anchor]
    print(f"HA default agent's recognize: p50 {percentile(ha_times, 50):.1f} ms, p99 {percentile(ha_times, 99):.1f} ms")
    wrong = [o for o in carehub if o.verdict == "wrong"]
    print(f"\nwrong actions: {len(wrong)}")
    for o in wrong:
        print(f"  WRONG [{o.item.language}] {o.item.text!r} ({o.item.intent} {o.item.target}) -> {o.said} / {o.did}")
    if misses:
        for o in asked:
            if not o.answered:
                print(f"  question not answered by its first candidate: [{o.item.language}] {o.item.text!r} "
                      f"-> {o.said}")
        print("\nmisses:")
        for o in carehub:
            if o.verdict == "miss":
                print(f"  [{o.item.language}] {o.item.text!r} ({o.item.intent} {o.item.target} {o.item.value}, "
                      f"room {o.item.room}) -> {o.said} / {o.did}")
    counts = Counter(o.verdict for o in carehub)
    print(f"\n{len(carehub)} utterances: {counts['right']} right, {counts['miss']} missed, {counts['wrong']} wrong")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEV, help="a corpus file (default: the development set)")
    parser.add_argument("--household", type=Path, default=HOUSEHOLD)
    parser.add_argument("--misses", action="store_true", help="list every utterance not judged right")
    args = parser.parse_args()
    items = load_corpus(args.corpus)
    household = Household(yaml.safe_load(args.household.read_text(encoding="utf-8")))
    started = time.perf_counter()
    carehub, claimed = asyncio.run(run_carehub(items, household))
    anchor = run_anchor(items, household, claimed)
    print(f"{args.corpus.name}: {len(items)} utterances, {time.perf_counter() - started:.0f} s\n")
    report(carehub, anchor, args.misses)


if __name__ == "__main__":
    main()
