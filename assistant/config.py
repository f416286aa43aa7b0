"""config.yaml: pydantic models, loading, and error reports that name every bad field at once."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.config_problems import cross_reference_problems, pydantic_problems, token_problems
from assistant.errors import ConfigError
from assistant.homeassistant.config import HomeAssistantConfig, entity_problems, with_entities
from assistant.llm.config import LlmConfig
from assistant.speech.stt import SpeechSettings

ENV_VAR = "CAREHUB_CONFIG"
DEVICE_KINDS = (
    "wearable", "motion", "contact", "occupancy", "light", "switch",
    "climate", "button", "pillbox", "speaker", "phone", "fan", "cover", "lock",
)
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(
            f"'{value}' is not a valid id (lower-case letters, digits, '-' and '_', at most 64)"
        )
    return value


class HomeConfig(_Model):
    """The household this hub serves."""

    id: str = "home"
    """Appears in every MQTT topic: ``carehub/<id>/...``."""
    name: str = "Home"
    timezone: str = "UTC"
    """IANA zone name, e.g. ``Asia/Shanghai``; schedules and reports use it."""
    language: str = "en"

    _id = field_validator("id")(_check_id)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{value}'") from None
        return value


class MqttConfig(_Model):
    """How the hub reaches its broker."""

    broker: Literal["embedded", "external"] = "embedded"
    """``embedded`` starts an amqtt broker inside the hub; ``external`` connects to Mosquitto or EMQX."""
    host: str = "127.0.0.1"
    port: int = Field(1883, ge=1, le=65535)
    auth: bool = True
    """Every client logs in: devices with their credential (``carehub devices credentials ID``), the hub
    with its own. The embedded broker refuses anyone else and keeps each device to its own topics
    (docs/security/mqtt.md); ``false`` opens the embedded broker to every client on the network."""
    username: str | None = None
    """The hub's login; unset means ``hub`` with a password derived from the hub's secret."""
    password: str | None = None
    """The hub's password, with ``username``."""
    tls: bool = False
    """Speak TLS: the embedded broker listens with ``certfile``/``keyfile``; the hub checks the broker's
    certificate against ``ca_file`` (or the system's CAs). Use port 8883."""
    ca_file: str | None = None
    """PEM file of the CA (or the self-signed certificate) the broker's certificate must chain to."""
    certfile: str | None = None
    """Embedded broker with ``tls``: its certificate chain (PEM)."""
    keyfile: str | None = None
    """Embedded broker with ``tls``: the certificate's private key (PEM)."""
    topic_prefix: str = "carehub"
    client_id: str = "carehub-hub"
    """Fixed so the broker keeps the hub's persistent session across restarts; only the hub's login may
    use it."""
    keepalive: int = Field(30, ge=5, le=3600)
    max_payload_bytes: int = Field(65536, ge=256, le=16 * 1024 * 1024)
    session_expiry: int = Field(3600, ge=60)
    """Seconds the embedded broker keeps a disconnected client's session and queue."""
    zigbee2mqtt_topic: str = "zigbee2mqtt"

    @field_validator("topic_prefix", "zigbee2mqtt_topic")
    @classmethod
    def _plain_topic(cls, value: str) -> str:
        if not value or any(level == "" for level in value.split("/")):
            raise ValueError(f"'{value}' has an empty topic level (no leading, trailing or double '/')")
        if any(c in value for c in "+#$\0"):
            raise ValueError(f"'{value}' may not contain the MQTT wildcards '+' or '#', '$' or NUL")
        return value

    def problems(self, base_dir: Path) -> list[str]:
        """Bad combinations of fields, each with its path (the files are looked for, too)."""
        problems = []
        if self.username is not None and self.password is None:
            problems.append("mqtt.password: required when mqtt.username is set")
        if self.password is not None and self.username is None:
            problems.append("mqtt.username: required when mqtt.password is set")
        if self.tls:
            if self.broker == "embedded":
                problems += [f"mqtt.{name}: required for the embedded broker with mqtt.tls: true"
                             for name in ("certfile", "keyfile") if not getattr(self, name)]
            for name in ("ca_file", "certfile", "keyfile"):
                value = getattr(self, name)
                if value and not self.path(value, base_dir).is_file():
                    problems.append(f"mqtt.{name}: no file at {self.path(value, base_dir)}")
        else:
            problems += [f"mqtt.{name}: only used with mqtt.tls: true" for name in ("ca_file", "certfile", "keyfile")
                         if getattr(self, name)]
        return problems

    def path(self, value: str, base_dir: Path) -> Path:
        """One of the TLS files, relative paths taken from the config file's folder."""
        path = Path(value).expanduser()
        return path if path.is_absolute() else base_dir / path


