"""The shape of the code: who may import whom, one composition root, no module grown past a page or ten.

docs/architecture.md draws these rules; this keeps them true.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 500
ROOTS = {"assistant/app.py", "assistant/__main__.py", "assistant/cluster/partition.py"}
"""Composition roots: the one home's hub, the command line, and a partition composing its homes' hubs."""
"""The composition root: it alone (with the CLI) knows every concrete part."""


def _modules(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py") if "templates" not in p.parts)


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in it (functions and TYPE_CHECKING blocks included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _is_root(path: Path) -> bool:
    rel = _rel(path)
    return rel in ROOTS or rel.startswith("assistant/cli/")


@pytest.mark.parametrize("path", _modules("assistant", "skills", "devices", "firmware_stubs"), ids=_rel)
def test_no_module_is_longer_than_a_page_or_ten(path: Path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{_rel(path)} has {lines} lines: split it by job"


def test_only_the_root_imports_the_root():
    offenders = [_rel(p) for p in _modules("assistant") if not _is_root(p)
                 if any(name == "assistant.app" or name.startswith("assistant.app.") for name in _imports(p))]
    assert offenders == []


def test_the_core_knows_no_skill_and_no_device_adapter():
    """assistant/ is imported by skills and devices, never the other way round (the root wires them)."""
    offenders = {}
    for path in _modules("assistant"):
        if _is_root(path):
            continue
        wrong = sorted(n for n in _imports(path) if n.split(".")[0] in ("skills", "devices", "firmware_stubs"))
        if wrong:
            offenders[_rel(path)] = wrong
    assert offenders == {}


def test_skills_reach_the_hub_only_through_the_sdk():
    offenders = {}
    for path in _modules("skills"):
        if _rel(path).startswith("skills/sdk/"):
            continue
        wrong = sorted(n for n in _imports(path) if n.split(".")[0] in ("assistant", "devices"))
        if wrong:
            offenders[_rel(path)] = wrong
    assert offenders == {}


def test_devices_depend_on_the_core_only():
    offenders = {_rel(p): sorted(n for n in _imports(p) if n.split(".")[0] in ("skills", "firmware_stubs"))
                 for p in _modules("devices")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_shipped_config_is_the_built_in_default():
    """``carehub run`` without a config.yaml runs the same demo household as with the shipped one."""
    shipped = (ROOT / "config.yaml").read_text(encoding="utf-8")
    built_in = (ROOT / "assistant" / "default_config.yaml").read_text(encoding="utf-8")
    assert shipped == built_in
