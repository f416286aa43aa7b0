"""The routines rules, the state they read and their wording, as pure functions: tables, no hub."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from skills.routines.baseline import ALL, Assessment, Finding as BaselineFinding, slot_of
from skills.routines.rules import (
    Finding, baseline_due, check_bathroom_too_long, check_long_inactivity, check_night_exit,
    check_no_morning_activity, check_not_up, check_unusual_day, check_untouched, episodes_ended, findings,
)
from skills.routines.settings import PersonRoutine
from skills.routines.state import NightExit, PersonState, Sign, observe
from skills.routines.wording import Names, clock_time, message
from skills.sdk import ButtonPressed, ContactChanged, Event, LocationReported, MotionDetected, OccupancyChanged

LONDON = ZoneInfo("Europe/London")
DEFAULTS = PersonRoutine()


def at(clock: str, day: int = 5, month: int = 1) -> datetime:
    """Home time on Monday 5 January 2026 (``day=4``: the Sunday before, ``day=6``: the Tuesday after)."""
    hour, minute = (int(x) for x in clock.split(":"))
    return datetime(2026, month, day, hour, minute, tzinfo=LONDON)


def seen(clock: str, room: str | None = "hallway", day: int = 5, device: str = "hallway-motion") -> Sign:
    return Sign(at(clock, day), device, room, f"e-{day}-{clock}")


def person(**fields) -> PersonState:
    """A person watched since the day before, with the given facts."""
    fields.setdefault("watching_since", at("00:00", day=4))
    return PersonState(**fields)


def rules(**fields) -> PersonRoutine:
    return DEFAULTS.model_copy(update=fields)


# --- rule 1: no sign in the morning -------------------------------------------------------------------


@pytest.mark.parametrize("case, state, settings, now, found", [
    ("a sign just before 04:00 does not count", person(last=seen("03:59")), {}, "10:00", True),
    ("a sign at 04:00 counts", person(last=seen("04:00")), {}, "10:00", False),
    ("not judged before 10:00", person(last=seen("03:00")), {}, "09:59", False),
    ("no sign since the hub started", person(), {}, "10:00", True),
    ("the hub watched an hour of the morning", person(watching_since=at("09:00")), {}, "10:00", True),
    ("the hub watched less than an hour", person(watching_since=at("09:01")), {}, "10:00", False),
    ("once a day", person(alerted={"no_morning_activity": "2026-01-05"}), {}, "10:30", False),
    ("yesterday's alert is another day", person(alerted={"no_morning_activity": "2026-01-04"}), {}, "10:30", True),
    ("turned off", person(), {"morning_check": None}, "10:00", False),
    ("a later check for a late riser", person(), {"morning_check": "11:30"}, "11:29", False),
])
def test_no_morning_activity(case, state, settings, now, found):
    finding = check_no_morning_activity(state, rules(**settings), at(now))
    assert (finding is not None) == found, case
    if finding is not None:
        assert finding.rule == "no_morning_activity" and finding.priority == "medium"
        assert finding.episode == "2026-01-05" and finding.cause == state.last


def test_no_morning_activity_is_counted_from_when_the_hub_started_and_says_if_she_went_out():
    late = check_no_morning_activity(person(watching_since=at("06:00")), DEFAULTS, at("10:00"))
    assert late is not None and late.since == at("06:00")
    door = seen("03:00", device="front-door")
    out = check_no_morning_activity(person(last=door, last_exit=door, last_inside=seen("02:50")), DEFAULTS,
                                    at("10:00"))
    assert out is not None and out.went_out == at("03:00") and out.cause == door


# --- rule 6: still in bed ---------------------------------------------------------------------------


@pytest.mark.parametrize("case, state, now, found", [
    ("in bed at 09:30", person(bed_occupied=True), "09:30", True),
    ("not judged before 09:30", person(bed_occupied=True), "09:29", False),
    ("a night-time trip is not getting up", person(bed_occupied=True, last_up=at("04:59")), "09:30", True),
    ("up at 05:00, back to bed", person(bed_occupied=True, last_up=at("05:00")), "09:30", False),
    ("the bed is empty", person(bed_occupied=False), "09:30", False),
    ("the bed never reported", person(bed_occupied=None), "09:30", False),
    ("the hub watched an hour since 05:00", person(bed_occupied=True, watching_since=at("08:30")), "09:30", True),
    ("the hub watched less", person(bed_occupied=True, watching_since=at("08:31")), "09:30", False),
    ("once a day", person(bed_occupied=True, alerted={"not_up": "2026-01-05"}), "09:45", False),
])
def test_not_up(case, state, now, found):
    finding = check_not_up(state, DEFAULTS, at(now))
    assert (finding is not None) == found, case
    if finding is not None:
        assert finding.rule == "not_up" and finding.priority == "medium" and finding.due == at("09:30")


@pytest.mark.parametrize("state, since, seen_start", [
    (person(bed_occupied=True, bed_since=at("22:10", day=4)), at("22:10", day=4), True),
    (person(bed_occupied=True, bed_first_seen=at("23:00", day=4)), at("23:00", day=4), False),
    (person(bed_occupied=True), at("00:00", day=4), False),
])
def test_not_up_says_since_when_she_is_in_bed_or_since_when_at_least(state, since, seen_start):
    finding = check_not_up(state, DEFAULTS, at("09:30"))
    assert finding is not None and finding.since == since and finding.seen_start is seen_start


def test_not_up_can_be_turned_off():
    assert check_not_up(person(bed_occupied=True), rules(up_by=None), at("12:00")) is None


# --- rule 2: a long silence ---------------------------------------------------------------------------


@pytest.mark.parametrize("case, last, settings, now, since", [
    ("counted from when the window opened", "07:00", {}, "11:59", None),
    ("four hours after 08:00", "07:00", {}, "12:00", "08:00"),
    ("just before four hours from the last sign", "09:00", {}, "12:59", None),
    ("four hours from the last sign", "09:00", {}, "13:00", "09:00"),
    ("up to the end of the window", "16:59", {}, "20:59", "16:59"),
    ("not after the window", "16:59", {}, "21:00", None),
    ("two hours for someone frailer", "09:00", {"inactivity_hours": 2}, "11:00", "09:00"),
    ("turned off", "09:00", {"inactivity_hours": None}, "20:00", None),
])
def test_long_inactivity_at_home(case, last, settings, now, since):
    finding = check_long_inactivity(person(last=seen(last)), rules(**settings), at(now))
    assert (finding.since if finding else None) == (at(since) if since else None), case
    if finding is not None:
        assert finding.rule == "long_inactivity" and finding.priority == "medium" and not finding.outside
        assert finding.episode == at(since).isoformat() and finding.went_out is None


@pytest.mark.parametrize("now, day, found", [("01:29", 6, False), ("01:30", 6, True), ("02:30", 6, False)])
def test_long_inactivity_in_a_window_across_midnight(now, day, found):
    finding = check_long_inactivity(person(last=seen("21:30")), rules(inactivity_window="20:00-02:00"), at(now, day))
    assert (finding is not None) == found


def test_each_silence_is_one_episode():
    state = person(last=seen("09:00"), alerted={"long_inactivity": at("09:00").isoformat()})
    assert check_long_inactivity(state, DEFAULTS, at("14:00")) is None
    state.last = seen("10:00")
    assert check_long_inactivity(state, DEFAULTS, at("14:00")) is not None


def away_since(clock: str, day: int = 5) -> PersonState:
    """Went out of the front door at ``clock``; nothing inside since."""
    door = seen(clock, day=day, device="front-door")
    return person(last=door, last_exit=door, last_inside=seen("08:50", day=day))


@pytest.mark.parametrize("case, state, settings, now, found", [
    ("out for less than eight hours", away_since("09:00"), {}, at("16:59"), False),
    ("out for eight hours", away_since("09:00"), {}, at("17:00"), True),
    ("overnight, just before eight hours", away_since("16:00"), {}, at("23:59"), False),
    ("overnight, outside the day window", away_since("16:00"), {}, at("00:00", day=6), True),
    ("never, if turned off", away_since("09:00"), {"away_hours": None}, at("23:00"), False),
])
def test_long_inactivity_while_she_is_out(case, state, settings, now, found):
    finding = check_long_inactivity(state, rules(**settings), now)
    assert (finding is not None) == found, case
    if finding is not None:
        assert finding.outside and finding.went_out == state.last_exit.ts and finding.cause == state.last_exit


def test_coming_home_ends_being_out():
    state = away_since("09:00")
    state.last = state.last_inside = seen("09:30")
    assert not state.away
    assert check_long_inactivity(state, DEFAULTS, at("17:00")).outside is False


# --- rule 3: the bathroom ------------------------------------------------------------------------------


@pytest.mark.parametrize("case, last, settings, now, found", [
    ("59 minutes", seen("09:20", "bathroom"), {}, at("10:19"), False),
    ("an hour", seen("09:20", "bathroom"), {}, at("10:20"), True),
    ("last seen elsewhere", seen("09:20", "hallway"), {}, at("12:00"), False),
    ("another bathroom", seen("09:20", "ensuite"), {"bathroom_rooms": ["bathroom", "ensuite"]}, at("10:20"), True),
    ("a shorter limit", seen("09:20", "bathroom"), {"bathroom_minutes": 30}, at("09:50"), True),
    ("turned off", seen("09:20", "bathroom"), {"bathroom_minutes": None}, at("12:00"), False),
    ("across midnight", seen("23:30", "bathroom"), {}, at("00:30", day=6), True),
])
def test_bathroom_too_long(case, last, settings, now, found):
    finding = check_bathroom_too_long(person(last=last), rules(**settings), now)
    assert (finding is not None) == found, case
    if finding is not None:
        assert finding.priority == "high" and finding.cause == last and finding.episode == last.ts.isoformat()


def test_bathroom_too_long_once_per_visit():
    last = seen("09:20", "bathroom")
    assert check_bathroom_too_long(person(last=last, alerted={"bathroom_too_long": last.ts.isoformat()}),
                                   DEFAULTS, at("11:00")) is None


# --- rule 4: the door at night ---------------------------------------------------------------------------


@pytest.mark.parametrize("case, opened, now, found", [
    ("14 minutes", at("02:30"), at("02:44"), False),
    ("15 minutes", at("02:30"), at("02:45"), True),
    ("across midnight", at("23:50", day=4), at("00:05"), True),
])
def test_night_exit(case, opened, now, found):
    door = Sign(opened, "front-door", "hallway", "e1")
    finding = check_night_exit(person(night_exit=NightExit(door)), DEFAULTS, now)
    assert (finding is not None) == found, case
    if finding is not None:
        assert finding.priority == "high" and finding.outside and finding.cause == door
        assert finding.episode == opened.isoformat()


def test_no_night_exit_without_one_or_twice_for_one():
    assert check_night_exit(person(), DEFAULTS, at("03:00")) is None
    door = seen("02:30", device="front-door")
    state = person(night_exit=NightExit(door), alerted={"night_exit": door.ts.isoformat()})
    assert check_night_exit(state, DEFAULTS, at("03:00")) is None


# --- rule 5: the fridge -------------------------------------------------------------------------------


@pytest.mark.parametrize("case, now, found", [
    ("4 waking hours yesterday and 7:59 today", at("14:59", day=6), False),
    ("4 waking hours yesterday and 8 today", at("15:00", day=6), True),
    ("the night does not count", at("06:59", day=6), False),
])
def test_fridge_untouched_counts_only_waking_hours(case, now, found):
    state = person(opened={"fridge": seen("18:00", "kitchen", device="fridge")}, contact_subtypes=frozenset({"fridge"}))
    assert (list(check_untouched(state, DEFAULTS, now)) != []) == found, case


def test_untouched_per_cabinet_the_person_has():
    never = person(contact_subtypes=frozenset({"fridge", "medicine_cabinet", "door"}))
    fridge, cabinet = check_untouched(never, rules(untouched_hours={"fridge": 4, "medicine_cabinet": 2}),
                                      at("11:00", day=4))
    assert (fridge.rule, fridge.priority, fridge.subtype) == ("fridge_untouched", "low", "fridge")
    assert (cabinet.rule, cabinet.subtype) == ("medicine_cabinet_untouched", "medicine_cabinet")
    assert fridge.since == never.watching_since and not fridge.seen_start and fridge.cause is None
    assert list(check_untouched(person(), DEFAULTS, at("23:00", day=6))) == []  # no fridge contact
    shut = person(contact_subtypes=frozenset({"fridge"}),
                  alerted={"fridge_untouched": never.watching_since.isoformat()})
    assert list(check_untouched(shut, DEFAULTS, at("23:00", day=6))) == []  # once per shut stretch


# --- rule 7 and the order of the rules ----------------------------------------------------------------


def test_the_baseline_check_is_due_once_a_day_from_21_00():
    assert baseline_due(person(), DEFAULTS, at("20:59")) is None
    assert baseline_due(person(), DEFAULTS, at("21:05")) == at("21:00")
    assert baseline_due(person(assessed="2026-01-05"), DEFAULTS, at("21:05")) is None
    assert baseline_due(person(), rules(baseline_check=None), at("23:00")) is None


@pytest.mark.parametrize("assessment, found", [
    (Assessment(3, False), False),
    (Assessment(7, True), False),
    (Assessment(7, True, (BaselineFinding("silence", ALL, slot_of(6, 45), slot_of(11, 15), 18),)), True),
])
def test_unusual_day(assessment, found):
    finding = check_unusual_day(person(), DEFAULTS, at("21:00"), assessment, "assessed-1")
    assert (finding is not None) == found
    if finding is not None:
        assert finding.priority == "low" and finding.cause.event_id == "assessed-1" and finding.episode == "2026-01-05"


def test_findings_come_in_the_rules_order_and_each_rule_once():
    state = person(bed_occupied=True, last=seen("03:00", "bathroom"), contact_subtypes=frozenset({"fridge"}))
    found = [f.rule for f in findings(state, rules(untouched_hours={"fridge": 3}), at("12:00"))]
    assert found == ["no_morning_activity", "not_up", "long_inactivity", "bathroom_too_long", "fridge_untouched"]


# --- when an alert ends ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case, state, sign, ended, kept", [
    ("any sign ends a silence", person(), seen("10:00"), {"no_morning_activity", "long_inactivity"}, set()),
    ("moving in the bathroom is still the bathroom", person(), seen("10:00", "bathroom"), set(),
     {"bathroom_too_long"}),
    ("a sign elsewhere ends it", person(), seen("10:00", "kitchen"), {"bathroom_too_long"}, set()),
    ("the bed left", person(bed_occupied=False), seen("10:00", "bedroom"), {"not_up"}, set()),
    ("still in bed", person(bed_occupied=True), seen("10:00", "bedroom"), set(), {"not_up"}),
    ("out at night, not back yet", person(night_exit=NightExit(seen("02:30"))), seen("02:40"), set(),
     {"night_exit"}),
])
def test_episodes_ended(case, state, sign, ended, kept):
    result = set(episodes_ended(state, DEFAULTS, sign))
    assert ended <= result and not kept & result, case


def test_opening_the_fridge_ends_its_episode_only():
    fridge = seen("10:00", "kitchen", device="fridge")
    state = person(opened={"fridge": fridge, "medicine_cabinet": seen("08:00", "kitchen")})
    result = episodes_ended(state, DEFAULTS, fridge)
    assert "fridge_untouched" in result and "medicine_cabinet_untouched" not in result


# --- the state: how an event folds in ------------------------------------------------------------------


@dataclass(frozen=True)
class Device:
    room: str | None
    subtype: str | None = None


DEVICES = {"front-door": Device("hallway", "door"), "fridge": Device("kitchen", "fridge"),
           "bed": Device("bedroom", "bed"), "hallway-motion": Device("hallway"), "panic-button": Device(None)}


def fold(state: PersonState, *events: tuple[str, str, Event], settings: PersonRoutine = DEFAULTS,
         day: int = 5) -> list[Sign | None]:
    """Fold ``(clock, device, event)`` into ``state``; the sign each gave."""
    out = []
    for n, (clock, device, event) in enumerate(events):
        stamped = event.stamped(id=f"e{n}", ts=at(clock, day), device=device, person="grandma")
        out.append(observe(state, settings, stamped, DEVICES.get(device), LONDON))
    return out


@pytest.mark.parametrize("case, events, signs", [
    ("motion is a sign", [("09:00", "hallway-motion", MotionDetected())], [True]),
    ("a button press is a sign", [("09:00", "panic-button", ButtonPressed())], [True]),
    ("a contact announcing it is closed is not", [("09:00", "fridge", ContactChanged(open=False))], [False]),
    ("a contact first heard open is", [("09:00", "fridge", ContactChanged(open=True))], [True]),
    ("a repeated state is not", [("09:00", "fridge", ContactChanged(open=True)),
                                 ("09:01", "fridge", ContactChanged(open=True))], [True, False]),
    ("a bed announcing it is occupied is not", [("06:00", "bed", OccupancyChanged(occupied=True))], [False]),
    ("leaving the bed is", [("06:00", "bed", OccupancyChanged(occupied=True)),
                            ("07:00", "bed", OccupancyChanged(occupied=False))], [False, True]),
    ("the watch is not", [("09:00", "grandma-watch", LocationReported(lat=1.0, lon=2.0))], [False]),
])
def test_what_is_a_sign(case, events, signs):
    assert [s is not None for s in fold(person(), *events)] == signs, case


def test_the_bed_tells_when_she_went_to_bed_and_got_up():
    state = person()
    fold(state, ("22:00", "bed", OccupancyChanged(occupied=True)), day=4)
    assert state.bed_occupied and state.bed_first_seen == at("22:00", day=4) and state.bed_since is None
    fold(state, ("07:00", "bed", OccupancyChanged(occupied=False)), ("13:00", "bed", OccupancyChanged(occupied=True)))
    assert state.last_up == at("07:00") and state.bed_since == at("13:00") and state.bed_occupied


def test_out_when_the_door_opened_and_nothing_moved_inside_since():
    state = person()
    fold(state, ("09:00", "hallway-motion", MotionDetected()), ("09:05", "front-door", ContactChanged(open=True)))
    assert state.away and state.last_exit.ts == at("09:05") and state.last == state.last_exit
    fold(state, ("09:06", "front-door", ContactChanged(open=False)))
    assert state.away  # closing the door behind her is not being inside
    fold(state, ("12:00", "hallway-motion", MotionDetected()))
    assert not state.away


@pytest.mark.parametrize("opened, starts", [("21:59", False), ("22:00", True), ("05:59", True), ("06:00", False)])
def test_a_door_opened_in_the_night_window_starts_a_night_exit(opened, starts):
    state = person()
    fold(state, (opened, "front-door", ContactChanged(open=True)), day=6 if opened < "12:00" else 5)
    assert (state.night_exit is not None) == starts


@pytest.mark.parametrize("case, after, back", [
    ("door closed, then movement inside", [("02:35", "front-door", ContactChanged(open=False)),
                                           ("02:36", "hallway-motion", MotionDetected())], True),
    ("movement with the door still open", [("02:35", "hallway-motion", MotionDetected())], False),
    ("door closed, nothing inside yet", [("02:35", "front-door", ContactChanged(open=False))], False),
    ("closed, opened again, then movement", [("02:35", "front-door", ContactChanged(open=False)),
                                             ("02:36", "front-door", ContactChanged(open=True)),
                                             ("02:37", "hallway-motion", MotionDetected())], False),
])
def test_back_from_a_night_exit(case, after, back):
    state = person()
    fold(state, ("02:30", "front-door", ContactChanged(open=True)), *after, day=6)
    assert (state.night_exit is None) == back, case


def test_the_night_window_can_be_turned_off():
    state = person()
    fold(state, ("02:30", "front-door", ContactChanged(open=True)), settings=rules(night_window=None))
    assert state.night_exit is None and state.away


# --- wording ---------------------------------------------------------------------------------------------


ROOMS = {"bathroom": "浴室", "bedroom": "卧室", "kitchen": "厨房"}
NAMES = Names(person="Margaret", room=lambda room, lang: ROOMS.get(room, room) if lang == "zh-CN" else room,
              devices={})


@pytest.mark.parametrize("ts, lang, text", [
    (at("09:12"), "en", "09:12"),
    (at("09:12", day=4), "en", "09:12 yesterday"),
    (at("09:12", day=4), "zh", "昨天09:12"),
    (at("09:12", day=2), "en", "Fri 09:12"),
    (at("09:12", day=2), "zh", "01-02 09:12"),
    (datetime(2026, 1, 5, 1, 0, tzinfo=ZoneInfo("Asia/Shanghai")), "en", "17:00 yesterday"),  # in home time
])
def test_times_are_written_relative_to_the_finding(ts, lang, text):
    assert clock_time(ts, at("10:00"), lang) == text


def found(rule: str, **fields) -> Finding:
    return Finding(rule=rule, priority="medium", episode="x", found=at("10:00"), **fields)


@pytest.mark.parametrize("finding, fix, en, zh", [
    (found("no_morning_activity", since=at("04:00"), last=seen("21:46", "bedroom", day=4)), None,
     "No sign of Margaret this morning: nothing since 04:00 (last seen 21:46 yesterday, bedroom).",
     "今天早上还没有Margaret的动静：04:00以来没有任何活动（最后一次活动：昨天21:46，卧室）。"),
    (found("no_morning_activity", since=at("04:00")), None,
     "No sign of Margaret this morning: nothing since 04:00 (no sign since the hub started).",
     "今天早上还没有Margaret的动静：04:00以来没有任何活动（中枢启动以来没有任何活动）。"),
    (found("not_up", since=at("06:30"), seen_start=False, due=at("09:30")), None,
     "Margaret is still in bed at 09:30 (in bed since at least 06:30).",
     "Margaret到09:30还没有起床（至少06:30起在床上）。"),
    (found("long_inactivity", limit=4.0, last=seen("05:57"), went_out=None), None,
     "No movement from Margaret for 4 hours (last seen 05:57, hallway).",
     "Margaret已经4小时没有任何活动（最后一次活动：05:57，hallway）。"),
    (found("long_inactivity", limit=8.0, went_out=at("01:00"), outside=True), None,
     "Margaret went out at 01:00 and has not been seen at home for 8 hours.",
     "Margaret在01:00出门，已经8小时没有回家。"),
    (found("bathroom_too_long", since=at("08:20"), last=seen("08:20", "bathroom"), limit=60.0), None,
     "Margaret was last seen in the bathroom at 08:20 and nothing has moved anywhere since (60 minutes): "
     "a fall is possible.",
     "Margaret最后一次在浴室出现是08:20，之后60分钟到处都没有动静，可能摔倒了。"),
    (found("night_exit", since=at("02:30"), cause=seen("02:30", device="front-door"), limit=15.0, outside=True),
     LocationReported(lat=31.2330, lon=121.476, ts=at("02:44")),
     "The door opened at 02:30 and Margaret is not back after 15 minutes. The watch was last at 31.23300, "
     "121.47600 (02:44): https://www.openstreetmap.org/?mlat=31.23300&mlon=121.47600#map=18/31.23300/121.47600",
     "大门在02:30打开，15分钟后Margaret仍未回来。手表最后位置：31.23300, 121.47600（02:44）："
     "https://www.openstreetmap.org/?mlat=31.23300&mlon=121.47600#map=18/31.23300/121.47600"),
    (found("fridge_untouched", subtype="fridge", since=at("18:50", day=4), limit=12.0), None,
     "Margaret has not opened the fridge for 12 waking hours (last opened 18:50 yesterday).",
     "Margaret已经12个白天小时没有打开冰箱（上次打开：昨天18:50）。"),
    (found("medicine_cabinet_untouched", subtype="medicine_cabinet", since=at("00:00"), seen_start=False,
           limit=18.0), None,
     "Margaret has not opened the medicine cabinet for 18 waking hours (not opened since 00:00).",
     "Margaret已经18个白天小时没有打开药柜（00:00以来没有打开）。"),
    (found("unusual_day", assessment=Assessment(8, True, (
        BaselineFinding("silence", ALL, slot_of(6, 45), slot_of(11, 15), 18),
        BaselineFinding("silence", "kitchen", slot_of(7, 0), slot_of(21, 0), 9),
        BaselineFinding("unusual_activity", ALL, slot_of(1, 15), slot_of(3, 0), 5)))), None,
     "Margaret's day was unlike the last 8 days: no activity 06:45–11:15 (usually an active time: 18 quarter "
     "hours); nothing in the kitchen 07:00–21:00 (usually used then: 9 quarter hours); active at unusual hours "
     "(5 quarter hours between 01:15–03:00).",
     "与过去8天相比，Margaret今天不太寻常：06:45–11:15没有活动，平时这段时间有活动（18个一刻钟）；"
     "07:00–21:00厨房没有活动，平时这段时间有（9个一刻钟）；在不寻常的时间活动（01:15–03:00之间有5个一刻钟）。"),
])
def test_messages(finding, fix, en, zh):
    assert message(finding, NAMES, fix) == {"en": en, "zh": zh}


def test_a_door_is_named_as_configured():
    @dataclass
    class Door:
        display_name: str
        aliases: dict[str, list[str]]

    names = Names(person="Margaret", room=NAMES.room, devices={"back-door": Door("back door", {"zh-CN": ["后门"]})})
    finding = found("night_exit", since=at("02:30"), cause=seen("02:30", device="back-door"), limit=15.0)
    text = message(finding, names)
    assert text["en"].startswith("The back door opened") and text["zh"].startswith("后门在02:30打开")
