"""Running skills inside the hub.

``runtime`` loads, wires and calls skills (isolated, each call with its cause); ``context`` is the
``SkillContext`` they talk to; ``conversation`` hears utterances; ``schedules`` times ``@every`` /
``@at`` / ``@rrule``; ``store`` is each skill's key-value store.
"""

from assistant.skill_runtime.calls import HANDLER_FAILED, current_cause
from assistant.skill_runtime.context import HubSkillContext, SkillHost
from assistant.skill_runtime.conversation import Conversation, Reply
from assistant.skill_runtime.runtime import LoadedSkill, SkillRuntime
from assistant.skill_runtime.schedules import next_run

__all__ = ["HANDLER_FAILED", "Conversation", "HubSkillContext", "LoadedSkill", "Reply", "SkillHost", "SkillRuntime",
           "current_cause", "next_run"]
