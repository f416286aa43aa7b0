"""The caregiver app's HTML, server-rendered: pure functions from alerts, history and causes to page text.

Everything shown is escaped here; times are in the home's time zone, words in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from assistant.alerts.delivery import APP_CHANNEL
from assistant.alerts.model import Alert, AlertStatus, Transition
from assistant.app_web.strings import kind_name, local_time, words
from assistant.config import Config

STATUS_RANK = {AlertStatus.OPEN: 0, AlertStatus.ACKNOWLEDGED: 1, AlertStatus.RESOLVED: 2}
PRIORITY_RANK = {"high": 0, "medium": 1, "low": 2}
SECURITY_HEADERS = {
    "Cache-Control": "no-store",  # health data: no shared cache keeps a copy
    "Referrer-Policy": "same-origin",  # no-referrer would make a browser send "Origin: null"
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
}


@dataclass(frozen=True)
class Reader:
    """Who a page is rendered for: their words, the home's time zone and clock, their forms' token."""

    config: Config
    language: str
    name: str
    csrf: str
    now: datetime
    people: tuple[str, ...] = ()
    """Whose person pages they may open, in config.yaml's order (the navigation links each)."""

    @property
    def words(self) -> dict[str, str]:
        return words(self.language)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.config.home.timezone)

    def time(self, when: datetime | None) -> str:
        return local_time(when, self.now, self.zone, self.language) if when else ""

    def who(self, holder: str | None) -> str:
        """A caregiver's or person's name for an id (``admin:x`` as it is)."""
        if not holder:
            return ""
        caregiver = self.config.caregiver(holder)
        if caregiver is not None:
            return caregiver.name or caregiver.id
        person = self.config.person(holder)
        return person.name if person else holder

    def person_name(self, person: str | None) -> str:
        found = self.config.person(person) if person else None
        return found.name if found else (person or self.words["household"])


def html_lang(language: str) -> str:
    return "zh-CN" if language.lower().startswith("zh") else "en"


def page(title: str, body: str, *, language: str, csrf: str = "", live: bool = False) -> str:
    """A whole page at phone width: the app's one stylesheet and one script, no build step."""
    meta = f'<meta name="csrf" content="{escape(csrf)}">' if csrf else ""
    return ("<!doctype html>"
            f'<html lang="{html_lang(language)}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title>{meta}"
            '<link rel="stylesheet" href="/app/static/app.css">'
            '<script src="/app/static/app.js" defer></script></head>'
            f"<body{' data-live=1' if live else ''}><main>{body}</main></body></html>")


def rank(alert: Alert) -> str:
    """Sorts the inbox: open first, then by priority, then newest first (as text, for the page's script too)."""
    newest = 10**11 - int(alert.raised_at.timestamp())
    return f"{STATUS_RANK[alert.status]}{PRIORITY_RANK.get(alert.priority.value, 3)}{newest:011d}"


def sort_alerts(alerts: list[Alert]) -> list[Alert]:
    return sorted(alerts, key=rank)


def where(config: Config, alert: Alert) -> str:
    """The device's room (or name) the alert came from, if any."""
    device = config.device(alert.device) if alert.device else None
    if device is None:
        return ""
    return (device.room or device.display_name).replace("-", " ")


def _form(action: str, reader: Reader, button: str, *, note: bool = False, css: str = "") -> str:
    field = (f'<label>{escape(reader.words["note"])}<textarea name="note" maxlength="500" rows="2"></textarea>'
             "</label>") if note else ""
    return (f'<form method="post" action="{escape(action)}" class="action {css}">'
            f'<input type="hidden" name="csrf" value="{escape(reader.csrf)}">{field}'
            f'<button type="submit">{escape(button)}</button></form>')


def alert_summary(alert: Alert, reader: Reader) -> str:
    """Priority, person, what happened, when, where, status: the lines every view of an alert starts with."""
    w = reader.words
    place = where(reader.config, alert)
    repeat = f" · {escape(w['times'].format(count=alert.count))}" if alert.count > 1 else ""
    meta = [f'<time datetime="{alert.raised_at.isoformat()}">{escape(reader.time(alert.raised_at))}</time>']
    if place:
        meta.append(escape(w["at"].format(where=place)))
    status = w["status_" + alert.status.value]
    if alert.status is AlertStatus.ACKNOWLEDGED and alert.acked_by:
        status = w["status_acknowledged_by"].format(who=reader.who(alert.acked_by))
    meta.append(f'<span class="status">{escape(status)}</span>')
    return (f'<p class="head"><span class="badge">{escape(w["priority_" + alert.priority.value])}</span> '
            f'<strong>{escape(reader.person_name(alert.person))}</strong> · '
            f"{escape(kind_name(alert.kind, reader.language))}{repeat}</p>"
            f'<p class="msg">{escape(alert.message(reader.language))}</p>'
            f'<p class="meta">{" · ".join(meta)}</p>')