class StorageConfig(_Model):
    """Where the event log lives."""

    database: str = "data/carehub.db"
    """Relative paths are taken from the config file's folder."""


def _check_token(value: str | None) -> str | None:
    from assistant.credentials import token_problem

    problem = token_problem(value) if value is not None else None
    if problem:
        raise ValueError(problem)
    return value


class AdminConfig(_Model):
    """Someone who may do everything over HTTP (read every event, acknowledge any alert)."""

    id: str
    token: str | None = None
    """At least 32 characters, or ``sha256:<hex>`` of one; derived from the hub's secret when not set
    (``carehub tokens show admin <id>``)."""

    _id = field_validator("id")(_check_id)
    _token = field_validator("token")(_check_token)


class HttpConfig(_Model):
    """The hub's HTTP API (docs/security/http.md)."""

    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = Field(8765, ge=0, le=65535)
    admins: list[AdminConfig] = Field(default_factory=list)
    """People who may do everything; the hub's own command line is always one (``hub``)."""
    allowed_origins: list[str] = Field(default_factory=list)
    """Browser origins besides the hub's own (``https://family.example``) allowed to POST."""
    idle_timeout: float = Field(15.0, gt=0, le=3600)
    """Seconds a connection may wait for (the whole head of) its next request before it is closed."""
    request_timeout: float = Field(300.0, gt=0, le=3600)
    """Seconds one request (reading its body included) may take before its connection is closed."""
    max_connections_per_client: int = Field(32, ge=1, le=10000)
    """Open connections per client address; past it, that address's longest-idle one is closed."""
    max_connections: int = Field(256, ge=1, le=100000)
    """Open connections in all; past it, the longest-idle one is closed."""
    sign_in_failures_per_minute: int = Field(10, ge=1, le=10000)
    """Wrong tokens per client address per minute before it is answered 429."""
    acks_per_minute: int = Field(20, ge=1, le=10000)
    """Acknowledgements per client address per minute before it is answered 429."""


class PersonConfig(_Model):
    """Someone the household cares for, or a member of it."""

    id: str
    name: str
    role: Literal["elder", "child", "adult"] = "adult"
    language: str | None = None
    """Defaults to the home's language."""
    token: str | None = None
    """Their household-member credential for the HTTP API (a tablet or phone at home): at least 32
    characters, or ``sha256:<hex>`` of one; derived from the hub's secret when not set."""

    _id = field_validator("id")(_check_id)
    _token = field_validator("token")(_check_token)


