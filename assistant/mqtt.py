"""The hub's MQTT link: one persistent session, manual acknowledgement, reconnect within a few seconds.

Messages are acknowledged to the broker only when ``ack`` is called, which the hub does after the
rows a message produced are committed. With a persistent session (clean session off, fixed client
id) the broker redelivers anything not yet acknowledged when the hub reconnects after a crash.
"""

from __future__ import annotations

import asyncio
import logging
import random
import ssl
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiomqtt
from paho.mqtt.client import MQTTMessage

from assistant.config import MqttConfig
from assistant.mqtt_io import fewer_socket_calls
from assistant.mqtt_trust import Login

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Incoming:
    """A message from the broker, waiting for the hub to ``ack`` it."""

    topic: str
    payload: bytes
    qos: int
    retain: bool
    mid: int


MIN_BACKOFF = 0.5
MAX_BACKOFF = 3.0
"""Seconds: however long the broker was away, the hub tries again at least this often, so it is back
within a few seconds of the broker (docs/security/mqtt.md: a silenced hub misses alarms)."""


def reconnect_delay(attempt: int, jitter: float, *, first: float = MIN_BACKOFF, cap: float = MAX_BACKOFF) -> float:
    """Seconds to wait before reconnect ``attempt`` (0 for the first after a loss).

    Doubles from ``first`` up to ``cap``; ``jitter`` (0..1) takes up to half off, so many clients that
    lost the same broker do not all come back in the same instant. Never more than ``cap``.
    """
    base = min(cap, first * 2 ** min(attempt, 30))
    return base * (1.0 - 0.5 * min(max(jitter, 0.0), 1.0))


MAX_UNACKED = 500
"""Messages (QoS 1 and 2) the link holds unacknowledged before it stops reading the socket: a broker that sends
without an in-flight limit (Mosquitto's ``max_inflight_messages 0``) then waits, in TCP's flow control, until the log
has committed half of them. The hub's memory stays bounded and its loop free for its timers and its lease."""

MAX_PAUSE = 10.0
"""Seconds reading stays stopped at most: the broker's answer to a keepalive ping comes in on the same socket."""

HAND_OVER_AT_ONCE = 100
"""Messages that came with the connection handed over a loop turn."""

MessageHandler = Callable[[Incoming], None]
StateHook = Callable[[bool, str], Awaitable[None] | None]


