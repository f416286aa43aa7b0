"""docs/skills.md cannot rot: its `# file:` code blocks are written out and their tests run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "skills.md"
BLOCK = re.compile(r"```(?:python|yaml)\n# file: (?P<path>\S+)\n(?P<body>.*?)```", re.S)


def test_skills_guide_examples_run(tmp_path):
    blocks = list(BLOCK.finditer(DOC.read_text(encoding="utf-8")))
    assert len(blocks) >= 4, "the guide lost its examples"
    for block in blocks:
        target = tmp_path / block["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block["body"], encoding="utf-8")
    # The checkout's own carehub (not whichever one is installed), so the guide is checked against this code.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(DOC.parents[1])])}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "asyncio_mode=auto",
         "--rootdir", str(tmp_path), str(tmp_path / "tests")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout
