"""Which event loop a long-running process runs on: asyncio's own, or uvloop (libuv, in C).

A worker carrying thousands of homes does much of its work in the event loop's own machinery (its timers' heap,
the selector, handing callbacks over); uvloop does that in C (a message cost a fifth less CPU at 3,000 homes).
``auto`` takes uvloop when it is installed (it is a dependency on Linux and macOS) and asyncio's loop otherwise.
"""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Coroutine
from typing import Any

KINDS: tuple[str, ...] = ("auto", "uvloop", "asyncio")


class LoopUnavailable(RuntimeError):
    """uvloop was asked for and cannot be imported here."""


def chosen(kind: str) -> str:
    """The loop ``kind`` comes to on this machine: ``uvloop`` or ``asyncio``."""
    if kind not in KINDS:
        raise ValueError(f"unknown event loop {kind!r}: one of {', '.join(KINDS)}")
    has_uvloop = importlib.util.find_spec("uvloop") is not None
    if kind == "uvloop" and not has_uvloop:
        raise LoopUnavailable("event loop 'uvloop' asked for, but uvloop is not installed here "
                              "(pip install uvloop; it does not run on Windows)")
    if kind == "asyncio" or not has_uvloop:
        return "asyncio"
    return "uvloop"


def run(main: Coroutine[Any, Any, Any], kind: str = "auto") -> Any:
    """Run ``main`` to completion on a new loop of ``kind`` (as ``asyncio.run`` does)."""
    if chosen(kind) == "uvloop":
        import uvloop

        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            return runner.run(main)
    return asyncio.run(main)


def running_kind() -> str:
    """The running loop's kind, as the worker's start line reports it."""
    loop = asyncio.get_running_loop()
    return "uvloop" if type(loop).__module__.startswith("uvloop") else "asyncio"
