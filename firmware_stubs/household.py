"""A simulated household: the reference firmware of every device, over real MQTT, replaying a scenario.

``carehub simulate`` calls ``main``. ``default_household_devices()`` is the household the hub's default
config describes, so the simulator and the hub agree on device ids.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from datetime import time as dt_time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .device import Device
from .door_contact import DoorContact
from .door_lock import DoorLock
from .motion_sensor import MotionSensor
from .panic_button import PanicButton
from .phone_bridge import PhoneBridge
from .scenarios import SCENARIOS, Scenario, Step, get
from .sensors import BedSensor, Pillbox
from .smart_plug import Light, SmartPlug
from .speaker import Speaker
from .timebase import HubClock, OwnClock, TimeBase, read_hub_clock, wait_on
from .umqtt_shim import MQTTClient
from .wearable import Wearable

log = logging.getLogger(__name__)

FIRMWARE: dict[str, type[Device]] = {
    "wearable": Wearable,
    "motion": MotionSensor,
    "contact": DoorContact,
    "occupancy": BedSensor,
    "light": Light,
    "switch": SmartPlug,
    "button": PanicButton,
    "pillbox": Pillbox,
    "phone": PhoneBridge,
    "speaker": Speaker,
    "lock": DoorLock,
}
"""Firmware class for each device kind of ``config.yaml``."""

DEFAULT_FIRMWARE_OPTIONS: dict[str, dict[str, Any]] = {"kettle-plug": {"load_watts": 1850.0}}
"""Extra firmware arguments by device id: what is plugged in is not the hub's business."""

DEFAULT_TICK_EVERY = 60.0
MAX_WAIT = 1800.0
"""Seconds of the hub's clock the simulator waits for a scenario's start with the household connected."""
FOLLOW_TICK_EVERY = 10.0
"""Simulated seconds between ticks when following a hub's clock."""

SIMULATION_ENDED = "simulation ended"
"""The reason simulated devices give when the simulator stops: the hub logs it and alerts no one."""


def default_household_devices() -> list[dict[str, Any]]:
    """Grandma's flat and leo's watch, as the ``devices`` entries of the hub's default ``config.yaml``."""

    def device(id: str, kind: str, room: str | None, person: str | None, heartbeat: int = 300, **extra: Any):
        return {"id": id, "kind": kind, "room": room, "person": person, **extra, "heartbeat": heartbeat}

    return [
        device("grandma-watch", "wearable", None, "grandma", 60),
        device("kitchen-motion", "motion", "kitchen", "grandma"),
        device("bedroom-motion", "motion", "bedroom", "grandma"),
        device("bathroom-motion", "motion", "bathroom", "grandma"),
        device("hallway-motion", "motion", "hallway", "grandma"),
        device("front-door", "contact", "hallway", "grandma", subtype="door"),
        device("fridge", "contact", "kitchen", "grandma", subtype="fridge"),
        device("bed", "occupancy", "bedroom", "grandma", subtype="bed"),
        device("pillbox", "pillbox", "kitchen", "grandma"),
        device("panic-button", "button", None, "grandma", 60),
        device("kitchen-light", "light", "kitchen", None, name="kitchen light"),
        device("kettle-plug", "switch", "kitchen", None, name="kettle"),
        device("kitchen-speaker", "speaker", "kitchen", "grandma", name="kitchen speaker"),
        device("grandma-phone", "phone", None, "grandma"),
        device("leo-watch", "wearable", None, "leo", 60),
        device("leo-light", "light", "leo-room", None, name="leo's light"),
        device("leo-speaker", "speaker", "leo-room", "leo", name="leo's speaker"),
    ]


ClientFactory = Callable[[str], Any]
"""Makes an unconnected umqtt-style client from a client id."""


