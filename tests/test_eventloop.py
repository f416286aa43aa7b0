"""The event loop a worker runs on: uvloop where installed, asyncio's own when asked or where it is not."""

from __future__ import annotations

import asyncio
import importlib.util

import pytest

from assistant import eventloop


async def _kind_and_a_round_trip() -> tuple[str, str]:
    loop = asyncio.get_running_loop()
    answered = loop.create_future()
    loop.call_later(0.01, answered.set_result, "answered")  # a timer
    value = await asyncio.wait_for(answered, 5)
    in_thread = await asyncio.to_thread(lambda: "from a thread")  # a thread handing a result back
    return eventloop.running_kind(), f"{value} {in_thread}"


def test_auto_takes_uvloop_where_it_is_installed_and_runs_timers_and_threads_on_it():
    assert eventloop.chosen("auto") == "uvloop"
    assert eventloop.run(_kind_and_a_round_trip(), "auto") == ("uvloop", "answered from a thread")


def test_asyncio_s_own_loop_is_there_when_asked_for():
    assert eventloop.run(_kind_and_a_round_trip(), "asyncio") == ("asyncio", "answered from a thread")


def test_without_uvloop_auto_falls_back_and_asking_for_it_says_why(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "uvloop" else real(name, *a))
    assert eventloop.chosen("auto") == "asyncio"
    with pytest.raises(eventloop.LoopUnavailable, match="uvloop is not installed"):
        eventloop.chosen("uvloop")
    with pytest.raises(ValueError, match="unknown event loop 'tokio'"):
        eventloop.chosen("tokio")
