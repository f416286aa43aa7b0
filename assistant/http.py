"""The hub's HTTP API (aiohttp): health, the event log, devices, talking to carehub, alerts, reports.

Routes get the parts they use (``ApiParts``), never the hub.
"""

from __future__ import annotations

import asyncio
import errno
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo
from typing import TYPE_CHECKING, Any

from aiohttp import web

from assistant.access import Credentials, Forbidden, speaking_as
from assistant.alerts.desk import AlertDesk, AlertRefused
from assistant.clock import Clock
from assistant.config import Config
from assistant.errors import CannotStart, port_in_use
from assistant.http_connections import ConnectionGuard, GuardedSite
from assistant.http_guard import ANYONE, CSRF_FIELD, Gate, allow, error, principal_of
from assistant.ports import EventReader
from assistant.registry import DeviceRegistry
from assistant.report import collect, html_document, parse_day, summary_text
from assistant.skill_runtime import Conversation, SkillRuntime

if TYPE_CHECKING:
    from assistant.app_web import AppParts
    from assistant.llm.agent import Agent
    from assistant.speech.pipeline import VoicePipeline

log = logging.getLogger(__name__)

MAX_LIMIT = 1000


@dataclass(frozen=True)
class ApiParts:
    """What the HTTP routes use."""

    config: Config
    clock: Clock
    health: Callable[[], dict[str, Any]]
    reader: EventReader
    devices: DeviceRegistry
    conversation: Conversation
    skills: SkillRuntime
    alerts: AlertDesk
    voice: VoicePipeline
    agent: Callable[[], Agent | None]
    """The language model's agent when ``llm`` is on, for the report's summary paragraph."""
    app: AppParts | None = None
    """The caregiver app (``/app/``), served beside the API."""


PARTS: web.AppKey[ApiParts] = web.AppKey("parts")
GATE: web.AppKey[Gate] = web.AppKey("gate")


class BadQuery(ValueError):
    """A query-string parameter that does not parse; the message names it."""


def _since(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value).isoformat()
    except ValueError:
        raise BadQuery(f"{name}: not an ISO-8601 time: {value!r}") from None


def event_filters(query: dict[str, str]) -> dict[str, Any]:
    """Filters shared by ``GET /api/events`` and ``carehub events``."""
    unknown = set(query) - {"kind", "device", "person", "since", "until", "cause", "limit"}
    if unknown:
        raise BadQuery(f"unknown parameter(s): {', '.join(sorted(unknown))}")
    try:
        limit = int(query.get("limit", "100"))
    except ValueError:
        raise BadQuery(f"limit: not a whole number: {query['limit']!r}") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise BadQuery(f"limit: must be between 1 and {MAX_LIMIT}")
    return {
        "kind": query.get("kind"), "device": query.get("device"), "person": query.get("person"),
        "cause": query.get("cause"),
        "since": _since(query.get("since"), "since"), "until": _since(query.get("until"), "until"),
        "limit": limit,
    }


PUBLIC_HEALTH = ("status", "version", "uptime_s", "clock", "messages")
"""What anyone may read of ``/api/health``: no home id, paths, addresses, device names or skills. The clock
is there so ``carehub simulate`` can live by a fast demo hub's time."""


async def health(request: web.Request) -> web.Response:
    """200 while the hub can do its job; 503 while it cannot (e.g. cannot save to disk). Anyone sees the status;
    an admin sees the whole report, with its ``problems``."""
    report = request.app[PARTS].health()
    status = 503 if report.get("status") == "error" else 200
    who = request.get("principal")
    if who is not None and who.role == "admin":
        return web.json_response(report, status=status)
    public = {key: report[key] for key in PUBLIC_HEALTH if key in report}
    broker = report.get("broker") or {}
    public["broker"] = {"connected": broker.get("connected"), "reconnects": broker.get("reconnects")}
    return web.json_response(public, status=status)


