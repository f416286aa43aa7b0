"""The vitals skill: NEWS2 from the latest wearable and manual readings, and single-vital alerts that page
only when a condition is sustained at rest. See docs/care/vitals.md.

Readings come from the wearable (``VitalSignsMeasured``) and from people ("my temperature is 38.5",
the ``record_reading`` tool). Each parameter's latest reading is kept per person with its time; a
reading older than its limit is *stale*: named, never scored. Alerts go through the alert manager
(which folds repeats and escalates) and clear when the condition ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from skills.sdk import (
    Event, IntentMatch, ReportDay, ReportSection, Skill, StepsCounted, VitalSignsMeasured, WearStateReported, every,
    intent, on, tool,
)
from skills.vitals import manual
from skills.vitals.news2 import (
    PARAMETERS, RESPONSE_SHORT, TRIGGERS, Freshness, News2Score, NotScored, Reading, observations, score,
)
from skills.vitals.sustained import StepLog, SustainedCondition, SustainRule

Priority = Literal["none", "low", "medium", "high"]
RANK: dict[str, int] = {"none": 0, "low": 1, "medium": 2, "high": 3}
CONDITIONS = ("heart_rate_high", "heart_rate_low", "spo2_low", "fever")
"""Single-vital conditions; each is also the alert kind."""


# --- settings ----------------------------------------------------------------------------------------


class PersonVitals(BaseModel):
    """How one person is scored and alerted on; fields set under ``people.<id>`` override ``defaults``."""

    model_config = ConfigDict(extra="forbid")

    news2: bool | None = None
    """Score NEWS2; None means yes for elders and adults, no for children (NEWS2 is not validated under 16)."""
    spo2_scale: Literal[1, 2] = 1
    """2 only when a clinician has set a target saturation of 88–92 % (hypercapnic respiratory failure)."""
    on_oxygen: bool = False
    """On supplemental oxygen (2 NEWS2 points; changes scale 2)."""
    consciousness: Literal["A", "C", "V", "P", "U"] = "A"
    """ACVPU when nobody has recorded otherwise; only *new* confusion is C."""
    skin_temp_offset: float | None = None
    """°C to add to the wrist's skin temperature for a core estimate; None ignores skin temperature."""
    heart_rate_high: float = Field(120, gt=0)
    """Alert when the heart rate stays above this at rest."""
    heart_rate_low: float = Field(40, gt=0)
    """Alert when it stays below this (NEWS2 scores ≤40 as 3)."""
    spo2_low: float | None = Field(None, gt=50, le=100)
    """Alert when SpO2 stays below this; None means 90 % on scale 1 and 84 % on scale 2."""
    fever: float = Field(38.0, gt=35, lt=43)
    """°C; a temperature at or above this is a fever (NICE NG143 / CG160: 38 °C)."""

    def spo2_threshold(self) -> float:
        if self.spo2_low is not None:
            return self.spo2_low
        return 84.0 if self.spo2_scale == 2 else 90.0


