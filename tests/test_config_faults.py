"""A configuration the hub cannot work with is refused by ``check`` and ``run`` alike: one line naming the
field, exit code 2, before anything starts (no hang, no traceback, no hub quietly missing a skill)."""

from __future__ import annotations

import os

import pytest
import yaml
from click.testing import CliRunner

from assistant.cli import main

GOOD = {
    "home": {"id": "flat1", "timezone": "Europe/London"},
    "http": {"enabled": False},
    "people": [{"id": "grandma", "name": "Margaret", "role": "elder"}],
    "skills": {},
}


def _write(tmp_path, raw: dict | str) -> str:
    path = tmp_path / "config.yaml"
    path.write_text(raw if isinstance(raw, str) else yaml.safe_dump(raw))
    return str(path)


def _both(path: str) -> list:
    runner = CliRunner()
    return [runner.invoke(main, ["--config", path, command]) for command in ("check", "run")]


def _with_database(tmp_path, database: str) -> dict:
    return {**GOOD, "storage": {"database": database}}


def test_a_key_given_twice_is_refused_with_its_path(tmp_path):
    path = _write(tmp_path, "home:\n  id: flat1\n  name: Flat\n  id: flat2\nmqtt:\n  port: 1883\n  port: 1884\n")
    for result in _both(path):
        assert result.exit_code == 2, result.output
        assert "home.id: given twice (lines 2 and 4)" in result.stderr
        assert "mqtt.port: given twice (lines 6 and 7)" in result.stderr


def test_a_database_folder_that_cannot_be_created_is_refused(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    path = _write(tmp_path, _with_database(tmp_path, str(tmp_path / "a-file" / "data" / "carehub.db")))
    for result in _both(path):
        assert result.exit_code == 2, result.output
        assert "storage.database: cannot create folder" in result.stderr
        assert "Traceback" not in result.output


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    (tmp_path / "carehub.db").write_text("my shopping list\n")
    path = _write(tmp_path, _with_database(tmp_path, str(tmp_path / "carehub.db")))
    for result in _both(path):
        assert result.exit_code == 2
        assert "storage.database:" in result.stderr and "not an SQLite database" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write a read-only file")
def test_a_read_only_database_is_refused(tmp_path):
    db = tmp_path / "carehub.db"
    db.write_bytes(b"SQLite format 3\x00" + bytes(84))
    db.chmod(0o444)
    path = _write(tmp_path, _with_database(tmp_path, str(db)))
    for result in _both(path):
        assert result.exit_code == 2
        assert "storage.database:" in result.stderr and "read-only" in result.stderr


def test_an_invalid_rrule_keeps_the_hub_from_starting_without_the_skill(tmp_path):
    raw = _with_database(tmp_path, str(tmp_path / "carehub.db"))
    raw["skills"] = {"medication": {"doses": [{"name": "Aspirin", "person": "grandma", "rrule": "FREQ=SOMETIMES"}]}}
    for result in _both(_write(tmp_path, raw)):
        assert result.exit_code == 2, result.output
        assert "medication" in result.stderr and "invalid rrule" in result.stderr
    assert not (tmp_path / "carehub.db").exists()  # run refused before starting anything
