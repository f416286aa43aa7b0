"""The daily report as plain data: the header, what the core knows (activity, alerts), the skills' sections
and the timeline. ``collect`` fills it; the summary, the charts and the page only read it."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime

from assistant.report.sections import ReportSection, Text


@dataclass(frozen=True)
class Opening:
    """A door, window, fridge or cabinet contact that opened."""

    at: datetime
    device: str
    name: str
    """The device's display name, e.g. "front door"."""
    subtype: str | None
    room: str | None


@dataclass(frozen=True)
class OccupancyChange:
    """A bed or chair that became occupied or empty."""

    at: datetime
    device: str
    subtype: str | None
    occupied: bool


@dataclass(frozen=True)
class QuietPeriod:
    """The longest stretch between two activities (between the day's first and last activity)."""

    start: datetime
    end: datetime

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


@dataclass
class Activity:
    """What the person did through the day, from the home's devices."""

    motion_by_room: dict[str, list[int]] = field(default_factory=dict)
    """Motion events per room (device id when the sensor has no room), 24 counts by local hour."""
    openings: list[Opening] = field(default_factory=list)
    occupancy: list[OccupancyChange] = field(default_factory=list)
    first: datetime | None = None
    """The first activity of the day, local time; None when there was none."""
    last: datetime | None = None
    longest_quiet: QuietPeriod | None = None
    steps: int | None = None
    """Steps taken that day (from the wearable's counter); None without any step reading."""
    steps_by_hour: list[int] = field(default_factory=lambda: [0] * 24)
    location_reports: int = 0

    @property
    def motion_total(self) -> int:
        return sum(sum(hours) for hours in self.motion_by_room.values())

    def openings_by_device(self) -> dict[str, int]:
        """How often each contact opened, by display name, most first."""
        counts: dict[str, int] = {}
        for opening in self.openings:
            counts[opening.name] = counts.get(opening.name, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    @property
    def has_data(self) -> bool:
        return bool(self.first or self.motion_total or self.openings or self.occupancy or self.steps
                    or self.location_reports)


@dataclass(frozen=True)
class AlertSummary:
    """One caregiver alert about the person raised that day, and how it was answered."""

    id: str
    kind: str
    priority: str
    status: str
    """``open``, ``acknowledged`` or ``resolved`` (now, not at the end of the day)."""
    raised_at: datetime
    message: str
    """The alert's text in English (else any language it has)."""
    count: int
    """How often the condition happened while the alert was open (folded repeats included)."""
    escalations: int
    """Escalation steps taken because nobody acknowledged in time."""
    notified: tuple[str, ...]
    """Names of the caregivers it was sent to, in the order they were told."""
    acked_at: datetime | None = None
    acked_by: str | None = None
    """A caregiver id, or the person's id when they cancelled it themselves."""
    acked_by_name: str | None = None
    """Who acknowledged, as a name for people to read."""
    acked_via: str | None = None
    ack_seconds: float | None = None
    """Time from raised to acknowledged."""
    by_person: bool = False
    """Acknowledged by the person themselves (a cancel press, "I'm OK"), not by a caregiver."""
    resolved_at: datetime | None = None
    resolve_reason: str | None = None
    messages: Text = ""
    """The alert's text by language, as raised (``{"en": ..., "zh": ...}``); the page shows the reader's."""


@dataclass(frozen=True)
class SkillSection:
    """A skill's section of the report."""

    skill: str
    """The skill's id; it also names the skill's chart files (``<page>-<skill>.png``)."""
    section: ReportSection


@dataclass(frozen=True)
class FailedSection:
    """A skill whose ``daily_report`` raised (or returned something else than a section): left out."""

    skill: str
    error: str
    """The exception, as ``Type: message``."""


@dataclass(frozen=True)
class TimelineEntry:
    """A notable moment of the day, in plain words (escaped when rendered)."""

    at: datetime
    what: Text
    """What happened, as plain text or by language (the page shows the reader's)."""


@dataclass
class DailyReport:
    """One person's day."""

    person: str
    name: str
    day: date
    timezone: str
    home_name: str
    generated_at: datetime
    """Local time the report was made."""
    complete: bool
    """False while the day is still going on."""
    activity: Activity = field(default_factory=Activity)
    alerts: list[AlertSummary] = field(default_factory=list)
    sections: list[SkillSection] = field(default_factory=list)
    """The skills' sections, in ``order`` (then skill id)."""
    failed: list[FailedSection] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)

    def section(self, skill: str) -> ReportSection | None:
        """The section of the skill with id ``skill``, if it gave one."""
        return next((s.section for s in self.sections if s.skill == skill), None)

    @property
    def median_ack_seconds(self) -> float | None:
        """Median time for a caregiver to acknowledge (self-cancelled alerts left out)."""
        times = [a.ack_seconds for a in self.alerts if a.ack_seconds is not None and not a.by_person]
        return statistics.median(times) if times else None

    @property
    def has_data(self) -> bool:
        return bool(self.activity.has_data or self.alerts or self.timeline
                    or any(s.section.has_data for s in self.sections))
