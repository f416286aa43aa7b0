"""An attacker on the home network, on the hub's embedded broker and on Mosquitto set up by carehub:
no faked alarm, no silenced alarm, no reading of what is not theirs, no stolen hub session."""

from __future__ import annotations

import asyncio
import json
import uuid

import aiomqtt
import pytest

from assistant.app import build_hub
from tests.hubkit import wait_for_rows
from tests.trustkit import HOME, SecuredHome, secured_home

pytestmark = pytest.mark.mosquitto


@pytest.fixture(params=["amqtt", "mosquitto"])
def secured(request, tmp_path):
    with secured_home(request.param, tmp_path) as home:
        yield home


def _json(payload: dict) -> bytes:
    return json.dumps({**payload, "msg_id": uuid.uuid4().hex}).encode()


async def _rows_of(home: SecuredHome, device: str) -> list[dict]:
    rows = await wait_for_rows(home.config.database_path, lambda r: True, device=device)
    return [r for r in rows if r["kind"] not in ("message_rejected", "command_sent")]


@pytest.mark.parametrize("login", [{}, {"user": "kitchen-motion", "password": "guessed"},
                                   {"user": "stranger", "password": "x" * 32}],
                         ids=["anonymous", "wrong-password", "unknown-user"])
async def test_a_client_without_a_credential_cannot_connect(secured: SecuredHome, login):
    async with build_hub(secured.config, skills=[]) as hub:
        await hub.wait_connected()
        with pytest.raises(aiomqtt.MqttError):
            async with secured.client(**login):
                pass
        async with secured.client("kitchen-motion") as device:  # the real credential works
            await device.publish(f"{HOME}/kitchen-motion/state", _json({"motion": True}), qos=1)
        await wait_for_rows(secured.config.database_path, bool, kind="motion_detected", device="kitchen-motion")


async def test_a_device_credential_cannot_fake_silence_or_command_another_device(secured: SecuredHome):
    """The attacker has the kitchen motion sensor's credential (a cheap sensor is easy to take apart)."""
    async with build_hub(secured.config, skills=[]) as hub:
        await hub.wait_connected()
        heard: list[str] = []
        async with secured.client("kitchen-light") as light, secured.client("kitchen-motion") as attacker:
            await light.subscribe(f"{HOME}/kitchen-light/set", qos=1)

            async def listen() -> None:
                async for message in light.messages:
                    heard.append(message.payload.decode())

            listening = asyncio.create_task(listen())
            spoofs = {
                f"{HOME}/grandma-watch/event": {"type": "sos"},
                f"{HOME}/grandma-watch/state": {"heart_rate": 190},
                f"{HOME}/panic-button/event": {"type": "button", "action": "cancel"},
                f"{HOME}/kitchen-speaker/event": {"type": "heard", "text": "turn on the kitchen light"},
                f"{HOME}/kitchen-light/set": {"state": "on"},
                f"{HOME}/hub/status": {"state": "offline"},
            }
            for topic, payload in spoofs.items():
                await attacker.publish(topic, _json(payload), qos=1)
            # Its own topic still works, and comes after every spoof on the same connection.
            await attacker.publish(f"{HOME}/kitchen-motion/state", _json({"motion": True}), qos=1)
            await wait_for_rows(secured.config.database_path, bool, kind="motion_detected", device="kitchen-motion")
            await hub.link.publish(f"{HOME}/kitchen-light/set", b'{"state": "off"}')  # the hub may command it
            async with asyncio.timeout(10):
                while not heard:
                    await asyncio.sleep(0.05)
            listening.cancel()
        for device in ("grandma-watch", "panic-button", "kitchen-speaker"):
            assert await _rows_of(secured, device) == [], device
        assert heard == ['{"state": "off"}']
        if secured.kind == "amqtt":  # the hub runs the broker, so it sees and logs what was dropped
            rejected = await wait_for_rows(secured.config.database_path, lambda r: len(r) >= len(spoofs),
                                           kind="message_rejected")
            assert {r["data"]["topic"] for r in rejected} == set(spoofs)
            assert all("refused by the broker" in r["data"]["reason"] for r in rejected)


async def test_a_device_subscribed_to_everything_receives_only_its_own_commands(secured: SecuredHome):
    async with build_hub(secured.config, skills=[]) as hub:
        await hub.wait_connected()
        received: list[str] = []
        async with secured.client("front-door") as snoop, secured.client("grandma-watch") as watch:
            for topic_filter in ("#", f"{HOME}/#", f"{HOME}/+/state", "$SYS/#", f"{HOME}/front-door/set"):
                await snoop.subscribe(topic_filter, qos=1)

            async def listen() -> None:
                async for message in snoop.messages:
                    received.append(str(message.topic))

            listening = asyncio.create_task(listen())
            await watch.publish(f"{HOME}/grandma-watch/state", _json({"heart_rate": 72, "lat": 31.2, "lon": 121.4}),
                                qos=1)
            await wait_for_rows(secured.config.database_path, bool, kind="vital_signs_measured")
            await hub.link.publish(f"{HOME}/kitchen-light/set", b'{"state": "on"}')
            await hub.link.publish(f"{HOME}/front-door/set", b'{"heartbeat": 60}')
            async with asyncio.timeout(10):
                while f"{HOME}/front-door/set" not in received:
                    await asyncio.sleep(0.05)
            listening.cancel()
        assert set(received) == {f"{HOME}/front-door/set"}


