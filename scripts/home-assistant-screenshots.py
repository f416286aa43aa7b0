"""Screenshots of a real Home Assistant showing carehub, for docs/home-assistant.md.

Starts Home Assistant 2025.4.4 the way the live tests do (tests/hakit.py), a hub on the example household of
config.yaml with Home Assistant discovery on, lives a few minutes of a morning (grandma's watch reports her
vital signs, the kitchen sees her, the kitchen light is on, she presses SOS), signs in to Home Assistant's web
UI in Chromium as its owner and saves what the family would see:

    PYTHONPATH=. python scripts/home-assistant-screenshots.py [--out DIR]   # default docs/screenshots/

Everything it starts it stops. It needs Home Assistant's environment (scripts/home-assistant-venv.sh),
Chromium (/usr/bin/chromium, or CAREHUB_CHROMIUM) and Playwright (pip install playwright).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import yaml

from assistant.app import build_hub
from assistant.config import Config, parse_config
from assistant.mqtt_trust import trust_for
from tests.conftest import free_port
from tests.hakit import PASSWORD, SAFETY, USER, HomeAssistant, client, not_installed, running_home_assistant
from tests.trustkit import secret_of

if TYPE_CHECKING:
    from playwright.async_api import ViewportSize

ROOT = Path(__file__).resolve().parent.parent
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
CHROMIUM = os.environ.get("CAREHUB_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
PERSON = "grandma"
"""Whose device page is shown."""
RENDER_TIMEOUT_MS = 60_000
"""How long a page may take to show carehub's entities (Home Assistant's frontend is large; the machine busy)."""

# Text that only shows once a page has rendered carehub's entities (not a login or a loading screen).
OVERVIEW_SHOWS = "Help needed"
DEVICE_PAGE_SHOWS = "Heart rate"

# A few minutes of a morning, as the devices would publish it (docs/mqtt.md); state topics are retained, as
# the firmware sends them. Margaret got up (her bed is empty) and is in the kitchen now.
MORNING: list[tuple[str, str, dict[str, Any]]] = [
    ("grandma-watch", "state", {"heart_rate": 78, "spo2": 96, "skin_temp": 36.4, "worn": True, "battery": 81}),
    ("bedroom-motion", "state", {"motion": False, "battery": 88}),
    ("bathroom-motion", "state", {"motion": False, "battery": 95}),
    ("hallway-motion", "state", {"motion": False, "battery": 90}),
    ("front-door", "state", {"open": False, "battery": 97}),
    ("fridge", "state", {"open": False, "battery": 99}),
    ("bed", "state", {"occupied": False, "battery": 93}),
    ("kitchen-motion", "state", {"motion": True, "battery": 92}),
    ("kitchen-light", "state", {"state": "on", "brightness": 200}),
    ("kettle-plug", "state", {"state": "off", "power": 0.0}),
    ("leo-light", "state", {"state": "off", "brightness": 0}),
    ("leo-watch", "state", {"heart_rate": 88, "worn": True, "battery": 64}),
]
SOS = ("grandma-watch", "event", {"type": "sos"})


def household(folder: Path) -> Config:
    """config.yaml's household (Margaret, Leo, Anna and their devices) on an embedded broker at a free port, with
    Home Assistant on, its database in ``folder`` and no web server of its own."""
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    raw["mqtt"] |= {"broker": "embedded", "host": "127.0.0.1", "port": free_port(), "client_id": "carehub-shots"}
    raw["storage"] = {"database": str(folder / "carehub.db")}
    raw["http"] = {"enabled": False}
    raw["home_assistant"] = {"enabled": True}
    return parse_config(raw, "config.yaml", folder)


def shows_state(state: str, entity: dict[str, Any]) -> bool:
    return entity["state"] == state


async def live_a_morning(config: Config, home_assistant: HomeAssistant) -> None:
    """Publish ``MORNING`` and the SOS as the devices, and wait until Home Assistant shows them."""
    prefix, home, port = config.mqtt.topic_prefix, config.home.id, config.mqtt.port
    for device, topic, payload in [*MORNING, SOS]:
        async with client(config, port, device) as mqtt:
            await mqtt.publish(f"{prefix}/{home}/{device}/{topic}", json.dumps(payload), qos=1,
                               retain=topic == "state")
    for entity_id, state in (("sensor.grandma_heart_rate", "78"), ("sensor.grandma_skin_temp", "36.4"),
                             ("binary_sensor.kitchen_motion", "on"), ("light.kitchen_light", "on"),
                             ("binary_sensor.grandma_help_needed", "on"), ("sensor.grandma_room", "kitchen")):
        await home_assistant.wait_for_state(entity_id, functools.partial(shows_state, state))


async def device_id_of(home_assistant: HomeAssistant, name: str, model: str) -> str:
    """The id of the device Home Assistant's registry has as ``name`` (``model``): what its page's address uses."""
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(f"{home_assistant.url}/api/websocket") as ws:
            await ws.receive_json()  # auth_required
            await ws.send_json({"type": "auth", "access_token": home_assistant.token})
            await ws.receive_json()
            await ws.send_json({"id": 1, "type": "config/device_registry/list"})
            devices = (await ws.receive_json())["result"]
    for device in devices:
        if device["name"] == name and device["model"] == model:
            return device["id"]
    raise RuntimeError(f"Home Assistant has no device {name!r} ({model}); it has "
                       f"{sorted(str(d['name']) for d in devices)}")


async def sign_in(page: Any, url: str) -> None:
    """Home Assistant's own login page, filled in as the owner would."""
    await page.goto(url + "/")
    await page.wait_for_url("**/auth/authorize**", timeout=RENDER_TIMEOUT_MS)
    await page.get_by_role("textbox", name="Username").fill(USER)
    await page.get_by_role("textbox", name="Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await page.wait_for_url(lambda address: "/auth/" not in address, timeout=RENDER_TIMEOUT_MS)


# Home Assistant's pages are web components: the text is inside shadow roots, which innerText does not enter.
VISIBLE_TEXT = """() => {
    const lines = [];
    const walk = (node) => {
        if (node.nodeType === Node.TEXT_NODE) {
            const text = node.textContent.trim();
            if (text && node.parentElement && node.parentElement.checkVisibility()) lines.push(text);
            return;
        }
        if (node.nodeName === "STYLE" || node.nodeName === "SCRIPT") return;
        if (node.shadowRoot) walk(node.shadowRoot);
        for (const child of node.childNodes) walk(child);
    };
    walk(document.body);
    return lines.join("\\n");
}"""


async def shoot(page: Any, address: str, shows: str, path: Path, *, scroll_to: str | None = None,
                full_page: bool = False) -> str:
    """Open ``address``, wait until ``shows`` is on the page and nothing is loading, scroll the text
    ``scroll_to`` to the top of the screen, save a PNG at ``path``; the page's visible text."""
    await page.goto(address)
    await page.get_by_text(shows, exact=False).first.wait_for(timeout=RENDER_TIMEOUT_MS)
    await page.wait_for_load_state("networkidle")
    if scroll_to:
        await page.get_by_text(scroll_to, exact=True).first.evaluate("element => element.scrollIntoView()")
    if full_page:
        # As tall as the dashboard: Playwright's full_page would leave the sidebar at the screen's height.
        viewport = page.viewport_size
        height = await page.evaluate("document.documentElement.scrollHeight")
        await page.set_viewport_size({"width": viewport["width"], "height": max(height, viewport["height"])})
    await page.wait_for_timeout(1500)  # icons and the cards' last layout pass, after the text is there
    await page.screenshot(path=str(path))
    text = await page.evaluate(VISIBLE_TEXT)
    if full_page:
        await page.set_viewport_size(viewport)
    return text


async def photograph(home_assistant: HomeAssistant, out: Path) -> dict[str, str]:
    from playwright.async_api import async_playwright

    person_device = await device_id_of(home_assistant, "Margaret", "person")
    overview = home_assistant.url + "/lovelace/0"
    texts: dict[str, str] = {}
    async with async_playwright() as driver:
        chromium = await driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            desktop = await chromium.new_context(viewport=DESKTOP)
            page = await desktop.new_page()
            await sign_in(page, home_assistant.url)
            texts["ha-overview.png"] = await shoot(page, overview, OVERVIEW_SHOWS, out / "ha-overview.png",
                                                   full_page=True)
            texts["ha-person-device.png"] = await shoot(
                page, f"{home_assistant.url}/config/devices/device/{person_device}", DEVICE_PAGE_SHOWS,
                out / "ha-person-device.png")
            phone = await chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
            page = await phone.new_page()
            await sign_in(page, home_assistant.url)
            # A phone shows one card at a time: the one of the person who needs help.
            texts["ha-overview-phone.png"] = await shoot(page, overview, OVERVIEW_SHOWS, out / "ha-overview-phone.png",
                                                         scroll_to="Margaret")
        finally:
            await chromium.close()
    return texts


async def with_carehub(home_assistant: HomeAssistant, work: Path, out: Path) -> dict[str, str]:
    config = household(work)
    async with build_hub(config, skills=SAFETY) as hub:
        await hub.wait_connected()
        login = trust_for(config, secret_of(config)).login_for("homeassistant")
        assert login is not None
        async with home_assistant.mqtt("127.0.0.1", config.mqtt.port, login.username, login.password):
            await home_assistant.wait_for_state(f"binary_sensor.carehub_{config.home.id}_hub",
                                                lambda s: s["state"] == "on")
            await live_a_morning(config, home_assistant)
            return await photograph(home_assistant, out)


def missing() -> str | None:
    """What this machine lacks to take the screenshots, or None."""
    if reason := not_installed():
        return reason
    if CHROMIUM is None:
        return "Chromium is not installed (apt-get install chromium; scripts/test does)"
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install playwright; scripts/test does)"
    return None


def take_screenshots(out: Path) -> dict[str, str]:
    """Save ha-overview.png, ha-person-device.png and ha-overview-phone.png in ``out``; the visible text of
    each page by file name."""
    if reason := missing():
        raise SystemExit(reason)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="carehub-ha-screenshots-") as folder:
        work = Path(folder)
        (work / "home-assistant").mkdir()
        with running_home_assistant(work / "home-assistant", web_ui=True) as home_assistant:
            return asyncio.run(with_carehub(home_assistant, work, out))


def main(argv: Sequence[str] | None = None) -> dict[str, str]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots",
                        help="folder for the PNGs (default: docs/screenshots)")
    args = parser.parse_args(argv)
    texts = take_screenshots(args.out)
    for name in texts:
        print(args.out / name)
    return texts


if __name__ == "__main__":
    main(sys.argv[1:])
