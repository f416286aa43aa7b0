"""What the timers skill says, in English and Chinese. Pure."""

from __future__ import annotations

from skills.sdk import localized, short_language
from skills.timers.model import Timer

REPLIES: dict[str, dict[str, str]] = {
    "started": {"en": "OK, a timer for {duration}, starting now.", "zh": "好的，{duration}的计时器开始了。"},
    "started_named": {"en": "OK, {label} is set for {duration}.", "zh": "好的，{label}开始了，{duration}。"},
    "how_long": {"en": "How long should the timer be?", "zh": "计时多久呢？"},
    "command": {"en": "I can't do things later yet, but I can remind you: say \"remind me in ten minutes to ...\".",
                "zh": "我还不能定时替您做事，不过可以到时提醒您，比如说“十分钟后提醒我……”。"},
    "none": {"en": "There's no timer running.", "zh": "现在没有计时器。"},
    "no_match": {"en": "I can't find that timer.", "zh": "没有找到这个计时器。"},
    "which": {"en": "Which timer: {labels}?", "zh": "哪个计时器？{labels}？"},
    "left": {"en": "{Label} has {left} left.", "zh": "{label}还剩{left}。"},
    "left_paused": {"en": "{Label} is paused with {left} left.", "zh": "{label}已暂停，还剩{left}。"},
    "several": {"en": "You have {count} timers. {each}", "zh": "有{count}个计时器：{each}"},
    "cancelled": {"en": "Cancelled {label}.", "zh": "已取消{label}。"},
    "cancelled_all": {"en": "Cancelled {count} timers.", "zh": "已取消{count}个计时器。"},
    "added": {"en": "Added {duration} to {label}; it has {left} left.",
              "zh": "已给{label}加了{duration}，还剩{left}。"},
    "removed": {"en": "Took {duration} off {label}; it has {left} left.",
                "zh": "已给{label}减了{duration}，还剩{left}。"},
    "removed_to_zero": {"en": "Took {duration} off {label}; its time is up.",
                        "zh": "已给{label}减了{duration}，时间到了。"},
    "paused": {"en": "Paused {label} with {left} left.", "zh": "已暂停{label}，还剩{left}。"},
    "already_paused": {"en": "{Label} is already paused.", "zh": "{label}已经暂停了。"},
    "resumed": {"en": "Resumed {label}; it has {left} left.", "zh": "已继续{label}，还剩{left}。"},
    "not_paused": {"en": "{Label} isn't paused.", "zh": "{label}没有暂停。"},
    "finished": {"en": "Time's up: {label} is done.", "zh": "时间到了：{label}到时间了。"},
    "finished_late": {"en": "Sorry, I was off when {label} ran out, {ago} ago.",
                      "zh": "抱歉，{label}在{ago}前就到时间了，当时我没在运行。"},
}


def say(key: str, language: str, **values: object) -> str:
    text = localized(REPLIES[key], language)
    label = str(values.get("label", ""))
    return text.format(Label=label[:1].upper() + label[1:], **values)


def _parts(seconds: float) -> tuple[int, int, int]:
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:  # seconds are noise next to hours
        return hours, minutes, 0
    return 0, minutes, secs


def duration(seconds: float, language: str) -> str:
    """``1 hour and 5 minutes``, ``4 minutes and 30 seconds``, ``30 seconds``; ``4分30秒``, ``1小时5分钟``."""
    hours, minutes, secs = _parts(seconds)
    if short_language(language) == "zh":
        if hours:
            return f"{hours}小时" + (f"{minutes}分钟" if minutes else "")
        if minutes and secs:
            return f"{minutes}分{secs}秒"
        return f"{minutes}分钟" if minutes else f"{secs}秒"
    parts = [f"{n} {unit}{'s' if n != 1 else ''}"
             for n, unit in ((hours, "hour"), (minutes, "minute"), (secs, "second")) if n]
    return " and ".join(parts) if parts else "0 seconds"


def length(seconds: int, language: str) -> str:
    """A timer's length as it is named by: ``10 minute``, ``1 hour 30 minute``; ``10分钟``."""
    if short_language(language) == "zh":
        return duration(seconds, language)
    hours, minutes, secs = _parts(seconds)
    return " ".join(f"{n} {unit}" for n, unit in ((hours, "hour"), (minutes, "minute"), (secs, "second")) if n)


def label(timer: Timer, language: str) -> str:
    """``the pasta timer``, ``the 10 minute timer``; ``意面计时器``, ``10分钟的计时器``."""
    if short_language(language) == "zh":
        return f"{timer.name}计时器" if timer.name else f"{length(timer.seconds, language)}的计时器"
    return f"the {timer.name} timer" if timer.name else f"the {length(timer.seconds, language)} timer"


def choices(timers: list[Timer], language: str) -> str:
    labels = [label(t, language) for t in timers]
    joiner = "还是" if short_language(language) == "zh" else " or "
    return (", " if short_language(language) == "en" else "、").join(labels[:-1]) + joiner + labels[-1]


def status(timers: list[Timer], now_left: list[float], language: str) -> str:
    """How long each of ``timers`` has left (``now_left``, in seconds, in the same order)."""
    lines = [say("left_paused" if t.due is None else "left", language, label=label(t, language),
                 left=duration(left, language)) for t, left in zip(timers, now_left)]
    if len(lines) == 1:
        return lines[0]
    if short_language(language) == "zh":
        return say("several", language, count=len(lines), each="；".join(line.rstrip("。") for line in lines) + "。")
    return say("several", language, count=len(lines), each=" ".join(lines))
