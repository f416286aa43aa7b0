"""The embedded MQTT broker (amqtt) that lets ``carehub run`` work with nothing else installed.

With an ``MqttTrust`` it refuses clients without a credential, keeps each device to its own topics and
the hub's client id to the hub (docs/security/mqtt.md); without one (tests, ``mqtt.auth: false``) it
accepts everyone.
"""

from __future__ import annotations

import asyncio

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from amqtt.adapters import ReaderAdapter, WriterAdapter
from amqtt.broker import Broker
from amqtt.contexts import Action
from amqtt.errors import AMQTTError, BrokerError, MQTTError, NoDataError
from amqtt.mqtt.protocol.broker_handler import BrokerProtocolHandler
from amqtt.plugins.base import BaseAuthPlugin, BaseTopicPlugin
from amqtt.session import Session
from amqtt.utils import gen_client_id

from assistant.errors import CannotStart, port_in_use
from assistant.mqtt_trust import MqttTrust

log = logging.getLogger(__name__)

RefusalHook = Callable[[str, str], None]
"""Told (topic, reason) of every publish the broker dropped, so the hub can log it."""


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


class TrustAuthPlugin(BaseAuthPlugin):
    """Lets in the hub, configured devices and the Zigbee2MQTT bridge, each with its own credential."""

    @dataclass
    class Config:
        trust: Any = None
        """The ``MqttTrust`` of the home."""

    async def authenticate(self, *, session: Session) -> bool:
        trust: MqttTrust = self.config.trust
        # _TrustingBroker has checked (and logged) this login already; this keeps amqtt's own path shut.
        return trust.authenticate(session.username, session.password, session.client_id,
                                  session.will_topic if session.will_flag else None) is None


class TrustTopicPlugin(BaseTopicPlugin):
    """The ACL: what each login may publish, subscribe to and be sent."""

    @dataclass
    class Config:
        trust: Any = None
        """The ``MqttTrust`` of the home."""
        on_refused: Any = None
        """A ``RefusalHook``, or None."""

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self._refusals: Counter[tuple[str | None, str]] = Counter()

    async def topic_filtering(self, *, session: Session | None = None, topic: str | None = None,
                              action: Action | None = None) -> bool:
        trust: MqttTrust = self.config.trust
        user = session.username if session is not None else None
        if topic is None:
            return False
        if action == Action.PUBLISH:
            allowed = trust.may_publish(user, topic)
            if not allowed:
                reason = f"refused by the broker: login '{user}' may not publish on this topic"
                # A flooding client would drown the log; the hub's rows keep every refusal.
                self._refusals[(user, topic)] += 1
                if (n := self._refusals[(user, topic)]) <= 5 or n % 1000 == 0:
                    log.warning("MQTT publish on %s %s (%d so far)", topic, reason, n)
                if self.config.on_refused is not None:
                    self.config.on_refused(topic, reason)
            return allowed
        if action == Action.SUBSCRIBE:
            allowed = trust.may_subscribe(user, topic)
            if not allowed:
                log.warning("MQTT subscription to %s refused for login '%s'", topic, user)
            return allowed
        return trust.may_receive(user, topic)


class _Subscriptions(dict[str, list[tuple[Session, int]]]):
    """The broker's subscriptions by filter; ``items()`` is a snapshot, safe to iterate across awaits."""

    def items(self) -> list[tuple[str, list[tuple[Session, int]]]]:  # type: ignore[override]
        return list(super().items())


