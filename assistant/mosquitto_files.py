"""The password file, ACL file and conf snippet that give Mosquitto the rules the embedded broker keeps.

``carehub broker mosquitto-config`` writes them; docs/security/mqtt.md says how to install them.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from assistant.mqtt_trust import DEVICE_PUBLISHES, DEVICE_READS, HOME_ASSISTANT_USER, ZIGBEE2MQTT_USER, MqttTrust

PBKDF2_ITERATIONS = 101
"""What ``mosquitto_passwd`` of Mosquitto 2.0 uses; Mosquitto reads the count from each line."""


def password_hash(password: str, salt: bytes | None = None, iterations: int = PBKDF2_ITERATIONS) -> str:
    """Mosquitto's ``$7$`` format: PBKDF2-SHA512 over a 12-byte salt, as ``mosquitto_passwd`` writes it."""
    salt = os.urandom(12) if salt is None else salt
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations, 64)
    return f"$7${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def password_file(trust: MqttTrust) -> str:
    """One ``user:hash`` line for the hub, the Zigbee2MQTT bridge, Home Assistant (when enabled) and every
    configured device."""
    users = [trust.hub_username, ZIGBEE2MQTT_USER, HOME_ASSISTANT_USER, *sorted(trust.devices)]
    lines = []
    for user in users:
        login = trust.login_for(user)
        if login is not None:
            lines.append(f"{user}:{password_hash(login.password)}")
    return "\n".join(lines) + "\n"


def acl_file(trust: MqttTrust) -> str:
    """The hub reads and writes everything; each device only its own topics (``%u`` is its user name)."""
    base = f"{trust.prefix}/{trust.home}/%u"
    lines = [
        "# carehub: written by `carehub broker mosquitto-config`; regenerate it after adding a device.",
        "# The hub: every topic (it alone may publish commands and read every device).",
        f"user {trust.hub_username}",
        "topic readwrite #",
        "",
        "# The Zigbee2MQTT bridge: its own tree only.",
        f"user {ZIGBEE2MQTT_USER}",
        f"topic readwrite {trust.zigbee2mqtt_topic}/#",
        "",
    ]
    if trust.home_assistant_prefix is not None:
        lines += ["# Home Assistant: discovery and what the hub shows it; it publishes its status and commands for",
                  "# the hub, which carries them out.", f"user {HOME_ASSISTANT_USER}"]
        lines += [f"topic read {topic}" for topic in trust.home_assistant_reads()]
        lines += [f"topic write {topic}" for topic in trust.home_assistant_writes()]
        lines.append("")
    lines += [
        "# Every device logs in with its id as user name: it publishes its own readings and events and",
        "# reads only the commands and speech meant for it.",
    ]
    lines += [f"pattern write {base}/{leaf}" for leaf in DEVICE_PUBLISHES]
    lines += [f"pattern read {base}/{leaf}" for leaf in DEVICE_READS]
    return "\n".join(lines) + "\n"


def conf_snippet(folder: Path, port: int, *, certfile: str | None = None, keyfile: str | None = None,
                 bind: str | None = None) -> str:
    """A conf.d file: no anonymous clients, the files above, and client ids bound to user names."""
    listener = [f"listener {port}" + (f" {bind}" if bind else "")]
    if certfile and keyfile:
        listener += [f"certfile {certfile}", f"keyfile {keyfile}"]
    return "\n".join([
        "# carehub: written by `carehub broker mosquitto-config` (docs/security/mqtt.md).",
        *listener,
        "allow_anonymous false",
        f"password_file {folder / 'carehub.passwd'}",
        f"acl_file {folder / 'carehub.acl'}",
        "# The client id is the login's user name, so no one without the hub's password can take over the",
        "# hub's persistent session (and the readings queued in it).",
        "use_username_as_clientid true",
        "",
    ])


def write_files(trust: MqttTrust, folder: Path, port: int, *, certfile: str | None = None,
                keyfile: str | None = None, bind: str | None = None) -> list[Path]:
    """Write ``carehub.passwd`` (owner-only), ``carehub.acl`` and ``carehub.conf`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    folder = folder.resolve()
    passwd = folder / "carehub.passwd"
    passwd.write_text(password_file(trust), encoding="utf-8")
    passwd.chmod(0o600)
    acl = folder / "carehub.acl"
    acl.write_text(acl_file(trust), encoding="utf-8")
    conf = folder / "carehub.conf"
    conf.write_text(conf_snippet(folder, port, certfile=certfile, keyfile=keyfile, bind=bind), encoding="utf-8")
    return [passwd, acl, conf]
