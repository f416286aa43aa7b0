"""Idle sockets cannot starve the HTTP API: a flood from one client is trimmed, and idle ones are closed."""

from __future__ import annotations

import asyncio

import aiohttp

from tests.httpkit import serving

IDLE_SOCKETS = 300


async def _closed_by_the_hub(reader: asyncio.StreamReader) -> bool:
    """True once the hub closes the connection (within a generous 30 s: this is not a timing test)."""
    try:
        async with asyncio.timeout(30):
            return await reader.read(1) == b""
    except ConnectionError:
        return True
    except TimeoutError:
        return False


async def test_health_answers_through_a_flood_of_idle_sockets_and_they_are_closed(tmp_path):
    async with serving(tmp_path, idle_timeout=1.0, max_connections_per_client=32) as (hub, _, base):
        assert hub.http is not None
        port = hub.http.port
        sockets = [await asyncio.open_connection("127.0.0.1", port) for _ in range(IDLE_SOCKETS)]
        try:
            assert hub.http.connections.open_count() <= 32  # the oldest idle ones made room
            async with aiohttp.ClientSession() as http:
                async with http.get(f"{base}/api/health") as resp:
                    assert resp.status == 200 and (await resp.json())["status"]
            closed = await asyncio.gather(*(_closed_by_the_hub(reader) for reader, _ in sockets))
            assert all(closed)
            assert hub.http.connections.open_count() == 0
        finally:
            for _, writer in sockets:
                writer.close()


async def test_a_slow_request_head_is_cut_off(tmp_path):
    async with serving(tmp_path, idle_timeout=1.0) as (hub, _, _base):
        assert hub.http is not None
        reader, writer = await asyncio.open_connection("127.0.0.1", hub.http.port)
        writer.write(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")  # and the rest never comes
        await writer.drain()
        try:
            assert await _closed_by_the_hub(reader)
        finally:
            writer.close()


async def test_a_kept_alive_connection_serves_requests_and_then_idles_out(tmp_path):
    async with serving(tmp_path, idle_timeout=1.0) as (hub, _, _base):
        assert hub.http is not None
        reader, writer = await asyncio.open_connection("127.0.0.1", hub.http.port)
        try:
            for _ in range(2):
                writer.write(b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
                await writer.drain()
                status = await reader.readline()
                assert status.startswith(b"HTTP/1.1 200")
                length = 0
                while (line := await reader.readline()) != b"\r\n":
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                await reader.readexactly(length)
            assert await _closed_by_the_hub(reader)
        finally:
            writer.close()
