"""The vitals skill in the harness: sustained single-vital alerts at rest, NEWS2 alerts with explanations,
stale readings, manual readings by voice and tool, the log rows the daily report reads, and a normal day."""

from __future__ import annotations

from datetime import datetime, time

from firmware_stubs import scenarios
from firmware_stubs.scenarios import Scenario, Step
from skills.sdk import StepsCounted, VitalSignsMeasured
from skills.vitals import Vitals, manual
from skills.vitals.sustained import StepLog, SustainedCondition, SustainRule

START = datetime(2026, 1, 5, 9, 0)  # a Monday, home time


class Watch:
    """Grandma's watch: a reading (and the same report's step count) every ``every`` seconds."""

    def __init__(self, h, device: str = "grandma-watch") -> None:
        self.h = h
        self.device = device
        self.steps = 1000

    async def report(self, minutes: float, *, every: float = 60, steps_per_minute: float = 2, **vitals) -> None:
        for _ in range(round(minutes * 60 / every)):
            await self.h.publish(VitalSignsMeasured(**vitals), device=self.device)
            self.steps += round(steps_per_minute * every / 60)
            await self.h.publish(StepsCounted(steps=self.steps), device=self.device)
            await self.h.advance(every)


def kinds(h) -> list[tuple[str, str]]:
    return [(n.alert_kind, n.priority) for n in h.notifications]


async def resolved(h) -> list[str]:
    return [r["data"]["reason"] for r in await h.rows(kind="alert_resolved")]


async def test_a_fast_pulse_at_rest_for_ten_minutes_pages_once_then_clears(skill_harness):
    h = await skill_harness(Vitals, start=START)
    watch = Watch(h)
    await watch.report(5, heart_rate=72)
    await watch.report(10, heart_rate=132)              # readings at 0..9 min: a 9-minute run
    assert h.notifications == []
    await watch.report(6, heart_rate=134)               # the run reaches 10 minutes: one alert, folded after
    assert kinds(h) == [("heart_rate_high", "medium")]
    (note,) = h.notifications
    assert "above 120/min at rest (for 10 minutes)" in note.message["en"] and note.person == "grandma"
    assert "静息心率高于120次/分" in note.message["zh"]
    await watch.report(12, heart_rate=78)               # back to normal for the whole window: cleared
    assert await resolved(h) == ["heart rate high ended"]
    assert len(h.notifications) == 1 and h.failures == []


async def test_a_one_minute_spike_pages_nobody(skill_harness):
    h = await skill_harness(Vitals, start=START)
    watch = Watch(h)
    await watch.report(5, heart_rate=70)
    await watch.report(1, heart_rate=165, spo2=82)      # a loose strap for a moment
    await watch.report(20, heart_rate=71, spo2=97)
    assert h.notifications == [] and h.failures == []


async def test_a_fast_pulse_while_walking_briskly_pages_nobody(skill_harness):
    h = await skill_harness(Vitals, start=START)
    watch = Watch(h)
    await watch.report(30, heart_rate=130, steps_per_minute=105)
    await watch.report(3, heart_rate=118, steps_per_minute=0)    # recovering after the walk
    await watch.report(10, heart_rate=88, steps_per_minute=0)
    assert h.notifications == [] and h.failures == []


async def test_low_oxygen_sustained_at_rest_pages(skill_harness):
    h = await skill_harness(Vitals, start=START)
    watch = Watch(h)
    await watch.report(12, heart_rate=80, spo2=87)
    assert kinds(h) == [("spo2_low", "medium")]
    assert "below 90 %" in h.notifications[0].message["en"]


async def test_scale_2_uses_the_persons_own_target(skill_harness):
    settings = {"people": {"grandma": {"spo2_scale": 2}}}
    h = await skill_harness(Vitals, settings=settings, start=START)
    watch = Watch(h)
    await watch.report(12, heart_rate=80, spo2=88, respiration_rate=18)   # in her 88-92 % target range
    assert h.notifications == []
    (row, *_) = await h.rows(kind="news2_scored")
    assert row["data"]["scores"]["spo2"] == 0 and row["data"]["score"] == 0
    await watch.report(12, heart_rate=80, spo2=83, respiration_rate=18)
    assert ("spo2_low", "medium") in kinds(h)


