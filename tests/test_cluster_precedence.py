"""A worker's hold on its main sessions' reading while an urgent event is paged: how long, and how often."""

from __future__ import annotations

import asyncio

from assistant.cluster.urgent import Precedence


class Reading:
    """What a partition's main session is asked: ``hold`` and ``release`` (``MqttLink``'s), remembered in order."""

    def __init__(self) -> None:
        self.said: list[str] = []
        self.at: list[float] = []

    def hold(self) -> None:
        self.said.append("hold")
        self.at.append(asyncio.get_running_loop().time())

    def release(self) -> None:
        self.said.append("release")
        self.at.append(asyncio.get_running_loop().time())


async def _until(condition, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.005)


async def test_each_partition_is_held_once_until_every_open_event_is_paged():
    precedence = Precedence(hold_at_most=30)
    links = [Reading(), Reading()]
    precedence.links += links  # type: ignore[arg-type]
    precedence.urgent()
    precedence.urgent()  # a second SOS while the first is on its way
    assert [link.said for link in links] == [["hold"], ["hold"]] and precedence.held == 1
    precedence.paged()
    assert links[0].said == ["hold"]  # one still open
    precedence.paged()
    assert [link.said for link in links] == [["hold", "release"], ["hold", "release"]]
    precedence.paged()  # a page with nothing open (another alert's round) changes nothing
    assert links[0].said == ["hold", "release"] and precedence.expired == 0


async def test_a_hold_ends_at_its_limit_and_reading_then_goes_on_at_least_as_long():
    precedence = Precedence(hold_at_most=0.2)
    link = Reading()
    precedence.links.append(link)  # type: ignore[arg-type]
    precedence.urgent()  # a fall: its page comes after the cancel window
    await _until(lambda: link.said == ["hold", "release"])
    assert precedence.expired == 1
    precedence.urgent()  # right after: reading goes on, this one holds nothing
    assert link.said == ["hold", "release"] and precedence.passed == 1
    await asyncio.sleep(0.25)
    precedence.urgent()
    assert link.said == ["hold", "release", "hold"]
    precedence.paged()
    assert link.said[-1] == "release"


async def test_a_stream_of_urgent_events_never_holds_the_reading_past_twice_the_limit():
    precedence = Precedence(hold_at_most=0.2)
    link = Reading()
    precedence.links.append(link)  # type: ignore[arg-type]
    loop = asyncio.get_running_loop()
    began = loop.time()
    while loop.time() - began < 0.6:
        precedence.urgent()  # never paged
        await asyncio.sleep(0.02)
    await _until(lambda: link.said[-1] == "release")
    assert link.said == ["hold", "release"] * (len(link.said) // 2) and precedence.passed > 0
    held = [released - holding for holding, released in zip(link.at[::2], link.at[1::2])]
    free = [holding - released for released, holding in zip(link.at[1::2], link.at[2::2])]
    assert max(held) < 2 * 0.2 + 0.2  # the first event's limit, and at most one more begun within it
    assert all(f >= h - 0.001 for h, f in zip(held, free))  # read again at least as long as it was held


async def test_no_limit_means_no_hold():
    precedence = Precedence(hold_at_most=0)
    link = Reading()
    precedence.links.append(link)  # type: ignore[arg-type]
    precedence.urgent()
    assert link.said == [] and precedence.held == 0