class VitalsSettings(BaseModel):
    """Settings of the vitals skill: ``skills: {vitals: {...}}``."""

    model_config = ConfigDict(extra="forbid")

    defaults: PersonVitals = Field(default_factory=PersonVitals)
    people: dict[str, PersonVitals] = Field(default_factory=dict)
    """Per person, e.g. ``{grandma: {spo2_scale: 2, skin_temp_offset: 2.5}}``."""
    sustain_minutes: float = Field(10, gt=0)
    """A single-vital condition must hold in every reading across this long to page (and to clear)."""
    min_readings: int = Field(2, ge=1)
    """... in at least this many readings."""
    max_gap_minutes: float = Field(20, gt=0)
    """A longer gap between readings restarts the window."""
    rest_minutes: float = Field(10, gt=0)
    """Rest is judged over this long before each reading ..."""
    rest_steps_per_minute: float = Field(20, ge=0)
    """... as at most this many steps a minute on average (walking is 60–120)."""
    unknown_activity_is_rest: bool = True
    """With no step counter at all, readings count as taken at rest."""
    needs_rest: dict[str, bool] = Field(default_factory=lambda: {
        "heart_rate_high": True, "heart_rate_low": False, "spo2_low": True, "fever": False})
    """Per condition: only readings at rest count towards it."""
    alert_priority: dict[str, Priority] = Field(default_factory=lambda: {
        "heart_rate_high": "medium", "heart_rate_low": "medium", "spo2_low": "medium", "fever": "medium"})
    """Per single-vital condition; ``none`` logs without paging."""
    news2_priority: dict[str, Priority] = Field(default_factory=lambda: {
        "0": "none", "1-4": "none", "single 3": "medium", "5-6": "medium", "7+": "high"})
    """Per RCP trigger (``0``, ``1-4``, ``single 3``, ``5-6``, ``7+``)."""
    news2_confirm_minutes: float = Field(5, ge=0)
    """A NEWS2 priority must hold over wearable scorings this long (and two of them) to page or clear;
    a manual reading confirms at once."""
    news2_at_rest_only: bool = True
    """Wearable scorings taken while walking neither raise nor clear a NEWS2 alert (the chart is for rest)."""
    stale_after_minutes: dict[str, float] = Field(default_factory=lambda: {
        "respiration_rate": 60, "spo2": 60, "pulse": 60, "systolic": 240, "temperature": 240,
        "consciousness": 720, "air_or_oxygen": 720})
    """How old a parameter's latest reading may be and still be scored."""
    score_every_minutes: float = Field(5, gt=0)
    """Rescore (for staleness) this often when no reading arrives; logged only when the result changed."""
    steps_grace_seconds: float = Field(3, ge=0)
    """How long a wearable reading waits for the same report's step count before it is judged."""

    @field_validator("needs_rest", "alert_priority")
    @classmethod
    def _conditions(cls, value: dict[str, Any]) -> dict[str, Any]:
        unknown = set(value) - set(CONDITIONS)
        if unknown:
            raise ValueError(f"unknown condition {sorted(unknown)}; known: {', '.join(CONDITIONS)}")
        return value

    @field_validator("news2_priority")
    @classmethod
    def _triggers(cls, value: dict[str, Any]) -> dict[str, Any]:
        unknown = set(value) - set(TRIGGERS)
        if unknown:
            raise ValueError(f"unknown trigger {sorted(unknown)}; known: {', '.join(TRIGGERS)}")
        return value

    @field_validator("stale_after_minutes")
    @classmethod
    def _parameters(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = set(value) - set(PARAMETERS)
        if unknown:
            raise ValueError(f"unknown parameter {sorted(unknown)}; known: {', '.join(PARAMETERS)}")
        return value


# --- events ------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class News2Scored(Event):
    """A NEWS2 score from the person's latest fresh readings."""

    score: int
    """Aggregate score; a lower bound when ``complete`` is False."""
    band: str
    """Clinical risk: ``low``, ``low-medium``, ``medium`` or ``high``."""
    trigger: str = ""
    """RCP trigger: ``0``, ``1-4``, ``single 3``, ``5-6``, ``7+``."""
    scores: dict[str, int] = field(default_factory=dict)
    """Points per scored parameter."""
    values: dict[str, Any] = field(default_factory=dict)
    """The recorded values scored."""
    missing: tuple[str, ...] = ()
    stale: tuple[str, ...] = ()
    assumed: tuple[str, ...] = ()
    """Parameters taken from settings (air or oxygen, consciousness), not observed."""
    complete: bool = False
    at_rest: bool | None = None
    """Whether the person was at rest (None: no step counter)."""
    response: str = ""
    """The RCP's recommended clinical response."""


@dataclass(frozen=True, kw_only=True)
class News2NotScored(Event):
    """Too few fresh readings to score NEWS2: what is missing and what is stale."""

    reason: str
    missing: tuple[str, ...] = ()
    stale: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class VitalSignsRecorded(Event):
    """Readings someone said, typed or recorded through a tool (a thermometer, a cuff, an oximeter)."""

    temperature: float | None = None
    """°C, from a thermometer (core)."""
    systolic: float | None = None
    diastolic: float | None = None
    heart_rate: float | None = None
    spo2: float | None = None
    respiration_rate: float | None = None
    consciousness: str | None = None
    on_oxygen: bool | None = None
    source: str = "voice"


# --- texts -------------------------------------------------------------------------------------------

NAMES = {
    "respiration_rate": ("respiration", "呼吸频率"), "spo2": ("SpO2", "血氧"), "air_or_oxygen": ("air/oxygen", "吸氧"),
    "systolic": ("systolic BP", "收缩压"), "pulse": ("pulse", "脉搏"), "consciousness": ("consciousness", "意识"),
    "temperature": ("temperature", "体温"),
}
UNITS = {"respiration_rate": "/min", "spo2": " %", "systolic": " mmHg", "pulse": "/min", "temperature": " °C"}
BANDS_ZH = {"low": "低", "low-medium": "中低", "medium": "中", "high": "高"}
NOTED = {"en": "I've noted your {what}: {value}.", "zh": "好的，已记下您的{what}：{value}。"}
TOLD = {"en": " I've let your family know.", "zh": "我已经告诉您的家人了。"}
WHAT = {
    "temperature": ("temperature", "体温"), "blood_pressure": ("blood pressure", "血压"),
    "heart_rate": ("heart rate", "心率"), "spo2": ("oxygen level", "血氧"), "respiration_rate": ("breathing rate", "呼吸频率"),
}
NOT_A_READING = {"en": "Sorry, I didn't catch a reading in that ({reason}).", "zh": "抱歉，没听清读数。"}
WHO = {"en": "Whose reading is that?", "zh": "这是谁的读数？"}


def _lang(language: str | None) -> str:
    return "zh" if (language or "").startswith("zh") else "en"


def _fmt(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def explain(result: News2Score, language: str) -> str:
    """``pulse 135/min → 3, SpO2 91 % → 3`` for the parameters that scored, worst first."""
    zh = language == "zh"
    parts = [f"{NAMES[p][1 if zh else 0]} {_fmt(result.values[p])}{UNITS.get(p, '')} → {result.scores[p]}"
             for p in result.worst()]
    absent = [NAMES[p][1 if zh else 0] for p in (*result.missing, *result.stale)]
    text = ("，" if zh else ", ").join(parts) or ("各项均为0分" if zh else "every parameter scored 0")
    if result.stale:
        stale = ("、" if zh else ", ").join(NAMES[p][1 if zh else 0] for p in result.stale)
        text += f"；{stale}读数过旧" if zh else f"; stale: {stale}"
    if absent:
        text += "（不完整，实际分数可能更高）" if zh else " (partial set: the full score may be higher)"
    return text


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
        from skills.vitals import report  # it reads this module's events, so it is imported once they exist

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
        lang = _lang(match.language)
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
        lang = _lang(match.language)
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