async def test_a_fever_said_by_voice_pages_at_once(skill_harness):
    h = await skill_harness(Vitals, start=START)
    reply = await h.say("my temperature is 38.5", person="grandma")
    assert reply.text == "I've noted your temperature: 38.5 °C. I've let your family know."
    assert kinds(h) == [("fever", "medium")]
    assert "fever: 38.5 °C (measured" in h.notifications[0].message["en"]
    (row,) = await h.rows(kind="vital_signs_recorded")
    assert row["data"]["temperature"] == 38.5 and row["data"]["source"] == "voice" and row["person"] == "grandma"
    reply = await h.say("我的体温是三十六点八度", person="grandma")
    assert reply.text == "好的，已记下您的体温：36.8°C。"
    assert await resolved(h) == ["fever ended"]


async def test_blood_pressure_and_pulse_by_voice(skill_harness):
    h = await skill_harness(Vitals, start=START)
    assert (await h.say("my blood pressure is 140 over 90", person="grandma")).text == \
        "I've noted your blood pressure: 140 over 90."
    assert (await h.say("我的血压是一百四十和九十", person="grandma")).text == "好的，已记下您的血压：140/90。"
    assert (await h.say("my pulse is 72", person="grandma")).text == "I've noted your heart rate: 72/min."
    assert (await h.say("my temperature is very high", person="grandma")).text.startswith("Sorry")
    rows = await h.rows(kind="vital_signs_recorded")
    assert [(r["data"].get("systolic"), r["data"].get("diastolic")) for r in rows][-2:] == [(140, 90), (140, 90)]
    assert h.notifications == [] and h.failures == []


async def test_news2_seven_or_more_pages_high_with_the_reasons(skill_harness):
    h = await skill_harness(Vitals, start=START)
    watch = Watch(h)
    await watch.report(5, every=300, heart_rate=135, spo2=91, respiration_rate=22, systolic=120)
    assert h.notifications == []                              # one scoring: not yet confirmed
    await watch.report(5, every=300, heart_rate=136, spo2=91, respiration_rate=22, systolic=118)
    (note,) = h.notifications
    assert (note.alert_kind, note.priority) == ("news2", "high")
    en = note.message["en"]
    assert en.startswith("Margaret's NEWS2 score is 8 (high clinical risk; RCP 2017: emergency response).")
    assert "pulse 136/min → 3" in en and "SpO2 91 % → 3" in en and "respiration 22/min → 2" in en
    assert "partial set" in en                                # temperature is not measured by the watch
    assert "NEWS2评分为8" in note.message["zh"]
    rows = await h.rows(kind="news2_scored")
    assert {(r["data"]["score"], r["data"]["band"]) for r in rows} == {(8, "high")}
    data = rows[0]["data"]
    assert isinstance(data["score"], int) and data["missing"] == ["temperature"]
    assert data["assumed"] == ["consciousness", "air_or_oxygen"] and data["trigger"] == "7+"
    assert rows[0]["cause"] is not None
    # Better again for two scorings across five minutes: the alert clears.
    await watch.report(10, every=300, heart_rate=80, spo2=97, respiration_rate=16, systolic=125)
    assert await resolved(h) == ["NEWS2 back to 0"]
    assert len([n for n in h.notifications if n.alert_kind == "news2"]) == 1


async def test_a_rise_from_a_single_3_to_seven_is_a_new_high_alert(skill_harness):
    h = await skill_harness(Vitals, start=START)
    vitals = h.hub.skills.loaded["vitals"].instance
    result = await vitals.record_reading("grandma", heart_rate=80, spo2=97, respiration_rate=16, systolic=88,
                                         temperature=37.0)
    assert result["news2"]["trigger"] == "single 3" and result["alerts_raised"] == ["news2"]
    await h.advance(600)
    result = await vitals.record_reading("grandma", heart_rate=118, spo2=93, respiration_rate=22, systolic=88,
                                         temperature=37.0)
    assert result["news2"]["score"] == 9
    assert [p for k, p in kinds(h) if k == "news2"] == ["medium", "high"]
    assert await resolved(h) == ["NEWS2 rose to 9"]


