"""The hub's link under attack and outage: TLS with a self-signed certificate, a planted retained SOS, and
a broker that is away for a while."""

from __future__ import annotations

import asyncio
import ssl

import aiomqtt
import pytest

from assistant.app import build_hub
from assistant.mqtt import MAX_BACKOFF, reconnect_delay
from assistant.mqtt_trust import trust_for
from tests.conftest import free_port, start_mosquitto
from tests.hubkit import hub_config, publish, wait_for_rows
from tests.trustkit import HOME, secret_of, secured_config, self_signed_certificate, start_secured_mosquitto, stop_process

pytestmark = pytest.mark.mosquitto


@pytest.mark.parametrize("kind", ["amqtt", "mosquitto"])
async def test_over_tls_with_a_self_signed_certificate(tmp_path, kind):
    certfile, keyfile = self_signed_certificate(tmp_path / "tls")
    port = free_port()
    tls = {"tls": True, "ca_file": str(certfile)}
    if kind == "amqtt":
        tls |= {"certfile": str(certfile), "keyfile": str(keyfile)}
    config = secured_config(tmp_path, kind, port, mqtt=tls)
    trust = trust_for(config, secret_of(config))
    proc = (start_secured_mosquitto(tmp_path / "mosquitto", trust, port, certfile=str(certfile),
                                    keyfile=str(keyfile)) if kind == "mosquitto" else None)
    try:
        async with build_hub(config, skills=[]) as hub:
            await hub.wait_connected()
            login = trust.login_for("grandma-watch")
            assert login is not None
            context = await asyncio.to_thread(ssl.create_default_context, cafile=str(certfile))
            async with aiomqtt.Client("127.0.0.1", port, username=login.username, password=login.password,
                                      tls_context=context) as watch:
                await watch.publish(f"{HOME}/grandma-watch/event", b'{"type": "sos"}', qos=1)
            await wait_for_rows(config.database_path, bool, kind="sos_pressed")
            with pytest.raises(aiomqtt.MqttError):  # plain text is not spoken on the TLS port
                async with aiomqtt.Client("127.0.0.1", port, username=login.username, password=login.password,
                                          timeout=3):
                    pass
    finally:
        if proc is not None:
            stop_process(proc)


async def test_a_retained_fake_sos_is_not_a_new_alarm_when_the_hub_starts(any_broker, tmp_path):
    """Planted before the hub starts (an open broker, or a device's leaked login), and again on a restart."""
    config = hub_config(tmp_path, any_broker.port, devices=[{"id": "panic-button", "kind": "button"}])
    async with aiomqtt.Client(any_broker.host, any_broker.port, identifier="planter") as planter:
        await planter.publish(f"{HOME}/panic-button/event", b'{"type": "sos", "msg_id": "fake-1"}', qos=1,
                              retain=True)
    for start in (1, 2):
        async with build_hub(config, skills=[]) as hub:
            await hub.wait_connected()
            rejected = await wait_for_rows(config.database_path, lambda r, n=start: len(r) >= n,
                                           kind="message_rejected")
            # A live SOS from the button still is one (published after the replay, on a fresh connection).
            await publish(any_broker.port, [(f"{HOME}/panic-button/event", f'{{"type": "sos", "msg_id": "{start}"}}')])
            sos = await wait_for_rows(config.database_path, lambda r, n=start: len(r) >= n, kind="sos_pressed")
    assert all(r["data"]["reason"].startswith("retained event") for r in rejected)
    assert len(sos) == 2


def test_the_reconnect_delay_never_passes_the_cap_however_long_the_outage():
    delays = [reconnect_delay(attempt, jitter) for attempt in range(200) for jitter in (0.0, 0.5, 0.999, 1.0)]
    assert max(delays) <= MAX_BACKOFF < 5
    assert min(delays) > 0
    assert reconnect_delay(0, 0.0) < reconnect_delay(3, 0.0)  # backs off, then holds
    assert reconnect_delay(10, 0.0) == reconnect_delay(10_000, 0.0) == MAX_BACKOFF


async def test_the_hub_comes_back_after_a_long_broker_outage(tmp_path):
    port = free_port()
    broker = start_mosquitto(tmp_path, port)
    config = hub_config(tmp_path, port)
    try:
        async with build_hub(config, skills=[]) as hub:
            await hub.wait_connected()
            stop_process(broker)
            async with asyncio.timeout(60):  # long enough that an uncapped backoff would have grown past 5 s
                while hub.link.reconnects < 6:
                    await asyncio.sleep(0.1)
            assert not hub.link.connected.is_set()
            broker = start_mosquitto(tmp_path, port)
            await hub.wait_connected(timeout=30)
            await publish(port, [(f"{HOME}/kitchen-motion/state", '{"motion": true}')])
            await wait_for_rows(config.database_path, bool, kind="motion_detected")
    finally:
        stop_process(broker)
