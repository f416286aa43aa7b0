"""Partition leases on a real etcd (Debian's etcd-server): one owner at a time, growing fencing tokens, and a
dead or frozen worker's partitions taken over within the design's 5 s.

Lease TTLs are real time in etcd, so these tests wait on real time where a TTL forces it (1 s leases) and
bound each wait by the 5 s takeover the design requires; they assert no other timing.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from assistant.cluster import EtcdError, Holder, PartitionLeases
from tests.conftest import free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
WORKER = Path(__file__).resolve().parent / "lease_worker.py"
TAKEOVER = 5.0
"""Seconds within which a live worker must take over a dead or frozen one's partition (the design's bound)."""
POLL = 0.5
"""Seconds between a would-be owner's claims."""
OPERATORS_DOC = ROOT / "docs" / "operators.md"


@dataclass
class Etcd:
    """A single-node etcd of the test's own."""

    url: str
    proc: subprocess.Popen

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _ready(url: str) -> bool:
    request = urllib.request.Request(url + "/v3/kv/range", data=b'{"key":"AA=="}', method="POST")
    try:
        with urllib.request.urlopen(request, timeout=1) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


@pytest.fixture
def etcd(tmp_path):
    """etcd on free ports with its data in the test's folder. A short heartbeat lets etcd grant 1 s leases
    (its shortest TTL is 1.5 election timeouts' worth of heartbeats)."""
    binary = shutil.which("etcd") or "/usr/bin/etcd"
    if not Path(binary).exists():
        pytest.skip("etcd is not installed (apt-get install etcd-server)")
    client, peer = free_port(), free_port()
    url, peer_url = f"http://127.0.0.1:{client}", f"http://127.0.0.1:{peer}"
    log = (tmp_path / "etcd.log").open("wb")
    proc = subprocess.Popen(
        [binary, "--name", "carehub-test", "--data-dir", str(tmp_path / "etcd"),
         "--listen-client-urls", url, "--advertise-client-urls", url,
         "--listen-peer-urls", peer_url, "--initial-advertise-peer-urls", peer_url,
         "--initial-cluster", f"carehub-test={peer_url}",
         "--heartbeat-interval", "50", "--election-timeout", "500"],
        stdout=log, stderr=subprocess.STDOUT)
    server = Etcd(url, proc)
    try:
        deadline = time.monotonic() + 20
        while not _ready(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"etcd did not start: {(tmp_path / 'etcd.log').read_text()[-2000:]}")
            time.sleep(0.1)
        yield server
    finally:
        server.stop()
        log.close()


async def _claim_within(leases: PartitionLeases, partition: int, seconds: float) -> int | None:
    """Claim ``partition`` every POLL seconds until it is won or ``seconds`` have passed."""
    deadline = time.monotonic() + seconds
    while True:
        token = await leases.claim(partition)
        if token is not None or time.monotonic() > deadline:
            return token
        await asyncio.sleep(POLL)


async def _start_worker(url: str, worker: str, partition: int, ttl: int = 1) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, str(WORKER), url, worker, str(partition), str(ttl),
        stdout=asyncio.subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})


async def _said(proc: asyncio.subprocess.Process) -> dict:
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), 30)
    assert line, f"the worker process ended (exit status {await proc.wait()}) without saying anything"
    return json.loads(line)


async def test_one_claimer_wins_and_the_other_sees_who(etcd):
    async with PartitionLeases(etcd.url, "worker-a", ttl=2) as a, PartitionLeases(etcd.url, "worker-b", ttl=2) as b:
        tokens = await asyncio.gather(a.claim(7), b.claim(7))

        won = [t for t in tokens if t is not None]
        assert len(won) == 1 and won[0] > 0
        winner = "worker-a" if tokens[0] is not None else "worker-b"
        assert await a.holders() == {7: Holder(winner, won[0])}
        assert await b.holders() == {7: Holder(winner, won[0])}
        assert await a.claim(3) is not None
        assert sorted(await b.holders()) == [3, 7]


async def test_a_released_partition_goes_to_the_next_claimer_with_a_larger_token(etcd):
    async with PartitionLeases(etcd.url, "worker-a", ttl=2) as a, PartitionLeases(etcd.url, "worker-b", ttl=2) as b:
        first = await a.claim(0)
        assert first is not None
        assert await b.claim(0) is None
        assert await a.still_mine(0, first)

        await a.release(0)
        second = await b.claim(0)

        assert second is not None and second > first
        assert await b.holders() == {0: Holder("worker-b", second)}
        assert not await a.still_mine(0, first)
        assert await b.still_mine(0, second)


