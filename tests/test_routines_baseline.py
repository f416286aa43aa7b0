"""The learned baseline: the pure quarter-hour maths, and the skill judging a day after a week of history."""

from __future__ import annotations

from datetime import datetime, timedelta

from skills.routines import Routines
from skills.routines.baseline import (
    ALL, SLOTS, BaselineParams, DayActivity, assess, near_activity, silences, slot_label, slot_of, unusual_activity,
    usual_shares,
)
from skills.sdk import ContactChanged, Event, MotionDetected, OccupancyChanged, every


def day(active: dict[str, list[int]] | None = None, **kwargs) -> DayActivity:
    """A day with one event in each listed slot, by channel (``all`` is filled from the rooms)."""
    counts = {ALL: [0] * SLOTS}
    for channel, slots in (active or {}).items():
        counts.setdefault(channel, [0] * SLOTS)
        for s in slots:
            counts[channel][s] += 1
            if channel != ALL:
                counts[ALL][s] += 1
    return DayActivity(counts, **kwargs)


AWAKE = list(range(slot_of(7, 0), slot_of(22, 0), 2))  # something every half hour, 07:00-22:00
MEALS = [slot_of(7, 30), slot_of(12, 0), slot_of(18, 0)]
USUAL = day({"hallway": AWAKE, "kitchen": MEALS})
UPTO = slot_of(21, 0)


# --- the pieces --------------------------------------------------------------------------------------


def test_slots_are_quarter_hours():
    assert SLOTS == 96 and slot_of(0, 0) == 0 and slot_of(7, 14) == 28 and slot_of(23, 59) == 95
    assert slot_label(28) == "07:00" and slot_label(96) == "24:00"


def test_activity_counts_near_its_slot_within_the_spread():
    counts = [0] * 8
    counts[3] = 2
    assert near_activity(counts, 1) == [False, False, True, True, True, False, False, False]
    assert near_activity(counts, 0) == [c > 0 for c in counts]


def test_usual_shares_are_the_share_of_days_with_activity_nearby():
    history = [day({"hallway": [40]}), day({"hallway": [41]}), day({"hallway": [60]}), day()]
    shares = usual_shares(history, ALL, 1)
    assert shares[40] == 0.5 and shares[41] == 0.5 and shares[39] == 0.25 and shares[60] == 0.25
    assert usual_shares([], ALL, 1) == [0.0] * SLOTS


def test_a_silence_over_usual_slots_is_found_and_reported_from_the_first_usual_slot():
    shares = usual_shares([USUAL] * 7, ALL, 1)
    late = day({"hallway": [s for s in AWAKE if s >= slot_of(10, 0)]})
    (finding,) = silences(late, shares, UPTO, BaselineParams())
    assert finding.kind == "silence" and finding.channel == ALL
    assert finding.span == "06:45-09:45" and finding.slots == 12
    assert silences(USUAL, shares, UPTO, BaselineParams()) == []


def test_an_hour_and_a_half_late_is_flagged_and_an_hour_is_not():
    shares = usual_shares([USUAL] * 7, ALL, 1)
    params = BaselineParams()
    assert silences(day({"hallway": [s for s in AWAKE if s >= slot_of(8, 30)]}), shares, UPTO, params)
    assert not silences(day({"hallway": [s for s in AWAKE if s >= slot_of(8, 0)]}), shares, UPTO, params)
    # Six usual quarter hours make a silence (an hour and a half when she is normally about).
    assert silences(day({"hallway": [s for s in AWAKE if s >= slot_of(8, 0)]}), shares, UPTO,
                    BaselineParams(min_usual_slots=4))


def test_time_out_of_the_home_or_unseen_by_the_hub_is_not_silence():
    shares = usual_shares([USUAL] * 7, ALL, 1)
    afternoon = range(slot_of(13, 0), slot_of(18, 0))
    quiet = day({"hallway": [s for s in AWAKE if s not in afternoon]})
    assert silences(quiet, shares, UPTO, BaselineParams())
    out = day({"hallway": [s for s in AWAKE if s not in afternoon]},
              away=tuple(s in afternoon for s in range(SLOTS)))
    assert silences(out, shares, UPTO, BaselineParams()) == []
    unseen = day({"hallway": [s for s in AWAKE if s not in afternoon]},
                 watched=tuple(s not in afternoon for s in range(SLOTS)))
    assert silences(unseen, shares, UPTO, BaselineParams()) == []


def test_activity_at_hours_with_none_on_past_days_is_unusual_from_three_quarter_hours():
    shares = usual_shares([USUAL] * 7, ALL, 1)
    restless = day({"hallway": AWAKE + [slot_of(2, 0), slot_of(2, 30), slot_of(3, 15)]})
    finding = unusual_activity(restless, shares, UPTO, BaselineParams())
    assert finding is not None and finding.span == "02:00-03:30" and finding.slots == 3
    one_trip = day({"bathroom": [slot_of(3, 0)], "hallway": AWAKE})
    assert unusual_activity(one_trip, shares, UPTO, BaselineParams()) is None


