"""Medication: reminders on an RFC 5545 schedule, confirmation by voice, a button or the pillbox,
repeated reminders, and a caregiver alert when a dose is missed past its window; adherence kept per day.

A dose is pending from its scheduled time until it is confirmed or its window closes. Reminders are
spoken on the person's speaker at the dose time and every ``remind_every`` minutes after, and the
first one also goes to the person's phone when they have a phone bridge (``kind: phone``); a dose
still unconfirmed when its window closes raises a medium-priority alert. Pressing a configured
button (``confirm_buttons``) confirms like saying "I took my pills".

What became of each dose is logged (``dose_due``, ``dose_taken``, ``dose_missed``, ``dose_unobserved``);
when the hub starts, the skill rebuilds today from those rows, so a restart neither repeats an alert nor
forgets a confirmation. A dose whose window closed while carehub was off is logged as unobserved, not
alerted (docs/care/README.md, "Medication").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from pydantic import BaseModel, ConfigDict, Field, field_validator

from skills.medication import report
from skills.medication.doses import DoseKey, counts, day_summary, key_of, logged_key, occurrences, outcomes
from skills.medication.events import DoseDue, DoseMissed, DoseTaken, DoseUnobserved
from skills.sdk import (
    ButtonPressed, DaySummaryUpdated, IntentMatch, Notify, PillboxOpened, ReportDay, ReportSection, Skill, every,
    intent, on, short_language, tool,
)

__all__ = ["Dose", "DoseDue", "DoseMissed", "DoseTaken", "DoseUnobserved", "Medication", "MedicationSettings",
           "occurrences"]

LOGGED_ROWS = 10_000
"""At most this many of the skill's rows are read back at start or for a day (a few per dose)."""


class Dose(BaseModel):
    """One scheduled medication."""

    model_config = ConfigDict(extra="forbid")

    name: str
    person: str
    rrule: str
    """RFC 5545 rule in the home's time zone, e.g. ``FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0``."""
    window_minutes: float = Field(60, gt=0)
    remind_every_minutes: float = Field(15, gt=0)

    @field_validator("rrule")
    @classmethod
    def _valid(cls, value: str) -> str:
        try:
            rrulestr(value, dtstart=datetime(2026, 1, 1))
        except (ValueError, TypeError) as error:
            raise ValueError(f"invalid rrule {value!r}: {error}") from None
        return value

    @property
    def window(self) -> timedelta:
        return timedelta(minutes=self.window_minutes)

    @property
    def remind_every(self) -> timedelta:
        return timedelta(minutes=self.remind_every_minutes)


class MedicationSettings(BaseModel):
    """The household's medication schedule."""

    model_config = ConfigDict(extra="forbid")

    doses: list[Dose] = Field(default_factory=list)
    early_minutes: float = Field(30, ge=0)
    """A pillbox opened this long before a dose still counts for it."""
    confirm_buttons: list[str] = Field(default_factory=list)
    """Button devices whose press (``confirm_action``) means "I took my pills"."""
    confirm_action: str = "single"
    """``single``, ``double`` or ``long``: a panic pendant's single press stays an SOS."""
    phone_reminder: bool = True
    """Also send the first reminder of each dose to the person's phone bridge, if they have one."""


def scheduled(settings: MedicationSettings, person: str, day: date, zone: ZoneInfo) -> list[tuple[str, datetime]]:
    """(medication, time) of ``person``'s doses on ``day``; pure."""
    return [(dose.name, due) for dose in settings.doses if dose.person == person
            for due in occurrences(dose.rrule, day, zone)]


@dataclass
class Pending:
    """A dose waiting for confirmation."""

    dose: Dose
    due: datetime
    last_reminder: datetime | None = None
    reminded_by: str | None = None
    """The id of its ``dose_due`` row, once the first reminder was given."""


REMIND = {"en": "It's time for your {name}.", "zh": "该吃{name}了。"}
THANKS = {"en": "Thank you, I've noted your {names}.", "zh": "好的，已记下您吃了{names}。"}
NOTHING = {"en": "Thanks. No dose is due right now.", "zh": "好的，现在没有需要吃的药。"}


