"""``carehub skill new``: the generated package is complete, installs, passes its own tests and is listed."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assistant.cli import main
from assistant.scaffold import InvalidSkillName, PackageExists, scaffold, skill_names

ROOT = Path(__file__).resolve().parents[1]
GENERATED = {
    "pyproject.toml",
    "README.md",
    "carehub_skill_hello_world/__init__.py",
    "carehub_skill_hello_world/sentences/en.yaml",
    "carehub_skill_hello_world/sentences/zh-CN.yaml",
    "tests/test_skill.py",
    "tests/test_sentences_en.py",
    "tests/test_sentences_zh_CN.py",
}


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_skill_new_writes_the_package_and_refuses_to_overwrite_it(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["skill", "new", "hello_world", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    package = tmp_path / "carehub-skill-hello-world"
    assert _files(package) == GENERATED

    pyproject = tomllib.loads((package / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["name"] == "carehub-skill-hello-world"
    assert pyproject["project"]["dependencies"] == ["carehub"]
    assert pyproject["project"]["entry-points"]["carehub.skills"] == {
        "hello_world": "carehub_skill_hello_world:HelloWorld"}
    assert pyproject["tool"]["setuptools"]["package-data"]["carehub_skill_hello_world"] == ["sentences/*.yaml"]
    assert pyproject["tool"]["pytest"]["ini_options"]["asyncio_mode"] == "auto"
    for language in ("en", "zh-CN"):
        sentences = yaml.safe_load((package / f"carehub_skill_hello_world/sentences/{language}.yaml").read_text(
            encoding="utf-8"))
        assert sentences["language"] == language
        assert list(sentences["intents"]) == ["HelloWorldGreet"]
    for source in package.rglob("*.py"):
        compile(source.read_text(encoding="utf-8"), str(source), "exec")

    (package / "README.md").write_text("mine", encoding="utf-8")
    again = runner.invoke(main, ["skill", "new", "hello_world", "--dir", str(tmp_path)])
    assert again.exit_code == 1
    assert f"{package} already exists" in again.output and "--force" in again.output
    assert (package / "README.md").read_text(encoding="utf-8") == "mine"

    forced = runner.invoke(main, ["skill", "new", "hello_world", "--dir", str(tmp_path), "--force"])
    assert forced.exit_code == 0, forced.output
    assert (package / "README.md").read_text(encoding="utf-8").startswith("# carehub-skill-hello-world")


@pytest.mark.parametrize("name", ["Hello", "1st", "hello world", "hello__world", "hello_", "_x", "héllo", ""])
def test_bad_names_are_refused_with_the_rule(tmp_path, name):
    result = CliRunner().invoke(main, ["skill", "new", name, "--dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "not a valid skill name" in result.output and "lower-case letters" in result.output
    assert list(tmp_path.iterdir()) == []


def test_names_follow_from_the_skill_name():
    names = skill_names("water-reminder")
    assert (names.skill_id, names.distribution, names.package, names.class_name, names.intent) == (
        "water_reminder", "carehub-skill-water-reminder", "carehub_skill_water_reminder", "WaterReminder",
        "WaterReminderGreet")


def test_names_that_would_claim_home_assistant_intents_are_refused(tmp_path):
    with pytest.raises(InvalidSkillName, match="Home Assistant"):
        scaffold("hass_helper", tmp_path)


def test_scaffold_refuses_an_existing_folder_unless_forced(tmp_path):
    written = scaffold("pill_count", tmp_path)
    assert len(written) == len(GENERATED)
    with pytest.raises(PackageExists) as refused:
        scaffold("pill_count", tmp_path)
    assert refused.value.path == tmp_path / "carehub-skill-pill-count"
    assert scaffold("pill_count", tmp_path, force=True) == written


def _printed_steps(output: str) -> list[list[str]]:
    """The commands under ``next:`` in ``carehub skill new``'s output, as argument lists (comments dropped)."""
    _, steps = output.split("next:\n", 1)
    return [shlex.split(line, comments=True) for line in steps.splitlines()]


def test_the_printed_next_steps_install_pytest_and_run_the_generated_tests(tmp_path):
    result = CliRunner().invoke(main, ["skill", "new", "pill_count", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    package = tmp_path / "carehub-skill-pill-count"
    cd, install, test, listing = _printed_steps(result.output)
    assert cd == ["cd", str(package)]
    # carehub does not depend on pytest: the install step brings it with the package's test extra.
    carehub = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert not any(re.match(r"pytest\b", r) for r in carehub["project"]["dependencies"])
    assert install == ["python", "-m", "pip", "install", "-e", ".[test]"]
    extra = tomllib.loads((package / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"]["test"]
    assert {re.split(r"[<>=!~\[ ]", r)[0] for r in extra} >= {"pytest", "pytest-asyncio"}
    assert listing == ["carehub", "skills"]

    # The test step, as printed, with this interpreter for "python" and this checkout's carehub on the path
    # (what the editable install does for the package itself, `python -m` does from its folder).
    assert test[:3] == ["python", "-m", "pytest"]
    env = {k: v for k, v in os.environ.items() if k != "CAREHUB_CONFIG"}
    env["PYTHONPATH"] = str(ROOT)
    tested = subprocess.run([sys.executable, *test[1:], "-p", "no:cacheprovider"], cwd=package, env=env,
                            capture_output=True, text=True, timeout=240)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert re.search(r"\b\d+ passed", tested.stdout) and "failed" not in tested.stdout


def _run(args: list[str], cwd: Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CAREHUB_CONFIG"}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.mark.slow
def test_generated_package_installs_passes_its_tests_and_is_listed(tmp_path):
    # An unusual name, so a developer's own carehub-skill-hello-world is never uninstalled by this test.
    names = skill_names("scaffold_smoke")
    scaffold(names.name, tmp_path)
    package = tmp_path / names.distribution
    pip = [sys.executable, "-m", "pip"]
    assert _run(pip + ["show", names.distribution], tmp_path).returncode != 0, \
        f"{names.distribution} is installed already; uninstall it first"
    try:
        # No build isolation, so no network: setuptools and wheel come from this environment.
        installed = _run(pip + ["install", "--no-deps", "--no-build-isolation", "-e", str(package)], tmp_path)
        assert installed.returncode == 0, (
            "pip install -e failed (setuptools < 70.1 needs the 'wheel' package for editable installs):\n"
            + installed.stdout + installed.stderr)

        tested = _run([sys.executable, "-m", "pytest", "-q"], package)
        assert tested.returncode == 0, tested.stdout + tested.stderr
        assert " passed" in tested.stdout

        # cwd=tmp_path has no config.yaml, so the built-in defaults are used.
        carehub = Path(sys.executable).with_name("carehub")
        cli = [str(carehub)] if carehub.exists() else [sys.executable, "-m", "assistant"]
        listed = _run(cli + ["skills", "--json"], tmp_path, timeout=120)
        assert listed.returncode == 0, listed.stdout + listed.stderr
        skills = {entry["id"]: entry for entry in json.loads(listed.stdout)["skills"]}
        assert skills[names.skill_id]["intents"] == [names.intent]
        assert skills[names.skill_id]["origin"] == f"entry point {names.package}:{names.class_name}"
    finally:
        _run(pip + ["uninstall", "-y", names.distribution], tmp_path)
    assert _run(pip + ["show", names.distribution], tmp_path).returncode != 0
