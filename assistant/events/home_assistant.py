"""Events of carehub's connection to Home Assistant, whose entities it follows as devices."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.events.base import Event


@dataclass(frozen=True, kw_only=True)
class HomeAssistantReached(Event):
    """carehub reached Home Assistant (at start, or again after it was away) and follows its entities."""

    url: str
    """Home Assistant's address."""
    entities: int = 0
    """How many of the mapped entities Home Assistant has."""
    missing: tuple[str, ...] = ()
    """Mapped entity ids Home Assistant does not have (misspelt in config.yaml, or removed there)."""
    away_seconds: float | None = None
    """How long it had been unreachable, when it came back."""


@dataclass(frozen=True, kw_only=True)
class HomeAssistantLost(Event):
    """Home Assistant stopped answering (or never did): its entities tell carehub nothing until it is back."""

    url: str
    """Home Assistant's address."""
    reason: str = ""
    """What went wrong, as far as is known."""


@dataclass(frozen=True, kw_only=True)
class HomeAssistantTokenRefused(Event):
    """Home Assistant refused carehub's access token (or there is none to be had)."""

    url: str
    """Home Assistant's address."""
    reason: str = ""
    """What Home Assistant (or the token's setting) said."""
    advice: str = ""
    """What to do about it."""
