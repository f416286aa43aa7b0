"""The caregiver app's routes: sign-in and out, the inbox, an alert, its actions, the live stream, static files.

Every route is added through the HTTP gate with its access rule (docs/security/http.md); a signed-in
browser is a caregiver principal like their token, and every change it asks for needs its session's
anti-forgery token.
"""

from __future__ import annotations

import asyncio
from html import escape
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web
from aiohttp.typedefs import Handler

from assistant.access import Principal
from assistant.alerts.desk import AlertDesk, AlertRefused
from assistant.alerts.model import Alert, AlertStatus
from assistant.app_web import render
from assistant.app_web.live import AppLive
from assistant.app_web.sessions import Sessions
from assistant.app_web.store import SignInRefused
from assistant.app_web.strings import words
from assistant.clock import Clock
from assistant.config import Config
from assistant.events import AlertResponded, AlertSeen, AppSignedIn, AppSignedOut, PersonDataViewed
from assistant.http_guard import ANYONE, SIGNING_IN, Gate, SignedIn, allow, principal_of
from assistant.ports import EventReader, EventSink
from assistant.skill_loader import SkillClass

STATIC = Path(__file__).with_name("static")
STATIC_TYPES = {".css": "text/css", ".js": "text/javascript"}
MAX_NOTE = 500


@dataclass(frozen=True)
class AppParts:
    """What the caregiver app uses."""

    config: Config
    clock: Clock
    desk: AlertDesk
    reader: EventReader
    sink: EventSink
    sessions: Sessions
    live: AppLive
    skills: Callable[[], list[SkillClass]] = lambda: []
    """The running skills, whose sections the daily report in the app shows."""


APP: web.AppKey[AppParts] = web.AppKey("caregiver_app")
GATE: web.AppKey[Gate] = web.AppKey("app_gate")


def _parts(request: web.Request) -> AppParts:
    return request.app[APP]


def _language(request: web.Request, who: Principal | None) -> str:
    config = _parts(request).config
    if who is not None and who.role == "caregiver":
        caregiver = config.caregiver(who.id)
        if caregiver is not None:
            return caregiver.language
    if who is not None and who.role == "member":
        person = config.person(who.id)
        if person is not None and person.language:
            return person.language
    if "zh" in request.headers.get("Accept-Language", "").split(",")[0].lower():
        return "zh-CN"
    return config.home.language


def _reader(request: web.Request) -> render.Reader:
    parts = _parts(request)
    who = principal_of(request)
    session = request.get("session")
    csrf = session.csrf if isinstance(session, SignedIn) else request.app[GATE].credentials.csrf_token(who)
    caregiver = parts.config.caregiver(who.id)
    member = parts.config.person(who.id) if who.role == "member" else None
    name = (caregiver.name or caregiver.id) if caregiver else (member.name if member else who.id)
    people = tuple(p.id for p in parts.config.people if who.role in ("caregiver", "member") and who.may_see(p.id))
    return render.Reader(parts.config, _language(request, who), name, csrf, parts.clock.now(), people)


def _html(text: str, status: int = 200) -> web.Response:
    return web.Response(text=text, status=status, content_type="text/html", charset="utf-8",
                        headers=render.SECURITY_HEADERS)


def _see_other(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location, "Cache-Control": "no-store"})


