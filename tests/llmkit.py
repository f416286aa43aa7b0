"""What every real local model must keep to in an agent turn, whatever it says (tests of each model)."""

from __future__ import annotations

from typing import Any

from assistant.llm import FALLBACK, Agent, ToolBinding
from assistant.llm.protocol import claims_action, validate_arguments

ADHERENCE = {"additionalProperties": False, "type": "object", "required": ["person", "day"],
             "properties": {"person": {"type": "string", "enum": ["grandma"]},
                            "day": {"type": "string", "description": "the date, YYYY-MM-DD"}}}


async def assert_agent_turns_keep_their_invariants(model: Any) -> None:
    """Only valid calls of offered tools run; a fallback runs nothing; no reply claims an undone action."""
    calls: list[dict[str, Any]] = []

    async def adherence(**kwargs: Any) -> dict[str, int]:
        calls.append(kwargs)
        return {"taken": 2, "missed": 0}

    agent = Agent(model, [ToolBinding("adherence", "Doses a person took and missed on a day.", ADHERENCE, adherence)],
                  max_tokens=48, people={"grandma": "Margaret (elder)"})
    for text in ("Did I take my pills today?", "Please turn on the kitchen light."):
        reply = await agent.respond(text, person="grandma", language="en")
        assert reply.text.strip()
        executed = [r for r in reply.tool_calls if r.executed]
        assert len(calls) == len(executed)
        assert all(r.name == "adherence" and validate_arguments(r.args, ADHERENCE) == [] for r in executed)
        if reply.fallback:
            assert reply.text == FALLBACK["en"] and not executed
        if not any(r.ok for r in reply.tool_calls):
            assert not claims_action(reply.text)
        calls.clear()
