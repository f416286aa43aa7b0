"""The time and the date, asked in English or Chinese ("what time is it", "现在几点了", "what's the date",
"今天星期几"), answered in the home's time zone from the hub's clock."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from skills.clock.spoken import date_en, date_zh, time_en, time_zh
from skills.sdk import IntentMatch, NoSettings, Skill, intent, short_language


class Clock(Skill[NoSettings]):
    """Answers "what time is it" and "what's the date" on Home Assistant's grammar (and a few more ways)."""

    def _local(self) -> datetime:
        return self.ctx.now().astimezone(ZoneInfo(self.ctx.timezone))

    @intent("HassGetCurrentTime")
    async def current_time(self, match: IntentMatch) -> str:
        now = self._local()
        if short_language(match.language) == "zh":
            return time_zh(now.hour, now.minute)
        return time_en(now.hour, now.minute)

    @intent("HassGetCurrentDate")
    async def current_date(self, match: IntentMatch) -> str:
        today = self._local().date()
        return date_zh(today) if short_language(match.language) == "zh" else date_en(today)