async def test_a_late_release_does_not_free_the_next_owners_partition(etcd):
    async with PartitionLeases(etcd.url, "worker-a", ttl=2) as a, PartitionLeases(etcd.url, "worker-b", ttl=2) as b:
        first = await a.claim(4)
        assert first is not None
        await a.release(4)
        second = await b.claim(4)
        assert second is not None
        await a.release(4)  # a second release of a partition no longer held changes nothing
        assert await a.holders() == {4: Holder("worker-b", second)}


async def test_closing_frees_every_partition_of_the_worker(etcd):
    a = PartitionLeases(etcd.url, "worker-a", ttl=2)
    await a.start()
    assert await a.claim(1) and await a.claim(2)
    await a.close()

    async with PartitionLeases(etcd.url, "worker-b", ttl=2) as b:
        assert await b.holders() == {}
        assert await b.claim(1) is not None


async def test_a_killed_workers_partition_is_taken_over_with_a_larger_token(etcd):
    proc = await _start_worker(etcd.url, "worker-a", 5)
    try:
        token_a = (await _said(proc))["claimed"]
        assert token_a is not None
        async with PartitionLeases(etcd.url, "worker-b", ttl=1) as b:
            assert await b.holders() == {5: Holder("worker-a", token_a)}
            assert await b.claim(5) is None

            proc.send_signal(signal.SIGKILL)
            await proc.wait()
            token_b = await _claim_within(b, 5, TAKEOVER)

            assert token_b is not None, f"partition 5 was not taken over within {TAKEOVER:g} s of kill -9"
            assert token_b > token_a
            assert await b.holders() == {5: Holder("worker-b", token_b)}
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_a_frozen_worker_wakes_to_find_it_owns_nothing(etcd):
    proc = await _start_worker(etcd.url, "worker-a", 9)
    try:
        token_a = (await _said(proc))["claimed"]
        assert token_a is not None
        async with PartitionLeases(etcd.url, "worker-b", ttl=1) as b:
            proc.send_signal(signal.SIGSTOP)
            token_b = await _claim_within(b, 9, TAKEOVER)
            assert token_b is not None, f"partition 9 was not taken over within {TAKEOVER:g} s of SIGSTOP"
            proc.send_signal(signal.SIGCONT)

            woke = await _said(proc)

            assert woke["lost"] == [9]
            assert woke["still_mine"] is False
            assert woke["held"] == {}
            assert woke["claimed_again"] is None  # no silent comeback, under the old token or any other
            assert token_b > token_a
            assert await b.holders() == {9: Holder("worker-b", token_b)}
            assert await b.still_mine(9, token_b)
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGCONT)
            proc.kill()
            await proc.wait()


async def _etcd(url: str, path: str, body: dict) -> dict:
    """A request of the test's own to etcd's JSON gateway (what an operator's etcdctl would do)."""
    async with aiohttp.ClientSession() as session, session.post(url + path, json=body) as response:
        assert response.status == 200, await response.text()
        return await response.json()


def _key(partition: int) -> str:
    return base64.b64encode(f"/carehub/partitions/{partition}".encode()).decode()


async def test_a_lease_etcd_no_longer_has_loses_every_partition_at_once(etcd):
    lost: list[tuple[frozenset[int], str]] = []
    told = asyncio.Event()

    def on_lost(partitions: frozenset[int], reason: str) -> None:
        lost.append((partitions, reason))
        told.set()

    async with PartitionLeases(etcd.url, "worker-a", ttl=2, on_lost=on_lost) as a:
        assert await a.claim(1) is not None and await a.claim(2) is not None
        lease = (await _etcd(etcd.url, "/v3/kv/range", {"key": _key(1)}))["kvs"][0]["lease"]
        await _etcd(etcd.url, "/v3/lease/revoke", {"ID": lease})

        await asyncio.wait_for(told.wait(), TAKEOVER)
        assert lost == [(frozenset({1, 2}), f"etcd says lease {int(lease):x} has expired")]
        assert a.held == {}
        token = await a.claim(1)  # a new lease, a new claim, a new token
        assert token is not None and a.held == {1: token}


async def test_a_claim_under_a_lease_etcd_dropped_is_made_under_a_new_one(etcd):
    lost: list[frozenset[int]] = []
    async with PartitionLeases(etcd.url, "worker-a", ttl=2, on_lost=lambda p, r: lost.append(p)) as a:
        old = await a.claim(1)
        assert old is not None
        lease = (await _etcd(etcd.url, "/v3/kv/range", {"key": _key(1)}))["kvs"][0]["lease"]
        await _etcd(etcd.url, "/v3/lease/revoke", {"ID": lease})

        new = await a.claim(2)

        assert new is not None and new > old
        assert a.held == {2: new}
        assert lost == [frozenset({1})]
        assert await a.holders() == {2: Holder("worker-a", new)}


