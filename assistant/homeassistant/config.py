"""``home_assistant:`` in config.yaml: carehub's entities in Home Assistant, through MQTT discovery."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, field_validator


class HomeAssistantConfig(BaseModel):
    """Home Assistant on carehub's broker (docs/home-assistant.md). Off unless a family turns it on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = False
    """Publish MQTT discovery for Home Assistant (people, alerts, vitals, devices) and let its login
    (``homeassistant``, ``carehub devices credentials homeassistant``) onto the broker."""
    discovery_prefix: str = "homeassistant"
    """Home Assistant's discovery prefix (its MQTT integration's setting; ``homeassistant`` unless changed)."""

    @field_validator("discovery_prefix")
    @classmethod
    def _plain_topic(cls, value: str) -> str:
        if not value or any(level == "" for level in value.split("/")) or any(c in value for c in "+#$\0"):
            raise ValueError(f"'{value}' is not a plain topic (no empty level, no '+', '#', '$')")
        return value
