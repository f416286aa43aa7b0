"""The routines rules as pure functions: a person's state, their settings and the time → a ``Finding`` or None.

Seven rules, each a per-person setting (``skills.routines.settings.PersonRoutine``) that ``None`` turns off:

1. ``no_morning_activity`` (medium): nothing at all from ``morning_since`` (04:00) to ``morning_check`` (10:00).
2. ``long_inactivity`` (medium): nothing for ``inactivity_hours`` (4) within ``inactivity_window``
   (08:00-21:00) while she is home; when she went out (a door opened and nothing moved inside since),
   only after ``away_hours`` (8).
3. ``bathroom_too_long`` (high): last seen in the bathroom and nothing since for ``bathroom_minutes`` (60).
   High, because the bathroom is where older people most often fall at home and an hour without a
   sign is already a *long lie* (on the floor for an hour or more), which is linked with serious injury,
   admission and death (Wild, Nayak & Isaacs, BMJ 1981;282:266; Fleming & Brayne, BMJ 2008;337:a2227).
   Repeated bathroom motion restarts the count: she is moving; flats without a living-room sensor
   would otherwise page whenever she sat down after a bathroom visit.
4. ``night_exit`` (high): a door opened within ``night_window`` (22:00-06:00) and she is not back
   ``night_exit_minutes`` (15) later; back means the door closed and something moved inside after it.
   The alert carries the watch's last GPS fix and is cleared when she is back.
5. ``<subtype>_untouched`` (low): the fridge (or medicine cabinet) not opened for ``untouched_hours``
   (fridge 12) counted only within ``untouched_window`` (07:00-22:00), so a night does not count.
6. ``not_up`` (medium): the bed still occupied at ``up_by`` (09:30) with no getting up since ``up_since``.
7. ``unusual_day`` (low): at ``baseline_check`` (21:00) today is compared with the last days'
   quarter-hour activity (``skills.routines.baseline``); needs ``baseline.min_days`` (7) days of history.

Each rule finds something once per episode (a day for 1, 6 and 7; else from when the silence, the bathroom
visit, the door opening or the shut stretch began): a rule returns None while ``state.alerted`` holds its
episode. ``episodes_ended`` says which alerts a new sign clears. ``now`` is always in the home's time zone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo

from skills.routines.baseline import Assessment
from skills.routines.settings import PersonRoutine
from skills.routines.state import PersonState, Sign
from skills.routines.windows import DailyWindow, at_clock, parse_clock, seconds_between
from skills.sdk import Priority


@dataclass(frozen=True)
class Finding:
    """What a rule found: the alert to raise once per episode, and what its message quotes."""

    rule: str
    """The alert kind, e.g. ``bathroom_too_long`` or ``fridge_untouched``."""
    priority: Priority
    """The person's priority for the rule."""
    episode: str
    """The episode's key (a date, or when the silence began); the alert is raised once per key."""
    found: datetime
    """When it was found, in home time; the message's times are relative to it (``21:46 yesterday``)."""
    cause: Sign | None = None
    """The sign the alert is caused by (its event is the cause in the log); None when there is none."""
    since: datetime | None = None
    """When what is reported began: the judged morning, the silence, the bathroom visit, the door opening,
    the cabinet's last opening, getting into bed."""
    seen_start: bool = True
    """Whether the hub saw ``since`` happen; False: it only knows "since at least then"."""
    last: Sign | None = None
    """The latest sign of the person, where the message quotes it (``last seen 10:57, hallway``)."""
    went_out: datetime | None = None
    """When the person went out, if they are out."""
    limit: float | None = None
    """The limit that was passed, in the setting's unit (``inactivity_hours``, ``bathroom_minutes``...)."""
    due: datetime | None = None
    """The time it should have happened by (``not_up``: ``up_by`` today)."""
    subtype: str | None = None
    """What was left shut (``fridge``), for ``<subtype>_untouched``."""
    outside: bool = False
    """The person may be outside the home, so the alert carries the watch's last GPS fix."""
    assessment: Assessment | None = None
    """The baseline's verdict on the day, for ``unusual_day``."""


def _zone(now: datetime) -> tzinfo:
    assert now.tzinfo is not None, "the rules need the time in the home's time zone"
    return now.tzinfo