class MqttLink:
    """Connects, subscribes, hands each message to ``on_message`` and keeps reconnecting."""

    def __init__(self, config: MqttConfig, *, subscriptions: list[str], status_topic: str,
                 on_message: MessageHandler | None = None, on_state: StateHook | None = None,
                 min_backoff: float = MIN_BACKOFF, max_backoff: float = MAX_BACKOFF,
                 max_unacked: int = MAX_UNACKED, persistent: bool = True) -> None:
        """``persistent``: the broker keeps the session (its subscriptions and what comes for them) while the link is
        away; a worker's urgent lane asks for a clean one (its partition's main session keeps everything)."""
        self.config = config
        self.persistent = persistent
        self.subscriptions = subscriptions
        self.status_topic = status_topic
        self.on_message = on_message
        """Called with every message, on the event loop; set before ``start``."""
        self.on_state = on_state
        """Called (and awaited) with (up, reason) whenever the connection comes up or goes down."""
        self.login: Login | None = None
        """The hub's credential (set before ``start``); None uses ``mqtt.username``/``password`` as given."""
        self.tls_context: ssl.SSLContext | None = None
        """Made from ``ca_file`` on the first connect when ``mqtt.tls`` is on."""
        self.ca_file: str | None = config.ca_file
        """``mqtt.ca_file``, resolved against the config file's folder by the hub."""
        self._task: asyncio.Task[None] | None = None
        self._handshaken = asyncio.Event()
        """Clear while a connection is between its CONNECT and its CONNACK."""
        self._handshaken.set()
        self._min_backoff = min_backoff
        self._max_backoff = max_backoff
        self._client: aiomqtt.Client | None = None
        self._generation = 0
        self.connected = asyncio.Event()
        self.first_error: aiomqtt.MqttError | None = None
        """Why the first attempt to connect failed; None when it connected (or has not ended yet)."""
        self._first_attempt = asyncio.Event()
        self.received = 0
        self.acked = 0
        self.reconnects = 0
        self.max_unacked = max_unacked
        self.unacked = 0
        """QoS 1 and 2 messages of this connection handed over and not yet acknowledged."""
        self.pauses = 0
        """Times reading stopped with ``max_unacked`` messages unacknowledged."""
        self._paused: tuple[Any, int, asyncio.TimerHandle] | None = None
        """The socket whose reading is stopped, its descriptor, and when it starts again regardless."""
        self._held: Any = None
        """The socket whose reading ``hold`` stopped, until ``release``."""
        self.holds = 0
        """Times ``hold`` stopped reading."""
        self._current: aiomqtt.Client | None = None
        """The client of the connection being made or held."""
        self._early: deque[Incoming] = deque()
        """Messages that came before the connection's hooks ran, for ``_hand_over_early``."""
        self._direct = False
        """Whether paho's read callback hands messages to ``on_message`` itself (after ``_hand_over_early``)."""
        self.first_handed_over = asyncio.Event()
        """Set once what came with the first connection (a persistent session's queue, up to the broker's in-flight
        window) has been handed to ``on_message``."""
        self.fence: Callable[[], bool] | None = None
        """Asked before every connect and publish: False ends the link for good and refuses the publish. A
        partition answers with its worker's lease, so a worker that lost it (frozen past its TTL) neither takes
        the session back from the partition's new owner nor sends a command the new owner may send too."""

    @property
    def address(self) -> str:
        return f"{self.config.host}:{self.config.port}"

    def _make_client(self) -> aiomqtt.Client:
        cfg = self.config
        client = aiomqtt.Client(
            cfg.host, cfg.port,
            identifier=cfg.client_id,
            username=self.login.username if self.login else cfg.username,
            password=self.login.password if self.login else cfg.password,
            clean_session=not self.persistent,
            keepalive=cfg.keepalive,
            will=aiomqtt.Will(self.status_topic, b"offline", qos=1, retain=True),
            tls_context=self.tls_context if cfg.tls else None,
            max_inflight_messages=100,
        )
        # aiomqtt has no public switch for this; paho does. Without it paho acknowledges a
        # message as soon as it is read, before its row is committed.
        client._client.manual_ack_set(True)  # noqa: SLF001
        fewer_socket_calls(client._client)  # noqa: SLF001
        # aiomqtt's iterator costs a task, an ``asyncio.wait`` and two extra loop turns per message, which at a few
        # thousand messages a second is most of the hub's time: paho's read callback hands them over instead.
        client._client.on_message = self._on_paho_message  # noqa: SLF001
        self._unpause()
        self._current = client
        self._early.clear()
        self._direct = False
        return client

    def start(self) -> None:
        """Connect (and keep reconnecting) in a task of its own until ``stop``."""
        if self._task is None:
            self._task = asyncio.create_task(self.run(), name="carehub-mqtt")

    async def wait_connected(self, timeout: float = 10.0) -> None:
        async with asyncio.timeout(timeout):
            await self.connected.wait()

    async def first_attempt(self, timeout: float) -> aiomqtt.MqttError | None:
        """How the first attempt to connect ended: its error, or None when it connected or is still trying
        after ``timeout`` seconds. Later attempts carry on either way."""
        try:
            async with asyncio.timeout(timeout):
                await self._first_attempt.wait()
        except TimeoutError:
            return None
        return self.first_error

    async def stop(self, *, goodbye: bool = True) -> None:
        """Say goodbye (``offline`` on the status topic), unless told not to, and disconnect."""
        # A connection half-way through its handshake is let finish (a few ms): cancelled there, aiomqtt would
        # leave its socket open, a session nobody reads that the next owner of this client id must fight.
        if not self._handshaken.is_set() and self._task is not None and not self._task.done():
            try:
                async with asyncio.timeout(5):
                    await self._handshaken.wait()
            except TimeoutError:
                pass
        await self.close(goodbye=goodbye)
        if self._task is not None:
            client = self._client
            self._task.cancel()
            done, _ = await asyncio.wait({self._task}, timeout=5)
            if not done and client is not None:
                # The broker never acknowledged the disconnect (it had already handed the session to another
                # connection): the socket is dropped rather than waited on for ever.
                log.warning("MQTT link to %s as %s did not close within 5 s; dropping its connection", self.address,
                            self.config.client_id)
                disconnected = client._disconnected  # noqa: SLF001
                if not disconnected.done():
                    disconnected.set_result(None)
                await asyncio.wait({self._task}, timeout=5)
            self._task = None

    async def run(self) -> None:
        """Stay connected until cancelled."""
        attempt = 0
        if self.config.tls and self.tls_context is None:
            self.tls_context = await asyncio.to_thread(ssl.create_default_context, cafile=self.ca_file)
        while True:
            if self.fence is not None and not self.fence():
                log.warning("not connecting to %s as %s: no longer allowed to hold this session", self.address,
                            self.config.client_id)
                self._lost("fenced")
                return
            try:
                client = self._make_client()
                self._handshaken.clear()
                async with client:
                    self._handshaken.set()
                    self._client = client
                    self._generation += 1
                    attempt = 0
                    await _subscribe(client, self.subscriptions)
                    await client.publish(self.status_topic, b"online", qos=1, retain=True)
                    self.connected.set()
                    self._first_attempt.set()
                    log.info("connected to MQTT broker %s as %s", self.address, self.config.client_id)
                    await self._notify(True, "")
                    await self._hand_over_early()
                    # Messages never reach aiomqtt's queue; iterating it waits for the disconnect (MqttError).
                    async for _ in client.messages:
                        pass
            except aiomqtt.MqttError as error:
                self._handshaken.set()
                if not self._first_attempt.is_set():
                    self.first_error = error
                    self._first_attempt.set()
                self._lost(str(error))
                await self._notify(False, str(error))
                delay = reconnect_delay(attempt, random.random(), first=self._min_backoff, cap=self._max_backoff)
                log.warning("MQTT link to %s down (%s); retrying in %.1f s", self.address, error, delay)
                await asyncio.sleep(delay)
                attempt += 1
                self.reconnects += 1
            except asyncio.CancelledError:
                self._handshaken.set()
                self._lost("stopped")
                raise

    async def _hand_over_early(self) -> None:
        """Hand the messages that came during the handshake to ``on_message``, in order, a few a loop turn; later
        ones go straight from paho's read callback (``_on_paho_message``).

        A persistent session's queue arrives right after the CONNACK, before the subscriptions and the ``online``
        are acknowledged; the hub's connection hooks run first (its log says it connected before what came), and
        a queue of thousands does not hold the loop in one turn."""
        try:
            while self._early:
                for _ in range(min(len(self._early), HAND_OVER_AT_ONCE)):
                    self._handle(self._early.popleft())
                await asyncio.sleep(0)
        except Exception as error:
            log.exception("handling a message that came with the connection failed")
            raise aiomqtt.MqttError(f"handling a message failed: {error}") from error  # the broker sends it again
        self._direct = True
        self.first_handed_over.set()
        if self.unacked >= self.max_unacked:
            self._pause()

    def _on_paho_message(self, paho_client: object, userdata: object, message: MQTTMessage) -> None:
        incoming = Incoming(message.topic, bytes(message.payload), message.qos, bool(message.retain), message.mid)
        self.received += 1
        if incoming.qos:
            self.unacked += 1
        if not self._direct:
            # Reading goes on during the handshake (its acknowledgements come behind the queue); a broker's in-flight
            # window bounds what comes then.
            self._early.append(incoming)
            return
        try:
            self._handle(incoming)
        except Exception:
            # paho re-raises it and aiomqtt drops the connection; the broker redelivers on reconnect.
            log.exception("handling a message on %s failed", message.topic)
            raise
        if self.unacked >= self.max_unacked and self._paused is None:
            self._pause()

    def _handle(self, message: Incoming) -> None:
        if self.on_message is None:
            raise RuntimeError("the MQTT link has no message handler")
        self.on_message(message)

    @property
    def reading_stopped(self) -> bool:
        """Whether reading has stopped with ``max_unacked`` messages unacknowledged."""
        return self._paused is not None

    def _pause(self) -> None:
        """Stop reading the socket until half the unacknowledged messages are (or ``MAX_PAUSE`` has passed)."""
        client = self._current
        sock = client._client._sock if client is not None else None  # noqa: SLF001
        if sock is None:
            return
        loop = asyncio.get_running_loop()
        fd = sock.fileno()
        loop.remove_reader(fd)
        self._paused = (sock, fd, loop.call_later(MAX_PAUSE, self._resume, True))
        self.pauses += 1
        if self.pauses == 1 or self.pauses % 100 == 0:
            log.warning("MQTT link %s holds %d messages not yet logged; reading stops until half are (%d times)",
                        self.config.client_id, self.unacked, self.pauses)

    def _unpause(self) -> None:
        """Forget a stopped reading (a new connection reads on its own)."""
        if self._paused is not None:
            self._paused[2].cancel()
            self._paused = None
        self._held = None
        self.unacked = 0

    def hold(self) -> None:
        """Stop reading the socket until ``release``: what comes meanwhile waits in the socket and at the broker,
        and the event loop's turns go to the work already under way. A worker holds its partitions' main sessions
        while an SOS or a fall taken from an urgent lane is on its way to a caregiver (``cluster/urgent.py``)."""
        client = self._current
        sock = client._client._sock if client is not None else None  # noqa: SLF001
        if self._held is not None or sock is None or not self._direct:
            return
        if self._paused is None:
            asyncio.get_running_loop().remove_reader(sock.fileno())
        self._held = sock
        self.holds += 1

    def release(self) -> None:
        """Read again after ``hold`` (unless reading stopped for the messages not yet logged meanwhile)."""
        held, self._held = self._held, None
        if held is None or self._paused is not None:
            return  # ``_resume`` starts reading once the log has caught up
        fd, client = held.fileno(), self._current
        if client is None or client._client._sock is not held:  # noqa: SLF001 - gone: the next connection reads
            return
        asyncio.get_running_loop().add_reader(fd, self._read, client)

    def _resume(self, timed_out: bool = False) -> None:
        paused, self._paused = self._paused, None
        if paused is None:
            return
        sock, fd, timer = paused
        timer.cancel()
        client = self._current
        if client is None or client._client._sock is not sock:  # noqa: SLF001 - gone: the next connection reads
            return
        if self._held is sock:
            return  # ``release`` starts reading
        if timed_out:
            log.warning("MQTT link %s: %d messages still not logged after %.0f s; reading again",
                        self.config.client_id, self.unacked, MAX_PAUSE)
        asyncio.get_running_loop().add_reader(fd, self._read, client)

    @staticmethod
    def _read(client: aiomqtt.Client) -> None:
        """The socket's reader while it is ours (as aiomqtt's: a failed read ends the connection)."""
        paho = client._client  # noqa: SLF001
        try:
            paho.loop_read()
            while getattr(paho._sock, "pending", lambda: 0)() > 0:  # noqa: SLF001 - TLS bytes decoded already
                paho.loop_read()
        except Exception as error:  # noqa: BLE001
            disconnected = client._disconnected  # noqa: SLF001
            if not disconnected.done():
                disconnected.set_exception(error)

    def _lost(self, reason: str) -> None:
        self._client = None
        self.connected.clear()

    async def _notify(self, up: bool, reason: str) -> None:
        if self.on_state is None:
            return
        try:
            result = self.on_state(up, reason)
            if asyncio.iscoroutine(result):
                await result
        except Exception:  # noqa: BLE001
            log.exception("MQTT state hook failed")

    def ack_token(self) -> int:
        """Which connection a message arrived on; acks for an older connection are void."""
        return self._generation

    def ack(self, message: Incoming, token: int) -> None:
        """Acknowledge ``message`` to the broker (only QoS 1 and 2 need it)."""
        if message.qos == 0 or self._client is None or token != self._generation:
            return
        self._client._client.ack(message.mid, message.qos)  # noqa: SLF001
        self.acked += 1
        self.unacked -= 1
        if self._paused is not None and self.unacked <= self.max_unacked // 2:
            self._resume()

    async def subscribe(self, filters: list[str]) -> None:
        """Add topic filters now (on the live connection) and on every later connect."""
        have = set(self.subscriptions)
        new = [f for f in dict.fromkeys(filters) if f not in have]
        self.subscriptions += new  # before awaiting: a reconnect meanwhile subscribes them too
        client = self._client
        if client is not None and new:
            await _subscribe(client, new)

    async def unsubscribe(self, filters: list[str]) -> None:
        """Drop topic filters now and from later connects."""
        have = set(self.subscriptions)
        gone = [f for f in dict.fromkeys(filters) if f in have]
        dropped = set(gone)
        self.subscriptions = [f for f in self.subscriptions if f not in dropped]
        client = self._client
        if client is not None and gone:
            await client.unsubscribe(gone)

    async def publish(self, topic: str, payload: bytes | str, *, qos: int = 1, retain: bool = False) -> None:
        if self.fence is not None and not self.fence():
            raise aiomqtt.MqttError(f"not publishing on {topic} as {self.config.client_id}: no longer allowed to "
                                    "hold this session")
        if self._client is None:
            raise aiomqtt.MqttError(f"not connected to {self.address}")
        await self._client.publish(topic, payload, qos=qos, retain=retain)

    async def close(self, goodbye: bool = True) -> None:
        """Say ``offline`` on the status topic (a clean exit does not fire the last will)."""
        if goodbye and self._client is not None and (self.fence is None or self.fence()):
            try:
                async with asyncio.timeout(2):
                    await self._client.publish(self.status_topic, b"offline", qos=1, retain=True)
            except (aiomqtt.MqttError, TimeoutError):
                pass


SUBSCRIBE_AT_ONCE = 64
"""Topic filters per SUBSCRIBE packet: a partition's session subscribes thousands when it connects."""


async def _subscribe(client: aiomqtt.Client, filters: list[str]) -> None:
    for start in range(0, len(filters), SUBSCRIBE_AT_ONCE):
        await client.subscribe([(topic, 1) for topic in filters[start:start + SUBSCRIBE_AT_ONCE]])
