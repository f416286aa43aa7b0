"""child_safety: zone exits in school hours, one bad fix, home-by and curfew checks, bedtime, SOS, where is."""

from __future__ import annotations

from datetime import datetime
from importlib.resources import files
from zoneinfo import ZoneInfo

import pytest
import yaml
from pydantic import ValidationError

from firmware_stubs import scenarios
from firmware_stubs.scenarios import HOME, SCHOOL, Scenario, Step
from skills.child_safety import ChildSafety, ChildSafetySettings
from skills.child_safety.geo import offset
from skills.child_safety.rules import in_window
from skills.safety import Safety
from skills.sdk import AlertResolved, LocationReported, SosPressed, SwitchStateReported

MONDAY = datetime(2026, 1, 5)  # home time, Europe/London
SCHOOL_DAYS = ["mon", "tue", "wed", "thu", "fri"]
FRIEND = offset(*HOME, -560.0, 600.0)
"""A friend's house about 820 m south-east of home, in no zone."""

SETTINGS = {
    "zones": {"home": {"lat": HOME[0], "lon": HOME[1], "radius_m": 100, "names": {"zh": "家"}},
              "school": {"lat": SCHOOL[0], "lon": SCHOOL[1], "radius_m": scenarios.SCHOOL_RADIUS_M,
                         "names": {"zh": "学校"}}},
    "children": {"leo": {
        "room": "leo-room",
        "schedules": [{"zone": "school", "days": SCHOOL_DAYS, "start": "08:30", "end": "15:30"}],
        "home_by": [{"days": SCHOOL_DAYS, "at": "17:30"}, {"days": ["sat", "sun"], "at": "20:00"}],
        "curfew": {"at": "21:00", "until": "06:30"},
        "bedtime": {"at": "20:30", "brightness": 40},
    }},
}

DEFAULT_DEVICES = yaml.safe_load((files("assistant") / "default_config.yaml").read_text(encoding="utf-8"))["devices"]
LEO_ROOM = {"devices": DEFAULT_DEVICES + [
    {"id": "leo-lamp", "kind": "light", "room": "leo-room", "name": "leo's lamp"},
]}


def track(name: str, starts_at: str, fixes: list[tuple[str, tuple[float, float], float]]) -> Scenario:
    """A short scenario of leo's watch alone: (clock time, (lat, lon), accuracy) reports."""
    h0, m0 = (int(x) for x in starts_at.split(":"))
    steps = []
    for clock, (lat, lon), accuracy in fixes:
        h, m = (int(x) for x in clock.split(":"))
        steps.append(Step(float((h - h0) * 3600 + (m - m0) * 60), "leo-watch", "report",
                          {"lat": round(lat, 6), "lon": round(lon, 6), "accuracy": accuracy}))
    return Scenario(name, name, datetime.strptime(starts_at, "%H:%M").time(), steps[-1].at + 60, steps)


async def advance_to(h, clock: str) -> None:
    """Run the fake clock to ``clock`` (home time) today."""
    now = h.clock.now().astimezone(ZoneInfo("Europe/London"))
    hours, minutes = (int(x) for x in clock.split(":"))
    await h.advance((now.replace(hour=hours, minute=minutes, second=0, microsecond=0) - now).total_seconds())


async def fix(h, point: tuple[float, float], accuracy: float = 10.0, *, then: float = 300) -> None:
    """One report of leo's watch, then ``then`` seconds pass (two fixes 5 min apart confirm a side)."""
    await h.publish(LocationReported(lat=point[0], lon=point[1], accuracy=accuracy), device="leo-watch")
    await h.advance(then)


# --- leaving school in school hours ---------------------------------------------------------------------


