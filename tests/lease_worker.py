"""A worker process for tests/test_cluster_lease.py: holds one partition and says, as JSON lines on stdout,
what it claimed and, once it is told the partition is lost, what it then believes.

python tests/lease_worker.py ETCD_URL WORKER_ID PARTITION TTL
"""

from __future__ import annotations

import asyncio
import json
import sys

from assistant.cluster import PartitionLeases


def say(**fields: object) -> None:
    print(json.dumps(fields), flush=True)


async def main(url: str, worker: str, partition: int, ttl: int) -> None:
    lost = asyncio.Event()
    told: dict[str, object] = {}

    def on_lost(partitions: frozenset[int], reason: str) -> None:
        told.update(partitions=sorted(partitions), reason=reason)
        lost.set()

    async with PartitionLeases(url, worker, ttl=ttl, on_lost=on_lost) as leases:
        token = await leases.claim(partition)
        say(claimed=token)
        await lost.wait()
        still_mine = await leases.still_mine(partition, token) if token is not None else False
        held = leases.held
        again = await leases.claim(partition)
        say(lost=told["partitions"], reason=told["reason"], still_mine=still_mine, held=held, claimed_again=again)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
