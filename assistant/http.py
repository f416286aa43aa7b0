"""The hub's HTTP API (aiohttp): health, the event log, devices, talking to carehub, alerts, reports.

Routes get the parts they use (``ApiParts``), never the hub.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING, Any

from aiohttp import web

from assistant.alerts.desk import AlertDesk, AlertRefused
from assistant.clock import Clock
from assistant.config import Config
from assistant.ports import EventReader
from assistant.registry import DeviceRegistry
from assistant.report import collect, html_document, parse_day, summary_text
from assistant.skill_runtime import Conversation, SkillRuntime

if TYPE_CHECKING:
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


PARTS: web.AppKey[ApiParts] = web.AppKey("parts")


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


async def health(request: web.Request) -> web.Response:
    """200 while the hub can do its job; 503 (with ``problems``) while it cannot, e.g. cannot save to disk."""
    report = request.app[PARTS].health()
    return web.json_response(report, status=503 if report.get("status") == "error" else 200)


async def events(request: web.Request) -> web.Response:
    parts = request.app[PARTS]
    try:
        filters = event_filters(dict(request.query))
    except BadQuery as error:
        return web.json_response({"error": str(error)}, status=400)
    rows = await parts.reader.rows(**filters)
    return web.json_response({"events": rows, "count": len(rows)})


async def event_detail(request: web.Request) -> web.Response:
    chain = await request.app[PARTS].reader.cause_chain(request.match_info["event_id"])
    if not chain:
        return web.json_response({"error": "no such event"}, status=404)
    return web.json_response({"event": chain[0], "causes": chain[1:]})


async def devices(request: web.Request) -> web.Response:
    parts = request.app[PARTS]
    return web.json_response(parts.devices.snapshot(parts.clock.now()))


MAX_UTTERANCE = 1000


async def say(request: web.Request) -> web.Response:
    """``POST /api/say`` with ``{"text": ..., "language"?, "person"?, "room"?}``: the typed-command path."""
    parts = request.app[PARTS]
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
    if body.get("person") and parts.config.person(body["person"]) is None:
        return web.json_response({"error": f"person: no person with id '{body['person']}'"}, status=400)
    reply = await parts.conversation.hear(text, language=body.get("language"), person=body.get("person"),
                                          room=body.get("room"))
    return web.json_response({
        "reply": reply.text, "understood": reply.understood, "language": reply.language,
        "intent": reply.intent, "skill": reply.skill, "slots": reply.slots, "utterance_id": reply.utterance_id,
    })


async def skills(request: web.Request) -> web.Response:
    runtime = request.app[PARTS].skills
    return web.json_response({"skills": runtime.describe(), "errors": [str(e) for e in runtime.errors]})


def _caregiver(request: web.Request) -> str | web.Response:
    """The caregiver a request's token belongs to, or the 401 response."""
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else request.query.get("token", "")
    caregiver = request.app[PARTS].alerts.tokens.caregiver_by_token(token) if token else None
    if caregiver is None:
        return web.json_response({"error": "a caregiver token is required (Authorization: Bearer <token> "
                                           "or ?token=)"}, status=401)
    return caregiver


async def alerts_list(request: web.Request) -> web.Response:
    who = _caregiver(request)
    if isinstance(who, web.Response):
        return who
    status = request.query.get("status")
    if status not in (None, "open", "acknowledged", "resolved"):
        return web.json_response({"error": "status: one of open, acknowledged, resolved"}, status=400)
    alerts = await request.app[PARTS].alerts.list(who, status)
    return web.json_response({"caregiver": who, "alerts": [a.as_json() for a in alerts]})


async def alert_ack(request: web.Request) -> web.Response:
    desk = request.app[PARTS].alerts
    who = _caregiver(request)
    if isinstance(who, web.Response):
        return who
    alert_id = request.match_info["alert_id"]
    try:
        alert = await desk.alert_for(who, alert_id)
        if request.method == "GET":
            # A link in a notification opens as a GET: show a button that acknowledges with a POST.
            html = (f"<html><body><h3>{escape(alert.kind)} ({escape(alert.priority.value)})</h3>"
                    f"<p>{escape(alert.message('en'))}</p><p>status: {escape(alert.status.value)}</p>"
                    "<form method='post'><button type='submit'>Acknowledge: I'm on it</button></form></body></html>")
            return web.Response(text=html, content_type="text/html")
        done = await desk.acknowledge(alert_id, by=who, via="http")
    except AlertRefused as refused:
        return web.json_response({"error": refused.reason}, status=refused.status)
    return web.json_response({"alert_id": alert_id, "acknowledged_now": done.now, "status": done.alert.status.value,
                              "acked_by": done.alert.acked_by})


async def daily_report(request: web.Request) -> web.Response:
    """``GET /api/reports/{person}/{date}``: the person's daily report as an HTML page.

    Like the alerts, it needs a caregiver token, and a caregiver sees only the people they look after.
    """
    parts = request.app[PARTS]
    config = parts.config
    who = _caregiver(request)
    if isinstance(who, web.Response):
        return who
    person = request.match_info["person"]
    try:
        day = parse_day(request.match_info["date"])
    except ValueError as error:
        return web.json_response({"error": str(error)}, status=400)
    if config.person(person) is None:
        return web.json_response({"error": f"no person with id '{person}'"}, status=404)
    caregiver = config.caregiver(who)
    if caregiver is None or person not in caregiver.people:
        return web.json_response({"error": f"caregiver '{who}' does not look after '{person}'"}, status=403)
    # SQLite reads and matplotlib both block: never on the hub's event loop.
    running = [skill.as_class() for skill in parts.skills.loaded.values()]
    report = await asyncio.to_thread(collect, config, person, day, now=parts.clock.now(), skills=running)
    summary = None
    agent = parts.agent()
    if agent is not None:  # the language model rewrites the rule-based paragraph, keeping its numbers
        summary = await agent.summarize(summary_text(report), caregiver.language)
    page = await asyncio.to_thread(html_document, report, summary=summary)
    # Health data behind a token: no shared cache may keep a copy.
    return web.Response(text=page, content_type="text/html", charset="utf-8",
                        headers={"Cache-Control": "no-store"})


def create_app(parts: ApiParts) -> web.Application:
    from assistant.speech.http import voice_route

    app = web.Application(client_max_size=1024 * 1024)
    app[PARTS] = parts
    app.router.add_get("/api/health", health)
    app.router.add_get("/api/events", events)
    app.router.add_get("/api/events/{event_id}", event_detail)
    app.router.add_get("/api/devices", devices)
    app.router.add_post("/api/say", say)
    app.router.add_get("/api/skills", skills)
    app.router.add_get("/api/alerts", alerts_list)
    app.router.add_post("/api/alerts/{alert_id}/ack", alert_ack)
    app.router.add_get("/api/alerts/{alert_id}/ack", alert_ack)
    app.router.add_get("/api/reports/{person}/{date}", daily_report)
    app.router.add_post("/api/voice", voice_route(parts.config, parts.voice))
    return app


class HttpServer:
    """Runs the API on host:port (port 0 picks a free one; ``port`` then tells which)."""

    def __init__(self, app: web.Application, host: str, port: int) -> None:
        self._runner = web.AppRunner(app, access_log=None)
        self.host = host
        self.port = port

    async def start(self) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server: Any = site._server  # noqa: SLF001 - the only way to learn the bound port
        if server is not None and server.sockets:
            self.port = server.sockets[0].getsockname()[1]
        log.info("HTTP API on http://%s:%d", self.host, self.port)

    async def stop(self) -> None:
        await asyncio.wait_for(self._runner.cleanup(), 5)
