"""A real Home Assistant for the integration tests: started on loopback with a fresh configuration, onboarded
through its own HTTP API, and given the MQTT integration through a config flow, as a person would.

Home Assistant comes from PyPI in a virtual environment of its own with Python 3.13, made once by
``scripts/home-assistant-venv.sh`` (``scripts/test`` runs it). Where it is missing, the tests that need it are
skipped, saying why. One Home Assistant serves the whole test session (it takes a few seconds to start); each
test adds the MQTT integration pointed at its own hub's broker and removes it again.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import aiomqtt
import pytest

from assistant.config import Config
from assistant.mqtt_trust import trust_for
from assistant.skill_loader import SkillClass
from skills.safety import Safety, SafetySettings
from tests.conftest import free_port
from tests.hubkit import HOUSEHOLD, hub_config
from tests.trustkit import secret_of

# --- carehub's side: a home with Home Assistant turned on, and clients with its logins ---------------------

DEVICES = [*HOUSEHOLD["devices"], {"id": "kettle-plug", "kind": "switch", "room": "kitchen"},
           {"id": "bed-pad", "kind": "occupancy", "subtype": "bed", "person": "grandma", "room": "bedroom"}]
SAFETY = [SkillClass("safety", Safety, "test", SafetySettings())]


CARE_TEAM: dict[str, Any] = {
    "caregivers": [{"id": "anna", "name": "Anna", "people": ["grandma"]}],
    "home_assistant": {"enabled": True, "users": {"Anna": "anna"}},
}
"""A caregiver mapped to a Home Assistant user: grandma's device gets "Anna: I'm on it"."""


def ha_config(tmp_path: Path, port: int, devices: list[dict] = DEVICES, **overrides: Any) -> Config:
    return hub_config(tmp_path, port, embedded=True, devices=devices,
                      **{"home_assistant": {"enabled": True}, **overrides})


def client(config: Config, port: int, user: str) -> aiomqtt.Client:
    login = trust_for(config, secret_of(config)).login_for(user)
    assert login is not None
    return aiomqtt.Client("127.0.0.1", port, identifier=f"{user}-{uuid.uuid4().hex[:6]}", username=login.username,
                          password=login.password)


async def collect(mqtt: aiomqtt.Client, want, timeout: float = 10.0) -> dict[str, bytes]:
    """Messages by topic until ``want(messages)`` holds."""
    seen: dict[str, bytes] = {}
    try:
        async with asyncio.timeout(timeout):
            async for message in mqtt.messages:
                seen[str(message.topic)] = bytes(message.payload)
                if want(seen):
                    return seen
    except TimeoutError:
        raise AssertionError(f"not there within {timeout} s; received: {seen}") from None
    raise AssertionError("unreachable")


# --- Home Assistant itself ------------------------------------------------------------------------------------

HA_VERSION = "2025.4.4"
VENV = Path(os.environ.get("CAREHUB_HA_VENV") or Path.home() / ".cache" / "carehub" / f"home-assistant-{HA_VERSION}")
"""Where ``scripts/home-assistant-venv.sh`` installs it (``CAREHUB_HA_VENV`` chooses another folder)."""
START_TIMEOUT = 180.0
"""Seconds Home Assistant may take to answer after it starts (about 4 s on an idle machine)."""
USER, PASSWORD = "carehub", "carehub-test-password"

# No default_config: nothing that reaches the internet, discovers the network or records history. Home
# Assistant always sets up its frontend (with onboarding, auth, config and the websocket API); the MQTT
# integration is added later, by a config flow. input_boolean: the helpers tests create (``input_boolean/create``
# on the websocket) and map as carehub devices.
CONFIGURATION = """\
homeassistant:
  name: carehub test home
  latitude: 51.5
  longitude: -0.1
  elevation: 10
  unit_system: metric
  time_zone: Europe/London
  country: GB
  currency: GBP
  language: en
http:
  server_host: 127.0.0.1
  server_port: {port}
api:
input_boolean:
logger:
  default: warning
  logs:
    homeassistant.components.mqtt: info
"""


def not_installed() -> str | None:
    """Why Home Assistant cannot be started here, or None when its environment is complete."""
    if not (VENV / ".complete").exists() or not (VENV / "bin" / "hass").exists():
        return (f"Home Assistant {HA_VERSION} is not installed in {VENV}: scripts/home-assistant-venv.sh "
                "installs it (it needs Python 3.13: pyenv's 3.13, python3.13 on PATH, or CAREHUB_HA_PYTHON)")
    return None


