"""Caregivers' acknowledgement tokens: configured, or derived from the hub's secret so none is stored."""

from __future__ import annotations

import hashlib
import hmac

from assistant.config import Config


def caregiver_token(secret: str, caregiver_id: str) -> str:
    """A caregiver's token derived from the hub's secret: needs no storage and survives restarts."""
    return hmac.new(secret.encode(), f"caregiver:{caregiver_id}".encode(), hashlib.sha256).hexdigest()[:32]


class CaregiverTokens:
    """Who a token belongs to, and the links that carry a caregiver's token."""

    def __init__(self, config: Config, secret: str) -> None:
        self._config = config
        self._secret = secret

    def token_for(self, caregiver_id: str) -> str:
        caregiver = self._config.caregiver(caregiver_id)
        if caregiver is not None and caregiver.token:
            return caregiver.token
        return caregiver_token(self._secret, caregiver_id)

    def caregiver_by_token(self, token: str) -> str | None:
        """The caregiver ``token`` belongs to; compared in constant time."""
        for caregiver in self._config.caregivers:
            if hmac.compare_digest(self.token_for(caregiver.id), token):
                return caregiver.id
        return None

    def ack_link(self, alert_id: str, caregiver_id: str) -> str:
        base = self._config.alerts.public_url.rstrip("/")
        return f"{base}/api/alerts/{alert_id}/ack?token={self.token_for(caregiver_id)}"
