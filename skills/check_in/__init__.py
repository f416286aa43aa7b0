"""Daily check-in: carehub asks each person how they feel, logs the answer, and tells caregivers when
the answer is worrying or when nobody answers.

The question is asked on the person's speaker at the configured times (10:00 by default, for every
person whose role is ``elder``), and once more if there is no answer. No answer after that raises a
low-priority alert (it goes into the caregivers' evening digest); an answer naming pain, dizziness,
a fall, breathlessness or feeling unwell ("我不舒服", "I feel dizzy") raises a medium-priority alert
with the person's own words. Saying such a thing at any other time ("I feel dizzy", "我头晕") does the
same. Every answer is logged as a ``check_in_answered`` event, so the daily report can show it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator

from skills.sdk import (
    Event, IntentMatch, Priority, ReportDay, ReportSection, ReportTable, Skill, Words, every, intent, short_language,
)

QUESTION = {"en": "Good morning! How are you feeling today?", "zh": "您好！今天感觉怎么样？"}
AGAIN = {"en": "I'm checking in: how are you feeling today?", "zh": "我想问问您，今天身体怎么样？"}
GLAD = {"en": "Glad to hear it!", "zh": "那就好！"}
SORRY = {"en": "I'm sorry to hear that. I've let your family know. If it gets worse, say \"help\".",
         "zh": "听到您不舒服，我已经告诉您的家人了。如果更严重了，请说“救命”。"}
NOTED = {"en": "Thank you for telling me.", "zh": "谢谢您告诉我。"}

# English cues are whole words; a cue preceded by a negation ("no pain", "not dizzy") does not count.
_WORRYING_EN = {
    "pain": r"pain(ful)?|hurts?|hurting|aches?|aching|sore|\w*ache|migraine",
    "dizziness": r"dizzy|dizziness|faint|light[- ]?headed|vertigo|woozy|giddy|spinning|going round|swimming",
    "fall": r"fell|fallen|falling over|tripped",
    "breathing": r"breathless|short of breath|can't breathe|cannot breathe|chest",
    "unwell": r"unwell|sick|ill|nauseous|vomit(ing|ed)?|fever|feverish|poorly|terrible|awful|bad|weak",
    "low mood": r"lonely|sad|depressed|miserable|confused",
}
_NOT_WELL_EN = re.compile(r"\bnot (feeling |so |too |very )?(well|good|great|ok|okay|fine|right)\b")
_GOOD_EN = re.compile(r"\b(good|fine|well|great|ok|okay|wonderful|lovely|alright|all right|not bad|better)\b")
_NEGATION_EN = re.compile(r"\b(no|not|never|without|any)\s+(\w+\s+)?$")

_WORRYING_ZH = {
    "pain": ["疼", "痛"],
    "dizziness": ["头晕", "晕", "眼花", "头昏", "昏沉", "天旋地转", "在转", "眼前发黑"],
    "fall": ["摔", "跌倒"],
    "breathing": ["胸闷", "喘不过气", "呼吸困难", "气短"],
    "unwell": ["不舒服", "难受", "发烧", "恶心", "想吐", "没力气", "不太好", "不好", "生病", "病了"],
    "low mood": ["孤单", "难过", "没意思", "心情不好"],
}
_GOOD_ZH = ["很好", "挺好", "不错", "还好", "还行", "好", "没事", "舒服"]
_NEGATION_ZH = ("不", "没", "没有", "别")


@dataclass(frozen=True)
class Mood:
    """How an answer reads: ``good``, ``worrying`` or ``unclear``, and the cues that decided it."""

    level: str
    cues: tuple[str, ...] = ()


def classify(answer: str) -> Mood:
    """Read a check-in answer in English or Chinese; pure, explainable (the cues that fired)."""
    text = answer.lower().strip()
    cues: list[str] = []
    if re.search(r"[\u4e00-\u9fff]", text):
        for cue, words in _WORRYING_ZH.items():
            for word in words:
                for found in re.finditer(re.escape(word), text):
                    before = text[max(0, found.start() - 2):found.start()]
                    if word[0] in "不没" or not before.endswith(_NEGATION_ZH):
                        cues.append(cue)
                        break
                if cue in cues:
                    break
        good = any(word in text for word in _GOOD_ZH)
    else:
        for cue, pattern in _WORRYING_EN.items():
            for found in re.finditer(rf"\b({pattern})\b", text):
                if not _NEGATION_EN.search(text[:found.start()]):
                    cues.append(cue)
                    break
        if _NOT_WELL_EN.search(text) and "unwell" not in cues:
            cues.append("unwell")
        good = bool(_GOOD_EN.search(_NOT_WELL_EN.sub("", text)))
    if cues:
        return Mood("worrying", tuple(dict.fromkeys(cues)))
    return Mood("good") if good else Mood("unclear")


@dataclass(frozen=True, kw_only=True)
class CheckInAnswered(Event):
    """A person answered the daily check-in (or said unprompted how they feel)."""

    question: str
    answer: str
    mood: str
    """``good``, ``worrying`` or ``unclear``."""
    cues: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class CheckInMissed(Event):
    """Nobody answered the daily check-in."""

    question: str
    asked: int = 2


@dataclass(frozen=True, kw_only=True)
class CheckInAsked(Event):
    """The daily check-in's question was put to the person (``slot``: its time, HH:MM). A check-in asked but
    neither answered nor missed when carehub stopped is taken up again at the next start."""

    slot: str
    question: str


def report_section(day: ReportDay) -> ReportSection | None:
    """The day's answers as a daily-report section (after the alerts), or None when nobody answered."""
    answers = [e for e in day.events if isinstance(e, CheckInAnswered)]
    if not answers:
        return None
    last = answers[-1]
    mood = f" (mood: {last.mood})." if last.mood else "."
    mood_zh = f"（情绪：{_mood_zh(last.mood)}）。" if last.mood else "。"
    at = f"{day.local(last.ts):%H:%M}"
    return ReportSection(
        Words("Check-ins", zh="每日问候"), 500,
        summary=(Words(f"Check-in at {at}: \u201c{last.answer}\u201d{mood}",
                       zh=f"{at} 问候的回答：“{last.answer}”{mood_zh}"),),
        tables=(ReportTable((Words("time", zh="时间"), Words("answer", zh="回答"), Words("mood", zh="情绪")),
                            tuple((f"{day.local(a.ts):%H:%M}", str(a.answer), Words(str(a.mood), zh=_mood_zh(a.mood)))
                                  for a in answers)),),
        timeline=tuple((a.ts, Words(f"check-in answered: {a.answer}" + (f" (mood: {a.mood})" if a.mood else ""),
                                    zh=f"回答了问候：{a.answer}" + (f"（情绪：{_mood_zh(a.mood)}）" if a.mood else "")))
                       for a in answers),
        activity=tuple(a.ts for a in answers), has_data=True)


