"""Adding a device to config.yaml as one more line, leaving every other line (and comment) as it was."""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

_ITEM = re.compile(r"^(\s*)- ")


def with_device(text: str, device: dict[str, Any]) -> str:
    """``text`` with ``device`` as the last entry of its block-style ``devices:`` list (made if missing).

    Raises ValueError when the list is not one this can extend safely (e.g. written in flow style).
    """
    entry = yaml.safe_dump(device, default_flow_style=True, sort_keys=False, allow_unicode=True,
                           width=math.inf).strip()
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if re.match(r"^devices:\s*(#.*)?$", line)), None)
    if start is None:
        if any(line.startswith("devices:") for line in lines):
            raise ValueError("devices: is not a block list; add the device to config.yaml by hand")
        return text.rstrip("\n") + f"\n\ndevices:\n  - {entry}\n"
    last, indent = start, "  "
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith((" ", "-")):
            break
        last = i
    first_item = next((_ITEM.match(line) for line in lines[start + 1:last + 1] if _ITEM.match(line)), None)
    if first_item is not None:
        indent = first_item.group(1)
    lines.insert(last + 1, f"{indent}- {entry}")
    return "\n".join(lines) + "\n"
