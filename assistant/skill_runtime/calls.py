"""What the running handler call is: its cause (so everything it does links back) and whether it waits.

Both live in context variables, so a handler's tasks and the context's calls see them without
passing them around.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass

cause_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("carehub_cause", default=None)


def current_cause() -> str | None:
    """Id of the event the running handler is handling."""
    return cause_var.get()


@dataclass(eq=False)
class Running:
    """One handler call in progress; ``waiting`` while it waits on the clock or for someone's answer."""

    label: str
    """``<skill>.<handler>``."""
    subscription: str | None = None
    """The bus subscription it is handling an event of, if any."""
    waiting: int = 0


running_var: contextvars.ContextVar[Running | None] = contextvars.ContextVar("carehub_running", default=None)


@contextlib.contextmanager
def waiting() -> Iterator[None]:
    """Mark the running handler as waiting for time to pass or a person to speak (the test harness asks)."""
    running = running_var.get()
    if running is not None:
        running.waiting += 1
    try:
        yield
    finally:
        if running is not None:
            running.waiting -= 1


HANDLER_FAILED = object()
"""What a handler call returns when the handler raised (the failure is already logged)."""
