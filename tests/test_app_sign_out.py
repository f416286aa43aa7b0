"""``carehub caregivers sign-out`` on a running hub: a lost phone is signed out within seconds, its live inbox
ends, and another caregiver's phone stays signed in (docs/caregiver-app.md)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from click.testing import CliRunner

from assistant.app_web.store import AppStore
from assistant.cli import main
from tests.appkit import app_household, app_hub, browser, next_alert, sign_in


async def test_a_caregiver_signed_out_from_the_command_line_loses_the_app_and_its_live_inbox(tmp_path):
    async with app_hub(tmp_path) as (hub, clock, base), browser() as anna, browser() as bea:
        await sign_in(anna, hub, clock, base, "anna")
        await sign_in(bea, hub, clock, base, "bea")
        async with anna.get(f"{base}/app/stream") as stream:
            assert stream.status == 200
            # What `carehub caregivers sign-out anna` does, from another process: end her sessions in the database.
            store = AppStore(tmp_path / "log.db")
            try:
                assert await asyncio.to_thread(store.end_sessions_of, "caregiver", "anna") == 1
            finally:
                await asyncio.to_thread(store.close)
            ended = await hub.app.sessions.forget_ended()  # the running hub's look at the database
            assert len(ended) == 1
            async with asyncio.timeout(10):  # her open inbox stops hearing alerts
                while await stream.content.readany():
                    pass
        async with anna.get(f"{base}/app/") as resp:
            assert resp.status == 401
        async with bea.get(f"{base}/app/") as resp:
            assert resp.status == 200 and "Bea" in await resp.text()  # her phone stays signed in
        assert await hub.app.sessions.forget_ended() == set()


def test_sign_out_says_a_running_hub_lets_go_within_seconds_and_a_link_can_be_a_qr_code(tmp_path):
    shipped = (Path(__file__).resolve().parent.parent / "config.yaml").read_text(encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text(shipped.replace("data/carehub.db", str(tmp_path / "carehub.db")), encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(config), "caregivers", "link", "anna", "--qr"])
    assert result.exit_code == 0, result.output
    assert "point the phone's camera at this code" in result.output
    drawn = [line for line in result.output.splitlines() if "█" in line]
    assert len(drawn) >= 15 and len({len(line) for line in drawn}) == 1  # a square block of modules
    result = CliRunner().invoke(main, ["--config", str(config), "caregivers", "sign-out", "anna"])
    assert result.exit_code == 0 and "ended 0 session(s) of anna; a running hub lets go of them within 5 seconds" \
        in result.output


async def test_an_open_inbox_outlasts_the_limit_on_one_request(tmp_path):
    raw = app_household(tmp_path, request_timeout=1.0)
    async with app_hub(tmp_path, raw) as (hub, clock, base), browser() as anna:
        await sign_in(anna, hub, clock, base, "anna")
        async with anna.get(f"{base}/app/stream") as stream:
            assert stream.status == 200
            await asyncio.sleep(3)  # past the one-second limit on a request: the sweeper has looked at it twice
            alert_id = await hub.alerts.raise_alert(kind="sos", priority="high", person="grandma", message="SOS")
            shown = await next_alert(stream)
            assert shown["id"] == alert_id
