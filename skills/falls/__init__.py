"""Falls: carehub's own fall detection from a wearable's raw accelerometer samples (no skill wiring yet)."""
