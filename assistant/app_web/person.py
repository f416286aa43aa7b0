"""The person page and the daily report in the app: ``/app/people/{person}`` and ``/app/people/{person}/report``.

A caregiver opens only the people config.yaml links them to, a household member only their own page;
anyone else is told there is no such page (404, so a name does not leak). Every view is logged as
``person_data_viewed``. The log is read, and the page drawn, in a worker thread.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from aiohttp import web

from assistant.access import Principal
from assistant.alerts.model import Alert, AlertStatus
from assistant.app_web import person_render, render
from assistant.app_web.pages import _html, _language, _parts, _reader
from assistant.app_web.person_data import read_person
from assistant.app_web.strings import words
from assistant.events import PersonDataViewed
from assistant.http_guard import Gate, allow, principal_of
from assistant.report import collect, parse_day, today_at_home

FIRST_REPORT_DAY = date(2000, 1, 1)


def _person(request: web.Request, who: Principal) -> str:
    """The page's person, when ``who`` may see them; a 404 page otherwise (unknown and not theirs alike)."""
    person = request.match_info["person"]
    if _parts(request).config.person(person) is None or not who.may_see(person):
        language = _language(request, who)
        w = words(language)
        link = ("/app/", w["open_inbox"]) if who.role == "caregiver" else None
        raise web.HTTPNotFound(text=render.message_page(w["not_found"], w["not_found_text"], language, link=link),
                               content_type="text/html", headers=render.SECURITY_HEADERS)
    return person


async def _viewed(request: web.Request, who: Principal, page: str, person: str) -> None:
    await _parts(request).sink.emit(PersonDataViewed(viewer=who.name, page=page, person=person))


async def _open_alerts(request: web.Request, who: Principal, person: str) -> list[Alert]:
    desk = _parts(request).desk
    # A member sees the alerts about themselves; a caregiver those of their people (the desk's rule).
    alerts = await desk.list(who.id if who.role == "caregiver" else None, status=AlertStatus.OPEN, limit=50)
    return [alert for alert in alerts if alert.person == person]


async def person_page(request: web.Request) -> web.Response:
    """``GET /app/people/{person}``: now, today, vitals and NEWS2, seven days of trends, devices."""
    parts = _parts(request)
    who = principal_of(request)
    person = _person(request, who)
    reader = _reader(request)
    alerts = await _open_alerts(request, who, person)
    view = await asyncio.to_thread(read_person, parts.config, person, parts.clock.now())
    await _viewed(request, who, "person", person)
    page = await asyncio.to_thread(person_render.person_page, view, alerts, reader,
                                   alert_links=who.role == "caregiver")
    return _html(page)


async def report_page(request: web.Request) -> web.Response:
    """``GET /app/people/{person}/report[?date=YYYY-MM-DD]``: the daily report at phone width (today by default)."""
    parts = _parts(request)
    who = principal_of(request)
    person = _person(request, who)
    reader = _reader(request)
    w = reader.words
    today = today_at_home(parts.config, parts.clock.now())
    try:
        day = parse_day(request.query["date"]) if "date" in request.query else today
        if not FIRST_REPORT_DAY <= day <= today:
            raise ValueError(f"date: {day.isoformat()} is not a day with a report (from "
                             f"{FIRST_REPORT_DAY.isoformat()} to today, {today.isoformat()})")
    except ValueError as problem:
        back = (f"/app/people/{person}/report", w["p_report_today"])
        return _html(render.message_page(w["r_bad_date"], str(problem), reader.language, link=back), status=400)
    running = parts.skills()
    # SQLite reads and matplotlib both block: never on the hub's event loop.
    report = await asyncio.to_thread(collect, parts.config, person, day, now=parts.clock.now(), skills=running)
    await _viewed(request, who, "report", person)
    page = await asyncio.to_thread(person_render.report_page, report, reader, today=today,
                                   previous=day - timedelta(days=1) if day > FIRST_REPORT_DAY else None)
    return _html(page)


def add_routes(app: web.Application, gate: Gate) -> None:
    """The person page and its report, for caregivers (their people) and members (themselves)."""
    readers = allow("caregiver", "member")
    gate.add(app, "GET", "/app/people/{person}", person_page, readers)
    gate.add(app, "GET", "/app/people/{person}/report", report_page, readers)
