"""Partition ownership through etcd: one lease per worker, one key per partition, the key's revision as the
fencing token.

A worker claims partition k by creating ``<prefix><k>`` (value: its worker id) under its lease, only if the
key is absent. The key's ``mod_revision`` is the fencing token: etcd's revisions only grow, so a later owner
always holds a larger one, and ``still_mine`` checks the key still carries this one before the caller commits
anything. The lease is kept alive from a task; when a keep-alive fails, or the lease was not confirmed within
its TTL (the worker was frozen, the loop stalled), every partition is lost at once and ``on_lost`` is told.
The claims die with the lease: a new lease means new claims and new, larger tokens, never the old ones.

Speaks etcd v3's JSON gateway (etcd 3.4: ``/v3/lease/*``, ``/v3/kv/*``; keys and values base64) with aiohttp.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from assistant.errors import CarehubError

log = logging.getLogger(__name__)

DEFAULT_PREFIX = "/carehub/partitions/"
_LEASE_NOT_FOUND = "requested lease not found"


class EtcdError(CarehubError):
    """etcd at ``url`` could not be reached, refused ``request`` or answered something unusable: ``reason``
    says which. ``code`` is etcd's gRPC status code when etcd itself refused (5: not found)."""

    def __init__(self, url: str, request: str, reason: str, code: int | None = None) -> None:
        self.url = url
        self.request = request
        self.reason = reason
        self.code = code
        super().__init__(f"etcd at {url}, {request}: {reason}")


@dataclass(frozen=True)
class Holder:
    """Who holds a partition, as etcd has it."""

    worker: str
    """The worker id the owner claimed it with."""
    token: int
    """The fencing token: the key's ``mod_revision``, larger for every later owner."""


OnLost = Callable[[frozenset[int], str], None]
"""Told which partitions this worker no longer owns and why; called on the event loop, must not block."""


@dataclass
class _Lease:
    id: int
    ttl: int
    confirmed_at: float
    """Monotonic time at which the last confirmed grant or keep-alive was sent: etcd received it later, so the
    lease expires there no earlier than this plus ``ttl``."""


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _prefix_end(prefix: str) -> str:
    """The first key after every key starting with ``prefix`` (etcd's range_end for a prefix)."""
    raw = prefix.encode()
    return base64.b64encode(raw[:-1] + bytes([raw[-1] + 1])).decode()


