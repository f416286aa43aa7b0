"""`carehub operator`: an operator's homes with their partitions and refused files, and the open alerts across
homes, read from the homes' own files."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from assistant.app import build_hub
from assistant.cli import main
from assistant.clock import FakeClock
from assistant.cluster.homes import PARTITION_FILE, partition_of
from assistant.config import parse_config
from tests.test_alerts import T0
from tests.test_cluster_partition import home_file
from tests.test_alerts import Receiver


def test_homes_lists_each_home_s_partition_and_names_every_refused_file(tmp_path):
    receiver = Receiver()
    for home in ("flat-a", "flat-b"):
        home_file(tmp_path, home, receiver)
    (tmp_path / "flat-c.yaml").write_text("home: {id: flat-c}\ndevices: [{id: w, kind: toaster}]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["operator", "homes", "--homes", str(tmp_path), "--partitions", "8", "--json"])
    assert result.exit_code == 1  # a refused file is a failure an operator's script can see
    shown = json.loads(result.output)
    assert [(h["home"], h["partition"]) for h in shown["homes"]] == [
        ("flat-a", partition_of("flat-a", 8)), ("flat-b", partition_of("flat-b", 8))]
    assert "devices[0].kind: unknown kind" in shown["problems"]["flat-c.yaml"][0]


async def test_alerts_lists_open_alerts_across_homes_most_urgent_first(tmp_path):
    homes, data = tmp_path / "homes", tmp_path / "data"
    homes.mkdir()
    receiver = Receiver()
    raised = {}
    for home, priority in (("flat-a", "medium"), ("flat-b", "high")):
        config_file = home_file(homes, home, receiver)
        raw = yaml.safe_load(config_file.read_text(encoding="utf-8"))
        raw["storage"] = {"database": str(data / f"p{partition_of(home, 4)}" / PARTITION_FILE)}
        raw["caregivers"][0]["channels"] = []
        hub = build_hub(parse_config(raw, "test", tmp_path), clock=FakeClock(T0), offline=True, skills=[])
        await hub.start()
        raised[home] = await hub.alerts.raise_alert(kind="sos", priority=priority, person="grandma",
                                                    message="Grandma pressed SOS")
        await hub.stop()
    result = CliRunner().invoke(main, ["operator", "alerts", "--homes", str(homes), "--data", str(data),
                                       "--partitions", "4", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert [(a["home"], a["id"], a["priority"]) for a in shown] == [
        ("flat-b", raised["flat-b"], "high"), ("flat-a", raised["flat-a"], "medium")]


def test_a_worker_refuses_the_embedded_broker_naming_why(tmp_path: Path):
    config = tmp_path / "worker.yaml"
    config.write_text("mqtt: {broker: embedded}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(config), "worker", "--homes", str(tmp_path),
                                       "--data", str(tmp_path / "data")])
    assert result.exit_code == 2 and "needs an external broker" in result.output


def test_a_worker_asked_for_uvloop_where_it_is_not_installed_says_so(tmp_path: Path, monkeypatch):
    config = tmp_path / "worker.yaml"
    config.write_text("mqtt: {broker: external}\n", encoding="utf-8")
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "uvloop" else real(name, *a))
    result = CliRunner().invoke(main, ["--config", str(config), "worker", "--homes", str(tmp_path),
                                       "--data", str(tmp_path / "data"), "--loop", "uvloop"])
    assert result.exit_code == 2 and "'uvloop' asked for, but uvloop is not installed" in result.output
    result = CliRunner().invoke(main, ["--config", str(config), "worker", "--homes", str(tmp_path),
                                       "--data", str(tmp_path / "data"), "--loop", "libuv"])
    assert result.exit_code == 2 and "'libuv' is not one of 'auto', 'uvloop', 'asyncio'" in result.output


def test_the_care_centre_refuses_a_staff_file_with_problems_naming_each(tmp_path: Path):
    config = tmp_path / "worker.yaml"
    config.write_text("mqtt: {broker: external}\n", encoding="utf-8")
    staff = tmp_path / "staff.yaml"
    staff.write_text("staff: [{id: desk-1, token: short}]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(config), "operator", "serve", "--homes", str(tmp_path),
                                       "--data", str(tmp_path / "data"), "--staff", str(staff)])
    assert result.exit_code == 1 and "staff[0].token: too short" in result.output
