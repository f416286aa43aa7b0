"""Events of the caregiver app: signing in and out, an alert shown on a phone, a person's data viewed, a
response to an alert ("I'm on my way", a note). Together with ``alert_acknowledged`` they are the audit
trail of who saw and did what (``carehub events --kind person_data_viewed``)."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.events.base import Event


@dataclass(frozen=True, kw_only=True)
class AppSignedIn(Event):
    """Someone signed in to the caregiver app on a browser, with a one-time link or their token."""

    role: str
    """``caregiver`` or ``member``."""
    holder: str
    """Their id in config.yaml."""
    via: str
    """``link`` (a one-time sign-in link) or ``token`` (a notification's link with their token)."""


@dataclass(frozen=True, kw_only=True)
class AppSignedOut(Event):
    """A browser's session of the caregiver app ended at its holder's request."""

    role: str
    holder: str


@dataclass(frozen=True, kw_only=True)
class AlertSeen(Event):
    """An alert was on the screen of a caregiver's open app (the page was visible when it arrived)."""

    alert_id: str
    caregiver: str


@dataclass(frozen=True, kw_only=True)
class PersonDataViewed(Event):
    """Someone's data was shown in the caregiver app; ``person`` is whose (None: several, see ``people``)."""

    viewer: str
    """``caregiver:<id>`` or ``member:<id>``."""
    page: str
    """``inbox``, ``alert``, ``person`` (a person's page) or ``report`` (their daily report in the app)."""
    alert_id: str | None = None
    people: tuple[str, ...] = ()
    """Whose data a list showed."""


@dataclass(frozen=True, kw_only=True)
class AlertResponded(Event):
    """A caregiver said what they are doing about an alert: ``on_my_way``, or a ``note``."""

    alert_id: str
    by: str
    response: str
    note: str = ""
