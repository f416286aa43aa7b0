"""What a skill adds to a person's daily report (public as ``skills.sdk``): the day it is given, the section it returns.

A skill's ``daily_report`` classmethod is pure: it receives a ``ReportDay`` (everything as data) and returns a
``ReportSection`` that the core lays out, adds to the summary paragraph and timeline, and charts.
Every text in a section may be given by language, ``{"en": "Sleep", "zh": "睡眠"}`` or ``Words("Sleep",
zh="睡眠")``, wherever plain text is taken; the report picks the reader's when it is drawn (``text_in``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
import datetime as dt
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from assistant.events import Event

ACTIVITY_ORDER = 100
"""Where the core's Activity section goes among the sections (see ``ReportSection.order``)."""
ALERTS_ORDER = 400
"""Where the core's Alerts section goes."""

Text = str | Mapping[str, str]
"""Words for people to read: plain text, or by language (``{"en": "Sleep", "zh": "睡眠"}``; ``zh`` serves
``zh-CN`` readers, English anyone the text has no words for)."""
Cell = Text | int | float
"""A value in a table or a fact; shown as text."""


class Words(str):
    """English text that carries its words in other languages too: ``Words("Sleep", zh="睡眠")`` is the
    text ``"Sleep"`` everywhere a string is used (compared, joined, logged), and ``睡眠`` on a Chinese report.
    Keyword names are language codes, ``_`` for ``-`` (``zh_TW="睡眠"``)."""

    by_language: dict[str, str]

    def __new__(cls, en: str, **others: str) -> Words:
        if not isinstance(en, str) or not all(isinstance(text, str) for text in others.values()):
            raise TypeError(f"Words takes text in each language, got {en!r}, {others!r}")
        words = super().__new__(cls, en)
        words.by_language = {"en": en, **{code.replace("_", "-"): text for code, text in others.items()}}
        return words


def text_in(text: Text | int | float, language: str | None) -> str:
    """``text`` for a reader of ``language``: plain text as it is, by language the reader's (``zh-CN``, then
    ``zh``, then any ``zh-*``), then English, then any; a number as text."""
    if isinstance(text, Words):
        text = text.by_language
    if isinstance(text, Mapping):
        language = language or "en"
        family = language.split("-")[0].lower()
        found = text.get(language) or text.get(family) or next(
            (words for code, words in text.items() if code.split("-")[0].lower() == family and words), None)
        return found or text.get("en") or next(iter(text.values()), "")
    return str(text)


def _nothing_stored(key: str) -> Any:
    return None


@dataclass(frozen=True)
class ReportDay:
    """One person's local calendar day, as data: what a skill's ``daily_report`` builds its section from."""

    person: str
    """The person's id, e.g. ``grandma``."""
    name: str
    """Their name for people to read, e.g. ``Margaret``."""
    date: date
    """The calendar day in the home's time zone."""
    timezone: str
    """The home's time zone name, e.g. ``Europe/London``."""
    start: datetime
    """Local midnight that begins the day (aware, in the home's zone)."""
    end: datetime
    """Local midnight that ends it: 23 or 25 hours after ``start`` on the days the clocks change."""
    complete: bool
    """The day is over; False while it is still going on (the report covers it so far)."""
    events: tuple[Event, ...] = ()
    """Every event of the person that day, oldest first, typed (filter with ``isinstance``). A row that
    no longer fits its class (written by an older version) comes as a ``GenericEvent``."""
    stored: Callable[[str], Any] = field(default=_nothing_stored, repr=False)
    """``stored(key)``: the value under ``key`` in this skill's own key-value store, or None; read-only, and
    only during the ``daily_report`` call."""

    @classmethod
    def of(cls, person: str, day: dt.date, timezone: str, *, name: str = "", events: tuple[Event, ...] = (),
           stored: Callable[[str], Any] | None = None, now: datetime | None = None) -> ReportDay:
        """``person``'s day ``day`` in ``timezone``, bounds worked out; complete unless ``now`` comes before its end."""
        zone = ZoneInfo(timezone)
        start = datetime.combine(day, time(0), tzinfo=zone)
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)  # 23 or 25 h on DST days
        return cls(person=person, name=name or person, date=day, timezone=timezone, start=start, end=end,
                   complete=now is None or now >= end, events=tuple(events), stored=stored or _nothing_stored)

    def local(self, when: datetime) -> datetime:
        """``when`` in the home's time zone (for ``%H:%M`` in a table)."""
        return when.astimezone(self.start.tzinfo)


@dataclass(frozen=True)
class Series:
    """One labelled time series on a chart panel."""

    label: Text
    """Its name in the panel's legend (a legend is drawn when a panel has more than one series)."""
    points: tuple[tuple[datetime, float], ...] = ()
    """(aware time, value), oldest first; drawn against the home's time of day."""
    step: bool = False
    """Draw steps (a value that holds until the next one, like a score) instead of a line through points."""

    def __post_init__(self) -> None:
        _check_text(self, "label")
        _as_tuple(self, "points")
        for point in self.points:
            if not (isinstance(point, tuple) and len(point) == 2 and _is_time(point[0]) and _is_number(point[1])):
                raise TypeError(f"series {self.label!r}: a point must be (aware datetime, finite number), "
                                f"got {point!r}")


@dataclass(frozen=True)
class Panel:
    """One panel of a chart: a value axis and its series; a chart's panels share the day's time axis."""

    title: Text
    unit: Text = ""
    """Shown after the title in brackets, e.g. ``bpm``; empty for none."""
    series: tuple[Series, ...] = ()

    def __post_init__(self) -> None:
        _check_text(self, "title", "unit")
        _check_items(self, "series", Series)


