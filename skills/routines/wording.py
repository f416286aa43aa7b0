"""What the routines skill tells caregivers, in English and Chinese: a ``Finding`` as a message; pure.

Names come from the home's config through ``Names`` (looked up by the skill), the watch's last GPS fix is
passed in when the finding is about someone who may be outside, and every time is written relative to
when the finding was made: ``09:25``, ``21:46 yesterday``, ``Mon 21:46``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from skills.routines import baseline
from skills.routines.rules import Finding
from skills.sdk import LocationReported

LANGUAGES = ("en", "zh")
TEXT: dict[str, dict[str, str]] = {
    "no_morning_activity": {
        "en": "No sign of {name} this morning: nothing since {since} ({last}).",
        "zh": "今天早上还没有{name}的动静：{since}以来没有任何活动（{last}）。"},
    "long_inactivity": {
        "en": "No movement from {name} for {hours} hours ({last}).",
        "zh": "{name}已经{hours}小时没有任何活动（{last}）。"},
    "long_away": {
        "en": "{name} went out at {out} and has not been seen at home for {hours} hours.{where}",
        "zh": "{name}在{out}出门，已经{hours}小时没有回家。{where}"},
    "bathroom_too_long": {
        "en": "{name} was last seen in the {room} at {at} and nothing has moved anywhere since "
              "({minutes} minutes): a fall is possible.",
        "zh": "{name}最后一次在{room}出现是{at}，之后{minutes}分钟到处都没有动静，可能摔倒了。"},
    "night_exit": {
        "en": "The {door} opened at {at} and {name} is not back after {minutes} minutes.{where}",
        "zh": "{door}在{at}打开，{minutes}分钟后{name}仍未回来。{where}"},
    "untouched": {
        "en": "{name} has not opened the {what} for {hours} waking hours ({last}).",
        "zh": "{name}已经{hours}个白天小时没有打开{what}（{last}）。"},
    "not_up": {
        "en": "{name} is still in bed at {at} (in bed since {since}).",
        "zh": "{name}到{at}还没有起床（{since}起在床上）。"},
    "unusual_day": {
        "en": "{name}'s day was unlike the last {days} days: {findings}.",
        "zh": "与过去{days}天相比，{name}今天不太寻常：{findings}。"},
}
WHERE = {"en": " The watch was last at {lat:.5f}, {lon:.5f} ({at}): {link}",
         "zh": "手表最后位置：{lat:.5f}, {lon:.5f}（{at}）：{link}"}
CABINETS = {"fridge": ("fridge", "冰箱"), "medicine_cabinet": ("medicine cabinet", "药柜"),
            "cabinet": ("cabinet", "柜子")}


@dataclass(frozen=True)
class Names:
    """How the home names things, from its config (the skill looks them up)."""

    person: str
    """The person's name (their id when the config has none)."""
    room: Callable[[str, str], str]
    """A room's name in a language (``en``, ``zh-CN``): ``SkillContext.room_name``."""
    devices: Mapping[str, Any]
    """Device configs by id (a door's display name and aliases)."""


def _number(value: float | None) -> str:
    return f"{value:g}"


def clock_time(ts: datetime, now: datetime, lang: str) -> str:
    """``09:25``, ``21:46 yesterday`` or ``Mon 21:46`` (in the time zone of ``now``, the home's)."""
    when = ts.astimezone(now.tzinfo)
    days = (now.date() - when.date()).days
    if days == 0:
        return f"{when:%H:%M}"
    if days == 1:
        return f"{when:%H:%M} yesterday" if lang == "en" else f"昨天{when:%H:%M}"
    return f"{when:%a %H:%M}" if lang == "en" else f"{when:%m-%d %H:%M}"


def last_seen(finding: Finding, names: Names, lang: str) -> str:
    """The person's last sign: ``last seen 10:57, hallway``, ``went out at 09:00``."""
    last, now = finding.last, finding.found
    if last is None:
        return "no sign since the hub started" if lang == "en" else "中枢启动以来没有任何活动"
    where = names.room(last.room, "zh-CN" if lang == "zh" else "en") if last.room else last.device
    if finding.went_out is not None:
        out = clock_time(finding.went_out, now, lang)
        return f"went out at {out}" if lang == "en" else f"{out}出门"
    at = clock_time(last.ts, now, lang)
    return f"last seen {at}, {where}" if lang == "en" else f"最后一次活动：{at}，{where}"


