"""README.md's commands, read from the README itself, for tests/test_readme_tour.py.

The README is the front door: its shell blocks are what a new household types. This module finds them
(each ``sh`` fenced block with the prose line before it) and splits them into commands, without their
trailing ``# comments``, with continued lines joined, so a test can run them as written.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

FENCE = re.compile(r"^```(\w*)\s*$")


@dataclass(frozen=True)
class Block:
    """One fenced ``sh`` block: the section it is in, the prose just before it, its commands."""

    section: str
    lead: str
    commands: tuple[str, ...]


def strip_comment(line: str) -> str:
    """``line`` without a trailing shell comment (a ``#`` outside quotes that starts a word)."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip()
    return line.rstrip()


def commands(text: str) -> list[str]:
    """The commands of one block's text: comments dropped, ``\\``-continued lines joined."""
    out: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = strip_comment(raw) if not pending else raw.rstrip()
        if not line.strip():
            continue
        if line.endswith("\\"):
            pending += line[:-1].rstrip() + " "
            continue
        out.append((pending + line.strip()).strip())
        pending = ""
    return out


def blocks(readme: Path) -> list[Block]:
    """Every ``sh`` block of ``readme``, in order."""
    found: list[Block] = []
    section, lead, inside, language = "", "", False, ""
    body: list[str] = []
    for line in readme.read_text(encoding="utf-8").splitlines():
        fence = FENCE.match(line)
        if fence and not inside:
            inside, language, body = True, fence.group(1), []
            continue
        if fence and inside:
            inside = False
            if language == "sh":
                found.append(Block(section, lead, tuple(commands("\n".join(body)))))
            continue
        if inside:
            body.append(line)
        elif line.startswith("#"):
            section, lead = line.lstrip("# ").strip(), ""
        elif line.strip():
            lead = line.strip()
    return found


def program(command: str) -> str:
    """The program a command runs (after any ``NAME=`` assignments), e.g. ``carehub`` or ``curl``."""
    words = shlex.split(command.replace("$(", "").replace(")", ""))
    for word in words:
        if not re.match(r"^[A-Z_]+=", word):
            return word
    return ""