async def test_leaving_school_in_school_hours_pages_once_with_the_last_position(skill_harness):
    h = await skill_harness(ChildSafety, settings=SETTINGS, start=MONDAY.replace(hour=7))
    await h.play(scenarios.child_leaves_school(day="mon"))
    assert h.failures == []
    (note,) = h.notifications  # once per episode, though he keeps walking away for half an hour
    assert (note.priority, note.alert_kind, note.person) == ("high", "child_left_zone", "leo")
    en = note.message["en"]
    assert en.startswith("Leo left school at about 10:46 (expected at school 08:30-15:30); last seen just now (10:52)")
    assert "741 m from school" in en and "(±9 m)" in en
    assert "https://www.openstreetmap.org/?mlat=31.240117&mlon=121.487065" in en
    assert note.message["zh"].startswith("Leo 约 10:46 离开了学校") and "距离学校 741 米" in note.message["zh"]
    # "why was I paged": the alert's cause is the fix that confirmed the exit, logged with it.
    (left,) = [r for r in await h.rows(kind="child_left_zone") if r["data"]["zone"] == "school"]
    assert left["data"]["in_window"] is True and left["data"]["left_at"].startswith("2026-01-05T10:46")
    (notified,) = await h.rows(kind="alert_requested")
    assert notified["cause"] == left["cause"]
    assert [r["kind"] for r in await h.rows(kind="location_reported") if r["id"] == left["cause"]]

    # Back at school: the alert clears.
    await fix(h, SCHOOL)
    await fix(h, SCHOOL)
    assert len(h.of(AlertResolved)) == 1 and len(h.notifications) == 1


async def test_what_it_knows_survives_a_restart(skill_harness):
    first = await skill_harness(ChildSafety, settings=SETTINGS, start=MONDAY.replace(hour=10))
    await fix(first, SCHOOL)
    await fix(first, SCHOOL)
    await fix(first, offset(*SCHOOL, 0, 500))
    await first.stop()
    h = await skill_harness(ChildSafety, settings=SETTINGS, start=MONDAY.replace(hour=10, minute=15),
                            database=first.hub.config.database_path)
    await fix(h, offset(*SCHOOL, 0, 700))  # the second fix outside, after the restart: confirmed
    (note,) = h.notifications
    assert note.message["en"].startswith("Leo left school at about 10:10")


async def test_an_ordinary_day_pages_nobody_and_runs_bedtime(skill_harness):
    h = await skill_harness(ChildSafety, settings=SETTINGS, config=LEO_ROOM, start=MONDAY.replace(hour=6))
    await h.play(scenarios.normal_day(day="mon"), until="21:10")
    assert h.failures == [] and h.notifications == []
    entered = [r["data"]["zone"] for r in reversed(await h.rows(kind="child_entered_zone"))]
    assert entered == ["school", "home"]  # to school in the morning, home after 15:30
    # (Grandma's "I'm fine" at 10:00 goes unanswered here: the check-in skill is not loaded.)
    assert h.replies[-1:] == ["Leo, it's bedtime. Time to brush your teeth and get into bed."]


async def test_one_bad_fix_pages_nobody(skill_harness):
    h = await skill_harness(ChildSafety, settings=SETTINGS, start=MONDAY.replace(hour=9))
    for _ in range(3):
        await fix(h, SCHOOL)
    await fix(h, offset(*SCHOOL, 0, 500), accuracy=15)   # multipath: 500 m off, and the watch thinks it is good
    await fix(h, offset(*SCHOOL, 0, 700), accuracy=400)  # a cell-tower guess: ignored
    await fix(h, offset(*SCHOOL, 20, 30))
    await fix(h, SCHOOL)
    assert h.notifications == [] and h.failures == []
    assert await h.rows(kind="child_left_zone") == []


async def test_a_one_fix_rule_would_have_paged(skill_harness):
    one_fix = {**SETTINGS, "gps": {"fixes_to_change": 1, "confirm_minutes": 0}}
    h = await skill_harness(ChildSafety, settings=one_fix, start=MONDAY.replace(hour=9))
    await fix(h, SCHOOL)
    await fix(h, offset(*SCHOOL, 0, 500), accuracy=15)
    assert [n.alert_kind for n in h.notifications] == ["child_left_zone"]


