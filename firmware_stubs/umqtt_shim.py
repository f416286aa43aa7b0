"""``umqtt.simple.MQTTClient`` for CPython, on paho-mqtt 2.x, so device firmware runs unchanged on a PC.

Blocking like umqtt.simple: ``connect`` returns after CONNACK, ``subscribe`` after SUBACK and a QoS 1
``publish`` after PUBACK, so a returned publish means the broker accepted the message. paho's network
thread does the socket work; received messages wait in a queue until ``check_msg``/``wait_msg``
hands them to the callback in the caller's thread. Like umqtt.simple it never reconnects by itself:
after a lost connection every call raises ``OSError``.
"""

from __future__ import annotations

import logging
import queue
import socket
import struct
import threading
from typing import Any, Callable

import paho.mqtt.client as mqtt

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0


class MQTTException(Exception):
    """The broker refused the connection (``args[0]`` is its reason code), as in umqtt.simple."""


class MQTTClient:
    """The umqtt.simple client API over paho-mqtt.

    ``published`` counts messages handed to the broker and ``acknowledged`` the QoS 1 (or 2) ones it
    confirmed. ``timeout`` bounds every wait for the broker; umqtt.simple would wait forever.
    """

    def __init__(
        self,
        client_id: str | bytes,
        server: str,
        port: int = 0,
        user: str | None = None,
        password: str | bytes | None = None,
        keepalive: int = 0,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.client_id = client_id.decode() if isinstance(client_id, bytes) else client_id
        self.server = server
        self.port = port or 1883
        self.user = user
        self.password = password
        self.keepalive = keepalive
        self.timeout = timeout
        self.published = 0
        self.acknowledged = 0
        self._will: tuple[str, bytes, bool, int] | None = None
        self._callback: Callable[[bytes, bytes], None] | None = None
        self._client: mqtt.Client | None = None
        self._inbox: queue.Queue[tuple[bytes, bytes]] = queue.Queue()
        self._lock = threading.Condition()
        self._connack: mqtt.ReasonCode | None = None
        self._session_present = False
        self._connected = False
        self._subacks: dict[int, list[mqtt.ReasonCode]] = {}

    def set_last_will(self, topic: str | bytes, msg: str | bytes, retain: bool = False, qos: int = 0) -> None:
        self._will = (_text(topic), _bytes(msg), retain, qos)

    def set_callback(self, cb: Callable[[bytes, bytes], None]) -> None:
        self._callback = cb

    def connect(self, clean_session: bool = True) -> bool:
        """Connect and wait for CONNACK; returns whether the broker kept a session, as umqtt does."""
        client = mqtt.Client(
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
            client_id=self.client_id,
            clean_session=clean_session,
            reconnect_on_failure=False,
        )
        if self.user is not None:
            client.username_pw_set(self.user, _text(self.password) if self.password is not None else None)
        if self._will is not None:
            topic, payload, retain, qos = self._will
            client.will_set(topic, payload, qos=qos, retain=retain)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_subscribe = self._on_subscribe
        client.on_message = self._on_message
        with self._lock:
            self._connack = None
        client.connect(self.server, self.port, keepalive=self.keepalive)
        self._client = client
        client.loop_start()
        with self._lock:
            if not self._lock.wait_for(lambda: self._connack is not None, self.timeout):
                self._abandon()
                raise OSError(f"{self.client_id}: no CONNACK from {self.server}:{self.port}")
            connack = self._connack
        assert connack is not None
        if connack.is_failure:
            self._abandon()
            raise MQTTException(connack.value)
        return self._session_present

    def publish(self, topic: str | bytes, msg: str | bytes, retain: bool = False, qos: int = 0) -> None:
        client = self._live_client()
        info = client.publish(_text(topic), _bytes(msg), qos=qos, retain=retain)
        if info.rc != mqtt.MQTT_ERR_SUCCESS:
            raise OSError(f"{self.client_id}: publish failed: {mqtt.error_string(info.rc)}")
        self.published += 1
        if qos == 0:
            return
        try:
            info.wait_for_publish(self.timeout)
        except (RuntimeError, ValueError) as exc:
            raise OSError(f"{self.client_id}: publish failed: {exc}") from exc
        if not info.is_published():
            raise OSError(f"{self.client_id}: no PUBACK within {self.timeout} s")
        self.acknowledged += 1

    def subscribe(self, topic: str | bytes, qos: int = 0) -> None:
        client = self._live_client()
        rc, mid = client.subscribe(_text(topic), qos)
        if rc != mqtt.MQTT_ERR_SUCCESS:
            raise OSError(f"{self.client_id}: subscribe failed: {mqtt.error_string(rc)}")
        with self._lock:
            if not self._lock.wait_for(lambda: mid in self._subacks or not self._connected, self.timeout):
                raise OSError(f"{self.client_id}: no SUBACK within {self.timeout} s")
            codes = self._subacks.pop(mid, None) if mid is not None else None
        if codes is None:
            raise OSError(f"{self.client_id}: connection lost while subscribing")
        if any(code.is_failure for code in codes):
            raise MQTTException(codes[0].value)

    def check_msg(self) -> None:
        """Hand every message received so far to the callback, without waiting."""
        self._live_client()
        while True:
            try:
                topic, payload = self._inbox.get_nowait()
            except queue.Empty:
                return
            self._deliver(topic, payload)

    def wait_msg(self, timeout: float | None = None) -> None:
        """Wait for one message and hand it to the callback (``timeout`` is a shim extra; None waits forever)."""
        self._live_client()
        try:
            topic, payload = self._inbox.get(timeout=timeout)
        except queue.Empty:
            return
        self._deliver(topic, payload)

    def ping(self) -> None:
        """paho's network thread keeps the connection alive; kept so umqtt code runs unchanged."""
        self._live_client()

    def disconnect(self) -> None:
        client = self._client
        if client is None:
            return
        client.disconnect()
        client.loop_stop()
        self._client = None
        self._connected = False

    def _drop(self) -> None:
        """Tests: lose the connection without DISCONNECT (a reset), as a device losing power would."""
        client = self._client
        if client is None:
            return
        client.loop_stop()
        sock: Any = client.socket()
        if sock is not None:
            # Linger 0 makes close() send a TCP reset rather than an orderly shutdown.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
        self._client = None
        self._connected = False

    def _live_client(self) -> mqtt.Client:
        if self._client is None or not self._connected:
            raise OSError(f"{self.client_id}: not connected")
        return self._client

    def _deliver(self, topic: bytes, payload: bytes) -> None:
        if self._callback is not None:
            self._callback(topic, payload)

    def _abandon(self) -> None:
        if self._client is not None:
            self._client.loop_stop()
            self._client.disconnect()
        self._client = None
        self._connected = False

    # paho callbacks, on paho's network thread

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        with self._lock:
            self._connack = reason_code
            self._session_present = bool(flags.session_present)
            self._connected = not reason_code.is_failure
            self._lock.notify_all()

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            log.warning("%s: connection lost (%s)", self.client_id, reason_code)
        with self._lock:
            self._connected = False
            self._lock.notify_all()

    def _on_subscribe(self, client, userdata, mid, reason_code_list, properties) -> None:
        with self._lock:
            self._subacks[mid] = list(reason_code_list)
            self._lock.notify_all()

    def _on_message(self, client, userdata, message: mqtt.MQTTMessage) -> None:
        self._inbox.put((message.topic.encode(), bytes(message.payload)))


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _bytes(value: str | bytes) -> bytes:
    return value.encode() if isinstance(value, str) else bytes(value)
