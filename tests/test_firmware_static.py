"""Device firmware stays MicroPython-ready: it imports nothing but ``json`` (and its shared base)."""

import ast
import random
from datetime import datetime, timezone
from pathlib import Path

import pytest

from firmware_stubs.device import iso_utc

FIRMWARE_DIR = Path(__file__).resolve().parent.parent / "firmware_stubs"
DEVICE_MODULES = ["device", "wearable", "motion_sensor", "door_contact", "smart_plug", "panic_button", "sensors", "phone_bridge",
                  "door_lock"]
SHARED_BASE = "device"


def imports_of(path: Path) -> list[str]:
    """Every import in the module (including ones inside try/except or functions), as written."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append("." * node.level + (node.module or ""))
    return found


@pytest.mark.parametrize("module", DEVICE_MODULES)
def test_device_module_imports_only_json(module):
    allowed = {"json"} if module == SHARED_BASE else {"json", "." + SHARED_BASE}
    assert set(imports_of(FIRMWARE_DIR / f"{module}.py")) <= allowed


@pytest.mark.parametrize("module", DEVICE_MODULES)
def test_device_module_avoids_cpython_only_constructs(module):
    tree = ast.parse((FIRMWARE_DIR / f"{module}.py").read_text())
    for node in ast.walk(tree):
        assert not isinstance(node, (ast.AsyncFunctionDef, ast.Await, ast.AnnAssign)), ast.dump(node)[:80]
        if isinstance(node, ast.FunctionDef):
            assert not node.decorator_list, f"{module}.{node.name}: decorators"
            assert node.returns is None and all(a.annotation is None for a in node.args.args)


def test_iso_utc_matches_datetime():
    rng = random.Random(7)
    samples = [0, 86399.5, 951782400, 1709164800.25, 4102444799.999] + [rng.uniform(0, 4e9) for _ in range(2000)]
    for now in samples:
        expected = datetime.fromtimestamp(int(now // 1), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
        assert iso_utc(now).startswith(expected)
        assert iso_utc(now).endswith("Z")
        parsed = datetime.fromisoformat(iso_utc(now))
        assert abs(parsed.timestamp() - now) < 0.001
