"""Skills: the care functions of carehub, built on ``skills.sdk``."""
