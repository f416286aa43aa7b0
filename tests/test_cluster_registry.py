"""An operator's homes in PostgreSQL (a real server started for the test): the registry's rows are the homes,
checked like files; a worker reading it (a real ``carehub worker`` on a real Mosquitto) starts, restarts and stops
homes as rows are added, changed and deleted, without a restart. Skipped, saying why, without PostgreSQL's
binaries (apt-get install postgresql; scripts/test installs it) or psycopg."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assistant.cli import main
from assistant.cluster.homes import partition_of
from tests.conftest import free_port
from tests.hubkit import publish
from tests.test_alerts import Receiver, receiver, until  # noqa: F401 - receiver is a fixture
from tests.test_cluster_partition import home_file, sos

psycopg = pytest.importorskip("psycopg", reason='psycopg is not installed (pip install "psycopg[binary]")')
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def postgres():
    """A PostgreSQL server of its own on a free port, in a scratch folder (run as ``postgres`` when the tests
    run as root, as initdb refuses root), with trust logins for the test user ``carehub``."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    bin_dir = Path(found[-1]).parent
    folder = Path(tempfile.mkdtemp(prefix="carehub-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", free_port()
    run = lambda *args: subprocess.run([*as_user, *args], check=True, capture_output=True)  # noqa: E731
    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-U", "carehub", "-A", "trust", "-E", "UTF8")
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-l", str(folder / "log"), "-o",
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        yield f"postgresql://carehub@127.0.0.1:{port}/postgres"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                           capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def cli(*args: str):
    return CliRunner().invoke(main, ["operator", *args])


def test_the_registry_s_rows_are_the_homes_checked_like_files(postgres, tmp_path):
    from assistant.cluster.pg_homes import PostgresHomes

    files = [home_file(tmp_path, home, Receiver()) for home in ("flat-a", "flat-b")]
    assert cli("registry", "init", "--homes", postgres).exit_code == 0
    assert cli("registry", "init", "--homes", postgres).exit_code == 0  # again: nothing changes
    put = cli("registry", "put", "--homes", postgres, *map(str, files))
    assert put.exit_code == 0, put.output
    bad = tmp_path / "flat-c.yaml"
    bad.write_text("home: {id: flat-c}\ndevices: [{id: w, kind: toaster}]\n", encoding="utf-8")
    refused = cli("registry", "put", "--homes", postgres, str(bad))
    assert refused.exit_code == 1 and "devices[0].kind: unknown kind" in refused.output

    homes = PostgresHomes(postgres)
    first = homes.scan()
    assert sorted(first.homes) == ["flat-a", "flat-b"] and first.problems == {}
    assert first.homes["flat-a"].config.people[0].name == "Grandma of flat-a"
    shown = cli("homes", "--homes", postgres, "--partitions", "8", "--json")
    assert [(h["home"], h["partition"]) for h in yaml.safe_load(shown.output)["homes"]] == [
        ("flat-a", partition_of("flat-a", 8)), ("flat-b", partition_of("flat-b", 8))]

    # Edited by the operator's own SQL: a good change is taken up (a new version), a bad one is named with every
    # problem while the home keeps its last good configuration.
    with psycopg.connect(postgres, autocommit=True) as conn:
        text = files[0].read_text(encoding="utf-8").replace("Grandma of flat-a", "Margaret")
        conn.execute("UPDATE carehub_homes SET config = %s WHERE id = 'flat-a'", [text])
        conn.execute("UPDATE carehub_homes SET config = 'home: {id: flat-b}\npeople: 7\n' WHERE id = 'flat-b'")
    second = homes.scan()
    assert second.homes["flat-a"].config.people[0].name == "Margaret"
    assert second.homes["flat-a"].stamp != first.homes["flat-a"].stamp
    assert second.homes["flat-b"] is first.homes["flat-b"] and "people" in second.problems["flat-b"][0]
    assert homes.scan().problems == second.problems and homes.rejected == 1  # named on every scan, counted once
    assert cli("registry", "delete", "--homes", postgres, "flat-b").exit_code == 0
    assert sorted(homes.scan().homes) == ["flat-a"]
    # Deleted and put back right: a new version (versions come from one sequence), so it is read afresh.
    assert cli("registry", "put", "--homes", postgres, str(files[1])).exit_code == 0
    again = homes.scan()
    assert sorted(again.homes) == ["flat-a", "flat-b"] and again.problems == {}
    homes.close()


async def test_a_worker_reading_the_registry_runs_its_homes_and_follows_its_rows(
        postgres, mosquitto_broker, tmp_path, receiver):  # noqa: F811
    folder = tmp_path / "files"
    folder.mkdir()
    files = {home: home_file(folder, home, receiver) for home in ("flat-a", "flat-b")}
    assert cli("registry", "init", "--homes", postgres).exit_code == 0
    assert cli("registry", "put", "--homes", postgres, str(files["flat-a"])).exit_code == 0
    config = tmp_path / "worker.yaml"
    config.write_text(yaml.safe_dump({"mqtt": {"broker": "external", "host": "127.0.0.1",
                                               "port": mosquitto_broker.port, "auth": False}}), encoding="utf-8")
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [sys.executable, "-m", "assistant", "--config", str(config), "worker", "--homes", postgres,
         "--data", str(tmp_path / "data"), "--partitions", "4", "--id", "w1", "--scan-every", "0.5"],
        cwd=ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        started = lambda home: f"home {home} started" in log.read_text(errors="replace")  # noqa: E731
        await until(lambda: started("flat-a"), timeout=60)
        await publish(mosquitto_broker.port, [sos("flat-a", "a-1")])
        await until(lambda: receiver.count("flat-a") == 1, timeout=30)

        # A row added while the worker runs is a new home; a deleted row stops it.
        assert cli("registry", "put", "--homes", postgres, str(files["flat-b"])).exit_code == 0
        await until(lambda: started("flat-b"), timeout=30)
        await publish(mosquitto_broker.port, [sos("flat-b", "b-1")])
        await until(lambda: receiver.count("flat-b") == 1, timeout=30)
        assert cli("registry", "delete", "--homes", postgres, "flat-b").exit_code == 0
        await until(lambda: "home flat-b stopped" in log.read_text(errors="replace"), timeout=30)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
    assert worker.returncode is not None


def test_an_unreachable_registry_is_named_and_changes_no_home():
    from assistant.cluster.pg_homes import PostgresHomes

    port = free_port()
    scan = PostgresHomes(f"postgresql://carehub:secret@127.0.0.1:{port}/postgres").scan()
    assert scan.homes == {} and list(scan.problems) == [f"127.0.0.1:{port}/postgres"]
    assert "the registry cannot be read" in next(iter(scan.problems.values()))[0]
    assert "secret" not in str(scan.problems)  # the password is never shown
