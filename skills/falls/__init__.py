"""Falls: carehub's own fall detection from a wearable's accelerometer, and the response to a fall."""

from skills.falls.skill import Falls, FallSettings

__all__ = ["Falls", "FallSettings"]