def hass_executable() -> Path:
    """``hass`` in the Home Assistant environment; skips the test (saying why) when it is not installed."""
    if reason := not_installed():
        pytest.skip(reason)
    return VENV / "bin" / "hass"


class HomeAssistantError(AssertionError):
    """Home Assistant answered something a test did not expect; the message carries its answer."""


@dataclass
class HomeAssistant:
    """A running Home Assistant and a small client of its REST API, as its long-lived token's owner."""

    url: str
    token: str
    config_dir: Path
    process: subprocess.Popen[bytes]
    started_in: float
    """Seconds from starting the process to its API answering."""

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def request(self, method: str, path: str, body: Any = None, *, ok: tuple[int, ...] = (200, 201)) -> Any:
        async with aiohttp.ClientSession() as session:
            async with session.request(method, self.url + path, json=body, headers=self.headers) as response:
                text = await response.text()
                if response.status not in ok:
                    raise HomeAssistantError(f"{method} {path}: {response.status} {text[:500]}")
                return await response.json(content_type=None) if text else None

    async def state(self, entity_id: str) -> dict[str, Any] | None:
        """``GET /api/states/<entity_id>``; None when Home Assistant has no such entity."""
        found = await self.request("GET", f"/api/states/{entity_id}", ok=(200, 404))
        return found if found and "entity_id" in found else None

    async def states(self) -> list[dict[str, Any]]:
        return await self.request("GET", "/api/states")

    async def wait_for_state(self, entity_id: str, predicate: Callable[[dict[str, Any]], bool] = lambda s: True,
                             timeout: float = 20.0) -> dict[str, Any]:
        """Poll until ``entity_id`` exists and ``predicate(state)`` holds; the state then."""
        last = None
        try:
            async with asyncio.timeout(timeout):
                while True:
                    last = await self.state(entity_id)
                    if last is not None and predicate(last):
                        return last
                    await asyncio.sleep(0.05)
        except TimeoutError:
            raise HomeAssistantError(f"{entity_id} did not get there within {timeout} s; last state: {last}\n"
                                     f"{self.log_tail()}") from None

    async def call_service(self, domain: str, service: str, **data: Any) -> Any:
        return await self.request("POST", f"/api/services/{domain}/{service}", data)

    @asynccontextmanager
    async def mqtt(self, host: str, port: int, username: str | None, password: str | None) -> AsyncIterator[str]:
        """The MQTT integration, added through its config flow (as in Settings > Devices > Add integration),
        connected to ``host:port`` as ``username``; removed again afterwards. Yields its config entry id."""
        flow = await self.request("POST", "/api/config/config_entries/flow",
                                  {"handler": "mqtt", "show_advanced_options": False})
        if flow.get("step_id") != "broker":
            raise HomeAssistantError(f"the MQTT config flow did not ask for a broker: {flow}")
        answer = {"broker": host, "port": port}
        if username:
            answer |= {"username": username, "password": password or ""}
        result = await self.request("POST", f"/api/config/config_entries/flow/{flow['flow_id']}", answer)
        if result.get("type") != "create_entry":
            raise HomeAssistantError(f"the MQTT config flow refused {host}:{port} as {username}: {result}")
        entry_id = result["result"]["entry_id"]
        try:
            yield entry_id
        finally:
            await self.request("DELETE", f"/api/config/config_entries/entry/{entry_id}")

    async def websocket(self, command: dict[str, Any]) -> Any:
        """One command on the websocket API (``{"type": "input_boolean/create", ...}``); its result."""
        async with aiohttp.ClientSession() as session, session.ws_connect(f"{self.url}/api/websocket") as ws:
            await ws.receive_json()  # auth_required
            await ws.send_json({"type": "auth", "access_token": self.token})
            if (reply := await ws.receive_json())["type"] != "auth_ok":
                raise HomeAssistantError(f"the websocket API refused the token: {reply}")
            await ws.send_json({"id": 1, **command})
            reply = await ws.receive_json()
            if not reply.get("success"):
                raise HomeAssistantError(f"{command['type']}: {reply}")
            return reply["result"]

    def log_tail(self, lines: int = 40) -> str:
        log = self.config_dir / "home-assistant.log"
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        return "Home Assistant's log ends:\n" + "\n".join(text.splitlines()[-lines:])


