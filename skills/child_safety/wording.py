"""What the child_safety skill says, in English and Chinese: the last position in words, the alerts'
messages, the bedtime reminder and the spoken answers to "where is Leo?". Pure: data in, text out.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timezone, tzinfo

from skills.child_safety.rules import Whereabouts
from skills.child_safety.settings import Curfew, Zone, ZoneWindow
from skills.child_safety.state import Fix
from skills.sdk import localized, short_language


def _distance(metres: float, lang: str) -> str:
    if metres >= 1000:
        return f"{metres / 1000:.1f} 公里" if lang == "zh" else f"{metres / 1000:.1f} km"
    return f"{metres:.0f} 米" if lang == "zh" else f"{metres:.0f} m"


def _age(seconds: float, lang: str) -> str:
    minutes = int(max(0.0, seconds) // 60)
    if minutes < 1:
        return "刚刚" if lang == "zh" else "just now"
    hours, minutes = divmod(minutes, 60)
    if lang == "zh":
        return " ".join([f"{hours} 小时"] * bool(hours) + [f"{minutes} 分钟"] * bool(minutes)) + "前"
    return " ".join([f"{hours} h"] * bool(hours) + [f"{minutes} min"] * bool(minutes)) + " ago"


def zone_name(zones: Mapping[str, Zone], zone: str, lang: str) -> str:
    """A zone's name in ``lang`` (``zh`` also matches ``zh-CN``), else its id."""
    names = zones[zone].names if zone in zones else {}
    return names.get(lang) or next((v for k, v in names.items() if k.split("-")[0] == lang), zone)


def map_link(template: str, fix: Fix) -> str:
    """``template`` (settings ``map_link``) with the fix's ``{lat}`` / ``{lon}`` filled in."""
    return template.format(lat=f"{fix.lat:.6f}", lon=f"{fix.lon:.6f}")


def last_seen(fix: Fix | None, where: Whereabouts | None, lang: str, *, now: float, tz: tzinfo,
              zones: Mapping[str, Zone], link: str | None) -> str:
    """The last position in words: where, how old (at ``now``, epoch seconds; the clock time in ``tz``),
    how accurate, and (for a screen) the map ``link``."""
    if fix is None:
        return "手表还没有发送过位置。" if lang == "zh" else "the watch has sent no position yet."
    age = _age(now - fix.at, lang)
    at = f"{datetime.fromtimestamp(fix.at, tz=timezone.utc).astimezone(tz):%H:%M}"
    if where is None:
        place = ""
    elif where.distance_m is None:
        name = zone_name(zones, where.zone, lang)
        place = f"在{name}" if lang == "zh" else f"at {name}"
    else:
        far = _distance(where.distance_m, lang)
        name = zone_name(zones, where.zone, lang)
        place = f"距离{name} {far}" if lang == "zh" else f"{far} from {name}"
    if lang == "zh":
        accuracy = f"（±{fix.accuracy:.0f} 米）" if fix.accuracy is not None else ""
        tail = f"地图：{link}" if link is not None else ""
        return f"最后位置：{age}（{at}），{place}{accuracy}。{tail}"
    accuracy = f" (±{fix.accuracy:.0f} m)" if fix.accuracy is not None else ""
    tail = f" Map: {link}" if link is not None else ""
    return f"last seen {age} ({at}), {place}{accuracy}.{tail}"


# --- alerts ---------------------------------------------------------------------------------------------


def why_expected(rule: ZoneWindow | Curfew, zones: Mapping[str, Zone]) -> dict[str, str]:
    """Why leaving mattered, by language: the window the child was expected in, or the curfew."""
    if isinstance(rule, ZoneWindow):
        hours = f"{rule.start:%H:%M}-{rule.end:%H:%M}"
        return {"en": f"expected at {zone_name(zones, rule.zone, 'en')} {hours}",
                "zh": f"{hours} 应在{zone_name(zones, rule.zone, 'zh')}"}
    return {"en": f"after curfew ({rule.at:%H:%M})", "zh": f"宵禁（{rule.at:%H:%M}）之后"}


def left_zone(name: str, zone: str, left_at: datetime, rule: ZoneWindow | Curfew, zones: Mapping[str, Zone],
              position: Mapping[str, str]) -> dict[str, str]:
    """"Leo left school at about 10:46 (expected at school 08:30-15:30); last seen ..." by language."""
    why = why_expected(rule, zones)
    return {"en": f"{name} left {zone_name(zones, zone, 'en')} at about {left_at:%H:%M} ({why['en']}); "
                  f"{position['en']}",
            "zh": f"{name} 约 {left_at:%H:%M} 离开了{zone_name(zones, zone, 'zh')}（{why['zh']}）。"
                  f"{position['zh']}"}


def not_home(name: str, at: time, position: Mapping[str, str], *, curfew: bool) -> dict[str, str]:
    """"Leo is not home by 17:30: last seen ..." (or "at curfew (21:00)") by language."""
    if curfew:
        en, zh = f"{name} is not home at curfew ({at:%H:%M})", f"{name} 宵禁时间（{at:%H:%M}）还没有到家"
    else:
        en, zh = f"{name} is not home by {at:%H:%M}", f"{name} {at:%H:%M} 还没有到家"
    return {"en": f"{en}: {position['en']}", "zh": f"{zh}。{position['zh']}"}


def not_arrived(name: str, window: ZoneWindow, checked_at: time, zones: Mapping[str, Zone],
                position: Mapping[str, str]) -> dict[str, str]:
    """"Leo has not arrived at school (expected from 08:30, checked at 09:00): last seen ..." by language."""
    return {"en": f"{name} has not arrived at {zone_name(zones, window.zone, 'en')} (expected from "
                  f"{window.start:%H:%M}, checked at {checked_at:%H:%M}): {position['en']}",
            "zh": f"{name} 还没有到{zone_name(zones, window.zone, 'zh')}（{window.start:%H:%M} 起应在，"
                  f"{checked_at:%H:%M} 检查）。{position['zh']}"}


# --- spoken ---------------------------------------------------------------------------------------------


def bedtime_reminder(reminder: dict[str, str], language: str | None, name: str) -> str:
    """The reminder in the child's language (``people[].language``), ``{name}`` filled in."""
    return localized(reminder, short_language(language)).replace("{name}", name)


def where_reply(name: str, position: str | None, lang: str) -> str:
    """The answer to "where is Leo?": ``position`` is the last position in words, None without any fix."""
    if position is None:
        return f"{name} 的手表还没有发送过位置。" if lang == "zh" else f"{name}'s watch has sent no position yet."
    return f"{name}{position}" if lang == "zh" else f"{name}: {position}"


def unknown_child_reply(names: list[str], lang: str) -> str:
    """The answer when the child asked about has no watch here; ``names`` are those who do."""
    known = ", ".join(names)
    if lang == "zh":
        return f"我只知道戴手表的孩子在哪里：{known}。" if known else "还没有设置孩子的位置。"
    return f"I only know where these children are: {known}." if known else "No child's watch is set up."
