"""The HTTP API's gate: every route has an access rule; credentials, browsers' Origin and forged forms,
and sign-in rate limits are checked here before a handler runs (docs/security/http.md)."""

from __future__ import annotations

import contextlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from assistant.access import Credentials, Principal, Role
from assistant.clock import Clock
from assistant.config import Config
from assistant.http_connections import ConnectionGuard
from assistant.ratelimit import RateLimit

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SIMPLE_TYPES = frozenset({"", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"})
"""Content types a browser sends cross-site without asking first (no CORS preflight)."""
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"


@dataclass(frozen=True)
class Rule:
    """Who may call a route: ``roles``, or anyone at all when ``anyone``."""

    roles: frozenset[Role]
    anyone: bool = False
    signs_in: bool = False
    """The request carries a one-time sign-in code, its own secret: no anti-forgery token is asked for."""


def allow(*roles: Role) -> Rule:
    return Rule(frozenset(roles))


ANYONE = Rule(frozenset(), anyone=True)
SIGNING_IN = Rule(frozenset(), anyone=True, signs_in=True)


@dataclass(frozen=True)
class SignedIn:
    """A browser's session (the caregiver app's cookie): whose it is, and the anti-forgery token of its pages."""

    principal: Principal
    csrf: str
    id_hash: str
    """What the hub keeps of the session's id (to sign it out)."""


def error(status: int, message: str, **headers: str) -> web.Response:
    return web.json_response({"error": message}, status=status, headers=headers or None)


class Gate:
    """Checks each request against its route's rule; ``request[PRINCIPAL]`` is who it is from."""

    def __init__(self, config: Config, credentials: Credentials, clock: Clock,
                 connections: ConnectionGuard | None = None) -> None:
        self.credentials = credentials
        self.rules: dict[tuple[str, str], Rule] = {}
        self.connections = connections
        self.sign_in = RateLimit(clock, config.http.sign_in_failures_per_minute)
        self.acks = RateLimit(clock, config.http.acks_per_minute)
        self._origins = {_origin(o) for o in [*config.http.allowed_origins, config.alerts.public_url]}
        self.sessions: Callable[[web.Request], SignedIn | None] | None = None
        """The session a request's cookie names, if any (set by the caregiver app)."""

    def add(self, app: web.Application, method: str, path: str, handler: Handler, rule: Rule) -> None:
        app.router.add_route(method, path, handler)
        self.rules[(method, path)] = rule

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        transport = request.transport
        serving = self.connections.serving(transport) if self.connections else contextlib.nullcontext()
        async with serving:
            return await self._check(request, handler)

    async def _check(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.match_info.http_exception is not None:
            return await handler(request)  # 404, 405: nothing to guard
        resource = request.match_info.route.resource
        path = resource.canonical if resource is not None else ""
        rule = self.rules.get((request.method, path))
        if rule is None:  # fail closed: a route nobody wrote a rule for serves no one
            return error(403, "this route has no access rule")
        unsafe = request.method not in SAFE_METHODS
        if unsafe and (refusal := self._foreign_origin(request)):
            return error(403, refusal)
        principal: Principal | None = None
        signed_in: SignedIn | None = None
        bearer, token = _token(request)
        if not token and self.sessions is not None:
            signed_in = self.sessions(request)
            principal = signed_in.principal if signed_in is not None else None
        if token:
            address = request.remote or "unknown"
            wait = self.sign_in.retry_after(address)
            if wait is not None:
                return error(429, f"too many wrong tokens from {address}: try again in {wait} s",
                             **{"Retry-After": str(wait)})
            principal = self.credentials.principal(token)
            if principal is None:
                self.sign_in.hit(address)
                return error(401, "unknown token")
        if not rule.anyone:
            if principal is None:
                return error(401, "a token is required (Authorization: Bearer <token>)")
            if principal.role not in rule.roles:
                return error(403, f"a {principal.role} may not use {request.method} {path}")
        # aiohttp reads a missing Content-Type as application/octet-stream; a browser's bodiless POST has none.
        content_type = request.content_type if "Content-Type" in request.headers else ""
        if unsafe and signed_in is not None:
            # A browser sends its cookie with whatever a page asks: every change needs the session's own token.
            if not await self._csrf_ok(request, signed_in.csrf):
                return error(403, f"a signed-in request that changes something needs the {CSRF_FIELD} token of "
                                  "the page it came from")
        elif unsafe and not bearer and content_type in SIMPLE_TYPES and not rule.signs_in:
            # What a web page can send to the hub on its own: only the hub's own forms, which carry the token.
            if principal is None or not await self._csrf_ok(request, self.credentials.csrf_token(principal)):
                return error(403, f"a form or plain-text request needs the {CSRF_FIELD} token of the hub's own page "
                                  "(scripts: send JSON with Authorization: Bearer <token>)")
        request["principal"] = principal
        request["session"] = signed_in
        return await handler(request)

    def _foreign_origin(self, request: web.Request) -> str | None:
        origin = request.headers.get("Origin")
        if origin is None:
            if request.headers.get("Sec-Fetch-Site") == "cross-site":
                return "a request from another site's page is refused"
            return None
        if _origin(origin) in self._origins | {_origin(f"{request.scheme}://{request.host}")}:
            return None
        return f"Origin {origin} may not send requests to the hub (http.allowed_origins)"

    async def _csrf_ok(self, request: web.Request, expected: str) -> bool:
        presented = request.headers.get(CSRF_HEADER, "")
        if not presented and request.content_type == "application/x-www-form-urlencoded":
            form = await request.post()
            value = form.get(CSRF_FIELD)
            presented = value if isinstance(value, str) else ""
        return bool(presented) and hmac.compare_digest(presented.encode(), expected.encode())


def _origin(url: str) -> str:
    """``scheme://host[:port]`` of a URL, lower-cased."""
    return "/".join(url.strip().lower().split("/")[:3])


def _token(request: web.Request) -> tuple[bool, str]:
    """Whether the request carries a bearer header, and its token (header, else ``?token=``)."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return True, header[7:].strip()
    return False, request.query.get("token", "")


def principal_of(request: web.Request) -> Principal:
    """Who the request is from (for routes whose rule names roles, never None)."""
    principal: Any = request.get("principal")
    if not isinstance(principal, Principal):
        raise web.HTTPUnauthorized()
    return principal
