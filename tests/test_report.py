"""The daily caregiver report: a real day in a real hub's log (fake clock), then collect, CLI and HTTP.

Vital signs, medication and check-ins come from the built-in skills' sections (``Skill.daily_report``),
so ``collect`` is given the skills ``carehub report`` would find."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
from click.testing import CliRunner

from assistant.app import build_hub
from assistant.cli import main
from assistant.clock import FakeClock
from assistant.config import Config, parse_config
from assistant.eventlog import open_database
from assistant.events import ContactChanged, MotionDetected, OccupancyChanged, PillboxOpened, StepsCounted, \
    VitalSignsMeasured
from assistant.report import NoEventLog, UnknownPerson, collect, html_document, parse_day, render_html, summary_text
from assistant.skill_loader import SkillClass, discover
from skills.medication import Medication
from skills.sdk.testing import _default_config_text, _merge, start_harness

DAY = date(2026, 1, 5)  # a Monday; London is on UTC in January, so home time = UTC here
START = datetime(2026, 1, 5, 6, 55, tzinfo=timezone.utc)
MEDICATION = {"doses": [{"name": "blood pressure pills", "person": "grandma",
                         "rrule": "FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0", "window_minutes": 60}]}
HOUSEHOLD = {
    "caregivers": [
        {"id": "anna", "name": "Anna", "people": ["grandma"], "tier": 1, "channels": ["json://127.0.0.1:9/anna"]},
        {"id": "sam", "name": "Sam", "people": ["grandma"], "tier": 2, "channels": ["json://127.0.0.1:9/sam"]},
        {"id": "dad", "name": "Dad", "people": ["leo"], "channels": ["json://127.0.0.1:9/dad"]},
    ],
}


class AlwaysDelivered:
    """A notifier that takes every message (no network in these tests)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, url: str, title: str, body: str, priority: str) -> tuple[bool, str]:
        self.sent.append((url, title))
        return True, "sent"


@dataclass
class Day:
    """A day of grandma's life in a closed event log, and the configuration that goes with it."""

    raw: dict[str, Any]
    config: Config
    database: Path
    config_file: Path
    alert_id: str
    skills: list[SkillClass]
    """The installed skills, as ``carehub report`` finds them."""


async def until(read: Any, done: Any, timeout: float = 30.0) -> None:
    """Poll ``await read()`` until ``done(value)`` holds."""
    async with asyncio.timeout(timeout):
        while not done(await read()):
            await asyncio.sleep(0.02)


async def _live_the_day(tmp: Path) -> tuple[Path, str]:
    database = tmp / "carehub.db"
    h = await start_harness([(Medication, MEDICATION, None)], database, config=HOUSEHOLD, start=START)
    h.hub.escalation.notifier = AlwaysDelivered()

    async def at(hhmm: str) -> None:
        hours, minutes = (int(x) for x in hhmm.split(":"))
        target = datetime.combine(DAY, datetime.min.time(), tzinfo=timezone.utc) + timedelta(hours=hours,
                                                                                            minutes=minutes)
        await h.advance((target - h.clock.now()).total_seconds())

    try:
        script: list[tuple[str, Any, str]] = [
            ("07:01", OccupancyChanged(occupied=False), "bed"),
            ("07:02", MotionDetected(), "bedroom-motion"),
            ("07:10", MotionDetected(), "bathroom-motion"),
            ("07:15", VitalSignsMeasured(heart_rate=58, spo2=97), "grandma-watch"),
            ("07:30", MotionDetected(), "kitchen-motion"),
            ("07:31", MotionDetected(), "kitchen-motion"),
            ("07:35", ContactChanged(open=True), "fridge"),
            ("07:36", ContactChanged(open=False), "fridge"),
            ("08:03", PillboxOpened(compartment="mon-am"), "pillbox"),
            ("09:00", StepsCounted(steps=1200), "grandma-watch"),
            ("10:00", ContactChanged(open=True), "front-door"),
            ("11:00", StepsCounted(steps=3400), "grandma-watch"),
            ("12:00", VitalSignsMeasured(heart_rate=91, spo2=95, systolic=130, diastolic=80), "grandma-watch"),
            ("12:30", MotionDetected(), "kitchen-motion"),
            ("14:00", VitalSignsMeasured(heart_rate=72), "grandma-watch"),  # readings are not activity
            ("15:30", MotionDetected(), "kitchen-motion"),
            ("18:00", MotionDetected(), "hallway-motion"),
            ("20:05", MotionDetected(), "bathroom-motion"),
        ]
        for when, event, device in script:
            await at(when)
            await h.publish(event, device=device)
        await at("21:00")   # the 20:00 dose was never confirmed: missed, and a medium alert to Anna
        # The alert desk and escalation work in their own tasks and threads, which the harness does not wait for.
        await until(lambda: h.hub.alerts.list(None), lambda alerts: len(alerts) == 1)
        (alert,) = await h.hub.alerts.list(None)
        await at("21:10")   # nobody answered: escalated to Sam
        await until(lambda: h.hub.alerts.history(alert.id),
                    lambda history: any(step.transition == "escalated" for step in history))
        await at("21:12")
        assert (await h.hub.alerts.acknowledge(alert.id, by="sam", via="http")).now
        await at("22:10")
        await h.publish(MotionDetected(), device="bedroom-motion")
        await at("22:15")
        await h.publish(OccupancyChanged(occupied=True), device="bed")
        await at("23:00")
    finally:
        await h.stop()
    return database, alert.id


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Day:
    """Built once: a day on the fake clock takes a few seconds of medication ticks."""
    tmp = tmp_path_factory.mktemp("report")
    database, alert_id = asyncio.run(_live_the_day(tmp))
    raw = _merge(yaml.safe_load(_default_config_text()), HOUSEHOLD)
    raw["storage"] = {"database": str(database)}
    raw["skills"] = {"medication": MEDICATION}
    config_file = tmp / "config.yaml"
    config_file.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    config = parse_config(raw, "test", tmp)
    return Day(raw, config, database, config_file, alert_id, _skills(config))


