"""NEWS2, the National Early Warning Score 2, as pure functions over plain data.

Royal College of Physicians. *National Early Warning Score (NEWS) 2: Standardising the assessment of
acute-illness severity in the NHS.* Updated report of a working party. London: RCP, December 2017.
Chart 1 (the NEWS2 scoring system), Chart 2 (thresholds and triggers) and Chart 4 (clinical response).

| parameter          | 3      | 2      | 1         | 0                 | 1           | 2           | 3          |
|--------------------|--------|--------|-----------|-------------------|-------------|-------------|------------|
| respiration rate   | ≤8     |        | 9–11      | 12–20             |             | 21–24       | ≥25        |
| SpO2 scale 1 (%)   | ≤91    | 92–93  | 94–95     | ≥96               |             |             |            |
| SpO2 scale 2 (%)   | ≤83    | 84–85  | 86–87     | 88–92, ≥93 on air | 93–94 on O2 | 95–96 on O2 | ≥97 on O2  |
| air or oxygen      |        | oxygen |           | air               |             |             |            |
| systolic BP (mmHg) | ≤90    | 91–100 | 101–110   | 111–219           |             |             | ≥220       |
| pulse (per minute) | ≤40    |        | 41–50     | 51–90             | 91–110      | 111–130     | ≥131       |
| consciousness      |        |        |           | Alert             |             |             | new C,V,P,U|
| temperature (°C)   | ≤35.0  |        | 35.1–36.0 | 36.1–38.0         | 38.1–39.0   | ≥39.1       |            |

Scale 2 is for people with hypercapnic respiratory failure whose target saturation (88–92 %) a clinician
has set; everyone else is on scale 1. Only *new* confusion scores (long-standing dementia does not).

**Rounding.** The chart scores *recorded* values, and nurses record whole numbers (temperature to one
decimal place). A device reading is therefore first rounded to the chart's resolution, half away from
zero — never by float truncation or banker's rounding: 91.5 % is recorded as 92 % (2 points on scale 1),
35.05 °C as 35.1 °C (1 point), 90.5 mmHg as 91 mmHg (2 points), 130.5 /min as 131 /min (3 points).
Decimal arithmetic on the reading's shortest repr makes 35.05 round up although the float is 35.0499….

**Partial sets.** NEWS2 is defined on a full set of seven parameters, and a wrist watch measures four at
most. A set is scored when pulse, SpO2 and at least one more measured parameter (respiration rate,
systolic pressure or temperature) are present and fresh; the result names every missing and stale
parameter and says ``complete=False``. Every parameter scores 0 or more, so a partial total is a lower
bound: a partial 7 is certainly "high", a partial 3 may not be "low". Missing is never read as normal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

Parameter = Literal["respiration_rate", "spo2", "air_or_oxygen", "systolic", "pulse", "consciousness", "temperature"]
PARAMETERS: tuple[Parameter, ...] = (
    "respiration_rate", "spo2", "air_or_oxygen", "systolic", "pulse", "consciousness", "temperature",
)
"""The seven NEWS2 parameters, in the chart's order."""
MEASURED: tuple[Parameter, ...] = ("respiration_rate", "spo2", "systolic", "pulse", "temperature")
"""Parameters that come from readings (the other two come from how the person is: air/oxygen, ACVPU)."""
REQUIRED: tuple[Parameter, ...] = ("pulse", "spo2")
"""A partial set is scored only with these fresh ..."""
ONE_OF: tuple[Parameter, ...] = ("respiration_rate", "systolic", "temperature")
"""... and at least one of these."""
CONSCIOUSNESS = ("A", "C", "V", "P", "U")
"""ACVPU: Alert, new Confusion, responds to Voice, responds to Pain, Unresponsive."""

Band = Literal["low", "low-medium", "medium", "high"]
Trigger = Literal["0", "1-4", "single 3", "5-6", "7+"]
TRIGGERS: tuple[Trigger, ...] = ("0", "1-4", "single 3", "5-6", "7+")

