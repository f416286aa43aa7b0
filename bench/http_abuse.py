"""How long an SOS spoken through ``POST /api/say``, and a health check, take while one client holds
1,100 idle sockets open to the hub's HTTP API (the attack in issue 13). Prints figures; asserts nothing.

    python bench/http_abuse.py [--sockets 1100]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.access import admin_credential  # noqa: E402
from assistant.app import build_hub  # noqa: E402
from assistant.config import parse_config  # noqa: E402
from assistant.credentials import device_credential  # noqa: E402


class Quiet:
    async def send(self, url: str, title: str, body: str, priority: str) -> tuple[bool, str]:
        return True, "sent"


async def timed(http: aiohttp.ClientSession, method: str, url: str, **kwargs: object) -> tuple[int, float]:
    started = time.perf_counter()
    async with http.request(method, url, **kwargs) as resp:  # type: ignore[arg-type]
        await resp.read()
        return resp.status, (time.perf_counter() - started) * 1000


async def main(sockets: int) -> None:
    with tempfile.TemporaryDirectory(prefix="carehub-http-abuse-") as folder:
        raw = {"home": {"id": "flat1"}, "storage": {"database": str(Path(folder) / "log.db")},
               "http": {"host": "127.0.0.1", "port": 0},
               "people": [{"id": "grandma", "name": "Margaret", "role": "elder"}],
               "devices": [{"id": "living-speaker", "kind": "speaker", "person": "grandma", "room": "living room"}],
               "caregivers": [{"id": "anna", "people": ["grandma"], "channels": ["json://127.0.0.1:9/anna"]}]}
        hub = build_hub(parse_config(raw, "bench", Path(folder)), offline=True, notifier=Quiet())
        await hub.start()
        try:
            assert hub.http is not None
            base = f"http://127.0.0.1:{hub.http.port}"
            secret = hub.alerts.tokens.secret
            speaker = {"Authorization": f"Bearer {device_credential(secret, 'living-speaker')}"}
            opened = []
            started = time.perf_counter()
            for _ in range(sockets):
                opened.append(await asyncio.open_connection("127.0.0.1", hub.http.port))
            print(f"{sockets} idle sockets opened in {time.perf_counter() - started:.2f} s; "
                  f"the hub keeps {hub.http.connections.open_count()} of them open")
            async with aiohttp.ClientSession() as http:
                status, ms = await timed(http, "GET", f"{base}/api/health")
                print(f"GET /api/health: {status} in {ms:.1f} ms")
                status, ms = await timed(http, "POST", f"{base}/api/say", json={"text": "help me"}, headers=speaker)
                print(f"POST /api/say 'help me' (SOS) from the living-room speaker: {status} in {ms:.1f} ms")
                alerts = await hub.alerts.list()
                print(f"alerts raised: {[(a.kind, a.priority.value) for a in alerts]}")
                admin = {"Authorization": f"Bearer {admin_credential(secret)}"}
                status, ms = await timed(http, "GET", f"{base}/api/events?limit=5", headers=admin)
                print(f"GET /api/events as admin: {status} in {ms:.1f} ms")
            for _, writer in opened:
                writer.close()
        finally:
            await hub.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=1100)
    asyncio.run(main(parser.parse_args().sockets))
