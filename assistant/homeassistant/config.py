"""``home_assistant:`` in config.yaml: carehub's entities in Home Assistant, through MQTT discovery."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator


class HomeAssistantConfig(BaseModel):
    """Home Assistant on carehub's broker (docs/home-assistant.md). Off unless a family turns it on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = False
    """Publish MQTT discovery for Home Assistant (people, alerts, vitals, devices) and let its login
    (``homeassistant``, ``carehub devices credentials homeassistant``) onto the broker."""
    discovery_prefix: str = "homeassistant"
    """Home Assistant's discovery prefix (its MQTT integration's setting; ``homeassistant`` unless changed)."""
    users: dict[str, str] = Field(default_factory=dict)
    """Home Assistant user (name or id) -> caregiver id: each gets an "I'm on it" button on the people that
    caregiver looks after, which acknowledges the person's newest open alert as that caregiver."""

    @field_validator("discovery_prefix")
    @classmethod
    def _plain_topic(cls, value: str) -> str:
        if not value or any(level == "" for level in value.split("/")) or any(c in value for c in "+#$\0"):
            raise ValueError(f"'{value}' is not a plain topic (no empty level, no '+', '#', '$')")
        return value
