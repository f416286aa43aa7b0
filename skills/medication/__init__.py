"""Medication: reminders on an RFC 5545 schedule, confirmation by voice, a button or the pillbox,
repeated reminders, and a caregiver alert when a dose is missed past its window; adherence kept per day.

A dose is pending from its scheduled time until it is confirmed or its window closes. Reminders are
spoken on the person's speaker at the dose time and every ``remind_every`` minutes after, and the
first one also goes to the person's phone when they have a phone bridge (``kind: phone``); a dose
still unconfirmed when its window closes raises a medium-priority alert. Pressing a configured
button (``confirm_buttons``) confirms like saying "I took my pills".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from pydantic import BaseModel, ConfigDict, Field, field_validator

from skills.medication import report
from skills.sdk import (
    ButtonPressed, IntentMatch, Notify, PillboxOpened, ReportDay, ReportSection, Skill, every, intent, on,
    short_language, tool,
)


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


def occurrences(rule: str, day: date, zone: ZoneInfo) -> list[datetime]:
    """The times a rule falls on ``day`` (aware, in ``zone``); pure."""
    start = datetime.combine(day, datetime.min.time())
    times = rrulestr(rule, dtstart=start).between(start, start + timedelta(days=1), inc=True)
    return [t.replace(tzinfo=zone) for t in times if t.date() == day]


@dataclass
class Pending:
    """A dose waiting for confirmation."""

    dose: Dose
    due: datetime
    last_reminder: datetime | None = None


REMIND = {"en": "It's time for your {name}.", "zh": "该吃{name}了。"}
THANKS = {"en": "Thank you, I've noted your {names}.", "zh": "好的，已记下您吃了{names}。"}
NOTHING = {"en": "Thanks. No dose is due right now.", "zh": "好的，现在没有需要吃的药。"}


class Medication(Skill[MedicationSettings]):
    """Reminds, confirms, escalates missed doses, and keeps adherence."""

    async def setup(self) -> None:
        self.zone = ZoneInfo(self.ctx.timezone)
        self.pending: dict[str, Pending] = {}
        self.handled: set[str] = set()

    async def _count(self, person: str, day: date, outcome: str) -> None:
        key = report.adherence_key(person, day.isoformat())
        counts = await self.ctx.store.get(key, {"taken": 0, "missed": 0})
        counts[outcome] += 1
        await self.ctx.store.set(key, counts)

    @every(60)
    async def tick(self) -> None:
        now = self.ctx.now().astimezone(self.zone)
        for dose in self.settings.doses:
            for due in occurrences(dose.rrule, now.date(), self.zone):
                key = f"{dose.person}|{dose.name}|{due.isoformat()}"
                if due <= now and key not in self.handled:
                    self.handled.add(key)
                    self.pending[key] = Pending(dose, due)
        for key, item in list(self.pending.items()):
            if now >= item.due + timedelta(minutes=item.dose.window_minutes):
                del self.pending[key]
                await self._count(item.dose.person, item.due.date(), "missed")
                profile = self.ctx.person(item.dose.person)
                name = profile.name if profile else item.dose.person
                await self.ctx.notify(
                    {"en": f"{item.dose.name} for {name} was not taken "
                           f"(due {item.due:%H:%M}).",
                     "zh": f"{name} 没有按时吃 {item.dose.name}（{item.due:%H:%M}）。"},
                    priority="medium", person=item.dose.person, kind="missed_dose")
            elif item.last_reminder is None or \
                    now - item.last_reminder >= timedelta(minutes=item.dose.remind_every_minutes):
                first = item.last_reminder is None
                item.last_reminder = now
                lang = short_language(self.ctx.language(item.dose.person))
                text = REMIND[lang].format(name=item.dose.name)
                await self.ctx.say(text, person=item.dose.person)
                if first and self.settings.phone_reminder:
                    for phone in self.ctx.devices(kind="phone"):
                        if phone.person == item.dose.person:
                            await self.ctx.command(phone.id, Notify(text=text))

    async def _confirm(self, person: str | None) -> list[str]:
        now = self.ctx.now().astimezone(self.zone)
        await self.tick()  # a dose due this very minute counts
        taken = []
        for key, item in list(self.pending.items()):
            if item.dose.person == person:
                del self.pending[key]
                taken.append(item.dose.name)
                await self._count(item.dose.person, item.due.date(), "taken")
        if not taken:  # early: the next dose within the early window
            for dose in self.settings.doses:
                if dose.person != person:
                    continue
                for due in occurrences(dose.rrule, now.date(), self.zone):
                    key = f"{dose.person}|{dose.name}|{due.isoformat()}"
                    if now < due <= now + timedelta(minutes=self.settings.early_minutes) and key not in self.handled:
                        self.handled.add(key)
                        taken.append(dose.name)
                        await self._count(dose.person, due.date(), "taken")
        return taken

    @intent("MedicationTaken", en=["i (took|have taken|'ve taken) my (pills|medicine|medication|tablets)",
                                   "(took|taken) my (pills|medicine|medication|tablets)"],
            zh_CN=["我[已经]吃[过]药了", "药[已经]吃过了"])
    async def said_taken(self, match: IntentMatch) -> str:
        taken = await self._confirm(match.person)
        lang = "zh" if match.language.startswith("zh") else "en"
        if not taken:
            return NOTHING[lang]
        return THANKS[lang].format(names=", ".join(taken))

    @on(PillboxOpened)
    async def pillbox(self, event: PillboxOpened) -> None:
        await self._confirm(event.person)

    @on(ButtonPressed)
    async def button(self, event: ButtonPressed) -> None:
        if event.device in self.settings.confirm_buttons and event.action == self.settings.confirm_action:
            taken = await self._confirm(event.person)
            lang = short_language(self.ctx.language(event.person))
            if taken and event.person:
                await self.ctx.say(THANKS[lang].format(names=", ".join(taken)), person=event.person)

    @classmethod
    def daily_report(cls, settings: MedicationSettings, day: ReportDay) -> ReportSection | None:
        """Adherence, the person's doses that day, and how each was confirmed or missed."""
        zone = ZoneInfo(day.timezone)
        scheduled = sorted(t for dose in settings.doses if dose.person == day.person
                           for t in occurrences(dose.rrule, day.date, zone))
        return report.section(day, scheduled)

    @tool
    async def adherence(self, person: str, day: str) -> dict[str, int]:
        """Doses a person took and missed on a day.

        Args:
            person: the person's id, e.g. grandma
            day: the date, YYYY-MM-DD
        """
        return await self.ctx.store.get(report.adherence_key(person, day), {"taken": 0, "missed": 0})
