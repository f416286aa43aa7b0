"""The care centre: one web page (and JSON) for the staff who watch many homes run by workers.

``carehub operator serve`` runs it beside the workers, on the host (or volume) where the homes' files are. It
shows every home's open alerts, most urgent first, an alert with who was told when and who took it on, the
homes with their partitions, and the workers with what each holds (from etcd). Staff sign in with their own
token (``--staff`` file: id, name, token or its sha256 hash). Acknowledging or resolving goes to the home as a
signed command on its MQTT topic (``assistant/cluster/centre.py``), carried out by whichever worker holds it
and logged in the home's own log like a caregiver's answer; the centre's own audit (sign-ins, alerts viewed,
commands sent) is kept in ``<data>/centre.db``. docs/operators.md, "The care centre".
"""

from __future__ import annotations

import asyncio
import json
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from html import escape
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web

from assistant.cluster import centre
from assistant.cluster.centre_links import CaregiverLinks
from assistant.cluster.overview import Overview
from assistant.credentials import HASH_PREFIX, same_hash, token_hash, token_problem
from assistant.errors import ConfigError
from assistant.mqtt import MqttLink

STATIC = Path(__file__).resolve().parent.parent / "app_web" / "static"
COOKIE = "carehub_centre"
SESSION_HOURS = 12
NOTICES = {"done": "Done: the home's log records it.",
           "sent": "Sent: the worker holding this home carries it out when it receives it."}
ALERTS_FRESH = 2.0
"""Seconds the open alerts read from the homes' files are shown to every page before they are read again."""
CONFIRM_WITHIN = 5.0
"""Seconds a command's page waits to see the home's worker carry it out before saying it is on its way."""


@dataclass(frozen=True)
class Staff:
    id: str
    name: str
    token_hash: str


def load_staff(path: Path | str) -> list[Staff]:
    """The care centre's staff from a YAML file: ``staff: [{id, name, token}]``; ConfigError naming each problem."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(str(path), [str(error)]) from None
    entries = data.get("staff") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ConfigError(str(path), ["staff: a list of {id, name, token}"])
    staff, problems = [], []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not entry["id"]:
            problems.append(f"staff[{i}].id: missing")
            continue
        token = entry.get("token")
        problem = token_problem(token) if isinstance(token, str) else "missing"
        if problem or not isinstance(token, str):
            problems.append(f"staff[{i}].token: {problem}")
            continue
        hashed = token if token.startswith(HASH_PREFIX) else token_hash(token)
        staff.append(Staff(entry["id"], str(entry.get("name") or entry["id"]), hashed))
    if problems:
        raise ConfigError(str(path), problems)
    return staff


class Audit:
    """The care centre's own trail: who signed in, viewed which alert, sent which command (``centre.db``)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self._conn.row_factory = sqlite3.Row
        with self._conn:
            self._conn.execute("CREATE TABLE IF NOT EXISTS centre_audit (ts TEXT, staff TEXT, action TEXT, "
                               "home TEXT, alert_id TEXT, detail TEXT)")

    def _add(self, row: tuple[str, ...]) -> None:
        with self._lock, self._conn:
            self._conn.execute("INSERT INTO centre_audit VALUES (?, ?, ?, ?, ?, ?)", row)

    async def add(self, staff: str, action: str, home: str = "", alert_id: str = "", detail: str = "") -> None:
        now = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
        await asyncio.to_thread(self._add, (now, staff, action, home, alert_id, detail))

    def rows(self, limit: int = 200) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(r) for r in self._conn.execute(
                "SELECT * FROM centre_audit ORDER BY rowid DESC LIMIT ?", [limit])]

    def close(self) -> None:
        self._conn.close()