async def test_stale_readings_are_said_to_be_stale_not_scored(skill_harness):
    h = await skill_harness(Vitals, start=START)
    watch = Watch(h)
    await watch.report(1, heart_rate=135, spo2=91, respiration_rate=22, systolic=120)
    await h.advance(90 * 60)                                   # the watch goes quiet for an hour and a half
    (row,) = await h.rows(kind="news2_not_scored")
    assert set(row["data"]["stale"]) == {"pulse", "spo2", "respiration_rate"}
    assert len(await h.rows(kind="news2_scored")) == 1         # only the one scored while fresh
    vitals = h.hub.skills.loaded["vitals"].instance
    latest = await vitals.latest_vitals("grandma")
    assert latest["news2"]["score"] is None and latest["readings"]["pulse"]["stale"] is True
    assert (await h.say("how are my vital signs", person="grandma")).text == (
        "I can't score your vital signs: too few recent readings (respiration, SpO2, pulse stale).")
    assert h.notifications == []


async def test_skin_temperature_counts_only_with_an_offset(skill_harness):
    h = await skill_harness(Vitals, start=START)
    await Watch(h).report(15, heart_rate=80, skin_temp=38.6)   # a hot wrist is not a fever
    assert h.notifications == []
    settings = {"people": {"grandma": {"skin_temp_offset": 2.5}}}
    h = await skill_harness(Vitals, settings=settings, start=START)
    await Watch(h).report(15, heart_rate=80, skin_temp=35.9)   # 38.4 °C estimated core
    assert kinds(h) == [("fever", "medium")]
    assert "wrist skin temperature" in h.notifications[0].message["en"]


async def test_a_child_is_not_scored_with_news2(skill_harness):
    h = await skill_harness(Vitals, start=START)
    await Watch(h, "leo-watch").report(10, heart_rate=112, spo2=97, respiration_rate=22)
    assert await h.rows(kind="news2_scored") == [] and h.notifications == []


def _deterioration() -> Scenario:
    """Grandma sits in her chair from 09:00 and gets steadily worse over an hour (a chest infection)."""
    steps = []
    for i in range(21):                       # every 3 minutes, 09:00-10:00
        f = i / 20
        steps.append(Step(i * 180.0, "grandma-watch", "report", {
            "heart_rate": round(82 + 50 * f), "spo2": round(97 - 7 * f), "respiration_rate": round(16 + 10 * f),
            "systolic": round(128 - 30 * f), "steps": 2000 + i * 10, "worn": True}))
    return Scenario("deterioration", "an hour of steady decline at rest", time(9, 0), 3600.0, steps)


async def test_a_deterioration_over_an_hour_escalates_medium_then_high(skill_harness):
    h = await skill_harness(Vitals, start=datetime(2026, 1, 5, 8, 55))
    await h.play(_deterioration())
    news2 = [(n.priority, n.message["en"].split(" (")[0]) for n in h.notifications if n.alert_kind == "news2"]
    assert [p for p, _ in news2] == ["medium", "high"]
    scores = [r["data"]["score"] for r in reversed(await h.rows(kind="news2_scored"))]
    assert scores[0] == 0 and scores[-1] >= 10 and scores == sorted(scores)
    assert ("heart_rate_high", "medium") in kinds(h)
    assert h.failures == []


async def test_a_normal_morning_pages_nobody(skill_harness):
    h = await skill_harness(Vitals, start=datetime(2026, 1, 5, 6, 0))
    await h.play(scenarios.normal_day(day="mon"), until="12:00")
    rows = await h.rows(kind="news2_scored")
    assert rows and {r["person"] for r in rows} == {"grandma"}
    assert max(r["data"]["score"] for r in rows) <= 4 and {r["data"]["band"] for r in rows} == {"low"}
    assert h.notifications == [] and h.failures == []