class Household:
    """One firmware object, with its own MQTT connection, per device spec."""

    def __init__(
        self,
        devices: Iterable[Mapping[str, Any]],
        host: str = "127.0.0.1",
        port: int = 1883,
        home: str = "home",
        prefix: str = "carehub",
        client_factory: ClientFactory | None = None,
        firmware_options: Mapping[str, Mapping[str, Any]] | None = None,
        keepalive: int = 60,
        passwords: Mapping[str, str] | None = None,
    ) -> None:
        self.home = home
        self.prefix = prefix
        # Each device logs in with its id as user name and its password (`carehub devices credentials ID`).
        logins = dict(passwords or {})
        if client_factory is None:

            def client_factory(client_id: str) -> MQTTClient:
                device_id = client_id[len(f"{prefix}-{home}-"):]
                password = logins.get(device_id)
                return MQTTClient(client_id, host, port, user=device_id if password else None, password=password,
                                  keepalive=keepalive)

        options = DEFAULT_FIRMWARE_OPTIONS if firmware_options is None else firmware_options
        self.devices: dict[str, Device] = {}
        for spec in devices:
            device_id, kind = spec["id"], spec["kind"]
            if kind not in FIRMWARE:
                raise ValueError(f"{device_id}: no simulated firmware for kind {kind!r}")
            self.devices[device_id] = FIRMWARE[kind](
                client_factory(f"{prefix}-{home}-{device_id}"),
                home,
                device_id,
                prefix,
                spec.get("heartbeat") or 60,
                # A fresh boot id per run: replaying a scenario must not reuse msg_ids the hub has seen.
                boot=os.urandom(4).hex(),
                **options.get(device_id, {}),
            )
        self.started = False

    def __getitem__(self, device_id: str) -> Device:
        return self.devices[device_id]

    @property
    def published(self) -> int:
        return sum(device.published for device in self.devices.values())

    @property
    def acknowledged(self) -> int:
        return sum(getattr(device.client, "acknowledged", 0) for device in self.devices.values())

    def start(self, now: float, clock: Callable[[], float] | None = None) -> None:
        """Connect every device; if one cannot connect, disconnect the others and re-raise.

        With ``clock`` (Unix seconds, e.g. a fast hub's clock, which runs as soon as the first device is
        online), each device starts at the time it reads, and those already connected are ticked in
        between, so none looks silent while the rest connect.
        """
        started: list[Device] = []
        try:
            for device in self.devices.values():
                when = now if clock is None else clock()
                for earlier in started:
                    earlier.tick(when)
                device.start(when)
                started.append(device)
        except BaseException:
            self.stop()
            raise
        self.started = True

    def tick(self, now: float) -> None:
        for device in self.devices.values():
            device.tick(now)

    def apply(self, step: Step, now: float) -> None:
        """Carry out one scenario step on its device."""
        try:
            device = self.devices[step.device]
        except KeyError:
            raise KeyError(f"scenario step at {step.at:g} s names unknown device {step.device!r}") from None
        getattr(device, step.action)(now, **step.args)

    def stop(self, reason: str | None = SIMULATION_ENDED) -> None:
        """Disconnect every device, each saying it goes away on purpose (``reason``; None: a bare ``offline``,
        which the hub treats like a lost connection), even if some connections are already gone."""
        for device_id, device in self.devices.items():
            try:
                device.stop(reason)
            except OSError as exc:
                log.warning("%s: could not say goodbye (its last will tells the broker instead): %s", device_id, exc)
        self.started = False


@dataclass(frozen=True)
class RunResult:
    """What a scenario run sent."""

    scenario: str
    """Name of the scenario."""
    steps: int
    """Scenario steps carried out."""
    published: int
    """Messages the devices published (availability, state, events, heartbeats)."""
    acknowledged: int
    """Of those, how many the broker acknowledged (PUBACK)."""