async def test_leaving_school_after_hours_or_at_the_weekend_pages_nobody(skill_harness):
    h = await skill_harness(ChildSafety, settings=SETTINGS, start=datetime(2026, 1, 10, 10, 0))  # a Saturday
    await fix(h, SCHOOL)
    await fix(h, SCHOOL)
    await fix(h, offset(*SCHOOL, 0, 600))
    await fix(h, offset(*SCHOOL, 0, 800))
    assert h.notifications == []
    assert [r["data"]["in_window"] for r in await h.rows(kind="child_left_zone")] == [False]


# --- not arrived ---------------------------------------------------------------------------------------------

ARRIVE = {**SETTINGS, "children": {"leo": {**SETTINGS["children"]["leo"], "schedules": [
    {"zone": "school", "days": SCHOOL_DAYS, "start": "08:30", "end": "15:30", "arrive_within_minutes": 30}]}}}


async def test_not_at_school_half_an_hour_into_school_hours_pages_and_arriving_clears_it(skill_harness):
    h = await skill_harness(ChildSafety, settings=ARRIVE, start=MONDAY.replace(hour=8))
    await fix(h, HOME)
    await fix(h, HOME)                      # 08:10, still at home (a sick day nobody told carehub about)
    await advance_to(h, "08:59")
    assert h.notifications == []
    await fix(h, HOME, then=60)             # 09:00 passes
    (note,) = h.notifications
    assert (note.priority, note.alert_kind, note.person) == ("medium", "child_not_arrived", "leo")
    assert note.message["en"].startswith("Leo has not arrived at school (expected from 08:30, checked at 09:00): "
                                         "last seen 1 min ago (08:59), 1.1 km from school (±10 m)")
    assert "openstreetmap.org/?mlat=" in note.message["en"]
    assert note.message["zh"].startswith("Leo 还没有到学校（08:30 起应在，09:00 检查）")
    await advance_to(h, "10:00")
    assert len(h.notifications) == 1        # once a day
    await fix(h, SCHOOL)
    await fix(h, SCHOOL)
    (resolved,) = h.of(AlertResolved)
    assert "arrived at school" in resolved.reason and len(h.notifications) == 1


async def test_arriving_on_time_or_a_day_without_school_pages_nobody(skill_harness):
    h = await skill_harness(ChildSafety, settings=ARRIVE, config=LEO_ROOM, start=MONDAY.replace(hour=6))
    await h.play(scenarios.normal_day(day="mon"), until="10:00")
    assert h.failures == [] and h.notifications == []
    saturday = await skill_harness(ChildSafety, settings=ARRIVE, start=datetime(2026, 1, 10, 8, 0))
    await fix(saturday, HOME)
    await advance_to(saturday, "10:00")
    assert saturday.notifications == []


# --- home by, curfew -------------------------------------------------------------------------------------


async def test_not_home_by_the_time_pages_with_the_last_position_and_its_age(skill_harness):
    h = await skill_harness(ChildSafety, settings=SETTINGS, start=MONDAY.replace(hour=15))
    await h.play(track("to a friend's", "15:20", [
        ("15:20", SCHOOL, 10), ("15:25", SCHOOL, 10),
        ("15:45", FRIEND, 12), ("15:50", FRIEND, 12), ("16:35", FRIEND, 20), ("17:05", FRIEND, 14),
    ]))
    assert h.notifications == []  # left school after 15:30
    await advance_to(h, "17:31")
    (note,) = h.notifications
    assert (note.priority, note.alert_kind, note.person) == ("medium", "child_not_home", "leo")
    assert note.message["en"].startswith("Leo is not home by 17:30: last seen 25 min ago (17:05), 821 m from home")
    assert "openstreetmap.org/?mlat=" in note.message["en"]
    assert note.message["zh"].startswith("Leo 17:30 还没有到家。最后位置：25 分钟前（17:05），距离家 821 米")

    await fix(h, HOME)
    await fix(h, HOME)
    assert len(h.of(AlertResolved)) == 1


