"""The carehub skill SDK: everything a skill needs, and nothing else.

A skill is a class::

    from skills.sdk import Skill, on, intent, every, IntentMatch, FallDetected

    class Hello(Skill):
        @intent("SayHello", en=["(hello|hi) [carehub]"], zh_CN=["你好"])
        async def hello(self, match: IntentMatch) -> str:
            return "Hello!" if match.language == "en" else "你好！"

registered under the ``carehub.skills`` entry-point group. See docs/skills.md.
"""

from assistant.alerts.model import Priority
from assistant.commands import (
    Close, Command, Lock, Notify, Open, SetHeartbeat, SetPosition, Speak, Stop, TurnOff, TurnOn, Unlock, Vibrate,
)
from assistant.events import (
    AccelerationSampled, AlertAcknowledged, AlertRaised, AlertRequested, AlertResolved, BatteryReported,
    BrokerConnected, BrokerDisconnected, ButtonPressed, CallReported, ClimateMeasured, CommandSent, ContactChanged,
    CoverStateReported, DaySummaryUpdated, DeviceCameOnline, DeviceWentOffline, Event, FallDetected, IntentRecognized,
    LocationReported, LockStateReported, MessageDelivered, MessageRequested, MotionCleared, MotionDetected,
    OccupancyChanged,
    PillboxOpened, ReplyGiven, SmsReceived, SosPressed, StepsCounted, SwitchStateReported, UtteranceHeard,
    UtteranceNotUnderstood, UtteranceReported, VitalSignsMeasured, WearStateReported,
)
from assistant.report.sections import Chart, Panel, ReportDay, ReportSection, ReportTable, Series, Text, Words
from assistant.skill_api import (
    SDK_VERSION, IntentMatch, KeyValueStore, LanguageModel, NoSettings, Skill, SkillContext, at, every, intent,
    localized, on, rrule, short_language, tool, tool_schema,
)

__all__ = [
    "SDK_VERSION",
    # the skill
    "Skill", "NoSettings", "SkillContext", "KeyValueStore", "IntentMatch", "LanguageModel", "Priority",
    # languages
    "short_language", "localized",
    # the skill's section of the daily report (Skill.daily_report)
    "ReportDay", "ReportSection", "ReportTable", "Chart", "Panel", "Series", "Text", "Words",
    # decorators
    "on", "intent", "every", "at", "rrule", "tool", "tool_schema",
    # commands a skill can send
    "Command", "TurnOn", "TurnOff", "Open", "Close", "Stop", "SetPosition", "Speak", "Vibrate", "SetHeartbeat",
    "Notify", "Lock", "Unlock",
    # events a skill can handle
    "Event", "AccelerationSampled", "AlertAcknowledged", "AlertRaised", "AlertRequested", "AlertResolved",
    "BatteryReported", "BrokerConnected", "BrokerDisconnected", "ButtonPressed", "CallReported", "ClimateMeasured",
    "CommandSent", "ContactChanged", "CoverStateReported", "DaySummaryUpdated", "DeviceCameOnline",
    "DeviceWentOffline", "FallDetected",
    "IntentRecognized", "LocationReported", "LockStateReported", "MessageDelivered", "MessageRequested",
    "MotionCleared",
    "MotionDetected", "OccupancyChanged", "PillboxOpened", "ReplyGiven", "SmsReceived", "SosPressed",
    "StepsCounted", "SwitchStateReported", "UtteranceHeard", "UtteranceNotUnderstood", "UtteranceReported",
    "VitalSignsMeasured", "WearStateReported",
]
