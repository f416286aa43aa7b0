"""Home Assistant's entities as carehub devices: their states come in through Home Assistant's REST API (at each
connection) and its websocket (``state_changed``, live); carehub's commands to them go out as its service calls.

Each change becomes the mapped device's events on the hub's normal path (``Ingest.accept``: logged with Home
Assistant's context id, applied, seen by the skills). Home Assistant going away is logged at once and told to
caregivers after ``home_assistant.grace_period``; carehub keeps trying (1 s, doubling, up to
``home_assistant.reconnect_max``) and logs its return. A refused token is said plainly, once, with what to do.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
from datetime import datetime
from typing import Any, Protocol

import aiohttp

from assistant.clock import Clock
from assistant.commands import Command
from assistant.config import Config, DeviceConfig
from assistant.errors import DecodeError, ReasonError
from assistant.events import (
    CommandSent, DeviceCameOnline, DeviceWentOffline, Event, HomeAssistantLost, HomeAssistantReached,
    HomeAssistantTokenRefused, MessageRejected,
)
from assistant.homeassistant.config import HomeAssistantEntity
from assistant.homeassistant.states import CHANGES_ONLY, UNAVAILABLE, EntityState, readings, service_call
from assistant.ports import EventSink
from assistant.registry import DeviceRegistry

log = logging.getLogger(__name__)

ALARM_KIND = "home_assistant_unreachable"
"""The alert caregivers get when Home Assistant stays away past the grace period."""
FIRST_RETRY = 1.0
"""Seconds before the first try to reach Home Assistant again; doubles up to ``reconnect_max``."""
REQUEST_TIMEOUT = 10.0
"""Seconds one REST request, or one step of the websocket's login, may take."""
WEBSOCKET_HEARTBEAT = 30.0
"""Seconds between pings on the websocket: a Home Assistant that vanished without closing is noticed."""
KEEP_ALIVE_EVERY = 3600.0
"""Seconds between marks that the followed entities still report (they send no heartbeats of their own)."""
TOKEN_ADVICE = ("make a new long-lived access token in Home Assistant (your profile > Security > Long-lived "
                "access tokens) and put it in config.yaml's home_assistant.token (or the file of token_file, or "
                "the variable of token_env); carehub tries again by itself, a token file is read anew each time")


class HomeAssistantUnavailable(ReasonError):
    """A command for a Home Assistant entity that could not be carried out; ``reason`` says why."""


class TokenRefused(ReasonError):
    """Home Assistant refused the token, or there is no token to be had."""


class ConnectionLost(ReasonError):
    """The connection to Home Assistant ended or went wrong."""


class DeviceInput(Protocol):
    """Where a device's decoded events go (``Ingest.accept``)."""

    def accept(self, device_id: str, events: list[Event], *, source: str, online: bool | None = None,
               dedupe_key: str | None = None, extra: dict[str, Any] | None = None) -> list[Event]: ...


class Alarms(Protocol):
    """The alert desk, as far as the technical alarm needs it."""

    async def raise_alert(self, *, kind: str, priority: Any, message: str | dict[str, str],
                          person: str | None = None, device: str | None = None, cause: str | None = None,
                          self_cancel: bool = False) -> str: ...

    async def resolve_condition(self, kind: str, *, device: str | None = None, person: str | None = None,
                                reason: str = "condition ended") -> int: ...


def _describe(error: BaseException) -> str:
    if isinstance(error, ReasonError):
        return error.reason[:300]
    return f"{type(error).__name__}: {error}"[:300]


