"""Configured tokens: long, unique, and refusable with the field's path; ``carehub check`` says so in one line."""

from __future__ import annotations

import hashlib

import pytest
import yaml
from click.testing import CliRunner

from assistant.cli import main
from assistant.config import parse_config
from assistant.errors import ConfigError

LONG = "a-token-that-is-long-enough-for-the-hub-0001"


def _problems(raw: dict) -> list[str]:
    with pytest.raises(ConfigError) as refused:
        parse_config(raw)
    return refused.value.problems


def test_a_short_token_is_refused_with_its_path():
    raw = {"people": [{"id": "grandma", "name": "M"}],
           "caregivers": [{"id": "anna", "people": ["grandma"], "token": "x"}]}
    (problem,) = _problems(raw)
    assert problem.startswith("caregivers[0].token: too short (1 characters)")


def test_a_token_shared_by_two_holders_is_refused():
    raw = {"people": [{"id": "grandma", "name": "M", "token": LONG}],
           "caregivers": [{"id": "anna", "people": ["grandma"], "token": LONG}],
           "http": {"admins": [{"id": "me", "token": "sha256:" + hashlib.sha256(LONG.encode()).hexdigest()}]}}
    assert _problems(raw) == ["caregivers[0].token: the same token as people[0].token: every holder needs their own",
                              "http.admins[0].token: the same token as people[0].token: every holder needs their own"]


def test_a_hashed_token_is_accepted_and_a_malformed_one_is_not():
    config = parse_config({"http": {"admins": [{"id": "me", "token": "sha256:" + "ab" * 32}]}})
    assert config.http.admins[0].id == "me"
    (problem,) = _problems({"http": {"admins": [{"id": "me", "token": "sha256:beef"}]}})
    assert problem == "http.admins[0].token: a sha256: token must be followed by 64 hex digits"


def test_carehub_check_refuses_a_short_token_and_exits_2(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({"storage": {"database": str(tmp_path / "c.db")},
                                    "people": [{"id": "grandma", "name": "M", "token": "1234"}]}))
    result = CliRunner().invoke(main, ["--config", str(path), "check"])
    assert result.exit_code == 2
    assert [line for line in result.output.splitlines() if "token" in line] == [
        "  people[0].token: too short (4 characters): a token needs at least 32 (make one with 'carehub tokens new')"]


def test_tokens_new_and_show(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({"storage": {"database": str(tmp_path / "c.db")},
                                    "people": [{"id": "grandma", "name": "M"}],
                                    "devices": [{"id": "speaker", "kind": "speaker"}]}))
    made = CliRunner().invoke(main, ["tokens", "new"])
    token = made.output.splitlines()[0]
    assert len(token) >= 32 and hashlib.sha256(token.encode()).hexdigest() in made.output
    shown = CliRunner().invoke(main, ["--config", str(path), "tokens", "show", "device", "speaker"])
    assert shown.exit_code == 0 and len(shown.output.strip()) == 32
    missing = CliRunner().invoke(main, ["--config", str(path), "tokens", "show", "member", "nobody"])
    assert missing.exit_code == 2
