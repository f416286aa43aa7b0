"""Letting a stopped home go in a worker that keeps the collector off what its homes built.

A worker freezes what its running homes built out of the collector's sight (``worker.py``): a full collection
walks every object of every home (about a second a thousand homes, past the lease at 5,000). A home's hub and its
parts refer to each other (the bus to its skills' handlers, the skills to their context, the context to the hub),
so when the home stops, reference counting alone frees none of it, and the frozen cycles stay until a collection of
everything, which a worker carrying more than ``COLLECT_UP_TO`` homes never runs: each home it took over and handed
back stayed in its memory (0.19 MB a home; eight hand-overs of 2,000 homes took a worker from 0.9 to 4 GB).

Once a home has stopped, nothing calls into its parts again: the partition has forgotten it, its tasks, timers and
threads have ended. Dropping what the hub and each of its own parts refer to breaks those cycles, and reference
counting frees the home at once, collector or not. Only the parts ``build_hub`` made for this home are emptied;
what its homes share (the clock, the partition's session and writer, the worker's models and grammars, the home's
configuration as the worker's scan keeps it) is left alone.
"""

from __future__ import annotations

OWN_PARTS = ("log", "bus", "state", "registry", "recorder", "reader", "link", "commands", "alerts", "escalation",
             "messenger", "skills", "conversation", "voice", "ingest", "app", "_agent")
"""The hub's attributes that are its own (made by ``build_hub`` for this home alone)."""


def dismantle(hub: object) -> None:
    """Empty a stopped hub (``assistant.app.Hub``, which only the root may import) and its own parts, so that
    reference counting frees them (see the module's text)."""
    parts = vars(hub)
    for name in OWN_PARTS:
        part = parts.get(name)
        if part is not None and hasattr(part, "__dict__"):
            vars(part).clear()
    parts.clear()