def _skills(config: Config) -> list[SkillClass]:
    classes, errors = discover(config)
    assert not errors, errors
    return classes


def _copy(database: Path, to: Path) -> Path:
    """A copy of a log (SQLite's backup API, so the WAL is included)."""
    source, target = sqlite3.connect(database), sqlite3.connect(to)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return to


# -- collect -------------------------------------------------------------------------------------------


def test_activity_of_the_day(day: Day):
    report = collect(day.config, "grandma", DAY, skills=day.skills)
    a = report.activity
    assert report.name == "Margaret" and report.complete
    assert (a.first.strftime("%H:%M"), a.last.strftime("%H:%M")) == ("07:01", "22:15")
    assert {room: sum(hours) for room, hours in a.motion_by_room.items()} == \
        {"bathroom": 2, "bedroom": 2, "hallway": 1, "kitchen": 4}
    assert a.motion_by_room["kitchen"][7] == 2 and a.motion_by_room["bedroom"][22] == 1
    assert a.openings_by_device() == {"front door": 1, "fridge": 1}
    assert [(c.at.strftime("%H:%M"), c.occupied) for c in a.occupancy] == [("07:01", False), ("22:15", True)]
    assert a.steps == 3400 and a.steps_by_hour[9] == 1200 and a.steps_by_hour[11] == 2200
    quiet = a.longest_quiet
    assert (quiet.start.strftime("%H:%M"), quiet.end.strftime("%H:%M"), quiet.seconds) == ("12:30", "15:30", 3 * 3600)


def test_vitals_medication_and_alerts(day: Day):
    report = collect(day.config, "grandma", DAY, skills=day.skills)
    vitals = report.section("vitals")
    (readings,) = vitals.tables  # no NEWS2 table: nothing scored NEWS2 that day
    by_label = {row[0]: row[1:] for row in readings.rows}
    assert readings.headers == ("vital sign", "readings", "min", "max", "mean", "unit")
    assert by_label["Heart rate"] == (3, "58", "91", "73.7", "bpm")
    assert by_label["SpO2"][1:3] == ("95", "97")
    assert set(by_label) == {"Heart rate", "SpO2", "Systolic blood pressure", "Diastolic blood pressure"}
    assert vitals.has_data and not any("NEWS2" in sentence for sentence in vitals.summary)

    m = report.section("medication")
    assert dict(m.facts) == {"scheduled": "08:00, 20:00", "doses taken": 1, "doses missed": 1}
    (doses,) = m.tables
    assert doses.rows == (("08:00", "blood pressure pills", "taken at 08:03 (pillbox opened)"),
                          ("20:00", "blood pressure pills", "missed: caregivers alerted at 21:00"))
    assert m.has_data

    (alert,) = report.alerts
    assert alert.id == day.alert_id
    assert (alert.kind, alert.priority, alert.status) == ("missed_dose", "medium", "acknowledged")
    assert alert.raised_at.strftime("%H:%M") == "21:00" and alert.acked_at.strftime("%H:%M") == "21:12"
    assert (alert.acked_by, alert.acked_by_name, alert.acked_via) == ("sam", "Sam", "http")
    assert alert.ack_seconds == 12 * 60 and report.median_ack_seconds == 12 * 60
    assert alert.escalations == 1 and alert.notified == ("Anna", "Sam")

    timeline = [(t.at.strftime("%H:%M"), t.what) for t in report.timeline]
    assert ("07:01", "got out of bed") in timeline and ("22:15", "got into bed") in timeline
    assert ("08:03", "blood pressure pills taken (pillbox opened)") in timeline  # the section's moments merged in
    assert ("21:00", "missed dose: blood pressure pills (due 20:00), caregivers alerted") in timeline
    assert ("21:12", "alert missed_dose acknowledged by Sam after 12 min") in timeline
    assert [t.at for t in report.timeline] == sorted(t.at for t in report.timeline)


