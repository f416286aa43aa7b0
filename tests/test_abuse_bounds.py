"""Bounded under abuse: absurd readings are refused by name, unknown senders and log lines stay small and
cannot be forged."""

from __future__ import annotations

import io
import logging
from datetime import datetime, timezone

import pytest

from assistant.errors import DecodeError
from assistant.ingest import reason_kind
from assistant.logsetup import OneLine, escape_controls
from assistant.registry import MAX_UNKNOWN_SENDERS, DeviceRegistry
from devices import decode

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(("kind", "channel", "payload", "field"), [
    ("wearable", "state", b'{"steps": 18446744073709551616}', "steps"),
    ("wearable", "state", b'{"accuracy": 1e308}', "accuracy"),
    ("wearable", "state", b'{"battery": 1e-400}', "battery"),
    ("wearable", "state", b'{"battery": 4.9e-324}', "battery"),
    ("wearable", "state", b'{"battery": 101}', "battery"),
    ("wearable", "state", b'{"heart_rate": 900}', "heart_rate"),
    ("wearable", "state", b'{"spo2": 140}', "spo2"),
    ("wearable", "state", b'{"skin_temp": 80}', "skin_temp"),
    ("wearable", "state", b'{"systolic": 400}', "systolic"),
    ("wearable", "state", b'{"diastolic": 10}', "diastolic"),
    ("wearable", "state", b'{"lat": 91, "lon": 0}', "lat"),
    ("wearable", "state", b'{"lat": 0, "lon": -181}', "lon"),
    ("wearable", "state", b'{"accel": {"rate_hz": 50, "samples": [[0, 0, 1e6]]}}', "accel"),
    ("motion", "state", b'{"illuminance": 1e7}', "illuminance"),
    ("climate", "state", b'{"temperature": 215}', "temperature"),
    ("climate", "state", b'{"humidity": -3}', "humidity"),
    ("switch", "state", b'{"state": "on", "power": 1e9}', "power"),
])
def test_an_implausible_reading_is_refused_naming_the_field(kind, channel, payload, field):
    with pytest.raises(DecodeError) as refused:
        decode(kind, channel, payload)
    assert refused.value.reason.startswith(field), refused.value.reason


def test_a_denormal_battery_never_reads_as_empty():
    with pytest.raises(DecodeError, match="battery: number out of range"):
        decode("button", "state", b'{"battery": 1e-400}')
    assert decode("button", "state", b'{"battery": 0}').events[0].level == 0  # a real 0 % still is one


def test_unknown_senders_are_a_bounded_lru_with_counts():
    registry = DeviceRegistry(home="flat1")
    registry.note_unknown("carehub/flat1/toaster/state", T0, "unknown device 'toaster'", "flat1/toaster")
    for n in range(10_000):
        registry.note_unknown(f"carehub/flat1/junk{n}/state", T0, "unknown device", f"flat1/junk{n}")
        if n % 100 == 0:  # a sender that keeps talking stays remembered
            registry.note_unknown("carehub/flat1/toaster/state", T0, "unknown device 'toaster'", "flat1/toaster")
    assert len(registry.unknown) == MAX_UNKNOWN_SENDERS
    assert registry.unknown["flat1/toaster"].count == 101
    snapshot = registry.snapshot(T0)
    assert len(snapshot["unknown_senders"]) == MAX_UNKNOWN_SENDERS
    assert snapshot["unknown_senders_forgotten"] == 10_001 - MAX_UNKNOWN_SENDERS
    registry.note_unknown("carehub/flat1/" + "x" * 70_000 + "/state", T0, "unknown device", "flat1/" + "x" * 70_000)
    assert max(len(u["topic"]) for u in registry.snapshot(T0)["unknown_senders"]) <= 200


def test_rejections_are_counted_by_kind_not_by_name():
    assert reason_kind("unknown device 'a' (not in config.yaml)") == reason_kind("unknown device 'b' (not in config.yaml)")
    assert reason_kind("payload too large: 9000 bytes (limit 4096)") == "payload too large"


def test_a_newline_in_a_topic_cannot_forge_a_log_line():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(OneLine())
    logger = logging.getLogger("test.forging")
    logger.addHandler(handler)
    try:
        logger.warning("rejected message on %s: %s", "carehub/x\n2026-01-01 ERROR hub: all alarms off",
                       "bad\r\x1b[2Jpayload")
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert written.count("\n") == 1
    assert "\\n2026-01-01 ERROR" in written and "\\x1b" in written
    assert escape_controls("a\u2028b") == "a\\u2028b"