class HomeAssistantEntities:
    """Follows the mapped entities while the hub runs, and carries out commands for them."""

    def __init__(self, config: Config, *, devices: DeviceInput, registry: DeviceRegistry, sink: EventSink,
                 alarms: Alarms, clock: Clock) -> None:
        self._config = config
        self._ha = config.home_assistant
        self._url = self._ha.url or ""
        self._devices = devices
        self._registry = registry
        self._sink = sink
        self._alarms = alarms
        self._clock = clock
        self._by_entity: dict[str, DeviceConfig] = {}
        self._by_device: dict[str, tuple[str, HomeAssistantEntity]] = {}
        for entity_id, entity in self._ha.entities.items():
            device = config.device(entity.id)
            assert device is not None, "config.yaml's loader adds every mapped entity to the devices"
            self._by_entity[entity_id] = device
            self._by_device[entity.id] = (entity_id, entity)
        self._known: dict[str, EntityState] = {}
        """The latest state taken of each entity (kept across reconnections)."""
        self._rest: Any = None
        """homeassistant-api's async client while connected."""
        self.connected = asyncio.Event()
        self._lost_at: datetime | None = None
        self._reason = ""
        self._token_reported: str | None = None
        self._alerted = False
        self._task: asyncio.Task[None] | None = None
        self._alarm: asyncio.Task[None] | None = None
        self._rejections: set[asyncio.Future[Event]] = set()

    @property
    def device_ids(self) -> list[str]:
        """The carehub devices that are Home Assistant entities."""
        return list(self._by_device)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="carehub-home-assistant")

    async def stop(self) -> None:
        tasks = [t for t in (self._task, self._alarm) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._task = self._alarm = None

    # -- the connection --------------------------------------------------------------------------------------

    async def _run(self) -> None:
        wait = FIRST_RETRY
        while True:
            try:
                await self._follow()
                reason = "Home Assistant closed the connection"
            except TokenRefused as refused:
                reason = f"token refused: {refused.reason}"
                await self._token_refused(refused.reason)
            except Exception as error:  # noqa: BLE001 - whatever went wrong, carehub tries again later
                reason = _describe(error)
            if self.connected.is_set():
                wait = FIRST_RETRY  # it was up: a new outage starts its backoff anew
            self.connected.clear()
            self._rest = None
            await self._went_away(reason)
            await self._clock.sleep(wait)
            wait = min(wait * 2, self._ha.reconnect_max)

    async def _follow(self) -> None:
        """One connection: log in on the websocket, subscribe, read every state, then follow the changes."""
        try:
            token = await asyncio.to_thread(self._ha.read_token, self._config.base_dir)
        except ValueError as error:
            raise TokenRefused(str(error)) from None
        timeout = aiohttp.ClientTimeout(total=None, connect=REQUEST_TIMEOUT, sock_connect=REQUEST_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as http, \
                http.ws_connect(f"{self._url}/api/websocket", heartbeat=WEBSOCKET_HEARTBEAT) as ws:
            version = await self._log_in(ws, token)
            await ws.send_json({"id": 1, "type": "subscribe_events", "event_type": "state_changed"})
            rest = await self._rest_client(token)
            try:
                states = await rest.async_get_states()
                self._rest = rest
                present = {s.entity_id: s for s in states if s.entity_id in self._by_entity}
                await self._came_back(version, len(present), sorted(set(self._by_entity) - set(present)))
                for state in present.values():
                    self._take(_from_api(state))
                self.connected.set()
                keep_alive = asyncio.create_task(self._keep_alive())
                try:
                    await self._listen(ws)
                finally:
                    keep_alive.cancel()
            finally:
                self._rest = None
                await rest.async_cache_session.close()

    async def _log_in(self, ws: aiohttp.ClientWebSocketResponse, token: str) -> str:
        """The websocket's authentication; Home Assistant's version."""
        hello = await self._receive(ws)
        if hello.get("type") != "auth_required":
            raise ConnectionLost(f"not Home Assistant's websocket API (it said {str(hello)[:100]})")
        await ws.send_json({"type": "auth", "access_token": token})
        answer = await self._receive(ws)
        if answer.get("type") == "auth_invalid":
            raise TokenRefused(f"the websocket API said auth_invalid ({answer.get('message') or 'no reason given'})")
        if answer.get("type") != "auth_ok":
            raise ConnectionLost(f"unexpected answer to the login: {str(answer)[:100]}")
        return str(answer.get("ha_version") or "")

    @staticmethod
    async def _receive(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
        message = await ws.receive(timeout=REQUEST_TIMEOUT)
        if message.type != aiohttp.WSMsgType.TEXT:
            raise ConnectionLost(f"the websocket closed while logging in ({message.type.name})")
        data = json.loads(message.data)
        return data if isinstance(data, dict) else {}

    async def _rest_client(self, token: str) -> Any:
        # homeassistant-api imports requests-cache, cattrs and more: a second or so of disk, kept off the loop.
        await asyncio.to_thread(importlib.import_module, "homeassistant_api")
        from homeassistant_api import Client
        from homeassistant_api.errors import UnauthorizedError

        # async_cache_session=False: a plain aiohttp session; the library's default caches GETs for 5 minutes.
        rest = Client(f"{self._url}/api", token, use_async=True, async_cache_session=False,
                      global_request_kwargs={"timeout": aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)})
        try:
            if not await rest.async_check_api_running():
                raise ConnectionLost("the REST API did not say it is running")
        except UnauthorizedError:
            await rest.async_cache_session.close()
            raise TokenRefused("the REST API answered 401 Unauthorized") from None
        except BaseException:
            await rest.async_cache_session.close()
            raise
        return rest

    async def _listen(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for message in ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                break
            data = json.loads(message.data)
            if data.get("type") == "result" and not data.get("success"):
                raise ConnectionLost(f"Home Assistant refused the subscription: {str(data.get('error'))[:200]}")
            if data.get("type") != "event":
                continue
            changed = (data.get("event") or {}).get("data") or {}
            entity_id = changed.get("entity_id")
            if entity_id not in self._by_entity:
                continue
            new_state = changed.get("new_state")
            try:
                state = EntityState.from_json(new_state) if new_state is not None else EntityState(
                    entity_id, UNAVAILABLE, last_updated=str((data.get("event") or {}).get("time_fired") or ""))
            except DecodeError as error:
                self._reject(entity_id, error.reason, new_state)
                continue
            self._take(state)
        raise ConnectionLost(f"the websocket closed ({ws.close_code})")

    async def _keep_alive(self) -> None:
        while True:
            self._mark_reporting()
            await self._clock.sleep(KEEP_ALIVE_EVERY)

    def _mark_reporting(self) -> None:
        now = self._clock.now()
        for entity_id, state in self._known.items():
            status = self._registry.get(self._config.home.id, self._by_entity[entity_id].id)
            if status is not None and state.state != UNAVAILABLE:
                status.last_seen = now

    # -- states in -------------------------------------------------------------------------------------------

    def _take(self, state: EntityState) -> None:
        """One state of a mapped entity: its device's events, on the hub's normal path."""
        device = self._by_entity[state.entity_id]
        previous = self._known.get(state.entity_id)
        if previous is not None and not state.newer_than(previous):
            return  # already taken (read at the connection, and then heard again on the websocket)
        self._known[state.entity_id] = state
        status = self._registry.get(self._config.home.id, device.id)
        offline = status is not None and status.online is False
        if state.state == UNAVAILABLE:
            if not offline:
                self._accept(device, state, [DeviceWentOffline(reason="unavailable in Home Assistant")], False)
            return
        try:
            events = readings(device, state)
        except DecodeError as error:
            self._reject(state.entity_id, error.reason, state.__dict__)
            events = []
        if device.kind == "motion" and previous is None:
            events = []  # a motion sensor's state at the connection is not news of movement
        elif device.kind in CHANGES_ONLY and previous is not None and previous.state == state.state:
            events = []
        if offline:
            events = [DeviceCameOnline(), *events]
        if events:
            self._accept(device, state, events, True if offline else None)
        elif status is not None:
            status.last_seen = self._clock.now()

    def _accept(self, device: DeviceConfig, state: EntityState, events: list[Event], online: bool | None) -> None:
        reference = {"entity_id": state.entity_id, "context_id": state.context_id, "state": state.state[:100]}
        extra: dict[str, Any] = {"home_assistant": reference}
        if state.last_changed:
            extra["device_ts"] = state.last_changed
        key = (f"{self._config.home.id}/{device.id}/ha/{state.context_id}/{state.last_updated}"
               if state.context_id else None)
        taken = self._devices.accept(device.id, events, source=f"home_assistant:{state.entity_id}", online=online,
                                     dedupe_key=key, extra=extra)
        log.info("Home Assistant's %s is %s: %s for %s (context %s, event %s)", state.entity_id, state.state[:40],
                 ", ".join(e.kind for e in taken), device.id, state.context_id, taken[0].id if taken else None)

    def _reject(self, entity_id: str, reason: str, state: Any) -> None:
        device = self._by_entity.get(entity_id)
        preview = json.dumps(state, default=str)[:200]
        log.warning("Home Assistant's %s: %s", entity_id, reason)
        task = asyncio.ensure_future(self._sink.emit(MessageRejected(
            topic=f"home_assistant:{entity_id}", reason=f"Home Assistant's {entity_id}: {reason}", preview=preview,
            device=device.id if device else None), wait=False))
        self._rejections.add(task)  # held until done: the loop keeps only a weak reference to a task
        task.add_done_callback(self._rejections.discard)

    # -- going away and coming back ----------------------------------------------------------------------------

    async def _token_refused(self, reason: str) -> None:
        if self._token_reported == reason:
            return
        self._token_reported = reason
        event = await self._sink.emit(HomeAssistantTokenRefused(url=self._url, reason=reason, advice=TOKEN_ADVICE))
        log.error("Home Assistant at %s refuses carehub's access token (%s): %s (event %s)", self._url, reason,
                  TOKEN_ADVICE, event.id)

    async def _went_away(self, reason: str) -> None:
        self._reason = reason
        if self._lost_at is not None:
            log.debug("Home Assistant at %s still unreachable: %s", self._url, reason)
            return
        self._lost_at = self._clock.now()
        event = await self._sink.emit(HomeAssistantLost(url=self._url, reason=reason))
        log.warning("Home Assistant at %s is unreachable (%s): its %d entities are not followed until it is back; "
                    "caregivers are told after %g s (event %s)", self._url, reason, len(self._by_entity),
                    self._ha.grace_period, event.id)
        self._alarm = asyncio.create_task(self._alarm_after_grace(event.id), name="carehub-home-assistant-alarm")

    async def _alarm_after_grace(self, cause: str) -> None:
        await self._clock.sleep(self._ha.grace_period)
        if self._lost_at is None:
            return
        since = self._lost_at.strftime("%H:%M UTC")
        if self._reason.startswith("token refused"):
            message = {"en": f"Home Assistant refuses carehub's access token since {since}: its sensors and lights "
                             f"are not followed. {TOKEN_ADVICE[0].upper()}{TOKEN_ADVICE[1:]}.",
                       "zh": f"自 {since} 起 Home Assistant 拒绝了 carehub 的访问令牌：其传感器和灯不再被跟踪。"
                             "请在 Home Assistant 中新建长期访问令牌并写入 config.yaml 的 home_assistant.token。"}
        else:
            message = {"en": f"carehub cannot reach Home Assistant at {self._url} since {since} ({self._reason}): "
                             "its sensors and lights are not followed until it is back. Check that Home Assistant "
                             "is running and on the network.",
                       "zh": f"自 {since} 起 carehub 无法连接 Home Assistant（{self._url}）：在恢复之前，其传感器和灯"
                             "不再被跟踪。请检查 Home Assistant 是否在运行、网络是否正常。"}
        await self._alarms.raise_alert(kind=ALARM_KIND, priority="medium", message=message, cause=cause)
        self._alerted = True

    async def _came_back(self, version: str, present: int, missing: list[str]) -> None:
        away = (self._clock.now() - self._lost_at).total_seconds() if self._lost_at is not None else None
        self._lost_at = None
        self._token_reported = None
        if self._alarm is not None:
            self._alarm.cancel()
            self._alarm = None
        event = await self._sink.emit(HomeAssistantReached(url=self._url, entities=present, missing=tuple(missing),
                                                           away_seconds=away))
        log.info("Home Assistant %s at %s reached%s: following %d entities (event %s)", version, self._url,
                 f" again after {away:.0f} s" if away is not None else "", present, event.id)
        if missing:
            log.warning("not in Home Assistant at %s (check home_assistant.entities in config.yaml): %s", self._url,
                        ", ".join(missing))
        if self._alerted:
            self._alerted = False
            await self._alarms.resolve_condition(ALARM_KIND, reason="Home Assistant is reachable again")

    # -- commands out ----------------------------------------------------------------------------------------

    async def send_command(self, device_id: str, command: Command, *, skill: str | None = None,
                           cause: str | None = None) -> Event:
        """Carry ``command`` out as a Home Assistant service call; logged as ``command_sent``."""
        from homeassistant_api.errors import HomeassistantAPIError, UnauthorizedError

        entity_id, entity = self._by_device[device_id]
        device = self._by_entity[entity_id]
        domain, service, data = service_call(entity_id, device, command, entity.tts)
        rest = self._rest
        if rest is None:
            raise HomeAssistantUnavailable(f"Home Assistant at {self._url} is not reachable now ({self._reason})")
        try:
            changed = await rest.async_trigger_service(domain, service, **data)
        except UnauthorizedError:
            raise HomeAssistantUnavailable(f"Home Assistant refused carehub's token for {domain}.{service}") from None
        except (aiohttp.ClientError, HomeassistantAPIError, TimeoutError) as error:
            raise HomeAssistantUnavailable(f"{domain}.{service} on {entity_id} failed: {_describe(error)}") from None
        args = {k: v for k, v in vars(command).items() if v is not None}
        contexts = sorted({s.context.id for s in changed if getattr(s, "context", None) is not None})
        called = {"entity_id": entity_id, "service": f"{domain}.{service}",
                   "context_id": contexts[0] if contexts else None}
        sent = await self._sink.emit(CommandSent(command=type(command).__name__, args=args, skill=skill,
                                                 topic=f"home_assistant:{entity_id}:{domain}.{service}",
                                                 device=device_id, person=device.person, cause=cause,
                                                 home_assistant=called))
        log.info("%s for %s: Home Assistant %s.%s on %s (context %s, event %s)", type(command).__name__, device_id,
                 domain, service, entity_id, ", ".join(contexts) or "none", sent.id)
        return sent


def _from_api(state: Any) -> EntityState:
    """homeassistant-api's ``State`` as an ``EntityState``."""
    updated = state.last_updated or state.last_changed
    return EntityState(entity_id=state.entity_id, state=state.state, attributes=dict(state.attributes or {}),
                       last_changed=state.last_changed.isoformat(), last_updated=updated.isoformat(),
                       context_id=state.context.id if state.context is not None else None)