def alerted_today(state: PersonState, rule: str, now: datetime) -> bool:
    """Whether a once-a-day rule has already alerted today."""
    return state.alerted.get(rule) == now.date().isoformat()


def watched_from(state: PersonState, since: datetime, check: datetime) -> datetime | None:
    """The start of what can be judged (``since``, or later if the hub started later); None if the hub
    has watched less than an hour of it."""
    start = max(since, state.watching_since.astimezone(since.tzinfo))
    return start if seconds_between(start, check) >= 3600 else None


def went_out(state: PersonState) -> datetime | None:
    """When the person went out, if they are out now."""
    return state.last_exit.ts if state.away and state.last_exit is not None else None


def check_no_morning_activity(state: PersonState, rules: PersonRoutine, now: datetime) -> Finding | None:
    """Rule 1: no sign at all between ``morning_since`` and ``morning_check``, once that has passed."""
    if rules.morning_check is None:
        return None
    check = at_clock(now.date(), parse_clock(rules.morning_check), _zone(now))
    since = at_clock(now.date(), parse_clock(rules.morning_since), _zone(now))
    if now < check or (start := watched_from(state, since, check)) is None:
        return None
    if (state.last is not None and state.last.ts >= start) or alerted_today(state, "no_morning_activity", now):
        return None
    return Finding(rule="no_morning_activity", priority=rules.priority("no_morning_activity"),
                   episode=now.date().isoformat(), found=now, cause=state.last, since=start, last=state.last,
                   went_out=went_out(state))


def check_not_up(state: PersonState, rules: PersonRoutine, now: datetime) -> Finding | None:
    """Rule 6: the bed still occupied at ``up_by``, not left since ``up_since``."""
    if rules.up_by is None or not state.bed_occupied:
        return None
    check = at_clock(now.date(), parse_clock(rules.up_by), _zone(now))
    since = at_clock(now.date(), parse_clock(rules.up_since), _zone(now))
    if now < check or (state.last_up is not None and state.last_up >= since) \
            or watched_from(state, since, check) is None or alerted_today(state, "not_up", now):
        return None
    in_bed = state.bed_since or state.bed_first_seen or state.watching_since
    return Finding(rule="not_up", priority=rules.priority("not_up"), episode=now.date().isoformat(), found=now,
                   cause=state.last, since=in_bed, seen_start=state.bed_since is not None, due=check)


def check_long_inactivity(state: PersonState, rules: PersonRoutine, now: datetime) -> Finding | None:
    """Rule 2: no sign for ``inactivity_hours`` within the window at home, or ``away_hours`` when out."""
    if state.away and state.last_exit is not None:
        # Out of the home: counted from the last sign, at any hour (she may not come home tonight).
        if rules.away_hours is None or state.last is None:
            return None
        quiet_since = max(state.last.ts, state.watching_since)
        if seconds_between(quiet_since, now) < rules.away_hours * 3600 \
                or state.alerted.get("long_inactivity") == quiet_since.isoformat():
            return None
        return Finding(rule="long_inactivity", priority=rules.priority("long_inactivity"),
                       episode=quiet_since.isoformat(), found=now, cause=state.last_exit, since=quiet_since,
                       went_out=state.last_exit.ts, limit=rules.away_hours, outside=True)
    opened = DailyWindow.parse(rules.inactivity_window).opened(now)
    if rules.inactivity_hours is None or opened is None:
        return None
    quiet_since = max(opened, state.watching_since.astimezone(_zone(now)))
    if state.last is not None and state.last.ts > quiet_since:
        quiet_since = state.last.ts.astimezone(_zone(now))
    if seconds_between(quiet_since, now) < rules.inactivity_hours * 3600 \
            or state.alerted.get("long_inactivity") == quiet_since.isoformat():
        return None
    return Finding(rule="long_inactivity", priority=rules.priority("long_inactivity"),
                   episode=quiet_since.isoformat(), found=now, cause=state.last, since=quiet_since,
                   last=state.last, limit=rules.inactivity_hours)


