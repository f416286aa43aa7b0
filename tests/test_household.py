"""The household simulator: scenario contents, replay timing, and the fall scenario over a real broker."""

import asyncio
import json
import math
from datetime import datetime, time, timezone

import aiomqtt
import pytest

import devices as hub_devices
from assistant.config import load_config
from conftest import free_port
from firmware_stubs import scenarios
from firmware_stubs.household import FIRMWARE, Household, default_household_devices, main, run
from firmware_stubs.scenarios import SCHOOL, SCHOOL_HOURS, SCHOOL_RADIUS_M, Step, distance_m

DEVICE_IDS = [
    "grandma-watch", "kitchen-motion", "bedroom-motion", "bathroom-motion", "hallway-motion", "front-door",
    "fridge", "bed", "pillbox", "panic-button", "kitchen-light", "kettle-plug", "kitchen-speaker", "grandma-phone",
    "leo-watch", "leo-light", "leo-speaker",
]

# What docs/mqtt.md lets each kind send, besides msg_id, ts and battery.
STATE_FIELDS = {
    "wearable": {"heart_rate", "spo2", "skin_temp", "systolic", "diastolic", "respiration_rate", "steps",
                 "lat", "lon", "accuracy", "worn", "accel"},
    "motion": {"motion", "illuminance"},
    "contact": {"open"},
    "occupancy": {"occupied"},
    "light": {"state", "brightness"},
    "switch": {"state", "power"},
    "pillbox": set(),
    "speaker": {"volume", "muted"},
}
EVENT_TYPES = {
    "wearable": {"fall", "sos", "button", "heartbeat"},
    "button": {"sos", "button", "heartbeat"},
    "pillbox": {"pillbox_opened", "heartbeat"},
    "speaker": {"heard", "heartbeat"},
}
RANGES = {"heart_rate": (20, 250), "spo2": (50, 100), "skin_temp": (25, 45), "systolic": (50, 260),
          "diastolic": (30, 160), "respiration_rate": (4, 60), "lat": (-90, 90), "lon": (-180, 180),
          "battery": (0, 100)}


class RecordingClient:
    """A umqtt-style client that accepts everything and remembers what was published."""

    def __init__(self, client_id):
        self.client_id = client_id
        self.published = []
        self.acknowledged = 0

    def set_last_will(self, topic, msg, retain=False, qos=0):
        pass

    def set_callback(self, cb):
        pass

    def connect(self, clean_session=True):
        pass

    def publish(self, topic, msg, retain=False, qos=0):
        self.published.append((topic.decode(), msg))
        self.acknowledged += 1

    def subscribe(self, topic, qos=0):
        pass

    def check_msg(self):
        pass

    def disconnect(self):
        pass


def recorded_household():
    clients = []

    def factory(client_id):
        clients.append(RecordingClient(client_id))
        return clients[-1]

    household = Household(default_household_devices(), home="home", client_factory=factory)
    return household, clients


def messages(clients):
    """(device, leaf, payload) of every JSON message, in publish order per device."""
    out = []
    for client in clients:
        for topic, msg in client.published:
            _, _, device, leaf = topic.split("/")
            if leaf in ("state", "event"):
                out.append((device, leaf, json.loads(msg)))
    return out


def steps_of(scenario, device=None, action=None):
    return [
        s for s in scenario.steps if (device is None or s.device == device) and (action is None or s.action == action)
    ]


