"""``home_assistant:`` in config.yaml: carehub's entities in Home Assistant (MQTT discovery, the way out), and
Home Assistant's own entities as carehub devices (its REST and websocket APIs, the way in)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

if TYPE_CHECKING:
    from assistant.config import Config

ENTITY_KINDS: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    "motion": ("motion", None, ("binary_sensor", "input_boolean")),
    "door": ("contact", "door", ("binary_sensor", "input_boolean")),
    "window": ("contact", "window", ("binary_sensor", "input_boolean")),
    "contact": ("contact", None, ("binary_sensor", "input_boolean")),
    "bed": ("occupancy", "bed", ("binary_sensor", "input_boolean")),
    "chair": ("occupancy", "chair", ("binary_sensor", "input_boolean")),
    "occupancy": ("occupancy", None, ("binary_sensor", "input_boolean")),
    "light": ("light", None, ("light", "switch", "input_boolean")),
    "switch": ("switch", None, ("switch", "input_boolean", "light", "fan")),
    "climate": ("climate", None, ("climate", "sensor")),
    "speaker": ("speaker", None, ("media_player",)),
    "phone": ("phone", None, ("device_tracker", "person")),
    "lock": ("lock", None, ("lock",)),
}
"""What ``kind`` may say: the carehub kind and subtype it becomes, and the Home Assistant domains it may map."""
ENTITY_ID = re.compile(r"^[a-z0-9_]+\.[a-z0-9_]+$")
RESERVED_IDS = ("hub", "zigbee2mqtt", "homeassistant")
HOME_ASSISTANT_HEARTBEAT = 86400
"""Seconds: a Home Assistant entity sends no heartbeats; while Home Assistant is reached it counts as reporting."""


def _check_id(value: str) -> str:
    from assistant.config import _check_id as check

    return check(value)


class HomeAssistantEntity(BaseModel):
    """One Home Assistant entity that carehub treats as one of its devices."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    """The carehub device id it becomes (what skills, the log and ``carehub devices`` call it)."""
    kind: str
    """``motion``, ``door``, ``window``, ``contact``, ``bed``, ``chair``, ``occupancy``, ``light``, ``switch``,
    ``climate``, ``speaker`` (a media player), ``phone`` (a device tracker: a location source) or ``lock``."""
    name: str | None = None
    """Spoken name ("hall light"); defaults to the id with dashes as spaces."""
    room: str | None = None
    person: str | None = None
    """Id of the person whose device it is (their bed, their phone)."""
    aliases: dict[str, list[str]] = Field(default_factory=dict)
    """Extra spoken names per language code."""
    tts: str | None = None
    """Speakers: the text-to-speech entity that speaks on it (``tts.piper``, ``tts.google_translate_en_com``)."""
    voice_unlock: bool = False
    """Locks: let "unlock the front door" work by voice (off: anyone outside the door could say it)."""

    _id = field_validator("id")(_check_id)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in ENTITY_KINDS:
            raise ValueError(f"unknown kind '{value}' (known: {', '.join(ENTITY_KINDS)})")
        return value

    def device_fields(self) -> dict[str, Any]:
        """The ``devices:`` entry this entity stands for."""
        kind, subtype, _ = ENTITY_KINDS[self.kind]
        return {"id": self.id, "kind": kind, "subtype": subtype, "name": self.name, "room": self.room,
                "person": self.person, "aliases": self.aliases, "heartbeat": HOME_ASSISTANT_HEARTBEAT,
                "voice_unlock": self.voice_unlock}


class HomeAssistantConfig(BaseModel):
    """Home Assistant and carehub (docs/home-assistant.md). Off unless a family turns it on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = False
    """Publish MQTT discovery for Home Assistant (people, alerts, vitals, devices) and let its login
    (``homeassistant``, ``carehub devices credentials homeassistant``) onto the broker."""
    not_seen_after: float = Field(12 * 3600.0, gt=0)
    """Seconds without anything noticed of a person (motion, doors, their watch, their voice) after which their
    status in Home Assistant reads ``not_seen`` instead of ``ok`` (an open alert still shows first)."""
    discovery_prefix: str = "homeassistant"
    """Home Assistant's discovery prefix (its MQTT integration's setting; ``homeassistant`` unless changed)."""
    users: dict[str, str] = Field(default_factory=dict)
    """Home Assistant user (name or id) -> caregiver id: each gets an "I'm on it" button on the people that
    caregiver looks after, which acknowledges the person's newest open alert as that caregiver."""
    url: str | None = None
    """Where carehub reaches Home Assistant (``http://homeassistant.local:8123``) to follow ``entities``."""
    token: SecretStr | None = None
    """A long-lived access token (Home Assistant: your profile > Security); never logged."""
    token_file: str | None = None
    """A file holding the token instead (read at each connection; relative to the config file's folder)."""
    token_env: str | None = None
    """An environment variable holding the token instead."""
    entities: dict[str, HomeAssistantEntity] = Field(default_factory=dict)
    """Home Assistant entity ids (``binary_sensor.hall_motion``) → the carehub device each one is."""
    grace_period: float = Field(300.0, ge=0, le=86400)
    """Seconds Home Assistant may be unreachable before caregivers are told (the event is logged at once)."""
    reconnect_max: float = Field(60.0, ge=1, le=3600)
    """The longest wait, in seconds, between tries to reach Home Assistant again (it doubles from 1 s)."""

    @field_validator("discovery_prefix")
    @classmethod
    def _plain_topic(cls, value: str) -> str:
        if not value or any(level == "" for level in value.split("/")) or any(c in value for c in "+#$\0"):
            raise ValueError(f"'{value}' is not a plain topic (no empty level, no '+', '#', '$')")
        return value

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if not re.match(r"^https?://[^/\s]+(/[^\s]*)?$", value):
            raise ValueError(f"'{value}' is not an http:// or https:// address of Home Assistant")
        return value.rstrip("/").removesuffix("/api")

    def token_path(self, base_dir: Path) -> Path | None:
        if self.token_file is None:
            return None
        path = Path(self.token_file).expanduser()
        return path if path.is_absolute() else base_dir / path

    def read_token(self, base_dir: Path) -> str:
        """The token from wherever config.yaml says (blocking when it is a file: call it in a thread);
        ValueError naming the setting when there is none to be had."""
        if self.token is not None:
            return self.token.get_secret_value().strip()
        if self.token_env is not None:
            value = os.environ.get(self.token_env, "").strip()
            if not value:
                raise ValueError(f"home_assistant.token_env: the environment variable {self.token_env} is not set")
            return value
        path = self.token_path(base_dir)
        if path is None:
            raise ValueError("home_assistant.token: not set")
        try:
            value = path.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ValueError(f"home_assistant.token_file: cannot read {path}: {error.strerror or error}") from None
        if not value:
            raise ValueError(f"home_assistant.token_file: {path} is empty")
        return value


