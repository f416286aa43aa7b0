"""A care centre's commands to the homes inside workers: acknowledge or resolve an alert, over MQTT.

Homes inside a worker have no HTTP API of their own, and the worker that holds a home changes when one dies, so
the care centre (``carehub operator serve``, ``assistant/cluster/centre_web.py``) does not call a worker: it
publishes a signed command on the home's own topic, ``<prefix>/<home>/hub/centre`` (QoS 1), and whichever worker
holds the home's partition now receives it on the partition's session, in order with the home's other messages.

The command is signed with a key derived from the home's own secret (kept in the home's file), so the broker's
access rules are a second wall, not the only one: a login that may publish there still cannot forge a command.
A family caregiver's command (from the page their alert's link opens, served by the care centre for homes inside
workers) names the caregiver instead of a staff member, and is refused unless they look after the alert's person.
A command is acknowledged to the broker once what it did is committed; one that is refused (bad JSON, a wrong
signature, an unknown alert) is logged with why, counted and acknowledged, and changes nothing. Acknowledging
and resolving are idempotent, so a redelivered command does nothing twice; what it did is in the home's log as
the app's would be (``alert_acknowledged`` by ``centre:<staff id>`` via ``care-centre``), the same audit trail.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from collections.abc import Coroutine
from typing import Any, Protocol

from assistant import topics
from assistant.alerts.desk import AlertDesk, AlertRefused, UnknownAlert
from assistant.config import Config
from assistant.credentials import derive
from assistant.events import AlertResponded
from assistant.log_writer import Fenced
from assistant.mqtt import Incoming

log = logging.getLogger(__name__)

LEAF = "centre"
COMMANDS = ("acknowledge", "resolve")
MAX_COMMAND_BYTES = 4096
MAX_NOTE = 500
VIA = "care-centre"
LINK = "link"
"""How a family caregiver's command came: the page their alert's link opens at the care centre."""


def command_topic(prefix: str, home: str) -> str:
    return topics.hub_topic(prefix, home, LEAF)


def home_of(topic: str, prefix: str) -> str | None:
    """The home a care-centre command is for, or None when ``topic`` is not one."""
    parts = topic.split("/")
    if len(parts) == 4 and parts[0] == prefix and parts[2] == "hub" and parts[3] == LEAF:
        return parts[1]
    return None


def _key(secret: str) -> bytes:
    return derive(secret, "care-centre-commands").encode()


def _signed_part(command: dict[str, Any]) -> bytes:
    return json.dumps({k: v for k, v in command.items() if k != "sig"}, sort_keys=True,
                      ensure_ascii=False).encode()


def sign(secret: str, command: dict[str, Any]) -> dict[str, Any]:
    """``command`` with its signature under the home's ``secret``."""
    return {**command, "sig": hmac.new(_key(secret), _signed_part(command), hashlib.sha256).hexdigest()}


def check(secret: str, payload: bytes) -> dict[str, Any]:
    """The command in ``payload`` if it is well formed and signed for this home; ValueError saying why not."""
    if len(payload) > MAX_COMMAND_BYTES:
        raise ValueError(f"payload: {len(payload)} bytes, more than {MAX_COMMAND_BYTES}")
    try:
        command = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"payload: not JSON ({error})") from None
    if not isinstance(command, dict):
        raise ValueError("payload: not a JSON object")
    for name in ("command", "alert_id", "sig"):
        if not isinstance(command.get(name), str) or not command[name]:
            raise ValueError(f"{name}: missing or not a string")
    if [isinstance(command.get(k), str) and bool(command[k]) for k in ("staff", "caregiver")].count(True) != 1:
        raise ValueError("staff or caregiver: exactly one, naming who gives the command")
    expected = hmac.new(_key(secret), _signed_part(command), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, command["sig"]):
        raise ValueError("sig: not signed for this home")
    if command["command"] not in COMMANDS:
        raise ValueError(f"command: one of {', '.join(COMMANDS)}, not {command['command']!r}")
    note = command.get("note", "")
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        raise ValueError(f"note: a string of at most {MAX_NOTE} characters")
    return command


class HomeHub(Protocol):
    """What a command needs of a partition's home (``assistant.app.Hub``)."""

    config: Config
    alerts: AlertDesk
    link: Any
    recorder: Any

    @property
    def home(self) -> str: ...


class CentreCommands:
    """One home's handler of care-centre commands, in front of its other messages (``attach``)."""

    def __init__(self, hub: HomeHub) -> None:
        self.hub = hub
        self.done = 0
        self.refused = 0
        self.failed = 0
        self._tasks: set[asyncio.Task[None]] = set()

    def route(self, others: Any) -> Any:
        prefix = self.hub.config.mqtt.topic_prefix

        def handle(message: Incoming) -> None:
            if home_of(message.topic, prefix) is None:
                others(message)
                return
            link = self.hub.link
            assert link is not None
            self._spawn(self._handle(message, link.ack_token()))

        return handle

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(self, message: Incoming, token: int) -> None:
        link = self.hub.link
        assert link is not None
        try:
            command = check(self.hub.alerts.tokens.secret, bytes(message.payload))
            await self._carry_out(command)
            self.done += 1
        except (ValueError, AlertRefused) as error:
            self.refused += 1
            log.warning("home %s: care-centre command refused: %s", self.hub.home, error)
        except Fenced as error:
            log.warning("home %s: care-centre command left for the partition's next owner: %s", self.hub.home, error)
            return  # not acknowledged: the next owner's session gets it again
        except Exception:  # noqa: BLE001 - the message must not sit unacknowledged, holding an in-flight place
            self.failed += 1
            log.exception("home %s: care-centre command failed", self.hub.home)
        link.ack(message, token)

    async def stop(self) -> None:
        """Let the commands being carried out finish (before the home's hub stops under them)."""
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _carry_out(self, command: dict[str, Any]) -> None:
        desk = self.hub.alerts
        caregiver = command.get("caregiver")
        if command["command"] == "acknowledge":
            if caregiver:  # refused unless they look after the alert's person
                await desk.acknowledge(command["alert_id"], by=caregiver, via=LINK)
            else:
                await desk.acknowledge_for_centre(command["alert_id"], staff=command["staff"], via=VIA)
            return
        alert = await (desk.alert_for(caregiver, command["alert_id"]) if caregiver else desk.get(command["alert_id"]))
        if alert is None:
            raise UnknownAlert(command["alert_id"])
        by = caregiver or f"centre:{command['staff']}"
        where = "by the alert's link" if caregiver else "at the care centre"
        note = command.get("note", "")
        # Resolved first: a redelivered (or doubled) resolve finds it done and records nothing more.
        if await desk.resolve(alert.id, f"{by} {where}" + (f": {note}" if note else "")):
            await self.hub.recorder.emit(AlertResponded(alert_id=alert.id, by=by, response="resolved", note=note,
                                                        person=alert.person))


def attach(hub: HomeHub) -> CentreCommands:
    """Put a handler of care-centre commands in front of a partition home's messages."""
    commands = CentreCommands(hub)
    link = hub.link
    link.on_message = commands.route(link.on_message)
    link.subscriptions.append(command_topic(hub.config.mqtt.topic_prefix, hub.home))
    return commands