class DeviceConfig(_Model):
    """A device the hub accepts messages from."""

    id: str
    kind: str
    name: str | None = None
    """Spoken name, e.g. "kitchen light"; defaults to the id with dashes as spaces."""
    person: str | None = None
    """Id of the person who wears or owns it."""
    room: str | None = None
    subtype: str | None = None
    """For contacts: door, window, fridge, medicine_cabinet; for occupancy: bed, chair; for covers: blind,
    curtain, shade, shutter, awning, garage, gate (what it is called: "open the blinds")."""
    heartbeat: int = Field(300, ge=5, le=86400)
    """Seconds between the device's heartbeats; silence for 2.5x this marks it as not reporting."""
    zigbee2mqtt: str | None = None
    """Friendly name when the device is paired with Zigbee2MQTT."""
    aliases: dict[str, list[str]] = Field(default_factory=dict)
    """Extra spoken names per language code."""
    placement: Literal["wrist", "waist", "pendant"] | None = None
    """Wearables: where it is worn — ``wrist`` (a watch), ``waist`` (on a belt or in a trouser pocket) or
    ``pendant`` (on a cord at the chest). Fall detection uses the parameters validated for that place;
    unset means ``wrist``, the usual watch."""
    speech: Literal["text", "audio"] = "text"
    """Speakers: ``text`` — the device says the text itself (``{"say": ...}`` on ``set``); ``audio`` — carehub
    synthesizes it (Piper for English when installed, espeak-ng otherwise and for Chinese) and publishes
    the WAV on ``.../speech``."""
    voice_unlock: bool = False
    """Locks: let "unlock the front door" work by voice. Off, since anyone outside the door could say it."""

    _id = field_validator("id")(_check_id)

    @model_validator(mode="after")
    def _fields_of_their_kind(self) -> "DeviceConfig":
        if self.placement is not None and self.kind != "wearable":
            raise ValueError(f"placement: only a wearable is worn somewhere, not a {self.kind}")
        if self.voice_unlock and self.kind != "lock":
            raise ValueError(f"voice_unlock: only a lock is unlocked, not a {self.kind}")
        return self

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in DEVICE_KINDS:
            raise ValueError(f"unknown kind '{value}' (known: {', '.join(DEVICE_KINDS)})")
        return value

    @property
    def display_name(self) -> str:
        return self.name or self.id.replace("-", " ").replace("_", " ")


class CaregiverConfig(_Model):
    """Someone who receives alerts about the people they look after."""

    id: str
    name: str = ""
    language: str = "en"
    """Language of the alerts they receive (en, zh-CN, ...)."""
    channels: list[str] = Field(default_factory=list)
    """Apprise URLs, tried in order: ``ntfys://ntfy.sh/topic``, ``tgram://...``, ``json://host/path``."""
    people: list[str] = Field(default_factory=list)
    """Ids of the people they look after."""
    tier: int = Field(1, ge=1, le=9)
    """Escalation order: tier 1 is told first, tier 2 when tier 1 does not acknowledge, and so on."""
    quiet_hours: str | None = None
    """``"22:00-07:00"`` in the home's time zone: low-priority alerts wait until it ends."""
    token: str | None = None
    """Secret for acknowledging over HTTP: at least 32 characters, or ``sha256:<hex>`` of one (then their
    links carry the derived token); derived from the hub's secret when not set."""
    aliases: dict[str, list[str]] = Field(default_factory=dict)
    """What the people at home call them, per language: ``{en: ["my daughter"], zh-CN: ["女儿"]}`` (their
    ``name`` counts too), so "tell my daughter I'm home" reaches them."""

    _id = field_validator("id")(_check_id)
    _token = field_validator("token")(_check_token)

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$", value):
            raise ValueError(f"'{value}' is not HH:MM-HH:MM")
        return value

    @field_validator("channels")
    @classmethod
    def _urls(cls, value: list[str]) -> list[str]:
        for url in value:
            if "://" not in url:
                raise ValueError(f"'{url}' is not an Apprise URL (scheme://...)")
        return value


class HighPolicy(_Model):
    """High priority: everyone in tier 1 at once, then repeat and widen a tier at a time."""

    repeat_every: float = Field(60.0, gt=0)
    """Seconds without an acknowledgement before the next, wider round."""
    max_rounds: int = Field(30, ge=1)
    """Rounds before escalation stops; an alert that has not yet reached anyone keeps retrying past it."""
    retry_first: float = Field(30.0, gt=0)
    """Seconds before retrying a round that reached nobody (after one immediate, wider retry); doubles each time."""
    retry_cap: float = Field(300.0, gt=0)
    """The longest wait between retries of an alert that reaches nobody."""


class MediumPolicy(_Model):
    """Medium priority: one caregiver at a time, in escalation order."""

    next_after: float = Field(600.0, gt=0)
    """Seconds before the next caregiver is told."""
    max_rounds: int = Field(12, ge=1)


class LowPolicy(_Model):
    """Low priority: collected into a digest."""

    digest_at: str = "18:00"
    """Daily time (home time zone) the digest of low alerts is sent."""


