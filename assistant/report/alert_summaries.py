"""The day's caregiver alerts about the person, with their escalation, delivery and acknowledgement: pure,
over the rows of the ``alerts`` and ``alert_log`` tables."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from assistant.config import Config
from assistant.report.model import AlertSummary
from assistant.report.words import message_text


def _parse_time(text: str | None, zone: ZoneInfo) -> datetime | None:
    if not text:
        return None
    when = datetime.fromisoformat(text)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(zone)


def raised_between(rows: list[dict[str, Any]], start: datetime, end: datetime, zone: ZoneInfo) -> list[dict[str, Any]]:
    """The alert rows raised from ``start`` (inclusive) to ``end``."""
    return [r for r in rows if (raised := _parse_time(r["raised_at"], zone)) is not None and start <= raised < end]


def summaries(config: Config, person: str, name: str, rows: list[dict[str, Any]],
              history: dict[str, list[dict[str, Any]]], zone: ZoneInfo) -> list[AlertSummary]:
    """An ``AlertSummary`` per alert row, with its transitions from ``history``."""
    out = []
    for a in rows:
        raised = _parse_time(a["raised_at"], zone)
        acked = _parse_time(a["acked_at"], zone)
        assert raised is not None
        try:
            messages = json.loads(a["messages"] or "{}")
        except ValueError:
            messages = {}
        log = history.get(a["id"], [])
        told = dict.fromkeys(h["caregiver"] for h in log if h["transition"] == "sending" and h["caregiver"])
        out.append(AlertSummary(
            id=a["id"], kind=a["kind"] or "", priority=a["priority"] or "", status=a["status"] or "",
            raised_at=raised, message=message_text(messages), count=a["count"] or 1,
            escalations=sum(1 for h in log if h["transition"] == "escalated"),
            notified=tuple(_who(config, c, person, name) for c in told),
            acked_at=acked, acked_by=a["acked_by"],
            acked_by_name=_who(config, a["acked_by"], person, name) if a["acked_by"] else None,
            acked_via=a["acked_via"],
            ack_seconds=(acked - raised).total_seconds() if acked else None,
            by_person=a["acked_by"] == person, resolved_at=_parse_time(a["resolved_at"], zone),
            resolve_reason=a["resolve_reason"], messages=_by_language(messages),
        ))
    return out


def _by_language(messages: object) -> dict[str, str] | str:
    """The stored messages as text by language (or plain text), whatever shape the row holds."""
    if isinstance(messages, dict):
        texts = {str(code): str(text) for code, text in messages.items() if isinstance(text, str) and text}
        return texts or ""
    return "" if messages is None else str(messages)


def _who(config: Config, who: str, person: str, name: str) -> str:
    """A caregiver's (or the person's own) name for an id."""
    if who == person:
        return f"{name} (themselves)"
    caregiver = config.caregiver(who)
    return caregiver.name if caregiver is not None and caregiver.name else who