def person_link(person: str | None, reader: Reader) -> str:
    """A link to the person's page, for a reader who may open it (nothing otherwise)."""
    if not person or person not in reader.people:
        return ""
    name = reader.person_name(person)
    return (f'<p class="person-link"><a href="/app/people/{escape(person)}">'
            f'{escape(reader.words["person_link"].format(name=name))}</a></p>')


def alert_row(alert: Alert, reader: Reader) -> str:
    """One alert in the inbox (also what the live stream sends to replace or add a row)."""
    ack = (_form(f"/app/alerts/{alert.id}/ack", reader, reader.words["acknowledge"], css="ack")
           if alert.status is AlertStatus.OPEN else "")
    return (f'<li id="alert-{escape(alert.id)}" class="alert p-{alert.priority.value} s-{alert.status.value}" '
            f'data-id="{escape(alert.id)}" data-rank="{rank(alert)}">'
            f'<a class="row" href="/app/alerts/{escape(alert.id)}">{alert_summary(alert, reader)}</a>'
            f'{person_link(alert.person, reader)}{ack}</li>')


def _header(reader: Reader) -> str:
    w = reader.words
    return (f'<header><h1>{escape(w["title"])}</h1><span id="live" class="live" hidden>{escape(w["live"])}</span>'
            f'<span id="offline" class="offline" hidden>{escape(w["offline"])}</span></header>{people_nav(reader)}')


def people_nav(reader: Reader) -> str:
    """The reader's people, each a link to their page."""
    if not reader.people:
        return ""
    links = "".join(f'<li><a href="/app/people/{escape(p)}">{escape(reader.person_name(p))}</a></li>'
                    for p in reader.people)
    return f'<nav class="people" aria-label="{escape(reader.words["people"])}"><ul>{links}</ul></nav>'


def header(reader: Reader) -> str:
    """The top of every signed-in page: the app's name and the reader's people."""
    return _header(reader)


def footer(reader: Reader) -> str:
    return _footer(reader)


def _footer(reader: Reader) -> str:
    w = reader.words
    return (f'<footer><span>{escape(w["signed_in_as"].format(name=reader.name))}</span>'
            f'{_form("/app/sign-out", reader, w["sign_out"], css="sign-out")}</footer>')


def inbox_page(alerts: list[Alert], reader: Reader) -> str:
    w = reader.words
    rows = "".join(alert_row(a, reader) for a in sort_alerts(alerts))
    empty = f'<p id="empty" class="empty"{" hidden" if alerts else ""}>{escape(w["no_alerts"])}</p>'
    # Screen readers hear an alert that arrives live: a high one at once, the others when the reader pauses.
    announce = ('<p id="announce" class="visually-hidden" role="status" aria-live="polite"></p>'
                '<p id="announce-urgent" class="visually-hidden" role="alert" aria-live="assertive"></p>')
    body = f'{_header(reader)}<h2>{escape(w["inbox"])}</h2>{empty}<ul id="inbox" class="inbox">{rows}</ul>' \
           f"{announce}{_footer(reader)}"
    return page(w["inbox"], body, language=reader.language, csrf=reader.csrf, live=True)


def history_line(step: Transition, reader: Reader) -> str | None:
    """One line of an alert's history in plain words (None for the bookkeeping lines nobody needs)."""
    w = reader.words
    channel = w["the_app"] if step.channel == APP_CHANNEL else (step.channel or "")
    who = reader.who(step.caregiver)
    if step.transition == "raised":
        return w["h_raised"].format(priority=w.get("priority_" + step.detail, step.detail))
    if step.transition == "folded":
        return w["h_folded"].format(detail=step.detail)
    if step.transition in ("delivered", "failed"):
        key = "h_told" if step.ok else "h_told_fail"
        return w[key].format(who=who, channel=channel, detail=step.detail)
    if step.transition == "escalated":
        return w["h_escalated"].format(step=(step.step or 0) + 1)
    if step.transition == "exhausted":
        return w["h_exhausted"]
    if step.transition == "acknowledged":
        return w["h_acknowledged"].format(who=who, channel=channel)
    if step.transition == "resolved":
        return w["h_resolved"].format(detail=step.detail)
    if step.transition in ("seen", "viewed", "on_my_way", "note"):
        holder, _, detail = step.detail.partition(" ")
        return w["h_" + step.transition].format(who=reader.who(holder), detail=detail)
    return None


LADDER = ("raised", "folded", "delivered", "failed", "escalated", "exhausted", "acknowledged", "on_my_way", "note",
          "resolved")
AUDIT = ("seen", "viewed")


def history_list(history: list[Transition], reader: Reader, kinds: tuple[str, ...], empty: str) -> str:
    items = []
    for step in history:
        if step.transition not in kinds:
            continue
        line = history_line(step, reader)
        if line:
            items.append(f'<li><time>{escape(reader.time(step.ts))}</time> {escape(line)}</li>')
    return f'<ol class="ladder">{"".join(items)}</ol>' if items else f'<p class="empty">{escape(empty)}</p>'


