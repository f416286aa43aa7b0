"""Typed events: frozen facts that happened, each with an id, a time and the id of its cause.

Device adapters build events with an empty envelope; the hub stamps id, time, home, device and
person before it logs and publishes them. ``Event.kind`` (snake_case of the class name) is the
``kind`` column of the event log, and ``event_from_row`` turns a log row back into an event.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, ClassVar, TypeVar

_EPOCH = datetime.fromtimestamp(0, tz=timezone.utc)
_REGISTRY: dict[str, type["Event"]] = {}
_RENAMED = {"caregiver_notified": "alert_requested"}
"""Kinds an older carehub wrote under another name: old kind → the kind that reads it back."""


class EventKindTaken(TypeError):
    """An event class whose kind another class already has (``kind``, the ``existing`` class's path)."""

    def __init__(self, kind: str, new: str, existing: str) -> None:
        self.kind = kind
        self.existing = existing
        super().__init__(f"event class {new} cannot use kind '{kind}': {existing} already has it "
                         "(rename the class)")

E = TypeVar("E", bound="Event")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@dataclass(frozen=True, kw_only=True)
class Event:
    """Base of every event; the envelope fields are filled by whoever publishes it."""

    id: str = ""
    """Time-ordered unique id (``assistant.ids.new_id``)."""
    ts: datetime = _EPOCH
    """When the hub accepted the fact, in UTC."""
    home: str = ""
    """The home the fact belongs to."""
    device: str | None = None
    """The configured device that reported it, if any."""
    person: str | None = None
    """The person the device belongs to, if any."""
    cause: str | None = None
    """Id of the event that led to this one."""

    kind: ClassVar[str] = "event"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        kind = _snake(cls.__name__)
        existing = _REGISTRY.get(kind)
        # The same class defined again (a module imported anew, e.g. a skills_dir reload) replaces
        # itself; any other class with the kind would silently take over the log's rows of it.
        if existing is not None and _path(existing) != _path(cls):
            raise EventKindTaken(kind, _path(cls), _path(existing))
        cls.kind = kind
        _REGISTRY[kind] = cls

    def data(self) -> dict[str, Any]:
        """The event's own fields (without the envelope), JSON-ready."""
        return {name: _jsonable(getattr(self, name)) for name in _data_fields(type(self))}

    def stamped(self: E, **envelope: Any) -> E:
        """A copy with envelope fields set (id, ts, home, device, person, cause)."""
        return dataclasses.replace(self, **envelope)


_FIELDS: dict[type, tuple[str, ...]] = {}


def _data_fields(cls: type) -> tuple[str, ...]:
    """An event class's own field names, computed once per class (this runs for every event)."""
    names = _FIELDS.get(cls)
    if names is None:
        envelope = {f.name for f in dataclasses.fields(Event)}
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.name not in envelope)
    return names


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _path(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def event_types() -> dict[str, type[Event]]:
    """Every known event class by its ``kind``."""
    return dict(_REGISTRY)


def kinds_of(types: tuple[type[Event], ...]) -> list[str] | None:
    """The log kinds of events of ``types`` and their subclasses; None (every kind) for none or ``Event``."""
    if not types or Event in types:
        return None
    return sorted(kind for kind, cls in _REGISTRY.items() if issubclass(cls, types))


def event_from_row(row: dict[str, Any]) -> Event:
    """Rebuild an event from an event-log row (``data`` already parsed from JSON)."""
    kind = _RENAMED.get(row["kind"], row["kind"])
    cls = _REGISTRY.get(kind, GenericEvent)
    data = dict(row.get("data") or {})
    names = {f.name for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {k: _untuple(v) for k, v in data.items() if k in names}
    if cls is GenericEvent:
        kwargs = {"name": row["kind"], "payload": data}
    ts = row["ts"]
    return cls(
        id=row["id"],
        ts=datetime.fromisoformat(ts) if isinstance(ts, str) else ts,
        home=row.get("home") or "",
        device=row.get("device"),
        person=row.get("person"),
        cause=row.get("cause"),
        **kwargs,
    )


def _untuple(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_untuple(v) for v in value)
    return value


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


@dataclass(frozen=True, kw_only=True)
class AccelerationSampled(Event):
    """A burst of accelerometer samples in g, (x, y, z) at ``rate_hz``."""

    rate_hz: float
    samples: tuple[tuple[float, float, float], ...]


@dataclass(frozen=True, kw_only=True)
class LocationReported(Event):
    """A GPS fix."""

    lat: float
    lon: float
    accuracy: float | None = None
    """Metres."""


@dataclass(frozen=True, kw_only=True)
class WearStateReported(Event):
    """Whether the wearable is on someone's wrist."""

    worn: bool


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


@dataclass(frozen=True, kw_only=True)
class SosPressed(Event):
    """Someone pressed an SOS / panic button."""


@dataclass(frozen=True, kw_only=True)
class ButtonPressed(Event):
    """A button press that is not an SOS: ``single``, ``double``, ``long`` or ``cancel``."""

    action: str = "single"


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


@dataclass(frozen=True, kw_only=True)
class OccupancyChanged(Event):
    """A bed or chair became occupied or empty."""

    occupied: bool


@dataclass(frozen=True, kw_only=True)
class SwitchStateReported(Event):
    """A light, switch or plug reported its state."""

    on: bool
    brightness: int | None = None
    """0-255, lights only."""
    power: float | None = None
    """Watts, plugs only."""


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


@dataclass(frozen=True, kw_only=True)
class SpeakerStateReported(Event):
    """A speaker-microphone satellite reported its state."""

    volume: int | None = None
    muted: bool | None = None


@dataclass(frozen=True, kw_only=True)
class CallReported(Event):
    """A phone call seen by the phone bridge; ``transcript`` grows while the call is live."""

    direction: str
    """``incoming`` or ``outgoing``."""
    number: str
    state: str
    """``ringing``, ``answered`` or ``ended``."""
    call_id: str | None = None
    transcript: str | None = None


@dataclass(frozen=True, kw_only=True)
class SmsReceived(Event):
    """A text message received by the phone bridge."""

    number: str
    text: str


@dataclass(frozen=True, kw_only=True)
class UtteranceReported(Event):
    """A speaker satellite that transcribes on its own (or a tablet someone typed on) sent what it heard."""

    text: str
    language: str = ""


# --- device life cycle and hub --------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class DeviceCameOnline(Event):
    """A device announced itself online."""


@dataclass(frozen=True, kw_only=True)
class DeviceWentOffline(Event):
    """A device said goodbye or its last will fired."""


@dataclass(frozen=True, kw_only=True)
class MessageRejected(Event):
    """An MQTT message the hub refused; nothing else was made of it."""

    topic: str
    reason: str
    preview: str = ""
    """The first bytes of the payload, for diagnosis."""


@dataclass(frozen=True, kw_only=True)
class HubStarted(Event):
    """The hub came up."""

    version: str = ""


@dataclass(frozen=True, kw_only=True)
class HubStopped(Event):
    """The hub shut down cleanly."""


@dataclass(frozen=True, kw_only=True)
class BrokerConnected(Event):
    """The hub's MQTT link is up."""

    broker: str = ""


@dataclass(frozen=True, kw_only=True)
class BrokerDisconnected(Event):
    """The hub's MQTT link went down."""

    broker: str = ""
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class SubscriberFailed(Event):
    """A bus subscriber raised or timed out while handling the ``cause`` event."""

    subscriber: str
    error: str


@dataclass(frozen=True, kw_only=True)
class GenericEvent(Event):
    """A log row whose kind this version does not know (written by a newer version or a skill)."""

    name: str = ""
    payload: dict[str, Any] = field(default_factory=dict)


# --- conversation and skills ------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class UtteranceHeard(Event):
    """Someone said or typed something to carehub."""

    text: str
    language: str
    source: str = "text"
    """``text`` (CLI / HTTP), ``speech`` (a satellite's audio), ``satellite`` (a satellite's own transcript),
    ``test``."""


@dataclass(frozen=True, kw_only=True)
class IntentRecognized(Event):
    """An utterance matched a skill's intent; ``cause`` is the utterance."""

    intent: str
    skill: str
    slots: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class UtteranceNotUnderstood(Event):
    """No grammar matched an utterance; ``cause`` is the utterance."""

    text: str
    language: str


@dataclass(frozen=True, kw_only=True)
class ReplyGiven(Event):
    """carehub answered someone (spoken on a speaker or returned as text)."""

    text: str
    language: str = "en"
    room: str | None = None
    skill: str | None = None


@dataclass(frozen=True, kw_only=True)
class CommandSent(Event):
    """A command was published to a device's ``set`` topic."""

    command: str
    """The command class name, e.g. ``TurnOn``."""
    args: dict[str, Any] = field(default_factory=dict)
    topic: str = ""
    skill: str | None = None


@dataclass(frozen=True, kw_only=True)
class AlertRequested(Event):
    """A skill asked for caregivers to be alerted; the alert desk raises (or folds) the alert.

    Nobody has been told yet when this is logged: ``alert_raised`` and ``alert_delivered`` follow.
    """

    message: str | dict[str, str]
    """The text, or the text by language (``{"en": ..., "zh": ...}``) so each caregiver reads their own."""
    priority: str = "medium"
    """``high``, ``medium`` or ``low``."""
    alert_kind: str = ""
    skill: str | None = None
    self_cancel: bool = False
    """Whether the person may cancel it themselves (panic button "cancel", "I'm OK")."""


@dataclass(frozen=True, kw_only=True)
class SkillFailed(Event):
    """A skill's handler raised; ``cause`` is the event it was handling, if any."""

    skill: str
    handler: str
    error: str


@dataclass(frozen=True, kw_only=True)
class SkillLoadFailed(Event):
    """A skill could not be imported or validated; the hub runs on without it."""

    skill: str
    error: str


# --- caregiver alerts ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AlertRaised(Event):
    """An alert for caregivers was opened; ``cause`` is what it is about."""

    alert_id: str
    alert_kind: str
    priority: str
    message: str


@dataclass(frozen=True, kw_only=True)
class AlertFolded(Event):
    """The same condition happened again while its alert was open; ``count`` is how often in all."""

    alert_id: str
    count: int


@dataclass(frozen=True, kw_only=True)
class AlertDelivered(Event):
    """One delivery attempt of an alert step to one caregiver over one channel, and how it went."""

    alert_id: str
    caregiver: str
    channel: str
    """The channel's scheme and host only (no secrets)."""
    step: int
    ok: bool
    detail: str = ""


@dataclass(frozen=True, kw_only=True)
class AlertEscalated(Event):
    """Nobody acknowledged in time: the alert went to its next, wider step."""

    alert_id: str
    step: int
    caregivers: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class AlertUndeliverable(Event):
    """A step reached no caregiver at all over any channel."""

    alert_id: str
    step: int


@dataclass(frozen=True, kw_only=True)
class AlertAcknowledged(Event):
    """Someone took responsibility for an alert."""

    alert_id: str
    by: str
    """A caregiver id, or the person's id when they cancelled it themselves."""
    via: str
    """``http``, ``cli``, ``button``, ``voice`` or ``mqtt``."""


@dataclass(frozen=True, kw_only=True)
class AlertResolved(Event):
    """The alert's condition ended or someone closed it."""

    alert_id: str
    reason: str = ""