class _TrustingBroker(Broker):
    """amqtt's broker, authenticating a client before its client id can touch an existing session.

    amqtt 0.12 looks up (and, for a clean session, deletes) the session of a CONNECT's client id before
    it authenticates the client, so anyone could wipe or take over the hub's queued readings by using
    its client id. Here a client is refused unless its login is good and any session of its client id
    was made by the same login; a refused client gets a throwaway client id and no login.
    """

    trust: MqttTrust | None = None
    refusals: Counter[str | None]
    """Refused connections by the user name they tried."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refusals = Counter()
        # amqtt's broadcast loop awaits the (asynchronous) topic check while it iterates over the subscriptions;
        # a client subscribing or leaving meanwhile changed the dict under it ("dictionary changed size during
        # iteration") and that message went to nobody. It iterates over a snapshot instead.
        self._subscriptions = _Subscriptions(self._subscriptions)  # type: ignore[has-type]

    async def _initialize_client_session(self, reader: ReaderAdapter, writer: WriterAdapter,
                                         remote_address: str, remote_port: int,
                                         ) -> tuple[BrokerProtocolHandler, Session]:
        try:
            handler, session = await BrokerProtocolHandler.init_from_connect(reader, writer, self.plugins_manager)
        except MQTTError as exc:
            await writer.close()
            raise MQTTError(exc) from exc
        except (AMQTTError, NoDataError) as exc:
            raise AMQTTError(exc) from exc
        will = session.will_topic if session.will_flag else None
        refused = (self.trust.authenticate(session.username, session.password, session.client_id, will)
                   if self.trust else None)
        existing = self._sessions.get(session.client_id, (None, None))[0] if self.trust else None
        if refused is None and existing is not None and existing.username != session.username:
            # Resuming or taking over a session is for the login that made it: else one device could kick
            # another (the panic button) off the broker by using its client id, or read its queue.
            refused = f"client id '{session.client_id}' belongs to another login"
        if refused is not None:
            # A device with a wrong password retries every few seconds: say so, but not every time.
            self.refusals[session.username] += 1
            if (n := self.refusals[session.username]) <= 5 or n % 100 == 0:
                log.warning("MQTT connection of client %r refused (%d so far): %s", session.client_id, n, refused)
            session.client_id = f"refused-{gen_client_id()}"
            session.clean_session = True
            session.username = session.password = None
            session.will_flag = False
        # What amqtt does next (amqtt/broker.py, Broker._initialize_client_session).
        if session.clean_session:
            if session.client_id:
                await self._delete_session(session.client_id)
            else:
                session.client_id = gen_client_id()
            session.parent = 0
        elif session.client_id in self._sessions:
            existing, _ = self._sessions[session.client_id]
            for name in ("will_flag", "will_message", "will_topic", "will_qos", "keep_alive", "username",
                         "password"):
                setattr(existing, name, getattr(session, name))
            session = existing
            session.parent = 1
        else:
            session.parent = 0
        delay = self.config.get("timeout-disconnect-delay", 0)
        if session.keep_alive > 0 and isinstance(delay, int):
            session.keep_alive += delay
        return handler, session

    async def _publish_retained_messages_for_subscription(self, subscription: tuple[str, int],
                                                          session: Session) -> None:
        """Retained messages for one of ``session``'s own subscriptions, and only those its login may receive.

        amqtt 0.12 sends a connecting client the retained messages matching *every* client's subscriptions
        (the hub's ``+/state`` included), unchecked: any device would read the lights' states, and everything
        the hub keeps retained for Home Assistant (vital signs among it).
        """
        topic_filter, qos = subscription
        if not any(held.client_id == session.client_id for held, _ in self._subscriptions.get(topic_filter, [])):
            return
        handler = self._get_handler(session)
        if handler is None:
            return
        sends = []
        for topic, retained in list(self._retained_messages.items()):
            if self._matches(topic, topic_filter) and await self._topic_filtering(session, topic, Action.RECEIVE):
                sends.append(asyncio.ensure_future(
                    handler.mqtt_publish(retained.topic, retained.data, min(qos, retained.qos or qos), retain=True)))
        if sends:
            await asyncio.wait(sends)


@dataclass(frozen=True)
class BrokerTls:
    """The certificate the embedded broker presents (PEM files)."""

    certfile: str
    keyfile: str


class EmbeddedBroker:
    """An amqtt broker on ``host:port``, started and stopped with the hub.

    ``session_expiry`` bounds how long the broker keeps a disconnected client's persistent session
    (and its queued messages), so a device that never comes back cannot make it queue forever.
    ``trust`` turns on logins and the ACL; ``tls`` makes the listener speak TLS only.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 1883, session_expiry: int = 3600, *,
                 trust: MqttTrust | None = None, tls: BrokerTls | None = None,
                 on_refused: RefusalHook | None = None) -> None:
        self.host = host
        self.port = port
        self.session_expiry = session_expiry
        self.trust = trust
        self.tls = tls
        self.on_refused = on_refused
        self._broker: _TrustingBroker | None = None

    def _config(self) -> dict:
        listener: dict[str, Any] = {"type": "tcp", "bind": f"{self.host}:{self.port}", "max_connections": 0}
        if self.tls is not None:
            listener.update(ssl=True, certfile=self.tls.certfile, keyfile=self.tls.keyfile)
        plugins: dict[str, dict[str, Any]] = {"assistant.broker.LocalAuthPlugin": {}}
        if self.trust is not None:
            plugins = {"assistant.broker.TrustAuthPlugin": {"trust": self.trust},
                       "assistant.broker.TrustTopicPlugin": {"trust": self.trust, "on_refused": self.on_refused}}
        return {
            "listeners": {"default": listener},
            "session_expiry_interval": self.session_expiry,
            "plugins": plugins,
        }

    async def start(self) -> None:
        broker = _TrustingBroker(self._config())
        broker.trust = self.trust
        self._broker = broker
        amqtt_log = logging.getLogger("amqtt.broker")
        level = amqtt_log.level
        amqtt_log.setLevel(logging.CRITICAL)  # a failed start is reported once, below, not as amqtt's traceback
        try:
            await broker.start()
        except BrokerError as error:
            self._broker = None
            if "address already in use" in str(error).lower():
                raise port_in_use("mqtt.port", self.host, self.port,
                                  "another MQTT broker such as Mosquitto or Home Assistant's? To use it, set "
                                  "mqtt.broker: external") from error
            raise CannotStart("mqtt", f"the embedded MQTT broker cannot start: {error}") from error
        finally:
            amqtt_log.setLevel(level)
        log.info("embedded MQTT broker listening on %s:%d (%s, %s)", self.host, self.port,
                 "logins required" if self.trust else "open to every client", "TLS" if self.tls else "plain")

    async def stop(self, timeout: float = 10.0) -> None:
        """Shut the broker down; a client that never lets go cannot keep the hub from stopping."""
        if self._broker is not None:
            broker, self._broker = self._broker, None
            try:
                async with asyncio.timeout(timeout):
                    await broker.shutdown()
            except TimeoutError:
                log.warning("embedded MQTT broker did not shut down within %g s; leaving it", timeout)

    async def __aenter__(self) -> "EmbeddedBroker":
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
