"""carehub in Home Assistant: MQTT discovery of people, alerts, vitals and devices, and Home Assistant's
commands carried out through carehub (docs/home-assistant.md)."""
