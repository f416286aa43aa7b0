"""Vital signs: NEWS2 (RCP 2017) from wearable and manual readings, and single-vital alerts that page only
when a condition is sustained at rest. See docs/care/vitals.md."""

from skills.vitals.events import News2NotScored, News2Scored, VitalSignsRecorded
from skills.vitals.settings import PersonVitals, VitalsSettings
from skills.vitals.skill import Vitals

__all__ = ["Vitals", "VitalsSettings", "PersonVitals", "News2Scored", "News2NotScored", "VitalSignsRecorded"]
