"""The carehub command line: events, devices, demo and simulate, on real log files and brokers."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml
from click.testing import CliRunner

from assistant.app import build_hub
from assistant.cli import main, parse_since
from assistant.eventlog import EventLog
from assistant.events import FallDetected, MessageRejected, SosPressed, VitalSignsMeasured
from assistant.ids import new_id
from tests.hubkit import HOUSEHOLD, hub_config, wait_for_rows

T0 = datetime(2026, 3, 2, 3, 0, tzinfo=timezone.utc)


def _config_file(tmp_path: Path, **extra) -> Path:
    raw = {**json.loads(json.dumps(HOUSEHOLD)), "storage": {"database": "log.db"}, **extra}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


async def _seed_log(db: Path) -> dict[str, str]:
    log = EventLog(db)
    await log.start()
    fall = FallDetected(id=new_id(), ts=T0, home="flat1", device="grandma-watch", person="grandma")
    sos = SosPressed(id=new_id(), ts=T0 + timedelta(seconds=5), home="flat1", device="grandma-watch",
                     person="grandma", cause=fall.id)
    vitals = VitalSignsMeasured(id=new_id(), ts=T0 + timedelta(seconds=9), home="flat1",
                                device="grandma-watch", person="grandma", heart_rate=118, cause=sos.id)
    rejected = MessageRejected(id=new_id(), ts=T0 - timedelta(seconds=1), home="flat1", device="toaster",
                               topic="carehub/flat1/toaster/state", reason="unknown device 'toaster' (not in config.yaml)")
    await log.write(fall, sos, vitals, rejected)
    await log.close()
    return {"fall": fall.id, "sos": sos.id, "vitals": vitals.id}


def test_events_table_json_filters_and_why(tmp_path):
    config = _config_file(tmp_path)
    ids = asyncio.run(_seed_log(tmp_path / "log.db"))
    runner = CliRunner()

    result = runner.invoke(main, ["--config", str(config), "events", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["kind"] for r in rows] == ["vital_signs_measured", "sos_pressed", "fall_detected", "message_rejected"]

    result = runner.invoke(main, ["--config", str(config), "events", "--json", "--kind", "fall_detected"])
    assert [json.loads(line)["id"] for line in result.output.splitlines()] == [ids["fall"]]

    result = runner.invoke(main, ["--config", str(config), "events", "--json", "--since", "2026-03-02T03:00:04Z"])
    assert {json.loads(line)["kind"] for line in result.output.splitlines()} == {"sos_pressed", "vital_signs_measured"}

    result = runner.invoke(main, ["--config", str(config), "events", "--json", "--why", ids["vitals"]])
    assert [json.loads(line)["id"] for line in result.output.splitlines()] == [ids["vitals"], ids["sos"], ids["fall"]]

    result = runner.invoke(main, ["--config", str(config), "events", "--device", "grandma-watch"],
                           env={"COLUMNS": "250"})
    assert result.exit_code == 0 and "fall_detected" in result.output and "toaster" not in result.output

    result = runner.invoke(main, ["--config", str(config), "events", "--since", "yesterday-ish"])
    assert result.exit_code == 2 and "not a time" in result.output


def _lines_fit(output: str, width: int = 80) -> list[str]:
    lines = output.splitlines()
    assert max(len(line) for line in lines) <= width, output
    return lines


def test_the_events_table_shows_short_ids_and_fits_80_columns(tmp_path):
    config = _config_file(tmp_path)
    ids = asyncio.run(_seed_log(tmp_path / "log.db"))
    result = CliRunner().invoke(main, ["--config", str(config), "events"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = _lines_fit(result.output)
    for full in ids.values():
        assert full not in result.output
        assert sum(full[-8:] in line for line in lines) == 1  # whole, on one line


def test_why_takes_the_short_id_a_start_of_the_id_or_the_whole_id(tmp_path):
    config = _config_file(tmp_path)
    ids = asyncio.run(_seed_log(tmp_path / "log.db"))
    every = [json.loads(line)["id"] for line in CliRunner().invoke(
        main, ["--config", str(config), "events", "--json"]).output.splitlines()]
    unique_start = next(ids["vitals"][:n] for n in range(1, 27)
                        if [i for i in every if i.startswith(ids["vitals"][:n])] == [ids["vitals"]])
    chain = [ids["vitals"], ids["sos"], ids["fall"]]
    for given in (ids["vitals"][-8:], ids["vitals"][-8:].upper(), unique_start, ids["vitals"]):
        result = CliRunner().invoke(main, ["--config", str(config), "events", "--json", "--why", given])
        assert result.exit_code == 0, (given, result.output)
        assert [json.loads(line)["id"] for line in result.output.splitlines()] == chain
    table = CliRunner().invoke(main, ["--config", str(config), "events", "--why", ids["sos"][-8:]],
                               env={"COLUMNS": "80"})
    assert table.exit_code == 0 and ids["fall"][-8:] in table.output and ids["vitals"][-8:] not in table.output


def test_why_with_an_ambiguous_or_unknown_id_says_so_in_one_line_and_exits_2(tmp_path):
    config = _config_file(tmp_path)
    ids = asyncio.run(_seed_log(tmp_path / "log.db"))
    # the first 8 characters are the time to about a minute: every event of this log shares them
    result = CliRunner().invoke(main, ["--config", str(config), "events", "--why", ids["fall"][:8]])
    assert result.exit_code == 2
    assert result.stdout == "" and len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"event id {ids['fall'][:8]} is ambiguous: it could be ")
    assert all(full in result.stderr for full in ids.values()) and "give more of the id" in result.stderr

    for unknown in ("deadbeef", "not-an-id"):
        result = CliRunner().invoke(main, ["--config", str(config), "events", "--why", unknown])
        assert result.exit_code == 2 and result.stderr == f"no event with id {unknown}\n"


def test_ids_that_end_alike_are_shown_longer_until_they_differ(tmp_path):
    config = _config_file(tmp_path)
    twins = ["01a2" + "0" * 13 + differ + "0abcdef0" for differ in "01"]  # the same last 8 characters

    async def seed() -> None:
        log = EventLog(tmp_path / "log.db")
        await log.start()
        await log.write(*(FallDetected(id=twin, ts=T0, home="flat1", device="grandma-watch", person="grandma")
                          for twin in twins))
        await log.close()

    asyncio.run(seed())
    result = CliRunner().invoke(main, ["--config", str(config), "events"], env={"COLUMNS": "80"})
    lines = _lines_fit(result.output)
    assert sum("00abcdef0" in line for line in lines) == 1 and sum("10abcdef0" in line for line in lines) == 1
    assert twins[0] not in result.output
    result = CliRunner().invoke(main, ["--config", str(config), "events", "--why", "0abcdef0"])
    assert result.exit_code == 2 and "ambiguous" in result.stderr
    result = CliRunner().invoke(main, ["--config", str(config), "events", "--json", "--why", "10abcdef0"])
    assert result.exit_code == 0 and json.loads(result.output)["id"] == twins[1]


def test_parse_since_relative_and_absolute():
    now = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)
    assert parse_since("30m", now) == "2026-03-02T11:30:00+00:00"
    assert parse_since("2d", now) == "2026-02-28T12:00:00+00:00"
    assert parse_since("2026-03-02T08:00:00+08:00", now) == "2026-03-02T00:00:00+00:00"


def test_devices_lists_configured_and_refused_senders(tmp_path):
    config = _config_file(tmp_path)
    asyncio.run(_seed_log(tmp_path / "log.db"))
    result = CliRunner().invoke(main, ["--config", str(config), "devices", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert {d["id"] for d in body["devices"]} == {d["id"] for d in HOUSEHOLD["devices"]}
    assert body["unknown_senders"][0]["topic"] == "carehub/flat1/toaster/state"
    assert "unknown device 'toaster'" in body["unknown_senders"][0]["reason"]
    table = CliRunner().invoke(main, ["--config", str(config), "devices"], env={"COLUMNS": "250"})
    assert table.exit_code == 0 and "never seen" in table.output and "toaster" in table.output


def test_events_without_a_log_says_so(tmp_path):
    result = CliRunner().invoke(main, ["--config", str(_config_file(tmp_path)), "events"])
    assert result.exit_code == 1 and "no event log" in result.output


def test_demo_runs_a_fall_scenario_into_the_log(tmp_path):
    db = tmp_path / "demo.db"
    result = CliRunner().invoke(main, ["demo", "--scenario", "fall", "--speed", "100000", "--database", str(db)])
    assert result.exit_code == 0, result.output
    assert "fall_detected" in result.output
    conn = sqlite3.connect(db)
    kinds = {k for (k,) in conn.execute("SELECT DISTINCT kind FROM events")}
    assert {"fall_detected", "acceleration_sampled", "device_came_online", "hub_started"} <= kinds
    assert conn.execute("SELECT count(*) FROM events WHERE kind = 'message_rejected'").fetchone()[0] == 0


async def test_simulate_publishes_to_a_running_hub(amqtt_broker, tmp_path):
    config = hub_config(tmp_path, amqtt_broker.port, home={"id": "home"})
    # The simulator's household is the default one; give the hub the same devices.
    from firmware_stubs.household import default_household_devices
    from assistant.config import parse_config

    raw = config.model_dump(exclude={"base_dir"})
    raw["devices"] = default_household_devices()
    raw["people"] = [{"id": "grandma", "name": "Margaret", "role": "elder"}, {"id": "leo", "name": "Leo", "role": "child"}]
    config = parse_config(raw, "test", tmp_path)
    async with build_hub(config) as hub:
        await hub.wait_connected()
        result = await asyncio.to_thread(CliRunner().invoke, main, [
            "simulate", "--scenario", "night_wandering", "--speed", "0",
            "--host", "127.0.0.1", "--port", str(amqtt_broker.port), "--home", "home"])
        assert result.exit_code == 0, result.output
        rows = await wait_for_rows(config.database_path, lambda r: any(x["data"].get("open") for x in r),
                                   kind="contact_changed", device="front-door")
        rejected = await asyncio.to_thread(lambda: sqlite3.connect(config.database_path).execute(
            "SELECT count(*) FROM events WHERE kind = 'message_rejected'").fetchone()[0])
    assert rows[0]["device"] == "front-door"
    assert rejected == 0