def cause_line(row: dict[str, Any], reader: Reader) -> str:
    """One event of the cause chain in plain words."""
    data = row.get("data") or {}
    device = reader.config.device(row["device"]) if row.get("device") else None
    source = device.display_name if device else reader.person_name(row.get("person"))
    kind = row["kind"]
    zh = reader.language.lower().startswith("zh")
    if kind == "alert_requested":
        message = data.get("message")
        text = message.get("zh" if zh else "en") or next(iter(message.values()), "") \
            if isinstance(message, dict) else str(message or "")
        skill = data.get("skill") or "carehub"
        return f"“{skill}” 要求通知照护人：{text}" if zh else f"The {skill} skill asked to tell caregivers: {text}"
    if kind == "sos_pressed":
        return f"{source}：按下了求助按钮" if zh else f"{source}: the SOS button was pressed"
    if kind == "fall_detected":
        return f"{source}：检测到跌倒" if zh else f"{source} detected a fall"
    if kind == "vital_signs_measured":
        values = ", ".join(f"{k.replace('_', ' ')} {v:g}" for k, v in data.items() if isinstance(v, (int, float)))
        return f"{source} 测得：{values}" if zh else f"{source} measured {values}"
    if kind in ("utterance_heard", "utterance_reported"):
        return f"{source} 说：“{data.get('text', '')}”" if zh else f"{source} said: “{data.get('text', '')}”"
    if kind == "intent_recognized":
        return f"carehub 理解为：{data.get('intent')}" if zh else f"carehub understood: {data.get('intent')}"
    if kind == "button_pressed":
        return f"{source}：按钮（{data.get('action')}）" if zh else f"{source}: button pressed ({data.get('action')})"
    return f"{source}: {kind.replace('_', ' ')}"


def cause_list(chain: list[dict[str, Any]], reader: Reader) -> str:
    """The cause chain, first cause first: "why was I paged?"."""
    if not chain:
        return f'<p class="empty">{escape(reader.words["why_unknown"])}</p>'
    items = []
    for row in reversed(chain):
        when = datetime.fromisoformat(row["ts"]) if isinstance(row.get("ts"), str) else row.get("ts")
        items.append(f"<li><time>{escape(reader.time(when))}</time> {escape(cause_line(row, reader))}</li>")
    return f'<ol class="causes">{"".join(items)}</ol>'


def alert_page(alert: Alert, history: list[Transition], chain: list[dict[str, Any]], reader: Reader) -> str:
    w = reader.words
    status = ""
    if alert.acked_by:
        via = w["the_app"] if alert.acked_via == APP_CHANNEL else (alert.acked_via or "")
        status += f'<p class="done">{escape(w["acked_by"].format(who=reader.who(alert.acked_by), when=reader.time(alert.acked_at), via=via))}</p>'  # noqa: E501
    if alert.status is AlertStatus.RESOLVED:
        status += f'<p class="done">{escape(w["resolved_at"].format(when=reader.time(alert.resolved_at), reason=alert.resolve_reason or ""))}</p>'  # noqa: E501
    actions = ""
    base = f"/app/alerts/{alert.id}"
    if alert.status is AlertStatus.OPEN:
        actions += _form(f"{base}/ack", reader, w["acknowledge"], css="ack")
    if alert.status is not AlertStatus.RESOLVED:
        actions += _form(f"{base}/on-my-way", reader, w["on_my_way"], note=True)
        actions += _form(f"{base}/resolve", reader, w["resolve"], note=True, css="resolve")
    body = (f'{_header(reader)}<p><a href="/app/">← {escape(w["back"])}</a></p>'
            f'<article id="alert-{escape(alert.id)}" class="alert detail p-{alert.priority.value} '
            f's-{alert.status.value}" data-id="{escape(alert.id)}">{alert_summary(alert, reader)}{status}</article>'
            f'{person_link(alert.person, reader)}'
            f'<section class="actions">{actions}</section>'
            f'<h2>{escape(w["ladder"])}</h2>{history_list(history, reader, LADDER, w["no_steps"])}'
            f'<h2>{escape(w["why"])}</h2>{cause_list(chain, reader)}'
            f'<h2>{escape(w["audit"])}</h2>{history_list(history, reader, AUDIT, "-")}{_footer(reader)}')
    return page(kind_name(alert.kind, reader.language), body, language=reader.language, csrf=reader.csrf)


def message_page(title: str, text: str, language: str, *, link: tuple[str, str] | None = None,
                 form: str = "") -> str:
    """A short page: sign-in, signed out, refusals."""
    more = f'<p><a class="button" href="{escape(link[0])}">{escape(link[1])}</a></p>' if link else ""
    return page(title, f"<h1>{escape(title)}</h1><p>{escape(text)}</p>{form}{more}", language=language)