def clock(scenario, step):
    start = scenario.starts_at.hour * 3600 + scenario.starts_at.minute * 60 + scenario.starts_at.second
    seconds = start + step.at
    return time(int(seconds // 3600), int(seconds % 3600 // 60), int(seconds % 60))


def g(sample):
    return math.sqrt(sum(v * v for v in sample))


# The household and its scenarios


def test_default_household_devices_are_the_documented_ones():
    devices = default_household_devices()
    assert [d["id"] for d in devices] == DEVICE_IDS
    assert {d["kind"] for d in devices} <= set(FIRMWARE)
    by_id = {d["id"]: d for d in devices}
    assert by_id["fridge"]["subtype"] == "fridge" and by_id["front-door"]["subtype"] == "door"
    assert by_id["bed"]["subtype"] == "bed"
    assert by_id["leo-watch"]["person"] == "leo" and by_id["grandma-watch"]["person"] == "grandma"


def test_the_hub_default_config_describes_the_simulated_household(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CAREHUB_CONFIG", raising=False)
    config = load_config()  # no config.yaml anywhere: the packaged default
    simulated = {spec["id"]: spec for spec in default_household_devices()}
    configured = {d.id: d for d in config.devices if d.kind in FIRMWARE}
    assert set(configured) == set(simulated)
    for device_id, spec in simulated.items():
        # Spoken names and aliases are the hub's business; ids, kinds, rooms and people must agree.
        fields = {k: v for k, v in spec.items() if k not in ("name", "aliases")}
        assert configured[device_id].model_dump(include=set(fields)) == fields


def test_the_hub_accepts_every_message_of_every_scenario():
    kinds = {d["id"]: d["kind"] for d in default_household_devices()}
    for name in scenarios.SCENARIOS:
        household, clients = recorded_household()
        run(name, household, speed=0, start_time=datetime(2026, 3, 2, 6, 30))
        for device, leaf, payload in messages(clients):
            hub_devices.decode(kinds[device], leaf, json.dumps(payload).encode())  # raises DecodeError if refused


@pytest.mark.parametrize("name", sorted(scenarios.SCENARIOS))
def test_every_scenario_step_is_a_firmware_call_and_every_message_follows_the_contract(name):
    household, clients = recorded_household()
    result = run(name, household, speed=0, start_time=datetime(2026, 3, 2, 6, 30))
    assert result.steps == len(scenarios.get(name).steps) and result.published == result.acknowledged
    kinds = {d["id"]: d["kind"] for d in default_household_devices()}
    ids = set()
    for device, leaf, payload in messages(clients):
        kind = kinds[device]
        assert payload["msg_id"] not in ids
        ids.add(payload["msg_id"])
        datetime.fromisoformat(payload["ts"])
        fields = set(payload) - {"msg_id", "ts", "battery"}
        if leaf == "state":
            assert fields <= STATE_FIELDS[kind], (device, payload)
            for field, (low, high) in RANGES.items():
                if field in payload:
                    assert low <= payload[field] <= high, (device, field, payload[field])
            if "accel" in payload:
                assert len(payload["accel"]["samples"]) <= 1000
        else:
            assert payload["type"] in EVENT_TYPES.get(kind, {"heartbeat"}), (device, payload)


def test_normal_day_routine():
    day = scenarios.normal_day(day="tue")
    assert day.starts_at <= time(7, 0) and clock(day, day.steps[-1]) >= time(22, 0)
    pills = steps_of(day, "pillbox", "open")
    assert [(clock(day, s), s.args["compartment"]) for s in pills] == [(time(8), "tue-am"), (time(20), "tue-pm")]
    bed = [(clock(day, s), s.args["occupied"]) for s in steps_of(day, "bed")]
    assert (time(7), False) in bed and (time(22), True) in bed
    morning = [s for s in day.steps if time(7) <= clock(day, s) <= time(8)]
    routine = {"bedroom-motion", "bathroom-motion", "kitchen-motion", "fridge", "kettle-plug"}
    assert routine <= {s.device for s in morning}
    assert any(s.device == "kettle-plug" and s.args["on"] for s in morning)
    vitals = [s for s in steps_of(day, "grandma-watch", "report") if time(7) <= clock(day, s) <= time(22)]
    gaps = [b.at - a.at for a, b in zip(vitals, vitals[1:])]
    assert gaps and all(600 <= gap <= 900 for gap in gaps)
    assert any(time(14) <= clock(day, s) <= time(17) for s in steps_of(day, action="motion"))


def test_missed_medication_never_opens_the_pillbox():
    assert steps_of(scenarios.missed_medication(), "pillbox") == []
    assert steps_of(scenarios.missed_medication(), "kettle-plug")


def test_fall_has_an_impact_then_stillness_then_no_motion():
    fall = scenarios.fall()
    burst = next(s for s in steps_of(fall, "grandma-watch", "report") if "accel" in s.args)
    samples = burst.args["accel"]["samples"]
    peak = max(range(len(samples)), key=lambda i: g(samples[i]))
    assert g(samples[peak]) > 3.0
    assert any(g(s) < 0.6 for s in samples[:peak])  # free fall before the impact
    lying = samples[-100:]
    assert all(abs(g(s) - 1.0) < 0.1 for s in lying)
    assert max(abs(a - b) for s, t in zip(lying, lying[1:]) for a, b in zip(s, t)) < 0.1
    (event,) = steps_of(fall, "grandma-watch", "fall")
    assert burst.at < event.at
    later = [s for s in steps_of(fall, action="motion") if s.at > event.at]
    assert all(not s.args["active"] for s in later)
    assert fall.duration - event.at >= 3600


def test_night_wandering_door_stays_open_for_forty_minutes():
    night = scenarios.night_wandering()
    door = steps_of(night, "front-door")
    opened = next(s for s in door if s.args["open"])
    assert clock(night, opened) == time(2, 30)
    closed = [s for s in door if not s.args["open"] and s.at > opened.at]
    assert closed and closed[0].at - opened.at >= 40 * 60
    assert not any(s.device == "hallway-motion" and s.args["active"] for s in night.steps
                   if opened.at < s.at < opened.at + 40 * 60)


def test_child_leaves_the_school_circle_during_school_hours():
    scenario = scenarios.child_leaves_school()
    positions = [(clock(scenario, s), (s.args["lat"], s.args["lon"])) for s in steps_of(scenario, "leo-watch")]
    in_hours = [
        (when, distance_m(point, SCHOOL)) for when, point in positions if SCHOOL_HOURS[0] <= when <= SCHOOL_HOURS[1]
    ]
    inside = [when for when, d in in_hours if d <= SCHOOL_RADIUS_M]
    outside = [when for when, d in in_hours if d > SCHOOL_RADIUS_M]
    assert len(inside) >= 3 and outside and min(outside) > max(inside)


def test_run_sleeps_simulated_time_over_speed_and_ticks_so_heartbeats_happen():
    household, clients = recorded_household()
    sleeps = []
    real = [100.0]

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        real[0] += seconds

    steps = [
        Step(0, "kitchen-motion", "motion", {"active": True}),
        Step(600, "kitchen-motion", "motion", {"active": False}),
    ]
    result = run(steps, household, speed=10, start_time=datetime(2026, 3, 2, 9, 0), sleep=sleep,
                 monotonic=lambda: real[0])
    assert sum(sleeps) == pytest.approx(60.0)
    assert max(sleeps) <= 1.0  # devices are ticked at least once a real second
    assert result.steps == 2 and result.published == result.acknowledged
    watch_events = [p for d, leaf, p in messages(clients) if d == "grandma-watch" and leaf == "event"]
    assert len(watch_events) == 10 and {p["type"] for p in watch_events} == {"heartbeat"}


def test_time_lost_to_a_busy_machine_is_caught_up_not_piled_up():
    household, _ = recorded_household()
    sleeps = []
    real = [100.0]

    def slow_sleep(seconds: float) -> None:  # every sleep overruns by half a second
        sleeps.append(seconds)
        real[0] += seconds + 0.5

    steps = [Step(at, "kitchen-motion", "motion", {"active": at % 120 == 0}) for at in range(0, 601, 60)]
    run(steps, household, speed=10, start_time=datetime(2026, 3, 2, 9, 0), sleep=slow_sleep,
        monotonic=lambda: real[0], real_start=100.0)
    # 60 s of scenario at 10x: the overruns are taken out of later sleeps, so it ends near 160 s real,
    # not 60 s of sleeping plus half a second per sleep on top.
    assert real[0] == pytest.approx(160.0, abs=0.6)
    assert sum(sleeps) < 60.0


def test_run_at_speed_zero_never_sleeps():
    household, _ = recorded_household()
    run("fall", household, speed=0, start_time=datetime(2026, 3, 2, 9, 30), sleep=pytest.fail)


# Over a real broker


async def test_fall_scenario_at_full_speed_over_a_broker(any_broker):
    home = f"fall-{any_broker.kind}"
    start = datetime.combine(datetime(2026, 3, 2).date(), scenarios.fall().starts_at, tzinfo=timezone.utc)
    received = []
    async with aiomqtt.Client(any_broker.host, any_broker.port, identifier="obs-fall") as observer:
        await observer.subscribe(f"carehub/{home}/#", qos=1)

        async def collect():
            async for message in observer.messages:
                received.append(message)

        task = asyncio.create_task(collect())
        household = Household(default_household_devices(), any_broker.host, any_broker.port, home=home)
        result = await asyncio.to_thread(run, "fall", household, 0, start)
        async with asyncio.timeout(20):
            while len(received) < result.published:
                await asyncio.sleep(0.05)
        task.cancel()

    assert result.published == result.acknowledged == len(received)
    by_topic = [(str(m.topic).split("/", 2)[2], m.payload) for m in received]
    assert {t.split("/")[0] for t, p in by_topic if t.endswith("/availability") and p == b"online"} == set(DEVICE_IDS)
    # A clean end: each device says it goes away on purpose, so the hub pages no one.
    goodbye = {"state": "offline", "reason": "simulation ended"}
    assert {t.split("/")[0] for t, p in by_topic
            if t.endswith("/availability") and p != b"online" and json.loads(p) == goodbye} == set(DEVICE_IDS)

    payloads = [(t, json.loads(p)) for t, p in by_topic if not t.endswith("/availability")]
    assert len({p["msg_id"] for _, p in payloads}) == len(payloads)
    falls = [i for i, (t, p) in enumerate(payloads) if t == "grandma-watch/event" and p["type"] == "fall"]
    assert len(falls) == 1
    fall_ts = datetime.fromisoformat(payloads[falls[0]][1]["ts"])
    assert fall_ts == datetime(2026, 3, 2, 10, 14, 58, tzinfo=timezone.utc)
    bursts = [p["accel"]["samples"] for t, p in payloads if t == "grandma-watch/state" and "accel" in p]
    assert bursts and max(g(s) for s in bursts[0]) > 3.0
    after = [(t, p) for t, p in payloads if datetime.fromisoformat(p["ts"]) > fall_ts]
    assert not [p for t, p in after if t.endswith("-motion/state") and p["motion"]]
    assert [p for t, p in after if t == "grandma-watch/event" and p["type"] == "heartbeat"]
    assert [p for t, p in after if t == "kitchen-motion/event" and p["type"] == "heartbeat"]


def test_cli_runs_a_scenario(mosquitto_broker, capsys):
    argv = ["--host", mosquitto_broker.host, "--port", str(mosquitto_broker.port), "--home", "cli",
            "--scenario", "night_wandering", "--speed", "0", "--start", "2026-03-02T01:30"]
    assert main(argv) == 0
    assert "night_wandering:" in capsys.readouterr().out


def test_cli_reports_an_unreachable_broker(capsys):
    assert main(["--port", str(free_port()), "--scenario", "fall", "--speed", "0"]) == 1
    assert "broker" in capsys.readouterr().err
