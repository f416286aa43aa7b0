"""Delivering a notification to one channel: Apprise, off the event loop.

A ``Notifier`` is injected into the escalation, so tests can use Apprise against a local HTTP
receiver (``json://127.0.0.1:PORT/path``) — or any fake — without patching.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol
from urllib.parse import urlsplit

from assistant.alerts.threads import sending

log = logging.getLogger(__name__)


class Notifier(Protocol):
    """Sends one message to one channel URL; returns (ok, detail)."""

    async def send(self, url: str, title: str, body: str, priority: str) -> tuple[bool, str]: ...


APP_CHANNEL = "app"
"""The channel label of the caregiver app (assistant/app_web), every caregiver's channel besides their own."""


class AppDelivery(Protocol):
    """The caregiver app as a channel: an alert is delivered when a signed-in caregiver's open app receives it."""

    async def deliver(self, caregiver: str, alert_ids: list[str]) -> tuple[bool, str]:
        """Push the alerts to the caregiver's open apps; (received by at least one, what happened)."""
        ...


def channel_label(url: str) -> str:
    """The part of a channel URL that is safe to log: scheme and host, no tokens or passwords."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")


class AppriseNotifier:
    """Apprise (ntfy, Pushover, Telegram, e-mail, WeCom, DingTalk, Feishu, webhooks, ...)."""

    def __init__(self, timeout: float = 10.0) -> None:
        self.timeout = timeout

    def _send_blocking(self, url: str, title: str, body: str, priority: str) -> tuple[bool, str]:
        import apprise

        notifier = apprise.Apprise()
        if not notifier.add(url):
            return False, f"not a usable Apprise URL: {channel_label(url)}"
        kinds = {"high": apprise.NotifyType.FAILURE, "medium": apprise.NotifyType.WARNING,
                 "low": apprise.NotifyType.INFO}
        ok = notifier.notify(body=body, title=title, notify_type=kinds.get(priority, apprise.NotifyType.INFO))
        return bool(ok), "sent" if ok else "the service refused or could not be reached"

    async def send(self, url: str, title: str, body: str, priority: str) -> tuple[bool, str]:
        try:
            return await asyncio.wait_for(sending(self._send_blocking, url, title, body, priority),
                                          self.timeout)
        except TimeoutError:
            return False, f"no answer within {self.timeout:g} s"
        except Exception as error:  # noqa: BLE001 - a broken channel must not break the alert
            log.warning("delivery to %s raised: %r", channel_label(url), error)
            return False, f"{type(error).__name__}: {error}"
