"""The reminders skill: "remind me at three to call Anna", "明天早上八点提醒我吃药"; what reminders there
are; cancel one. Each is said at its time on the person's speaker, in the language it was asked in, and
kept across restarts of the hub."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from skills.reminders import report, wording
from skills.reminders.events import ReminderCancelled, ReminderDue, ReminderSet
from skills.reminders.model import STORE_PREFIX, Reminder, about, at_time, soonest
from skills.reminders.request import Request, parse_when, read
from skills.reminders.when import When, resolve
from skills.sdk import IntentMatch, NoSettings, ReportDay, ReportSection, Skill, intent

LATE_AFTER = 60.0
"""Seconds past its time after which a reminder is said with an apology (the hub was down then)."""


def _seconds(slots: dict[str, object]) -> int:
    total = 0.0
    for unit, factor in (("hours", 3600), ("minutes", 60), ("seconds", 1)):
        value = slots.get(unit)
        if isinstance(value, (int, float, str)) and str(value):
            total += float(value) * factor
    return round(total)


class Reminders(Skill[NoSettings]):
    """Reminders at a time or after a while, listed and cancelled by voice, in English and Chinese."""

    async def setup(self) -> None:
        self.zone = ZoneInfo(self.ctx.timezone)
        self.reminders: dict[str, Reminder] = {}
        now = self.ctx.now()
        for key in await self.ctx.store.keys():
            if not key.startswith(STORE_PREFIX):
                continue
            try:
                reminder = Reminder.from_json(await self.ctx.store.get(key))
            except (TypeError, ValueError, KeyError) as error:
                self.ctx.log.warning("reminder %s cannot be read back, dropped: %s", key, error)
                await self.ctx.store.delete(key)
                continue
            self.reminders[reminder.id] = reminder
            self._arm(reminder)  # one whose time passed while the hub was down is said at once, late
        self.ctx.log.info("%d reminders waiting (%d overdue)", len(self.reminders),
                          sum(r.due <= now for r in self.reminders.values()))

    # -- keeping and saying ---------------------------------------------------------------------------------

    def _arm(self, reminder: Reminder) -> None:
        async def remind() -> None:
            await self._remind(reminder.id)

        self.ctx.call_later(max(0.0, (reminder.due - self.ctx.now()).total_seconds()), remind)

    async def _remind(self, reminder_id: str) -> None:
        reminder = self.reminders.pop(reminder_id, None)
        if reminder is None:  # cancelled meanwhile
            return
        await self.ctx.store.delete(STORE_PREFIX + reminder.id)  # before speaking: said once, even if the hub stops
        late = (self.ctx.now() - reminder.due).total_seconds()
        text = wording.due_text(reminder)
        if late > LATE_AFTER:
            clock = wording.at(reminder.due.astimezone(self.zone), self.ctx.now().astimezone(self.zone),
                               reminder.language).removeprefix("at ")
            text = wording.say("late", reminder.language, clock=clock) + text
        await self.ctx.emit(ReminderDue(reminder=reminder.id, task=reminder.task, due=reminder.due.isoformat(),
                                        late_seconds=max(0.0, late), person=reminder.person))
        if reminder.person or reminder.room:
            await self.ctx.say(text, person=reminder.person, room=None if reminder.person else reminder.room,
                               language=reminder.language)
            return
        # Nobody and nowhere known (typed without a name): every room with a speaker hears it.
        for room in sorted({d.room for d in self.ctx.devices(kind="speaker") if d.room}):
            await self.ctx.say(text, room=room, language=reminder.language)

    def _of(self, person: str | None) -> list[Reminder]:
        """The reminders ``person`` may hear about: theirs and nobody's (everyone's when not known)."""
        return soonest([r for r in self.reminders.values() if person is None or r.person in (person, None)])

    def _on_day(self, reminders: list[Reminder], day: object) -> list[Reminder]:
        if day not in ("today", "tomorrow"):
            return reminders
        wanted: date = self.ctx.now().astimezone(self.zone).date() + timedelta(days=1 if day == "tomorrow" else 0)
        return [r for r in reminders if r.due.astimezone(self.zone).date() == wanted]

    # -- intents ---------------------------------------------------------------------------------------------

    @intent("ReminderAdd")  # sentences/<lang>.yaml: "remind me at three to call Anna", "明天早上八点提醒我吃药"
    async def add(self, match: IntentMatch) -> str:
        language = match.language
        now = self.ctx.now().astimezone(self.zone)
        delay = _seconds(match.slots)
        if delay:  # "remind me to call Anna in 20 minutes": the time came as numbers
            said = read(f"{match.slots.get('connector') or ''} {match.slots.get('reminder_task') or ''}", language)
            request = Request(When(after=timedelta(seconds=delay)), said.task, said.connector)
        else:
            text = str(match.slots.get("reminder_request") or match.slots.get("reminder_task") or "")
            when_text = match.slots.get("reminder_when")
            request = read(text, language, when_text=str(when_text) if when_text else None)
        due = resolve(request.when, now) if request.when else None
        if due is None:
            return wording.say("need_time", language)
        if due <= now:
            return wording.say("passed", language)
        reminder = Reminder(id=uuid.uuid4().hex[:12], task=request.task, due=due.astimezone(ZoneInfo("UTC")),
                            set_at=self.ctx.now(), connector=request.connector, person=match.person,
                            room=match.room, language=language)
        self.reminders[reminder.id] = reminder
        await self.ctx.store.set(STORE_PREFIX + reminder.id, reminder.to_json())
        self._arm(reminder)
        await self.ctx.emit(ReminderSet(reminder=reminder.id, task=reminder.task, due=reminder.due.isoformat(),
                                        room=match.room, language=language, person=match.person))
        assert request.when is not None
        when = wording.after(request.when.after, language) if request.when.after else wording.at(due, now, language)
        about_what = wording.what(reminder, language)
        return wording.say("set", language, what=about_what, task=about_what, when=when)

    @intent("ReminderList")  # "what reminders do I have", "我有哪些提醒"
    async def list_reminders(self, match: IntentMatch) -> str:
        day = match.slots.get("day")
        mine = self._on_day(self._of(match.person), day)
        if not mine:
            if day in ("today", "tomorrow"):
                spoken = {"today": {"en": "today", "zh": "今天"}, "tomorrow": {"en": "for tomorrow", "zh": "明天"}}
                return wording.say("none_on", match.language,
                                   day=spoken[str(day)]["zh" if match.language.startswith("zh") else "en"])
            return wording.say("none", match.language)
        now = self.ctx.now().astimezone(self.zone)
        return wording.say("list", match.language, count=wording.count(len(mine), match.language),
                           each=wording.listed(mine, now, self.zone, match.language))

    @intent("ReminderCancel")  # "cancel the reminder about the hairdresser", "把理发那个提醒取消了"
    async def cancel(self, match: IntentMatch) -> str:
        language = match.language
        mine = self._on_day(self._of(match.person), match.slots.get("day"))
        if not mine:
            return wording.say("none", language) if not self._of(match.person) else wording.say("not_found", language)
        which = match.slots.get("which")
        if which == "all":
            for reminder in mine:
                await self._cancel(reminder)
            return wording.say("cancelled_all", language, count=len(mine))
        candidates = mine[:1] if which == "next" else self._meant(mine, match)
        if not candidates:
            return wording.say("not_found", language)
        now = self.ctx.now().astimezone(self.zone)
        if len(candidates) > 1:
            each = wording.listed(candidates[:3], now, self.zone, language)
            return wording.say("which", language, each=each.replace("; ", " or ").replace("；", "，还是"))
        reminder = candidates[0]
        await self._cancel(reminder)
        return wording.say("cancelled", language, what=wording.what(reminder, language),
                           task=wording.what(reminder, language),
                           when=wording.at(reminder.due.astimezone(self.zone), now, language))

    def _meant(self, mine: list[Reminder], match: IntentMatch) -> list[Reminder]:
        """The reminders a cancel names: by time ("my 3 o'clock reminder"), by what it is about, or by a
        remark before "cancel that reminder" ("I've already called Anna"); all of them when it names none."""
        what = str(match.slots.get("reminder_task") or "")
        if what:
            when = parse_when(what, match.language)
            if when is not None and when.hour is not None:
                return at_time(mine, when, self.zone)
            return about(mine, what, match.language)
        aside = str(match.slots.get("reminder_aside") or "")
        return (about(mine, aside, match.language) if aside else []) or mine

    async def _cancel(self, reminder: Reminder) -> None:
        self.reminders.pop(reminder.id, None)
        await self.ctx.store.delete(STORE_PREFIX + reminder.id)
        await self.ctx.emit(ReminderCancelled(reminder=reminder.id, task=reminder.task, due=reminder.due.isoformat(),
                                              person=reminder.person))

    @classmethod
    def daily_report(cls, settings: NoSettings, day: ReportDay) -> ReportSection | None:
        """The day's reminders: set, spoken (and whether late), cancelled."""
        return report.section(day)