def test_summary_paragraph(day: Day):
    text = summary_text(collect(day.config, "grandma", DAY, skills=day.skills))
    assert "Margaret was first active at 07:01 and last active at 22:15" in text
    assert "longest quiet spell was 3 h (12:30-15:30)" in text
    assert "3,400 steps." in text
    assert "Medication: 1 of 2 doses taken, 1 missed." in text
    assert "Heart rate 58-91 bpm; SpO2 95-97 %; blood pressure 130/80 mmHg." in text
    assert "The front door opened once." in text
    assert "1 alert, acknowledged; median time to acknowledge 12 min." in text


def test_summary_paragraph_in_chinese(day: Day):
    text = summary_text(collect(day.config, "grandma", DAY, skills=day.skills), "zh-CN")
    assert "Margaret最早在07:01活动，最后一次活动在22:15；最长的安静时段为3小时（12:30-15:30）。" in text
    assert "走了3,400步。" in text and "front door打开了1次。" in text
    assert "用药：2 剂中已服 1 剂，漏服 1 剂。" in text
    assert "心率 58-91 次/分；血氧饱和度 95-97 %；血压 130/80 mmHg。" in text
    assert "共1条警报，已确认；确认的中位用时为12分钟。" in text


def test_an_empty_day_is_still_a_report(day: Day):
    report = collect(day.config, "grandma", date(2026, 1, 4), skills=day.skills)
    assert not report.has_data and report.alerts == [] and report.activity.first is None
    assert summary_text(report) == ("No activity, vital signs, medication, reminders or alerts were recorded for Margaret "
                                    "on Sunday 4 January 2026.")
    page = html_document(report)
    assert page.startswith("<!DOCTYPE html>") and "No data was recorded for Margaret" in page
    assert "data:image/png" not in page  # no chart without data


def test_other_people_and_unknown_ones(day: Day):
    leo = collect(day.config, "leo", DAY, skills=day.skills)
    assert not leo.has_data  # grandma's sensors and alerts are not Leo's
    with pytest.raises(UnknownPerson) as caught:
        collect(day.config, "grandpa", DAY)
    assert caught.value.known == ["grandma", "leo", "anna"]


def test_the_log_is_read_only(day: Day, tmp_path):
    before = day.database.stat().st_mtime_ns, day.database.stat().st_size
    collect(day.config, "grandma", DAY, skills=day.skills)
    assert (day.database.stat().st_mtime_ns, day.database.stat().st_size) == before
    config = parse_config({**day.raw, "storage": {"database": str(tmp_path / "none.db")}}, "test", tmp_path)
    with pytest.raises(NoEventLog):
        collect(config, "grandma", DAY, skills=day.skills)
    assert not (tmp_path / "none.db").exists()  # a report never creates a log


def test_parse_day():
    assert parse_day("2026-01-05") == DAY
    for bad in ("2026-13-01", "05/01/2026", "20260105", "yesterday", "2026-02-30"):
        with pytest.raises(ValueError, match="not a date"):
            parse_day(bad)


# -- rows other skills will write: NEWS2 scores, check-ins; the home's time zone ---------------------------


def _insert(db: sqlite3.Connection, ts: str, kind: str, data: dict[str, Any], person: str = "grandma",
            device: str | None = None) -> None:
    db.execute("INSERT INTO events (id, ts, home, device, person, kind, data) VALUES (?, ?, 'home', ?, ?, ?, ?)",
               [f"{kind}-{ts}", ts, device, person, kind, json.dumps(data)])


