"""Caregiver alerts: raised by skills, delivered and escalated until someone acknowledges, all logged.

``desk`` is where alerts are raised, read, acknowledged and resolved (one permission rule);
``escalation`` delivers their steps on time; ``policy`` says who is told when (pure); ``store`` keeps
them; ``delivery`` sends through Apprise; ``tokens`` are caregivers' acknowledgement tokens.
"""

from assistant.alerts.model import Alert, AlertStatus, Priority, Transition

__all__ = ["Alert", "AlertStatus", "Priority", "Transition"]
