"""The person page and the daily report in the caregiver app, against a real hub: what a caregiver reads about
one person (now, today, vitals with their usual range, NEWS2 in words, trends, devices), who may read it, in
which language, and the audit row each view leaves (docs/caregiver-app.md, "A person's page")."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from datetime import datetime, timedelta

import pytest

from assistant.app_web.person_data import Moment, fold
from assistant.app_web.sparkline import sparkline
from assistant.app_web.usual import USUAL, judge
from assistant.events import (
    BatteryReported, ContactChanged, Event, MotionDetected, StepsCounted, VitalSignsMeasured, WearStateReported,
)
from assistant.ids import new_id
from assistant.skill_loader import SkillClass
from skills.check_in import CheckInAnswered
from skills.medication import Medication, MedicationSettings
from skills.medication.events import DoseDue, DoseMissed, DoseTaken, DoseUnobserved
from skills.safety import Safety, SafetySettings
from skills.vitals import Vitals, VitalsSettings, news2
from skills.vitals.events import News2Scored, VitalSignsRecorded
from tests.appkit import app_household, app_hub, browser, sign_in
from tests.httpkit import T0


def household(tmp_path):
    raw = app_household(tmp_path)
    raw["devices"] += [{"id": "kitchen-motion", "kind": "motion", "person": "grandma", "room": "kitchen"},
                       {"id": "front-door", "kind": "contact", "subtype": "door", "person": "grandma",
                        "room": "hallway", "name": "front door"}]
    return raw


async def put(hub, event: Event, at: datetime) -> None:
    """Log ``event`` as if it happened at ``at`` (the fake clock stays where it is)."""
    await hub.emit(event.stamped(id=new_id(), ts=at, home="flat1", device=event.device, person=event.person))


async def a_week_of_grandma(hub) -> None:
    """Grandma's week: a reading a day, doses, and today a check-in, steps, a door and the kitchen."""
    for days_ago in range(6, 0, -1):
        day = T0 - timedelta(days=days_ago)
        await put(hub, VitalSignsMeasured(heart_rate=70 + days_ago, spo2=97, device="grandma-watch",
                                          person="grandma"), day)
        due = (day - timedelta(hours=2)).isoformat()
        await put(hub, DoseTaken(dose="heart pills", due=due, person="grandma"), day)
    at = T0 - timedelta(hours=2)  # 08:00 in London
    await put(hub, StepsCounted(steps=1000, device="grandma-watch", person="grandma"), at)
    await put(hub, WearStateReported(worn=True, device="grandma-watch", person="grandma"), at)
    await put(hub, BatteryReported(level=15, device="grandma-watch", person="grandma"), at)
    await put(hub, DoseDue(dose="heart pills", due=at.isoformat(), person="grandma"), at)
    await put(hub, DoseTaken(dose="heart pills", due=at.isoformat(), how="pillbox", person="grandma"),
              at + timedelta(minutes=5))
    await put(hub, DoseMissed(dose="water pill", due=at.isoformat(), person="grandma"), at + timedelta(hours=1))
    await put(hub, DoseUnobserved(dose="vitamin D", due=(at - timedelta(hours=1)).isoformat(), person="grandma"), at)
    await put(hub, DoseDue(dose="eye drops", due=(T0 - timedelta(minutes=5)).isoformat(), person="grandma"),
              T0 - timedelta(minutes=5))
    await put(hub, CheckInAnswered(question="How are you?", answer="a bit tired", mood="unclear", person="grandma"),
              at + timedelta(minutes=30))
    await put(hub, StepsCounted(steps=2234, device="grandma-watch", person="grandma"), at + timedelta(minutes=20))
    await put(hub, ContactChanged(open=True, device="front-door", person="grandma"), at + timedelta(minutes=40))
    for minutes in (50, 51, 52):
        await put(hub, MotionDetected(device="kitchen-motion", person="grandma"), at + timedelta(minutes=minutes))
    await put(hub, VitalSignsMeasured(heart_rate=112, spo2=95, device="grandma-watch", person="grandma"),
              T0 - timedelta(minutes=10))
    await put(hub, VitalSignsRecorded(temperature=36.8, systolic=128, diastolic=80, person="grandma"),
              T0 - timedelta(minutes=8))
    await put(hub, News2Scored(score=3, band="low", trigger="1-4", complete=False, person="grandma"),
              T0 - timedelta(minutes=8))