def entity_problems(config: Config) -> list[str]:
    """What is wrong with ``home_assistant``'s way in, each with its path (``home_assistant.entities.<id>.kind``)."""
    ha = config.home_assistant
    problems: list[str] = []
    sources = [name for name in ("token", "token_file", "token_env") if getattr(ha, name) is not None]
    if ha.url is not None and not sources:
        problems.append("home_assistant.token: required with home_assistant.url (or token_file, or token_env)")
    if len(sources) > 1:
        problems.append(f"home_assistant.{sources[1]}: give one of token, token_file, token_env, not "
                        f"{' and '.join(sources)}")
    if ha.token is not None and not ha.token.get_secret_value().strip():
        problems.append("home_assistant.token: empty")
    path = ha.token_path(config.base_dir)
    if path is not None and not path.is_file():
        problems.append(f"home_assistant.token_file: no file at {path}")
    if ha.entities and ha.url is None:
        problems.append("home_assistant.url: required to follow home_assistant.entities")
    taken = {d.id for d in config.devices} | set(RESERVED_IDS)
    people = {p.id for p in config.people}
    for entity_id, entity in ha.entities.items():
        where = f"home_assistant.entities.{entity_id}"
        domain = entity_id.split(".")[0]
        if not ENTITY_ID.match(entity_id):
            problems.append(f"{where}: not a Home Assistant entity id (domain.object_id, e.g. light.hall)")
        elif domain not in ENTITY_KINDS[entity.kind][2]:
            problems.append(f"{where}.kind: a {entity.kind} is one of {', '.join(ENTITY_KINDS[entity.kind][2])}, "
                            f"not a {domain}")
        if entity.id in taken:
            problems.append(f"{where}.id: '{entity.id}' is taken (another device, or reserved)")
        taken.add(entity.id)
        if entity.person is not None and entity.person not in people:
            problems.append(f"{where}.person: no person with id '{entity.person}'")
        if entity.kind == "speaker" and entity.tts is None:
            problems.append(f"{where}.tts: a speaker needs the text-to-speech entity that speaks on it "
                            "(e.g. tts.piper)")
        if entity.tts is not None and (entity.kind != "speaker" or not entity.tts.startswith("tts.")):
            problems.append(f"{where}.tts: only a speaker has one, and it is a tts.* entity")
    return problems


def with_entities(config: Config) -> Config:
    """``config`` with each of Home Assistant's mapped entities among its devices."""
    if not config.home_assistant.entities:
        return config
    from assistant.config import DeviceConfig

    added = [DeviceConfig(**e.device_fields()) for e in config.home_assistant.entities.values()]
    return config.model_copy(update={"devices": [*config.devices, *added]})
