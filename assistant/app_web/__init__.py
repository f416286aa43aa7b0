"""The caregiver app: a phone-first web app on the hub's own HTTP server (docs/caregiver-app.md).

``store`` keeps sign-in links and sessions; ``sessions`` the signed-in browsers; ``live`` the live inbox
and the app as a delivery channel; ``render`` and ``strings`` the pages in English and Chinese; ``pages``
the routes, added through the HTTP gate with their access rules. Plain HTML and a little JavaScript from
``static/``: no build step.
"""

from __future__ import annotations

from assistant.alerts.desk import AlertDesk
from assistant.app_web.live import AppLive
from assistant.app_web.pages import AppParts, add_routes
from assistant.app_web.sessions import Sessions
from assistant.app_web.store import AppStore
from assistant.clock import Clock
from assistant.config import Config
from assistant.ports import EventReader, EventSink


def caregiver_app(config: Config, clock: Clock, desk: AlertDesk, reader: EventReader, sink: EventSink) -> AppParts:
    """The app's parts for one hub (``assistant/app.py`` makes them; ``Sessions.start`` reads the sessions)."""
    sessions = Sessions(config, AppStore(config.database_path), clock)
    return AppParts(config=config, clock=clock, desk=desk, reader=reader, sink=sink, sessions=sessions,
                    live=AppLive(desk))


__all__ = ["AppLive", "AppParts", "AppStore", "Sessions", "add_routes", "caregiver_app"]
