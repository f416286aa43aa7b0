"""The test brokers accept a connection and carry a message."""

import asyncio

import aiomqtt


async def test_broker_carries_a_message(any_broker):
    async with aiomqtt.Client(any_broker.host, any_broker.port, identifier="smoke") as client:
        await client.subscribe("smoke/#", qos=1)
        await client.publish("smoke/x", b"hello", qos=1)
        async with asyncio.timeout(5):
            async for message in client.messages:
                assert message.payload == b"hello"
                break


def test_the_broadcast_loop_survives_a_client_subscribing_while_it_checks_a_topic():
    from assistant.broker import _Subscriptions

    subscriptions = _Subscriptions({"carehub/home/+/state": [], "carehub/home/+/event": []})
    seen = []
    for topic_filter, _ in subscriptions.items():  # amqtt awaits the ACL check here; others run meanwhile
        seen.append(topic_filter)
        subscriptions["carehub/home/kitchen-light/set"] = []
        subscriptions.pop("carehub/home/+/event", None)
    assert seen == ["carehub/home/+/state", "carehub/home/+/event"]