async def test_a_key_deleted_under_a_worker_fails_its_fencing_check(etcd):
    lost: list[tuple[frozenset[int], str]] = []
    async with PartitionLeases(etcd.url, "worker-a", ttl=2, on_lost=lambda p, r: lost.append((p, r))) as a:
        six, seven = await a.claim(6), await a.claim(7)
        assert six is not None and seven is not None
        await _etcd(etcd.url, "/v3/kv/deleterange", {"key": _key(6)})

        assert not await a.still_mine(6, six)
        assert await a.still_mine(7, seven)
        assert lost == [(frozenset({6}), f"its key no longer has revision {six}")]
        assert a.held == {7: seven}


async def test_a_stopped_etcd_is_a_clear_error_and_loses_the_partitions(etcd):
    lost: list[tuple[frozenset[int], str]] = []
    told = asyncio.Event()

    def on_lost(partitions: frozenset[int], reason: str) -> None:
        lost.append((partitions, reason))
        told.set()

    async with PartitionLeases(etcd.url, "worker-a", ttl=1, on_lost=on_lost) as a:
        token = await a.claim(2)
        assert token is not None
        etcd.stop()

        await asyncio.wait_for(told.wait(), TAKEOVER)
        assert lost[0][0] == frozenset({2})
        assert a.held == {}
        assert not await a.still_mine(2, token)
        with pytest.raises(EtcdError) as raised:
            await a.claim(2)
    assert raised.value.url == etcd.url
    assert "unreachable" in str(raised.value) and "is etcd running?" in str(raised.value)


async def test_nothing_listening_is_a_clear_error():
    url = f"http://127.0.0.1:{free_port()}"
    leases = PartitionLeases(url, "worker-a")
    with pytest.raises(EtcdError, match=r"lease grant: unreachable .*is etcd running\?"):
        await leases.start()
    await leases.close()


async def test_a_server_that_is_not_etcd_is_a_clear_error():
    async def page(request: web.Request) -> web.Response:
        return web.Response(text="<html>hello</html>", content_type="text/html")

    app = web.Application()
    app.router.add_post("/v3/lease/grant", page)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    try:
        leases = PartitionLeases(f"http://127.0.0.1:{port}", "worker-a")
        with pytest.raises(EtcdError, match="lease grant: HTTP 200 with a body that is not JSON: <html>hello"):
            await leases.start()
        await leases.close()
    finally:
        await runner.cleanup()


@pytest.mark.parametrize(("arguments", "message"), [
    ({"url": "127.0.0.1:2379"}, "etcd url '127.0.0.1:2379': expected http://host:port"),
    ({"worker": ""}, "worker id '': expected a non-empty"),
    ({"ttl": 0}, "lease ttl 0: expected a whole number of seconds, at least 1"),
    ({"ttl": 1.5}, "lease ttl 1.5: expected a whole number"),
    ({"prefix": "/carehub/partitions"}, "key prefix '/carehub/partitions': expected it to end with '/'"),
])
def test_bad_settings_are_refused_by_name(arguments, message):
    settings = {"url": "http://127.0.0.1:2379", "worker": "worker-a", **arguments}
    with pytest.raises(ValueError, match=message):
        PartitionLeases(settings.pop("url"), settings.pop("worker"), **settings)


async def test_a_partition_is_a_number(etcd):
    async with PartitionLeases(etcd.url, "worker-a", ttl=2) as a:
        with pytest.raises(ValueError, match="partition -1: expected a partition number"):
            await a.claim(-1)
        with pytest.raises(ValueError, match="partition '3': expected a partition number"):
            await a.claim("3")  # type: ignore[arg-type]


async def test_the_operators_guide_example_runs(etcd):
    (example,) = re.findall(r"^```python\n(.*?)^```$", OPERATORS_DOC.read_text(encoding="utf-8"), re.S | re.M)
    assert 'ETCD = "http://127.0.0.1:2379"' in example
    example = example.replace('ETCD = "http://127.0.0.1:2379"', f"ETCD = {etcd.url!r}")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", example, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    out, _ = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, out.decode()
    assert re.fullmatch(r"partition 7 is mine, fencing token \d+\n", out.decode())


async def test_the_operators_guide_range_lists_the_holders(etcd):
    (body,) = re.findall(r"/v3/kv/range \\\n\s+-d '(.*?)'", OPERATORS_DOC.read_text(encoding="utf-8"))
    async with PartitionLeases(etcd.url, "worker-a", ttl=2) as a:
        token = await a.claim(12)
        answer = await _etcd(etcd.url, "/v3/kv/range", json.loads(body))
    assert [(base64.b64decode(kv["key"]).decode(), base64.b64decode(kv["value"]).decode(), int(kv["mod_revision"]))
            for kv in answer["kvs"]] == [("/carehub/partitions/12", "worker-a", token)]
