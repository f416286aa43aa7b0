"""Caregivers' alert links for homes inside workers, served by the care centre.

A home inside a worker has no HTTP API, so a worker started with ``--public-url <care centre>`` gives its homes'
alerts links to ``<care centre>/homes/<home>/app/alerts/<id>?token=<caregiver's token>``. The page shows the
alert in the caregiver's language with *Acknowledge: I'm on it* and *Resolved*; the token is the caregiver's own
(configured or derived from the home's secret, as on a single hub) and is checked against the home's file. A
press becomes a signed command on the home's topic naming the caregiver (``assistant/cluster/centre.py``), which
the worker holding the home carries out only if they look after the alert's person; it is in the home's log as
``alert_acknowledged`` by the caregiver via ``link``. A token that is not theirs, or an alert about someone else,
answers 404 "No such alert", saying nothing of whom it concerns.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from aiohttp import web

from assistant.alerts.desk import looks_after
from assistant.alerts.tokens import CaregiverTokens
from assistant.app_web.strings import words
from assistant.cluster import centre
from assistant.config import CaregiverConfig

if TYPE_CHECKING:
    from assistant.cluster.centre_web import Centre


class CaregiverLinks:
    """The routes under ``/homes/<home>/app/alerts/<id>`` of a ``Centre``."""

    def __init__(self, desk: Centre) -> None:
        self.desk = desk

    def routes(self) -> list[web.RouteDef]:
        return [web.get("/homes/{home}/app/alerts/{alert_id}", self.page),
                web.post("/homes/{home}/app/alerts/{alert_id}/{command}", self.command)]

    async def _caregiver(self, request: web.Request, token: str) -> tuple[CaregiverConfig, dict[str, Any], str]:
        """The caregiver whose token this is, the alert (about someone they look after) and the home's secret;
        404 "No such alert" otherwise."""
        home, alert_id = request.match_info["home"], request.match_info["alert_id"]
        overview = self.desk.overview
        alert = await asyncio.to_thread(overview.alert, home, alert_id)
        secret = await asyncio.to_thread(overview.secret, home) if alert is not None else None
        if alert is None or secret is None or not token:
            raise _not_found("en")
        config = overview.files[home].config
        found = CaregiverTokens(config, secret).caregiver_by_token(token)
        caregiver = config.caregiver(found) if found else None
        if caregiver is None:
            raise _not_found("en")
        if not looks_after(caregiver, alert["person"]):
            raise _not_found(caregiver.language)
        return caregiver, alert, secret

    async def page(self, request: web.Request) -> web.Response:
        token = request.query.get("token", "")
        caregiver, alert, _ = await self._caregiver(request, token)
        await self.desk.audit.add(f"caregiver:{caregiver.id}", "viewed", alert["home"], alert["id"])
        w = words(caregiver.language)
        zone = ZoneInfo(self.desk.overview.files[alert["home"]].config.home.timezone)
        raised = datetime.fromisoformat(alert["raised_at"]).astimezone(zone).strftime("%Y-%m-%d %H:%M")
        status = w[f"status_{alert['status']}"]
        if alert["acked_by"]:
            status = w["status_acknowledged_by"].format(who=_name(alert, self.desk, caregiver.language))
        base = f"/homes/{escape(alert['home'])}/app/alerts/{escape(alert['id'])}"
        hidden = f'<input type="hidden" name="token" value="{escape(token)}">'
        forms = ""
        if alert["status"] == "open":
            forms += (f'<form method="post" action="{base}/acknowledge">{hidden}'
                      f'<button type="submit">{escape(w["acknowledge"])}</button></form>')
        if alert["status"] != "resolved":
            forms += (f'<form method="post" action="{base}/resolve">{hidden}<label for="note">{escape(w["note"])}'
                      f'</label><input id="note" name="note" maxlength="{centre.MAX_NOTE}">'
                      f'<button type="submit">{escape(w["resolve"])}</button></form>')
        sent = request.query.get("sent", "")
        notice = f'<p role="status">{escape(w["status_" + alert["status"]])}</p>' if sent in ("done", "sent") else ""
        message = alert["messages"].get(caregiver.language) or alert["messages"].get("en") or alert["kind"]
        facts = " · ".join([w.get(f"priority_{alert['priority']}", alert["priority"]),
                            alert["person_name"] or w["household"], raised])
        body = (f"{notice}<h1>{escape(message)}</h1><p>{escape(facts)}</p><p><strong>{escape(status)}</strong></p>"
                f"{forms}")
        return _html(message, body, caregiver.language)

    async def command(self, request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        token, note = form.get("token", ""), form.get("note", "").strip()
        caregiver, alert, secret = await self._caregiver(request, token)
        what = request.match_info["command"]
        if what not in centre.COMMANDS or len(note) > centre.MAX_NOTE:
            raise web.HTTPBadRequest(text=f"command: one of {', '.join(centre.COMMANDS)}; note: at most "
                                          f"{centre.MAX_NOTE} characters")
        sent = await self.desk.send(alert["home"], centre.sign(secret, {
            "command": what, "alert_id": alert["id"], "caregiver": caregiver.id, "note": note,
            "issued": datetime.now(timezone.utc).isoformat(timespec="seconds")}), f"caregiver:{caregiver.id}")
        raise web.HTTPSeeOther(f"/homes/{quote(alert['home'])}/app/alerts/{quote(alert['id'])}?"
                               f"token={quote(token, safe='')}&sent={'done' if sent else 'sent'}")


def _name(alert: dict[str, Any], desk: Centre, language: str) -> str:
    who = alert["acked_by"] or ""
    config = desk.overview.files[alert["home"]].config
    if who.startswith("centre:"):
        return "护理中心" if language.lower().startswith("zh") else "The care centre"
    found = config.caregiver(who) or config.person(who)
    return found.name if found and found.name else who


def _not_found(language: str) -> web.HTTPNotFound:
    w = words(language)
    return web.HTTPNotFound(content_type="text/html", text=_page(
        w["no_such_alert"], f"<h1>{escape(w['no_such_alert'])}</h1><p>{escape(w['no_such_alert_help'])}</p>",
        language))


def _html(title: str, body: str, language: str) -> web.Response:
    return web.Response(content_type="text/html", text=_page(title, body, language))


def _page(title: str, body: str, language: str) -> str:
    lang = "zh-CN" if language.lower().startswith("zh") else "en"
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{escape(title)}</title><link rel="stylesheet" href="/app/static/app.css"></head>'
            f"<body><main>{body}</main></body></html>")

