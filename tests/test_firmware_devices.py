"""Reference firmware on the wire: availability and last will, heartbeats, msg_id, commands, actuators."""

import asyncio
import json

import aiomqtt
import pytest

from firmware_stubs.device import iso_utc
from firmware_stubs.door_contact import DoorContact
from firmware_stubs.motion_sensor import MotionSensor
from firmware_stubs.panic_button import PanicButton
from firmware_stubs.sensors import BedSensor, Pillbox
from firmware_stubs.smart_plug import Light, SmartPlug
from firmware_stubs.umqtt_shim import MQTTClient
from firmware_stubs.wearable import Wearable

NOW = 1_780_000_000.0


class FakeClient:
    """Records what firmware does with a umqtt.simple client; ``deliver`` queues an incoming message."""

    def __init__(self):
        self.will = None
        self.callback = None
        self.connected = False
        self.published = []
        self.subscriptions = []
        self.inbox = []

    def set_last_will(self, topic, msg, retain=False, qos=0):
        self.will = (topic, msg, retain, qos)

    def set_callback(self, cb):
        self.callback = cb

    def connect(self, clean_session=True):
        self.connected = True

    def publish(self, topic, msg, retain=False, qos=0):
        self.published.append((topic.decode(), msg, retain, qos))

    def subscribe(self, topic, qos=0):
        self.subscriptions.append((topic, qos))

    def check_msg(self):
        while self.inbox:
            self.callback(*self.inbox.pop(0))

    def disconnect(self):
        self.connected = False

    def deliver(self, topic, payload):
        self.inbox.append((topic.encode(), json.dumps(payload).encode() if isinstance(payload, dict) else payload))

    def json(self, leaf):
        return [json.loads(msg) for topic, msg, _, _ in self.published if topic.endswith("/" + leaf)]


# Firmware logic, with a fake client


def test_start_sets_the_will_then_announces_online_and_listens_for_commands():
    client = FakeClient()
    Wearable(client, "home", "grandma-watch").start(NOW)
    assert client.will == ("carehub/home/grandma-watch/availability", b"offline", True, 1)
    assert client.published[0] == ("carehub/home/grandma-watch/availability", b"online", True, 1)
    assert client.subscriptions == [("carehub/home/grandma-watch/set", 1)]


def test_every_message_is_qos1_with_a_unique_msg_id_and_the_device_time():
    client = FakeClient()
    watch = Wearable(client, "home", "grandma-watch", boot="b1")
    watch.start(NOW)
    watch.report(NOW + 1, heart_rate=72, spo2=97, worn=True)
    watch.fall(NOW + 2)
    watch.sos(NOW + 3)
    watch.press(NOW + 4, "double")
    payloads = client.json("state") + client.json("event")
    ids = [p["msg_id"] for p in payloads]
    assert len(set(ids)) == 4 and all(i.startswith("grandma-watch-b1-") for i in ids)
    assert all(qos == 1 for _, _, _, qos in client.published)
    assert client.json("state")[0]["ts"] == iso_utc(NOW + 1)
    assert [p["type"] for p in client.json("event")] == ["fall", "sos", "button"]
    assert client.json("event")[2]["action"] == "double"


def test_a_rebooted_device_does_not_reuse_msg_ids():
    first, second = FakeClient(), FakeClient()
    first_dev = MotionSensor(first, "home", "kitchen-motion")
    first_dev.start(NOW)
    first_dev.motion(NOW, True)
    second_dev = MotionSensor(second, "home", "kitchen-motion")
    second_dev.start(NOW + 30)
    second_dev.motion(NOW + 30, True)
    assert first.json("state")[0]["msg_id"] != second.json("state")[0]["msg_id"]


def test_heartbeat_only_when_nothing_else_was_said_for_the_interval():
    client = FakeClient()
    sensor = DoorContact(client, "home", "front-door", heartbeat=60)
    sensor.start(NOW)
    sensor.tick(NOW + 59)
    assert client.json("event") == []
    sensor.tick(NOW + 60)
    assert [e["type"] for e in client.json("event")] == ["heartbeat"]
    sensor.set_open(NOW + 100, True)
    sensor.tick(NOW + 150)
    assert len(client.json("event")) == 1
    sensor.tick(NOW + 160)
    assert len(client.json("event")) == 2