@dataclass(frozen=True)
class Chart:
    """A chart of the day: panels stacked over one time axis, 00:00 to 24:00 in the home's time zone."""

    title: Text
    """What it shows, in a few words (the picture's alternative text)."""
    panels: tuple[Panel, ...] = ()

    def __post_init__(self) -> None:
        _check_text(self, "title")
        _check_items(self, "panels", Panel)


@dataclass(frozen=True)
class ReportTable:
    """A small table: column headers and rows of values."""

    headers: tuple[Text, ...]
    rows: tuple[tuple[Cell, ...], ...] = ()

    def __post_init__(self) -> None:
        _as_tuple(self, "headers")
        if not all(_is_text(h) for h in self.headers):
            raise TypeError(f"table headers must be text, got {self.headers!r}")
        _as_tuple(self, "rows")
        object.__setattr__(self, "rows", tuple(tuple(row) for row in self.rows))
        for row in self.rows:
            if not all(_is_cell(c) for c in row):
                raise TypeError(f"a table cell must be text or a number, got {row!r}")


@dataclass(frozen=True)
class ReportSection:
    """A skill's section of a person's daily report."""

    title: Text
    """Its heading, e.g. ``Sleep`` or ``{"en": "Sleep", "zh": "睡眠"}``; also names it in "No activity, sleep
    or alerts were recorded"."""
    order: int = 1000
    """Where it goes: sections sort by it (then by skill id); the core's Activity is 100, its Alerts 400."""
    summary: tuple[Text, ...] = ()
    """Sentences for the report's summary paragraph, in order; may be empty."""
    facts: tuple[tuple[Text, Cell], ...] = ()
    """(label, value) pairs, shown as a two-column table."""
    tables: tuple[ReportTable, ...] = ()
    timeline: tuple[tuple[datetime, Text], ...] = ()
    """(aware time, what happened) entries merged into the day's timeline."""
    charts: tuple[Chart, ...] = ()
    activity: tuple[datetime, ...] = ()
    """Moments the person did something only this skill knows of (an answer it logged); they count
    towards the day's first and last activity and its quiet spells."""
    empty: Text = ""
    """The sentence shown instead when the section has no facts, tables or charts."""
    has_data: bool = False
    """Something was recorded that day (a schedule alone is not data); a day where nothing has is "empty"."""

    def __post_init__(self) -> None:
        _check_text(self, "title", "empty")
        name = text_in(self.title, "en")
        if isinstance(self.order, bool) or not isinstance(self.order, int):
            raise TypeError(f"section {name!r}: order must be an int, got {self.order!r}")
        if not isinstance(self.has_data, bool):
            raise TypeError(f"section {name!r}: has_data must be True or False, got {self.has_data!r}")
        _as_tuple(self, "summary")
        if not all(_is_text(s) for s in self.summary):
            raise TypeError(f"section {name!r}: summary must be sentences (text), got {self.summary!r}")
        _as_tuple(self, "facts")
        object.__setattr__(self, "facts", tuple(tuple(f) for f in self.facts))
        for fact in self.facts:
            if not (len(fact) == 2 and _is_text(fact[0]) and _is_cell(fact[1])):
                raise TypeError(f"section {name!r}: a fact must be (label, value), got {fact!r}")
        _check_items(self, "tables", ReportTable)
        _check_items(self, "charts", Chart)
        _as_tuple(self, "timeline")
        object.__setattr__(self, "timeline", tuple(tuple(e) for e in self.timeline))
        for entry in self.timeline:
            if not (len(entry) == 2 and _is_time(entry[0]) and _is_text(entry[1])):
                raise TypeError(f"section {name!r}: a timeline entry must be (aware datetime, text), "
                                f"got {entry!r}")
        _as_tuple(self, "activity")
        if not all(_is_time(t) for t in self.activity):
            raise TypeError(f"section {name!r}: activity must be aware datetimes, got {self.activity!r}")


# A section is checked when the skill makes it, so a malformed one fails inside the skill's own call (and
# is left out of the report) instead of breaking the page later. Lists are taken and kept as tuples.


def _as_tuple(obj: Any, name: str) -> None:
    value = getattr(obj, name)
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(f"{type(obj).__name__}.{name} must be a tuple, got {value!r}")
    object.__setattr__(obj, name, tuple(value))


def _check_items(obj: Any, name: str, kind: type) -> None:
    _as_tuple(obj, name)
    for item in getattr(obj, name):
        if not isinstance(item, kind):
            raise TypeError(f"{type(obj).__name__}.{name} must hold {kind.__name__} items, got {item!r}")


def _check_text(obj: Any, *names: str) -> None:
    for name in names:
        if not _is_text(getattr(obj, name)):
            raise TypeError(f"{type(obj).__name__}.{name} must be text (or text by language, "
                            f"{{'en': ..., 'zh': ...}}), got {getattr(obj, name)!r}")


def _is_text(value: Any) -> bool:
    """Plain text, or a non-empty mapping of language codes to text."""
    if isinstance(value, str):
        return True
    return (isinstance(value, Mapping) and bool(value)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()))


def _is_time(value: Any) -> bool:
    return isinstance(value, datetime) and value.tzinfo is not None and value.utcoffset() is not None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_cell(value: Any) -> bool:
    return _is_text(value) or _is_number(value)


__all__ = ["ACTIVITY_ORDER", "ALERTS_ORDER", "Cell", "Chart", "Panel", "ReportDay", "ReportSection", "ReportTable",
           "Series", "Text", "Words", "text_in"]
