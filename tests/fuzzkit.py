"""Seeded junk for the ingest path: random topics under the prefix, broken JSON, wrong types, absurd numbers.

Shared by ``tests/test_fuzz_ingest.py`` (5,000 messages in CI) and ``bench/fuzz.py`` (100,000).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator

from assistant.mqtt import Incoming

DEVICES = {"watch": "wearable", "hall": "motion", "lounge": "climate", "panic-button": "button",
           "lamp": "switch", "kitchen-speaker": "speaker"}
"""The devices of ``household()``, by id and kind."""

FIELDS = ("battery", "steps", "accuracy", "lat", "lon", "heart_rate", "spo2", "skin_temp", "systolic",
          "diastolic", "respiration_rate", "illuminance", "temperature", "humidity", "power", "brightness",
          "volume", "motion", "state", "worn", "type", "msg_id", "ts", "accel", "action", "text")
NUMBERS = ("0", "-0", "1", "-1", "72", "98.6", "1e308", "-1e308", "1e-400", "4.9e-324", "2e308", "NaN",
           "Infinity", "-Infinity", "18446744073709551616", "9" * 400, "0.000001", "1E+99", "1e100", "3.5e-5")
VALUES = ('"on"', '"off"', "true", "false", "null", '""', '"\\n\\r\\u0000"', "[]", "{}", '"sos"', '"heartbeat"',
          '"2026-01-01T00:00:00Z"', '"not a time"', '{"rate_hz": 50, "samples": [[0, 0, 1e6]]}',
          '{"rate_hz": 50, "samples": [[0, 0]]}')
TYPES = ("sos", "fall", "button", "heartbeat", "worn", "heard", "nonsense", "")


def household(tmp_path, max_payload_bytes: int = 4096) -> dict:
    return {
        "home": {"id": "flat1", "name": "Flat", "timezone": "Europe/London"},
        "storage": {"database": str(tmp_path / "log.db")},
        "http": {"enabled": False},
        "mqtt": {"max_payload_bytes": max_payload_bytes},
        "people": [{"id": "grandma", "name": "Margaret", "role": "elder"}],
        "devices": [{"id": d, "kind": k, "person": "grandma"} for d, k in DEVICES.items()],
    }


def _topic(rng: random.Random) -> str:
    roll = rng.random()
    home = "flat1" if roll < 0.8 else rng.choice(("flat2", "", "+", "#", "flat1\nforged", "x" * 300))
    if rng.random() < 0.6:
        device = rng.choice(list(DEVICES))
    else:
        device = rng.choice((f"junk{rng.randrange(10**9)}", "watch\r\n2026 ERROR forged line", "\x1b[31mred",
                             "设备", "", "a/b", "x" * rng.randrange(1, 5000)))
    channel = rng.choice(("state", "event", "availability", "set", "audio/x", "", "state/extra"))
    return f"carehub/{home}/{device}/{channel}" if rng.random() > 0.02 else rng.choice(("carehub", "elsewhere/x"))


def _object(rng: random.Random, depth: int = 0) -> str:
    parts = []
    for _ in range(rng.randrange(0, 6)):
        name = rng.choice(FIELDS) if rng.random() < 0.9 else rng.choice(("", "x" * 100, "\u0000", "bättery"))
        roll = rng.random()
        if roll < 0.45:
            value = rng.choice(NUMBERS)
        elif roll < 0.55:
            value = json.dumps(rng.choice(TYPES))
        elif roll < 0.6 and depth < 3:
            value = _object(rng, depth + 1)
        else:
            value = rng.choice(VALUES)
        parts.append(f"{json.dumps(name)}: {value}")
    return "{" + ", ".join(parts) + "}"


def _payload(rng: random.Random, max_bytes: int) -> bytes:
    roll = rng.random()
    if roll < 0.55:
        return _object(rng).encode()
    if roll < 0.65:
        return _object(rng).encode()[: rng.randrange(0, 40)]  # cut short
    if roll < 0.7:
        depth = rng.randrange(100, 20_000)
        return ("[" * depth + "]" * depth).encode()[:max_bytes]
    if roll < 0.75:
        return b'{"text": "' + b"a" * (max_bytes + rng.randrange(1, 10_000)) + b'"}'
    if roll < 0.8:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(0, 64)))
    if roll < 0.85:
        return rng.choice((b"", b"null", b"[]", b"42", b'"online"', b"offline", b"online", b"\xff\xfe"))
    battery = rng.choice(("50", "1e-400", "-5", '"full"'))
    return (f'{{"type": {json.dumps(rng.choice(TYPES))}, "msg_id": "{rng.randrange(10**6)}", '
            f'"battery": {battery}}}').encode()


def _valid(rng: random.Random) -> tuple[str, bytes]:
    """A message a real device could send, so the accepting path is exercised too."""
    device = rng.choice(("watch", "hall", "lounge", "panic-button"))
    if device == "watch":
        body = {"heart_rate": rng.randrange(40, 180), "battery": rng.randrange(0, 101), "steps": rng.randrange(10**5)}
    elif device == "hall":
        body = {"motion": rng.random() < 0.5, "illuminance": rng.uniform(0, 1000)}
    elif device == "lounge":
        body = {"temperature": round(rng.uniform(10, 30), 1), "humidity": rng.randrange(20, 90)}
    else:
        return f"carehub/flat1/{device}/event", b'{"type": "heartbeat"}'
    return f"carehub/flat1/{device}/state", json.dumps(body).encode()


def junk(seed: int, count: int, max_bytes: int = 4096) -> Iterator[Incoming]:
    """``count`` messages, the same for the same seed; about a quarter of them valid."""
    rng = random.Random(seed)
    for mid in range(1, count + 1):
        if rng.random() < 0.25:
            topic, payload = _valid(rng)
        else:
            topic, payload = _topic(rng), _payload(rng, max_bytes)
        yield Incoming(topic, payload, qos=1, retain=False, mid=mid)
