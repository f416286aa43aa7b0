"""``carehub caregivers``: adding a caregiver to config.yaml with a one-time sign-in link for the app, and the
warnings ``carehub check`` gives about people whose alerts would reach nobody."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import yaml
from click.testing import CliRunner

from assistant.app_web.store import AppStore, SignInRefused, secret_hash
from assistant.cli import main
from assistant.cli.caregivers import caregiver_id, with_caregiver

SHIPPED = Path(__file__).resolve().parent.parent / "config.yaml"


def _config(tmp_path: Path, text: str | None = None) -> Path:
    path = tmp_path / "config.yaml"
    text = text if text is not None else SHIPPED.read_text(encoding="utf-8")
    path.write_text(text.replace("data/carehub.db", str(tmp_path / "carehub.db")), encoding="utf-8")
    return path


def _run(config: Path, *args: str):
    return CliRunner().invoke(main, ["--config", str(config), "caregivers", *args])


def test_add_writes_the_caregiver_and_prints_a_one_time_link_kept_only_as_a_hash(tmp_path):
    config = _config(tmp_path)
    before = config.read_text(encoding="utf-8")
    result = _run(config, "add", "Li Wei", "--for", "grandma", "--lang", "zh-CN")
    assert result.exit_code == 0, result.output
    assert "added caregiver li-wei (Li Wei) for grandma" in result.output
    link = re.search(r"http://127\.0\.0\.1:8765/app/sign-in/(\S+)", result.output)
    assert link, result.output
    after = config.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n"))  # every line and comment kept, the caregiver added at the end
    added = yaml.safe_load(after)["caregivers"][-1]
    assert added == {"id": "li-wei", "name": "Li Wei", "language": "zh-CN", "people": ["grandma"], "tier": 1}
    code = link.group(1)
    with sqlite3.connect(tmp_path / "carehub.db") as db:
        assert db.execute("SELECT holder FROM app_sign_in_links WHERE code_hash = ?", [secret_hash(code)]).fetchall() \
            == [("li-wei",)]
    assert code.encode() not in (tmp_path / "carehub.db").read_bytes()
    store = AppStore(tmp_path / "carehub.db")
    try:
        assert store.use_link(code, datetime.now(timezone.utc)) == ("caregiver", "li-wei")
        try:
            store.use_link(code, datetime.now(timezone.utc))
            raise AssertionError("a sign-in link worked twice")
        except SignInRefused as refused:
            assert "used already" in str(refused)
    finally:
        store.close()


def test_add_refuses_an_unknown_person_a_taken_id_and_an_unknown_language(tmp_path):
    config = _config(tmp_path)
    before = config.read_text(encoding="utf-8")
    result = _run(config, "add", "Sam", "--for", "grandpa")
    assert result.exit_code == 2 and "--for: no person with id 'grandpa'" in result.output
    result = _run(config, "add", "Anna", "--for", "grandma", "--id", "anna")
    assert result.exit_code == 2 and "a caregiver 'anna' is in" in result.output
    result = _run(config, "add", "Sam", "--for", "grandma", "--lang", "fr")
    assert result.exit_code == 2 and "--lang: en or zh-CN" in result.output
    assert config.read_text(encoding="utf-8") == before


def test_link_and_check_speak_of_the_demo_caregiver(tmp_path):
    config = _config(tmp_path)
    result = _run(config, "link", "anna")
    assert result.exit_code == 0 and "/app/sign-in/" in result.output
    check = CliRunner().invoke(main, ["--config", str(config), "check"])
    assert check.exit_code == 0
    assert "warning: people[0] grandma: no caregiver of Margaret (anna) has a working channel" in check.output
    assert _run(config, "link", "nobody").exit_code == 2


def test_a_caregiver_goes_into_any_shape_of_list():
    entry = {"id": "sam", "people": ["grandma"]}
    assert with_caregiver("home: {id: x}\n", entry) == "home: {id: x}\n\ncaregivers:\n  - {id: sam, people: [grandma]}\n"
    assert with_caregiver("caregivers: []  \nalerts: {}\n", entry) == \
        "caregivers:\n  - {id: sam, people: [grandma]}\nalerts: {}\n"
    block = "caregivers:\n    - id: anna\n      people: [grandma]\n\n# next\nalerts: {}\n"
    assert yaml.safe_load(with_caregiver(block, entry))["caregivers"] == [{"id": "anna", "people": ["grandma"]}, entry]
    assert caregiver_id("Zoë O'Neil", set()) == "zoe-o-neil"
    assert caregiver_id("王芳", {"caregiver"}) == "caregiver-2"


def test_a_household_member_gets_a_one_time_link_to_their_own_page(tmp_path):
    config = _config(tmp_path)
    result = CliRunner().invoke(main, ["--config", str(config), "members", "link", "grandma"])
    assert result.exit_code == 0, result.output
    code = re.search(r"/app/sign-in/(\S+)", result.output).group(1)
    store = AppStore(tmp_path / "carehub.db")
    try:
        assert store.use_link(code, datetime.now(timezone.utc)) == ("member", "grandma")
    finally:
        store.close()
    result = CliRunner().invoke(main, ["--config", str(config), "members", "link", "grandpa"])
    assert result.exit_code == 2 and "no person with id 'grandpa'" in result.output
    result = CliRunner().invoke(main, ["--config", str(config), "members", "sign-out", "grandma"])
    assert result.exit_code == 0 and "ended 0 session(s) of grandma" in result.output
