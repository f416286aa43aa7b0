"""Events devices report: wearables, home sensors and actuators, the phone bridge, device life cycle."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.events.base import Event


# --- wearable -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class VitalSignsMeasured(Event):
    """One or more vital signs read at the same moment; absent readings are None."""

    heart_rate: float | None = None
    """Beats per minute."""
    spo2: float | None = None
    """Oxygen saturation, percent."""
    skin_temp: float | None = None
    """Degrees Celsius."""
    systolic: float | None = None
    """mmHg."""
    diastolic: float | None = None
    """mmHg."""
    respiration_rate: float | None = None
    """Breaths per minute."""


@dataclass(frozen=True, kw_only=True)
class StepsCounted(Event):
    """The wearable's step counter."""

    steps: int
    """The count on the wearable's step counter, as it reports it."""


@dataclass(frozen=True, kw_only=True)
class AccelerationSampled(Event):
    """A burst of accelerometer samples in g, (x, y, z) at ``rate_hz``."""

    rate_hz: float
    """Samples per second."""
    samples: tuple[tuple[float, float, float], ...]
    """(x, y, z) in g, oldest first."""


@dataclass(frozen=True, kw_only=True)
class LocationReported(Event):
    """A GPS fix."""

    lat: float
    """Latitude, degrees (WGS 84)."""
    lon: float
    """Longitude, degrees (WGS 84)."""
    accuracy: float | None = None
    """Metres."""


@dataclass(frozen=True, kw_only=True)
class WearStateReported(Event):
    """Whether the wearable is on someone's wrist."""

    worn: bool
    """True while the wearable is worn."""


@dataclass(frozen=True, kw_only=True)
class BatteryReported(Event):
    """Battery level of any battery-powered device."""

    level: float
    """Percent, 0-100."""


@dataclass(frozen=True, kw_only=True)
class FallDetected(Event):
    """A fall, reported by a device or detected by carehub."""

    source: str = "device"
    """``device`` when the device said so, ``detector`` when carehub found it."""
    confidence: float | None = None
    """0-1, how sure the detector (or the device) is; None when it does not say."""


@dataclass(frozen=True, kw_only=True)
class SosPressed(Event):
    """Someone pressed an SOS / panic button."""


@dataclass(frozen=True, kw_only=True)
class ButtonPressed(Event):
    """A button press that is not an SOS: ``single``, ``double``, ``long`` or ``cancel``."""

    action: str = "single"
    """``single``, ``double``, ``long`` or ``cancel``."""


# --- home sensors and actuators -------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class MotionDetected(Event):
    """A motion sensor saw movement."""


@dataclass(frozen=True, kw_only=True)
class MotionCleared(Event):
    """A motion sensor stopped seeing movement."""


@dataclass(frozen=True, kw_only=True)
class ContactChanged(Event):
    """A door, window, fridge or cabinet contact opened or closed."""

    open: bool
    """True when the contact opened, False when it closed."""


@dataclass(frozen=True, kw_only=True)
class OccupancyChanged(Event):
    """A bed or chair became occupied or empty."""

    occupied: bool
    """True when someone is now in the bed or chair."""


@dataclass(frozen=True, kw_only=True)
class SwitchStateReported(Event):
    """A light, switch or plug reported its state."""

    on: bool
    """Whether it is switched on."""
    brightness: int | None = None
    """0-255, lights only."""
    power: float | None = None
    """Watts, plugs only."""


@dataclass(frozen=True, kw_only=True)
class CoverStateReported(Event):
    """Blinds, curtains or another cover reported where they are."""

    state: str | None = None
    """``open``, ``closed``, ``opening``, ``closing`` or ``stopped``."""
    position: int | None = None
    """Percent open: 0 closed, 100 fully open."""


@dataclass(frozen=True, kw_only=True)
class LockStateReported(Event):
    """A door lock reported whether it is locked."""

    locked: bool | None = None
    """True when locked, False when unlocked; None when the lock cannot tell (jammed half way)."""
    jammed: bool = False
    """The lock tried to move its bolt and could not."""


@dataclass(frozen=True, kw_only=True)
class ClimateMeasured(Event):
    """A thermometer or climate device reading."""

    temperature: float | None = None
    """Degrees Celsius."""
    humidity: float | None = None
    """Percent relative humidity."""
    target: float | None = None
    """Set point, degrees Celsius."""


@dataclass(frozen=True, kw_only=True)
class PillboxOpened(Event):
    """A pillbox compartment (or its lid) was opened."""

    compartment: str | None = None
    """The compartment opened, e.g. ``mon-am``; None for the lid."""


@dataclass(frozen=True, kw_only=True)
class SpeakerStateReported(Event):
    """A speaker-microphone satellite reported its state."""

    volume: int | None = None
    """Percent, 0-100."""
    muted: bool | None = None
    """Whether the microphone is muted."""


@dataclass(frozen=True, kw_only=True)
class CallReported(Event):
    """A phone call seen by the phone bridge; ``transcript`` grows while the call is live."""

    direction: str
    """``incoming`` or ``outgoing``."""
    number: str
    """The other party's phone number."""
    state: str
    """``ringing``, ``answered`` or ``ended``."""
    call_id: str | None = None
    """The bridge's id for the call, the same in each report of it."""
    transcript: str | None = None
    """What has been said in the call so far, when the bridge transcribes it."""


@dataclass(frozen=True, kw_only=True)
class SmsReceived(Event):
    """A text message received by the phone bridge."""

    number: str
    """The sender's phone number."""
    text: str
    """The message."""


@dataclass(frozen=True, kw_only=True)
class UtteranceReported(Event):
    """A speaker satellite that transcribes on its own (or a tablet someone typed on) sent what it heard."""

    text: str
    """What was said or typed."""
    language: str = ""
    """Its language code (``en``, ``zh-CN``); empty when the satellite does not know."""


# --- device life cycle --------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class DeviceCameOnline(Event):
    """A device announced itself online."""


@dataclass(frozen=True, kw_only=True)
class DeviceWentOffline(Event):
    """A device said goodbye or its last will fired."""

    reason: str | None = None
    """Why it went away, when it said so (a planned shutdown, e.g. a simulator ending); None when its
    last will fired or it said a bare ``offline``."""
