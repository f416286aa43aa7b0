"""Routines: inactivity and routine anomalies for someone who lives alone (see docs/care/routines.md)."""

from skills.routines.skill import PersonRoutine, RoutineAnomalyNoticed, RoutineDayAssessed, Routines, RoutineSettings

__all__ = ["PersonRoutine", "RoutineAnomalyNoticed", "RoutineDayAssessed", "RoutineSettings", "Routines"]