def test_sensor_payloads_follow_the_contract():
    client = FakeClient()
    MotionSensor(client, "h", "m").motion(NOW, True, illuminance=12, battery=90)
    DoorContact(client, "h", "d").set_open(NOW, True, battery=77)
    BedSensor(client, "h", "b").set_occupied(NOW, True)
    Pillbox(client, "h", "p").open(NOW, "mon-am")
    PanicButton(client, "h", "pb").cancel(NOW)
    sent = client.json("state") + client.json("event")
    strip = [{k: v for k, v in p.items() if k not in ("msg_id", "ts")} for p in sent]
    assert strip == [
        {"motion": True, "illuminance": 12, "battery": 90},
        {"open": True, "battery": 77},
        {"occupied": True},
        {"type": "pillbox_opened", "compartment": "mon-am"},
        {"type": "button", "action": "cancel"},
    ]


def test_wearable_refuses_a_reading_the_hub_would_reject():
    with pytest.raises(ValueError, match="heartrate"):
        Wearable(FakeClient(), "h", "w").report(NOW, heartrate=70)


def test_wearable_obeys_commands_once_and_ignores_nonsense():
    client = FakeClient()
    watch = Wearable(client, "home", "w", heartbeat=60)
    watch.start(NOW)
    client.deliver("carehub/home/w/set", {"say": "Are you OK?", "language": "en", "msg_id": "hub-1"})
    client.deliver("carehub/home/w/set", {"say": "Are you OK?", "language": "en", "msg_id": "hub-1"})
    client.deliver("carehub/home/w/set", {"vibrate": 1.5})
    client.deliver("carehub/home/w/set", {"heartbeat": 30})
    client.deliver("carehub/home/w/set", {"dance": True})
    client.deliver("carehub/home/w/set", b"{not json")
    client.deliver("carehub/home/other/set", {"say": "not for me"})
    watch.tick(NOW + 1)
    assert watch.spoken == ["Are you OK?"] and watch.languages == ["en"]
    assert watch.vibrations == [1.5]
    assert watch.heartbeat == 30
    assert len(watch.ignored) == 2
    watch.tick(NOW + 31)
    assert [e["type"] for e in client.json("event")] == ["heartbeat"]


def test_actuators_publish_retained_state_and_obey_set():
    light_client, plug_client = FakeClient(), FakeClient()
    light = Light(light_client, "home", "kitchen-light")
    plug = SmartPlug(plug_client, "home", "kettle-plug", load_watts=1850)
    light.start(NOW)
    plug.start(NOW)
    light_client.deliver("carehub/home/kitchen-light/set", {"state": "on", "brightness": 128})
    plug_client.deliver("carehub/home/kettle-plug/set", {"state": "ON"})
    light.tick(NOW + 1)
    plug.tick(NOW + 1)
    light_client.deliver("carehub/home/kitchen-light/set", {"state": "off"})
    plug_client.deliver("carehub/home/kettle-plug/set", {"state": "off"})
    plug_client.deliver("carehub/home/kettle-plug/set", {"state": "sideways"})
    light.tick(NOW + 2)
    plug.tick(NOW + 2)

    def states(client, fields):
        retained = [r for t, _, r, _ in client.published if t.endswith("/state")]
        assert retained and all(retained)
        return [{k: v for k, v in s.items() if k in fields} for s in client.json("state")]

    assert states(light_client, ("state", "brightness")) == [
        {"state": "off"},
        {"state": "on", "brightness": 128},
        {"state": "off"},
    ]
    assert states(plug_client, ("state", "power")) == [
        {"state": "off", "power": 0.0},
        {"state": "on", "power": 1850.0},
        {"state": "off", "power": 0.0},
    ]
    assert len(plug.ignored) == 1


def test_stop_says_offline_before_disconnecting():
    client = FakeClient()
    sensor = MotionSensor(client, "home", "m")
    sensor.start(NOW)
    sensor.stop()
    assert client.published[-1] == ("carehub/home/m/availability", b"offline", True, 1)
    assert not client.connected


# Over a real broker, through the umqtt shim. The amqtt broker runs in the test's event loop, so
# every blocking shim call goes through a thread.


class Observer:
    """An aiomqtt subscriber that keeps every message it receives."""

    def __init__(self, client):
        self.client = client
        self.messages = []

    async def _collect(self):
        async for message in self.client.messages:
            self.messages.append(message)

    def on(self, topic_end, payload=None):
        found = [m for m in self.messages if str(m.topic).endswith(topic_end)]
        return [m for m in found if payload is None or m.payload == payload]

    async def wait_for(self, topic_end, payload=None, timeout=10.0):
        async with asyncio.timeout(timeout):
            while not self.on(topic_end, payload):
                await asyncio.sleep(0.02)
        return self.on(topic_end, payload)


