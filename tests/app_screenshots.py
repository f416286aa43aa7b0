"""Screenshots of the caregiver app's main screens at a phone's width, the ones docs/caregiver-app.md shows.

    python -m tests.app_screenshots [FOLDER]     # docs/screenshots/ when no folder is given

A hub with the family of tests/browserkit.py (its embedded broker, a fake clock at 10:00 UTC on 2 March 2026,
channels that take every message): Anna signs in, Margaret presses her panic button, the alert widens to
the neighbour a minute later, and Anna acknowledges it. Needs Debian's Chromium and Playwright
(scripts/test installs both).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import aiomqtt

from assistant.mqtt_trust import trust_for
from tests.appkit import new_link
from tests.browserkit import CHROMIUM, chromium, family_hub, phone, signed_in
from tests.httpkit import Quiet
from tests.test_alerts import advance
from tests.test_app_live import _press_sos, secret_of

DOCS_SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
SCREENS = ("app-sign-in-en.png", "app-inbox-en.png", "app-alert-en.png", "app-inbox-zh.png", "app-person-en.png")
"""The sign-in page, the inbox with a live SOS, the alert's page (who was told when, why), the Chinese inbox,
and Margaret's page (now, today, vitals with their usual ranges, the week's trends, her devices)."""


async def shoot(folder: Path) -> list[Path]:
    """Draw each of ``SCREENS`` into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    shots = {name: folder / name for name in SCREENS}
    with tempfile.TemporaryDirectory(prefix="carehub-shots-") as home:
        async with family_hub(Path(home), notifier=Quiet(), channel=lambda who: f"ntfys://ntfy.sh/{who}-family") \
                as (hub, clock, config, base), chromium() as browser:
            await hub.alerts.raise_alert(kind="battery_low", priority="low", person="grandma", device="grandma-watch",
                                         message={"en": "Margaret's watch battery is at 15%.",
                                                  "zh": "Margaret 的手表电量为 15%。"})
            anna = await phone(browser)
            await anna.goto(f"{base}/app/sign-in/{await new_link(hub, clock, 'anna')}")
            await anna.screenshot(path=str(shots["app-sign-in-en.png"]))
            await anna.get_by_role("button").tap()
            await anna.wait_for_url(f"{base}/app/")
            await anna.locator("#live:not([hidden])").wait_for()
            bea = await signed_in(browser, hub, clock, base, "bea")

            await _press_sos(config, config.mqtt.port)
            for reader in (anna, bea):
                await reader.locator("#inbox li.p-high.s-open").wait_for()
            await anna.screenshot(path=str(shots["app-inbox-en.png"]))
            await bea.screenshot(path=str(shots["app-inbox-zh.png"]))

            await advance(hub, clock, 60)  # nobody has acknowledged: the neighbour is told too
            sos = anna.locator("#inbox li.p-high.s-open")
            alert_id = await sos.get_attribute("data-id")
            await sos.get_by_role("button").tap()
            await anna.locator(f"#alert-{alert_id}.s-acknowledged").wait_for()
            await anna.goto(f"{base}/app/alerts/{alert_id}")
            await anna.screenshot(path=str(shots["app-alert-en.png"]), full_page=True)

            await _readings(config, config.mqtt.port)
            await hub.bus.drain()
            await anna.goto(f"{base}/app/people/grandma")
            await anna.screenshot(path=str(shots["app-person-en.png"]), full_page=True)
    return list(shots.values())


async def _readings(config: Any, port: int) -> None:
    """Margaret's watch reports her vital signs (one of them above her usual range) and its battery."""
    login = trust_for(config, secret_of(config)).login_for("grandma-watch")
    async with aiomqtt.Client("127.0.0.1", port, identifier="grandma-watch", username="grandma-watch",
                              password=login.password) as watch:
        for n, reading in enumerate(({"heart_rate": 96, "spo2": 95, "temperature": 37.1, "battery": 15},
                                     {"heart_rate": 78, "spo2": 97, "systolic": 132, "diastolic": 84})):
            await watch.publish("carehub/flat1/grandma-watch/state", json.dumps({**reading, "msg_id": f"v{n}"}), qos=1)


def chinese_font() -> bool:
    """Whether fontconfig knows a font that draws simplified Chinese (the Chinese screenshot needs one)."""
    if shutil.which("fc-list") is None:
        return False
    listed = subprocess.run(["fc-list", ":lang=zh-cn"], capture_output=True, text=True, check=False)
    return bool(listed.stdout.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.app_screenshots", description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DOCS_SCREENSHOTS,
                        help="where the PNGs go (default: docs/screenshots/)")
    args = parser.parse_args(argv)
    if CHROMIUM is None:
        print("Chromium is not installed (apt-get install chromium; scripts/test does)", file=sys.stderr)
        return 1
    if not chinese_font():
        print("warning: no Chinese font is installed, so app-inbox-zh.png shows boxes "
              "(apt-get install fonts-wqy-microhei, or fonts-noto-cjk)", file=sys.stderr)
    for path in asyncio.run(shoot(args.folder)):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