class Centre:
    """The care centre's web app over an ``Overview`` of the homes, an MQTT link and, optionally, etcd."""

    def __init__(self, overview: Overview, staff: list[Staff], link: MqttLink, *, etcd: str | None = None,
                 secure_cookie: bool = False) -> None:
        self.overview = overview
        self.staff = staff
        self.link = link
        self.etcd = etcd
        self.secure_cookie = secure_cookie
        self.audit = Audit(overview.data_dir / "centre.db")
        self._sessions: dict[str, tuple[Staff, str, datetime]] = {}
        self._alerts_read: tuple[float, list[dict[str, Any]]] | None = None
        self.sent = 0

    # -- who is asking --------------------------------------------------------------------------------------

    def _by_token(self, token: str) -> Staff | None:
        presented, found = token_hash(token), None
        for member in self.staff:
            if same_hash(member.token_hash, presented) and found is None:
                found = member
        return found

    def who(self, request: web.Request) -> tuple[Staff, str | None]:
        """The staff member and, for a browser session, its anti-forgery token; 401 otherwise."""
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            member = self._by_token(header[7:].strip())
            if member is not None:
                return member, None
        session = self._sessions.get(token_hash(request.cookies.get(COOKIE, "")))
        if session is not None and session[2] > datetime.now(timezone.utc):
            return session[0], session[1]
        if request.path.startswith("/centre/api/"):
            raise web.HTTPUnauthorized(text="a staff token is needed (Authorization: Bearer ...)")
        raise web.HTTPSeeOther("/centre/sign-in")

    async def _form(self, request: web.Request, csrf: str | None) -> dict[str, str]:
        form = {k: str(v) for k, v in (await request.post()).items()}
        if csrf is not None and not secrets.compare_digest(form.get("csrf", ""), csrf):
            raise web.HTTPForbidden(text="the form's anti-forgery token is missing or wrong")
        return form

    # -- pages ------------------------------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024, middlewares=[_headers])
        app.add_routes([
            web.get("/centre/sign-in", self.sign_in_page), web.post("/centre/sign-in", self.sign_in),
            web.post("/centre/sign-out", self.sign_out),
            web.get("/centre/", self.inbox), web.get("/centre/homes", self.homes_page),
            web.get("/centre/workers", self.workers_page),
            web.get("/centre/alerts/{home}/{alert_id}", self.alert_page),
            web.post("/centre/alerts/{home}/{alert_id}/{command}", self.command),
            web.get("/centre/api/alerts", self.api_alerts), web.get("/centre/api/homes", self.api_homes),
            web.get("/centre/api/workers", self.api_workers), web.get("/centre/api/audit", self.api_audit),
            web.post("/centre/api/alerts/{home}/{alert_id}/{command}", self.command),
            *CaregiverLinks(self).routes(),
            web.static("/app/static", STATIC),
            web.static("/centre/static", Path(__file__).resolve().parent / "static"),
        ])
        return app

    async def sign_in_page(self, request: web.Request) -> web.Response:
        return _html("Sign in", '<h1>Care centre</h1><form method="post" action="/centre/sign-in">'
                     '<label for="token">Your staff token</label>'
                     '<input id="token" name="token" type="password" autocomplete="current-password" required>'
                     '<button type="submit">Sign in</button></form>')

    async def sign_in(self, request: web.Request) -> web.Response:
        member = self._by_token((await self._form(request, None)).get("token", ""))
        if member is None:
            return _html("Sign in", '<h1>Care centre</h1><p role="alert">That token is not a staff member\'s.</p>'
                         '<p><a href="/centre/sign-in">Try again</a></p>', status=403)
        session, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(16)
        now = datetime.now(timezone.utc)
        self._sessions = {k: v for k, v in self._sessions.items() if v[2] > now}  # ended ones go
        self._sessions[token_hash(session)] = (member, csrf, now + timedelta(hours=SESSION_HOURS))
        await self.audit.add(member.id, "signed in")
        response = web.Response(status=303, headers={"Location": "/centre/"})
        response.set_cookie(COOKIE, session, max_age=SESSION_HOURS * 3600, httponly=True, samesite="Strict",
                            secure=self.secure_cookie, path="/centre")
        return response

    async def sign_out(self, request: web.Request) -> web.Response:
        member, csrf = self.who(request)
        await self._form(request, csrf)
        self._sessions.pop(token_hash(request.cookies.get(COOKIE, "")), None)
        await self.audit.add(member.id, "signed out")
        raise web.HTTPSeeOther("/centre/sign-in")

    async def inbox(self, request: web.Request) -> web.Response:
        member, csrf = self.who(request)
        alerts = await self._alerts()
        rows = "".join(_alert_row(a) for a in alerts) or '<li>No open alerts in any home.</li>'
        opened = sum(a["status"] == "open" for a in alerts)
        state = ",".join(sorted(f"{a['home']}/{a['id']}:{a['status']}" for a in alerts))
        return _html("Care centre", _nav(member, csrf) + f'<h1>Open alerts: {opened}</h1>'
                     f'<p>{len(alerts) - opened} acknowledged, not yet resolved. This page brings itself up to date.'
                     f'</p><ul class="alerts" data-state="{escape(state)}">{rows}</ul>', script=True)

    async def alert_page(self, request: web.Request) -> web.Response:
        member, csrf = self.who(request)
        home, alert_id = request.match_info["home"], request.match_info["alert_id"]
        alert = await asyncio.to_thread(self.overview.alert, home, alert_id)
        if alert is None:
            raise web.HTTPNotFound(text="No such alert")
        await self.audit.add(member.id, "viewed", home, alert_id)
        notice = NOTICES.get(request.query.get("sent", ""), "")
        history = "".join(f"<li>{escape(h['ts'][:19])} {escape(h['transition'])}"
                          f"{' to ' + escape(h['caregiver']) if h['caregiver'] else ''}"
                          f"{' (' + escape(h['detail']) + ')' if h['detail'] else ''}</li>" for h in alert["history"])
        buttons = ""
        if alert["status"] != "resolved":
            base = f"/centre/alerts/{escape(home)}/{escape(alert_id)}"
            hidden = f'<input type="hidden" name="csrf" value="{escape(csrf or "")}">'
            if alert["status"] == "open":
                buttons += (f'<form method="post" action="{base}/acknowledge">{hidden}'
                            '<button type="submit">Acknowledge: the centre is on it</button></form>')
            buttons += (f'<form method="post" action="{base}/resolve">{hidden}<label for="note">Note</label>'
                        '<input id="note" name="note" maxlength="500"><button type="submit">Resolved</button></form>')
        body = (_nav(member, csrf) + (f'<p role="status">{escape(notice)}</p>' if notice else "")
                + f"<h1>{escape(_what(alert))}</h1>{_facts(alert)}{buttons}"
                + f"<h2>What happened to it</h2><ol>{history or '<li>Nothing sent yet.</li>'}</ol>")
        return _html(_what(alert), body)

    async def homes_page(self, request: web.Request) -> web.Response:
        member, csrf = self.who(request)
        homes = await asyncio.to_thread(self.overview.homes)
        rows = "".join(f"<tr><td>{escape(h['home'])}</td><td>{escape(h['name'])}</td><td>{h['partition']}</td>"
                       f"<td>{h['people']}</td><td>{h['devices']}</td><td>{h['open']}</td><td>{h['acknowledged']}</td>"
                       "</tr>" for h in homes)
        problems = "".join(f"<li>{escape(name)}: {escape('; '.join(p))}</li>"
                           for name, p in self.overview.problems.items())
        return _html("Homes", _nav(member, csrf) + f"<h1>Homes: {len(homes)}</h1><table><caption>Every home, "
                     "its partition and its alerts</caption><tr><th scope=col>home</th><th scope=col>name</th>"
                     "<th scope=col>partition</th><th scope=col>people</th><th scope=col>devices</th>"
                     f"<th scope=col>open</th><th scope=col>acknowledged</th></tr>{rows}</table>"
                     + (f"<h2>Home files refused</h2><ul>{problems}</ul>" if problems else ""))

    async def workers_page(self, request: web.Request) -> web.Response:
        member, csrf = self.who(request)
        found = await self._workers()
        if "error" in found:
            body = f'<p role="alert">{escape(found["error"])}</p>'
        else:
            rows = "".join(f"<tr><td>{escape(w)}</td><td>{', '.join(map(str, held))}</td></tr>"
                           for w, held in found["workers"].items())
            body = (f"<table><caption>Live workers and the partitions each holds</caption><tr><th scope=col>worker"
                    f"</th><th scope=col>partitions</th></tr>{rows}</table>"
                    f"<p>Held by nobody: {', '.join(map(str, found['free'])) or 'none'}</p>")
        return _html("Workers", _nav(member, csrf) + f"<h1>Workers</h1>{body}")

    # -- JSON -------------------------------------------------------------------------------------------------

    async def api_alerts(self, request: web.Request) -> web.Response:
        self.who(request)
        return web.json_response({"alerts": await self._alerts()})

    async def _alerts(self) -> list[dict[str, Any]]:
        """Every home's unresolved alerts, read again at most every ``ALERTS_FRESH`` seconds: each open page asks
        every few seconds, and a reading opens every home's file."""
        now = asyncio.get_running_loop().time()
        if self._alerts_read is None or now - self._alerts_read[0] > ALERTS_FRESH:
            self._alerts_read = (now, await asyncio.to_thread(self.overview.alerts))
        return self._alerts_read[1]

    async def api_homes(self, request: web.Request) -> web.Response:
        self.who(request)
        homes = await asyncio.to_thread(self.overview.homes)
        return web.json_response({"homes": homes, "problems": self.overview.problems})

    async def api_workers(self, request: web.Request) -> web.Response:
        self.who(request)
        return web.json_response(await self._workers())

    async def api_audit(self, request: web.Request) -> web.Response:
        self.who(request)
        return web.json_response({"audit": await asyncio.to_thread(self.audit.rows)})

    async def _workers(self) -> dict[str, Any]:
        if self.etcd is None:
            return {"error": "no etcd given (--etcd): a single worker carries every home"}
        from assistant.cluster.lease import EtcdError, PartitionLeases

        leases = PartitionLeases(self.etcd, "centre")  # asking grants no lease and claims nothing
        try:
            workers, holders = await leases.workers(), await leases.holders()
        except EtcdError as error:
            return {"error": f"etcd: {error}"}
        finally:
            await leases.close()
        return {"workers": {w: sorted(k for k, h in holders.items() if h.worker == w) for w in workers},
                "free": [k for k in range(self.overview.partitions) if k not in holders],
                "partitions": {str(k): {"worker": h.worker, "token": h.token} for k, h in holders.items()}}

    # -- commands ---------------------------------------------------------------------------------------------

    async def command(self, request: web.Request) -> web.Response:
        member, csrf = self.who(request)
        home, alert_id, what = (request.match_info[k] for k in ("home", "alert_id", "command"))
        api = request.path.startswith("/centre/api/")
        form = await self._form(request, csrf)
        note = form.get("note", "").strip()
        if what not in centre.COMMANDS:
            raise web.HTTPNotFound(text=f"command: one of {', '.join(centre.COMMANDS)}")
        if len(note) > centre.MAX_NOTE:
            raise web.HTTPBadRequest(text=f"note: at most {centre.MAX_NOTE} characters")
        alert = await asyncio.to_thread(self.overview.alert, home, alert_id)
        secret = await asyncio.to_thread(self.overview.secret, home) if alert is not None else None
        if alert is None or secret is None:
            raise web.HTTPNotFound(text="No such alert")
        command = centre.sign(secret, {"command": what, "alert_id": alert_id, "staff": member.id, "note": note,
                                       "issued": datetime.now(timezone.utc).isoformat(timespec="seconds")})
        done = await self.send(home, command, member.id)
        status = "done" if done else "sent"
        if api:
            return web.json_response({"home": home, "alert_id": alert_id, "command": what, "status": status},
                                     status=200 if done else 202)
        raise web.HTTPSeeOther(f"/centre/alerts/{home}/{alert_id}?sent={status}")

    async def send(self, home: str, command: dict[str, Any], actor: str) -> bool:
        """Publish a signed command to the home, note it in the audit, and say whether the home's file shows it
        carried out within ``CONFIRM_WITHIN`` seconds (503 when the broker cannot take it)."""
        try:
            await self.link.publish(centre.command_topic(self.link.config.topic_prefix, home), json.dumps(command),
                                    qos=1)
        except Exception as error:  # noqa: BLE001 - aiomqtt's errors: the broker is away
            raise web.HTTPServiceUnavailable(text=f"not sent: the broker is not reachable ({error})") from None
        self.sent += 1
        self._alerts_read = None  # the next page shows what the command changed
        await self.audit.add(actor, f"sent {command['command']}", home, command["alert_id"], command.get("note", ""))
        status = "acknowledged" if command["command"] == "acknowledge" else "resolved"
        return await self._confirmed(home, command["alert_id"], status)

    async def _confirmed(self, home: str, alert_id: str, status: str) -> bool:
        deadline = asyncio.get_running_loop().time() + CONFIRM_WITHIN
        while True:
            alert = await asyncio.to_thread(self.overview.alert, home, alert_id, rescan=False)
            if alert is not None and (alert["status"] == status or alert["status"] == "resolved"):
                return True
            if asyncio.get_running_loop().time() > deadline:
                return False
            await asyncio.sleep(0.1)


