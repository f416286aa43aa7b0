"""The caregiver app: a phone-first web app on the hub's own HTTP server (docs/caregiver-app.md).

``store`` keeps sign-in links and sessions; ``sessions`` the signed-in browsers; ``live`` the live inbox
and the app as a delivery channel; ``render`` and ``strings`` the pages in English and Chinese; ``pages``
the routes, added through the HTTP gate with their access rules; ``person`` (with ``person_data`` and
``person_render``) a person's page and their daily report. Plain HTML and a little JavaScript from
``static/``: no build step.
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.alerts.desk import AlertDesk
from assistant.app_web.live import AppLive
from assistant.app_web.pages import AppParts, add_routes
from assistant.app_web.sessions import Sessions
from assistant.app_web.store import AppStore
from assistant.clock import Clock
from assistant.config import Config
from assistant.ports import EventReader, EventSink
from assistant.skill_loader import SkillClass


def caregiver_app(config: Config, clock: Clock, desk: AlertDesk, reader: EventReader, sink: EventSink,
                  skills: Callable[[], list[SkillClass]] = lambda: []) -> AppParts:
    """The app's parts for one hub (``assistant/app.py`` makes them; ``Sessions.start`` reads the sessions);
    ``skills`` gives the running skills, for the daily report's sections."""
    sessions = Sessions(config, AppStore(config.database_path), clock)
    return AppParts(config=config, clock=clock, desk=desk, reader=reader, sink=sink, sessions=sessions,
                    live=AppLive(desk), skills=skills)


__all__ = ["AppLive", "AppParts", "AppStore", "Sessions", "add_routes", "caregiver_app"]
