#!/usr/bin/env bash
# Make (once) the real Home Assistant the integration tests talk to (tests/hakit.py): Home Assistant core from
# PyPI in its own virtual environment, with Python 3.13 (pyenv's 3.13, or python3.13 on PATH;
# CAREHUB_HA_PYTHON chooses another), in ~/.cache/carehub/home-assistant-<version> (CAREHUB_HA_VENV another).
# It installs the requirements of the few integrations the tests start (MQTT, the frontend, ...) up front, so
# Home Assistant never installs anything at run time. A folder that is already complete is reused as it is.
# Without Python 3.13 it says so and exits 0: the Home Assistant tests then skip, naming why.
set -euo pipefail
HA_VERSION=2025.4.4
VENV="${CAREHUB_HA_VENV:-$HOME/.cache/carehub/home-assistant-$HA_VERSION}"
say() { printf '\033[1mcarehub:\033[0m %s\n' "$*"; }

if [ -f "$VENV/.complete" ]; then
    exit 0
fi
PYTHON="${CAREHUB_HA_PYTHON:-}"
if [ -z "$PYTHON" ]; then
    for candidate in "$HOME"/.pyenv/versions/3.13*/bin/python3.13 "$(command -v python3.13 || true)"; do
        if [ -n "$candidate" ] && [ -x "$candidate" ]; then PYTHON="$candidate"; break; fi
    done
fi
if [ -z "$PYTHON" ] || ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null; then
    say "no Python 3.13 (pyenv's, python3.13, or CAREHUB_HA_PYTHON): the Home Assistant tests will be skipped"
    exit 0
fi
say "installing Home Assistant $HA_VERSION in $VENV (once; with $("$PYTHON" --version 2>&1))"
started=$(date +%s)
rm -rf "$VENV"
mkdir -p "$(dirname "$VENV")"
"$PYTHON" -m venv "$VENV"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
"$VENV/bin/python" -m pip install -q "homeassistant==$HA_VERSION"
# The requirements of the integrations a fresh configuration starts (tests/hakit.py) that need a package:
# Home Assistant sets up the frontend (and backup, hardware) however small its configuration.yaml, and goes into
# recovery mode without it. Read from their manifests, so they match this release.
requirements=$("$VENV/bin/python" - <<'PY'
import json
from pathlib import Path

import homeassistant.components as components

INTEGRATIONS = ("mqtt", "frontend", "backup", "hardware")
root = Path(components.__path__[0])
wanted = set()
for name in INTEGRATIONS:
    manifest = root / name / "manifest.json"
    if manifest.is_file():
        wanted.update(json.loads(manifest.read_text()).get("requirements", []))
print("\n".join(sorted(wanted)))
PY
)
# shellcheck disable=SC2086
"$VENV/bin/python" -m pip install -q $requirements
touch "$VENV/.complete"
say "Home Assistant $HA_VERSION ready in $VENV: $(( $(date +%s) - started )) s, $(du -sh "$VENV" | cut -f1)"
