"""Signed-in browsers of the caregiver app: sessions behind an HttpOnly, SameSite=Strict cookie.

Sessions are kept in the hub's database (as hashes of their ids) so a restart signs nobody out, and in
memory for the gate's look-up; each expires on the injected clock and carries its own anti-forgery token.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from datetime import timedelta

from aiohttp import web

from assistant.access import Principal
from assistant.alerts.desk import looks_after
from assistant.app_web.store import AppStore, StoredSession, secret_hash
from assistant.clock import Clock
from assistant.config import Config
from assistant.http_guard import SignedIn

log = logging.getLogger(__name__)

COOKIE = "carehub_session"
SESSION_LIFETIME = timedelta(days=30)
"""How long a phone stays signed in."""
LINK_LIFETIME = timedelta(hours=24)
"""How long a one-time sign-in link works (once)."""
CHECK_SIGN_OUTS_EVERY = 5.0
"""Real seconds between looks at the database for sessions ended by ``carehub caregivers sign-out``."""
APP_ROLES = ("caregiver", "member")


def principal_for(config: Config, role: str, holder: str) -> Principal | None:
    """The principal a session of ``holder`` acts as (the same rule as their token's); None if they are gone
    from config.yaml."""
    if role == "caregiver":
        caregiver = config.caregiver(holder)
        if caregiver is None:
            return None
        return Principal("caregiver", holder, frozenset(p.id for p in config.people if looks_after(caregiver, p.id)))
    if role == "member" and config.person(holder) is not None:
        return Principal("member", holder, frozenset({holder}), person=holder)
    return None


class Sessions:
    """The sessions the hub accepts, their cookies, signing in and out."""

    def __init__(self, config: Config, store: AppStore, clock: Clock) -> None:
        self._config = config
        self.store = store
        self._clock = clock
        self._known: dict[str, StoredSession] = {}
        self._secure = config.alerts.public_url.lower().startswith("https://")
        self._watch: asyncio.Task[None] | None = None
        self._on_ended: Callable[[set[str]], None] | None = None

    async def start(self, on_ended: Callable[[set[str]], None] | None = None) -> None:
        """Read the sessions, then keep looking for ones ended by another process; ``on_ended`` hears of them."""
        for session in await asyncio.to_thread(self.store.sessions, self._clock.now()):
            self._known[session.id_hash] = session
        self._on_ended = on_ended
        self._watch = asyncio.create_task(self._watch_sign_outs(), name="carehub-app-sign-outs")

    async def stop(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            await asyncio.gather(self._watch, return_exceptions=True)
            self._watch = None

    async def _watch_sign_outs(self) -> None:
        while True:
            await asyncio.sleep(CHECK_SIGN_OUTS_EVERY)
            await self.forget_ended()

    async def forget_ended(self) -> set[str]:
        """Drop the sessions the database no longer has (signed out elsewhere); returns their hashes."""
        before = set(self._known)  # a session opened meanwhile is in the database before it is known here
        try:
            live = await asyncio.to_thread(self.store.live_session_hashes, self._clock.now())
        except sqlite3.Error as error:
            log.warning("could not read the app's sessions (%s); trying again in %g s", error, CHECK_SIGN_OUTS_EVERY)
            return set()
        ended = before - live
        for id_hash in ended:
            self._known.pop(id_hash, None)
        if ended and self._on_ended is not None:
            self._on_ended(ended)
        return ended

    def lookup(self, request: web.Request) -> SignedIn | None:
        """The gate's hook: the live session the request's cookie names, if any."""
        session_id = request.cookies.get(COOKIE)
        if not session_id:
            return None
        stored = self._known.get(secret_hash(session_id))
        if stored is None:
            return None
        if stored.expires <= self._clock.now():
            self._known.pop(stored.id_hash, None)
            return None
        principal = principal_for(self._config, stored.role, stored.holder)
        return SignedIn(principal, stored.csrf, stored.id_hash) if principal is not None else None

    async def sign_in_with_code(self, code: str) -> tuple[str, SignedIn]:
        """Spend a one-time code (SignInRefused when it cannot be): a new session's id and what it signs in."""
        now = self._clock.now()
        role, holder = await asyncio.to_thread(self.store.use_link, code, now)
        return await self.open(role, holder)

    async def holder_of(self, code: str) -> str:
        """The name of whom a sign-in code would sign in, without spending it (SignInRefused when it cannot)."""
        role, holder = await asyncio.to_thread(self.store.peek_link, code, self._clock.now())
        if role == "caregiver" and (caregiver := self._config.caregiver(holder)) is not None:
            return caregiver.name or holder
        person = self._config.person(holder)
        return (person.name or holder) if person is not None else holder

    async def open(self, role: str, holder: str) -> tuple[str, SignedIn]:
        """A new session for ``holder`` (ValueError if they are not in config.yaml)."""
        principal = principal_for(self._config, role, holder)
        if principal is None:
            raise ValueError(f"no {role} with id '{holder}' in the configuration (restart the hub after adding one)")
        now = self._clock.now()
        session_id, stored = await asyncio.to_thread(self.store.new_session, role, holder, now,
                                                     now + SESSION_LIFETIME)
        self._known[stored.id_hash] = stored
        return session_id, SignedIn(principal, stored.csrf, stored.id_hash)

    async def close(self, signed_in: SignedIn) -> None:
        self._known.pop(signed_in.id_hash, None)
        await asyncio.to_thread(self.store.end_session, signed_in.id_hash)

    def set_cookie(self, response: web.StreamResponse, session_id: str) -> None:
        response.set_cookie(COOKIE, session_id, max_age=int(SESSION_LIFETIME.total_seconds()), path="/",
                            httponly=True, samesite="Strict", secure=self._secure)

    def clear_cookie(self, response: web.StreamResponse) -> None:
        response.del_cookie(COOKIE, path="/")