RESPONSE: dict[Trigger, str] = {
    "0": "Minimum 12-hourly monitoring: continue routine NEWS monitoring.",
    "1-4": "Minimum 4–6-hourly monitoring: a registered nurse assesses the patient and decides whether "
           "monitoring should be more frequent or care escalated.",
    "single 3": "Minimum 1-hourly monitoring: the registered nurse informs the medical team, who review "
                "and decide whether care should be escalated (urgent ward-based response).",
    "5-6": "Minimum 1-hourly monitoring: urgent response — the registered nurse immediately informs the medical "
           "team and asks for urgent assessment by a clinician competent in acute illness.",
    "7+": "Continuous monitoring: emergency response — the registered nurse immediately informs the medical "
          "team (at least specialist registrar level); emergency assessment by a team with critical-care "
          "competencies; consider transfer to a higher-dependency unit or ICU.",
}
"""The RCP's recommended clinical response for each trigger (RCP 2017, Chart 4), for hospital wards."""

RESPONSE_SHORT: dict[Trigger, dict[str, str]] = {
    "0": {"en": "routine monitoring", "zh": "常规监测"},
    "1-4": {"en": "assessment by a competent person", "zh": "由专业人员评估"},
    "single 3": {"en": "urgent review by a clinician", "zh": "请临床医生尽快评估"},
    "5-6": {"en": "urgent clinical response", "zh": "需要紧急临床处理"},
    "7+": {"en": "emergency response", "zh": "需要急救响应"},
}
"""The same responses in a few words, for alert messages in each language."""


# --- rounding to the chart's resolution --------------------------------------------------------------


def recorded(parameter: Parameter, value: float) -> float:
    """A reading as a nurse would record it: temperature to 0.1 °C, the rest to whole numbers, half up."""
    step = Decimal("0.1") if parameter == "temperature" else Decimal("1")
    rounded = Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_UP)
    return float(rounded) if parameter == "temperature" else float(int(rounded))


# --- one parameter each (on recorded values) ---------------------------------------------------------


def respiration_score(rate: float) -> int:
    """Breaths per minute: ≤8 → 3, 9–11 → 1, 12–20 → 0, 21–24 → 2, ≥25 → 3."""
    rate = recorded("respiration_rate", rate)
    if rate <= 8:
        return 3
    if rate <= 11:
        return 1
    if rate <= 20:
        return 0
    if rate <= 24:
        return 2
    return 3


def spo2_scale1_score(spo2: float) -> int:
    """SpO2 scale 1 (%): ≤91 → 3, 92–93 → 2, 94–95 → 1, ≥96 → 0."""
    spo2 = recorded("spo2", spo2)
    if spo2 <= 91:
        return 3
    if spo2 <= 93:
        return 2
    if spo2 <= 95:
        return 1
    return 0


def spo2_scale2_score(spo2: float, on_oxygen: bool) -> int:
    """SpO2 scale 2 (%): ≤83 → 3, 84–85 → 2, 86–87 → 1, 88–92 → 0; ≥93 on air → 0;
    on oxygen 93–94 → 1, 95–96 → 2, ≥97 → 3 (too much oxygen for someone at risk of hypercapnia)."""
    spo2 = recorded("spo2", spo2)
    if spo2 <= 83:
        return 3
    if spo2 <= 85:
        return 2
    if spo2 <= 87:
        return 1
    if spo2 <= 92 or not on_oxygen:
        return 0
    if spo2 <= 94:
        return 1
    if spo2 <= 96:
        return 2
    return 3


def oxygen_score(on_oxygen: bool) -> int:
    """Air → 0, supplemental oxygen → 2."""
    return 2 if on_oxygen else 0


def systolic_score(systolic: float) -> int:
    """Systolic blood pressure (mmHg): ≤90 → 3, 91–100 → 2, 101–110 → 1, 111–219 → 0, ≥220 → 3."""
    systolic = recorded("systolic", systolic)
    if systolic <= 90:
        return 3
    if systolic <= 100:
        return 2
    if systolic <= 110:
        return 1
    if systolic <= 219:
        return 0
    return 3


def pulse_score(pulse: float) -> int:
    """Pulse (per minute): ≤40 → 3, 41–50 → 1, 51–90 → 0, 91–110 → 1, 111–130 → 2, ≥131 → 3."""
    pulse = recorded("pulse", pulse)
    if pulse <= 40:
        return 3
    if pulse <= 50:
        return 1
    if pulse <= 90:
        return 0
    if pulse <= 110:
        return 1
    if pulse <= 130:
        return 2
    return 3


