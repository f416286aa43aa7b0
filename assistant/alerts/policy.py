"""Alert policy as pure functions: who is told at each step, when the next step is, quiet hours.

Priorities follow IEC 60601-1-8's three levels. High: every tier-1 caregiver at once, then after
``repeat_every`` without an acknowledgement a wider round (tiers 1-2, then 1-3, ...), repeated until
someone acknowledges. Medium: one caregiver at a time in escalation order, the next after
``next_after``; when the list is exhausted, everyone each round. Low: one digest a day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from assistant.config import AlertsConfig, CaregiverConfig, HighPolicy

PRIORITIES = ("high", "medium", "low")


@dataclass(frozen=True)
class Step:
    """One round of an alert: who is told, and when the next round is due if nobody acknowledges."""

    number: int
    caregivers: tuple[str, ...]
    next_in: float | None
    """Seconds to the next step; None when this is the last."""


def plan_step(priority: str, number: int, caregivers: list[CaregiverConfig], policy: AlertsConfig, *,
              reached: bool = True) -> Step | None:
    """Step ``number`` (0-based) of an alert; None when there is no such step.

    ``reached`` False says no caregiver has received the alert yet: a high alert then never runs out of
    steps (each further step tells everyone, and is the last unless it fails again).
    """
    if not caregivers:
        return None
    ordered = sorted(caregivers, key=lambda c: c.tier)
    if priority == "high":
        if number >= policy.high.max_rounds:
            return None if reached else Step(number, tuple(c.id for c in ordered), None)
        tiers = sorted({c.tier for c in ordered})
        widest = tiers[min(number, len(tiers) - 1)]
        told = tuple(c.id for c in ordered if c.tier <= widest)
        last = number + 1 >= policy.high.max_rounds
        return Step(number, told, None if last else policy.high.repeat_every)
    if priority == "medium":
        if number >= policy.medium.max_rounds:
            return None
        told = (ordered[number].id,) if number < len(ordered) else tuple(c.id for c in ordered)
        last = number + 1 >= policy.medium.max_rounds
        return Step(number, told, None if last else policy.medium.next_after)
    if priority == "low":
        return Step(0, tuple(c.id for c in ordered), None) if number == 0 else None
    raise ValueError(f"unknown priority {priority!r}")


def retry_delay(failed_rounds: int, policy: HighPolicy) -> float:
    """Seconds until a high alert that reached nobody in ``failed_rounds`` rounds in a row is tried again.

    The first failure widens at once (the next tier may be reachable); then ``retry_first``, doubling
    up to ``retry_cap``, for as long as the alert is open: an outage of any length ends in a delivery.
    """
    if failed_rounds <= 1:
        return 0.0
    return float(min(policy.retry_first * 2 ** min(failed_rounds - 2, 30), policy.retry_cap))


def in_quiet_hours(quiet_hours: str | None, when: datetime, zone: ZoneInfo) -> bool:
    """Whether ``when`` falls in ``"HH:MM-HH:MM"`` (which may span midnight) in the home's zone."""
    if not quiet_hours:
        return False
    start_text, end_text = quiet_hours.split("-")
    start, end = time.fromisoformat(start_text), time.fromisoformat(end_text)
    now = when.astimezone(zone).time()
    return start <= now < end if start <= end else (now >= start or now < end)


def quiet_until(quiet_hours: str | None, when: datetime, zone: ZoneInfo) -> datetime | None:
    """When the quiet hours ``when`` falls in end (same zone as ``when``); None if it is not in them."""
    if not in_quiet_hours(quiet_hours, when, zone):
        return None
    assert quiet_hours is not None
    end = time.fromisoformat(quiet_hours.split("-")[1])
    local = when.astimezone(zone)
    candidate = datetime.combine(local.date(), end, tzinfo=zone)
    if candidate <= local:
        candidate += timedelta(days=1)
    return candidate.astimezone(when.tzinfo)


def next_digest(digest_at: str, now: datetime, zone: ZoneInfo) -> datetime:
    """The next digest time after ``now`` (aware, same zone as ``now``)."""
    at = time.fromisoformat(digest_at)
    local = now.astimezone(zone)
    candidate = datetime.combine(local.date(), at, tzinfo=zone)
    if candidate <= local:
        candidate += timedelta(days=1)
    return candidate.astimezone(now.tzinfo)


def fold_key(person: str | None, kind: str, device: str | None) -> str:
    """Alerts with the same key while one is open are the same condition."""
    return f"{person or '-'}|{kind}|{device or '-'}"


MESSAGES = {
    "en": {
        "title": "[{priority}] {name}: {kind}",
        "ack": "Acknowledge: {link}",
        "again": " (x{count})",
    },
    "zh": {
        "title": "【{priority}】{name}：{kind}",
        "ack": "确认收到：{link}",
        "again": "（{count}次）",
    },
}
UNREACHABLE = {
    "en": {"title": "carehub cannot reach any caregiver",
           "body": "{name}: {kind}. No caregiver could be told; please call someone who can help.\n"
                   "alert-id: {alert_id}",
           "spoken": "carehub cannot reach any caregiver. Please call someone who can help."},
    "zh": {"title": "carehub 无法联系到任何照护人",
           "body": "{name}：{kind}。没有任何照护人收到通知，请打电话找人帮忙。\nalert-id: {alert_id}",
           "spoken": "无法联系到任何照护人，请打电话找人帮忙。"},
}
"""The technical alarm, sent to every channel left and said on the home's speakers."""
PRIORITY_WORDS = {"en": {"high": "URGENT", "medium": "Attention", "low": "FYI"},
                  "zh": {"high": "紧急", "medium": "注意", "low": "提醒"}}


def render(language: str, *, priority: str, person_name: str, kind: str, message: str, alert_id: str,
           link: str, count: int = 1, step: int = 0) -> tuple[str, str]:
    """Title and body of an alert notification in the caregiver's language (en, zh).

    The last line names the alert and the escalation step, so a redelivery is recognisable as one.
    """
    lang = "zh" if language.startswith("zh") else "en"
    words = MESSAGES[lang]
    title = words["title"].format(priority=PRIORITY_WORDS[lang][priority], name=person_name, kind=kind)
    if count > 1:
        title += words["again"].format(count=count)
    body = f"{message}\n{words['ack'].format(link=link)}\nalert-id: {alert_id} step: {step}"
    return title, body
