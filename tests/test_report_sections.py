"""Skills' sections of the daily report: a skill's section on the page and in the summary, a failing one
left out, the SDK types, the built-in skills' sections as pure functions, and a core that knows no skill."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.config import Config, parse_config
from assistant.eventlog import open_database
from assistant.events import GenericEvent, IntentRecognized, PillboxOpened, VitalSignsMeasured
from assistant.report import collect, html_document, render_html, summary_text
from assistant.skill_loader import SkillClass
from skills.check_in import CheckIn, CheckInAnswered, CheckInSettings
from skills.medication import DoseDue, DoseMissed, DoseTaken, DoseUnobserved, Medication, MedicationSettings
from skills.sdk import (
    Chart, NoSettings, Panel, ReportDay, ReportSection, ReportTable, Series, Skill,
)
from skills.sdk.testing import _default_config_text
from skills.vitals import News2Scored, Vitals, VitalsSettings

ROOT = Path(__file__).resolve().parents[1]
DAY = date(2026, 1, 5)  # London is on UTC in January


def utc(hhmm: str, day: date = DAY) -> datetime:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=timezone.utc)


class SleepDiary(Skill[NoSettings]):
    """A test skill: what the person said about their sleep, kept in its own store and its own events."""

    @classmethod
    def daily_report(cls, settings: NoSettings, day: ReportDay) -> ReportSection | None:
        hours = day.stored(f"slept:{day.person}:{day.date.isoformat()}")
        if hours is None:
            return None
        woke = [e for e in day.events if isinstance(e, GenericEvent) and e.name == "woke_up"]
        return ReportSection(
            "Sleep", 250, summary=(f"Slept {hours} hours.",), facts=(("hours slept", hours),),
            tables=(ReportTable(("time", "said"), tuple((f"{day.local(e.ts):%H:%M}", "awake") for e in woke)),),
            timeline=tuple((e.ts, "said they were awake") for e in woke),
            charts=(Chart("sleep", (Panel("Hours", "h", (Series("slept", ((day.start, 1.0), (day.end, 2.0))),)),)),
                    Chart("sleep again", (Panel("Hours", "", (Series("slept", ((day.start, 3.0),), step=True),)),))),
            activity=tuple(e.ts for e in woke), empty="No sleep was recorded.", has_data=True)


class Broken(Skill[NoSettings]):
    """A test skill whose section raises."""

    @classmethod
    def daily_report(cls, settings: NoSettings, day: ReportDay) -> ReportSection | None:
        raise RuntimeError("the diary is on fire")


class Odd(Skill[NoSettings]):
    """A test skill that returns something that is not a section."""

    @classmethod
    def daily_report(cls, settings: NoSettings, day: ReportDay) -> Any:
        return {"title": "not a section"}


class Naive(Skill[NoSettings]):
    """A test skill whose section has a time without a zone: refused where it is made."""

    @classmethod
    def daily_report(cls, settings: NoSettings, day: ReportDay) -> ReportSection | None:
        return ReportSection("Naive", timeline=((datetime(2026, 1, 5, 9, 0), "no zone"),))


class Quiet(Skill[NoSettings]):
    """A test skill with a section that has nothing to show."""

    @classmethod
    def daily_report(cls, settings: NoSettings, day: ReportDay) -> ReportSection | None:
        return ReportSection("Quiet things", 900, empty="Nothing quiet happened.")


def skill(skill_id: str, cls: type[Skill[Any]], settings: Any = None) -> SkillClass:
    return SkillClass(skill_id, cls, "test", settings if settings is not None else NoSettings())


def _log(tmp_path: Path) -> tuple[Config, Any]:
    raw = {**yaml.safe_load(_default_config_text()), "storage": {"database": str(tmp_path / "log.db")}}
    config = parse_config(raw, "test", tmp_path)
    return config, open_database(config.database_path).conn


def _insert(db: Any, ts: datetime, kind: str, data: dict[str, Any], device: str | None = None) -> None:
    db.execute("INSERT INTO events (id, ts, home, device, person, kind, data) "
               "VALUES (?, ?, 'home', ?, 'grandma', ?, ?)",
               [f"{kind}-{ts.isoformat()}", ts.isoformat(timespec="microseconds"), device, kind, json.dumps(data)])


def _store(db: Any, skill_id: str, key: str, value: Any) -> None:
    db.execute("INSERT INTO skill_store (home, skill, key, value, updated) VALUES ('home', ?, ?, ?, '')",
               [skill_id, key, json.dumps(value)])


@pytest.fixture
def sleepy(tmp_path: Path) -> Config:
    """Grandma's log: kitchen motion at 08:00 and 18:00, 'woke up' at 06:30, 7 hours in the diary's store."""
    config, db = _log(tmp_path)
    with db:
        _insert(db, utc("08:00"), "motion_detected", {}, device="kitchen-motion")
        _insert(db, utc("18:00"), "motion_detected", {}, device="kitchen-motion")
        _insert(db, utc("06:30"), "woke_up", {"how": "well"})
        _store(db, "sleep_diary", "slept:grandma:2026-01-05", 7)
        _store(db, "another", "slept:grandma:2026-01-05", 99)  # another skill's store is not the diary's
    db.close()
    return config


def test_a_skills_section_is_on_the_page_in_the_summary_and_on_the_timeline(sleepy: Config, tmp_path):
    report = collect(sleepy, "grandma", DAY, skills=[skill("sleep_diary", SleepDiary)])
    section = report.section("sleep_diary")
    assert section.facts == (("hours slept", 7),)  # its own store, not another skill's
    assert report.activity.first.strftime("%H:%M") == "06:30"  # what the skill says was activity counts
    assert ("06:30", "said they were awake") in [(t.at.strftime("%H:%M"), t.what) for t in report.timeline]

    text = summary_text(report)
    # Section order: after the core's Activity (100), before its Alerts (400).
    assert re.search(r"last active at 18:00.*Slept 7 hours\. No alerts\.$", text), text

    written = render_html(report, tmp_path / "r.html", write_png=True)
    assert [p.name for p in written] == ["r.html", "r-activity.png", "r-sleep_diary-1.png", "r-sleep_diary-2.png"]
    page = written[0].read_text(encoding="utf-8")
    assert page.index("<h2>Activity</h2>") < page.index("<h2>Sleep</h2>") < page.index("<h2>Alerts</h2>")
    assert '<th scope="row">hours slept</th><td>7</td>' in page and "<td>said they were awake</td>" in page
    assert 'alt="sleep again"' in page and page.count('<img src="data:image/png;base64,') == 3


def test_a_failing_section_is_left_out_and_named(sleepy: Config, caplog):
    skills = [skill("broken", Broken), skill("odd", Odd), skill("naive", Naive), skill("sleep_diary", SleepDiary)]
    with caplog.at_level(logging.ERROR, logger="assistant.report"):
        report = collect(sleepy, "grandma", DAY, skills=skills)
    assert [s.skill for s in report.sections] == ["sleep_diary"]
    failed = {f.skill: f.error for f in report.failed}
    assert failed["broken"] == "RuntimeError: the diary is on fire"
    assert failed["odd"].startswith("TypeError: daily_report returned dict")
    assert failed["naive"].startswith("TypeError: section 'Naive': a timeline entry must be (aware datetime")
    assert sum("section failed" in r.getMessage() for r in caplog.records) == 3
    page = html_document(report)
    assert "The broken skill&#x27;s section failed and is left out (RuntimeError: the diary is on fire)." in page
    assert "<h2>Sleep</h2>" in page and "Slept 7 hours." in summary_text(report)


def test_a_section_with_nothing_to_show_says_so(sleepy: Config):
    report = collect(sleepy, "grandma", date(2026, 1, 4), skills=[skill("quiet", Quiet)])
    assert not report.has_data
    assert summary_text(report) == ("No activity, quiet things or alerts were recorded for Margaret on "
                                    "Sunday 4 January 2026.")
    page = html_document(report)
    assert '<h2>Quiet things</h2>\n<p class="none">Nothing quiet happened.</p>' in page


def test_without_skills_the_report_has_the_core_only(sleepy: Config):
    report = collect(sleepy, "grandma", date(2026, 1, 4))
    assert report.sections == [] and report.failed == []
    assert summary_text(report) == "No activity or alerts were recorded for Margaret on Sunday 4 January 2026."


def test_the_day_is_typed_and_a_row_that_does_not_fit_its_class_is_kept_untyped(tmp_path):
    config, db = _log(tmp_path)
    with db:
        _insert(db, utc("07:00"), "vital_signs_measured", {"heart_rate": 61})
        _insert(db, utc("08:00"), "news2_scored", {"score": 2})  # no band: an older row
        _insert(db, utc("09:00"), "check_in_answered", {"question": "", "answer": "fine", "mood": "good"})
    db.close()
    seen: list[ReportDay] = []

    class Spy(Skill[NoSettings]):
        @classmethod
        def daily_report(cls, settings: NoSettings, day: ReportDay) -> ReportSection | None:
            assert day.stored("anything") is None  # the store is readable while the section is made
            seen.append(day)
            return None

    collect(config, "grandma", DAY, skills=[skill("spy", Spy)])
    (day,) = seen
    measured, news2, answered = day.events
    assert isinstance(measured, VitalSignsMeasured) and measured.heart_rate == 61
    assert isinstance(news2, GenericEvent) and news2.name == "news2_scored" and news2.payload == {"score": 2}
    assert isinstance(answered, CheckInAnswered) and answered.answer == "fine"
    assert (day.person, day.name, day.date, day.timezone, day.complete) == ("grandma", "Margaret", DAY,
                                                                           "Europe/London", True)


# -- the SDK types ---------------------------------------------------------------------------------------


def test_a_report_day_knows_its_bounds():
    spring = ReportDay.of("grandma", date(2026, 3, 29), "Europe/London")  # the clocks go forward
    assert spring.end.astimezone(timezone.utc) - spring.start.astimezone(timezone.utc) == timedelta(hours=23)
    assert spring.complete
    assert spring.local(datetime(2026, 3, 29, 12, 0, tzinfo=timezone.utc)).strftime("%H:%M") == "13:00"
    going_on = ReportDay.of("grandma", DAY, "Europe/London", now=utc("12:00"))
    assert not going_on.complete and going_on.name == "grandma"


def test_sections_are_checked_where_they_are_made():
    section = ReportSection("Lists", facts=[("a", 1)], summary=["One."], tables=[ReportTable(["x"], [[1]])])
    assert section.facts == (("a", 1),) and section.summary == ("One.",) and section.tables[0].rows == ((1,),)
    with pytest.raises(TypeError, match="summary must be a tuple"):
        ReportSection("Bad", summary="One sentence, not a tuple of them.")
    with pytest.raises(TypeError, match="order must be an int"):
        ReportSection("Bad", order="first")
    with pytest.raises(TypeError, match="a point must be"):
        Series("x", ((utc("07:00"), float("nan")),))
    with pytest.raises(TypeError, match="a table cell must be text or a number"):
        ReportTable(("a",), ((None,),))


# -- the built-in skills' sections, as pure functions --------------------------------------------------


def test_medication_section():
    settings = MedicationSettings(doses=[{"name": "pills", "person": "grandma",
                                          "rrule": "FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0"}])
    only_scheduled = Medication.daily_report(settings, ReportDay.of("grandma", DAY, "Europe/London"))
    assert only_scheduled.facts == (("scheduled", "08:00, 20:00"),
                                    ("adherence", "nothing recorded by the medication skill"))
    assert not only_scheduled.has_data and only_scheduled.summary == ()

    morning, evening = "2026-01-05T08:00:00+00:00", "2026-01-05T20:00:00+00:00"
    opened = PillboxOpened(id="p1", ts=utc("08:05"), person="grandma")
    said = IntentRecognized(id="i1", intent="MedicationTaken", skill="medication", ts=utc("08:10"), person="grandma")
    events = (DoseDue(dose="pills", due=morning, ts=utc("08:00"), person="grandma"), opened,
              DoseTaken(dose="pills", due=morning, how="pillbox", ts=utc("08:05"), person="grandma", cause="p1"), said)
    so_far = ReportDay.of("grandma", DAY, "Europe/London", events=events, now=utc("12:00"))
    section = Medication.daily_report(settings, so_far)
    assert section.summary == ("Medication: 1 of 2 doses taken, 1 still to come.",) and section.has_data
    assert section.tables[0].rows == (("08:00", "pills", "taken at 08:05 (pillbox opened)"),
                                      ("08:10", "", "said the medication was taken; no dose was due then"),
                                      ("20:00", "pills", "still to come"))
    assert [what for _, what in section.timeline] == ["pills taken (pillbox opened)",
                                                      "said the medication was taken (no dose was due)"]

    # Rows written twice (by a hub that restarted) count once; a dose with no outcome on a finished day was not observed.
    missed = DoseMissed(dose="pills", due=morning, ts=utc("09:00"), person="grandma")
    twice = ReportDay.of("grandma", DAY, "Europe/London", events=(missed, missed, missed))
    assert Medication.daily_report(settings, twice).summary == (
        "Medication: 0 of 2 doses taken, 1 missed, 1 not observed (carehub was off).",)
    unobserved = DoseUnobserved(dose="pills", due=evening, ts=utc("22:00"), person="grandma")
    day = ReportDay.of("grandma", DAY, "Europe/London", events=(missed, unobserved), now=utc("22:00"))
    assert dict(Medication.daily_report(settings, day).facts) == {
        "scheduled": "08:00, 20:00", "doses taken": 0, "doses missed": 1, "doses not observed (carehub was off)": 1}

    nobody = Medication.daily_report(settings, ReportDay.of("leo", DAY, "Europe/London"))
    assert nobody.empty == "No medication was scheduled or recorded." and not (nobody.facts or nobody.tables)


def test_vitals_section():
    events = (VitalSignsMeasured(ts=utc("07:00"), heart_rate=60, systolic=120, diastolic=80),
              VitalSignsMeasured(ts=utc("09:00"), heart_rate=80.5, systolic=140, diastolic=90),
              News2Scored(ts=utc("09:00"), score=3, band="low-medium"))
    section = Vitals.daily_report(VitalsSettings(), ReportDay.of("grandma", DAY, "Europe/London", events=events))
    assert section.summary == ("Heart rate 60-80.5 bpm; blood pressure 120/80-140/90 mmHg.",
                               "Highest NEWS2 score 3 (low-medium) at 09:00.")
    (chart,) = section.charts
    assert [(p.title, p.unit, [s.label for s in p.series]) for p in chart.panels] == [
        ("Heart rate", "bpm", ["heart_rate"]), ("Blood pressure", "mmHg", ["systolic", "diastolic"]),
        ("NEWS2 score", "", ["NEWS2"])]
    assert chart.panels[-1].series[0].step
    nothing = Vitals.daily_report(VitalsSettings(), ReportDay.of("grandma", DAY, "Europe/London"))
    assert nothing.empty == "No vital signs were measured." and not nothing.has_data


def test_check_in_section():
    assert CheckIn.daily_report(CheckInSettings(), ReportDay.of("grandma", DAY, "Europe/London")) is None
    answers = (CheckInAnswered(ts=utc("10:00"), question="", answer="Not bad", mood="good"),
               CheckInAnswered(ts=utc("15:00"), question="", answer="A bit dizzy", mood=""))
    section = CheckIn.daily_report(CheckInSettings(), ReportDay.of("grandma", DAY, "Europe/London", events=answers))
    assert section.summary == ("Check-in at 15:00: \u201cA bit dizzy\u201d.",)
    assert section.activity == (utc("10:00"), utc("15:00"))
    assert [what for _, what in section.timeline] == ["check-in answered: Not bad (mood: good)",
                                                      "check-in answered: A bit dizzy"]


# -- the core knows no skill -----------------------------------------------------------------------------


def test_the_core_report_imports_no_skill_and_names_none():
    code = "import sys, assistant.report; print(sorted(m for m in sys.modules if m.split('.')[0] == 'skills'))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    words = re.compile(r"adherence|news2|check_in|check-in|medication|missed_dose|vital", re.I)
    for path in sorted((ROOT / "assistant" / "report").glob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not words.search(line), f"{path.name}:{number} names a skill: {line.strip()}"
            assert not re.match(r"\s*(from|import)\s+skills\b", line), f"{path.name}:{number} imports a skill"
