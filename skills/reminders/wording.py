"""What the reminders skill says, in English and Chinese: the time of a reminder as people say it, and
the replies. Pure."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from skills.reminders.model import Reminder
from skills.reminders.request import as_yours
from skills.sdk import localized, short_language

WEEKDAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]
WEEKDAYS_ZH = "一二三四五六日"
DIGITS_ZH = "零一二三四五六七八九"

REPLIES: dict[str, dict[str, str]] = {
    "set": {"en": "OK, I'll remind you{what} {when}.", "zh": "好的，{when}提醒您{task}。"},
    "need_time": {"en": "When should I remind you? For example: \"remind me at three to call Anna\".",
                  "zh": "什么时候提醒您呢？比如说“下午三点提醒我给安娜打电话”。"},
    "passed": {"en": "That time has already passed today.", "zh": "这个时间今天已经过了。"},
    "none": {"en": "You have no reminders.", "zh": "您现在没有提醒。"},
    "none_on": {"en": "You have no reminders {day}.", "zh": "{day}没有提醒。"},
    "list": {"en": "You have {count}: {each}.", "zh": "您有{count}个提醒：{each}。"},
    "cancelled": {"en": "OK, I've cancelled the reminder{what} {when}.", "zh": "好的，已取消{when}{task}的提醒。"},
    "cancelled_all": {"en": "OK, I've cancelled all {count} reminders.", "zh": "好的，已取消全部{count}个提醒。"},
    "not_found": {"en": "I couldn't find that reminder.", "zh": "没有找到这个提醒。"},
    "which": {"en": "Which one: {each}?", "zh": "哪一个？{each}？"},
    "late": {"en": "Sorry, I was off at {clock}, so this is late. ", "zh": "抱歉，我刚才没在运行，{clock}的提醒晚了。"},
}
DUE = {
    "to": {"en": "It's time to {task}.", "zh": "提醒您：{task}。"},
    "that": {"en": "A reminder that {task}.", "zh": "提醒您：{task}。"},
    "about": {"en": "A reminder about {task}.", "zh": "提醒您：{task}。"},
    "": {"en": "This is your reminder.", "zh": "到时间了，这是您的提醒。"},
}


def say(key: str, language: str, **values: object) -> str:
    return localized(REPLIES[key], language).format(**values)


# -- times --------------------------------------------------------------------------------------------------


def clock_en(hour: int, minute: int) -> str:
    """``3 pm``, ``3:30 pm``, ``noon``, ``midnight``, ``12:30 pm``."""
    if minute == 0 and hour in (0, 12):
        return "midnight" if hour == 0 else "noon"
    twelve = hour % 12 or 12
    suffix = "am" if hour < 12 else "pm"
    return f"{twelve} {suffix}" if minute == 0 else f"{twelve}:{minute:02d} {suffix}"


def _zh_number(n: int) -> str:
    if n < 10:
        return DIGITS_ZH[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else DIGITS_ZH[tens]) + "十" + (DIGITS_ZH[ones] if ones else "")


def clock_zh(hour: int, minute: int) -> str:
    """``下午三点``, ``上午八点半``, ``晚上九点十分``, ``下午两点零五分``."""
    if hour < 5:
        period = "凌晨"
    elif hour < 9:
        period = "早上"
    elif hour < 12:
        period = "上午"
    elif hour < 13:
        period = "中午"
    elif hour < 18:
        period = "下午"
    else:
        period = "晚上"
    twelve = hour % 12 or (12 if hour == 12 else 0)
    spoken = "两" if twelve == 2 else _zh_number(twelve)
    rest = "" if minute == 0 else "半" if minute == 30 else f"零{_zh_number(minute)}分" if minute < 10 \
        else f"{_zh_number(minute)}分"
    return f"{period}{spoken}点{rest}"


def at(due: datetime, now: datetime, language: str) -> str:
    """When ``due`` is, from ``now`` (both in the home's zone): "at 3 pm", "tomorrow at 8 am", "on Thursday at
    11 am"; 今天下午三点, 明天早上八点, 星期四上午十一点."""
    days = (due.date() - now.date()).days
    if short_language(language) == "zh":
        day = {0: "今天", 1: "明天", 2: "后天"}.get(days)
        if day is None:
            day = f"星期{WEEKDAYS_ZH[due.weekday()]}" if 0 < days < 7 else f"{due.month}月{due.day}日"
        return day + clock_zh(due.hour, due.minute)
    clock = clock_en(due.hour, due.minute)
    if days == 0:
        return f"at {clock}"
    if days == 1:
        return f"tomorrow at {clock}"
    if 0 < days < 7:
        return f"on {WEEKDAYS_EN[due.weekday()]} at {clock}"
    return f"on {due.day} {MONTHS_EN[due.month - 1]} at {clock}"


def after(delay: timedelta, language: str) -> str:
    """"in 20 minutes", "in 1 hour and 30 minutes"; 20分钟后, 1小时30分钟后."""
    minutes = round(delay.total_seconds() / 60)
    hours, minutes = divmod(minutes, 60)
    if short_language(language) == "zh":
        return (f"{hours}小时" if hours else "") + (f"{minutes}分钟" if minutes or not hours else "") + "后"
    parts = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in ((hours, "hour"), (minutes, "minute")) if n]
    return "in " + (" and ".join(parts) if parts else "a moment")


# -- what a reminder is about ---------------------------------------------------------------------------------


def what(reminder: Reminder, language: str) -> str:
    """" to call Anna", " about your eye drops", " that the doctor's coming" (English); the task (Chinese)."""
    task = as_yours(reminder.task, language)
    if short_language(language) == "zh" or not task:
        return task
    return f" {reminder.connector or 'about'} {task}"


def due_text(reminder: Reminder) -> str:
    """What is said when the reminder's time comes, in the language it was asked in."""
    task = as_yours(reminder.task, reminder.language)
    table = DUE[reminder.connector if task and reminder.connector in DUE else ("about" if task else "")]
    if short_language(reminder.language) == "zh":
        table = DUE["to" if task else ""]
    return localized(table, reminder.language).format(task=task)


def listed(reminders: list[Reminder], now: datetime, zone: tzinfo, language: str) -> str:
    """Each reminder with its time, joined: "to call Anna at 3 pm; about the doctor tomorrow at 9 am"."""
    items = []
    for reminder in reminders:
        when = at(reminder.due.astimezone(zone), now, language)
        if short_language(language) == "zh":
            items.append(f"{when}{what(reminder, language) or '的提醒'}")
        else:
            items.append(f"{what(reminder, language).strip() or 'a reminder'} {when}")
    return ("；" if short_language(language) == "zh" else "; ").join(items)


def count(n: int, language: str) -> str:
    if short_language(language) == "zh":
        return str(n)
    return f"{n} reminder{'s' if n != 1 else ''}"