def test_assess_needs_seven_well_watched_days():
    late = day({"hallway": [s for s in AWAKE if s >= slot_of(10, 0)]})
    short = assess(late, [USUAL] * 6, UPTO)
    assert not short.enough_history and not short.unusual and short.days == 6
    half_seen = day({"hallway": AWAKE}, watched=tuple(s < 48 for s in range(SLOTS)))
    assert assess(late, [USUAL] * 6 + [half_seen], UPTO).days == 6
    verdict = assess(late, [USUAL] * 7, UPTO)
    assert verdict.enough_history and verdict.unusual and verdict.days == 7
    assert not assess(USUAL, [USUAL] * 28, UPTO).unusual


def test_a_day_without_the_kitchen_is_found_in_the_kitchen_channel():
    no_kitchen = day({"hallway": AWAKE})
    assert not assess(no_kitchen, [USUAL] * 7, UPTO).unusual  # the flat as a whole was as busy as ever
    (finding,) = assess(no_kitchen, [USUAL] * 7, UPTO, rooms=["kitchen"]).findings
    assert finding.channel == "kitchen" and finding.slots == 9


# --- the skill over a week of history -----------------------------------------------------------------

MONDAY = datetime(2026, 1, 5, 0, 0)


class QuarterHourRoutines(Routines):
    """The skill ticking once a quarter hour (the baseline's resolution) instead of once a minute, so a
    week on the fake clock takes a second; the rules and the counting are the skill's own."""

    @every(15 * 60)
    async def tick(self) -> None:
        await super().tick()

EVENING = ["kitchen-motion", "hallway-motion", "bathroom-motion"]


def routine(up: str = "07:00") -> list[tuple[str, str, Event]]:
    """A compact ordinary day: up, breakfast, something every half hour, meals with the fridge, bed at 22:00."""
    hour, minute = (int(x) for x in up.split(":"))
    start = hour * 60 + minute
    out: list[tuple[str, str, Event]] = [
        (up, "bed", OccupancyChanged(occupied=False)),
        (f"{hour:02d}:{minute + 1:02d}", "bedroom-motion", MotionDetected())]
    for i, at in enumerate(range(start + 15, 21 * 60 + 30, 30)):
        out.append((f"{at // 60:02d}:{at % 60:02d}", EVENING[i % 3], MotionDetected()))
    for meal in ("07:40", "12:10", "18:10"):
        if meal > up:
            out += [(meal, "fridge", ContactChanged(open=True)), (meal + ":30", "fridge", ContactChanged(open=False))]
    out += [("21:45", "bedroom-motion", MotionDetected()), ("22:00", "bed", OccupancyChanged(occupied=True))]
    return sorted(out, key=lambda item: item[0])


async def live(h, events: list[tuple[str, str, Event]], until: str = "24:00") -> None:
    """Live through the rest of today: each event at its time, then the clock to ``until``."""
    zone = h.hub.config.home.timezone
    from zoneinfo import ZoneInfo

    midnight = h.clock.now().astimezone(ZoneInfo(zone)).replace(hour=0, minute=0, second=0, microsecond=0)

    def at(clock: str) -> datetime:
        parts = [int(p) for p in clock.split(":")] + [0]
        return midnight + timedelta(hours=parts[0], minutes=parts[1], seconds=parts[2])

    for clock, device, event in events:
        await h.advance((at(clock) - h.clock.now()).total_seconds())
        await h.publish(event, device=device)
    await h.advance((at(until) - h.clock.now()).total_seconds())


async def unusual(h):
    return [n for n in h.notifications if n.alert_kind == "unusual_day"]


async def test_after_a_week_an_ordinary_day_passes_and_a_day_far_outside_is_a_low_alert(skill_harness):
    h = await skill_harness(QuarterHourRoutines, skill_id="routines", start=MONDAY)
    for n in range(8):  # a week of history, then an ordinary eighth day judged at 21:00
        await live(h, routine(up=("06:55", "07:00", "07:05")[n % 3]))
    assert await unusual(h) == []
    latest = (await h.rows(kind="routine_day_assessed"))[0]["data"]
    assert latest["enough_history"] and not latest["unusual"] and latest["days"] == 7

    await live(h, routine(up="11:30"), until="21:05")  # she stays in bed until half past eleven
    (note,) = await unusual(h)
    assert note.priority == "low"
    text = note.message["en"]
    assert text.startswith("Margaret's day was unlike the last 8 days: no activity 06:45–11:15")
    assert "nothing in the kitchen" in text and "与过去8天相比" in note.message["zh"]
    latest = (await h.rows(kind="routine_day_assessed"))[0]["data"]
    assert latest["enough_history"] and latest["unusual"] and latest["days"] == 8
    assert latest["findings"][0].startswith("no activity 06:45–11:15")
    assert h.failures == []


async def test_with_less_than_a_week_of_history_the_day_is_not_judged(skill_harness, caplog):
    h = await skill_harness(QuarterHourRoutines, skill_id="routines", start=MONDAY)
    for _ in range(3):
        await live(h, routine())
    caplog.set_level("INFO")
    await live(h, routine(up="11:30"), until="21:05")
    assert await unusual(h) == []
    latest = (await h.rows(kind="routine_day_assessed"))[0]["data"]
    assert latest == {"days": 3, "enough_history": False, "unusual": False, "findings": []}
    assert "3 of 7 days of history" in caplog.text