class AlertsConfig(_Model):
    """How caregivers are alerted."""

    public_url: str = "http://127.0.0.1:8765"
    """Where caregivers' phones reach the hub's HTTP API, for acknowledgement links."""
    fold_window: float = Field(600.0, ge=0)
    """Seconds in which an identical alert (same person, kind, device) folds into the open one."""
    delivery_attempts: int = Field(3, ge=1, le=10)
    """Tries per channel (with backoff) before falling over to the caregiver's next channel."""
    high: HighPolicy = Field(default_factory=HighPolicy)
    medium: MediumPolicy = Field(default_factory=MediumPolicy)
    low: LowPolicy = Field(default_factory=LowPolicy)


class Config(_Model):
    """The whole of config.yaml."""

    home: HomeConfig = Field(default_factory=HomeConfig)
    mqtt: MqttConfig = Field(default_factory=MqttConfig)
    storage: StorageConfig = Field(default_factory=StorageConfig)
    http: HttpConfig = Field(default_factory=HttpConfig)
    people: list[PersonConfig] = Field(default_factory=list)
    devices: list[DeviceConfig] = Field(default_factory=list)
    caregivers: list[CaregiverConfig] = Field(default_factory=list)
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)
    skills: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Settings per skill id; ``enabled: false`` turns a skill off."""
    skills_dir: str | None = None
    """A folder of unpackaged skill folders, loaded for local development."""
    rooms: dict[str, dict[str, list[str]]] = Field(default_factory=dict)
    """Spoken names of rooms per language, e.g. ``kitchen: {zh-CN: [厨房]}``; a room's id is its English name."""
    languages: list[str] = Field(default_factory=lambda: ["en", "zh-CN"])
    voice: SpeechSettings = Field(default_factory=SpeechSettings)
    """Speech-to-text for satellites, ``carehub listen`` and ``POST /api/voice`` (docs/voice.md)."""
    llm: LlmConfig = Field(default_factory=LlmConfig)
    """The optional language model for what no grammar matched (docs/llm.md); off by default."""
    """Languages carehub understands, tried in order (Chinese first for Han text)."""
    home_assistant: HomeAssistantConfig = Field(default_factory=HomeAssistantConfig)
    """carehub in Home Assistant (MQTT discovery) and Home Assistant's entities in carehub (docs/home-assistant.md)."""
    log_level: str = "INFO"

    base_dir: Path = Field(default=Path("."), exclude=True)
    """Folder of the config file; relative paths are resolved against it."""

    @property
    def database_path(self) -> Path:
        path = Path(self.storage.database).expanduser()
        return path if path.is_absolute() else self.base_dir / path

    def device(self, device_id: str) -> DeviceConfig | None:
        return next((d for d in self.devices if d.id == device_id), None)

    def person(self, person_id: str) -> PersonConfig | None:
        return next((p for p in self.people if p.id == person_id), None)

    def caregiver(self, caregiver_id: str) -> CaregiverConfig | None:
        return next((c for c in self.caregivers if c.id == caregiver_id), None)

    def caregivers_of(self, person_id: str | None) -> list[CaregiverConfig]:
        """Caregivers of a person in escalation order (tier, then as listed); everyone for no person."""
        chosen = [c for c in self.caregivers if person_id is None or person_id in c.people]
        return sorted(chosen, key=lambda c: c.tier)


