"""The vitals skill: NEWS2 from the latest wearable and manual readings, and single-vital alerts that page
only when a condition is sustained at rest. See docs/care/vitals.md.

Readings come from the wearable (``VitalSignsMeasured``) and from people ("my temperature is 38.5",
the ``record_reading`` tool). Each parameter's latest reading is kept per person with its time; a
reading older than its limit is *stale*: named, never scored. Alerts go through the alert desk
(which folds repeats and escalates) and clear when the condition ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from skills.sdk import (
    Event, IntentMatch, ReportDay, ReportSection, Skill, StepsCounted, VitalSignsMeasured, WearStateReported, every,
    intent, on, short_language, tool,
)
from skills.vitals import manual, report
from skills.vitals.events import News2NotScored, News2Scored, VitalSignsRecorded
from skills.vitals.news2 import RESPONSE_SHORT, Freshness, News2Score, NotScored, Reading, observations, score
from skills.vitals.settings import CONDITIONS, RANK, PersonVitals, VitalsSettings
from skills.vitals.sustained import StepLog, SustainedCondition, SustainRule
from skills.vitals.wording import (
    BANDS_ZH, NAMES, NOT_A_READING, NOTED, TOLD, WHAT, WHO, WHO_ASKS, explain, how_you_are,
)

# --- per-person state --------------------------------------------------------------------------------


@dataclass
class Pending:
    """A wearable reading waiting for the same report's step count."""

    at: datetime
    values: dict[str, float]


@dataclass
class PersonState:
    """What the skill knows about one person."""

    latest: dict[str, Reading] = field(default_factory=dict)
    """Latest reading per NEWS2 parameter (and ``diastolic``)."""
    steps: StepLog = field(default_factory=StepLog)
    conditions: dict[str, SustainedCondition] = field(default_factory=dict)
    news2_levels: dict[str, SustainedCondition] = field(default_factory=dict)
    """Per priority (low, medium, high): "the NEWS2 priority is at least this"."""
    news2_alerted: str = "none"
    """The priority of the open NEWS2 alert, ``none`` when there is none."""
    last_logged: tuple[Any, ...] | None = None
    last_scored: datetime | None = None
    result: News2Score | NotScored | None = None
    worn: bool = True
    pending: Pending | None = None