def rows_of(db, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


async def test_a_caregiver_reads_how_their_person_is_doing(tmp_path):
    async with app_hub(tmp_path, household(tmp_path)) as (hub, clock, base), browser() as anna:
        await a_week_of_grandma(hub)
        alert_id = await hub.alerts.raise_alert(kind="fall", priority="high", person="grandma",
                                                message="Margaret may have fallen")
        await sign_in(anna, hub, clock, base, "anna")
        async with anna.get(f"{base}/app/") as resp:
            inbox = await resp.text()
        assert '<a href="/app/people/grandma">How Margaret is doing</a>' in inbox  # the inbox links her page
        async with anna.get(f"{base}/app/alerts/{alert_id}") as resp:
            assert '<a href="/app/people/grandma">How Margaret is doing</a>' in await resp.text()  # and the alert
        async with anna.get(f"{base}/app/people/grandma") as resp:
            assert resp.status == 200 and resp.headers["Cache-Control"] == "no-store"
            page = await resp.text()
        text = re.sub(r"<[^>]+>", " ", page)
        text = " ".join(text.split())
    # Now: last seen in the kitchen, the watch worn, its battery low, the open fall alert linked.
    assert "Last seen 08:52 · kitchen (kitchen motion)" in text
    assert "grandma watch Worn" in text and "15 %: low, needs charging" in text
    assert f'href="/app/alerts/{alert_id}"' in page and "Margaret may have fallen" in page
    # Today: the doses counted from the log, the check-in answer, steps, and the timeline newest first.
    assert "1 taken · 1 missed · 1 due now · 1 not observed" in text
    assert "“a bit tired” at 08:30" in text and "Steps 2,234" in text  # the counter's first reading of the week counts from 0
    timeline = text[text.index("What happened today"):text.index("Vitals")]
    assert timeline.index("Movement in kitchen (3 times)") < timeline.index("front door opened") \
        < timeline.index("Took heart pills")
    # Vitals, each with its usual range and out-of-range values said in words; NEWS2 as a band in words.
    assert "Heart rate 112 bpm · usual 51–90 · above usual" in text
    assert "Oxygen (SpO2) 95 % · usual 96–100 · below usual" in text
    assert "Blood pressure 128/80 mmHg · usual top number 111–219 · within usual" in text
    assert "Temperature 36.8 °C · usual 36.1–38 · within usual" in text
    assert "Low (score 3, from readings at 09:52)" in text and "Nothing to do beyond the usual care." in text
    assert "the real score may be higher" in text
    # Seven days of trends drawn on the hub, and the devices.
    assert page.count('<svg class="spark"') >= 3 and "Heart rate, last 7 days: Tue 76, Wed 75" in page
    assert "Medication taken, last 7 days:" in page
    assert "front door never seen · never heard from" in text
    assert '<a class="button" href="/app/people/grandma/report">' in page
    assert '<nav class="people"' in page
    views = rows_of(tmp_path / "log.db", "SELECT person, json_extract(data, '$.page'), json_extract(data, '$.viewer') "
                                         "FROM events WHERE kind = 'person_data_viewed' AND person IS NOT NULL")
    assert views == [("grandma", "alert", "caregiver:anna"), ("grandma", "person", "caregiver:anna")]


async def test_another_familys_caregiver_and_an_unknown_person_get_the_same_404(tmp_path):
    async with app_hub(tmp_path) as (hub, clock, base), browser() as tom:
        await sign_in(tom, hub, clock, base, "tom")
        for path in ("/app/people/grandma", "/app/people/grandma/report", "/app/people/nobody"):
            async with tom.get(base + path) as resp:
                assert resp.status == 404, path
                assert "There is no such page." in await resp.text() and "Margaret" not in await resp.text()
        async with tom.get(f"{base}/app/people/leo") as resp:
            assert resp.status == 200 and "Leo" in await resp.text()
    seen = rows_of(tmp_path / "log.db", "SELECT person FROM events WHERE kind = 'person_data_viewed' "
                                        "AND json_extract(data, '$.page') = 'person'")
    assert seen == [("leo",)]


async def test_a_chinese_reading_caregiver_reads_the_page_in_chinese(tmp_path):
    async with app_hub(tmp_path, household(tmp_path)) as (hub, clock, base), browser() as bea:
        await a_week_of_grandma(hub)
        await sign_in(bea, hub, clock, base, "bea")
        async with bea.get(f"{base}/app/people/grandma") as resp:
            page = await resp.text()
    assert '<html lang="zh-CN">' in page
    for said in ("最近一次活动", "已服 1 · 漏服 1 · 待服 1 · 未记录 1", "心率", "高于通常", "早期预警评分", "照常照护即可",
                 "最近 7 天", "设备"):
        assert said in page, said
    text = re.sub(r"<[^>]+>", " ", page)
    assert "Last seen" not in text and "usual" not in text and "周一" in page  # weekdays in the trends too


async def test_a_household_member_sees_only_their_own_page(tmp_path):
    async with app_hub(tmp_path) as (hub, clock, base), browser() as margaret:
        store = hub.app.sessions.store
        code = await asyncio.to_thread(store.new_link, "member", "grandma", clock.now(), clock.now() + timedelta(hours=1))
        async with margaret.post(f"{base}/app/sign-in/{code}", allow_redirects=False) as resp:
            assert resp.status == 303 and resp.headers["Location"] == "/app/people/grandma"
        async with margaret.get(f"{base}/app/people/grandma") as resp:
            assert resp.status == 200 and "Margaret" in await resp.text()
        async with margaret.get(f"{base}/app/people/leo") as resp:
            assert resp.status == 404
    viewer = rows_of(tmp_path / "log.db", "SELECT json_extract(data, '$.viewer') FROM events "
                                          "WHERE kind = 'person_data_viewed'")
    assert viewer == [("member:grandma",)]


async def test_the_daily_report_opens_in_the_app_and_a_bad_date_is_a_400(tmp_path):
    skills = [SkillClass(skill, cls, "test", settings) for skill, cls, settings in (
        ("safety", Safety, SafetySettings()), ("vitals", Vitals, VitalsSettings()),
        ("medication", Medication, MedicationSettings()))]
    async with app_hub(tmp_path, household(tmp_path), skills=skills) as (hub, clock, base), browser() as anna:
        await a_week_of_grandma(hub)
        await sign_in(anna, hub, clock, base, "anna")
        async with anna.get(f"{base}/app/people/grandma/report") as resp:
            assert resp.status == 200
            page = await resp.text()
        assert "Daily report: Margaret, Monday 2 March 2026" in page and '<article class="report"' in page
        assert "front door opened" in page and "<style>" not in page  # the app's own stylesheet, no inline CSS
        # The running skills' sections, with their charts drawn on the hub.
        assert "<h2>Vital signs</h2>" in page and "<h2>Medication</h2>" in page and "heart pills" in page
        assert 'src="data:image/png;base64,' in page
        assert '<a href="/app/people/grandma/report?date=2026-03-01">' in page
        async with anna.get(f"{base}/app/people/grandma/report?date=2026-03-01") as resp:
            assert resp.status == 200 and "Sunday 1 March 2026" in await resp.text()
        for bad, why in (("yesterday", "not a date"), ("2026-02-30", "not a date"), ("2026-03-03", "to today")):
            async with anna.get(f"{base}/app/people/grandma/report?date={bad}") as resp:
                assert resp.status == 400, bad
                assert why in await resp.text() and "text/html" in resp.headers["Content-Type"]
    pages = rows_of(tmp_path / "log.db", "SELECT json_extract(data, '$.page') FROM events "
                                         "WHERE kind = 'person_data_viewed' AND person = 'grandma'")
    assert pages == [("report",), ("report",)]


@pytest.mark.parametrize("vital", sorted(USUAL))
def test_the_usual_range_is_where_news2_scores_nothing(vital):
    score = {"heart_rate": news2.pulse_score, "spo2": news2.spo2_scale1_score, "systolic": news2.systolic_score,
             "temperature": news2.temperature_score, "respiration_rate": news2.respiration_score}[vital]
    low, high = USUAL[vital]
    step = 0.1 if vital == "temperature" else 1
    assert score(low) == 0 and score(high) == 0 and judge(vital, low) == judge(vital, high) == "within"
    assert score(low - step) > 0 and judge(vital, low - step) == "below"
    if vital != "spo2":  # nobody's saturation is above 100 %
        assert score(high + step) > 0 and judge(vital, high + step) == "above"


def test_a_sparkline_leaves_a_gap_for_a_day_without_readings_and_says_its_values():
    svg = sparkline([70, 72, None, 75, 74], "Heart rate: Mon 70, Tue 72, Wed –, Thu 75, Fri 74", usual=(51, 90))
    assert svg.count("<polyline") == 2 and 'aria-label="Heart rate: Mon 70' in svg and "<title>" in svg
    assert "<script" not in svg and "style=" not in svg  # the page's Content-Security-Policy allows neither


def test_repeats_in_a_row_fold_into_one_line_with_a_count():
    t = T0
    moments = [Moment(t, "motion", {"room": "kitchen"}), Moment(t, "motion", {"room": "kitchen"}),
               Moment(t, "motion", {"room": "hall"}), Moment(t, "motion", {"room": "kitchen"})]
    assert [(m.values["room"], m.count) for m in fold(moments)] == [("kitchen", 2), ("hall", 1), ("kitchen", 1)]