def parse_config(raw: Any, source: str = "config", base_dir: Path | None = None) -> Config:
    """Validate a parsed YAML document; raise ConfigError listing every problem."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(source, ["(top level): must be a mapping of sections"])
    problems: list[str] = []
    if "base_dir" in raw:
        problems.append("base_dir: unknown field")
        raw = {k: v for k, v in raw.items() if k != "base_dir"}
    config: Config | None = None
    try:
        config = Config.model_validate({**raw, "base_dir": base_dir or Path(".")})
    except ValidationError as error:
        problems.extend(pydantic_problems(error))
    problems.extend(cross_reference_problems(raw))
    problems.extend(token_problems(raw))
    if config is not None:
        problems.extend(config.mqtt.problems(config.base_dir))
        problems.extend(entity_problems(config))
    if problems or config is None:
        raise ConfigError(source, problems)
    return with_entities(config)


def _duplicate_keys(node: yaml.Node, path: str = "") -> list[str]:
    """Keys given twice in one mapping (YAML would silently keep the last), each with its path and lines."""
    problems: list[str] = []
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            where = f"{path}.{key}" if path else str(key)
            if key is not None and key in seen:
                problems.append(f"{where}: given twice (lines {seen[key] + 1} and {key_node.start_mark.line + 1}); "
                                "remove one")
            elif key is not None:
                seen[key] = key_node.start_mark.line
            problems.extend(_duplicate_keys(value_node, where))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            problems.extend(_duplicate_keys(item, f"{path}[{index}]"))
    return problems


def database_problems(config: Config) -> list[str]:
    """Why the hub could not write its database at ``storage.database`` (empty when it can), each with the fix.

    Checked before the hub starts, so an unusable path is one clear line instead of a hang or a traceback.
    """
    path = config.database_path
    field = "storage.database"
    folder = path.parent
    fix = "let the user running carehub read and write it (chown or chmod), or set storage.database elsewhere"
    try:
        if path.is_dir():
            return [f"{field}: {path} is a folder, not a database file; name a file in it, e.g. {path / 'carehub.db'}"]
        existing = folder
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        if not existing.is_dir():
            return [f"{field}: cannot create folder {folder}: {existing} is a file"]
        if existing != folder and not os.access(existing, os.W_OK | os.X_OK):
            return [f"{field}: cannot create folder {folder}: {existing} is not writable; create {folder} for the "
                    f"user running carehub, or set storage.database elsewhere"]
        if existing == folder and not os.access(folder, os.W_OK | os.X_OK):
            what = "cannot be entered" if not os.access(folder, os.X_OK) else "is not writable"
            return [f"{field}: folder {folder} {what} (SQLite writes its -wal and -shm files there); {fix}"]
        if path.exists():
            if not os.access(path, os.R_OK | os.W_OK):
                return [f"{field}: {path} is read-only; {fix}"]
            with path.open("rb") as db:
                header = db.read(16)
            if header and header != b"SQLite format 3\x00":
                return [f"{field}: {path} is not an SQLite database; move it away or set storage.database elsewhere"]
    except OSError as error:  # a folder on the way that cannot be entered, read or looked at
        return [f"{field}: cannot read {error.filename or path}: {error.strerror or error}; {fix}"]
    return []


def find_config_path(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The file to read: ``--config``, else ``$CAREHUB_CONFIG``, else ./config.yaml if present."""
    if explicit:
        return Path(explicit)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    return local if (local := Path("config.yaml")).exists() else None


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Load and validate the configuration; with no file anywhere, the built-in defaults."""
    if (found := find_config_path(path)) is None:
        # The packaged demo household, so `carehub run` and `carehub simulate` work on a fresh machine.
        default = Path(__file__).with_name("default_config.yaml")
        return parse_config(yaml.safe_load(default.read_text(encoding="utf-8")), "built-in defaults", Path.cwd())
    return config_from_file(found)


def config_from_file(found: Path, text: str | None = None) -> Config:
    """The configuration in one YAML file (or ``text`` from where ``found`` names); raise ConfigError naming it."""
    try:
        text = found.read_text(encoding="utf-8") if text is None else text
    except OSError as error:
        raise ConfigError(str(found), [f"cannot read file: {error.strerror or error}"]) from None
    except UnicodeDecodeError as error:
        raise ConfigError(str(found), [f"byte {error.start}: not UTF-8 text (save the file as UTF-8)"]) from None
    try:
        tree = yaml.compose(text, Loader=yaml.SafeLoader)
        if duplicates := (_duplicate_keys(tree) if tree is not None else []):
            raise ConfigError(str(found), duplicates)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(unknown position)"
        raise ConfigError(str(found), [f"{where}: not valid YAML ({getattr(error, 'problem', error)})"]) from None
    return parse_config(raw, str(found), found.resolve().parent)