class Vitals(Skill[VitalsSettings]):
    """Scores NEWS2, pages on its bands and on sustained single vitals, and records manual readings."""

    async def setup(self) -> None:
        self.people: dict[str, PersonState] = {}
        for key in await self.ctx.store.keys():
            if key.startswith("latest:"):
                state = self._state(key.removeprefix("latest:"))
                for parameter, (value, at, source) in (await self.ctx.store.get(key, {})).items():
                    state.latest[parameter] = Reading(value, datetime.fromisoformat(at), source)

    @classmethod
    def daily_report(cls, settings: VitalsSettings, day: ReportDay) -> ReportSection | None:
        """Each vital sign through the day, its range and chart, and the NEWS2 scores."""
        return report.section(day)

    # -- settings and state ---------------------------------------------------------------------------

    def person_settings(self, person: str) -> PersonVitals:
        own = self.settings.people.get(person)
        if own is None:
            return self.settings.defaults
        return self.settings.defaults.model_copy(update=own.model_dump(exclude_unset=True))

    def _news2_on(self, person: str) -> bool:
        chosen = self.person_settings(person).news2
        if chosen is not None:
            return chosen
        profile = self.ctx.person(person)
        return profile is None or profile.role != "child"

    def _state(self, person: str) -> PersonState:
        state = self.people.get(person)
        if state is None:
            s = self.settings
            single = SustainRule(s.sustain_minutes * 60, s.min_readings, s.max_gap_minutes * 60)
            news2 = SustainRule(s.news2_confirm_minutes * 60, min(2, s.min_readings) if s.news2_confirm_minutes else 1,
                                s.max_gap_minutes * 60)
            state = self.people[person] = PersonState(
                steps=StepLog(keep_s=(s.rest_minutes + s.max_gap_minutes) * 60),
                conditions={c: SustainedCondition(single) for c in CONDITIONS},
                news2_levels={p: SustainedCondition(news2) for p in ("low", "medium", "high")})
        return state

    def _name(self, person: str) -> str:
        profile = self.ctx.person(person)
        return getattr(profile, "name", None) or person

    async def _remember(self, person: str, values: dict[str, Any], at: datetime, source: str) -> None:
        state = self._state(person)
        for parameter, value in values.items():
            state.latest[parameter] = Reading(value, at, source)
        await self.ctx.store.set(f"latest:{person}", {
            p: [r.value, r.at.isoformat(), r.source] for p, r in state.latest.items()})

    # -- wearable -------------------------------------------------------------------------------------

    @on(VitalSignsMeasured, StepsCounted, WearStateReported)
    async def wearable(self, event: Event) -> None:
        # One subscription, so a report's vitals and its step count are handled in order.
        person = event.person
        if person is None:
            return
        state = self._state(person)
        if isinstance(event, WearStateReported):
            state.worn = event.worn
        elif isinstance(event, StepsCounted):
            state.steps.add(event.ts.timestamp(), event.steps)
            pending = state.pending
            grace = self.settings.steps_grace_seconds
            if pending is not None and abs((event.ts - pending.at).total_seconds()) <= grace:
                await self._judge_pending(person)
        elif isinstance(event, VitalSignsMeasured):
            await self._measured(person, event)

    async def _measured(self, person: str, event: VitalSignsMeasured) -> None:
        state = self._state(person)
        if not state.worn:
            self.ctx.log.info("vitals %s from %s ignored: the watch is not worn", event.id, event.device)
            return
        values: dict[str, float] = {}
        for parameter, field_name in (("pulse", "heart_rate"), ("spo2", "spo2"), ("systolic", "systolic"),
                                      ("diastolic", "diastolic"), ("respiration_rate", "respiration_rate")):
            value = getattr(event, field_name)
            if value is not None:
                values[parameter] = float(value)
        offset = self.person_settings(person).skin_temp_offset
        if event.skin_temp is not None and offset is not None:
            # Wrist skin runs 2-4 °C below core and follows the room; only a configured offset makes it usable.
            values["temperature"] = round(event.skin_temp + offset, 2)
        if not values:
            return
        if state.pending is not None:
            await self._judge_pending(person)
        await self._remember(person, values, event.ts, "wearable")
        state.pending = Pending(event.ts, values)
        self.ctx.call_later(self.settings.steps_grace_seconds, lambda: self._judge_if_pending(person, event.ts))

    async def _judge_if_pending(self, person: str, at: datetime) -> None:
        pending = self._state(person).pending
        if pending is not None and pending.at == at:
            await self._judge_pending(person)

    async def _judge_pending(self, person: str) -> None:
        state = self._state(person)
        pending, state.pending = state.pending, None
        if pending is not None:
            await self._judge(person, pending.at, pending.values, manual=False)

    # -- judging a reading ----------------------------------------------------------------------------

    def _at_rest(self, person: str, at: datetime) -> bool | None:
        s = self.settings
        return self._state(person).steps.at_rest(at.timestamp(), s.rest_minutes, s.rest_steps_per_minute)

    async def _judge(self, person: str, at: datetime, values: dict[str, Any], *, manual: bool) -> list[str]:
        """Update the single-vital conditions and NEWS2 with a new reading; returns the alert kinds raised."""
        rest = self._at_rest(person, at)
        resting = self.settings.unknown_activity_is_rest if rest is None else rest
        raised = await self._single_vitals(person, at, values, resting, manual)
        if self._news2_on(person):
            result = await self._score(person, at, rest, force_log=True)
            if isinstance(result, News2Score) and await self._news2_alert(person, at, result, resting, manual):
                raised.append("news2")
        return raised

    async def _single_vitals(self, person: str, at: datetime, values: dict[str, Any], resting: bool,
                             manual: bool) -> list[str]:
        p = self.person_settings(person)
        state = self._state(person)
        checks: dict[str, tuple[float, bool]] = {}
        if "pulse" in values:
            checks["heart_rate_high"] = (values["pulse"], values["pulse"] > p.heart_rate_high)
            checks["heart_rate_low"] = (values["pulse"], values["pulse"] < p.heart_rate_low)
        if "spo2" in values:
            checks["spo2_low"] = (values["spo2"], values["spo2"] < p.spo2_threshold())
        if "temperature" in values:
            checks["fever"] = (values["temperature"], values["temperature"] >= p.fever)
        raised = []
        for condition, (value, abnormal) in checks.items():
            evidence: bool | None = abnormal
            if abnormal and self.settings.needs_rest.get(condition, False) and not resting:
                evidence = None  # e.g. a fast pulse while walking says nothing about tachycardia at rest
            change = state.conditions[condition].update(at.timestamp(), evidence, confirmed=manual)
            if change == "started" and await self._single_alert(person, condition, value, manual):
                raised.append(condition)
            elif change == "ended":
                await self.ctx.clear_alerts(condition, person=person, reason=f"{condition.replace('_', ' ')} ended")
        return raised

    async def _single_alert(self, person: str, condition: str, value: float, manual: bool) -> bool:
        priority = self.settings.alert_priority.get(condition, "medium")
        if priority == "none":
            self.ctx.log.info("%s started for %s (not paged: priority none)", condition, person)
            return False
        p = self.person_settings(person)
        name = self._name(person)
        minutes = f"{self.settings.sustain_minutes:g}"
        if manual:
            how_en, how_zh = "measured", "测量值"
        else:
            how_en, how_zh = f"for {minutes} minutes", f"已持续{minutes}分钟"
        texts = {
            "heart_rate_high": (f"{name}'s heart rate has been above {p.heart_rate_high:g}/min at rest ({how_en}); "
                                f"latest {value:.0f}/min.",
                                f"{name}静息心率高于{p.heart_rate_high:g}次/分（{how_zh}），最新{value:.0f}次/分。"),
            "heart_rate_low": (f"{name}'s heart rate has been below {p.heart_rate_low:g}/min ({how_en}); "
                               f"latest {value:.0f}/min.",
                               f"{name}心率低于{p.heart_rate_low:g}次/分（{how_zh}），最新{value:.0f}次/分。"),
            "spo2_low": (f"{name}'s oxygen saturation has been below {p.spo2_threshold():g} % ({how_en}); "
                         f"latest {value:.0f} %.",
                         f"{name}血氧低于{p.spo2_threshold():g}%（{how_zh}），最新{value:.0f}%。"),
            "fever": (f"{name} has a fever: {value:.1f} °C ({how_en}; {p.fever:g} °C or more).",
                      f"{name}发烧：{value:.1f}°C（{how_zh}；≥{p.fever:g}°C）。"),
        }
        en, zh = texts[condition]
        if condition == "fever" and not manual:
            en += " Estimated from wrist skin temperature; please check with a thermometer."
            zh += "此为腕部皮肤温度估算，请用体温计复测。"
        # No device on the alert: the condition is the person's, and clear_alerts must find it by person.
        await self.ctx.notify({"en": en, "zh": zh}, priority=priority, person=person, kind=condition)
        return True

    # -- NEWS2 ----------------------------------------------------------------------------------------

    async def _score(self, person: str, at: datetime, rest: bool | None, *,
                     force_log: bool) -> News2Score | NotScored:
        """Score the latest readings at ``at``; log the result (always on a new reading, else when it changed)."""
        state = self._state(person)
        p = self.person_settings(person)
        latest = dict(state.latest)
        assumed = []
        from_settings = (("consciousness", p.consciousness), ("air_or_oxygen", "oxygen" if p.on_oxygen else "air"))
        for parameter, value in from_settings:
            limit = timedelta(minutes=self.settings.stale_after_minutes.get(parameter, 720))
            own = latest.get(parameter)
            if own is None or at - own.at > limit:
                latest[parameter] = Reading(value, at, "settings")
                assumed.append(parameter)
        fresh = Freshness(self.settings.stale_after_minutes)
        result = score(observations(latest, at, fresh, spo2_scale=p.spo2_scale))
        state.result, state.last_scored = result, at
        if isinstance(result, News2Score):
            signature: tuple[Any, ...] = ("scored", result.total, result.missing, result.stale)
            if force_log or signature != state.last_logged:
                await self.ctx.emit(News2Scored(
                    score=result.total, band=result.band, trigger=result.trigger, scores=result.scores,
                    values=result.values, missing=result.missing, stale=result.stale, assumed=tuple(assumed),
                    complete=result.complete, at_rest=rest, response=result.response, person=person))
        else:
            signature = ("not scored", result.missing, result.stale)
            if signature != state.last_logged:
                await self.ctx.emit(News2NotScored(reason=result.reason, missing=result.missing, stale=result.stale,
                                                   person=person))
        state.last_logged = signature
        return result

    async def _news2_alert(self, person: str, at: datetime, result: News2Score, resting: bool, manual: bool) -> bool:
        """Feed the score to the per-priority conditions; raise, re-raise or clear the alert. True if raised."""
        state = self._state(person)
        priority = self.settings.news2_priority.get(result.trigger, "none")
        evidence_rank: int | None = RANK[priority]
        if not resting and self.settings.news2_at_rest_only and not manual:
            evidence_rank = None
        for level, condition in state.news2_levels.items():
            evidence = None if evidence_rank is None else evidence_rank >= RANK[level]
            condition.update(at.timestamp(), evidence, confirmed=manual)
        level = max((lvl for lvl, c in state.news2_levels.items() if c.active), key=RANK.__getitem__, default="none")
        alerted, state.news2_alerted = state.news2_alerted, level
        if level == "none" and alerted != "none":
            await self.ctx.clear_alerts("news2", person=person, reason=f"NEWS2 back to {result.total}")
        elif RANK[level] > RANK[alerted]:
            # A higher priority is a new alert: the open one would only fold it in at its old priority.
            if alerted != "none":
                await self.ctx.clear_alerts("news2", person=person, reason=f"NEWS2 rose to {result.total}")
            await self._news2_notify(person, result, level)
            return True
        # Falling to a lower priority that still pages keeps the open alert: someone is already on it.
        return False

    async def _news2_notify(self, person: str, result: News2Score, priority: str) -> None:
        name = self._name(person)
        short = RESPONSE_SHORT[result.trigger]
        en = (f"{name}'s NEWS2 score is {result.total} ({result.band} clinical risk"
              f"{', a 3 in one parameter' if result.trigger == 'single 3' else ''}; RCP 2017: {short['en']}). "
              f"{explain(result, 'en')}.")
        zh = (f"{name}的NEWS2评分为{result.total}（{BANDS_ZH[result.band]}临床风险；RCP 2017：{short['zh']}）。"
              f"{explain(result, 'zh')}。")
        await self.ctx.notify({"en": en, "zh": zh}, priority=priority, person=person, kind="news2")

    @every(60)
    async def rescore(self) -> None:
        """Readings age: rescore every few minutes, so a set that went stale is said to be stale."""
        now = self.ctx.now()
        for person, state in list(self.people.items()):
            if not state.latest or not self._news2_on(person):
                continue
            interval = timedelta(minutes=self.settings.score_every_minutes)
            if state.last_scored is None or now - state.last_scored >= interval:
                await self._score(person, now, self._at_rest(person, now), force_log=False)

    # -- manual readings ------------------------------------------------------------------------------

    def _who(self, person: str | None) -> str | None:
        if person is not None:
            return person
        elders = [d.person for d in self.ctx.devices(kind="wearable") if d.person]
        elders = [p for p in dict.fromkeys(elders) if getattr(self.ctx.person(p), "role", "") == "elder"]
        return elders[0] if len(elders) == 1 else None

    async def _record(self, person: str, readings: dict[str, Any], source: str) -> list[str]:
        """Log, remember and judge manual readings (``heart_rate`` etc., as in ``VitalSignsRecorded``)."""
        now = self.ctx.now()
        await self.ctx.emit(VitalSignsRecorded(person=person, source=source, **readings))
        values: dict[str, Any] = {}
        for key, parameter in (("heart_rate", "pulse"), ("spo2", "spo2"), ("systolic", "systolic"),
                               ("diastolic", "diastolic"), ("respiration_rate", "respiration_rate"),
                               ("temperature", "temperature"), ("consciousness", "consciousness")):
            if readings.get(key) is not None:
                values[parameter] = readings[key]
        if readings.get("on_oxygen") is not None:
            values["air_or_oxygen"] = "oxygen" if readings["on_oxygen"] else "air"
        await self._remember(person, values, now, "manual")
        return await self._judge(person, now, values, manual=True)

    @intent("VitalsReading")  # sentences/<lang>.yaml: "my temperature is 38.5", "我的血压是140和90"
    async def said_reading(self, match: IntentMatch) -> str:
        lang = short_language(match.language)
        person = self._who(match.person)
        if person is None:
            return WHO[lang]
        vital = str(match.slots.get("vital") or "")
        text = str(match.slot_text.get("value") or match.slots.get("value") or "")
        try:
            if vital == "blood_pressure":
                systolic, diastolic = manual.parse_blood_pressure(text)
                readings: dict[str, Any] = {"systolic": systolic, "diastolic": diastolic}
                shown = f"{systolic:g} over {diastolic:g}" if lang == "en" else f"{systolic:g}/{diastolic:g}"
            else:
                value = manual.parse_single(vital, text)
                readings = {vital: value}
                unit = {"temperature": (" °C", "°C"), "spo2": (" %", "%"), "heart_rate": ("/min", "次/分"),
                        "respiration_rate": ("/min", "次/分")}.get(vital, ("", ""))[1 if lang == "zh" else 0]
                shown = f"{value:g}{unit}"
        except manual.ReadingError as error:
            return NOT_A_READING[lang].format(reason=error.reason)
        raised = await self._record(person, readings, "voice")
        reply = NOTED[lang].format(what=WHAT[vital][1 if lang == "zh" else 0], value=shown)
        return reply + TOLD[lang] if raised else reply

    @intent("VitalsStatus", en=["how are my vital signs", "how are my vitals", "what is my news[2| 2] score",
                                "what's my news[2| 2] score"],
            zh_CN=["我的生命体征怎么样", "我的体征怎么样", "我的NEWS2评分是多少"])
    async def status(self, match: IntentMatch) -> str:
        lang = short_language(match.language)
        person = self._who(match.person)
        if person is None:
            return WHO[lang]
        result = await self._score(person, self.ctx.now(), self._at_rest(person, self.ctx.now()), force_log=False)
        zh = lang == "zh"
        if isinstance(result, NotScored):
            stale = ("、" if zh else ", ").join(NAMES[p][1 if zh else 0] for p in result.stale)
            if zh:
                return "目前读数不足，无法评分" + (f"（{stale}读数过旧）" if stale else "") + "。"
            return "I can't score your vital signs: too few recent readings" + (f" ({stale} stale)" if stale else "") \
                + "."
        if zh:
            return f"您的NEWS2评分是{result.total}，{BANDS_ZH[result.band]}风险。{explain(result, 'zh')}。"
        return f"Your NEWS2 score is {result.total}, {result.band} risk: {explain(result, 'en')}."

    @intent("CareHowAmI", en=["how am i doing [today]", "how am i today", "how('s| is) my health [today]",
                              "am i (doing ok|doing okay|doing alright|doing well|healthy)"],
            zh_CN=["我[今天][的]身体怎么样[啊|呀]", "我今天怎么样[啊|呀]", "我[的]身体(情况|状况)怎么样",
                   "我[最近]身体好吗", "我[今天]状态怎么样"])
    async def how_am_i(self, match: IntentMatch) -> str:
        """"How am I doing": the vital signs in plain words (the NEWS2 band said as a family would), and today's
        steps when the wearable counts them."""
        lang = short_language(match.language)
        person = self._who(match.person)
        if person is None:
            return WHO_ASKS[lang]
        now = self.ctx.now()
        result = await self._score(person, now, self._at_rest(person, now), force_log=False)
        home = ZoneInfo(self.ctx.timezone)
        counted = self._state(person).steps.last  # the wearable's count since midnight, and when it said so
        walked = counted[1] if counted is not None and datetime.fromtimestamp(
            counted[0], home).date() == now.astimezone(home).date() else None
        return how_you_are(result, walked, lang)

    @tool
    async def record_reading(self, person: str, temperature: float | None = None, systolic: float | None = None,
                             diastolic: float | None = None, heart_rate: float | None = None,
                             spo2: float | None = None, respiration_rate: float | None = None,
                             consciousness: Literal["A", "C", "V", "P", "U"] | None = None,
                             on_oxygen: bool | None = None) -> dict[str, Any]:
        """Record vital signs measured by hand (thermometer, cuff, oximeter) and rescore NEWS2.

        Args:
            person: the person's id, e.g. grandma
            temperature: body temperature from a thermometer, °C (°F between 93 and 111 is converted)
            systolic: systolic blood pressure, mmHg
            diastolic: diastolic blood pressure, mmHg
            heart_rate: pulse, beats per minute
            spo2: oxygen saturation, percent
            respiration_rate: breaths per minute
            consciousness: ACVPU: A alert, C new confusion, V responds to voice, P to pain, U unresponsive
            on_oxygen: true when on supplemental oxygen, false on air
        """
        if self.ctx.person(person) is None:
            return {"error": f"unknown person {person!r}"}
        readings: dict[str, Any] = {}
        try:
            for key, value in (("temperature", temperature), ("systolic", systolic), ("diastolic", diastolic),
                               ("heart_rate", heart_rate), ("spo2", spo2), ("respiration_rate", respiration_rate)):
                if value is not None:
                    readings[key] = manual.check(key, float(value))
        except manual.ReadingError as error:
            return {"error": error.reason}
        if consciousness is not None:
            readings["consciousness"] = consciousness
        if on_oxygen is not None:
            readings["on_oxygen"] = on_oxygen
        if not readings:
            return {"error": "no reading given"}
        raised = await self._record(person, readings, "tool")
        return {"recorded": readings, "alerts_raised": raised, **self._summary(person)}

    @tool
    async def latest_vitals(self, person: str) -> dict[str, Any]:
        """The person's latest readings with their age, and the latest NEWS2 score or why there is none.

        Args:
            person: the person's id, e.g. grandma
        """
        state = self.people.get(person)
        if state is None:
            return {"person": person, "readings": {}, "news2": None}
        now = self.ctx.now()
        if self._news2_on(person):
            await self._score(person, now, self._at_rest(person, now), force_log=False)
        limits = Freshness(self.settings.stale_after_minutes)
        readings = {p: {"value": r.value, "minutes_ago": round((now - r.at).total_seconds() / 60, 1),
                        "source": r.source, "stale": now - r.at > limits.limit(p)} for p, r in state.latest.items()}
        return {"person": person, "readings": readings, **self._summary(person)}

    def _summary(self, person: str) -> dict[str, Any]:
        result = self._state(person).result
        if isinstance(result, News2Score):
            return {"news2": {"score": result.total, "band": result.band, "trigger": result.trigger,
                              "scores": result.scores, "missing": list(result.missing), "stale": list(result.stale),
                              "response": result.response}}
        if isinstance(result, NotScored):
            return {"news2": {"score": None, "reason": result.reason, "missing": list(result.missing),
                              "stale": list(result.stale)}}
        return {"news2": None}