class PartitionLeases:
    """One worker's leases on partitions of homes, held in etcd at ``url``.

    ``async with PartitionLeases(url, "worker-a", on_lost=...) as leases:`` grants the lease and keeps it
    alive every ``ttl / 3`` seconds; leaving revokes it, which frees every partition at once.
    """

    def __init__(self, url: str, worker: str, *, ttl: int = 3, prefix: str = DEFAULT_PREFIX,
                 on_lost: OnLost | None = None, timeout: float = 5.0,
                 session: aiohttp.ClientSession | None = None) -> None:
        if not re.fullmatch(r"https?://[^/\s]+", url.rstrip("/")):
            raise ValueError(f"etcd url {url!r}: expected http://host:port (etcd's client URL)")
        if not worker or not worker.isprintable() or worker != worker.strip():
            raise ValueError(f"worker id {worker!r}: expected a non-empty printable name without surrounding spaces")
        if isinstance(ttl, bool) or not isinstance(ttl, int) or ttl < 1:
            raise ValueError(f"lease ttl {ttl!r}: expected a whole number of seconds, at least 1 (etcd leases "
                             "count whole seconds)")
        if not prefix.endswith("/"):
            raise ValueError(f"key prefix {prefix!r}: expected it to end with '/'")
        self.url = url.rstrip("/")
        self.worker = worker
        self.prefix = prefix
        self._requested_ttl = ttl
        self.on_lost = on_lost
        self._timeout = timeout
        self._session = session
        self._own_session = session is None
        self._lease: _Lease | None = None
        self._held: dict[int, int] = {}
        self._keepers: set[asyncio.Task[None]] = set()
        self._granting = asyncio.Lock()
        self.workers_prefix = prefix.rstrip("/").rsplit("/", 1)[0] + "/workers/"
        """Where live workers announce themselves (``/carehub/workers/<id>``, under their lease)."""
        self._announced: int | None = None

    # -- life cycle -------------------------------------------------------------------------------------

    async def __aenter__(self) -> PartitionLeases:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self) -> None:
        """Grant this worker's lease and start keeping it alive."""
        await self._ensure_lease()

    async def close(self) -> None:
        """Stop keeping the lease alive and revoke it: every partition this worker holds is freed at once."""
        keepers = list(self._keepers)
        for keeper in keepers:
            keeper.cancel()
        await asyncio.gather(*keepers, return_exceptions=True)
        lease, self._lease = self._lease, None
        self._held.clear()
        try:
            if lease is not None:
                await self._revoke_quietly(lease.id)
        finally:
            if self._own_session and self._session is not None:
                await self._session.close()
                self._session = None

    @property
    def held(self) -> dict[int, int]:
        """The partitions this worker believes it owns, each with its fencing token."""
        return dict(self._held)

    @property
    def ttl(self) -> int:
        """The lease's TTL in seconds as etcd granted it (etcd may raise a very short one); the requested one
        before the first grant."""
        return self._lease.ttl if self._lease is not None else self._requested_ttl

    def holds(self, partition: int) -> bool:
        """Whether this worker may still act for ``partition`` now, without asking etcd: it believes it holds
        it and its lease was confirmed less than a TTL ago. etcd's countdown started no earlier than the last
        confirmed keep-alive was sent, so until then no other worker can have claimed it. Cheap and
        thread-safe: asked before every commit, connect and notification."""
        lease = self._lease
        return (lease is not None and partition in self._held
                and time.monotonic() - lease.confirmed_at < lease.ttl)

    # -- workers ----------------------------------------------------------------------------------------

    async def announce(self) -> None:
        """Say this worker is alive (its key under ``workers_prefix``, under its lease, so it vanishes when the
        worker dies). Cheap to repeat: it writes only after a new lease was granted."""
        lease = await self._ensure_lease()
        if self._announced == lease.id:
            return
        await self._call("announce", "/v3/kv/put", {"key": _b64(self.workers_prefix + self.worker),
                                                    "value": _b64(self.worker), "lease": str(lease.id)})
        self._announced = lease.id

    async def workers(self) -> list[str]:
        """The workers alive now (those whose lease holds their announcement), sorted."""
        answer = await self._call("workers", "/v3/kv/range", {"key": _b64(self.workers_prefix),
                                                             "range_end": _prefix_end(self.workers_prefix)})
        return sorted(self._text(kv, "value", "workers") for kv in answer.get("kvs", []))

    # -- partitions -------------------------------------------------------------------------------------

    async def claim(self, partition: int) -> int | None:
        """Take ``partition`` if nobody holds it: its fencing token, or None when another worker holds it.

        A partition this worker already holds gives its current token. After the lease was lost a new one
        is granted first, so a partition is never taken back under its old token.
        """
        self._check(partition)
        if partition in self._held:
            return self._held[partition]
        for attempt in (1, 2):
            lease = await self._ensure_lease()
            key = _b64(self._key(partition))
            try:
                answer = await self._call("claim", "/v3/kv/txn", {
                    "compare": [{"key": key, "result": "EQUAL", "target": "VERSION", "version": "0"}],
                    "success": [{"request_put": {"key": key, "value": _b64(self.worker), "lease": str(lease.id)}}],
                    "failure": [{"request_range": {"key": key}}],
                })
            except EtcdError as err:
                if err.code == 5 and _LEASE_NOT_FOUND in err.reason and attempt == 1:
                    self._lose_all(f"etcd no longer knows lease {lease.id:x}")
                    continue
                raise
            if self._lease is not lease:
                log.warning("partition %d: claimed under lease %x, which was lost meanwhile", partition, lease.id)
                return None
            if answer.get("succeeded"):
                token = self._revision(answer, "claim")
                self._held[partition] = token
                log.info("partition %d: %s owns it, fencing token %d", partition, self.worker, token)
                return token
            if partition in self._held:  # this worker's own claim of it, made meanwhile
                return self._held[partition]
            holder = self._holder_in(answer)
            log.debug("partition %d: held by %s", partition, holder.worker if holder else "nobody any more")
            return None
        return None

    async def release(self, partition: int) -> None:
        """Give ``partition`` up (after the caller stopped its work on it); the key is deleted only if it is
        still this worker's, never a later owner's."""
        self._check(partition)
        token = self._held.pop(partition, None)
        if token is None:
            return
        key = _b64(self._key(partition))
        await self._call("release", "/v3/kv/txn", {
            "compare": [{"key": key, "result": "EQUAL", "target": "MOD", "mod_revision": str(token)}],
            "success": [{"request_delete_range": {"key": key}}],
        })
        log.info("partition %d: %s released it (token %d)", partition, self.worker, token)

    async def still_mine(self, partition: int, token: int) -> bool:
        """Whether ``partition`` is still this worker's under ``token``: run it before committing anything.

        Asks etcd (the key still has this revision); a lease not confirmed within its TTL counts as lost even
        before etcd says so. A partition found lost here is dropped and reported to ``on_lost``. Raises
        ``EtcdError`` when etcd cannot answer: then nothing is known, and nothing may be committed.
        """
        self._check(partition)
        lease = self._lease
        if lease is not None and self._expired(lease):
            self._lose_all(self._unrenewed(lease))
        if self._held.get(partition) != token:
            return False
        key = _b64(self._key(partition))
        answer = await self._call("fencing check", "/v3/kv/txn", {
            "compare": [{"key": key, "result": "EQUAL", "target": "MOD", "mod_revision": str(token)}],
        })
        if answer.get("succeeded"):
            return True
        if self._held.get(partition) == token:
            del self._held[partition]
            self._tell_lost(frozenset({partition}), f"its key no longer has revision {token}")
        return False

    async def holders(self) -> dict[int, Holder]:
        """Every partition some worker holds, with its worker id and fencing token (the operator's view)."""
        answer = await self._call("holders", "/v3/kv/range",
                                  {"key": _b64(self.prefix), "range_end": _prefix_end(self.prefix)})
        found: dict[int, Holder] = {}
        for kv in answer.get("kvs", []):
            key = self._text(kv, "key", "holders")
            number = key[len(self.prefix):]
            if not number.isdigit():
                raise EtcdError(self.url, "holders", f"key {key!r} under {self.prefix!r} is not a partition number")
            found[int(number)] = Holder(self._text(kv, "value", "holders"), self._number(kv, "mod_revision", "holders"))
        return dict(sorted(found.items()))

    # -- the lease --------------------------------------------------------------------------------------

    async def _ensure_lease(self) -> _Lease:
        async with self._granting:
            if self._lease is not None and self._expired(self._lease):
                self._lose_all(self._unrenewed(self._lease))
            if self._lease is not None:
                return self._lease
            sent = time.monotonic()
            answer = await self._call("lease grant", "/v3/lease/grant", {"TTL": str(self._requested_ttl)})
            lease = _Lease(self._number(answer, "ID", "lease grant"), self._number(answer, "TTL", "lease grant"), sent)
            if lease.id == 0 or lease.ttl < 1:
                raise EtcdError(self.url, "lease grant", f"granted lease {lease.id} with a TTL of {lease.ttl} s")
            self._lease = lease
            keeper = asyncio.create_task(self._keep_alive(lease), name=f"etcd lease {self.worker}")
            self._keepers.add(keeper)
            keeper.add_done_callback(self._keepers.discard)
            log.info("%s: lease %x granted, TTL %d s", self.worker, lease.id, lease.ttl)
            return lease

    async def _keep_alive(self, lease: _Lease) -> None:
        """Renew ``lease`` every TTL / 3 until it is lost or replaced; when lost, revoke it (if it is in fact
        still alive, after a keep-alive lost in transit, its keys are freed now rather than at expiry, so etcd
        agrees with what this worker believes)."""
        while self._lease is lease:
            await asyncio.sleep(lease.ttl / 3)
            if self._lease is not lease:
                return
            failure = await self._renew(lease)
            if failure is not None and self._lease is lease:
                self._lose_all(failure)
                await self._revoke_quietly(lease.id)
                return

    async def _renew(self, lease: _Lease) -> str | None:
        """Renew ``lease`` once: None when renewed, else why it is to be counted lost."""
        if self._expired(lease):
            return self._unrenewed(lease)
        sent = time.monotonic()
        # An answer after the lease's own deadline would not count: wait no longer than that.
        remaining = lease.confirmed_at + lease.ttl - sent
        try:
            answer = await self._call("lease keep-alive", "/v3/lease/keepalive", {"ID": str(lease.id)},
                                      timeout=max(remaining, 0.1))
            result = answer.get("result")
            if not isinstance(result, dict):
                raise EtcdError(self.url, "lease keep-alive", f"no result in {_shorten(answer)}")
            ttl = self._number(result, "TTL", "lease keep-alive")
        except EtcdError as err:
            return f"keep-alive failed: {err}"
        if ttl <= 0:
            return f"etcd says lease {lease.id:x} has expired"
        lease.confirmed_at = sent
        return None

    def _expired(self, lease: _Lease) -> bool:
        return time.monotonic() - lease.confirmed_at >= lease.ttl

    @staticmethod
    def _unrenewed(lease: _Lease) -> str:
        return (f"lease {lease.id:x} was not renewed within its {lease.ttl} s "
                "(the worker was stopped or its event loop stalled)")

    def _lose_all(self, reason: str) -> None:
        lost = frozenset(self._held)
        self._held.clear()
        self._lease = None
        current = asyncio.current_task()
        for keeper in self._keepers:
            if keeper is not current:
                keeper.cancel()
        log.warning("%s: lease lost, %d partition(s) with it: %s", self.worker, len(lost), reason)
        if lost:
            self._tell_lost(lost, reason)

    def _tell_lost(self, partitions: frozenset[int], reason: str) -> None:
        log.warning("%s: no longer owns partition(s) %s: %s", self.worker, sorted(partitions), reason)
        if self.on_lost is None:
            return
        try:
            self.on_lost(partitions, reason)
        except Exception:
            log.exception("%s: on_lost failed for partition(s) %s", self.worker, sorted(partitions))

    async def _revoke_quietly(self, lease_id: int) -> None:
        try:
            await self._call("lease revoke", "/v3/lease/revoke", {"ID": str(lease_id)})
        except EtcdError as err:
            if err.code != 5:  # not found: it had expired already
                log.warning("%s: could not revoke lease %x (it will expire by itself): %s", self.worker,
                            lease_id, err.reason)

    # -- speaking to etcd -------------------------------------------------------------------------------

    async def _call(self, request: str, path: str, body: dict[str, Any], *, timeout: float | None = None
                    ) -> dict[str, Any]:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        url = self.url + path
        try:
            async with self._session.post(
                    url, json=body, timeout=aiohttp.ClientTimeout(total=timeout or self._timeout)) as response:
                status = response.status
                text = await response.text()
        except asyncio.TimeoutError:
            raise EtcdError(self.url, request, f"no answer within {timeout or self._timeout:g} s") from None
        except (aiohttp.ClientError, OSError) as err:
            raise EtcdError(self.url, request, f"unreachable ({err or type(err).__name__}); is etcd running?"
                            ) from err
        try:
            answer = json.loads(text)
        except ValueError:
            raise EtcdError(self.url, request, f"HTTP {status} with a body that is not JSON: {_shorten(text)}"
                            ) from None
        if not isinstance(answer, dict):
            raise EtcdError(self.url, request, f"HTTP {status} with JSON that is not an object: {_shorten(text)}")
        if status != 200:
            code = answer.get("code")
            message = answer.get("message") or answer.get("error") or _shorten(text)
            raise EtcdError(self.url, request, f"refused (HTTP {status}): {message}",
                            code if isinstance(code, int) else None)
        return answer

    def _revision(self, answer: dict[str, Any], request: str) -> int:
        header = answer.get("header")
        if not isinstance(header, dict):
            raise EtcdError(self.url, request, f"no header in {_shorten(answer)}")
        revision = self._number(header, "revision", request)
        if revision < 1:
            raise EtcdError(self.url, request, f"revision {revision} in {_shorten(answer)}")
        return revision

    def _holder_in(self, answer: dict[str, Any]) -> Holder | None:
        for response in answer.get("responses", []):
            for kv in (response.get("response_range") or {}).get("kvs", []):
                return Holder(self._text(kv, "value", "claim"), self._number(kv, "mod_revision", "claim"))
        return None

    def _number(self, data: dict[str, Any], field: str, request: str) -> int:
        """An int64 field: the gateway writes them as strings and leaves out zeros."""
        value = data.get(field, "0")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise EtcdError(self.url, request, f"{field} {value!r} is not a number in {_shorten(data)}") from None

    def _text(self, data: dict[str, Any], field: str, request: str) -> str:
        try:
            return base64.b64decode(data.get(field, ""), validate=True).decode()
        except (TypeError, ValueError):
            raise EtcdError(self.url, request, f"{field} is not base64 text in {_shorten(data)}") from None

    def _key(self, partition: int) -> str:
        return f"{self.prefix}{partition}"

    @staticmethod
    def _check(partition: int) -> None:
        if isinstance(partition, bool) or not isinstance(partition, int) or partition < 0:
            raise ValueError(f"partition {partition!r}: expected a partition number, 0 or more")


def _shorten(data: object, limit: int = 200) -> str:
    text = data if isinstance(data, str) else json.dumps(data)
    return text if len(text) <= limit else text[:limit] + "..."
