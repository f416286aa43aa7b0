"""Who may log in to the broker and what each login may publish and read: pure rules over the config.

Every device logs in with its id as user name and a password derived from the hub's secret (as caregivers'
tokens are), so nothing new is stored and the hub can check a login without a password file. The same
rules drive the embedded broker's plugin (``assistant/broker.py``) and the Mosquitto files
(``assistant/mosquitto_files.py``); docs/security/mqtt.md explains them.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from assistant import topics
from assistant.config import Config

HUB_USER = "hub"
"""The hub's login when ``mqtt.username`` is not set; ``hub`` is never a device id."""
ZIGBEE2MQTT_USER = "zigbee2mqtt"
"""The login of the Zigbee2MQTT bridge: it may publish and read under ``mqtt.zigbee2mqtt_topic`` only."""
HOME_ASSISTANT_USER = "homeassistant"
"""The login of Home Assistant's MQTT integration, when ``home_assistant.enabled``: it reads discovery and what
the hub publishes for it, and publishes its own status and commands for the hub (docs/home-assistant.md)."""

DEVICE_PUBLISHES = ("state", "event", "availability", "audio/start", "audio/end", "audio/chunk/+")
"""Topic leaves under ``<prefix>/<home>/<device>/`` a device may publish on (docs/mqtt.md)."""
DEVICE_READS = ("set", "speech")
"""Topic leaves under ``<prefix>/<home>/<device>/`` a device may subscribe to: commands for it alone."""


def derive_password(secret: str, user: str) -> str:
    """A login's password, derived from the hub's secret: the same on every run, never stored."""
    return hmac.new(secret.encode(), f"mqtt:{user}".encode(), hashlib.sha256).hexdigest()[:32]


def topic_matches(topic_filter: str, topic: str) -> bool:
    """MQTT matching of one topic against one filter (``+`` one level, ``#`` the rest)."""
    want, have = topic_filter.split("/"), topic.split("/")
    for i, level in enumerate(want):
        if level == "#":
            return True
        if i >= len(have) or (level != "+" and level != have[i]):
            return False
    return len(want) == len(have)


def filter_within(requested: str, allowed: str) -> bool:
    """Every topic ``requested`` can match is matched by ``allowed`` (a subscription stays inside it)."""
    want, have = requested.split("/"), allowed.split("/")
    for i, level in enumerate(have):
        if level == "#":
            return True
        if i >= len(want):
            return False
        if want[i] == "#" or (want[i] == "+" and level != "+"):
            return False
        if level != "+" and level != want[i]:
            return False
    return len(want) == len(have)


@dataclass(frozen=True)
class Login:
    """A user name and password to connect with."""

    username: str
    password: str


