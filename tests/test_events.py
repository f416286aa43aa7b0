"""events: frozen facts with snake_case kinds that survive a trip through an event-log row."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import datetime, timezone

import pytest

from assistant import events
import assistant.events.base  # noqa: F401 - events.base, patched below
from assistant.eventlog import event_row
from assistant.events import (
    AccelerationSampled, ButtonPressed, Event, GenericEvent, MessageRejected, SosPressed, SubscriberFailed,
    VitalSignsMeasured, event_from_row, event_types,
)

TS = datetime(2026, 1, 5, 8, 0, 30, 250000, tzinfo=timezone.utc)


def _log_row(event: Event, **extra) -> dict:
    """What EventQuery.events returns for an event: the row with ``data`` parsed."""
    columns = ("id", "ts", "home", "device", "person", "kind", "data", "cause", "dedupe_key")
    row = dict(zip(columns, event_row(event, extra=extra or None)))
    row.pop("dedupe_key")
    row["data"] = json.loads(row["data"])
    return row


def test_kind_is_snake_case_of_class_name():
    assert VitalSignsMeasured.kind == "vital_signs_measured"
    assert SosPressed.kind == "sos_pressed"
    assert SubscriberFailed.kind == "subscriber_failed"
    assert Event.kind == "event"


def test_every_kind_is_registered_and_matches_its_class():
    types = event_types()
    assert len(types) > 20
    for kind, cls in types.items():
        assert kind == cls.kind
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", kind), kind
        assert kind == re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()


def test_new_subclass_gets_a_kind(monkeypatch):
    # A private copy of the registry, so this test-only class is not seen by other tests.
    monkeypatch.setattr(events.base, "_REGISTRY", dict(events.base._REGISTRY))

    @dataclasses.dataclass(frozen=True, kw_only=True)
    class TestOnlyDoseLogged(Event):
        dose: str

    assert TestOnlyDoseLogged.kind == "test_only_dose_logged"
    assert event_types()["test_only_dose_logged"] is TestOnlyDoseLogged
    row = {"id": "e1", "ts": TS.isoformat(), "kind": "test_only_dose_logged", "data": {"dose": "5mg"}}
    assert event_from_row(row) == TestOnlyDoseLogged(id="e1", ts=TS, dose="5mg")


def test_a_class_that_takes_an_existing_kind_is_refused(monkeypatch):
    monkeypatch.setattr(events.base, "_REGISTRY", dict(events.base._REGISTRY))
    with pytest.raises(events.EventKindTaken) as refused:
        @dataclasses.dataclass(frozen=True, kw_only=True)
        class FallDetected(Event):  # a skill's class named like the core's
            severity: str = ""
    assert refused.value.kind == "fall_detected"
    assert refused.value.existing == "assistant.events.devices.FallDetected"
    assert "rename the class" in str(refused.value)
    assert event_types()["fall_detected"] is events.FallDetected


def test_the_same_class_defined_again_replaces_itself(monkeypatch):
    monkeypatch.setattr(events.base, "_REGISTRY", dict(events.base._REGISTRY))

    def define() -> type[Event]:
        @dataclasses.dataclass(frozen=True, kw_only=True)
        class TestOnlyReloaded(Event):
            n: int = 0
        return TestOnlyReloaded

    first, second = define(), define()  # same module and qualified name: a reload
    assert event_types()["test_only_reloaded"] is second is not first


def test_kinds_of_includes_subclasses_and_none_means_every_kind():
    assert events.kinds_of(()) is None
    assert events.kinds_of((Event,)) is None
    assert events.kinds_of((SosPressed, ButtonPressed)) == ["button_pressed", "sos_pressed"]


def test_old_caregiver_notified_rows_read_back_as_alert_requested():
    row = {"id": "e1", "ts": TS.isoformat(), "kind": "caregiver_notified",
           "data": {"message": "help", "priority": "high"}}
    event = event_from_row(row)
    assert isinstance(event, events.AlertRequested) and event.message == "help"


def test_events_are_frozen():
    event = VitalSignsMeasured(heart_rate=70)
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.heart_rate = 80  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.id = "x"  # type: ignore[misc]


def test_stamped_returns_a_copy_with_the_envelope():
    event = ButtonPressed(action="double")
    stamped = event.stamped(id="e1", ts=TS, home="flat1", device="pendant", cause="c0")
    assert event.id == "" and event.home == ""
    assert (stamped.id, stamped.ts, stamped.home, stamped.device, stamped.cause) == ("e1", TS, "flat1", "pendant", "c0")
    assert stamped.action == "double"


def test_data_excludes_the_envelope():
    event = VitalSignsMeasured(heart_rate=70, spo2=98).stamped(
        id="e1", ts=TS, home="flat1", device="watch", person="grandma", cause="c0")
    assert event.data() == {"heart_rate": 70, "spo2": 98, "skin_temp": None, "systolic": None,
                            "diastolic": None, "respiration_rate": None}
    assert SosPressed().data() == {}


def test_data_is_json_ready():
    event = AccelerationSampled(rate_hz=25.0, samples=((0.0, 0.1, 1.0), (0.5, -0.2, 0.8)))
    data = event.data()
    assert data == {"rate_hz": 25.0, "samples": [[0.0, 0.1, 1.0], [0.5, -0.2, 0.8]]}
    json.dumps(data)


@pytest.mark.parametrize("event", [
    VitalSignsMeasured(heart_rate=70.5, spo2=97),
    AccelerationSampled(rate_hz=50.0, samples=((0.0, 0.1, 1.0), (0.2, -0.1, 0.9), (1.5, 2.0, -0.3))),
    ButtonPressed(action="long"),
    SosPressed(),
    MessageRejected(topic="carehub/flat1/x/state", reason="unknown device 'x'", preview="{}"),
])
def test_round_trip_through_a_log_row(event):
    stamped = event.stamped(id="e1", ts=TS, home="flat1", device="watch", person="grandma", cause="c0")
    rebuilt = event_from_row(_log_row(stamped))
    assert rebuilt == stamped
    assert type(rebuilt) is type(stamped)


def test_samples_come_back_as_tuples():
    event = AccelerationSampled(rate_hz=50.0, samples=((0.0, 0.1, 1.0),)).stamped(id="e1", ts=TS, home="h")
    rebuilt = event_from_row(_log_row(event))
    assert isinstance(rebuilt.samples, tuple) and isinstance(rebuilt.samples[0], tuple)
    hash(rebuilt.samples)


def test_row_extras_are_ignored_when_rebuilding():
    event = ButtonPressed(action="single").stamped(id="e1", ts=TS, home="flat1")
    assert event_from_row(_log_row(event, device_ts="2026-01-05T07:59:59Z")) == event


def test_unknown_kind_becomes_a_generic_event():
    row = {"id": "e9", "ts": TS.isoformat(), "home": "flat1", "device": "watch", "person": None,
           "kind": "medication_skipped_v9", "data": {"dose": "10mg", "times": [1, 2]}, "cause": None}
    event = event_from_row(row)
    assert isinstance(event, GenericEvent)
    assert event.name == "medication_skipped_v9"
    assert event.payload == {"dose": "10mg", "times": [1, 2]}
    assert (event.id, event.ts, event.home, event.device) == ("e9", TS, "flat1", "watch")


def test_row_with_empty_data_and_missing_optional_columns():
    event = event_from_row({"id": "e1", "ts": TS.isoformat(), "kind": "sos_pressed", "data": None})
    assert event == SosPressed(id="e1", ts=TS)
