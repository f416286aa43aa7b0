"""carehub demo and carehub simulate: the household and the hub live by one clock, so a scenario raises its own
alerts and no others, even on a busy machine; the demo's log is kept where report and events find it; a
simulator follows a fast hub's clock and leaves without paging anyone, while a lost device still pages."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from click.testing import CliRunner

from assistant.app import build_hub
from assistant.cli import main
from assistant.cli.hub import demo_clock, fast_clock_config, run_while_devices_are_online
from assistant.config import Config, parse_config
from assistant.errors import DecodeError
from conftest import free_port
from devices.routing import parse_availability
from firmware_stubs.household import main as simulate
from firmware_stubs.umqtt_shim import MQTTClient
from firmware_stubs.wearable import Wearable
from tests.hubkit import wait_for_rows

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "config.yaml"


def alert_kinds(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT data FROM events WHERE kind = 'alert_raised'").fetchall()
    return sorted(json.loads(data)["alert_kind"] for (data,) in rows)


@pytest.fixture
def busy_machine(monkeypatch):
    """A busy-looping process per core, for as long as the test runs.

    On a machine this busy, a callback of the hub's that is descheduled can also be paged back in from disk,
    which the suite's event-loop guard would count as blocking; what is tested here is order, not latency.
    """
    monkeypatch.setenv("CAREHUB_SLOW_CALLBACKS_ALLOWED", "1")
    loops = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(os.cpu_count() or 2)]
    yield
    for loop in loops:
        loop.kill()
        loop.wait()


def run_demo_into(tmp_path: Path, scenario: str, *speed: str) -> Path:
    db = tmp_path / "demo.db"
    argv = ["--config", str(CONFIG), "demo", "--scenario", scenario, "--database", str(db), *speed]
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 0, result.output
    return db


def stopped_cleanly(db: Path, caplog: pytest.LogCaptureFixture) -> bool:
    """Every device said goodbye, with its reason, before the hub and its broker went away."""
    with sqlite3.connect(db) as conn:
        reasons = [json.loads(d).get("reason") for (d,) in conn.execute(
            "SELECT data FROM events WHERE kind = 'device_went_offline'")]
    complaints = [r for r in caplog.records if r.name.startswith("firmware_stubs") and r.levelno >= logging.WARNING]
    return len(reasons) == 17 and set(reasons) == {"simulation ended"} and not complaints


# The short scenarios, several times, at the demo's own speed while every core is busy.
UNDER_LOAD = [("night_wandering", ["night_exit"]), ("fall", ["fall"]), ("child_leaves_school", ["child_left_zone"]),
              ("night_wandering", ["night_exit"])]


@pytest.mark.slow
@pytest.mark.parametrize("scenario, alerts", UNDER_LOAD, ids=[f"{name}-{i}" for i, (name, _) in enumerate(UNDER_LOAD)])
def test_the_demo_raises_its_scenarios_alerts_and_no_others_on_a_busy_machine(busy_machine, tmp_path, caplog,
                                                                               scenario, alerts):
    db = run_demo_into(tmp_path, scenario)
    assert alert_kinds(db) == alerts
    assert stopped_cleanly(db, caplog)


@pytest.mark.slow
@pytest.mark.timeout(600)  # a whole day in lock step takes minutes on a shared, busy machine
@pytest.mark.parametrize("scenario, alerts", [("normal_day", []), ("missed_medication", ["missed_dose"] * 2)])
def test_a_whole_demo_day_raises_its_scenarios_alerts_and_no_others(tmp_path, caplog, scenario, alerts):
    db = run_demo_into(tmp_path, scenario, "--speed", "100000")
    assert alert_kinds(db) == alerts
    assert stopped_cleanly(db, caplog)


def test_the_demo_keeps_its_log_where_report_and_events_find_it(tmp_path, monkeypatch):
    (tmp_path / "config.yaml").write_text(CONFIG.read_text())  # storage.database: data/carehub.db
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for _ in range(2):  # a second run replaces the first one's log
        result = runner.invoke(main, ["demo", "--scenario", "night_wandering", "--speed", "100000"])
        assert result.exit_code == 0, result.output
    assert "event log kept in data/demo.db; try 'carehub --database data/demo.db report grandma'" in result.output
    db = tmp_path / "data" / "demo.db"
    assert alert_kinds(db) == ["night_exit"]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM events WHERE kind = 'hub_started'").fetchone() == (1,)
    assert not (tmp_path / "data" / "carehub.db").exists()

    events = runner.invoke(main, ["--database", "data/demo.db", "events", "--kind", "alert_raised", "--json"])
    assert events.exit_code == 0, events.output
    assert [json.loads(line)["data"]["alert_kind"] for line in events.output.splitlines()] == ["night_exit"]
    report = runner.invoke(main, ["--database", "data/demo.db", "report", "grandma", "--out", "grandma.html"])
    assert report.exit_code == 0, report.output
    page = (tmp_path / "grandma.html").read_text()
    assert "1 alert, 0 acknowledged" in page and "front door opened once" in page


def household_config(tmp_path: Path) -> Config:
    """The shipped household on an embedded broker and HTTP API at free ports, logging into ``tmp_path``."""
    raw = yaml.safe_load(CONFIG.read_text())
    raw["mqtt"] = {**raw["mqtt"], "port": free_port(), "auth": False, "client_id": "hub-demo-test"}
    raw["http"] = {"host": "127.0.0.1", "port": 0}
    raw["storage"] = {"database": str(tmp_path / "carehub.db")}
    return parse_config(raw, "test", tmp_path)


async def test_simulate_follows_a_fast_hubs_clock_and_leaves_without_paging(tmp_path):
    config = fast_clock_config(household_config(tmp_path), 1200)  # as carehub run --speed 1200 makes it
    clock = demo_clock(config, 1200, "01:25")
    hub = build_hub(config, clock=clock)
    run_while_devices_are_online(hub, clock)
    async with hub:
        await hub.wait_connected()
        assert not clock.running  # held until the household arrives
        assert hub.http is not None
        code = await asyncio.to_thread(simulate, [
            "--scenario", "night_wandering", "--hub", f"http://127.0.0.1:{hub.http.port}", "--host", "127.0.0.1",
            "--port", str(config.mqtt.port), "--home", config.home.id, "--timezone", config.home.timezone])
        assert code == 0
        gone = await wait_for_rows(config.database_path, lambda rows: len(rows) == 17, kind="device_went_offline")
        await hub.bus.drain()
        held = clock.now()
        alerts = alert_kinds(config.database_path)
    assert alerts == ["night_exit"]  # the care skill fired on the hub's time; the clean exit paged no one
    assert {row["data"]["reason"] for row in gone} == {"simulation ended"}
    assert not clock.running  # the household left, so the hub's day stands still
    assert held.astimezone(ZoneInfo(config.home.timezone)).strftime("%H:%M") >= "03:45"


async def test_a_device_whose_connection_is_lost_still_pages(tmp_path):
    config = household_config(tmp_path)
    async with build_hub(config) as hub:
        await hub.wait_connected()
        client = MQTTClient("carehub-home-grandma-watch", "127.0.0.1", config.mqtt.port, keepalive=60)
        watch = Wearable(client, config.home.id, "grandma-watch")
        await asyncio.to_thread(watch.start, time.time())
        await wait_for_rows(config.database_path, bool, kind="device_came_online", device="grandma-watch")
        await asyncio.to_thread(client._drop)  # power lost: the broker publishes its last will
        rows = await wait_for_rows(config.database_path, bool, kind="alert_raised")
    assert rows[0]["data"]["alert_kind"] == "device_offline" and rows[0]["device"] == "grandma-watch"


async def test_the_health_route_tells_anyone_how_the_hubs_clock_runs(tmp_path):
    import aiohttp

    config = household_config(tmp_path)
    clock = demo_clock(config, 600, "01:25")
    async with build_hub(config, clock=clock) as hub:
        assert hub.http is not None
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session, \
                session.get(f"http://127.0.0.1:{hub.http.port}/api/health") as response:
            health = await response.json()
    assert health["clock"]["speed"] == 600 and health["clock"]["running"] is False
    now = datetime.fromisoformat(health["clock"]["now"]).astimezone(ZoneInfo(config.home.timezone))
    assert now.strftime("%H:%M") == "01:25"


def test_simulate_says_in_one_line_that_a_real_time_hub_would_take_hours(tmp_path):
    zone = ZoneInfo("Europe/London")
    local = datetime.now(zone).strftime("%H:%M")
    scenario, start = ("fall", "07:50") if "01:00" <= local <= "01:30" else ("night_wandering", "01:30")

    async def scenario_against_a_real_time_hub() -> tuple[int, str]:
        config = household_config(tmp_path)
        async with build_hub(config) as hub:
            assert hub.http is not None
            return await asyncio.to_thread(_simulate_capturing, [
                "--scenario", scenario, "--hub", f"http://127.0.0.1:{hub.http.port}", "--port", str(free_port()),
                "--timezone", "Europe/London"])

    code, err = asyncio.run(scenario_against_a_real_time_hub())
    assert code == 2
    (line,) = err.splitlines()
    assert "runs in real time" in line and f"from {start}" in line and "carehub run --speed 600 --start" in line


def _simulate_capturing(argv: list[str]) -> tuple[int, str]:
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = simulate(argv)
    return code, err.getvalue()


@pytest.mark.parametrize("argv, message", [
    (["run", "--start", "01:25"], "--start needs --speed"),
    (["run", "--speed", "600", "--start", "25:00"], "not a time of day"),
    (["run", "--speed", "0.5"], "0.5"),
])
def test_run_refuses_a_fast_clock_it_cannot_keep(argv, message):
    result = CliRunner().invoke(main, ["--config", str(CONFIG), *argv])
    assert result.exit_code == 2 and message in result.output


@pytest.mark.parametrize("payload, online, reason", [
    (b"online", True, None),
    (b" OFFLINE\n", False, None),
    (b'{"state": "offline", "reason": "simulation ended"}', False, "simulation ended"),
    (b'{"state": "online"}', True, None),
])
def test_availability_says_online_offline_and_why(payload, online, reason):
    said = parse_availability(payload)
    assert (said.online, said.reason) == (online, reason)


@pytest.mark.parametrize("payload, error", [
    (b"asleep", "must be 'online' or 'offline'"),
    (b'{"state": "gone"}', '"state": "online"|"offline"'),
    (b'{"state": "offline", "reason": 7}', "reason must be a non-empty string"),
    (b'{"state": "offline", "why": "x"}', '"state": "online"|"offline"'),
    (b"{nope", "not valid JSON"),
])
def test_availability_refuses_what_it_cannot_read_naming_it(payload, error):
    with pytest.raises(DecodeError) as raised:
        parse_availability(payload)
    assert error in raised.value.reason


def test_a_fast_hub_gives_devices_a_few_real_seconds_before_they_count_as_silent(tmp_path):
    config = household_config(tmp_path)
    fast = fast_clock_config(config, 600)
    assert fast.skills["device_health"]["silent_factor"] == 30.0  # 60 s heartbeats: 1800 simulated s = 3 real s
    assert fast.skills["medication"] == config.skills["medication"]
    assert fast_clock_config(config, 1) is config
