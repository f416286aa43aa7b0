"""The embedded MQTT broker (amqtt) that lets ``carehub run`` work with nothing else installed."""

from __future__ import annotations

import logging

from amqtt.broker import Broker

log = logging.getLogger(__name__)


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
                "amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True},
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
