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
