"""docs/skills.md cannot rot: it shows what ``carehub skill new`` prints and writes, and its examples run.

The guide walks through ``carehub skill new water_reminder``: its console block must be the command's output,
every block captioned "`<path>`, as generated:" must be the file the scaffold wrote, and its ``# file:`` blocks,
written over the generated package, must pass their tests when run with the command the scaffold prints.
"""

from __future__ import annotations

import ast
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from assistant.cli import main
from assistant.scaffold import next_steps, scaffold, skill_names

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "skills.md"
NAME = "water_reminder"
FILE_BLOCK = re.compile(r"^```(?:python|yaml|toml)\n# file: (?P<path>\S+)\n(?P<body>.*?)^```$", re.S | re.M)
GENERATED_BLOCK = re.compile(r"^`(?P<path>[^`\n]+)`, as generated:\n\n```\w*\n(?P<body>.*?)^```$", re.S | re.M)
PRINTED_BLOCK = re.compile(r"^`carehub skill new (?P<name>\S+)`, as printed:\n\n```console\n\$ carehub skill new "
                           r"(?P=name)\n(?P<body>.*?)^```$", re.S | re.M)


def _doc() -> str:
    return DOC.read_text(encoding="utf-8")


def test_the_guide_shows_what_skill_new_prints(tmp_path, monkeypatch):
    (printed,) = PRINTED_BLOCK.finditer(_doc())
    assert printed["name"] == NAME
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["skill", "new", NAME])
    assert result.exit_code == 0, result.output
    assert printed["body"].splitlines() == result.output.splitlines(), \
        "docs/skills.md part 1 no longer shows what `carehub skill new water_reminder` prints"


def test_the_blocks_captioned_as_generated_are_the_generated_files(tmp_path):
    written = scaffold(NAME, tmp_path)
    package = tmp_path / skill_names(NAME).distribution
    generated = {p.relative_to(package).as_posix(): p.read_text(encoding="utf-8") for p in written}
    shown = {m["path"]: m["body"] for m in GENERATED_BLOCK.finditer(_doc())}
    assert shown, "the guide lost its generated files"
    assert set(shown) <= set(generated), f"shown as generated but not generated: {set(shown) - set(generated)}"
    for path, body in shown.items():
        assert body == generated[path], f"docs/skills.md shows {path} other than `carehub skill new` writes it"
    # Every file but the README (which repeats the page's own steps) is shown in full.
    assert set(generated) - set(shown) == {"README.md"}


def test_the_generated_readme_gives_the_printed_steps(tmp_path):
    scaffold(NAME, tmp_path)
    names = skill_names(NAME)
    readme = (tmp_path / names.distribution / "README.md").read_text(encoding="utf-8")
    for step in next_steps(names, tmp_path / names.distribution)[1:]:
        assert f"\n{step}\n" in readme


def test_the_walkthrough_grown_from_the_scaffold_passes_its_tests(tmp_path):
    """Generate, write the guide's files over the package, and run the test command the scaffold prints."""
    names = skill_names(NAME)
    scaffold(NAME, tmp_path)
    package = tmp_path / names.distribution
    blocks = list(FILE_BLOCK.finditer(_doc()))
    assert len(blocks) >= 6, "the guide lost its examples"
    replaced = {b["path"] for b in blocks} & {p.relative_to(package).as_posix() for p in package.rglob("*")}
    assert f"{names.package}/__init__.py" in replaced and "tests/test_skill.py" in replaced
    for block in blocks:
        target = package / block["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block["body"], encoding="utf-8")
    commands = [shlex.split(step, comments=True) for step in next_steps(names, package)]
    (argv,) = [c for c in commands if c[1:3] == ["-m", "pytest"]]
    assert argv[0] == "python"
    # The checkout's own carehub (not whichever one is installed), so the guide is checked against this code;
    # `python -m` puts the package folder on the path, as `pip install -e .` would.
    env = {k: v for k, v in os.environ.items() if k != "CAREHUB_CONFIG"}
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run([sys.executable, *argv[1:], "-p", "no:cacheprovider"], cwd=package, env=env,
                            capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout


def unused_settings(source: str) -> set[str]:
    """Fields of the pydantic settings models in ``source`` that the module never reads as ``settings.<field>``."""
    tree = ast.parse(source)
    declared = {stmt.target.id for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
                if any(isinstance(b, ast.Name) and b.id == "BaseModel" for b in node.bases)
                for stmt in node.body if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
                if stmt.target.id != "model_config"}
    read = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
            if isinstance(node.value, ast.Attribute) and node.value.attr == "settings"}
    return declared - read


def test_every_setting_the_guide_declares_is_used(tmp_path):
    sources = {m["path"]: m["body"] for m in FILE_BLOCK.finditer(_doc()) if m["path"].endswith(".py")}
    sources |= {m["path"] + " (as generated)": m["body"] for m in GENERATED_BLOCK.finditer(_doc())
                if m["path"].endswith(".py")}
    assert any("BaseModel" in source for source in sources.values())
    assert {path: unused_settings(source) for path, source in sources.items() if unused_settings(source)} == {}
