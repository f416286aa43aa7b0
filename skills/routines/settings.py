"""The routines skill's settings: one set of rules per person, validated when the config is checked."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from skills.routines.baseline import BaselineParams
from skills.routines.windows import DailyWindow, parse_clock
from skills.sdk import Priority

RULES = ("no_morning_activity", "long_inactivity", "bathroom_too_long", "night_exit", "untouched", "not_up",
         "unusual_day")


def _clock(value: str | None) -> str | None:
    if value is not None:
        parse_clock(value)
    return value


def _window(value: str | None) -> str | None:
    if value is not None:
        DailyWindow.parse(value)
    return value


class BaselineSettings(BaseModel):
    """The learned-baseline comparison (``skills.routines.baseline.BaselineParams``)."""

    model_config = ConfigDict(extra="forbid")

    usual_share: float = Field(0.75, gt=0, le=1)
    min_usual_slots: int = Field(6, ge=1)
    rare_share: float = Field(0.2, ge=0, lt=1)
    min_rare_slots: int = Field(3, ge=1)
    spread: int = Field(1, ge=0, le=4)
    min_days: int = Field(7, ge=1)
    """Days of history needed before a day is judged."""
    days: int = Field(28, ge=1, le=90)
    """Days of history the baseline is built from (the most recent ones)."""
    rooms: list[str] = Field(default_factory=lambda: ["kitchen"])
    """Rooms checked for an unusual silence of their own (the kitchen: meals)."""

    def params(self) -> BaselineParams:
        return BaselineParams(usual_share=self.usual_share, min_usual_slots=self.min_usual_slots,
                              rare_share=self.rare_share, min_rare_slots=self.min_rare_slots, spread=self.spread,
                              min_days=self.min_days)


class PersonRoutine(BaseModel):
    """One person's rules; fields set under ``people.<id>`` override ``defaults``. ``None`` turns a rule off."""

    model_config = ConfigDict(extra="forbid")

    morning_check: str | None = "10:00"
    """Rule 1: by this time there must have been a sign of the person ..."""
    morning_since: str = "04:00"
    """... since this time."""
    inactivity_hours: float | None = Field(4.0, gt=0)
    """Rule 2: hours without any sign, at home, within ``inactivity_window``."""
    inactivity_window: str = "08:00-21:00"
    away_hours: float | None = Field(8.0, gt=0)
    """Rule 2 while the person is out (a door opened, nothing inside since); None: never."""
    bathroom_minutes: float | None = Field(60.0, gt=0)
    """Rule 3: minutes since the person was last seen in a bathroom, with nothing anywhere since."""
    bathroom_rooms: list[str] = Field(default_factory=lambda: ["bathroom"])
    night_window: str | None = "22:00-06:00"
    """Rule 4: a door opening in this window starts a night exit."""
    night_exit_minutes: float = Field(15.0, gt=0)
    """Rule 4: minutes the person has to be back (door closed, then movement inside)."""
    untouched_hours: dict[str, float] = Field(default_factory=lambda: {
        "fridge": 12.0, "medicine_cabinet": 18.0, "cabinet": 18.0})
    """Rule 5: hours (within ``untouched_window``) a contact of each subtype may stay shut; leave a subtype
    out to turn it off."""
    untouched_window: str = "07:00-22:00"
    up_by: str | None = "09:30"
    """Rule 6: the bed must have been left by this time ..."""
    up_since: str = "05:00"
    """... at or after this time (a night-time bathroom trip is not getting up)."""
    baseline_check: str | None = "21:00"
    """Rule 7: when today is compared with the learned baseline."""
    baseline: BaselineSettings = Field(default_factory=BaselineSettings)
    priorities: dict[str, Priority] = Field(default_factory=dict)
    """Per rule, overriding the defaults (``DEFAULT_PRIORITY``)."""

    _clocks = field_validator("morning_check", "morning_since", "up_by", "up_since", "baseline_check")(_clock)
    _windows = field_validator("inactivity_window", "night_window", "untouched_window")(_window)

    @field_validator("priorities")
    @classmethod
    def _rules(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = set(value) - set(RULES)
        if unknown:
            raise ValueError(f"unknown rule {sorted(unknown)}; known: {', '.join(RULES)}")
        return value

    def priority(self, rule: str) -> Priority:
        return self.priorities.get(rule, DEFAULT_PRIORITY[rule])


DEFAULT_PRIORITY: dict[str, Priority] = {
    "no_morning_activity": Priority.MEDIUM, "long_inactivity": Priority.MEDIUM, "bathroom_too_long": Priority.HIGH,
    "night_exit": Priority.HIGH, "untouched": Priority.LOW, "not_up": Priority.MEDIUM, "unusual_day": Priority.LOW}


class RoutineSettings(BaseModel):
    """Settings of the routines skill: ``skills: {routines: {...}}``."""

    model_config = ConfigDict(extra="forbid")

    watch: list[str] | None = None
    """People to watch; None means everyone whose role is ``elder``."""
    defaults: PersonRoutine = Field(default_factory=PersonRoutine)
    people: dict[str, PersonRoutine] = Field(default_factory=dict)
    """Per person, e.g. ``{grandma: {morning_check: "11:00", untouched_hours: {fridge: 16}}}``."""

    def for_person(self, pid: str) -> PersonRoutine:
        """The person's rules: ``defaults`` with what is set under ``people.<id>``."""
        own = self.people.get(pid)
        return self.defaults if own is None else self.defaults.model_copy(update=own.model_dump(exclude_unset=True))
