"""Who is asking the HTTP API, and what they may see: principals, their credentials, and route rules.

Four roles: an **admin** (everything), a **caregiver** (the people they look after and household matters:
the alert desk's rule), a household **member** (a person at home on a tablet or phone: talks to the hub as
themselves, sees the household's devices and their own events) and a **device** (a speaker or phone
that passes on what was said). docs/security/http.md is the threat model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from assistant.alerts.desk import looks_after
from assistant.alerts.tokens import CaregiverTokens
from assistant.config import Config
from assistant.credentials import HASH_PREFIX, derive, same_hash, token_hash
from assistant.errors import ReasonError

Role = Literal["admin", "caregiver", "member", "device"]
ROLES: tuple[Role, ...] = ("admin", "caregiver", "member", "device")
SPEAKING_DEVICES = ("speaker", "phone", "wearable")
"""Device kinds whose credential may pass speech on (``POST /api/say``, ``POST /api/voice``)."""
LOCAL_ADMIN = "hub"
"""The admin the hub's own command line acts as (``carehub say``): its credential is derived from the secret."""


class Forbidden(ReasonError):
    """The principal may not do this; answered 403 with the reason."""


@dataclass(frozen=True)
class Principal:
    """Someone (or something) whose credential the hub accepted."""

    role: Role
    id: str
    """A caregiver's, person's, device's or admin's id from config.yaml."""
    people: frozenset[str] | None
    """Whose personal data they may see (besides what is about nobody); None for everyone."""
    person: str | None = None
    """The person a member is, or the person a device belongs to."""
    room: str | None = None
    """A device's room."""

    @property
    def name(self) -> str:
        return f"{self.role}:{self.id}"

    def may_see(self, person: str | None) -> bool:
        """The alert desk's rule, for every principal: what is about nobody, or about one of their people."""
        return self.people is None or person is None or person in self.people


def admin_credential(secret: str, admin_id: str = LOCAL_ADMIN) -> str:
    return derive(secret, f"admin:{admin_id}")


def member_credential(secret: str, person_id: str) -> str:
    return derive(secret, f"person:{person_id}")


class Credentials:
    """Every credential the API accepts, kept as sha256 hashes, and the principal each belongs to."""

    def __init__(self, config: Config, caregivers: CaregiverTokens) -> None:
        secret = caregivers.secret
        self._config = config
        self._secret = secret
        known: list[tuple[str, Principal]] = []
        for caregiver in config.caregivers:
            people = frozenset(p.id for p in config.people if looks_after(caregiver, p.id))
            principal = Principal("caregiver", caregiver.id, people)
            known += [(h, principal) for h in caregivers.hashes_for(caregiver.id)]
        for person in config.people:
            principal = Principal("member", person.id, frozenset({person.id}), person=person.id)
            known.append((self._hash(person.token, member_credential(secret, person.id)), principal))
        for device in config.devices:
            if device.kind in SPEAKING_DEVICES:
                principal = Principal("device", device.id, frozenset(), person=device.person, room=device.room)
                known.append((token_hash(derive(secret, f"device:{device.id}")), principal))
        known.append((token_hash(admin_credential(secret)), Principal("admin", LOCAL_ADMIN, None)))
        for admin in config.http.admins:
            principal = Principal("admin", admin.id, None)
            known.append((self._hash(admin.token, admin_credential(secret, admin.id)), principal))
        self._known = known

    @staticmethod
    def _hash(configured: str | None, derived: str) -> str:
        return token_hash(configured) if configured else token_hash(derived)

    def principal(self, token: str) -> Principal | None:
        """Whose ``token`` this is; every hash is compared, in constant time each."""
        if not token or token.startswith(HASH_PREFIX):
            return None  # a hash from config.yaml is not a credential
        presented = token_hash(token)
        found = None
        for known, principal in self._known:
            if same_hash(known, presented) and found is None:
                found = principal
        return found

    def csrf_token(self, principal: Principal) -> str:
        """The anti-forgery token the hub's own forms carry for ``principal``."""
        return derive(self._secret, f"csrf:{principal.name}")


def speaking_as(principal: Principal, config: Config, person: str | None) -> str | None:
    """Who an utterance is from: a member speaks only as themselves, a device for its household (its own
    person when none is named); Forbidden otherwise."""
    if person is not None and config.person(person) is None:
        raise ValueError(f"person: no person with id '{person}'")
    if principal.role == "member":
        if person is not None and person != principal.person:
            raise Forbidden(f"{principal.name} may speak only as themselves, not as '{person}'")
        return principal.person
    if principal.role == "device":
        return person or principal.person
    if principal.role == "admin":
        return person
    raise Forbidden(f"{principal.name} may not speak to the hub")
