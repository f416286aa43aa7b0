"""child_safety's pure decisions (skills.child_safety.rules): trusted fixes, crossings, windows, curfew, daily
checks, home and arrived, where a fix puts a child, and which child was asked about."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from firmware_stubs.scenarios import HOME, SCHOOL
from skills.child_safety.fence import FenceState
from skills.child_safety.geo import Circle, distance_m, offset
from skills.child_safety.rules import (
    arrival_check_at, arrived, at_home, check_key, confirmed_zone, crossing, due, expected_in,
    find_child, fresh, in_window, remember, trusted, whereabouts,
)
from skills.child_safety.settings import Child, Curfew, Gps, ZoneWindow
from skills.child_safety.state import Fix

LONDON = ZoneInfo("Europe/London")
GPS = Gps()
"""The defaults: 100 m accuracy, 50 m margin, 2 fixes over 4 minutes, stale after 30 minutes."""
SCHOOL_ZONE = Circle("school", *SCHOOL, 200.0)
HOME_ZONE = Circle("home", *HOME, 100.0)
CAMPUS = Circle("campus", *SCHOOL, 600.0)
"""A larger zone round the school: overlapping zones name the smallest."""
INSIDE, OUTSIDE, UNKNOWN = FenceState(side="inside"), FenceState(side="outside"), FenceState()
NOW = 1_000_000.0


def t(clock: str) -> time:
    return datetime.strptime(clock, "%H:%M").time()


def at(day: int, clock: str) -> datetime:
    """January ``day`` 2026 at ``clock``, home time (the 5th is a Monday)."""
    return datetime.combine(date(2026, 1, day), t(clock), tzinfo=LONDON)


# --- fixes and zones -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("accuracy", "expected"), [
    (None, True),     # no accuracy reported: trusted, the margin alone applies
    (8.0, True),
    (100.0, True),    # the limit itself is accepted
    (100.5, False),
    (400.0, False),   # a cell-tower guess
])
def test_fixes_worse_than_max_accuracy_are_not_trusted(accuracy, expected):
    assert trusted(accuracy, GPS) is expected


@pytest.mark.parametrize(("state", "north_m", "accuracy", "expected_side", "transition"), [
    (INSIDE, 0, 10, "inside", None),                                          # inside stays inside
    (INSIDE, 300, 10, "inside", None),                                        # one fix outside: a streak only
    (FenceState("inside", "outside", 1, NOW - 300), 300, 10, "outside", "left"),  # the second, 5 min on
    (FenceState("inside", "outside", 1, NOW - 60), 300, 10, "inside", None),      # too soon after the first
    (FenceState("inside", "outside", 1, NOW - 300), 230, 10, "inside", None),     # within the 50 m margin
    (FenceState("inside", "outside", 1, NOW - 300), 280, 90, "inside", None),     # its error circle touches
    (FenceState("outside", "inside", 1, NOW - 300), 0, 10, "inside", "entered"),
    (FenceState("unknown", "inside", 1, NOW - 300), 0, 10, "inside", None),       # knowledge, not a crossing
])
def test_a_crossing_needs_two_fixes_beyond_the_margin_over_four_minutes(state, north_m, accuracy, expected_side,
                                                                          transition):
    new, crossed = crossing(state, SCHOOL_ZONE, *offset(*SCHOOL, north_m, 0), accuracy, NOW, GPS)
    assert (new.side, crossed) == (expected_side, transition)


@pytest.mark.parametrize(("fix", "expected"), [
    (None, False),
    (Fix(*HOME, 10, NOW), True),
    (Fix(*HOME, 10, NOW - 30 * 60), True),      # exactly stale_after_minutes old: still fresh
    (Fix(*HOME, 10, NOW - 30 * 60 - 1), False),
])
def test_a_fix_is_fresh_for_stale_after_minutes(fix, expected):
    assert fresh(fix, NOW, GPS) is expected


@pytest.mark.parametrize(("fences", "expected"), [
    ({}, None),
    ({"school": OUTSIDE, "home": UNKNOWN}, None),
    ({"home": INSIDE}, "home"),
    ({"campus": INSIDE}, "campus"),
    ({"school": INSIDE, "campus": INSIDE}, "school"),     # overlapping: the smallest
])
def test_the_confirmed_zone_is_the_smallest_one_the_child_is_inside(fences, expected):
    assert confirmed_zone([HOME_ZONE, CAMPUS, SCHOOL_ZONE], fences) == expected


@pytest.mark.parametrize(("fix", "fences", "home", "expected"), [
    (None, {"home": INSIDE}, HOME_ZONE, False),                          # no position at all
    (Fix(*HOME, 10, NOW - 60), {"home": INSIDE}, HOME_ZONE, True),
    (Fix(*HOME, 10, NOW - 31 * 60), {"home": INSIDE}, HOME_ZONE, False),  # a watch that died at home
    (Fix(*HOME, 10, NOW - 60), {"home": OUTSIDE}, HOME_ZONE, True),      # arriving: not yet confirmed
    (Fix(*offset(*HOME, 120, 0), 10, NOW - 60), {"home": INSIDE}, HOME_ZONE, True),  # confirmed; one fix out
    (Fix(*SCHOOL, 10, NOW - 60), {"home": OUTSIDE}, HOME_ZONE, False),
    (Fix(*HOME, 10, NOW - 60), {}, None, False),                         # no home zone
])
def test_home_is_a_fresh_fix_confirmed_or_just_arrived_at_home(fix, fences, home, expected):
    assert at_home(fix, fences, home, NOW, GPS) is expected


@pytest.mark.parametrize(("fix", "fences", "expected"), [
    (None, {"school": INSIDE}, False),
    (Fix(*SCHOOL, 10, NOW - 60), {"school": INSIDE}, True),
    (Fix(*SCHOOL, 10, NOW - 60), {"school": UNKNOWN}, False),            # there, but not confirmed yet
    (Fix(*SCHOOL, 10, NOW - 31 * 60), {"school": INSIDE}, False),        # stale
    (Fix(*HOME, 10, NOW - 60), {"home": INSIDE}, False),
])
def test_arrived_is_confirmed_inside_with_a_fresh_fix(fix, fences, expected):
    assert arrived(fix, fences, "school", NOW, GPS) is expected


@pytest.mark.parametrize(("fix", "fences", "from_zone", "zone", "metres"), [
    (Fix(*SCHOOL, 10, NOW), {"school": INSIDE}, None, "school", None),
    (Fix(*offset(*SCHOOL, 500, 0), 10, NOW), {"school": OUTSIDE}, None, "school", 500.0),
    (Fix(*offset(*HOME, -300, 0), 10, NOW), {}, None, "home", 300.0),            # the nearest zone
    # From the zone just left (or awaited), even when the child is confirmed somewhere else.
    (Fix(*HOME, 10, NOW), {"home": INSIDE}, SCHOOL_ZONE, "school", distance_m(*HOME, *SCHOOL)),
])
def test_whereabouts_are_the_zone_the_child_is_in_else_the_distance_from_one(fix, fences, from_zone, zone, metres):
    got = whereabouts([HOME_ZONE, SCHOOL_ZONE], fences, fix, from_zone)
    assert got is not None and got.zone == zone
    assert got.distance_m == (None if metres is None else pytest.approx(metres, rel=1e-3))


def test_without_zones_there_are_no_whereabouts():
    assert whereabouts([], {}, Fix(*HOME, 10, NOW)) is None


# --- windows and daily checks ---------------------------------------------------------------------------

SCHOOL_HOURS = ZoneWindow(zone="school", start=t("08:30"), end=t("15:30"))
CURFEW = Curfew(at=t("21:00"), until=t("06:30"), days=["mon", "tue", "wed", "thu", "fri"])
LEO = Child(schedules=[SCHOOL_HOURS], curfew=CURFEW)


@pytest.mark.parametrize(("when", "days", "start", "end", "expected"), [
    (at(5, "08:30"), ["mon"], "08:30", "15:30", True),       # the start is inclusive
    (at(5, "15:29"), ["mon"], "08:30", "15:30", True),
    (at(5, "15:30"), ["mon"], "08:30", "15:30", False),      # the end is exclusive
    (at(5, "08:29"), ["mon"], "08:30", "15:30", False),
    (at(6, "10:00"), ["mon"], "08:30", "15:30", False),      # Tuesday
    (at(9, "22:00"), ["fri"], "21:00", "06:30", True),       # Friday night
    (at(10, "05:00"), ["fri"], "21:00", "06:30", True),      # early Saturday: still Friday's window
    (at(10, "06:30"), ["fri"], "21:00", "06:30", False),
    (at(11, "05:00"), ["fri"], "21:00", "06:30", False),     # early Sunday: Saturday has no window
    (at(10, "21:30"), ["fri"], "21:00", "06:30", False),     # Saturday night
])
def test_windows_past_midnight_belong_to_the_day_they_start(when, days, start, end, expected):
    assert in_window(when, days, t(start), t(end)) is expected


@pytest.mark.parametrize(("zone", "when", "expected"), [
    ("school", at(5, "10:46"), SCHOOL_HOURS),     # leaving school in school hours pages
    ("school", at(5, "15:45"), None),             # after school
    ("school", at(10, "10:46"), None),            # Saturday
    ("home", at(5, "23:05"), CURFEW),             # leaving home after curfew pages
    ("home", at(6, "06:00"), CURFEW),             # Monday's curfew runs into Tuesday morning
    ("home", at(5, "07:30"), None),               # leaving for school
    ("home", at(10, "23:05"), None),              # this curfew is school nights only
    ("school", at(5, "23:05"), None),             # curfew is about home
])
def test_leaving_a_zone_pages_in_its_window_or_home_after_curfew(zone, when, expected):
    assert expected_in(LEO, zone, when) is expected


def test_a_school_window_comes_before_the_curfew_for_the_same_zone():
    night_school = ZoneWindow(zone="home", start=t("20:00"), end=t("23:00"), priority="low")
    child = Child(schedules=[night_school], curfew=CURFEW)
    assert expected_in(child, "home", at(5, "22:00")) is night_school
    assert expected_in(child, "home", at(5, "23:30")) is CURFEW


@pytest.mark.parametrize(("start", "minutes", "expected"), [
    ("08:30", 30, "09:00"),
    ("23:50", 20, "00:10"),       # wraps midnight
    ("08:00", 90, "09:30"),
])
def test_not_arrived_is_checked_some_minutes_after_the_start(start, minutes, expected):
    assert f"{arrival_check_at(t(start), minutes):%H:%M}" == expected


def test_the_arrival_check_keeps_seconds():
    assert arrival_check_at(t("08:30"), 0.5) == time(8, 30, 30)


@pytest.mark.parametrize(("local", "days", "clock", "expected"), [
    (at(5, "17:30"), ["mon"], "17:30", True),     # at the time
    (at(5, "17:44"), ["mon"], "17:30", True),     # up to late_minutes (15) late, e.g. after a restart
    (at(5, "17:45"), ["mon"], "17:30", False),    # too late: skipped
    (at(5, "17:29"), ["mon"], "17:30", False),    # not yet
    (at(6, "17:30"), ["mon"], "17:30", False),    # not on Tuesdays
])
def test_a_daily_check_falls_due_at_its_time_and_at_most_late_minutes_late(local, days, clock, expected):
    assert due(local, days, t(clock), 15) is expected


def test_a_check_is_remembered_by_date_person_what_and_time():
    assert check_key(at(5, "17:31"), "leo", "home_by", t("17:30")) == "2026-01-05|leo|home_by|17:30"
    assert check_key(at(5, "09:00"), "leo", "arrive:school", time(9, 0, 30)) == \
        "2026-01-05|leo|arrive:school|09:00"


@pytest.mark.parametrize(("done", "expected"), [
    ([], ["2026-01-05|leo|curfew|21:00"]),
    (["2026-01-04|leo|curfew|21:00"], ["2026-01-04|leo|curfew|21:00", "2026-01-05|leo|curfew|21:00"]),
    (["2026-01-03|leo|curfew|21:00", "2026-01-05|leo|home_by|17:30"],  # older than yesterday: dropped
     ["2026-01-05|leo|home_by|17:30", "2026-01-05|leo|curfew|21:00"]),
])
def test_remembered_checks_older_than_yesterday_are_dropped(done, expected):
    assert remember(done, "2026-01-05|leo|curfew|21:00", date(2026, 1, 5)) == expected


# --- who ------------------------------------------------------------------------------------------------

NAMES = {"leo": "Leo", "mia": "米娅"}


@pytest.mark.parametrize(("who", "expected"), [
    ("leo", "leo"),
    ("Leo", "leo"),
    (" LEO? ", "leo"),        # as spoken or typed
    ("Leo？", "leo"),         # a full-width question mark
    ("米娅", "mia"),
    ("mia", "mia"),           # by id as well as by name
    ("sam", None),
    ("", None),
])
def test_a_child_is_found_by_id_or_name(who, expected):
    assert find_child(who, NAMES) == expected