async def test_no_one_else_can_take_the_hubs_client_id_or_its_queued_readings(secured: SecuredHome):
    hub_id = secured.config.mqtt.client_id
    async with build_hub(secured.config, skills=[]) as hub:
        await hub.wait_connected()
        # A live fight over the id: refused (embedded) or given a client id of its own (Mosquitto).
        for clean in (True, False):
            try:
                async with secured.client("kitchen-motion", client_id=hub_id, clean=clean):
                    pass
            except aiomqtt.MqttError:
                assert secured.kind == "amqtt"
        assert hub.link.reconnects == 0 and hub.link.connected.is_set()

        await hub.link.stop()  # the hub is away; its session queues the watch's readings
        async with secured.client("grandma-watch") as watch:
            for beat in range(40):
                await watch.publish(f"{HOME}/grandma-watch/state", _json({"heart_rate": 60 + beat}), qos=1)
        stolen: list[str] = []
        attempts = [{"clean": True}, {"clean": False}, {"user": "kitchen-motion", "clean": True},
                    {"user": "kitchen-motion", "clean": False}]
        for attempt in attempts:
            try:
                async with secured.client(client_id=hub_id, **attempt) as thief:
                    async with asyncio.timeout(0.5):
                        async for message in thief.messages:
                            stolen.append(str(message.topic))
            except (aiomqtt.MqttError, TimeoutError):
                pass
        hub.link.start()
        await hub.wait_connected()
        rows = await wait_for_rows(secured.config.database_path, lambda r: len(r) >= 40, kind="vital_signs_measured")
    assert stolen == []
    assert sorted(r["data"]["heart_rate"] for r in rows) == list(range(60, 100))


def _leave_a_will(home: SecuredHome, user: str, topic: str, payload: bytes) -> int:
    """Connect with a last will on ``topic``, then drop the connection without saying goodbye; the CONNACK code."""
    import paho.mqtt.client as paho

    login = home.trust.login_for(user)
    assert login is not None
    codes: list[int] = []
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"will-{uuid.uuid4().hex[:6]}")
    client.username_pw_set(login.username, login.password)
    client.will_set(topic, payload, qos=1)
    client.on_connect = lambda c, u, flags, code, props: codes.append(code.value)
    client.connect("127.0.0.1", home.port)
    for _ in range(50):
        client.loop(0.1)
        if codes:
            break
    sock = client.socket()
    if sock is not None:
        sock.close()  # abrupt: the broker would now publish the will
    return codes[0] if codes else -1


async def test_a_device_cannot_leave_a_fake_sos_as_its_last_will(secured: SecuredHome):
    async with build_hub(secured.config, skills=[]) as hub:
        await hub.wait_connected()
        code = await asyncio.to_thread(_leave_a_will, secured, "kitchen-motion", f"{HOME}/grandma-watch/event",
                                       _json({"type": "sos"}))
        if secured.kind == "amqtt":
            assert code != 0  # refused at CONNECT; Mosquitto accepts it and drops the will by its ACL
        # Its own availability is a fine last will.
        assert await asyncio.to_thread(_leave_a_will, secured, "kitchen-motion", f"{HOME}/kitchen-motion/availability",
                                       b"offline") == 0
        async with secured.client("kitchen-motion") as sensor:
            await sensor.publish(f"{HOME}/kitchen-motion/state", _json({"motion": True}), qos=1)
        await wait_for_rows(secured.config.database_path, bool, kind="motion_detected")
        assert await _rows_of(secured, "grandma-watch") == []


async def test_a_device_cannot_knock_another_off_the_broker_by_taking_its_client_id(secured: SecuredHome):
    async with build_hub(secured.config, skills=[]) as hub:
        await hub.wait_connected()
        async with secured.client("panic-button", client_id="carehub-flat1-panic-button", clean=False) as button:
            await button.subscribe(f"{HOME}/panic-button/set", qos=1)
            for clean in (False, True):
                try:
                    async with secured.client("kitchen-motion", client_id="carehub-flat1-panic-button", clean=clean):
                        pass
                except aiomqtt.MqttError:
                    assert secured.kind == "amqtt"  # Mosquitto gives it its own user name as client id
            # Still connected, still subscribed: it hears the hub and the hub hears it.
            await hub.link.publish(f"{HOME}/panic-button/set", b'{"vibrate": 1}')
            async with asyncio.timeout(10):
                async for message in button.messages:
                    assert str(message.topic) == f"{HOME}/panic-button/set"
                    break
            await button.publish(f"{HOME}/panic-button/event", _json({"type": "sos"}), qos=1)
        await wait_for_rows(secured.config.database_path, bool, kind="sos_pressed", device="panic-button")


async def test_devices_without_a_client_id_of_their_own_each_get_one(secured: SecuredHome):
    async with build_hub(secured.config, skills=[]) as hub:
        await hub.wait_connected()
        async with secured.client("kitchen-motion", client_id="") as first, \
                secured.client("front-door", client_id="") as second:
            await first.publish(f"{HOME}/kitchen-motion/state", _json({"motion": True}), qos=1)
            await second.publish(f"{HOME}/front-door/state", _json({"open": True}), qos=1)
        await wait_for_rows(secured.config.database_path, bool, kind="motion_detected")
        await wait_for_rows(secured.config.database_path, bool, kind="contact_changed")
