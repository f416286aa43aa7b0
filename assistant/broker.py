"""The embedded MQTT broker (amqtt) that lets ``carehub run`` work with nothing else installed."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from amqtt.broker import Broker
from amqtt.plugins.base import BaseAuthPlugin
from amqtt.session import Session

log = logging.getLogger(__name__)


class LocalAuthPlugin(BaseAuthPlugin):
    """Accepts every client of the embedded broker without marking it anonymous.

    amqtt's own anonymous plugin flags every client as anonymous, and amqtt then drops an anonymous
    client's persistent session (and the messages queued for it) the moment it disconnects. The hub
    relies on its persistent session surviving a reconnect; ``session_expiry`` still bounds it.
    """

    @dataclass
    class Config:
        """No options."""

    async def authenticate(self, *, session: Session) -> bool:
        return True


class EmbeddedBroker:
    """An amqtt broker on ``host:port``, started and stopped with the hub.

    ``session_expiry`` bounds how long the broker keeps a disconnected client's persistent session
    (and its queued messages), so a device that never comes back cannot make it queue forever.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 1883, session_expiry: int = 3600) -> None:
        self.host = host
        self.port = port
        self.session_expiry = session_expiry
        self._broker: Broker | None = None

    def _config(self) -> dict:
        return {
            "listeners": {
                "default": {"type": "tcp", "bind": f"{self.host}:{self.port}", "max_connections": 0},
            },
            "session_expiry_interval": self.session_expiry,
            "plugins": {
                "assistant.broker.LocalAuthPlugin": {},
            },
        }

    async def start(self) -> None:
        self._broker = Broker(self._config())
        await self._broker.start()
        log.info("embedded MQTT broker listening on %s:%d", self.host, self.port)

    async def stop(self) -> None:
        if self._broker is not None:
            await self._broker.shutdown()
            self._broker = None

    async def __aenter__(self) -> "EmbeddedBroker":
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