def test_news2_scores_and_check_ins_when_present(tmp_path):
    raw = {**yaml.safe_load(_default_config_text()), "storage": {"database": str(tmp_path / "log.db")}}
    config = parse_config(raw, "test", tmp_path)
    db = open_database(config.database_path).conn
    with db:
        _insert(db, "2026-01-05T09:00:00.000000+00:00", "news2_scored", {"score": 1, "band": "low"})
        _insert(db, "2026-01-05T14:00:00.000000+00:00", "news2_scored", {"score": 5, "band": "medium", "x": 1})
        _insert(db, "2026-01-05T15:00:00.000000+00:00", "news2_scored", {"score": "n/a"})  # ignored
        _insert(db, "2026-01-05T10:00:00.000000+00:00", "check_in_answered",
                {"question": "How are you feeling today?", "answer": "<b>Fine</b>, a bit tired", "mood": "ok"})
        _insert(db, "2026-01-05T11:00:00.000000+00:00", "vital_signs_recorded",
                {"temperature": 38.4, "source": "voice"})
    db.close()
    report = collect(config, "grandma", DAY, skills=_skills(config))
    readings, scores = report.section("vitals").tables
    assert [row for row in readings.rows if row[0] == "Body temperature"] == \
        [("Body temperature", 1, "38.4", "38.4", "38.4", "°C")]   # a spoken reading
    assert scores.rows == (("09:00", 1, "low"), ("14:00", 5, "medium"))  # the "n/a" score is left out
    (answers,) = report.section("check_in").tables
    assert answers.rows == (("10:00", "<b>Fine</b>, a bit tired", "ok"),)
    assert report.activity.first.strftime("%H:%M") == "10:00"  # answering is activity
    text = summary_text(report)
    assert "Highest NEWS2 score 5 (medium) at 14:00." in text and "mood: ok" in text
    page = html_document(report)
    assert "&lt;b&gt;Fine&lt;/b&gt;" in page and "<b>Fine</b>" not in page  # user text is escaped
    assert page.count('<img src="data:image/png;base64,') == 1  # vitals chart (NEWS2 only); no motion chart


def test_the_day_follows_the_home_time_zone(tmp_path):
    raw = {**yaml.safe_load(_default_config_text()), "storage": {"database": str(tmp_path / "log.db")}}
    raw["home"] = {**raw["home"], "timezone": "Asia/Shanghai"}
    config = parse_config(raw, "test", tmp_path)
    db = open_database(config.database_path).conn
    with db:
        _insert(db, "2026-01-04T15:59:00.000000+00:00", "motion_detected", {}, device="kitchen-motion")  # 23:59 the 4th
        _insert(db, "2026-01-04T16:00:00.000000+00:00", "motion_detected", {}, device="kitchen-motion")  # 00:00 the 5th
        _insert(db, "2026-01-05T15:59:59.000000+00:00", "motion_detected", {}, device="kitchen-motion")  # 23:59:59
        _insert(db, "2026-01-05T16:00:00.000000+00:00", "motion_detected", {}, device="kitchen-motion")  # the 6th
    db.close()
    report = collect(config, "grandma", DAY, now=datetime(2026, 1, 5, 12, 0, tzinfo=timezone.utc),
                     skills=_skills(config))
    kitchen = report.activity.motion_by_room["kitchen"]
    assert sum(kitchen) == 2 and kitchen[0] == 1 and kitchen[23] == 1
    assert not report.complete  # 20:00 in Shanghai: the day is still going on
    assert "so far today" in summary_text(report)


# -- the command ---------------------------------------------------------------------------------------