def consciousness_score(level: str) -> int:
    """ACVPU: Alert → 0; new Confusion, Voice, Pain or Unresponsive → 3."""
    level = level.strip().upper()[:1]
    if level not in CONSCIOUSNESS:
        raise ValueError(f"consciousness must be one of {', '.join(CONSCIOUSNESS)}, not {level!r}")
    return 0 if level == "A" else 3


def temperature_score(celsius: float) -> int:
    """Temperature (°C): ≤35.0 → 3, 35.1–36.0 → 1, 36.1–38.0 → 0, 38.1–39.0 → 1, ≥39.1 → 2."""
    celsius = recorded("temperature", celsius)
    if celsius <= 35.0:
        return 3
    if celsius <= 36.0:
        return 1
    if celsius <= 38.0:
        return 0
    if celsius <= 39.0:
        return 1
    return 2


# --- a set of observations -------------------------------------------------------------------------


@dataclass(frozen=True)
class Observations:
    """The values to score; None is "not available" (missing or stale), never "normal"."""

    respiration_rate: float | None = None
    """Breaths per minute."""
    spo2: float | None = None
    """Percent."""
    on_oxygen: bool | None = None
    """True on supplemental oxygen, False on air."""
    systolic: float | None = None
    """mmHg."""
    pulse: float | None = None
    """Per minute."""
    consciousness: str | None = None
    """ACVPU letter."""
    temperature: float | None = None
    """Core (or thermometer) temperature, °C; a wrist's skin temperature is not one."""
    spo2_scale: Literal[1, 2] = 1
    """2 only when a clinician has set a target saturation of 88–92 %."""
    stale: tuple[str, ...] = ()
    """Parameters left out because their latest reading is too old (see ``split_stale``)."""


@dataclass(frozen=True)
class News2Score:
    """A scored set."""

    total: int
    """The aggregate score (a lower bound when ``complete`` is False)."""
    scores: dict[str, int]
    """Points per scored parameter."""
    values: dict[str, float | str | bool]
    """The recorded values that were scored (after rounding)."""
    red: bool
    """Some single parameter scored 3."""
    band: Band
    """Clinical risk: low (0–4), low-medium (a 3 in one parameter), medium (5–6), high (7+)."""
    trigger: Trigger
    """Which RCP trigger applies: ``0``, ``1-4``, ``single 3``, ``5-6``, ``7+``."""
    response: str
    """The RCP's recommended clinical response."""
    missing: tuple[str, ...] = ()
    """Parameters with no value at all."""
    stale: tuple[str, ...] = ()
    """Parameters whose latest value was too old to score."""
    scale: Literal[1, 2] = 1

    @property
    def complete(self) -> bool:
        """All seven parameters were scored."""
        return not self.missing and not self.stale

    def worst(self) -> list[str]:
        """Parameters that scored, highest first."""
        return sorted((p for p, s in self.scores.items() if s), key=lambda p: (-self.scores[p], PARAMETERS.index(p)))


@dataclass(frozen=True)
class NotScored:
    """Too little fresh data to score; says what is missing and what is stale."""

    missing: tuple[str, ...] = ()
    stale: tuple[str, ...] = ()
    reason: str = ""


def classify(total: int, red: bool) -> tuple[Band, Trigger]:
    """The clinical-risk band and trigger of an aggregate score (RCP 2017, Chart 2)."""
    if total >= 7:
        return "high", "7+"
    if total >= 5:
        return "medium", "5-6"
    if red:
        return "low-medium", "single 3"
    return "low", "0" if total == 0 else "1-4"


