"""The one error hierarchy of carehub; every error carries its data as attributes."""

from __future__ import annotations


class CarehubError(Exception):
    """Base class of every error carehub raises on purpose."""


class ConfigError(CarehubError):
    """The configuration file is unreadable or invalid.

    ``problems`` lists every bad field as ``"path: message"`` so a user can fix them all at once.
    """

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: {len(problems)} problem(s)\n" + "\n".join(f"  {p}" for p in problems))


class ReasonError(CarehubError):
    """An error whose ``reason`` says, in words a person can act on, what was wrong."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class CannotStart(CarehubError):
    """The hub cannot start for a reason the person running it can fix: ``field`` is the setting to look at
    (``mqtt.port``), ``reason`` says what is wrong and what to do."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


def port_in_use(field: str, host: str, port: int, what: str) -> CannotStart:
    """The error for a port another program already listens on."""
    return CannotStart(field, f"{host}:{port} is already in use ({what}); stop that program or choose another "
                              f"{field.split('.')[-1]} in config.yaml")


class DecodeError(ReasonError):
    """A device payload could not be turned into events; ``reason`` says what was wrong."""


class UnsupportedCommand(CarehubError):
    """A command a device kind cannot carry out (``kind``, ``command``)."""

    def __init__(self, kind: str, command: object) -> None:
        self.kind = kind
        self.command = command
        super().__init__(f"a {kind} device cannot do {type(command).__name__}")


class SkillError(CarehubError):
    """A skill could not be loaded or set up; names the skill, the handler (if any) and the cause."""

    def __init__(self, skill: str, reason: str, handler: str | None = None) -> None:
        self.skill = skill
        self.handler = handler
        self.reason = reason
        where = f"skill '{skill}'" + (f", handler '{handler}'" if handler else "")
        super().__init__(f"{where}: {reason}")


class UnknownDevice(CarehubError):
    """A command or query for a device that is not in config.yaml."""

    def __init__(self, device: str) -> None:
        self.device = device
        super().__init__(f"unknown device '{device}'")


class UnknownId(CarehubError):
    """No ``what`` (``event``, ``alert``) has an id that is, starts with or ends with ``given``."""

    def __init__(self, what: str, given: str) -> None:
        self.what = what
        self.given = given
        super().__init__(f"no {what} with id {given}")


class AmbiguousId(CarehubError):
    """``given`` names more than one ``what``: ``candidates`` (the first few, ``more`` when there are others)."""

    def __init__(self, what: str, given: str, candidates: list[str], *, more: bool = False) -> None:
        self.what = what
        self.given = given
        self.candidates = candidates
        self.more = more
        listed = ", ".join(candidates) + (", ..." if more else "")
        super().__init__(f"{what} id {given} is ambiguous: it could be {listed}; give more of the id")