class Medication(Skill[MedicationSettings]):
    """Reminds, confirms, escalates missed doses, and keeps adherence."""

    async def setup(self) -> None:
        self.zone = ZoneInfo(self.ctx.timezone)
        self.started = self.ctx.now()
        self.pending: dict[DoseKey, Pending] = {}
        self.settled: set[DoseKey] = set()  # taken, missed or unobserved: never reminded or alerted again
        self.reminded: dict[DoseKey, DoseDue] = {}  # first reminders logged before this start
        self.summed: dict[str, tuple[date, str, dict]] = {}  # the day summary each person was last given
        self.changed: set[str] = set()  # people whose doses changed since their day was last summed up
        await self._restore()  # the first tick, a minute after start, takes up the doses already due
        await self._sum_up({dose.person for dose in self.settings.doses})

    async def _restore(self) -> None:
        """Today (and yesterday, for a window that runs past midnight) from the skill's own rows."""
        since = datetime.combine(self._today(self.started) - timedelta(days=1), time(0), tzinfo=self.zone)
        logged = await self.ctx.events(DoseDue, DoseTaken, DoseMissed, DoseUnobserved, since=since,
                                       limit=LOGGED_ROWS)
        for event in logged:
            key = logged_key(event) if isinstance(event, (DoseDue, DoseTaken, DoseMissed, DoseUnobserved)) else None
            if key is None:
                continue  # a row this version cannot read
            if isinstance(event, DoseDue):
                self.reminded.setdefault(key, event)
            else:
                self.settled.add(key)
        self.ctx.log.info("medication: %d doses since %s already settled, %d reminded and open", len(self.settled),
                          since.date(), len(set(self.reminded) - self.settled))

    def _today(self, now: datetime) -> date:
        return now.astimezone(self.zone).date()

    async def _discover(self, now: datetime) -> None:
        """Track each dose that has fallen due; one whose window closed before this start is unobserved."""
        today = self._today(now)
        midnight = datetime.combine(today, time(0), tzinfo=self.zone)
        for dose in self.settings.doses:
            for day in (today - timedelta(days=1), today):
                for due in occurrences(dose.rrule, day, self.zone):
                    key = key_of(dose.person, dose.name, due)
                    closes = due + dose.window
                    if due > now or key in self.settled or key in self.pending or (day < today and closes <= midnight):
                        continue  # yesterday's dose is looked at only while its window runs past midnight
                    if closes <= self.started:
                        # carehub was off when its window closed: it cannot know, so it does not page.
                        self.settled.add(key)
                        await self.ctx.emit(DoseUnobserved(dose=dose.name, due=_iso(due), person=dose.person))
                        self.changed.add(dose.person)
                        continue
                    self.pending[key] = self._resumed(key, dose, due, now)
        self.settled = {key for key in self.settled if key[2] >= midnight - timedelta(days=1)}

    def _resumed(self, key: DoseKey, dose: Dose, due: datetime, now: datetime) -> Pending:
        """A dose to track; one already reminded before this start keeps its rhythm of reminders."""
        first = self.reminded.pop(key, None)
        if first is None:
            return Pending(dose, due)
        steps = max(0, (now - first.ts) // dose.remind_every)
        return Pending(dose, due, last_reminder=first.ts + steps * dose.remind_every, reminded_by=first.id)

    @every(60)
    async def tick(self) -> None:
        now = self.ctx.now()
        self.changed = set()
        await self._discover(now)
        for key, item in list(self.pending.items()):
            if now >= item.due + item.dose.window:
                if self.pending.pop(key, None) is None:
                    continue  # confirmed meanwhile
                self.settled.add(key)
                await self._missed(item)
            elif key in self.pending and (item.last_reminder is None
                                          or now - item.last_reminder >= item.dose.remind_every):
                await self._remind(item, now)  # unless confirmed while an earlier dose was being handled
        new_day = {person for person, (day, _, _) in self.summed.items() if day != self._today(now)}
        await self._sum_up(self.changed | new_day)

    async def _sum_up(self, people: set[str]) -> None:
        """Today's doses of each of ``people`` at a glance (``day_summary_updated``, "Medication today" in Home
        Assistant), when it changed: read back from the skill's rows, like the daily report."""
        now = self.ctx.now()
        today = self._today(now)
        start = datetime.combine(today, time(0), tzinfo=self.zone)
        end = datetime.combine(today + timedelta(days=1), time(0), tzinfo=self.zone)
        for person in sorted(people):
            logged = await self.ctx.events(DoseDue, DoseTaken, DoseMissed, DoseUnobserved, person=person,
                                           since=start, until=end, limit=LOGGED_ROWS)
            doses = outcomes(person, scheduled(self.settings, person, today, self.zone), logged, start=start,
                             end=end, complete=False)
            summary, details = day_summary(doses, now, self.zone)
            if self.summed.get(person) != (today, summary, details):
                self.summed[person] = (today, summary, details)
                await self.ctx.emit(DaySummaryUpdated(subject="medication", title="Medication today",
                                                      summary=summary, details=details, person=person))

    async def _missed(self, item: Pending) -> None:
        # The alert first, then the row: a stop between the two leaves the dose unobserved, never unalerted.
        profile = self.ctx.person(item.dose.person)
        name = profile.name if profile else item.dose.person
        local = item.due.astimezone(self.zone)
        alert = await self.ctx.notify(
            {"en": f"{item.dose.name} for {name} was not taken (due {local:%H:%M}).",
             "zh": f"{name} 没有按时吃 {item.dose.name}（{local:%H:%M}）。"},
            priority="medium", person=item.dose.person, kind="missed_dose")
        await self.ctx.emit(DoseMissed(dose=item.dose.name, due=_iso(item.due), alert=alert.id,
                                       person=item.dose.person, cause=item.reminded_by))
        self.changed.add(item.dose.person)

    async def _remind(self, item: Pending, now: datetime) -> None:
        first = item.last_reminder is None
        item.last_reminder = now
        if first:
            due_row = await self.ctx.emit(DoseDue(dose=item.dose.name, due=_iso(item.due), person=item.dose.person,
                                                  late_seconds=max(0.0, (now - item.due).total_seconds())))
            item.reminded_by = due_row.id
            self.changed.add(item.dose.person)
        lang = short_language(self.ctx.language(item.dose.person))
        text = REMIND[lang].format(name=item.dose.name)
        await self.ctx.say(text, person=item.dose.person)
        if first and self.settings.phone_reminder:
            for phone in self.ctx.devices(kind="phone"):
                if phone.person == item.dose.person:
                    await self.ctx.command(phone.id, Notify(text=text))

    async def _confirm(self, person: str | None, how: str) -> list[str]:
        now = self.ctx.now()
        await self._discover(now)  # a dose due this very minute counts
        taken: list[tuple[Dose, datetime]] = []
        for key, item in list(self.pending.items()):
            if item.dose.person == person and now < item.due + item.dose.window:
                del self.pending[key]
                self.settled.add(key)
                taken.append((item.dose, item.due))
        if not taken:  # early: the next dose within the early window
            for dose in self.settings.doses:
                if dose.person != person:
                    continue
                for due in occurrences(dose.rrule, self._today(now), self.zone):
                    key = key_of(dose.person, dose.name, due)
                    if now < due <= now + timedelta(minutes=self.settings.early_minutes) and key not in self.settled:
                        self.settled.add(key)
                        taken.append((dose, due))
        for dose, due in taken:
            await self.ctx.emit(DoseTaken(dose=dose.name, due=_iso(due), how=how, early=due > now, person=dose.person))
        await self._sum_up({dose.person for dose, _ in taken})
        return [dose.name for dose, _ in taken]

    @intent("MedicationTaken", en=["i (took|have taken|'ve taken) my (pills|medicine|medication|tablets)",
                                   "(took|taken) my (pills|medicine|medication|tablets)"],
            zh_CN=["我[已经]吃[过]药了", "药[已经]吃过了"])
    async def said_taken(self, match: IntentMatch) -> str:
        taken = await self._confirm(match.person, "voice")
        lang = "zh" if match.language.startswith("zh") else "en"
        if not taken:
            return NOTHING[lang]
        return THANKS[lang].format(names=", ".join(taken))

    @on(PillboxOpened)
    async def pillbox(self, event: PillboxOpened) -> None:
        await self._confirm(event.person, "pillbox")

    @on(ButtonPressed)
    async def button(self, event: ButtonPressed) -> None:
        if event.device in self.settings.confirm_buttons and event.action == self.settings.confirm_action:
            taken = await self._confirm(event.person, "button")
            lang = short_language(self.ctx.language(event.person))
            if taken and event.person:
                await self.ctx.say(THANKS[lang].format(names=", ".join(taken)), person=event.person)

    @classmethod
    def daily_report(cls, settings: MedicationSettings, day: ReportDay) -> ReportSection | None:
        """Each dose of the day once (taken, missed, not observed, to come) and confirmations that found none due."""
        return report.section(day, scheduled(settings, day.person, day.date, ZoneInfo(day.timezone)))

    @tool
    async def adherence(self, person: str, day: str) -> dict[str, int]:
        """Doses a person had scheduled on a day, and how many were taken, missed, unobserved or are pending.

        Args:
            person: the person's id, e.g. grandma
            day: the date, YYYY-MM-DD
        """
        try:
            the_day = date.fromisoformat(day)
        except ValueError:
            raise ValueError(f"day: not a date: {day!r} (use YYYY-MM-DD, e.g. 2026-01-05)") from None
        start = datetime.combine(the_day, time(0), tzinfo=self.zone)
        end = datetime.combine(the_day + timedelta(days=1), time(0), tzinfo=self.zone)
        logged = await self.ctx.events(DoseDue, DoseTaken, DoseMissed, DoseUnobserved, person=person,
                                       since=start, until=end, limit=LOGGED_ROWS)
        doses = outcomes(person, scheduled(self.settings, person, the_day, self.zone), logged,
                         start=start, end=end, complete=self.ctx.now() >= end)
        return counts(doses)


def _iso(due: datetime) -> str:
    return due.astimezone(timezone.utc).isoformat()
