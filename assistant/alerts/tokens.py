"""Caregivers' acknowledgement tokens: configured, or derived from the hub's secret so none is stored."""

from __future__ import annotations

from assistant.config import Config
from assistant.credentials import HASH_PREFIX, derive, same_hash, token_hash


def caregiver_token(secret: str, caregiver_id: str) -> str:
    """A caregiver's token derived from the hub's secret: needs no storage and survives restarts."""
    return derive(secret, f"caregiver:{caregiver_id}")


class CaregiverTokens:
    """Who a token belongs to, and the links that carry a caregiver's token."""

    def __init__(self, config: Config, secret: str) -> None:
        self._config = config
        self._secret = secret

    @property
    def secret(self) -> str:
        """The hub's secret every derived credential comes from."""
        return self._secret

    def token_for(self, caregiver_id: str) -> str:
        """The token their links carry: the configured one, or the derived one when none is configured or
        only its hash (``sha256:...``) is."""
        caregiver = self._config.caregiver(caregiver_id)
        if caregiver is not None and caregiver.token and not caregiver.token.startswith(HASH_PREFIX):
            return caregiver.token
        return caregiver_token(self._secret, caregiver_id)

    def hashes_for(self, caregiver_id: str) -> list[str]:
        """The hashes of every token accepted for the caregiver."""
        caregiver = self._config.caregiver(caregiver_id)
        accepted = [token_hash(self.token_for(caregiver_id))]
        if caregiver is not None and caregiver.token and caregiver.token.startswith(HASH_PREFIX):
            accepted.append(token_hash(caregiver.token))
        return accepted

    def caregiver_by_token(self, token: str) -> str | None:
        """The caregiver ``token`` belongs to; hashes compared in constant time."""
        presented = token_hash(token) if not token.startswith(HASH_PREFIX) else ""
        found = None
        for caregiver in self._config.caregivers:
            if any(same_hash(known, presented) for known in self.hashes_for(caregiver.id)):
                found = caregiver.id
        return found

    def ack_link(self, alert_id: str, caregiver_id: str) -> str:
        """The alert's page in the caregiver app: the token signs the phone in (the address then drops it), and
        one tap acknowledges. ``/api/alerts/<id>/ack?token=`` keeps working for links sent before."""
        base = self._config.alerts.public_url.rstrip("/")
        return f"{base}/app/alerts/{alert_id}?token={self.token_for(caregiver_id)}"