def _wants_json(request: web.Request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


async def _audit(request: web.Request, who: Principal, page: str, *, alert: Alert | None = None,
                 people: tuple[str, ...] = ()) -> None:
    parts = _parts(request)
    await parts.sink.emit(PersonDataViewed(viewer=who.name, page=page, alert_id=alert.id if alert else None,
                                           people=people, person=alert.person if alert else None))
    if alert is not None:
        await asyncio.to_thread(parts.desk.store.mark, alert.id, "viewed", parts.clock.now(), who.id)


# -- signing in and out ----------------------------------------------------------------------------------


async def sign_in_page(request: web.Request) -> web.Response:
    """``GET /app/sign-in/{code}``: a button, so a link preview or a prefetcher never spends the code."""
    language = _language(request, None)
    w = words(language)
    try:
        holder = await _parts(request).sessions.holder_of(request.match_info["code"])
    except SignInRefused as refused:  # said before the tap, not after it
        return _html(render.message_page(w["sign_in_failed"], str(refused), language), status=400)
    form = (f'<form method="post" action="/app/sign-in/{escape(request.match_info["code"])}">'
            f'<button type="submit">{escape(w["sign_in_button"])}</button></form>')
    return _html(render.message_page(w["sign_in_title"], w["sign_in_intro"].format(name=holder), language,
                                     form=form))


async def sign_in(request: web.Request) -> web.StreamResponse:
    """``POST /app/sign-in/{code}``: spend the code, set the session cookie, and go to the inbox (a URL
    without any secret in it)."""
    parts = _parts(request)
    language = _language(request, None)
    try:
        session_id, signed_in = await parts.sessions.sign_in_with_code(request.match_info["code"])
    except (SignInRefused, ValueError) as refused:
        w = words(language)
        return _html(render.message_page(w["sign_in_failed"], str(refused), language), status=400)
    await parts.sink.emit(AppSignedIn(role=signed_in.principal.role, holder=signed_in.principal.id, via="link"))
    # A household member has no inbox: their own page is where the app starts for them.
    home = "/app/" if signed_in.principal.role == "caregiver" else f"/app/people/{signed_in.principal.id}"
    response = _see_other(home)
    parts.sessions.set_cookie(response, session_id)
    return response


async def sign_out(request: web.Request) -> web.Response:
    parts = _parts(request)
    who = principal_of(request)
    session = request.get("session")
    if isinstance(session, SignedIn):
        await parts.sessions.close(session)
        await parts.sink.emit(AppSignedOut(role=who.role, holder=who.id))
    language = _language(request, who)
    w = words(language)
    response = _html(render.message_page(w["signed_out"], w["signed_out"], language, link=("/app/", w["sign_in"])))
    parts.sessions.clear_cookie(response)
    return response


async def _token_to_session(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A page opened with ``?token=`` (a notification's link) signs the browser in and drops the token from
    the address."""
    if request.method == "GET" and "token" in request.query and request.get("session") is None:
        who = principal_of(request)
        parts = _parts(request)
        session_id, _ = await parts.sessions.open(who.role, who.id)
        await parts.sink.emit(AppSignedIn(role=who.role, holder=who.id, via="token"))
        query = {k: v for k, v in request.query.items() if k != "token"}
        response = _see_other(str(request.rel_url.with_query(query)))
        parts.sessions.set_cookie(response, session_id)
        return response
    return await handler(request)


# -- the inbox and an alert ---------------------------------------------------------------------------------


async def inbox(request: web.Request) -> web.StreamResponse:
    return await _token_to_session(request, _inbox)


async def _inbox(request: web.Request) -> web.Response:
    parts = _parts(request)
    who = principal_of(request)
    alerts = await parts.desk.list(who.id, limit=50)
    people = tuple(sorted({a.person for a in alerts if a.person}))
    await _audit(request, who, "inbox", people=people)
    return _html(render.inbox_page(alerts, _reader(request)))


async def _alert(request: web.Request) -> Alert:
    who = principal_of(request)
    try:
        return await _parts(request).desk.alert_for(who.id, request.match_info["alert_id"])
    except AlertRefused as refused:
        raise _refusal(refused.status, refused.reason) from None


def _refusal(status: int, reason: str) -> web.HTTPException:
    refusal = {403: web.HTTPForbidden, 404: web.HTTPNotFound}.get(status, web.HTTPBadRequest)
    return refusal(text=reason)


async def alert_detail(request: web.Request) -> web.StreamResponse:
    return await _token_to_session(request, _alert_detail)


async def _alert_detail(request: web.Request) -> web.Response:
    parts = _parts(request)
    who = principal_of(request)
    try:
        alert = await parts.desk.alert_for(who.id, request.match_info["alert_id"])
    except AlertRefused:
        # Another family's alert reads as no alert at all: its page says nothing of whom it is about.
        language = _language(request, who)
        w = words(language)
        return _html(render.message_page(w["no_such_alert"], w["no_such_alert_help"], language,
                                         link=("/app/", w["open_inbox"])), status=404)
    await _audit(request, who, "alert", alert=alert)
    history = await parts.desk.history(alert.id)
    chain = await parts.reader.cause_chain(alert.cause) if alert.cause else []
    chain = [row for row in chain if who.may_see(row.get("person"))]
    return _html(render.alert_page(alert, history, chain, _reader(request)))


# -- what a caregiver does about an alert -------------------------------------------------------------------


async def _note(request: web.Request) -> str:
    form = await request.post()
    note = form.get("note", "")
    if not isinstance(note, str):
        raise web.HTTPBadRequest(text="note: must be text")
    note = " ".join(note.split())
    if len(note) > MAX_NOTE:
        raise web.HTTPBadRequest(text=f"note: longer than {MAX_NOTE} characters")
    return note


def _limited(request: web.Request) -> None:
    limit = request.app[GATE].acks
    address = request.remote or "unknown"
    wait = limit.retry_after(address)
    if wait is not None:
        raise web.HTTPTooManyRequests(text=f"too many acknowledgements from {address}: try again in {wait} s",
                                      headers={"Retry-After": str(wait)})
    limit.hit(address)


def _done(request: web.Request, alert_id: str, said: str) -> web.StreamResponse:
    if _wants_json(request):
        return web.json_response({"alert_id": alert_id, "said": said})
    raise web.HTTPSeeOther(f"/app/alerts/{alert_id}")


async def acknowledge(request: web.Request) -> web.StreamResponse:
    parts = _parts(request)
    who = principal_of(request)
    _limited(request)
    alert = await _alert(request)
    done = await parts.desk.acknowledge(alert.id, by=who.id, via="app")
    w = words(_language(request, who))
    said = w["thanks_ack"] if done.now else w["already"].format(status=w["status_" + done.alert.status.value])
    return _done(request, alert.id, said)


async def on_my_way(request: web.Request) -> web.StreamResponse:
    parts = _parts(request)
    who = principal_of(request)
    _limited(request)
    alert = await _alert(request)
    note = await _note(request)
    if alert.status is AlertStatus.OPEN:
        await parts.desk.acknowledge(alert.id, by=who.id, via="app")
    await asyncio.to_thread(parts.desk.store.mark, alert.id, "on_my_way", parts.clock.now(), f"{who.id} {note}")
    await parts.sink.emit(AlertResponded(alert_id=alert.id, by=who.id, response="on_my_way", note=note,
                                         person=alert.person))
    return _done(request, alert.id, words(_language(request, who))["on_my_way"])


async def resolve(request: web.Request) -> web.StreamResponse:
    parts = _parts(request)
    who = principal_of(request)
    _limited(request)
    alert = await _alert(request)
    note = await _note(request)
    reason = f"{who.id} in the app" + (f": {note}" if note else "")
    if note:
        await asyncio.to_thread(parts.desk.store.mark, alert.id, "note", parts.clock.now(), f"{who.id} {note}")
    await parts.sink.emit(AlertResponded(alert_id=alert.id, by=who.id, response="resolved", note=note,
                                         person=alert.person))
    await parts.desk.resolve(alert.id, reason)
    return _done(request, alert.id, words(_language(request, who))["status_resolved"])


async def seen(request: web.Request) -> web.Response:
    """The page showed the alert while it was visible: recorded once per caregiver."""
    parts = _parts(request)
    who = principal_of(request)
    alert = await _alert(request)
    history = await parts.desk.history(alert.id)
    if not any(step.transition == "seen" and step.detail.split(" ")[0] == who.id for step in history):
        await asyncio.to_thread(parts.desk.store.mark, alert.id, "seen", parts.clock.now(), who.id)
        await parts.sink.emit(AlertSeen(alert_id=alert.id, caregiver=who.id, person=alert.person))
    return web.json_response({"alert_id": alert.id, "seen": True})


async def stream(request: web.Request) -> web.StreamResponse:
    parts = _parts(request)
    who = principal_of(request)
    reader = _reader(request)
    connections = request.app[GATE].connections
    if connections is not None:  # the inbox stays open for as long as the phone shows it
        connections.streaming(request.transport)
    return await parts.live.serve(request, who.id, lambda alert: render.alert_row(alert, reader))


async def static(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    path = STATIC / name
    if "/" in name or path.suffix not in STATIC_TYPES or not path.is_file():
        raise web.HTTPNotFound()
    body = await asyncio.to_thread(path.read_bytes)
    return web.Response(body=body, content_type=STATIC_TYPES[path.suffix], charset="utf-8",
                        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})


async def to_inbox(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/app/")


@web.middleware
async def sign_in_hint(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The gate answers a browser that is not signed in with 401; a person opening the app reads why."""
    response = await handler(request)
    if (response.status == 401 and request.method == "GET" and request.path.startswith("/app/")
            and not request.path.startswith(("/app/static/", "/app/stream"))):
        language = _language(request, None)
        w = words(language)
        return _html(render.message_page(w["not_signed_in"], w["not_signed_in_help"], language,
                                         link=("/app/", w["open_inbox"])), status=401)
    return response


def add_routes(app: web.Application, gate: Gate, parts: AppParts) -> None:
    """The caregiver app on the hub's own server, each route with its access rule."""
    app[APP] = parts
    app[GATE] = gate
    gate.sessions = parts.sessions.lookup
    app.middlewares.insert(0, sign_in_hint)
    app.on_shutdown.append(parts.live.close)
    caregivers = allow("caregiver")
    gate.add(app, "GET", "/", to_inbox, ANYONE)  # the hub's address typed into a phone opens the app
    gate.add(app, "GET", "/app", to_inbox, ANYONE)
    gate.add(app, "GET", "/app/", inbox, caregivers)
    gate.add(app, "GET", "/app/stream", stream, caregivers)
    gate.add(app, "GET", "/app/alerts/{alert_id}", alert_detail, caregivers)
    gate.add(app, "POST", "/app/alerts/{alert_id}/ack", acknowledge, caregivers)
    gate.add(app, "POST", "/app/alerts/{alert_id}/on-my-way", on_my_way, caregivers)
    gate.add(app, "POST", "/app/alerts/{alert_id}/resolve", resolve, caregivers)
    gate.add(app, "POST", "/app/alerts/{alert_id}/seen", seen, caregivers)
    gate.add(app, "GET", "/app/sign-in/{code}", sign_in_page, ANYONE)
    gate.add(app, "POST", "/app/sign-in/{code}", sign_in, SIGNING_IN)
    gate.add(app, "POST", "/app/sign-out", sign_out, allow("caregiver", "member"))
    gate.add(app, "GET", "/app/static/{name}", static, ANYONE)
    from assistant.app_web import person  # it builds on this module's helpers

    person.add_routes(app, gate)