async def events(request: web.Request) -> web.Response:
    parts = request.app[PARTS]
    who = principal_of(request)
    try:
        filters = event_filters({k: v for k, v in request.query.items() if k != "token"})
    except BadQuery as problem:
        return error(400, str(problem))
    if filters["person"] is not None and not who.may_see(filters["person"]):
        return error(403, f"{who.name} may not read the events of '{filters['person']}'")
    people = sorted(who.people) if who.people is not None else None
    rows = await parts.reader.rows(**filters, people=people)
    return web.json_response({"events": rows, "count": len(rows)})


async def event_detail(request: web.Request) -> web.Response:
    who = principal_of(request)
    chain = await request.app[PARTS].reader.cause_chain(request.match_info["event_id"])
    if not chain:
        return error(404, "no such event")
    if not who.may_see(chain[0]["person"]):
        return error(403, f"{who.name} may not read events about '{chain[0]['person']}'")
    causes = [row for row in chain[1:] if who.may_see(row["person"])]
    return web.json_response({"event": chain[0], "causes": causes})


async def devices(request: web.Request) -> web.Response:
    parts = request.app[PARTS]
    who = principal_of(request)
    snapshot = parts.devices.snapshot(parts.clock.now())
    if who.role == "caregiver":  # a caregiver sees the devices of their people and the household's
        snapshot = {"devices": [d for d in snapshot["devices"] if who.may_see(d["person"])]}
    return web.json_response(snapshot)


MAX_UTTERANCE = 1000


async def say(request: web.Request) -> web.Response:
    """``POST /api/say`` with ``{"text": ..., "language"?, "person"?, "room"?}``: the typed-command path."""
    parts = request.app[PARTS]
    who = principal_of(request)
    if request.content_type != "application/json":
        return error(415, "body must be JSON (Content-Type: application/json): {\"text\": \"...\"}")
    try:
        body = await request.json()
    except ValueError:
        return web.json_response({"error": "body must be JSON: {\"text\": \"...\"}"}, status=400)
    if not isinstance(body, dict):
        return web.json_response({"error": "body must be a JSON object"}, status=400)
    unknown = set(body) - {"text", "language", "person", "room"}
    if unknown:
        return web.json_response({"error": f"unknown field(s): {', '.join(sorted(unknown))}"}, status=400)
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        return web.json_response({"error": "text: required, a non-empty string"}, status=400)
    if len(text) > MAX_UTTERANCE:
        return web.json_response({"error": f"text: longer than {MAX_UTTERANCE} characters"}, status=400)
    for key in ("language", "person", "room"):
        if body.get(key) is not None and not isinstance(body[key], str):
            return web.json_response({"error": f"{key}: must be a string"}, status=400)
    try:
        person = speaking_as(who, parts.config, body.get("person") or None)
    except Forbidden as refused:
        return error(403, refused.reason)
    except ValueError as problem:
        return error(400, str(problem))
    room = body.get("room") or (who.room if who.role == "device" else None)
    if language := body.get("language"):
        if language not in parts.config.languages:
            return error(400, f"language: one of {', '.join(parts.config.languages)}, not {language!r}")
    reply = await parts.conversation.hear(text, language=language, person=person, room=room)
    return web.json_response({
        "reply": reply.text, "understood": reply.understood, "language": reply.language,
        "intent": reply.intent, "skill": reply.skill, "slots": reply.slots, "utterance_id": reply.utterance_id,
    })


async def skills(request: web.Request) -> web.Response:
    runtime = request.app[PARTS].skills
    return web.json_response({"skills": runtime.describe(), "errors": [str(e) for e in runtime.errors]})


async def alerts_list(request: web.Request) -> web.Response:
    who = principal_of(request)
    status = request.query.get("status")
    if status not in (None, "open", "acknowledged", "resolved"):
        return error(400, "status: one of open, acknowledged, resolved")
    caregiver = who.id if who.role == "caregiver" else None  # an admin sees every alert
    alerts = await request.app[PARTS].alerts.list(caregiver, status)
    return web.json_response({"caregiver": caregiver, "alerts": [a.as_json() for a in alerts]})