def run(
    scenario: Scenario | str | Sequence[Step],
    household: Household,
    speed: float,
    start_time: datetime,
    sleep: Callable[[float], None] = time.sleep,
    tick_every: float = DEFAULT_TICK_EVERY,
    monotonic: Callable[[], float] = time.monotonic,
    real_start: float | None = None,
    clock: TimeBase | None = None,
) -> RunResult:
    """Replay ``scenario`` on ``household`` with offset 0 at ``start_time``.

    Step ``at`` seconds into the scenario is carried out once ``clock`` reads ``start_time + at``: by
    default the simulator's own clock at ``speed`` (``OwnClock``, with ``sleep``, ``monotonic`` and
    ``real_start``); a ``HubClock`` follows a running hub's. Devices are ticked (heartbeats, incoming
    commands) every ``tick_every`` simulated seconds and, when ``speed`` > 0, at least once ``speed``
    simulated seconds (a real second), until the scenario's duration. A household that is not started
    yet is started at ``start_time`` and stopped (saying why) at the end.
    """
    if speed < 0:
        raise ValueError("speed must be 0 (as fast as possible) or positive")
    if isinstance(scenario, str):
        scenario = get(scenario, day=start_time.strftime("%a").lower())
    if isinstance(scenario, Scenario):
        name, steps, duration = scenario.name, list(scenario.steps), scenario.duration
    else:
        name, steps = "steps", sorted(scenario, key=lambda step: step.at)
        duration = steps[-1].at if steps else 0.0
    duration = max([duration] + [step.at for step in steps])
    interval = tick_every if speed == 0 else min(tick_every, speed)
    t0 = start_time.timestamp()
    if clock is None:
        clock = OwnClock(t0, speed, sleep=sleep, monotonic=monotonic, real_start=real_start)
    published, acknowledged = household.published, household.acknowledged

    offset = 0.0

    def advance(to: float) -> float:
        nonlocal offset
        offset = max(offset, to)
        clock.reach(t0 + offset)
        return t0 + offset

    starts_here = not household.started
    if starts_here:
        household.start(t0)
    try:
        ticks = 1
        for step in steps:
            while ticks * interval < step.at:
                household.tick(advance(ticks * interval))
                ticks += 1
            now = advance(step.at)
            log.info("%s +%ds: %s.%s(%s)", name, step.at, step.device, step.action, _brief(step.args))
            household.apply(step, now)
        while ticks * interval <= duration:
            household.tick(advance(ticks * interval))
            ticks += 1
        household.tick(advance(duration))
    finally:
        if starts_here:
            household.stop()
    return RunResult(
        name, len(steps), household.published - published, household.acknowledged - acknowledged
    )


def _brief(args: Mapping[str, Any]) -> str:
    return ", ".join(f"{key}=<{len(value['samples'])} samples>" if key == "accel" else f"{key}={value!r}"
                     for key, value in args.items())


def _start_time(text: str | None, scenario: Scenario, now: datetime) -> datetime:
    """``--start``: an ISO date-time, or a clock time on ``now``'s day; by default the scenario's start that day.

    ``now`` is aware, in the home's time zone; the answer is too.
    """
    if text is None:
        return datetime.combine(now.date(), scenario.starts_at, tzinfo=now.tzinfo)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return datetime.combine(now.date(), datetime.strptime(text, "%H:%M").time(), tzinfo=now.tzinfo)
    return when if when.tzinfo is not None else when.replace(tzinfo=now.tzinfo)


