"""config: every bad field reported at once with its path; where the file comes from; `carehub check`."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.config import ENV_VAR, load_config, parse_config
from assistant.errors import CarehubError, ConfigError

REPO = Path(__file__).resolve().parent.parent

GOOD = """\
home: {id: flat1, name: Flat 1, timezone: Europe/London}
storage: {database: data/log.db}
people:
  - {id: grandma, name: Margaret, role: elder}
devices:
  - {id: grandma-watch, kind: wearable, person: grandma, heartbeat: 60}
  - {id: kitchen-motion, kind: motion, room: kitchen}
"""

# One file, seven different mistakes: a user should learn about all of them from one run.
BAD = """\
home:
  id: Flat 1!
  timezone: Mars/Olympus_Mons
mqtt:
  port: eighteen
people:
  - {id: grandma, name: Margaret}
devices:
  - {id: grandma-watch, kind: wearable, person: grandma}
  - {id: thermo, kind: thermometr}
  - {id: grandma-watch, kind: motion, colour: red}
  - {id: front-door, kind: contact, person: grandpa}
"""

BAD_PROBLEMS = [
    "home.id: 'Flat 1!' is not a valid id (lower-case letters, digits, '-' and '_', at most 64)",
    "home.timezone: unknown time zone 'Mars/Olympus_Mons'",
    "mqtt.port: Input should be a valid integer, unable to parse string as an integer",
    "devices[1].kind: unknown kind 'thermometr' (known: wearable, motion, contact, occupancy, light, "
    "switch, climate, button, pillbox, speaker, phone, fan, cover, lock)",
    "devices[2].colour: unknown field",
    "devices[2].id: duplicate id 'grandma-watch'",
    "devices[3].person: no person with id 'grandpa'",
]


@pytest.fixture(autouse=True)
def _no_config_from_environment(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)


def _write(tmp_path: Path, text: str | bytes, name: str = "config.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.source == str(path)
    return caught.value.problems


# -- validation ------------------------------------------------------------------------------


def test_every_bad_field_is_reported_at_once_with_its_path(tmp_path):
    path = _write(tmp_path, BAD)
    assert sorted(_problems(path)) == sorted(BAD_PROBLEMS)


def test_config_error_message_lists_every_problem(tmp_path):
    path = _write(tmp_path, BAD)
    with pytest.raises(CarehubError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {len(BAD_PROBLEMS)} problem(s)")
    for problem in BAD_PROBLEMS:
        assert f"  {problem}" in message.splitlines()


def test_device_entry_problems_use_the_list_index(tmp_path):
    path = _write(tmp_path, "devices:\n  - {id: a, kind: motion}\n  - {id: b, kind: motion}\n"
                            "  - {id: c, kind: motion}\n  - {id: d, kind: thermometr}\n")
    assert _problems(path) == [
        "devices[3].kind: unknown kind 'thermometr' (known: wearable, motion, contact, occupancy, light, "
        "switch, climate, button, pillbox, speaker, phone, fan, cover, lock)"
    ]


@pytest.mark.parametrize(("raw", "problem"), [
    ({"devices": [{"id": "x", "kind": "motion", "heartbeat": 1}]},
     "devices[0].heartbeat: Input should be greater than or equal to 5"),
    ({"mqtt": {"port": 70000}}, "mqtt.port: Input should be less than or equal to 65535"),
    ({"mqtt": {"broker": "cloud"}}, "mqtt.broker: Input should be 'embedded' or 'external'"),
    ({"devices": [{"kind": "motion"}]}, "devices[0].id: Field required"),
    ({"devices": "lamp"}, "devices: Input should be a valid list"),
    ({"people": [{"id": "a", "name": "A"}, {"id": "a", "name": "B"}]}, "people[1].id: duplicate id 'a'"),
    ({"devices": [{"id": "hub", "kind": "motion"}]}, "devices[0].id: 'hub' is reserved for the hub's own topics"),
    ({"devices": [{"id": "a", "kind": "motion", "zigbee2mqtt": "Hall"},
                  {"id": "b", "kind": "motion", "zigbee2mqtt": "Hall"}]},
     "devices[1].zigbee2mqtt: 'Hall' is used by another device"),
    ({"surprise": 1}, "surprise: unknown field"),
])
def test_single_problems(raw, problem):
    with pytest.raises(ConfigError) as caught:
        parse_config(raw, "test")
    assert caught.value.problems == [problem]


def test_invalid_yaml_reports_line_and_column(tmp_path):
    path = _write(tmp_path, "home:\n  id: flat1\n  name: [unclosed\nmqtt: {}\n")
    [problem] = _problems(path)
    assert problem.startswith("line 4, column 5: not valid YAML"), problem


def test_top_level_must_be_a_mapping(tmp_path):
    path = _write(tmp_path, "- home\n- devices\n")
    assert _problems(path) == ["(top level): must be a mapping of sections"]


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.yaml"
    assert _problems(path) == ["cannot read file: No such file or directory"]


def test_file_that_is_not_utf8_is_a_config_error(tmp_path):
    path = _write(tmp_path, b"home:\n  name: Zo\xeb's flat\n")
    [problem] = _problems(path)
    assert "UTF-8" in problem or "utf-8" in problem


def test_internal_base_dir_field_is_not_a_config_key(tmp_path):
    path = _write(tmp_path, "base_dir: /etc\n")
    assert _problems(path) == ["base_dir: unknown field"]


def test_empty_file_gives_defaults(tmp_path):
    config = load_config(_write(tmp_path, ""))
    assert config.home.id == "home" and config.devices == [] and config.mqtt.port == 1883


# -- where the file comes from -----------------------------------------------------------------


def test_good_file_loads(tmp_path):
    config = load_config(_write(tmp_path, GOOD))
    assert config.home.id == "flat1"
    assert config.device("grandma-watch").person == "grandma"
    assert config.device("kitchen-motion").display_name == "kitchen motion"
    assert config.person("grandma").role == "elder"
    assert config.device("toaster") is None


def test_environment_variable_selects_the_file(tmp_path, monkeypatch):
    chosen = _write(tmp_path, GOOD, "chosen.yaml")
    workdir = tmp_path / "work"
    workdir.mkdir()
    _write(workdir, "home: {id: wrong-one}\n")
    monkeypatch.chdir(workdir)
    monkeypatch.setenv(ENV_VAR, str(chosen))
    assert load_config().home.id == "flat1"


def test_explicit_path_wins_over_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(_write(tmp_path, "home: {id: from-env}\n", "env.yaml")))
    assert load_config(_write(tmp_path, GOOD, "explicit.yaml")).home.id == "flat1"


def test_config_yaml_in_current_folder_is_used(tmp_path, monkeypatch):
    _write(tmp_path, "home: {id: local}\n")
    monkeypatch.chdir(tmp_path)
    assert load_config().home.id == "local"


def test_built_in_defaults_without_any_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config()
    assert config.home.id == "home"
    assert config.device("grandma-watch").kind == "wearable"
    assert config.database_path == tmp_path / "data" / "carehub.db"


def test_relative_database_path_is_taken_from_the_config_folder(tmp_path, monkeypatch):
    folder = tmp_path / "etc" / "carehub"
    folder.mkdir(parents=True)
    path = _write(folder, GOOD)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert load_config(path).database_path == folder / "data" / "log.db"


def test_absolute_database_path_is_kept(tmp_path):
    target = tmp_path / "somewhere" / "x.db"
    path = _write(tmp_path, f"storage: {{database: '{target}'}}\n")
    assert load_config(path).database_path == target


def test_repository_config_is_valid():
    config = load_config(REPO / "config.yaml")
    assert config.home.id == "home"
    assert config.devices and all(d.person is None or config.person(d.person) for d in config.devices)


# -- carehub check ----------------------------------------------------------------------------


def _check(path: Path):
    return CliRunner().invoke(main, ["--config", str(path), "check"])


def test_cli_check_lists_every_problem_and_exits_2(tmp_path):
    path = _write(tmp_path, BAD)
    result = _check(path)
    assert result.exit_code == 2
    # rich wraps long lines at the console width; compare with whitespace normalised.
    output = " ".join(result.stderr.split())
    assert f"invalid configuration {path}:" in output
    for problem in BAD_PROBLEMS:
        assert " ".join(problem.split()) in output, problem


def test_cli_check_prints_each_problem_on_one_line(tmp_path):
    kind = "x" * 150
    path = _write(tmp_path, f"devices:\n  - {{id: a, kind: {kind}}}\n")
    result = _check(path)
    assert result.exit_code == 2
    assert any(line.strip().startswith(f"devices[0].kind: unknown kind '{kind}'")
               and line.rstrip().endswith("fan, cover, lock)") for line in result.stderr.splitlines())


def test_cli_check_reports_unreadable_yaml(tmp_path):
    result = _check(_write(tmp_path, "home: [\n"))
    assert result.exit_code == 2
    assert "not valid YAML" in result.stderr


def test_cli_check_accepts_a_good_file(tmp_path):
    result = _check(_write(tmp_path, GOOD))
    assert result.exit_code == 0, result.output
    output = " ".join(result.stdout.split())
    assert "configuration OK: home 'flat1', 1 people, 2 devices" in output


def test_cli_check_uses_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(_write(tmp_path, BAD)))
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 2
    assert "devices[2].colour: unknown field" in result.stderr


def test_a_wearable_says_where_it_is_worn_and_nothing_else_may():
    config = parse_config({"devices": [{"id": "belt", "kind": "wearable", "placement": "waist"},
                                       {"id": "watch", "kind": "wearable"}]}, "test")
    assert [d.placement for d in config.devices] == ["waist", None]
    with pytest.raises(ConfigError) as bad:
        parse_config({"devices": [{"id": "door", "kind": "contact", "placement": "wrist"},
                                  {"id": "watch", "kind": "wearable", "placement": "ankle"}]}, "test")
    problems = "\n".join(bad.value.problems)
    assert "devices[0]: placement: only a wearable is worn somewhere, not a contact" in problems
    assert "devices[1].placement" in problems
