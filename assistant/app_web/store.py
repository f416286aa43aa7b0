"""The caregiver app's sign-in links and sessions in the hub's database: only sha256 hashes of their secrets.

A sign-in link is made by ``carehub caregivers add`` / ``link`` (another process, so it lives in the
database), works once and expires. A session is what a signed-in phone's cookie names. Every method
blocks; the hub calls them with ``asyncio.to_thread``.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from assistant.eventlog import open_database


def secret_hash(secret: str) -> str:
    """What is kept of a sign-in code or a session id."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    """A fresh random code or session id (43 characters, 256 bits)."""
    return secrets.token_urlsafe(32)


def _iso(when: datetime) -> str:
    return when.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass(frozen=True)
class StoredSession:
    """A session as kept: who it is for, its anti-forgery token and when it ends."""

    id_hash: str
    role: str
    holder: str
    """A caregiver's id (or a person's, for a household member)."""
    csrf: str
    expires: datetime


class SignInRefused(ValueError):
    """A sign-in code that is unknown, used already or expired; the message says which."""


class AppStore:
    """Sign-in links and sessions (one connection behind a lock)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._connection is None:
            self._connection = open_database(self.path).conn
        return self._connection

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    # -- one-time sign-in links ---------------------------------------------------------------------

    def new_link(self, role: str, holder: str, now: datetime, expires: datetime) -> str:
        """A fresh one-time sign-in code for ``holder``; only its hash is kept."""
        code = new_secret()
        with self._lock, self._conn:
            self._conn.execute("INSERT INTO app_sign_in_links (code_hash, role, holder, created, expires, used) "
                               "VALUES (?, ?, ?, ?, ?, NULL)", [secret_hash(code), role, holder, _iso(now),
                                                                _iso(expires)])
        return code

    def use_link(self, code: str, now: datetime) -> tuple[str, str]:
        """Spend a sign-in code: its (role, holder); SignInRefused when it is unknown, used or expired."""
        with self._lock, self._conn:
            role, holder = self._valid_link(code, now)
            self._conn.execute("UPDATE app_sign_in_links SET used = ? WHERE code_hash = ?",
                               [_iso(now), secret_hash(code)])
        return role, holder

    def peek_link(self, code: str, now: datetime) -> tuple[str, str]:
        """Whom a sign-in code would sign in, (role, holder), without spending it; SignInRefused as ``use_link``."""
        with self._lock:
            return self._valid_link(code, now)

    def _valid_link(self, code: str, now: datetime) -> tuple[str, str]:
        row = self._conn.execute("SELECT role, holder, expires, used FROM app_sign_in_links WHERE code_hash = ?",
                                 [secret_hash(code)]).fetchone()
        if row is None:
            raise SignInRefused("this sign-in link is not known (ask for a new one: carehub caregivers link)")
        role, holder, expires, used = row
        if used:
            raise SignInRefused("this sign-in link has been used already; each link works once "
                                "(ask for a new one: carehub caregivers link)")
        if _time(expires) <= now:
            raise SignInRefused("this sign-in link has expired (ask for a new one: carehub caregivers link)")
        return str(role), str(holder)

    # -- sessions -------------------------------------------------------------------------------------

    def new_session(self, role: str, holder: str, now: datetime, expires: datetime) -> tuple[str, StoredSession]:
        """A fresh session: its id (for the cookie, not kept) and what is kept of it."""
        session_id = new_secret()
        stored = StoredSession(secret_hash(session_id), role, holder, new_secret(), expires)
        with self._lock, self._conn:
            self._conn.execute("INSERT INTO app_sessions (id_hash, role, holder, csrf, created, expires) "
                               "VALUES (?, ?, ?, ?, ?, ?)", [stored.id_hash, role, holder, stored.csrf, _iso(now),
                                                             _iso(expires)])
        return session_id, stored

    def sessions(self, now: datetime) -> list[StoredSession]:
        """Every session that has not expired (expired ones are deleted)."""
        with self._lock, self._conn:
            self._conn.execute("DELETE FROM app_sessions WHERE expires <= ?", [_iso(now)])
            rows = self._conn.execute("SELECT id_hash, role, holder, csrf, expires FROM app_sessions").fetchall()
        return [StoredSession(r[0], r[1], r[2], r[3], _time(r[4])) for r in rows]

    def live_session_hashes(self, now: datetime) -> set[str]:
        """The hashes of the sessions not ended or expired (read only)."""
        with self._lock:
            rows = self._conn.execute("SELECT id_hash FROM app_sessions WHERE expires > ?", [_iso(now)]).fetchall()
        return {r[0] for r in rows}

    def end_session(self, id_hash: str) -> None:
        with self._lock, self._conn:
            self._conn.execute("DELETE FROM app_sessions WHERE id_hash = ?", [id_hash])

    def end_sessions_of(self, role: str, holder: str) -> int:
        """Sign ``holder`` out everywhere; returns how many sessions ended."""
        with self._lock, self._conn:
            return self._conn.execute("DELETE FROM app_sessions WHERE role = ? AND holder = ?",
                                      [role, holder]).rowcount

    def signed_in(self, now: datetime) -> set[tuple[str, str]]:
        """(role, holder) of everyone with a session that has not expired (for ``carehub check``)."""
        return {(s.role, s.holder) for s in self.sessions(now)}