async def alert_confirm(request: web.Request) -> web.Response:
    """``GET /api/alerts/{id}/ack``, the link in a notification: shows the alert and a button that
    acknowledges with a POST carrying the anti-forgery token. A GET changes nothing."""
    parts = request.app[PARTS]
    who = principal_of(request)
    alert_id = request.match_info["alert_id"]
    try:
        alert = await (parts.alerts.alert_for(who.id, alert_id) if who.role == "caregiver"
                       else _any_alert(parts.alerts, alert_id))
    except AlertRefused as refused:
        return error(refused.status, refused.reason)
    csrf = request.app[GATE].credentials.csrf_token(who)
    action = escape(str(request.rel_url), quote=True)  # the same address, its ?token= included
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>carehub alert</title></head><body>"
            f"<h3>{escape(alert.kind)} ({escape(alert.priority.value)})</h3>"
            f"<p>{escape(alert.message('en'))}</p><p>status: {escape(alert.status.value)}</p>"
            f"<form method='post' action='{action}'><input type='hidden' name='{CSRF_FIELD}' value='{csrf}'>"
            "<button type='submit'>Acknowledge: I'm on it</button></form></body></html>")
    return web.Response(text=page, content_type="text/html", charset="utf-8",
                        headers={"Cache-Control": "no-store", "Referrer-Policy": "same-origin",
                                 "X-Frame-Options": "DENY"})


async def _any_alert(desk: AlertDesk, alert_id: str) -> Any:
    from assistant.alerts.desk import UnknownAlert

    alert = await desk.get(alert_id)
    if alert is None:
        raise UnknownAlert(alert_id)
    return alert


async def alert_ack(request: web.Request) -> web.Response:
    """``POST /api/alerts/{id}/ack``: "I'm on it" (JSON for scripts, a page for the confirmation form)."""
    desk = request.app[PARTS].alerts
    who = principal_of(request)
    address = request.remote or "unknown"
    limit = request.app[GATE].acks
    wait = limit.retry_after(address)
    if wait is not None:
        return error(429, f"too many acknowledgements from {address}: try again in {wait} s",
                     **{"Retry-After": str(wait)})
    limit.hit(address)
    alert_id = request.match_info["alert_id"]
    try:
        if who.role == "caregiver":
            done = await desk.acknowledge(alert_id, by=who.id, via="http")
        else:
            done = await desk.acknowledge_as_admin(alert_id, admin=who.id, via="http")
    except AlertRefused as refused:
        return error(refused.status, refused.reason)
    if request.content_type == "application/x-www-form-urlencoded":
        said = "Acknowledged: thank you." if done.now else f"Already {done.alert.status.value}."
        return web.Response(text=f"<!doctype html><html><body><p>{escape(said)}</p></body></html>",
                            content_type="text/html", charset="utf-8")
    return web.json_response({"alert_id": alert_id, "acknowledged_now": done.now, "status": done.alert.status.value,
                              "acked_by": done.alert.acked_by})


FIRST_REPORT_DAY = date(2000, 1, 1)