async def test_no_position_at_all_is_not_home(skill_harness):
    settings = {**SETTINGS, "children": {"leo": {"home_by": [{"at": "17:30"}]}}}
    h = await skill_harness(ChildSafety, settings=settings, start=MONDAY.replace(hour=17, minute=20))
    await h.advance(11 * 60)
    (note,) = h.notifications
    assert note.message["en"] == "Leo is not home by 17:30: the watch has sent no position yet."


async def test_home_by_with_a_fresh_fix_at_home_pages_nobody(skill_harness):
    h = await skill_harness(ChildSafety, settings=SETTINGS, start=MONDAY.replace(hour=17))
    await fix(h, HOME)
    await fix(h, HOME, then=40 * 60)
    assert h.notifications == []


async def test_out_at_curfew_pages_high(skill_harness):
    h = await skill_harness(ChildSafety, settings=SETTINGS, start=MONDAY.replace(hour=17))
    await h.play(track("out at curfew", "17:10", [
        ("17:10", HOME, 10), ("17:15", HOME, 10),                 # home by 17:30
        ("20:05", FRIEND, 12), ("20:10", FRIEND, 12), ("20:50", FRIEND, 12),
    ]))
    assert h.notifications == []
    await advance_to(h, "21:01")
    (note,) = h.notifications
    assert (note.priority, note.alert_kind) == ("high", "child_curfew")
    assert note.message["en"].startswith("Leo is not home at curfew (21:00): last seen 10 min ago (20:50)")


async def test_leaving_home_after_curfew_pages_high(skill_harness):
    h = await skill_harness(ChildSafety, settings=SETTINGS, start=MONDAY.replace(hour=22, minute=30))
    await fix(h, HOME)
    await fix(h, HOME, then=30 * 60)
    await fix(h, offset(*HOME, 300, 0))
    await fix(h, offset(*HOME, 500, 0))
    (note,) = h.notifications
    assert (note.priority, note.alert_kind) == ("high", "child_left_zone")
    assert note.message["en"].startswith("Leo left home at about 23:05 (after curfew (21:00))")


# --- bedtime --------------------------------------------------------------------------------------------


async def test_bedtime_dims_the_room_and_says_the_reminder_there(skill_harness):
    h = await skill_harness(ChildSafety, settings=SETTINGS, config=LEO_ROOM, start=MONDAY.replace(hour=20))
    await h.publish(SwitchStateReported(on=False), device="leo-lamp")  # off: stays off
    await h.advance(31 * 60)
    assert [(c.device, c.command, c.args) for c in h.commands if c.command == "TurnOn"] == \
        [("leo-light", "TurnOn", {"brightness": 40})]
    assert ("carehub/home/leo-light/set", {"state": "on", "brightness": 40}) in h.published
    text = "Leo, it's bedtime. Time to brush your teeth and get into bed."
    assert h.replies == [text]
    assert ("carehub/home/leo-speaker/set", {"say": text, "language": "en"}) in h.published
    await h.advance(24 * 3600)  # and again the next evening, once
    assert h.replies == [text, text]


async def test_bedtime_speaks_chinese_to_a_chinese_speaking_child(skill_harness):
    people = [{"id": "grandma", "name": "Margaret", "role": "elder", "language": "en"},
              {"id": "leo", "name": "乐乐", "role": "child", "language": "zh-CN"}]
    settings = {**SETTINGS, "children": {"leo": {"room": "leo-room", "bedtime": {
        "at": "20:30", "lights": ["leo-light"], "reminder": {"en": "Bedtime!", "zh": "{name}，该睡觉了。"}}}}}
    h = await skill_harness(ChildSafety, settings=settings, config={**LEO_ROOM, "people": people},
                            start=MONDAY.replace(hour=20))
    await h.advance(31 * 60)
    assert h.replies == ["乐乐，该睡觉了。"]
    assert ("carehub/home/leo-speaker/set", {"say": "乐乐，该睡觉了。", "language": "zh-CN"}) in h.published


# --- SOS, where is ----------------------------------------------------------------------------------------


