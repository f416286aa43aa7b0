"""The ``Event`` base: the envelope every fact carries, its kind, and the registry that reads log rows back.

``Event.kind`` (snake_case of the class name) is the ``kind`` column of the event log; a second class
claiming a kind is refused, so a skill cannot silently take over the core's rows.
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



@dataclass(frozen=True, kw_only=True)
class GenericEvent(Event):
    """A log row whose kind this version does not know (written by a newer version or a skill)."""

    name: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
