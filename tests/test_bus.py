"""bus: subscribers are isolated (a raising or hanging one harms nobody), filtered by type and attribute."""

from __future__ import annotations

import asyncio

import pytest

from assistant.app import build_hub
from assistant.bus import EventBus
from assistant.events import (
    BatteryReported, Event, MotionCleared, MotionDetected, SubscriberFailed, VitalSignsMeasured,
)
from tests.hubkit import hub_config, wait_for_rows


class Failures:
    """An ``on_failure`` hook that remembers what it was told."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Event, BaseException]] = []

    def __call__(self, name: str, event: Event, error: BaseException) -> None:
        self.calls.append((name, event, error))


@pytest.fixture
def failures():
    return Failures()


@pytest.fixture
async def bus(failures):
    bus = EventBus(on_failure=failures)
    yield bus
    await bus.stop(drain_timeout=0.5)


def _collector(into: list[Event]):
    async def collect(event: Event) -> None:
        into.append(event)
    return collect


async def test_raising_subscriber_does_not_stop_others(bus, failures):
    good: list[Event] = []
    handled_after_failure: list[Event] = []

    async def flaky(event: Event) -> None:
        if isinstance(event, BatteryReported) and event.level == 1:
            raise ValueError("cannot parse battery")
        handled_after_failure.append(event)

    bus.subscribe(flaky, name="flaky")
    bus.subscribe(_collector(good), name="good")
    await bus.start()
    first, second, third = BatteryReported(id="e1", level=1), BatteryReported(id="e2", level=2), MotionDetected(id="e3")
    for event in (first, second, third):
        bus.publish(event)
    await bus.drain()

    assert good == [first, second, third]
    assert handled_after_failure == [second, third]
    [(name, event, error)] = failures.calls
    assert name == "flaky" and event is first
    assert isinstance(error, ValueError) and str(error) == "cannot parse battery"
    assert bus.stats()["flaky"] == {"delivered": 2, "failed": 1, "dropped": 0, "queued": 0, "active": 0}


async def test_hanging_subscriber_times_out_while_others_receive(bus, failures):
    others_received = asyncio.Event()
    hang_forever = asyncio.Event()
    later: list[Event] = []

    async def stuck(event: Event) -> None:
        if event.id == "first":
            await hang_forever.wait()
        later.append(event)

    async def prompt(event: Event) -> None:
        others_received.set()

    bus.subscribe(stuck, name="stuck", timeout=0.2)
    bus.subscribe(prompt, name="prompt")
    await bus.start()
    bus.publish(MotionDetected(id="first"))
    await others_received.wait()
    assert failures.calls == []  # the other subscriber did not wait for the stuck one
    bus.publish(MotionDetected(id="second"))
    await bus.drain()

    [(name, event, error)] = failures.calls
    assert name == "stuck" and event.id == "first"
    assert isinstance(error, TimeoutError) and str(error) == "did not finish within 0.2 s"
    assert [e.id for e in later] == ["second"]  # the stuck subscriber carries on with the next event


async def test_sync_handlers_are_called(bus):
    seen: list[Event] = []
    bus.subscribe(seen.append, MotionDetected)
    await bus.start()
    bus.publish(MotionDetected(id="m"))
    await bus.drain()
    assert [e.id for e in seen] == ["m"]


async def test_type_filter(bus):
    vitals: list[Event] = []
    motion: list[Event] = []
    everything: list[Event] = []
    no_types: list[Event] = []
    bus.subscribe(_collector(vitals), VitalSignsMeasured, name="vitals")
    bus.subscribe(_collector(motion), MotionDetected, MotionCleared, name="motion")
    bus.subscribe(_collector(everything), Event, name="everything")
    bus.subscribe(_collector(no_types), name="no-types")
    await bus.start()
    published = [VitalSignsMeasured(heart_rate=70), BatteryReported(level=50), MotionDetected(),
                 MotionCleared(), VitalSignsMeasured(spo2=97)]
    for event in published:
        bus.publish(event)
    await bus.drain()
    assert vitals == [published[0], published[4]]
    assert motion == [published[2], published[3]]
    assert everything == published
    assert no_types == published


async def test_attribute_filter(bus):
    watch: list[Event] = []
    watch_battery: list[Event] = []
    bus.subscribe(_collector(watch), device="watch", name="watch")
    bus.subscribe(_collector(watch_battery), BatteryReported, device="watch", name="watch-battery")
    await bus.start()
    published = [BatteryReported(level=1, device="watch"), BatteryReported(level=2, device="door"),
                 MotionDetected(device="watch"), BatteryReported(level=3)]
    for event in published:
        bus.publish(event)
    await bus.drain()
    assert watch == [published[0], published[2]]
    assert watch_battery == [published[0]]


async def test_subscribe_after_start(bus):
    seen: list[Event] = []
    await bus.start()
    bus.subscribe(_collector(seen), name="late")
    bus.publish(MotionDetected(id="m"))
    await bus.drain()
    assert [e.id for e in seen] == ["m"]


async def test_events_published_before_start_are_delivered_on_start(bus):
    seen: list[Event] = []
    bus.subscribe(_collector(seen))
    bus.publish(MotionDetected(id="early"))
    await bus.start()
    await bus.drain()
    assert [e.id for e in seen] == ["early"]


async def test_failure_hook_that_raises_does_not_kill_the_subscriber():
    def broken_hook(name: str, event: Event, error: BaseException) -> None:
        raise RuntimeError("hook broke")

    seen: list[Event] = []

    async def handler(event: Event) -> None:
        if event.id == "bad":
            raise ValueError("bad event")
        seen.append(event)

    bus = EventBus(on_failure=broken_hook)
    bus.subscribe(handler, name="h")
    await bus.start()
    bus.publish(MotionDetected(id="bad"))
    bus.publish(MotionDetected(id="good"))
    await bus.drain()
    await bus.stop()
    assert [e.id for e in seen] == ["good"]


async def test_stop_finishes_queued_work_then_cancels_a_stuck_subscriber(failures):
    bus = EventBus(on_failure=failures)
    done: list[Event] = []
    stuck_started = asyncio.Event()
    stuck_cancelled = asyncio.Event()

    async def stuck(event: Event) -> None:
        stuck_started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            stuck_cancelled.set()
            raise

    bus.subscribe(stuck, name="stuck")  # default timeout: far longer than the test
    bus.subscribe(_collector(done), name="quick")
    await bus.start()
    for i in range(3):
        bus.publish(MotionDetected(id=f"m{i}"))
    await stuck_started.wait()
    await bus.stop(drain_timeout=0.1)

    assert [e.id for e in done] == ["m0", "m1", "m2"]
    assert stuck_cancelled.is_set()
    assert failures.calls == []  # being stopped is not a failure
    assert all(t.done() for t in asyncio.all_tasks() if t.get_name().startswith("bus:"))


async def test_stop_without_start_and_twice(bus):
    bus.subscribe(_collector([]))
    await bus.stop(drain_timeout=0.01)
    await bus.start()
    await bus.stop()
    await bus.stop()


async def test_full_queue_drops_and_counts():
    bus = EventBus(queue_size=2)
    seen: list[Event] = []
    slow_ok: list[Event] = []
    bus.subscribe(_collector(seen), MotionDetected, name="small")
    bus.subscribe(_collector(slow_ok), BatteryReported, name="other")
    for i in range(5):
        bus.publish(MotionDetected(id=f"m{i}"))  # not started: nothing is consumed yet
    bus.publish(BatteryReported(level=10))
    assert bus.stats()["small"] == {"delivered": 0, "failed": 0, "dropped": 3, "queued": 2, "active": 0}
    await bus.start()
    await bus.drain()
    await bus.stop()
    assert [e.id for e in seen] == ["m0", "m1"]
    assert len(slow_ok) == 1  # one subscriber's full queue does not affect another's


async def test_handler_raising_cancelled_error_is_isolated(bus, failures):
    seen: list[Event] = []

    async def handler(event: Event) -> None:
        if event.id == "first":
            cancelled = asyncio.get_running_loop().create_future()
            cancelled.cancel()
            await cancelled  # e.g. awaiting a task someone else cancelled
        seen.append(event)

    bus.subscribe(handler, name="h")
    await bus.start()
    bus.publish(MotionDetected(id="first"))
    bus.publish(MotionDetected(id="second"))
    async with asyncio.timeout(0.5):  # the correct behaviour takes milliseconds
        await bus.drain()
    assert [e.id for e in seen] == ["second"]
    assert [(name, event.id) for name, event, _ in failures.calls] == [("h", "first")]


# -- in the hub: a failure becomes a logged event ----------------------------------------------


async def test_subscriber_failure_is_logged_with_the_event_as_cause(amqtt_broker, tmp_path):
    config = hub_config(tmp_path, amqtt_broker.port)
    healthy: list[Event] = []
    async with build_hub(config) as hub:
        def broken(event: Event) -> None:
            raise RuntimeError("pump exploded")

        hub.bus.subscribe(broken, BatteryReported, name="broken-skill")
        hub.bus.subscribe(_collector(healthy), BatteryReported, name="healthy-skill")
        event = await hub.emit(BatteryReported(level=5, device="grandma-watch", person="grandma"))
        rows = await wait_for_rows(config.database_path, lambda r: r, kind="subscriber_failed")
        chain = await hub.reader.cause_chain(rows[0]["id"])
        counted = hub.bus.failures

    [failure] = rows
    assert failure["cause"] == event.id
    assert failure["data"]["subscriber"] == "broken-skill"
    assert "pump exploded" in failure["data"]["error"]
    assert failure["device"] == "grandma-watch" and failure["person"] == "grandma"
    assert [r["kind"] for r in chain] == [SubscriberFailed.kind, BatteryReported.kind]
    assert chain[1]["id"] == event.id and chain[1]["data"] == {"level": 5}
    assert [e.id for e in healthy] == [event.id]
    assert counted == 1