def score(obs: Observations) -> News2Score | NotScored:
    """Score a set of observations; a partial set only with pulse, SpO2 and one of RR, systolic, temperature."""
    stale = tuple(p for p in PARAMETERS if p in obs.stale)
    present = {
        "respiration_rate": obs.respiration_rate, "spo2": obs.spo2, "air_or_oxygen": obs.on_oxygen,
        "systolic": obs.systolic, "pulse": obs.pulse, "consciousness": obs.consciousness,
        "temperature": obs.temperature,
    }
    missing = tuple(p for p in PARAMETERS if present[p] is None and p not in stale)
    absent = set(missing) | set(stale)
    lacking = [p for p in REQUIRED if p in absent]
    if lacking or all(p in absent for p in ONE_OF):
        need = " and ".join(lacking) if lacking else "respiration rate, systolic pressure or temperature"
        return NotScored(missing, stale, f"needs a fresh {need}")
    scores: dict[str, int] = {}
    values: dict[str, float | str | bool] = {}
    if obs.respiration_rate is not None and "respiration_rate" not in absent:
        scores["respiration_rate"] = respiration_score(obs.respiration_rate)
        values["respiration_rate"] = recorded("respiration_rate", obs.respiration_rate)
    if obs.spo2 is not None and "spo2" not in absent:
        if obs.spo2_scale == 2:
            # Scale 2 needs to know air or oxygen; unknown is scored as air (the lower score) and shows as missing.
            scores["spo2"] = spo2_scale2_score(obs.spo2, bool(obs.on_oxygen))
        else:
            scores["spo2"] = spo2_scale1_score(obs.spo2)
        values["spo2"] = recorded("spo2", obs.spo2)
    if obs.on_oxygen is not None and "air_or_oxygen" not in absent:
        scores["air_or_oxygen"] = oxygen_score(obs.on_oxygen)
        values["air_or_oxygen"] = "oxygen" if obs.on_oxygen else "air"
    if obs.systolic is not None and "systolic" not in absent:
        scores["systolic"] = systolic_score(obs.systolic)
        values["systolic"] = recorded("systolic", obs.systolic)
    if obs.pulse is not None and "pulse" not in absent:
        scores["pulse"] = pulse_score(obs.pulse)
        values["pulse"] = recorded("pulse", obs.pulse)
    if obs.consciousness is not None and "consciousness" not in absent:
        scores["consciousness"] = consciousness_score(obs.consciousness)
        values["consciousness"] = obs.consciousness.strip().upper()[:1]
    if obs.temperature is not None and "temperature" not in absent:
        scores["temperature"] = temperature_score(obs.temperature)
        values["temperature"] = recorded("temperature", obs.temperature)
    total = sum(scores.values())
    red = any(s == 3 for s in scores.values())
    band, trigger = classify(total, red)
    return News2Score(total, scores, values, red, band, trigger, RESPONSE[trigger], missing, stale, obs.spo2_scale)


# --- freshness ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """The latest value of one parameter and when it was taken."""

    value: float | str | bool
    at: datetime
    source: str = "wearable"
    """``wearable`` or ``manual`` (spoken, typed or recorded by a tool)."""


@dataclass(frozen=True)
class Freshness:
    """How old a parameter's latest reading may be and still be scored, by parameter (minutes)."""

    max_age_minutes: Mapping[str, float] = field(default_factory=dict)
    default_minutes: float = 60.0

    def limit(self, parameter: str) -> timedelta:
        return timedelta(minutes=self.max_age_minutes.get(parameter, self.default_minutes))


def observations(latest: Mapping[str, Reading], now: datetime, freshness: Freshness, *,
                 spo2_scale: Literal[1, 2] = 1) -> Observations:
    """The scorable ``Observations`` from each parameter's latest reading; readings too old go to ``stale``."""
    fresh: dict[str, float | str | bool] = {}
    stale: list[str] = []
    for parameter in PARAMETERS:
        reading = latest.get(parameter)
        if reading is None:
            continue
        if now - reading.at > freshness.limit(parameter):
            stale.append(parameter)
        else:
            fresh[parameter] = reading.value
    return Observations(
        respiration_rate=_number(fresh.get("respiration_rate")), spo2=_number(fresh.get("spo2")),
        on_oxygen=(fresh["air_or_oxygen"] == "oxygen" or fresh["air_or_oxygen"] is True)
        if "air_or_oxygen" in fresh else None,
        systolic=_number(fresh.get("systolic")), pulse=_number(fresh.get("pulse")),
        consciousness=str(fresh["consciousness"]) if "consciousness" in fresh else None,
        temperature=_number(fresh.get("temperature")), spo2_scale=spo2_scale, stale=tuple(stale),
    )


def _number(value: float | str | bool | None) -> float | None:
    return None if value is None or isinstance(value, bool) else float(value)