async def test_sos_is_one_high_alert_with_a_map_link_and_the_zone_is_logged(skill_harness):
    h = await skill_harness(ChildSafety, settings=SETTINGS, start=MONDAY.replace(hour=10), also=[Safety])
    await fix(h, SCHOOL)
    await fix(h, offset(*SCHOOL, 30, 40), then=60)
    await h.publish(SosPressed(), device="leo-watch")
    (note,) = h.notifications  # paged by the safety skill only
    assert (note.priority, note.alert_kind, note.person) == ("high", "sos", "leo")
    assert "Leo pressed SOS on leo-watch" in note.message["en"]
    assert "https://www.openstreetmap.org/?mlat=31.238" in note.message["en"]
    (located,) = await h.rows(kind="child_sos_located")
    assert located["data"]["zone"] == "school" and located["data"]["age_s"] == 60
    assert located["cause"] == (await h.rows(kind="sos_pressed"))[0]["id"]


async def test_where_is_answers_by_tool_and_by_voice(skill_harness):
    h = await skill_harness(ChildSafety, settings=SETTINGS, start=MONDAY.replace(hour=10))
    skill = h.hub.skills.loaded["child_safety"].instance
    assert (await skill.where_is("leo"))["lat"] is None
    assert (await h.say("where is Leo")).text == "Leo's watch has sent no position yet."
    await fix(h, SCHOOL)
    await fix(h, SCHOOL, then=25 * 60)
    where = await skill.where_is("Leo")
    assert (where["zone"], where["age_s"], where["stale"]) == ("school", 1500, False)
    assert where["map"].startswith("https://www.openstreetmap.org/?mlat=")
    assert (await h.say("where is Leo")).text == "Leo: last seen 25 min ago (10:05), at school (±10 m)."
    assert (await h.say("Leo在哪里")).text == "Leo最后位置：25 分钟前（10:05），在学校（±10 米）。"
    assert "known: leo" in (await skill.where_is("grandma"))["error"]


async def test_where_is_sentences_in_both_languages(skill_harness):
    h = await skill_harness(ChildSafety, settings=SETTINGS, start=MONDAY.replace(hour=10))
    for text in ["where is Leo?", "where's leo", "do you know where Leo is", "tell me where leo is",
                 "Leo在哪里", "Leo在哪儿", "Leo现在在哪", "leo在什么地方",
                 # whether he got somewhere is asking where he is
                 "has Leo got home safely", "is leo back yet", "did Leo get to school ok",
                 "Leo回到家了没有", "leo放学了吗"]:
        reply = await h.say(text)
        assert (reply.intent, reply.slots["child"].lower()) == ("ChildWhereIs", "leo"), text
        assert "Leo" in reply.text
    assert (await h.say("where is Sam")).text == "I only know where these children are: Leo."


# --- settings and windows -------------------------------------------------------------------------------


def test_settings_name_every_unknown_zone():
    with pytest.raises(ValidationError) as error:
        ChildSafetySettings.model_validate({"zones": {"home": {"lat": 0, "lon": 0, "radius_m": 50}}, "children": {
            "leo": {"schedules": [{"zone": "school", "start": "08:30", "end": "15:30"}],
                    "home_zone": "house", "home_by": [{"at": "17:30"}]}}})
    text = str(error.value)
    assert "children.leo.schedules[0].zone: unknown zone 'school'" in text
    assert "children.leo.home_zone: unknown zone 'house'" in text


def test_windows_past_midnight_belong_to_the_day_they_start():
    days = ["fri"]
    assert in_window(datetime(2026, 1, 9, 22, 0), days, *_t("21:00", "06:30"))        # Friday night
    assert in_window(datetime(2026, 1, 10, 5, 0), days, *_t("21:00", "06:30"))        # early Saturday
    assert not in_window(datetime(2026, 1, 11, 5, 0), days, *_t("21:00", "06:30"))    # early Sunday
    assert not in_window(datetime(2026, 1, 9, 15, 30), days, *_t("08:30", "15:30"))   # the end is exclusive


def _t(start: str, end: str):
    return tuple(datetime.strptime(x, "%H:%M").time() for x in (start, end))