@dataclass(frozen=True)
class MqttTrust:
    """Logins and access rules of one home's broker."""

    secret: str
    """The hub's secret (kept in the event log database)."""
    prefix: str
    home: str
    devices: frozenset[str]
    """Configured device ids: each may log in as itself."""
    hub_client_id: str
    """Only the hub's login may connect with this client id, so no one can take over its session."""
    zigbee2mqtt_topic: str = "zigbee2mqtt"
    hub_username: str = HUB_USER
    hub_password: str | None = None
    """``mqtt.password`` when set; else derived from the secret."""
    home_assistant_prefix: str | None = None
    """Home Assistant's discovery prefix when ``home_assistant.enabled`` (its login exists only then)."""

    def home_assistant_reads(self) -> list[str]:
        """Topic filters Home Assistant's login may read: discovery, the hub's status, what the hub shows it."""
        if self.home_assistant_prefix is None:
            return []
        return [f"{self.home_assistant_prefix}/#", topics.hub_topic(self.prefix, self.home, "status"),
                topics.home_assistant_topic(self.prefix, self.home, "#")]

    def home_assistant_writes(self) -> list[str]:
        """Topic filters Home Assistant's login may publish on: its own status (birth and last will) and
        commands for the hub, which carries them out (and logs them) as it does its own."""
        if self.home_assistant_prefix is None:
            return []
        return [f"{self.home_assistant_prefix}/status",
                topics.home_assistant_topic(self.prefix, self.home, "+", "+", "+", "set")]

    @property
    def hub_login(self) -> Login:
        return Login(self.hub_username, self.hub_password or derive_password(self.secret, HUB_USER))

    def login_for(self, user: str) -> Login | None:
        """The credential of the hub, a configured device or the Zigbee2MQTT bridge; None for anyone else."""
        if user == self.hub_username:
            return self.hub_login
        if user in self.devices or user == ZIGBEE2MQTT_USER or (
                user == HOME_ASSISTANT_USER and self.home_assistant_prefix is not None):
            return Login(user, derive_password(self.secret, user))
        return None

    def authenticate(self, username: str | None, password: str | None, client_id: str | None,
                     will_topic: str | None = None) -> str | None:
        """Why a connection is refused, or None to accept it (compared in constant time).

        A last will is a publish the broker makes for the client later, so its topic must be one the
        login may publish on (else a device could leave a fake SOS behind as its will).
        """
        if not username:
            return "anonymous clients are refused: log in with the device's credential"
        login = self.login_for(username)
        if login is None or not hmac.compare_digest(login.password.encode(), (password or "").encode()):
            return f"wrong user name or password for '{username}'"
        if client_id == self.hub_client_id and username != self.hub_username:
            return f"client id '{client_id}' is the hub's; '{username}' may not use it"
        if will_topic and not self.may_publish(username, will_topic):
            return f"'{username}' may not leave a last will on {will_topic}"
        return None

    def _device_topics(self, user: str, leaves: tuple[str, ...]) -> list[str]:
        return [f"{self.prefix}/{self.home}/{user}/{leaf}" for leaf in leaves]

    def may_publish(self, user: str | None, topic: str) -> bool:
        if user == self.hub_username:
            return True
        if user == ZIGBEE2MQTT_USER:
            return topic_matches(f"{self.zigbee2mqtt_topic}/#", topic)
        if user == HOME_ASSISTANT_USER:
            return any(topic_matches(f, topic) for f in self.home_assistant_writes())
        if user in self.devices:
            return any(topic_matches(f, topic) for f in self._device_topics(user, DEVICE_PUBLISHES))
        return False

    def may_subscribe(self, user: str | None, topic_filter: str) -> bool:
        if user == self.hub_username:
            return True
        if user == ZIGBEE2MQTT_USER:
            return filter_within(topic_filter, f"{self.zigbee2mqtt_topic}/#")
        if user == HOME_ASSISTANT_USER:
            return any(filter_within(topic_filter, f) for f in self.home_assistant_reads())
        if user in self.devices:
            return any(filter_within(topic_filter, f) for f in self._device_topics(user, DEVICE_READS))
        return False

    def may_receive(self, user: str | None, topic: str) -> bool:
        if user == self.hub_username:
            return True
        if user == ZIGBEE2MQTT_USER:
            return topic_matches(f"{self.zigbee2mqtt_topic}/#", topic)
        if user == HOME_ASSISTANT_USER:
            return any(topic_matches(f, topic) for f in self.home_assistant_reads())
        if user in self.devices:
            return any(topic_matches(f, topic) for f in self._device_topics(user, DEVICE_READS))
        return False


def trust_for(config: Config, secret: str) -> MqttTrust:
    """The rules of the configured home, with logins derived from ``secret``."""
    mqtt = config.mqtt
    return MqttTrust(
        secret=secret, prefix=mqtt.topic_prefix, home=config.home.id,
        devices=frozenset(d.id for d in config.devices), hub_client_id=mqtt.client_id,
        zigbee2mqtt_topic=mqtt.zigbee2mqtt_topic, hub_username=mqtt.username or HUB_USER,
        hub_password=mqtt.password,
        home_assistant_prefix=config.home_assistant.discovery_prefix if config.home_assistant.enabled else None)
