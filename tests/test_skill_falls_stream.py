"""The falls skill on a stream of bursts (fake clock): every impact judged once with its aftermath, whatever the
watch's burst length, gaps not spliced, late bursts dropped, and the wearable's placement chosen from config."""

from __future__ import annotations

import logging
import math
import random
from importlib.resources import files

import pytest
import yaml

from skills.falls import Falls
from skills.sdk import AccelerationSampled, FallDetected, WearStateReported

RATE = 50.0
UPRIGHT = (0.0, 0.0, 1.0)
LYING = (1.0, 0.0, 0.0)


def hold(vector, seconds, noise=0.01, seed=1):
    rng = random.Random(seed)
    return [tuple(v + rng.gauss(0, noise) for v in vector) for _ in range(int(seconds * RATE))]


def fall(peak_g=4.0, after_s=10.0):
    """3 s upright, a half-second drop, a 0.1 s impact, then lying still."""
    drop = [(0.0, 0.0, 1 - 0.7 * math.sin(math.pi * i / 25)) for i in range(25)]
    hit = [(peak_g * math.sin(math.pi * (i + 1) / 6), 0.0, 0.0) for i in range(5)]
    return hold(UPRIGHT, 3) + drop + hit + hold(LYING, after_s)


async def send(h, samples, burst_s):
    """Publish ``samples`` as the watch would, a burst every ``burst_s`` seconds as it fills."""
    size = round(burst_s * RATE)
    for first in range(0, len(samples), size):
        burst = tuple(samples[first:first + size])
        await h.advance(len(burst) / RATE)
        await h.publish(AccelerationSampled(rate_hz=RATE, samples=burst), device="grandma-watch")


def detected(h):
    return [e for e in h.of(FallDetected) if e.source == "detector"]


@pytest.mark.parametrize("burst_s", [1.0, 3.0, 8.0])
async def test_an_impact_split_across_bursts_is_found_once(skill_harness, burst_s):
    h = await skill_harness(Falls)
    await send(h, fall(), burst_s)
    await h.advance(20)
    (found,) = detected(h)
    assert found.person == "grandma" and found.confidence > 0.5
    assert h.replies == ["Did you fall? Are you OK? Say \"I'm OK\" if you are."]


async def test_with_back_to_back_bursts_the_fall_is_judged_as_its_aftermath_arrives(skill_harness):
    h = await skill_harness(Falls)
    await send(h, hold(UPRIGHT, 5) + fall(after_s=8), 1.0)  # the impact 8.55 s in; 7 s of aftermath by 15.6 s
    assert len(detected(h)) == 1                             # found from the bursts, not after a silence


async def test_an_impact_near_the_end_of_an_eight_second_burst_is_judged_with_the_next(skill_harness):
    h = await skill_harness(Falls)
    samples = hold(UPRIGHT, 4) + fall(after_s=12)            # the impact at 7.55 s: in the first burst's last 0.5 s
    await send(h, samples[:400], 8)
    assert detected(h) == []
    await send(h, samples[400:800], 8)
    assert len(detected(h)) == 1


async def test_a_gap_is_not_spliced_into_a_fall(skill_harness, caplog):
    # Standing with a knock at the end of one burst; 30 s later the watch reports her lying on the sofa.
    h = await skill_harness(Falls)
    knock = [(0.0, 3.0, 3.0), (0.0, 4.0, 4.0), (0.0, 3.0, 3.0)]
    await send(h, hold(UPRIGHT, 7.8) + knock + hold(UPRIGHT, 0.14), 8)
    await h.advance(30)
    with caplog.at_level(logging.INFO):
        await send(h, hold(LYING, 16), 8)
    await h.advance(30)
    assert detected(h) == [] and h.replies == []
    assert any("gap" in r.getMessage() for r in caplog.records)


async def test_a_fall_after_a_gap_is_found(skill_harness):
    h = await skill_harness(Falls)
    await send(h, hold(UPRIGHT, 8), 8)
    await h.advance(40)
    await send(h, fall(), 3)
    await h.advance(20)
    assert len(detected(h)) == 1


async def test_a_burst_sent_twice_is_dropped_and_logged(skill_harness, caplog):
    h = await skill_harness(Falls)
    samples = fall()
    first = tuple(samples[:400])
    await h.advance(8)
    await h.publish(AccelerationSampled(rate_hz=RATE, samples=first), device="grandma-watch")
    with caplog.at_level(logging.WARNING):
        await h.publish(AccelerationSampled(rate_hz=RATE, samples=first), device="grandma-watch")  # same time
    assert any("older than the stream" in r.getMessage() for r in caplog.records)
    await send(h, samples[400:], 8)
    await h.advance(20)
    assert len(detected(h)) == 1


def config_with(placement):
    raw = yaml.safe_load((files("assistant") / "default_config.yaml").read_text(encoding="utf-8"))
    devices = [dict(d, placement=placement) if d["id"] == "grandma-watch" else d for d in raw["devices"]]
    return {"devices": devices}


@pytest.mark.parametrize(("placement", "model"), [("wrist", "wrist"), ("waist", "waist"), ("pendant", "waist")])
async def test_the_placement_in_config_chooses_the_model(skill_harness, caplog, placement, model):
    h = await skill_harness(Falls, config=config_with(placement))
    with caplog.at_level(logging.INFO):
        await send(h, fall(peak_g=5.0), 3)
        await h.advance(20)
    assert len(detected(h)) == 1
    (line,) = [r.getMessage() for r in caplog.records if "fall found in grandma-watch" in r.getMessage()]
    assert f"placement='{model}'" in line


async def test_a_watch_taken_off_is_nobodys_fall(skill_harness):
    # Put down or dropped: free fall, a blow, lying still at another angle. The watch says it is not worn.
    h = await skill_harness(Falls)
    await h.publish(WearStateReported(worn=False), device="grandma-watch")
    await send(h, fall(), 3)
    await h.advance(20)
    assert detected(h) == []
    await h.publish(WearStateReported(worn=True), device="grandma-watch")
    await h.advance(30)
    await send(h, fall(), 3)
    await h.advance(20)
    assert len(detected(h)) == 1