_MOODS_ZH = {"good": "好", "worrying": "令人担心", "unclear": "不明确"}


def _mood_zh(mood: object) -> str:
    return _MOODS_ZH.get(str(mood), str(mood))


class PersonCheckIn(BaseModel):
    """When and how one person is asked."""

    model_config = ConfigDict(extra="forbid")

    times: list[str] = Field(default_factory=lambda: ["10:00"])
    """Local times of day, ``HH:MM``."""
    question: dict[str, str] = Field(default_factory=dict)
    """The question by language (``en``, ``zh``); the built-in one when empty."""
    answer_minutes: float = Field(5, gt=0)
    """How long to wait for an answer each time the question is asked."""
    ask_again_after_minutes: float = Field(15, ge=0)
    """Ask once more this long after an unanswered question; 0 asks only once."""

    @field_validator("times")
    @classmethod
    def _times(cls, value: list[str]) -> list[str]:
        for text in value:
            try:
                time.fromisoformat(text)
            except ValueError:
                raise ValueError(f"invalid time {text!r}, expected HH:MM") from None
        return value


class CheckInSettings(BaseModel):
    """Who is asked, and when."""

    model_config = ConfigDict(extra="forbid")

    people: dict[str, PersonCheckIn] | None = None
    """Per person; by default every person whose role is ``elder`` is asked at 10:00."""
    no_answer_priority: Priority = Priority.LOW
    worrying_priority: Priority = Priority.MEDIUM