def whereabouts(fix: LocationReported | None, now: datetime, lang: str) -> str:
    """The watch's last GPS fix, as text with a map link; empty if there is none."""
    if fix is None:
        return ""
    at = clock_time(fix.ts, now, lang)
    lat, lon = float(fix.lat), float(fix.lon)
    link = f"https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=18/{lat:.5f}/{lon:.5f}"
    return WHERE[lang].format(lat=lat, lon=lon, at=at, link=link)


def door_name(door: Any | None, lang: str) -> str:
    """A door's name: its display name in English, its first ``zh-CN`` alias in Chinese."""
    if lang == "en":
        return door.display_name if door else "door"
    return ((door.aliases.get("zh-CN") or [None])[0] if door else None) or "大门"


def describe(finding: baseline.Finding, lang: str, room_name: Callable[[str, str], str]) -> str:
    """One baseline finding in words, e.g. ``no activity 06:45–09:30 (usually an active time: 10 quarter hours)``."""
    span = f"{baseline.slot_label(finding.start)}–{baseline.slot_label(finding.end)}"
    if finding.kind == "unusual_activity":
        return (f"active at unusual hours ({finding.slots} quarter hours between {span})" if lang == "en"
                else f"在不寻常的时间活动（{span}之间有{finding.slots}个一刻钟）")
    if finding.channel == baseline.ALL:
        return (f"no activity {span} (usually an active time: {finding.slots} quarter hours)" if lang == "en"
                else f"{span}没有活动，平时这段时间有活动（{finding.slots}个一刻钟）")
    room = room_name(finding.channel, "en" if lang == "en" else "zh-CN")
    return (f"nothing in the {room} {span} (usually used then: {finding.slots} quarter hours)"
            if lang == "en" else f"{span}{room}没有活动，平时这段时间有（{finding.slots}个一刻钟）")


def template(finding: Finding) -> str:
    """The key in ``TEXT`` of the finding's message."""
    if finding.subtype is not None:
        return "untouched"
    if finding.rule == "long_inactivity" and finding.went_out is not None:
        return "long_away"
    return finding.rule


def _values(finding: Finding, names: Names, fix: LocationReported | None, lang: str) -> dict[str, str]:
    """What the finding's template quotes, in ``lang``."""
    now, key = finding.found, template(finding)

    def when(ts: datetime | None) -> str:
        assert ts is not None, f"{finding.rule} needs this time"
        return clock_time(ts, now, lang)

    if key == "no_morning_activity":
        return {"since": when(finding.since), "last": last_seen(finding, names, lang)}
    if key == "not_up":
        in_bed = when(finding.since)
        if not finding.seen_start:
            in_bed = f"at least {in_bed}" if lang == "en" else f"至少{in_bed}"
        return {"at": when(finding.due), "since": in_bed}
    if key == "long_inactivity":
        return {"hours": _number(finding.limit), "last": last_seen(finding, names, lang)}
    if key == "long_away":
        return {"out": when(finding.went_out), "hours": _number(finding.limit),
                "where": whereabouts(fix, now, lang)}
    if key == "bathroom_too_long":
        room = finding.last.room if finding.last is not None else None
        return {"room": names.room(room or "", "zh-CN" if lang == "zh" else "en"), "at": when(finding.since),
                "minutes": _number(finding.limit)}
    if key == "night_exit":
        door = names.devices.get(finding.cause.device or "") if finding.cause is not None else None
        return {"door": door_name(door, lang), "at": when(finding.since), "minutes": _number(finding.limit),
                "where": whereabouts(fix, now, lang)}
    if key == "untouched":
        subtype = finding.subtype or ""
        what = CABINETS.get(subtype, (subtype.replace("_", " "), subtype))[LANGUAGES.index(lang)]
        at = when(finding.since)
        if finding.seen_start:
            seen = f"last opened {at}" if lang == "en" else f"上次打开：{at}"
        else:
            seen = f"not opened since {at}" if lang == "en" else f"{at}以来没有打开"
        return {"what": what, "hours": _number(finding.limit), "last": seen}
    if key == "unusual_day":
        verdict = finding.assessment
        assert verdict is not None, "unusual_day needs the baseline's verdict"
        return {"days": str(verdict.days),
                "findings": ("; " if lang == "en" else "；").join(describe(f, lang, names.room)
                                                                 for f in verdict.findings)}
    raise ValueError(f"no wording for {finding.rule!r}")


def message(finding: Finding, names: Names, fix: LocationReported | None = None) -> dict[str, str]:
    """The caregiver message for ``finding`` by language; ``fix`` is the watch's last GPS fix, if any."""
    text = TEXT[template(finding)]
    return {lang: text[lang].format(name=names.person, **_values(finding, names, fix, lang)) for lang in LANGUAGES}