async def _onboard(url: str) -> str:
    """Onboarding as the first screens do it: the owner, their tokens, analytics (left off) and the frontend's
    own login; then a long-lived access token from the websocket API (what a user makes in their profile).

    The ``core_config`` step is left out: finishing it adds Google Translate's text-to-speech, Met.no's weather
    and Radio Browser, which reach the internet (the location and units it would ask for are in
    configuration.yaml already)."""
    client_id = url + "/"
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{url}/api/onboarding/users", json={
                "client_id": client_id, "name": "carehub tests", "username": USER, "password": PASSWORD,
                "language": "en"}) as response:
            if response.status != 200:
                raise HomeAssistantError(f"onboarding refused the owner: {response.status} {await response.text()}")
            auth_code = (await response.json())["auth_code"]
        async with session.post(f"{url}/auth/token", data={
                "grant_type": "authorization_code", "code": auth_code, "client_id": client_id}) as response:
            access_token = (await response.json())["access_token"]
        headers = {"Authorization": f"Bearer {access_token}"}
        for step, body in (("analytics", {}),
                           ("integration", {"client_id": client_id, "redirect_uri": client_id})):
            async with session.post(f"{url}/api/onboarding/{step}", json=body, headers=headers) as response:
                if response.status != 200:
                    raise HomeAssistantError(f"onboarding step {step}: {response.status} {await response.text()}")
        async with session.ws_connect(f"{url}/api/websocket") as ws:
            await ws.receive_json()  # auth_required
            await ws.send_json({"type": "auth", "access_token": access_token})
            if (reply := await ws.receive_json())["type"] != "auth_ok":
                raise HomeAssistantError(f"the websocket API refused the owner's token: {reply}")
            await ws.send_json({"id": 1, "type": "auth/long_lived_access_token", "client_name": "carehub tests",
                                "lifespan": 365})
            reply = await ws.receive_json()
            if not reply.get("success"):
                raise HomeAssistantError(f"no long-lived access token: {reply}")
            return reply["result"]


def _in_a_thread(coroutine: Any) -> Any:
    """Run ``coroutine`` to completion on a loop of its own, away from the tests' loops."""
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["value"] = asyncio.run(coroutine)
        except BaseException as error:  # noqa: BLE001 - re-raised in the caller
            result["error"] = error

    thread = threading.Thread(target=run, name="home-assistant-onboarding")
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


def _wait_until_up(process: subprocess.Popen[bytes], url: str, config_dir: Path) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (config_dir / "hass.out").read_text(encoding="utf-8", errors="replace")
            raise HomeAssistantError(f"Home Assistant exited ({process.returncode}) while starting:\n{log[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/api/onboarding", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise HomeAssistantError(f"Home Assistant did not answer on {url} within {START_TIMEOUT} s")


# The onboarding store as Home Assistant writes it, with the core_config step marked done (the location and
# units it would ask for are in configuration.yaml): onboarding through the API then finishes onboarding, so
# the web UI opens the dashboard instead of the onboarding screens, and nothing reaching the internet is added.
CORE_CONFIG_DONE = '{"version": 4, "minor_version": 1, "key": "onboarding", "data": {"done": ["core_config"]}}'


@contextmanager
def running_home_assistant(config_dir: Path, configuration: str = "", files: dict[str, str] | None = None, *,
                           web_ui: bool = False) -> Iterator[HomeAssistant]:
    """Home Assistant started in ``config_dir`` on a free loopback port and onboarded; stopped afterwards.

    ``configuration`` is added to its configuration.yaml and ``files`` (path in the folder: text) written
    before it starts. ``web_ui``: finish onboarding too (see ``CORE_CONFIG_DONE``), so a browser signed in as
    ``USER`` sees Home Assistant's dashboards; the REST API answers either way."""
    hass = hass_executable()
    port = free_port()
    (config_dir / "configuration.yaml").write_text(CONFIGURATION.format(port=port) + configuration, encoding="utf-8")
    for name, text in (files or {}).items():
        (config_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (config_dir / name).write_text(text, encoding="utf-8")
    if web_ui:
        (config_dir / ".storage").mkdir(exist_ok=True)
        (config_dir / ".storage" / "onboarding").write_text(CORE_CONFIG_DONE, encoding="utf-8")
    url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    with (config_dir / "hass.out").open("wb") as out:
        # --skip-pip: everything it needs was installed with it; it must never install at run time.
        process = subprocess.Popen([str(hass), "-c", str(config_dir), "--skip-pip", "--log-no-color"],
                                   stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        _wait_until_up(process, url, config_dir)
        started_in = time.monotonic() - started
        token = _in_a_thread(_onboard(url))
        yield HomeAssistant(url=url, token=token, config_dir=config_dir, process=process, started_in=started_in)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def home_assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HomeAssistant]:
    """Home Assistant, onboarded, with no integrations but its defaults, for the whole session."""
    with running_home_assistant(tmp_path_factory.mktemp("home-assistant")) as started:
        yield started