class CheckIn(Skill[CheckInSettings]):
    """Asks each day how people feel; pages caregivers on worrying answers or none."""

    async def setup(self) -> None:
        self.zone = ZoneInfo(self.ctx.timezone)
        self.asked: set[tuple[str, date, str]] = set()
        self.started = self.ctx.now().astimezone(self.zone)
        self.ctx.call_later(0, self._take_up_unfinished)

    async def _take_up_unfinished(self) -> None:
        """Today's check-ins asked before this start and neither answered nor missed: ask once more, then alert."""
        today = datetime.combine(self.started.date(), time(0), tzinfo=self.zone)
        rows = await self.ctx.events(CheckInAsked, CheckInAnswered, CheckInMissed, since=today, limit=500)
        open_asks: dict[str, CheckInAsked] = {}
        for event in sorted(rows, key=lambda e: e.ts):
            if event.person is None:
                continue
            if isinstance(event, CheckInAsked):
                self.asked.add((event.person, self.started.date(), event.slot))
                open_asks.setdefault(event.person, event)
            elif isinstance(event, (CheckInAnswered, CheckInMissed)):
                open_asks.pop(event.person, None)
        plans = self._plans()
        for person, asked in open_asks.items():
            plan = plans.get(person)
            if plan is None:
                continue
            self.ctx.log.warning("check-in of %s asked at %s was not finished when carehub stopped; asking again",
                                 person, asked.ts.astimezone(self.zone).strftime("%H:%M"))
            self.ctx.call_later(0, functools.partial(self._check_in, person, plan, slot=asked.slot, resumed=True))

    def _plans(self) -> dict[str, PersonCheckIn]:
        if self.settings.people is not None:
            return self.settings.people
        return {d.person: PersonCheckIn() for d in self.ctx.devices()
                if d.person and (p := self.ctx.person(d.person)) is not None and p.role == "elder"}

    @every(60)
    async def tick(self) -> None:
        now = self.ctx.now().astimezone(self.zone)
        for person, plan in self._plans().items():
            for text in plan.times:
                due = datetime.combine(now.date(), time.fromisoformat(text), tzinfo=self.zone)
                key = (person, now.date(), text)
                # A check-in that fell due before the hub started is not asked late.
                if due <= now and due >= self.started.replace(second=0, microsecond=0) and key not in self.asked:
                    self.asked.add(key)
                    self.ctx.call_later(0, functools.partial(self._check_in, person, plan, slot=text))

    async def _check_in(self, person: str, plan: PersonCheckIn, *, slot: str, resumed: bool = False) -> None:
        """Ask (a check-in taken up after a restart: once, the second question), ask again, then alert."""
        profile = self.ctx.person(person)
        lang = short_language(self.ctx.language(person))
        question = plan.question.get(lang) or QUESTION[lang]
        answer = None
        if not resumed:
            await self.ctx.emit(CheckInAsked(slot=slot, question=question, person=person))
            answer = await self.ctx.ask(question, person=person, timeout=plan.answer_minutes * 60)
        if answer is None and (resumed or plan.ask_again_after_minutes > 0):
            if not resumed:
                await self.ctx.sleep(plan.ask_again_after_minutes * 60)
            answer = await self.ctx.ask(AGAIN[lang], person=person, timeout=plan.answer_minutes * 60)
        if answer is None:
            await self.ctx.emit(CheckInMissed(question=question, person=person))
            name = profile.name if profile else person
            en = " (asked twice; carehub was off for part of the time)" if resumed else " (asked twice)"
            zh = "（问了两次，其间 carehub 曾停止运行）" if resumed else "（问了两次）"
            await self.ctx.notify(
                {"en": f"{name} did not answer today's check-in{en}.", "zh": f"{name} 今天没有回答问候{zh}。"},
                priority=self.settings.no_answer_priority, person=person, kind="check_in_missed")
            return
        await self._answered(person, question, answer, lang)

    async def _answered(self, person: str, question: str, answer: str, lang: str, *, speak: bool = True) -> str:
        mood = classify(answer)
        await self.ctx.emit(CheckInAnswered(question=question, answer=answer, mood=mood.level, cues=mood.cues,
                                            person=person))
        if mood.level == "worrying":
            profile = self.ctx.person(person)
            name = profile.name if profile else person
            await self.ctx.notify(
                {"en": f"{name} said: \"{answer}\" ({', '.join(mood.cues)}).",
                 "zh": f"{name} 说：“{answer}”（{', '.join(mood.cues)}）。"},
                priority=self.settings.worrying_priority, person=person, kind="feeling_unwell")
            reply = SORRY[lang]
        else:
            reply = GLAD[lang] if mood.level == "good" else NOTED[lang]
        if speak:
            await self.ctx.say(reply, person=person, language="zh-CN" if lang == "zh" else "en")
        return reply

    @classmethod
    def daily_report(cls, settings: CheckInSettings, day: ReportDay) -> ReportSection | None:
        """The answers of the day; answering counts as activity."""
        return report_section(day)

    @intent("CareFeelingUnwell",
            en=["i (feel|am feeling|'m feeling) (dizzy|sick|unwell|faint|ill|bad|awful|terrible|weak)",
                "i('m| am) (dizzy|sick|unwell|not feeling well)", "i (don't|do not) feel (well|good)",
                "i have (a headache|chest pain|a fever|pain)", "my (chest|head|back|stomach) hurts"],
            zh_CN=["我[有点|有些|感觉|觉得]头晕", "我[有点|有些|感觉|觉得]不舒服", "我[有点|有些|感觉|觉得]难受",
                   "我胸闷", "我[有点]发烧"])
    async def feeling_unwell(self, match: IntentMatch) -> str:
        """Said unprompted: logged like a check-in answer, and caregivers told."""
        lang = short_language(match.language)
        if match.person is None:
            return NOTED[lang]
        return await self._answered(match.person, "", match.text, lang, speak=False)
