"""Whether every alert can reach someone: people nobody looks after, and caregivers with no way to be told.

Pure: ``carehub run`` and ``carehub check`` print these as warnings (the hub still starts: an alert that
reaches nobody is logged and said aloud at home, docs/alerts.md).
"""

from __future__ import annotations

from collections.abc import Collection

from assistant.config import Config

LOOKED_AFTER = ("elder", "child")
"""The roles whose alerts must reach a caregiver; an adult may be one themselves."""


def reach_warnings(config: Config, signed_in: Collection[str]) -> list[str]:
    """One plain line per person whose alerts would reach nobody, or only an app that may be closed.

    ``signed_in`` holds the caregivers with a live session of the caregiver app.
    """
    warnings = []
    for index, person in enumerate(config.people):
        if person.role not in LOOKED_AFTER:
            continue
        caregivers = [c for c in config.caregivers if person.id in c.people]
        where = f"people[{index}] {person.id}"
        if not caregivers:
            warnings.append(f"{where}: no caregiver looks after {person.name}, so alerts about them reach nobody "
                            f"(carehub caregivers add NAME --for {person.id})")
            continue
        if any(c.channels for c in caregivers):
            continue
        ids = ", ".join(c.id for c in caregivers)
        if any(c.id in signed_in for c in caregivers):
            warnings.append(f"{where}: alerts about {person.name} reach {ids} only while the carehub app is open "
                            "on their phone; add a push channel (ntfy, Telegram, e-mail: docs/alerts.md)")
        else:
            first = caregivers[0].id
            warnings.append(f"{where}: no caregiver of {person.name} ({ids}) has a working channel: none has "
                            f"signed in to the carehub app or has a push channel (carehub caregivers link {first}, "
                            "or add a channel: docs/alerts.md)")
    return warnings