async def test_latest_readings_survive_a_restart(skill_harness):
    first = await skill_harness(Vitals, start=START)
    await first.say("my temperature is 37.2", person="grandma")
    await first.stop()
    again = await skill_harness(Vitals, start=datetime(2026, 1, 5, 10, 0), database=first.hub.config.database_path)
    latest = await again.hub.skills.loaded["vitals"].instance.latest_vitals("grandma")
    assert latest["readings"]["temperature"]["value"] == 37.2
    assert latest["readings"]["temperature"]["source"] == "manual"


# --- the pure parts the skill and bench/vitals.py share ------------------------------------------------


def test_sustained_needs_the_whole_window_and_two_readings():
    condition = SustainedCondition(SustainRule(window_s=600, min_readings=2, max_gap_s=1200))
    assert condition.update(0, True) is None
    assert condition.update(540, True) is None           # 9 minutes
    assert condition.update(600, True) == "started"      # 10 minutes, 3 readings
    assert condition.update(660, False) is None          # one normal reading does not end it
    assert condition.update(1260, False) == "ended"
    assert condition.update(1300, True, confirmed=True) == "started"   # a manual reading decides at once


def test_sustained_breaks_on_no_evidence_and_on_gaps():
    condition = SustainedCondition(SustainRule(600, 2, 1200))
    condition.update(0, True)
    condition.update(300, None)                           # walking: says nothing, breaks the run
    assert condition.update(660, True) is None
    assert condition.update(1200, True) is None           # the run began at 660
    assert condition.update(1260, True) == "started"
    other = SustainedCondition(SustainRule(600, 2, 1200))
    other.update(0, True)
    assert other.update(3600, True) is None               # an hour of silence: nobody knows
    assert other.update(4200, True) == "started"


def test_rest_from_a_cumulative_step_counter():
    log = StepLog()
    assert log.at_rest(0, 10, 20) is None                 # no step counter: unknown
    log.add(0, 5000)
    log.add(600, 5100)                                    # 100 steps in 10 minutes: resting
    assert log.at_rest(600, 10, 20) is True
    log.add(900, 6600)                                    # 1500 in 5 minutes: walking
    assert log.at_rest(900, 10, 20) is False
    assert log.steps_between(600, 750) == 750             # spread evenly over the interval
    log.add(1200, 40)                                     # the counter reset at midnight: 40 new steps
    assert log.steps_between(900, 1200) == 40


def test_spoken_numbers_and_implausible_readings():
    assert manual.parse_single("temperature", "三十八点五度") == 38.5
    assert manual.parse_single("temperature", "101") == 38.3          # °F
    assert manual.parse_blood_pressure("140/90") == (140, 90)
    assert manual.parse_blood_pressure("一百四十和九十") == (140, 90)
    for kind, text in [("temperature", "3.85"), ("spo2", "150"), ("heart_rate", "none")]:
        try:
            manual.parse_single(kind, text)
        except manual.ReadingError:
            continue
        raise AssertionError(f"{text!r} was taken as a {kind}")


async def test_how_am_i_doing_says_the_band_in_plain_words_with_the_readings_and_todays_steps(skill_harness):
    h = await skill_harness(Vitals, start=START)
    assert (await h.say("how am I doing", person="grandma")).text == \
        "I don't have enough recent readings to say how your vital signs are."
    watch = Watch(h)
    await watch.report(10, every=300, heart_rate=72, spo2=97, respiration_rate=16, systolic=124)
    reply = await h.say("how am I doing today", person="grandma")
    assert reply.intent == "CareHowAmI"
    assert reply.text == ("Your vital signs look fine (NEWS2 0: pulse 72/min, SpO2 97 %, systolic BP 124 mmHg). "
                          "I have no recent temperature. You've walked 1,020 steps today.")
    assert (await h.say("我今天身体怎么样", person="grandma")).text == (
        "您的生命体征看起来正常（NEWS2 0分：脉搏 72/min，血氧 97 %，收缩压 124 mmHg）。没有最近的体温读数。今天您走了1020步。")
    await watch.report(10, every=300, heart_rate=136, spo2=91, respiration_rate=22, systolic=118)
    assert (await h.say("how am I doing", person="grandma")).text.startswith(
        "Your vital signs are very worrying: you need urgent help (NEWS2 8: pulse 136/min, SpO2 91 %")
