"""Typed events: frozen facts that happened, each with an id, a time and the id of its cause.

Device adapters build events with an empty envelope; the hub stamps id, time, home, device and
person before it logs and publishes them. ``base`` holds the envelope and the kind registry;
``devices``, ``hub``, ``alerts`` and ``app`` the events of each part. Import them from here.
"""

from __future__ import annotations

from assistant.events.base import (
    Event, EventKindTaken, GenericEvent, event_from_row, event_types, kinds_of,
)
from assistant.events.devices import (
    VitalSignsMeasured, StepsCounted, AccelerationSampled, LocationReported, WearStateReported, BatteryReported,
    FallDetected, SosPressed, ButtonPressed, MotionDetected, MotionCleared, ContactChanged, OccupancyChanged,
    SwitchStateReported, CoverStateReported, LockStateReported, ClimateMeasured, PillboxOpened, SpeakerStateReported,
    CallReported, SmsReceived, UtteranceReported, DeviceCameOnline, DeviceWentOffline,
)
from assistant.events.hub import (
    MessageRejected, HubStarted, HubStopped, BrokerConnected, BrokerDisconnected, SubscriberFailed, UtteranceHeard,
    IntentRecognized, UtteranceNotUnderstood, ReplyGiven, CommandSent, AlertRequested, SkillFailed, SkillLoadFailed,
    CommandRequested, DaySummaryUpdated,
)
from assistant.events.alerts import (
    AlertRaised, AlertFolded, AlertDelivered, AlertEscalated, AlertUndeliverable, AlertAcknowledged, AlertResolved,
    CaregiversUnreachable, MessageRequested, MessageDelivered,
)
from assistant.events.home_assistant import HomeAssistantLost, HomeAssistantReached, HomeAssistantTokenRefused
from assistant.events.app import AlertResponded, AlertSeen, AppSignedIn, AppSignedOut, PersonDataViewed

__all__ = [
    "AccelerationSampled", "AlertAcknowledged", "AlertResponded", "AlertSeen", "AppSignedIn", "AppSignedOut",
    "PersonDataViewed", "AlertDelivered", "AlertEscalated", "AlertFolded", "AlertRaised",
    "AlertRequested", "AlertResolved", "AlertUndeliverable", "BatteryReported", "BrokerConnected",
    "BrokerDisconnected", "ButtonPressed", "CallReported", "CaregiversUnreachable", "ClimateMeasured",
    "CommandRequested", "CommandSent", "ContactChanged", "DaySummaryUpdated",
    "CoverStateReported", "DeviceCameOnline", "DeviceWentOffline", "Event", "EventKindTaken", "FallDetected",
    "GenericEvent", "HomeAssistantLost", "HomeAssistantReached", "HomeAssistantTokenRefused",
    "HubStarted", "HubStopped", "IntentRecognized", "LocationReported", "LockStateReported", "MessageDelivered",
    "MessageRejected", "MessageRequested", "MotionCleared", "MotionDetected", "OccupancyChanged", "PillboxOpened",
    "ReplyGiven", "SkillFailed", "SkillLoadFailed", "SmsReceived", "SosPressed", "SpeakerStateReported",
    "StepsCounted", "SubscriberFailed", "SwitchStateReported", "UtteranceHeard", "UtteranceNotUnderstood",
    "UtteranceReported", "VitalSignsMeasured", "WearStateReported", "event_from_row", "event_types", "kinds_of"
]
