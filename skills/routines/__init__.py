"""Routines: inactivity and routine anomalies for someone who lives alone (see docs/care/routines.md)."""

from skills.routines.settings import PersonRoutine, RoutineSettings
from skills.routines.skill import RoutineAnomalyNoticed, RoutineDayAssessed, Routines

__all__ = ["PersonRoutine", "RoutineAnomalyNoticed", "RoutineDayAssessed", "RoutineSettings", "Routines"]
