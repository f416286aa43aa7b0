"""Fewer socket calls for paho's work on the event loop.

paho reads a message with four calls to ``recv`` (its first byte, its length, its body, and one that finds the
socket empty) and aiomqtt's read callback reads one message a wake-up; acknowledgements leave one ``send`` each.
Every such call lets go of the GIL, and in a worker whose log writer thread wants it, each is a hand-over the
event loop then waits to get back: at 2,000 messages a second, a fifth of the worker's loop (py-spy, 10,000
homes) was spent in ``recv`` and ``send``. Here the socket is read ``READ_SIZE`` bytes at a time into a buffer
paho reads from, a wake-up reads every whole message the buffer holds, and acknowledgements waiting to go out
together leave in one ``send``.

A turn of the event loop reads about ``READ_SIZE`` bytes in all, over every link of the process: a worker's links
are read in turn, a piece at a time, so a flood on its dozens of sessions (a broker sending without an in-flight
limit, or queues handed over at a takeover) cannot hold the loop for seconds, past its lease's keep-alive.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

from paho.mqtt.client import PUBACK, MQTTErrorCode
from paho.mqtt.matcher import MQTTMatcher

READ_SIZE = 16384
"""Bytes a read asks the socket for: a few hundred sensor messages, so a wake-up that drains them stays short."""


class _Turn:
    """Bytes read from every link's socket in this turn of the event loop."""

    spent = 0
    counting = False

    @classmethod
    def allows(cls) -> bool:
        """Whether a socket may be read now; what is left waits for the loop's next turn (paho keeps a message read
        in part and goes on with it then)."""
        return cls.spent < READ_SIZE

    @classmethod
    def spend(cls, size: int) -> None:
        cls.spent += size
        if not cls.counting:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                cls.spent = 0  # read off the loop (paho's own threads): nothing to share
                return
            cls.counting = True
            loop.call_soon(cls.next_turn)

    @classmethod
    def next_turn(cls) -> None:
        cls.spent, cls.counting = 0, False


class _Buffered:
    """paho's ``_sock_recv`` and ``loop_read`` over a read buffer, and its ``_packet_write`` sending acknowledgements
    together, installed on one paho client."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.raw_recv = client._sock_recv  # noqa: SLF001
        self.raw_loop_read = client.loop_read
        self.raw_packet_write = client._packet_write  # noqa: SLF001
        self.sock: object = None
        self.data = b""
        self.pos = 0

    def recv(self, bufsize: int) -> bytes:
        sock = self.client._sock  # noqa: SLF001
        if sock is not self.sock:  # a new connection: nothing read on the old one may be handed out on it
            self.sock, self.data, self.pos = sock, b"", 0
        if self.pos >= len(self.data):
            if not _Turn.allows():
                raise BlockingIOError  # paho keeps what it has of the message and reads on at the next turn
            data = self.raw_recv(max(bufsize, READ_SIZE))  # BlockingIOError and the end of the stream pass through
            _Turn.spend(len(data))
            if len(data) <= bufsize:
                self.data, self.pos = b"", 0
                return data
            self.data, self.pos = data, 0
        out = self.data[self.pos:self.pos + bufsize]
        self.pos += len(out)
        return out

    def buffered(self) -> bool:
        return self.pos < len(self.data) and self.client._sock is self.sock  # noqa: SLF001

    def loop_read(self, max_packets: int = 1) -> MQTTErrorCode:
        """Read until the buffer is empty: the socket will not wake the loop for bytes already taken off it."""
        rc = self.raw_loop_read(max_packets)
        while rc == MQTTErrorCode.MQTT_ERR_SUCCESS and self.buffered():
            rc = self.raw_loop_read(max_packets)
        return rc

    def packet_write(self) -> MQTTErrorCode:
        """Send the acknowledgements at the head of paho's queue as one packet (nothing is done after sending
        one), then let paho write as it does."""
        out = self.client._out_packet  # noqa: SLF001
        if len(out) > 1 and out[0]["command"] & 0xF0 == PUBACK and out[1]["command"] & 0xF0 == PUBACK:
            first = out.popleft()
            parts = [first["packet"][first["pos"]:]]
            while out and out[0]["command"] & 0xF0 == PUBACK:
                parts.append(out.popleft()["packet"])
            joined = b"".join(parts)
            out.appendleft({**first, "mid": 0, "pos": 0, "to_process": len(joined), "packet": joined})
        return self.raw_packet_write()


class _Filters(MQTTMatcher):
    """paho's per-filter message callbacks (carehub uses none), without the garbage of looking for them.

    paho looks each message's topic up among them with a generator that refers to itself: a reference cycle a
    message, freed only by the garbage collector. At 2,000 messages a second that was 12,000 objects a second for it
    to find, 10-15 ms of a worker's event loop every quarter second."""

    def iter_match(self, topic: str) -> Iterator[Any]:
        return super().iter_match(topic) if self._root._children else iter(())  # noqa: SLF001


def fewer_socket_calls(client: Any) -> None:
    """Install the buffered reading and the acknowledgements sent together on ``client`` (a paho ``Client``, before
    it connects), and a look-up of per-filter callbacks that leaves no garbage."""
    client._on_message_filtered = _Filters()  # noqa: SLF001
    buffered = _Buffered(client)
    client._sock_recv = buffered.recv  # noqa: SLF001
    client.loop_read = buffered.loop_read
    client._packet_write = buffered.packet_write  # noqa: SLF001
