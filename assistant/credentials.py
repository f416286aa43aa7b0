"""Credentials derived from the hub's secret, and tokens kept only as hashes.

One derivation for every holder: a caregiver (``caregiver:<id>``), a device (``device:<id>``, the same
credential the MQTT side checks), a household member (``person:<id>``) and an admin (``admin:<id>``).
A derived credential needs no storage and survives restarts; a configured one is at least
``MIN_TOKEN_LENGTH`` characters, or its sha256 written as ``sha256:<hex>``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

MIN_TOKEN_LENGTH = 32
HASH_PREFIX = "sha256:"


def derive(secret: str, subject: str) -> str:
    """The credential of ``subject`` (``"device:kitchen-speaker"``): HMAC-SHA256 of the hub's secret, 32 hex."""
    return hmac.new(secret.encode(), subject.encode(), hashlib.sha256).hexdigest()[:32]


def device_credential(secret: str, device_id: str) -> str:
    """A device's credential, for MQTT and for device-originated speech over HTTP."""
    return derive(secret, f"device:{device_id}")


def token_hash(token: str) -> str:
    """What is kept of a token: ``sha256:<hex>``. A configured ``sha256:...`` value is already one."""
    if token.startswith(HASH_PREFIX):
        return token.lower()
    return HASH_PREFIX + hashlib.sha256(token.encode()).hexdigest()


def same_hash(a: str, b: str) -> bool:
    """Two token hashes compared in constant time."""
    return hmac.compare_digest(a.encode(), b.encode())


def new_token() -> str:
    """A fresh random token (43 characters, 256 bits) for ``config.yaml``."""
    return secrets.token_urlsafe(32)


def token_problem(value: str) -> str | None:
    """Why ``value`` cannot be a configured token, or None if it can."""
    if value.startswith(HASH_PREFIX):
        digest = value[len(HASH_PREFIX):]
        if len(digest) != 64 or any(c not in "0123456789abcdefABCDEF" for c in digest):
            return "a sha256: token must be followed by 64 hex digits"
        return None
    if len(value) < MIN_TOKEN_LENGTH:
        return (f"too short ({len(value)} characters): a token needs at least {MIN_TOKEN_LENGTH} "
                "(make one with 'carehub tokens new')")
    return None
