"""``carehub alerts``: list, show, ack and token on a database written by a real (offline) hub."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assistant.alerts.store import AlertStore
from assistant.alerts.tokens import caregiver_token
from assistant.app import build_hub
from assistant.cli import main
from assistant.clock import FakeClock
from assistant.config import parse_config
from assistant.eventlog import EventQuery
from assistant.events import AlertRequested, SosPressed
from tests.test_alerts import T0, Receiver, advance, household, until

WIDE = {"COLUMNS": "250"}


@dataclass
class Prepared:
    """A database left behind by a hub, and what the test needs to know about it."""

    config: Path
    db: Path
    sos: str
    """Open high alert for grandma, raised by an SOS (step 0 went to anna and bo)."""
    sos_event: str
    notified_event: str
    missed_dose: str
    """Medium alert for leo, acknowledged by dad over HTTP."""
    battery: str
    """Low alert for grandma, resolved."""
    anna_token: str


def _write_config(tmp_path: Path, raw: dict) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True))
    return path


async def _prepare(tmp_path: Path) -> Prepared:
    receiver = Receiver()
    await receiver.start()
    raw = household(tmp_path, receiver)
    hub = build_hub(parse_config(raw, "test", tmp_path), clock=FakeClock(T0), offline=True, skills=[])
    await hub.start()
    try:
        sos = await hub.emit(SosPressed(device="panic-button", person="grandma"))
        note = await hub.emit(AlertRequested(message="Margaret pressed SOS", priority="high", alert_kind="sos",
                                                skill="safety", person="grandma", cause=sos.id))
        await until(lambda: receiver.count("anna") == 1 and receiver.count("bo") == 1)
        missed = await hub.alerts.raise_alert(kind="missed_dose", priority="medium", person="leo",
                                              message="Leo missed his inhaler")
        await hub.alerts.acknowledge(missed, by="dad", via="http")
        battery = await hub.alerts.raise_alert(kind="battery_low", priority="low", person="grandma",
                                               message="Watch battery low")
        await hub.alerts.resolve(battery, "charged")
        await hub.escalation.settle()
        sos_alert = (await hub.alerts.list(None, "open"))[0]
        anna_token = hub.alerts.tokens.token_for("anna")
    finally:
        await hub.stop()
        await receiver.stop()
    assert sos_alert.kind == "sos" and sos_alert.cause == note.id
    return Prepared(_write_config(tmp_path, raw), Path(raw["storage"]["database"]), sos_alert.id, sos.id,
                    note.id, missed, battery, anna_token)


@pytest.fixture
def prepared(tmp_path) -> Prepared:
    return asyncio.run(_prepare(tmp_path))


def cli(prepared: Prepared, *args: str):
    return CliRunner().invoke(main, ["--config", str(prepared.config), "alerts", *args], env=WIDE)


def test_list_as_table_and_json_with_a_status_filter(prepared):
    result = cli(prepared, "--json")
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in map(json.loads, result.output.splitlines())}
    assert set(rows) == {prepared.sos, prepared.missed_dose, prepared.battery}
    assert rows[prepared.missed_dose]["status"] == "acknowledged"
    assert (rows[prepared.missed_dose]["acked_by"], rows[prepared.missed_dose]["acked_via"]) == ("dad", "http")
    assert rows[prepared.battery]["status"] == "resolved"

    result = cli(prepared, "list", "--status", "open", "--json")
    assert [json.loads(line)["id"] for line in result.output.splitlines()] == [prepared.sos]

    result = cli(prepared, "list")
    assert result.exit_code == 0, result.output
    assert prepared.sos[-8:] in result.output and prepared.sos not in result.output  # the short id
    assert "missed_dose" in result.output and "acknowledged by dad via http" in result.output
    assert "2026-03-02 10:00" in result.output

    result = cli(prepared, "--status", "resolved")
    assert prepared.battery[-8:] in result.output and prepared.sos[-8:] not in result.output


def test_list_without_a_database_says_so(tmp_path):
    config = _write_config(tmp_path, {"storage": {"database": str(tmp_path / "none.db")}})
    result = CliRunner().invoke(main, ["--config", str(config), "alerts"])
    assert result.exit_code == 1 and "no event log at" in result.output
    assert not (tmp_path / "none.db").exists()


def test_show_gives_history_and_cause_chain(prepared):
    result = cli(prepared, "show", prepared.sos, "--json")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["alert"]["id"] == prepared.sos and shown["alert"]["priority"] == "high"
    delivered = {(h["step"], h["caregiver"], h["ok"]) for h in shown["history"] if h["transition"] == "delivered"}
    assert delivered == {(0, "anna", True), (0, "bo", True)}
    assert shown["history"][0]["transition"] == "raised"
    assert [e["id"] for e in shown["cause_chain"]] == [prepared.notified_event, prepared.sos_event]
    assert [e["kind"] for e in shown["cause_chain"]] == ["alert_requested", "sos_pressed"]

    result = cli(prepared, "show", prepared.sos)
    assert result.exit_code == 0, result.output
    assert "delivered" in result.output and "sos_pressed" in result.output and prepared.sos_event[-8:] in result.output

    result = cli(prepared, "show", prepared.battery)
    assert result.exit_code == 0 and "charged" in result.output and "cause: none recorded" in result.output

    result = cli(prepared, "show", "no-such-alert")
    assert result.exit_code == 2 and "no alert with id no-such-alert" in result.output


def test_ack_outcomes(prepared):
    result = cli(prepared, "ack", "no-such-alert", "--by", "anna")
    assert result.exit_code == 2 and "no alert with id" in result.output
    result = cli(prepared, "ack", prepared.sos, "--by", "nobody")
    assert result.exit_code == 2 and "no caregiver with id 'nobody'" in result.output
    result = cli(prepared, "ack", prepared.sos, "--by", "dad")
    assert result.exit_code == 2 and "does not look after 'grandma'" in result.output
    store = AlertStore(prepared.db)
    try:
        assert store.get(prepared.sos).status == "open"
    finally:
        store.close()

    result = cli(prepared, "ack", prepared.sos, "--by", "neighbour")
    assert result.exit_code == 0, result.output
    assert f"acknowledged alert {prepared.sos}" in result.output
    store = AlertStore(prepared.db)
    try:
        alert = store.get(prepared.sos)
        history = store.history(prepared.sos)
    finally:
        store.close()
    assert (alert.status, alert.acked_by, alert.acked_via, alert.next_at) == ("acknowledged", "neighbour", "cli", None)
    assert history[-1].transition == "acknowledged"
    query = EventQuery(prepared.db)
    try:
        rows = query.events(kind="alert_acknowledged", limit=10)
    finally:
        query.close()
    ours = [r for r in rows if r["data"]["alert_id"] == prepared.sos]
    assert len(ours) == 1
    assert ours[0]["data"] == {"alert_id": prepared.sos, "by": "neighbour", "via": "cli"}
    assert (ours[0]["home"], ours[0]["person"]) == ("flat1", "grandma")

    result = cli(prepared, "ack", prepared.sos, "--by", "anna")
    assert result.exit_code == 0 and "already acknowledged by neighbour via cli" in result.output
    result = cli(prepared, "ack", prepared.battery, "--by", "anna")
    assert result.exit_code == 0 and "already resolved" in result.output


def test_show_and_ack_take_the_short_id_or_a_start_of_the_id(prepared):
    result = cli(prepared, "show", prepared.sos[-8:], "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["alert"]["id"] == prepared.sos
    every = [prepared.sos, prepared.missed_dose, prepared.battery]
    unique_start = next(prepared.battery[:n] for n in range(1, 27)
                        if [a for a in every if a.startswith(prepared.battery[:n])] == [prepared.battery])
    result = cli(prepared, "show", unique_start, "--json")
    assert result.exit_code == 0 and json.loads(result.output)["alert"]["id"] == prepared.battery

    result = cli(prepared, "ack", prepared.sos[-8:], "--by", "anna")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"acknowledged alert {prepared.sos} (high sos for grandma)")
    store = AlertStore(prepared.db)
    try:
        assert (store.get(prepared.sos).status, store.get(prepared.sos).acked_by) == ("acknowledged", "anna")
    finally:
        store.close()


def test_an_ambiguous_or_unknown_alert_id_is_one_line_and_exit_code_2(prepared):
    shared = prepared.sos[:8]  # the time, to about a minute: all three alerts were raised in it
    for args in (("show", shared), ("ack", shared, "--by", "anna")):
        result = cli(prepared, *args)
        assert result.exit_code == 2, result.output
        assert result.stdout == "" and len(result.stderr.splitlines()) == 1
        assert result.stderr.startswith(f"alert id {shared} is ambiguous: it could be ")
        assert all(a in result.stderr for a in (prepared.sos, prepared.missed_dose, prepared.battery))
    for args in (("show", "deadbeef"), ("ack", "deadbeef", "--by", "anna")):
        result = cli(prepared, *args)
        assert result.exit_code == 2 and result.stderr == "no alert with id deadbeef\n"
    store = AlertStore(prepared.db)
    try:
        assert store.get(prepared.sos).status == "open"
    finally:
        store.close()


def test_the_tables_fit_80_columns_with_whole_short_ids(prepared):
    for args, ids in ((("list",), (prepared.sos, prepared.missed_dose, prepared.battery)),
                      (("show", prepared.sos[-8:]), (prepared.notified_event, prepared.sos_event))):
        result = CliRunner().invoke(main, ["--config", str(prepared.config), "alerts", *args], env={"COLUMNS": "80"})
        assert result.exit_code == 0, result.output
        lines = result.output.splitlines()
        assert max(map(len, lines)) <= 80, result.output
        for full in ids:
            assert sum(full[-8:] in line for line in lines) == 1, result.output


def test_token_is_the_one_the_hub_accepts(prepared):
    result = cli(prepared, "token", "anna")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == prepared.anna_token
    store = AlertStore(prepared.db, home="flat1")
    try:
        assert lines[0] == caregiver_token(store.secret(), "anna")
    finally:
        store.close()
    assert f"http://hub.local:8765/app/alerts/<alert-id>?token={prepared.anna_token}" in result.output
    assert f"POST http://hub.local:8765/api/alerts/<alert-id>/ack?token={prepared.anna_token}" in result.output

    result = cli(prepared, "token", "nobody")
    assert result.exit_code == 2 and "no caregiver with id 'nobody'" in result.output

    raw = yaml.safe_load(prepared.config.read_text())
    raw["caregivers"][0]["token"] = "set-in-config-and-long-enough-to-be-a-token"
    prepared.config.write_text(yaml.safe_dump(raw))
    assert cli(prepared, "token", "anna").output.splitlines()[0] == "set-in-config-and-long-enough-to-be-a-token"


async def test_a_running_hub_sends_no_further_step_after_a_cli_ack(tmp_path, receiver):
    raw = household(tmp_path, receiver)
    config = _write_config(tmp_path, raw)
    clock = FakeClock(T0)
    hub = build_hub(parse_config(raw, "test", tmp_path), clock=clock, offline=True, skills=[])
    await hub.start()
    try:
        alert_id = await hub.alerts.raise_alert(kind="sos", priority="high", person="grandma", message="SOS")
        await until(lambda: receiver.count("anna") == 1 and receiver.count("bo") == 1)
        await hub.escalation.settle()
        # Another process, as from a terminal: the hub is told nothing and finds out from the database.
        result = await asyncio.to_thread(CliRunner().invoke, main,
                                         ["--config", str(config), "alerts", "ack", alert_id, "--by", "bo"])
        assert result.exit_code == 0, result.output
        await advance(hub, clock, 60)
        await advance(hub, clock, 600)
        assert (receiver.count("anna"), receiver.count("bo"), receiver.count("sam")) == (1, 1, 0)
        assert not [h for h in hub.alerts.store.history(alert_id) if h.step and h.transition == "sending"]
        rows = await hub.reader.rows(kind="alert_acknowledged")
        assert [r["data"] for r in rows] == [{"alert_id": alert_id, "by": "bo", "via": "cli"}]
    finally:
        await hub.stop()


@pytest.fixture
async def receiver():
    r = Receiver()
    await r.start()
    yield r
    await r.stop()