async def observe(broker, topic, client_id):
    client = aiomqtt.Client(broker.host, broker.port, identifier=client_id)
    await client.__aenter__()
    await client.subscribe(topic, qos=1)
    observer = Observer(client)
    observer.task = asyncio.create_task(observer._collect())
    return observer


async def close(observer):
    observer.task.cancel()
    await observer.client.__aexit__(None, None, None)


def shim(broker, client_id):
    return MQTTClient(client_id, broker.host, broker.port, keepalive=30, timeout=5)


async def test_retained_online_then_heartbeat_on_the_device_clock(any_broker):
    client = shim(any_broker, "fw-hb")
    sensor = MotionSensor(client, "t1", "hallway-motion", heartbeat=60)
    await asyncio.to_thread(sensor.start, NOW)
    late = await observe(any_broker, "carehub/t1/#", "obs-hb")
    try:
        online = await late.wait_for("/hallway-motion/availability", b"online")
        assert online[0].retain
        await asyncio.to_thread(sensor.tick, NOW + 30)
        await asyncio.to_thread(sensor.tick, NOW + 60)
        beats = await late.wait_for("/hallway-motion/event")
        assert len(beats) == 1
        payload = json.loads(beats[0].payload)
        assert payload["type"] == "heartbeat" and payload["ts"] == iso_utc(NOW + 60) and payload["msg_id"]
        assert client.acknowledged == client.published == 2
    finally:
        await asyncio.to_thread(sensor.stop)
        await close(late)


async def test_last_will_offline_when_the_connection_drops(any_broker):
    client = shim(any_broker, "fw-will")
    watch = Wearable(client, "t2", "grandma-watch")
    observer = await observe(any_broker, "carehub/t2/+/availability", "obs-will")
    try:
        await asyncio.to_thread(watch.start, NOW)
        await observer.wait_for("/availability", b"online")
        await asyncio.to_thread(client._drop)
        await observer.wait_for("/availability", b"offline")
        with pytest.raises(OSError):
            await asyncio.to_thread(watch.report, NOW + 1, heart_rate=70)
    finally:
        await close(observer)
    # The will was retained: whoever subscribes now still learns the watch is offline.
    later = await observe(any_broker, "carehub/t2/+/availability", "obs-will-later")
    try:
        retained = await later.wait_for("/availability")
        assert retained[-1].payload == b"offline" and retained[-1].retain
    finally:
        await close(later)


async def test_light_obeys_set_and_retains_its_state(any_broker):
    light = Light(shim(any_broker, "fw-light"), "t3", "kitchen-light")
    observer = await observe(any_broker, "carehub/t3/kitchen-light/state", "obs-light")
    try:
        await asyncio.to_thread(light.start, NOW)
        await observer.wait_for("/state")
        await observer.client.publish(
            "carehub/t3/kitchen-light/set", json.dumps({"state": "on", "brightness": 128}), qos=1
        )
        async with asyncio.timeout(10):
            while not light.on:
                await asyncio.to_thread(light.tick, NOW + 1)
                await asyncio.sleep(0.02)
        states = await observer.wait_for("/state")
        async with asyncio.timeout(10):
            while len(states) < 2:
                await asyncio.sleep(0.02)
                states = observer.on("/state")
        assert json.loads(states[-1].payload)["state"] == "on"
        assert json.loads(states[-1].payload)["brightness"] == 128
    finally:
        await close(observer)
    later = await observe(any_broker, "carehub/t3/kitchen-light/state", "obs-light-later")
    try:
        retained = await later.wait_for("/state")
        assert retained[0].retain
        assert {k: v for k, v in json.loads(retained[0].payload).items() if k in ("state", "brightness")} == {
            "state": "on",
            "brightness": 128,
        }
    finally:
        await asyncio.to_thread(light.stop)
        await close(later)


async def test_wearable_speaks_what_the_hub_sends(any_broker):
    watch = Wearable(shim(any_broker, "fw-say"), "t4", "grandma-watch")
    await asyncio.to_thread(watch.start, NOW)
    async with aiomqtt.Client(any_broker.host, any_broker.port, identifier="hub-say") as hub:
        await hub.publish("carehub/t4/grandma-watch/set", json.dumps({"say": "Are you OK?", "language": "en"}), qos=1)
        await hub.publish("carehub/t4/grandma-watch/set", json.dumps({"vibrate": 2}), qos=1)
    try:
        async with asyncio.timeout(10):
            while len(watch.commands) < 2:
                await asyncio.to_thread(watch.tick, NOW + 1)
                await asyncio.sleep(0.02)
        assert watch.spoken == ["Are you OK?"] and watch.vibrations == [2]
    finally:
        await asyncio.to_thread(watch.stop)