def test_cli_writes_the_html_page(day: Day, tmp_path):
    out = tmp_path / "grandma.html"
    result = CliRunner().invoke(main, ["report", "grandma", "--date", "2026-01-05", "--out", str(out),
                                       "--config", str(day.config_file)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(out)
    page = out.read_text(encoding="utf-8")
    assert page.count('<img src="data:image/png;base64,') == 2  # activity and vitals
    assert "Daily report: Margaret, Monday 5 January 2026" in page
    assert "<td>21:12</td>" in page and "<td>Sam via http</td>" in page and "<td>12 min</td>" in page
    assert not list(tmp_path.glob("*.png"))


def test_cli_defaults_and_png_files(day: Day, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["--config", str(day.config_file), "report", "grandma", "--date", "2026-01-05",
                                       "--png"])
    assert result.exit_code == 0, result.output
    written = result.output.split()
    assert written == ["report-grandma-2026-01-05.html", "report-grandma-2026-01-05-activity.png",
                       "report-grandma-2026-01-05-vitals.png"]
    assert (tmp_path / written[2]).read_bytes().startswith(b"\x89PNG")
    # No --date: today at home, which has no data here, still makes a page.
    result = CliRunner().invoke(main, ["--config", str(day.config_file), "report", "grandma"])
    assert result.exit_code == 0, result.output
    assert "No data was recorded" in Path(result.output.strip()).read_text(encoding="utf-8")


def test_cli_writes_the_report_in_chinese(day: Day, tmp_path):
    out = tmp_path / "grandma.html"
    result = CliRunner().invoke(main, ["--config", str(day.config_file), "report", "grandma", "--date", "2026-01-05",
                                       "--out", str(out), "--lang", "zh-CN"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page and "<h1>每日报告：Margaret，2026年1月5日 星期一</h1>" in page
    for heading in ("活动", "生命体征", "用药", "警报", "时间线"):
        assert f"<h2>{heading}</h2>" in page, heading
    assert "<td>Sam（http）</td>" in page and "<td>12分钟</td>" in page and "共1条警报，已确认" in page
    assert page.count('<img src="data:image/png;base64,') == 2
    result = CliRunner().invoke(main, ["--config", str(day.config_file), "report", "grandma", "--lang", "fr"])
    assert result.exit_code == 2 and "'fr': the report is written in English (en) or Simplified Chinese" \
        in result.output


def test_cli_refuses_unknown_people_and_bad_dates(day: Day, tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["--config", str(day.config_file), "report", "grandpa", "--out",
                                  str(tmp_path / "x.html")])
    assert result.exit_code == 2
    assert "no person with id 'grandpa'" in result.output and "grandma (Margaret)" in result.output
    result = runner.invoke(main, ["--config", str(day.config_file), "report", "grandma", "--date", "5/1/2026"])
    assert result.exit_code == 2 and "not a date: '5/1/2026'" in result.output
    assert not (tmp_path / "x.html").exists()
    config = dict(day.raw, storage={"database": str(tmp_path / "none.db")})
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    result = runner.invoke(main, ["--config", str(tmp_path / "c.yaml"), "report", "grandma"])
    assert result.exit_code == 1 and "no event log" in result.output


# -- the HTTP API ------------------------------------------------------------------------------------------


async def test_http_serves_the_report_to_the_persons_caregivers(day: Day, tmp_path):
    database = _copy(day.database, tmp_path / "carehub.db")
    raw = {**day.raw, "storage": {"database": str(database)}, "http": {"host": "127.0.0.1", "port": 0}}
    raw["caregivers"] = [*raw["caregivers"], {"id": "mei", "name": "Mei", "language": "zh-CN", "people": ["grandma"],
                                              "channels": ["json://127.0.0.1:9/mei"]}]
    hub = build_hub(parse_config(raw, "test", tmp_path), clock=FakeClock(datetime(2026, 1, 6, 9, 0, tzinfo=timezone.utc)),
              offline=True, skills=[], notifier=AlwaysDelivered())
    await hub.start()
    try:
        base = f"http://127.0.0.1:{hub.http.port}/api/reports"
        anna = {"Authorization": f"Bearer {hub.alerts.tokens.token_for('anna')}"}
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/grandma/2026-01-05", headers=anna) as resp:
                assert resp.status == 200 and resp.content_type == "text/html"
                page = await resp.text()
            assert "Daily report: Margaret" in page and '<img src="data:image/png;base64,' in page
            assert "12 min" in page
            mei = {"Authorization": f"Bearer {hub.alerts.tokens.token_for('mei')}"}
            async with http.get(f"{base}/grandma/2026-01-05", headers=mei) as resp:
                chinese = await resp.text()  # a Chinese-reading caregiver reads it in Chinese
            assert "每日报告：Margaret" in chinese and "共1条警报，已确认" in chinese and "Daily report" not in chinese
            async with http.get(f"{base}/grandma/2026-01-05") as resp:
                assert resp.status == 401
            async with http.get(f"{base}/grandma/2026-01-05", params={"token": hub.alerts.tokens.token_for("dad")}) as resp:
                assert resp.status == 403  # Dad looks after Leo only
            async with http.get(f"{base}/grandpa/2026-01-05", headers=anna) as resp:
                assert resp.status == 404 and "grandpa" in (await resp.json())["error"]
            async with http.get(f"{base}/grandma/2026-1-5", headers=anna) as resp:
                assert resp.status == 400 and "not a date" in (await resp.json())["error"]
    finally:
        await hub.stop()


def test_render_html_takes_a_summary_from_elsewhere(day: Day, tmp_path):
    report = collect(day.config, "grandma", DAY, skills=day.skills)
    (page,) = render_html(report, tmp_path / "r.html", summary="Margaret had a <quiet> day.")
    text = page.read_text(encoding="utf-8")
    assert "Margaret had a &lt;quiet&gt; day." in text and "was first active at" not in text