@web.middleware
async def _headers(request: web.Request, handler: Any) -> web.StreamResponse:
    response = await handler(request)
    response.headers.update({"Cache-Control": "no-store", "X-Frame-Options": "DENY",
                             "Referrer-Policy": "same-origin",
                             "Content-Security-Policy": "default-src 'self'; form-action 'self'"})
    return response


def _html(title: str, body: str, status: int = 200, *, script: bool = False) -> web.Response:
    return web.Response(status=status, content_type="text/html", text=(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{escape(title)} · carehub care centre</title><link rel="stylesheet" href="/app/static/app.css">'
        + ('<script src="/centre/static/centre.js" defer></script>' if script else "")
        + f"</head><body><main>{body}</main></body></html>"))


def _nav(member: Staff, csrf: str | None) -> str:
    out = ('<form method="post" action="/centre/sign-out"><input type="hidden" name="csrf" '
           f'value="{escape(csrf or "")}"><button type="submit">Sign out</button></form>') if csrf else ""
    return (f'<nav aria-label="Care centre"><a href="/centre/">Open alerts</a> · <a href="/centre/homes">Homes</a>'
            f' · <a href="/centre/workers">Workers</a> · {escape(member.name)}{out}</nav>')


def _what(alert: dict[str, Any]) -> str:
    message = alert["messages"].get("en") or next(iter(alert["messages"].values()), alert["kind"])
    return f"{alert['priority'].upper()} · {message}"


def _facts(alert: dict[str, Any]) -> str:
    taken = f" by {alert['acked_by']} ({alert['acked_via']})" if alert["acked_by"] else ""
    return (f"<dl><dt>Home</dt><dd>{escape(alert['home'])}</dd><dt>Person</dt><dd>{escape(alert['person_name'])}"
            f"</dd><dt>Raised</dt><dd>{escape(alert['raised_at'][:19])} UTC</dd><dt>Status</dt>"
            f"<dd>{escape(alert['status'] + taken)}</dd></dl>")


def _alert_row(alert: dict[str, Any]) -> str:
    taken = f" — {escape(alert['acked_by'])} is on it" if alert["acked_by"] else ""
    return (f'<li class="{escape(alert["priority"])}"><a href="/centre/alerts/{escape(alert["home"])}/'
            f'{escape(alert["id"])}">{escape(_what(alert))}</a> · {escape(alert["home"])} · '
            f"{escape(alert['person_name'])} · {escape(alert['raised_at'][:19])} UTC{taken}</li>")