async def daily_report(request: web.Request) -> web.Response:
    """``GET /api/reports/{person}/{date}``: the person's daily report as an HTML page, for their caregivers
    (and admins)."""
    parts = request.app[PARTS]
    config = parts.config
    who = principal_of(request)
    person = request.match_info["person"]
    try:
        day = parse_day(request.match_info["date"])
    except ValueError as problem:
        return error(400, str(problem))
    today = parts.clock.now().astimezone(ZoneInfo(config.home.timezone)).date()
    if not FIRST_REPORT_DAY <= day <= today:
        return error(400, f"date: {day.isoformat()} is not a day with a report (from "
                          f"{FIRST_REPORT_DAY.isoformat()} to today, {today.isoformat()})")
    if config.person(person) is None:
        return error(404, f"no person with id '{person}'")
    if not who.may_see(person):
        return error(403, f"{who.name} does not look after '{person}'")
    caregiver = config.caregiver(who.id) if who.role == "caregiver" else None
    language = caregiver.language if caregiver else config.home.language
    # SQLite reads and matplotlib both block: never on the hub's event loop.
    running = [skill.as_class() for skill in parts.skills.loaded.values()]
    report = await asyncio.to_thread(collect, config, person, day, now=parts.clock.now(), skills=running)
    summary = None
    agent = parts.agent()
    if agent is not None:  # the language model rewrites the rule-based paragraph, keeping its numbers
        summary = await agent.summarize(summary_text(report, language), language)
    page = await asyncio.to_thread(html_document, report, summary=summary, language=language)
    # Health data behind a token: no shared cache may keep a copy.
    return web.Response(text=page, content_type="text/html", charset="utf-8",
                        headers={"Cache-Control": "no-store"})


def create_app(parts: ApiParts, connections: ConnectionGuard | None = None) -> web.Application:
    """The API with its gate: every route is added with the rule of who may call it."""
    from assistant.speech.http import voice_route

    gate = Gate(parts.config, Credentials(parts.config, parts.alerts.tokens), parts.clock, connections)
    app = web.Application(client_max_size=1024 * 1024, middlewares=[gate.middleware])
    app[PARTS] = parts
    app[GATE] = gate
    everyone_at_home = allow("admin", "caregiver", "member")
    speakers = allow("admin", "member", "device")
    gate.add(app, "GET", "/api/health", health, ANYONE)
    gate.add(app, "GET", "/api/events", events, everyone_at_home)
    gate.add(app, "GET", "/api/events/{event_id}", event_detail, everyone_at_home)
    gate.add(app, "GET", "/api/devices", devices, everyone_at_home)
    gate.add(app, "POST", "/api/say", say, speakers)
    gate.add(app, "GET", "/api/skills", skills, allow("admin", "member"))
    gate.add(app, "GET", "/api/alerts", alerts_list, allow("admin", "caregiver"))
    gate.add(app, "POST", "/api/alerts/{alert_id}/ack", alert_ack, allow("admin", "caregiver"))
    gate.add(app, "GET", "/api/alerts/{alert_id}/ack", alert_confirm, allow("admin", "caregiver"))
    gate.add(app, "GET", "/api/reports/{person}/{date}", daily_report, allow("admin", "caregiver"))
    gate.add(app, "POST", "/api/voice", voice_route(parts.config, parts.voice), speakers)
    if parts.app is not None:
        from assistant.app_web import add_routes

        add_routes(app, gate, parts.app)
    return app


class HttpServer:
    """Runs the API on host:port (port 0 picks a free one; ``port`` then tells which), its connections
    bounded by a ``ConnectionGuard``."""

    def __init__(self, parts: ApiParts, host: str, port: int) -> None:
        http = parts.config.http
        self.connections = ConnectionGuard(idle_timeout=http.idle_timeout, request_timeout=http.request_timeout,
                                           per_client=http.max_connections_per_client, total=http.max_connections)
        self.app = create_app(parts, self.connections)
        self._runner = web.AppRunner(self.app, access_log=None, keepalive_timeout=http.idle_timeout)
        self.host = host
        self.port = port

    async def start(self) -> None:
        await self._runner.setup()
        site = GuardedSite(self._runner, self.host, self.port, self.connections)
        try:
            await site.start()
        except OSError as error:
            await self._runner.cleanup()
            if error.errno == errno.EADDRINUSE:
                raise port_in_use("http.port", self.host, self.port, "is another carehub running?") from error
            raise CannotStart("http", f"the HTTP API cannot listen on {self.host}:{self.port}: {error}") from error
        self.port = site.port
        log.info("HTTP API on http://%s:%d", self.host, self.port)

    async def stop(self) -> None:
        await self.connections.stop()
        await asyncio.wait_for(self._runner.cleanup(), 5)
