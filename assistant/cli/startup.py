"""Why ``carehub run`` could not start, as one line that names the setting and the fix, and its exit code:
2 for what the person running it can fix (a port in use, the database, a broker that refuses), 1 otherwise."""

from __future__ import annotations

import errno
import re
import sqlite3
from typing import Any

from assistant.config import Config, MqttConfig
from assistant.errors import CannotStart

FIRST_CONNECT_SECONDS = 15.0
"""How long ``run`` waits for the first answer of the broker before it carries on trying in the background."""

_ERRNO = re.compile(r"\[Errno (-?\d+)\]")
_NOT_AUTHORISED = {4, 5, 134, 135}
"""CONNACK codes: bad user name or password, not authorised (MQTT 3.1.1; then the same in MQTT 5)."""
_UNKNOWN_HOST = {-2, -5}
"""getaddrinfo's "name or service not known" and "no address for the name" (not -3, a DNS server that is
down for a moment: that is worth trying again)."""


async def refuse_a_refusing_broker(hub: Any) -> None:
    """Raise CannotStart when the broker refuses the hub's first connection: its login, or (an external
    broker) nothing listening at mqtt.host:mqtt.port, or no such host. A broker that is merely slow to answer
    is left to the link, which keeps trying."""
    if hub.link is None:
        return
    error = await hub.link.first_attempt(FIRST_CONNECT_SECONDS)
    problem = broker_refusal(hub.config.mqtt, error) if error is not None else None
    if problem is not None:
        raise problem from error


def broker_refusal(mqtt: MqttConfig, error: Exception) -> CannotStart | None:
    """What a failed connection to the broker means for the person running the hub; None when it is not
    one of the refusals retrying cannot mend."""
    where = f"{mqtt.host}:{mqtt.port}"
    code = getattr(error, "rc", None)
    code = getattr(code, "value", code)
    if code in _NOT_AUTHORISED:
        return _login_refused(mqtt, where, str(error))
    if mqtt.broker != "external":
        return None
    found = _ERRNO.search(str(error))
    number = int(found.group(1)) if found else None
    if number == errno.ECONNREFUSED:
        return CannotStart("mqtt.port", f"nothing accepts connections at {where} (connection refused): start the "
                                        "broker (sudo systemctl start mosquitto), correct mqtt.host and mqtt.port, "
                                        "or set mqtt.broker: embedded to use carehub's own")
    if number in _UNKNOWN_HOST:
        return CannotStart("mqtt.host", f"no host called '{mqtt.host}' ({str(error).split('] ')[-1]}); "
                                        "correct mqtt.host")
    return None


def _login_refused(mqtt: MqttConfig, where: str, said: str) -> CannotStart:
    said = said.split("] ")[-1]  # "[code:135] Not authorized"
    if mqtt.password is not None:
        return CannotStart("mqtt.password", f"the broker at {where} refused the login '{mqtt.username or 'hub'}' "
                                            f"({said}): correct mqtt.username and mqtt.password, or add that login "
                                            "to the broker")
    if mqtt.auth:
        return CannotStart("mqtt.auth", f"the broker at {where} refused carehub's login '{mqtt.username or 'hub'}' "
                                        f"({said}): give the broker carehub's logins with 'carehub broker "
                                        "mosquitto-config' and reload it (docs/security/mqtt.md), or set "
                                        "mqtt.username and mqtt.password to a login it accepts")
    return CannotStart("mqtt.username", f"the broker at {where} wants a login ({said}): set mqtt.username and "
                                        "mqtt.password, or mqtt.auth: true and give the broker carehub's logins "
                                        "with 'carehub broker mosquitto-config'")


def start_failure(error: BaseException, config: Config) -> tuple[str, int]:
    """The line to print (after "cannot start: ") and the exit code."""
    if isinstance(error, CannotStart):
        return str(error), 2
    database = config.database_path
    if isinstance(error, sqlite3.OperationalError):  # cannot open, read-only, I/O error
        return (f"storage.database: {database}: {error}; check that the user running carehub may read and write "
                f"{database.parent} and the file, or set storage.database elsewhere"), 2
    if isinstance(error, sqlite3.Error):  # not a database, or a damaged one
        return (f"storage.database: {database}: {error}; restore it from a backup or move it away (carehub "
                "then starts a new one), or set storage.database elsewhere"), 2
    if isinstance(error, OSError) and error.filename and str(error.filename).startswith(str(database.parent)):
        return (f"storage.database: {error.filename}: {error.strerror or error}; let the user running carehub "
                f"read and write {database.parent}, or set storage.database elsewhere"), 2
    if isinstance(error, OSError):
        return str(error), 1
    return f"{type(error).__name__}: {error} (run 'carehub --debug run' for the traceback)", 1
