"""The alerts' own threads: an alert's blocking steps never wait behind the rest of a process's blocking work.

A worker carrying thousands of homes hands every home's blocking work (skills' queries and stores, their files)
to the event loop's default threads, a handful shared by all. An SOS takes half a dozen such steps between the
press and the page (find an open alert to fold into, insert it, begin the step, send, record the delivery), and
queued behind the homes' other work each would wait its turn. Alerts' file work and pages going out therefore
have threads of their own: a few for the files (quick, local), more for sends (a caregiver's service may take
seconds to answer, and one slow channel must not hold up another home's page).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_FILES = ThreadPoolExecutor(max_workers=4, thread_name_prefix="carehub-alert-files")
_SENDS = ThreadPoolExecutor(max_workers=16, thread_name_prefix="carehub-alert-sends")


async def on_file(fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """``fn`` (an alert store's read or write) on the alerts' file threads."""
    return await asyncio.get_running_loop().run_in_executor(_FILES, functools.partial(fn, *args, **kwargs))


async def sending(fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """``fn`` (a page going out) on the alerts' sending threads."""
    return await asyncio.get_running_loop().run_in_executor(_SENDS, functools.partial(fn, *args, **kwargs))
