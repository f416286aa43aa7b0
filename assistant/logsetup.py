"""Logging set-up for the command line: one line per record, %-style, to stderr, that nobody can forge."""

from __future__ import annotations

import logging
import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")


def escape_controls(text: str) -> str:
    """Newlines and other control characters as visible escapes (``\\n``, ``\\x1b``): one record, one line."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class OneLine(logging.Filter):
    """Escapes control characters in a record's message, so a topic, device id or payload excerpt with a
    newline in it cannot forge a line of the hub's log (tracebacks keep their own lines)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _CONTROL.search(message):
            record.msg, record.args = escape_controls(message), None
        return True


def configure_logging(level: str = "INFO") -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
    )
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, OneLine) for f in handler.filters):
            handler.addFilter(OneLine())
    # amqtt logs every packet and connection at INFO; the hub's own lines are what a user needs.
    for noisy in ("amqtt", "transitions", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
