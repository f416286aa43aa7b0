"""Caregiver alerts: raised by skills, delivered and escalated until someone acknowledges, all logged."""

from assistant.alerts.manager import AlertManager
from assistant.alerts.model import AlertStatus, Priority

__all__ = ["AlertManager", "AlertStatus", "Priority"]