def check_bathroom_too_long(state: PersonState, rules: PersonRoutine, now: datetime) -> Finding | None:
    """Rule 3: the last sign was in a bathroom ``bathroom_minutes`` ago."""
    last = state.last
    if rules.bathroom_minutes is None or last is None or last.room not in rules.bathroom_rooms:
        return None
    if seconds_between(last.ts, now) < rules.bathroom_minutes * 60 \
            or state.alerted.get("bathroom_too_long") == last.ts.isoformat():
        return None
    return Finding(rule="bathroom_too_long", priority=rules.priority("bathroom_too_long"),
                   episode=last.ts.isoformat(), found=now, cause=last, since=last.ts, last=last,
                   limit=rules.bathroom_minutes)


def check_night_exit(state: PersonState, rules: PersonRoutine, now: datetime) -> Finding | None:
    """Rule 4: a door opened in the night window and the person is not back ``night_exit_minutes`` later."""
    exit_ = state.night_exit
    if exit_ is None or seconds_between(exit_.opened.ts, now) < rules.night_exit_minutes * 60 \
            or state.alerted.get("night_exit") == exit_.opened.ts.isoformat():
        return None
    return Finding(rule="night_exit", priority=rules.priority("night_exit"), episode=exit_.opened.ts.isoformat(),
                   found=now, cause=exit_.opened, since=exit_.opened.ts, limit=rules.night_exit_minutes,
                   outside=True)


def check_untouched(state: PersonState, rules: PersonRoutine, now: datetime) -> Iterator[Finding]:
    """Rule 5, per subtype the person has a contact of: not opened for its hours within the window."""
    window = DailyWindow.parse(rules.untouched_window)
    for subtype, hours in rules.untouched_hours.items():
        if subtype not in state.contact_subtypes:
            continue
        last = state.opened.get(subtype)
        since = last.ts if last is not None else state.watching_since
        if state.alerted.get(f"{subtype}_untouched") == since.isoformat() \
                or window.overlap_seconds(since.astimezone(_zone(now)), now) < hours * 3600:
            continue
        yield Finding(rule=f"{subtype}_untouched", priority=rules.priority("untouched"), episode=since.isoformat(),
                      found=now, cause=last, since=since, seen_start=last is not None, limit=hours,
                      subtype=subtype)


MINUTE_CHECKS = (check_no_morning_activity, check_not_up, check_long_inactivity, check_bathroom_too_long,
                 check_night_exit)
"""Rules 1, 6, 2, 3 and 4, checked every minute in this order (then rule 5)."""


def findings(state: PersonState, rules: PersonRoutine, now: datetime) -> Iterator[Finding]:
    """Rules 1-6 in turn, lazily: each is checked after the previous one's alert was raised."""
    for check in MINUTE_CHECKS:
        finding = check(state, rules, now)
        if finding is not None:
            yield finding
    yield from check_untouched(state, rules, now)


def baseline_due(state: PersonState, rules: PersonRoutine, now: datetime) -> datetime | None:
    """Rule 7: when today's baseline check was due, if it has passed and today was not assessed yet."""
    if rules.baseline_check is None or state.assessed == now.date().isoformat():
        return None
    check = at_clock(now.date(), parse_clock(rules.baseline_check), _zone(now))
    return None if now < check else check


def check_unusual_day(state: PersonState, rules: PersonRoutine, now: datetime, assessment: Assessment,
                      assessed_id: str | None) -> Finding | None:
    """Rule 7: today was far from the learned baseline; ``assessed_id`` is the logged verdict (the cause)."""
    if not assessment.enough_history or not assessment.unusual or alerted_today(state, "unusual_day", now):
        return None
    return Finding(rule="unusual_day", priority=rules.priority("unusual_day"), episode=now.date().isoformat(),
                   found=now, cause=Sign(now, None, None, assessed_id), assessment=assessment)


def episodes_ended(state: PersonState, rules: PersonRoutine, sign: Sign) -> list[str]:
    """The alerts whose condition this sign (already folded into ``state``) ends."""
    ended = ["no_morning_activity", "long_inactivity"]
    if sign.room not in rules.bathroom_rooms:
        ended.append("bathroom_too_long")
    if state.bed_occupied is False:
        ended.append("not_up")
    ended += [f"{subtype}_untouched" for subtype in state.opened if state.opened[subtype] is sign]
    if state.night_exit is None:
        ended.append("night_exit")
    return ended
