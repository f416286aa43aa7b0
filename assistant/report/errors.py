"""Why a daily report cannot be made."""

from __future__ import annotations

from pathlib import Path

from assistant.errors import CarehubError


class ReportError(CarehubError):
    """A report cannot be made; the message says why."""


class UnknownPerson(ReportError):
    """The person is not in the configuration; ``known`` lists the ids that are."""

    def __init__(self, person: str, known: list[str]) -> None:
        self.person = person
        self.known = known
        super().__init__(f"no person with id '{person}' (known: {', '.join(known) or 'none configured'})")


class NoEventLog(ReportError):
    """There is no event log at ``path`` yet."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"no event log at {path} yet (start the hub with 'carehub run')")
