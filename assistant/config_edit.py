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
    return with_list_item(text, "devices", device, what="device")


def with_list_item(text: str, key: str, item: dict[str, Any], *, what: str) -> str:
    """``text`` with ``item`` as the last entry of the top-level block list ``key:`` (made if missing; an empty
    ``key: []`` becomes a block list), every other line and comment kept.

    Raises ValueError, naming ``what``, for a list this cannot extend safely (e.g. written in flow style).
    """
    entry = yaml.safe_dump(item, default_flow_style=True, sort_keys=False, allow_unicode=True,
                           width=math.inf).strip()
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(f"{key}:")), None)
    if start is None:
        return text.rstrip("\n") + f"\n\n{key}:\n  - {entry}\n"
    if re.match(rf"^{key}:\s*\[\s*\]\s*(#.*)?$", lines[start]):
        lines[start:start + 1] = [f"{key}:", f"  - {entry}"]
        return "\n".join(lines) + "\n"
    if not re.match(rf"^{key}:\s*(#.*)?$", lines[start]):
        raise ValueError(f"{key}: is not a block list; add the {what} to config.yaml by hand")
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