def _duration(seconds: float) -> str:
    hours, minutes = divmod(round(seconds / 60), 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _follow(args: argparse.Namespace, zone: tzinfo | None) -> HubClock | None:
    """The hub's clock to live by, saying in one line how it runs; None (and why) to use the simulator's own."""
    try:
        clock = HubClock(args.hub, read_hub_clock(args.hub))
    except (OSError, ValueError) as exc:
        speed = 60.0 if args.speed is None else args.speed
        print(f"carehub simulate: no hub clock at {args.hub} ({getattr(exc, 'reason', exc)}); replaying at "
              f"{speed:g}x on the simulator's own clock, which the hub's skills do not share", file=sys.stderr)
        return None
    if clock.speed > 1:
        ignored = f" (--speed {args.speed:g} ignored: the hub sets the pace)" if args.speed not in (None,
                                                                                                 clock.speed) else ""
        now = datetime.fromtimestamp(clock.now(), zone)
        print(f"carehub simulate: following the hub's clock, {clock.speed:g}x real time, now {now:%a %H:%M}"
              f"{'' if clock.reading.running else ' (held until the devices connect)'}{ignored}", file=sys.stderr)
    return clock


def _before(start: dt_time) -> str:
    """A few minutes before ``start``: where a demo hub's clock should start for a scenario."""
    minutes = (start.hour * 60 + start.minute - 5) % (24 * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def main(argv: Sequence[str] | None = None, passwords: Mapping[str, str] | None = None) -> int:
    """``carehub simulate``: run a scenario against a broker; returns the exit status.

    ``passwords`` are the devices' MQTT passwords by device id, for a broker that requires logins.
    """
    parser = argparse.ArgumentParser(
        prog="carehub simulate", description="Replay a day in the default household over MQTT."
    )
    parser.add_argument("--host", default="127.0.0.1", help="broker host (default: %(default)s)")
    parser.add_argument("--port", type=int, default=1883, help="broker port (default: %(default)s)")
    parser.add_argument("--home", default="home", help="home id, as home.id in config.yaml (default: %(default)s)")
    parser.add_argument("--prefix", default="carehub", help="topic prefix (default: %(default)s)")
    parser.add_argument("--timezone", help="the home's time zone, as home.timezone (default: this machine's)")
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="normal_day")
    parser.add_argument(
        "--hub", metavar="URL",
        help="live by the clock of the hub answering at URL (http://host:port): each step happens when the "
             "hub's clock reads its time, at the hub's speed ('carehub run --speed')",
    )
    parser.add_argument(
        "--speed", type=float,
        help="simulated seconds per real second on the simulator's own clock (without --hub, or when the hub "
             "does not answer); 0 = as fast as possible, never following a hub (default: 60)",
    )
    parser.add_argument("--start", help="simulated start: ISO date-time or HH:MM (default: the scenario's own)")
    parser.add_argument("--seed", type=int, default=1, help="random seed for readings (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.speed is not None and args.speed < 0:
        parser.error("--speed must be 0 or positive")
    try:
        zone: tzinfo | None = ZoneInfo(args.timezone) if args.timezone else None
    except (ValueError, ZoneInfoNotFoundError):
        parser.error(f"--timezone {args.timezone!r}: not a time zone (e.g. Europe/London)")
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(message)s")

    hub = _follow(args, zone) if args.hub and args.speed != 0 else None
    speed = hub.speed if hub is not None else 60.0 if args.speed is None else args.speed
    now = datetime.fromtimestamp(hub.now() if hub is not None else time.time(), zone)
    if zone is None:
        now = now.astimezone()
    probe = SCENARIOS[args.scenario](seed=args.seed)
    try:
        start = _start_time(args.start, probe, now)
    except ValueError:
        parser.error(f"--start {args.start!r}: expected an ISO date-time or HH:MM")
    if hub is not None:
        if args.start is not None and start < now:
            parser.error(f"--start {args.start}: already past on the hub's clock ({now:%Y-%m-%d %H:%M})")
        quick = f"'carehub run --speed 600 --start {_before(probe.starts_at)}'"
        if hub.speed == 1:
            print(f"carehub simulate: the hub runs in real time (it is {now:%H:%M} there), so {args.scenario} "
                  f"takes {_duration(probe.duration)} from {probe.starts_at:%H:%M}; for a quick run start the hub "
                  f"with {quick}", file=sys.stderr)
        if args.start is None and not 0 <= (start - now).total_seconds() <= MAX_WAIT:
            # Waiting hours for the scenario's time with the household there but idle would raise every alarm
            # of an empty day (pills missed, nobody up): a scenario starts on a clock set just before it.
            if hub.speed > 1:
                print(f"carehub simulate: the hub's clock reads {now:%H:%M}, not just before {args.scenario}'s "
                      f"{probe.starts_at:%H:%M}; restart the hub with {quick}", file=sys.stderr)
            return 2
    scenario = SCENARIOS[args.scenario](day=start.strftime("%a").lower(), seed=args.seed)
    household = Household(default_household_devices(), args.host, args.port, args.home, args.prefix,
                          passwords=passwords)
    try:
        if hub is None:
            result = run(scenario, household, speed, start)
        else:
            # Connect first: a demo hub holds its clock until the household is there.
            household.start(hub.now(), clock=hub.now)
            hub.refresh()
            arrived = hub.now()
            household.tick(arrived)
            if start.timestamp() - arrived > 1800:
                print(f"carehub simulate: waiting for {start:%H:%M} on the hub's clock (it reads "
                      f"{datetime.fromtimestamp(arrived, start.tzinfo):%H:%M}): about "
                      f"{(start.timestamp() - arrived) / speed:.0f} s", file=sys.stderr)
            # Ticked often: the hub's clock does not wait for the household, so a heartbeat sent a tick late
            # must still be well inside the hub's patience (2.5 heartbeats).
            wait_on(hub, household, arrived, start.timestamp(), min(FOLLOW_TICK_EVERY, speed))
            result = run(scenario, household, speed, start, clock=hub, tick_every=FOLLOW_TICK_EVERY)
    except OSError as exc:
        print(f"carehub simulate: broker {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        if household.started:
            household.stop()
    print(
        f"{result.scenario}: {result.steps} steps, {result.published} messages published, "
        f"{result.acknowledged} acknowledged by the broker"
    )
    return 0 if result.acknowledged == result.published else 1


if __name__ == "__main__":
    sys.exit(main())
