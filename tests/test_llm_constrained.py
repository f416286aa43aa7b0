"""Constrained decoding of tool calls: the grammar built from the tools' JSON Schemas, the token masks it
gives over a vocabulary, and what the agent does with answers written under it. Pure and fast: a scripted
vocabulary and scores stand in for a tokenizer and a model (the real SmolLM2 is in test_llm_transformers)."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from pydantic import ValidationError

from assistant.llm import Agent, ChatModel, Completion, LlmConfig, ToolBinding
from assistant.llm.constrained import Guide, Guides, Vocabulary, _byte_level_piece, _sentencepiece_piece
from assistant.llm.grammar import DEAD, Automaton, answer_grammar
from assistant.llm.protocol import Answer, Malformed, ToolRequest, read_decision, validate_arguments

SWITCH = {"type": "object", "additionalProperties": False, "required": ["device", "on"],
          "properties": {"device": {"type": "string", "enum": ["kitchen-light", "kettle-plug"]},
                         "on": {"type": "boolean"}}}
ADHERENCE = {"type": "object", "additionalProperties": False, "required": ["person", "day"],
             "properties": {"person": {"type": "string", "enum": ["grandma", "leo"]},
                            "day": {"type": "string", "description": "the date, YYYY-MM-DD"}}}
CHECK = {"type": "object", "additionalProperties": False, "required": ["text"],
         "properties": {"text": {"type": "string"}, "number": {"type": "string", "default": ""},
                        "person": {"type": "string", "enum": ["grandma", "leo", ""], "default": ""}}}
READING = {"type": "object", "additionalProperties": False, "required": ["person"],
           "properties": {"person": {"type": "string", "enum": ["grandma"]},
                          "temperature": {"anyOf": [{"type": "number"}, {"type": "null"}], "default": None},
                          "spo2": {"type": "integer", "minimum": 50, "maximum": 100},
                          "consciousness": {"anyOf": [{"enum": ["A", "C", "V", "P", "U"], "type": "string"},
                                                      {"type": "null"}], "default": None}}}
TOOLS = {"switch_device": SWITCH, "adherence": ADHERENCE, "check_message": CHECK, "record_reading": READING}


@pytest.fixture(scope="module")
def automaton() -> Automaton:
    return Automaton(answer_grammar(TOOLS))


@pytest.mark.parametrize("text", [
    '{"tool": "switch_device", "arguments": {"device": "kitchen-light", "on": true}}',
    '{"tool":"switch_device","arguments":{"device":"kettle-plug","on":false}}',
    '{"tool": "adherence", "arguments": {"person": "grandma", "day": "2026-01-05"}}',
    '{"tool": "check_message", "arguments": {"text": "Pay with a \\"gift card\\" now"}}',
    '{"tool": "check_message", "arguments": {"text": "您的包裹被海关扣留", "person": ""}}',
    '{"tool": "record_reading", "arguments": {"person": "grandma", "temperature": 37.8, "consciousness": null}}',
    '{"tool": "record_reading", "arguments": {"person": "grandma", "spo2": 94}}',
    '{"reply": "Good morning, Margaret."}',
    '{"reply": "早上好！今天天气不错。"}',
])
def test_the_grammar_takes_calls_of_offered_tools_and_replies(automaton, text):
    assert automaton.matches(text.encode())
    decision = read_decision(text)
    if isinstance(decision, ToolRequest):
        assert validate_arguments(decision.arguments, TOOLS[decision.name]) == []
    else:
        assert isinstance(decision, Answer)


@pytest.mark.parametrize("text", [
    '{"tool": "shell", "arguments": {"command": "rm -rf /"}}',  # not an offered tool
    '{"tool": "switch_device", "arguments": {"device": "front-door", "on": true}}',  # not a configured id
    '{"tool": "switch_device", "arguments": {"device": "kitchen-light", "on": "yes"}}',  # not a boolean
    '{"tool": "switch_device", "arguments": {"device": "kitchen-light"}}',  # a required argument left out
    '{"tool": "switch_device", "arguments": {"device": "kitchen-light", "on": true, "force": true}}',  # extra key
    '{"tool": "adherence", "arguments": {"person": "grandma", "day": "today"}}',  # not YYYY-MM-DD
    '{"reply": ""}',  # nothing to say
    '{"reply": "line\nbreak"}',  # a raw control character is not JSON
    'Sure! {"reply": "hello"}',  # prose around the object
    '{"reply": "hello"} and more',
])
def test_the_grammar_refuses_everything_else(automaton, text):
    assert not automaton.matches(text.encode())


def test_without_tools_only_a_reply_is_allowed():
    automaton = Automaton(answer_grammar({}))
    assert automaton.matches(b'{"reply": "hi"}')
    assert not automaton.matches(b'{"tool": "x", "arguments": {}}')


def test_a_cut_answer_is_closed_only_where_no_value_is_invented(automaton):
    assert automaton.closing(automaton.walk(automaton.start, b'{"reply": "It is sunny and')) == b'"}'
    cut_text = b'{"tool": "check_message", "arguments": {"text": "Your parcel is held, pay'
    assert automaton.closing(automaton.walk(automaton.start, cut_text)) == b'"}}'
    cut_enum = b'{"tool": "switch_device", "arguments": {"device": "kitch'
    assert automaton.closing(automaton.walk(automaton.start, cut_enum)) is None
    assert automaton.walk(automaton.start, b'{"tool": "sh') == DEAD


# --- a scripted vocabulary ----------------------------------------------------------------------------------

PIECES = ['{"', '":', ' "', '",', '"}', '}}', ' {"', "tool", "reply", "arguments", "switch", "_device", "kitchen",
          "-light", "kettle", "-plug", "device", "on", " true", " false", "Good", " morning", "!", " 今天", "好",
          "Sure", ",", " I", " turned", " the", " light", " on", ".", "\n", "adherence", "person", "grandma", "day",
          "2026", "-01", "-05", "check_message", "text"]
STOP = 0


def vocabulary() -> Vocabulary:
    """Special token 0 (the stop token), every single byte, then the scripted pieces."""
    tokens: list[bytes | None] = [None, *(bytes([b]) for b in range(256)), *(p.encode() for p in PIECES)]
    return Vocabulary(tokens, [STOP])


def token_of(vocab: Vocabulary, text: str) -> int:
    return vocab.token_bytes.index(text.encode())


def greedy(guide: Guide, score: Any, max_tokens: int = 60) -> tuple[str, list[int], bool]:
    """Greedy decoding of a fake model (``score(step, token) -> float``) under ``guide``: (text, tokens, stopped)."""
    state, tokens = guide.start, []
    for step in range(max_tokens):
        allowed = guide.allowed(state)
        assert allowed, "a live state always allows a token"
        token = max(allowed, key=lambda t: (score(step, t), -t))
        if token == STOP:
            return guide.text(tokens), tokens, True
        tokens.append(token)
        state = guide.advance(state, token)
        assert state != DEAD
    return guide.text(tokens), tokens, False


def test_a_model_that_wants_to_talk_in_prose_still_writes_a_valid_answer():
    vocab = vocabulary()
    guide = Guide(TOOLS, vocab)
    wanted = [token_of(vocab, t) for t in ["Sure", ",", " I", " turned", " the", " light", " on", "."]]

    def score(step: int, token: int) -> float:  # prefers its prose, then the reply, then anything
        if step < len(wanted) and token == wanted[step]:
            return 10.0
        return 5.0 if token in (token_of(vocab, "reply"), token_of(vocab, '"}'), STOP) else random.Random(token).random()

    text, _, stopped = greedy(guide, score)
    assert stopped and json.loads(text)["reply"]
    assert isinstance(read_decision(text), Answer)


def test_a_model_that_wants_a_tool_writes_its_call_with_valid_arguments():
    vocab = vocabulary()
    guide = Guide(TOOLS, vocab)
    script = ['{"', "tool", '":', ' "', "switch", "_device", '",', ' "', "arguments", '":', ' {"', "device", '":',
              ' "', "kettle", "-plug", '",', ' "', "on", '":', " false", "}}"]
    wanted = [token_of(vocab, t) for t in script]
    text, tokens, stopped = greedy(guide, lambda step, t: 1.0 if step < len(wanted) and t == wanted[step] else 0.0)
    assert stopped and tokens == wanted
    assert read_decision(text) == ToolRequest("switch_device", {"device": "kettle-plug", "on": False})


@pytest.mark.parametrize("seed", range(40))
def test_whatever_the_scores_the_answer_parses_into_a_valid_call_or_a_reply(seed):
    vocab = vocabulary()
    guide = Guide(TOOLS, vocab)
    rng = random.Random(seed)
    table = {(step, t): rng.random() for step in range(40) for t in range(len(vocab.token_bytes))}
    text, _, stopped = greedy(guide, lambda step, t: table[step, t] + (0.4 if t == STOP else 0.0), max_tokens=40)
    decision = read_decision(text)
    if isinstance(decision, ToolRequest):
        assert decision.name in TOOLS
        assert validate_arguments(decision.arguments, TOOLS[decision.name]) == [] or "spo2" in decision.arguments
    elif isinstance(decision, Malformed):  # only a cut inside a value it could not close without inventing one
        assert not stopped
    else:
        assert isinstance(decision, Answer) and decision.text


def test_stop_tokens_come_only_once_the_answer_is_complete():
    vocab = vocabulary()
    guide = Guide(TOOLS, vocab)
    assert STOP not in guide.allowed(guide.start)
    assert all(vocab.token_bytes[t].startswith(b"{") for t in guide.allowed(guide.start))
    done = guide.automaton.walk(guide.start, b'{"reply": "hi"}')
    assert guide.allowed(done) == [STOP]
    inside = guide.automaton.walk(guide.start, b'{"reply": "hi')
    assert token_of(vocab, '"}') in guide.allowed(inside) and token_of(vocab, "\n") not in guide.allowed(inside)


def test_a_cut_inside_a_character_is_dropped_before_closing():
    vocab = vocabulary()
    guide = Guide(TOOLS, vocab)
    ids = [token_of(vocab, '{"'), token_of(vocab, "reply"), token_of(vocab, '":'), token_of(vocab, ' "'),
           token_of(vocab, "好"), 1 + 0xE4]  # the first byte of 今
    assert guide.text(ids) == '{"reply": "好"}'


def test_guides_are_kept_per_tool_set():
    guides = Guides(vocabulary(), keep=2)
    offered = [{"type": "function", "function": {"name": "switch_device", "description": "", "parameters": SWITCH}}]
    first = guides.guide(offered)
    assert guides.guide(offered) is first
    guides.guide([{"type": "function", "function": {"name": "adherence", "parameters": ADHERENCE}}])
    guides.guide([])
    assert guides.guide(offered) is not first  # the oldest was let go


def test_tokens_are_read_as_the_bytes_they_write():
    assert _byte_level_piece("Ġhello") == b" hello"
    assert _byte_level_piece("Ċ") == b"\n"
    assert _byte_level_piece("ä½ł") == "你".encode()
    assert _sentencepiece_piece("▁hi") == b" hi"
    assert _sentencepiece_piece("<0xE4>") == b"\xe4"


class _Tokenizer:
    """Just what ``Vocabulary.of`` reads from a Hugging Face tokenizer."""

    eos_token_id = 2
    all_special_ids = [0, 1, 2]
    pieces = ["<unk>", "<s>", "</s>", *[f"Ġw{n}" for n in range(60)], '{"', "ä½ł"]

    def __len__(self) -> int:
        return len(self.pieces)

    def convert_ids_to_tokens(self, ids: list[int]) -> list[str]:
        return [self.pieces[i] for i in ids]


def test_a_vocabulary_from_a_byte_level_tokenizer():
    vocab = Vocabulary.of(_Tokenizer(), [7])
    assert vocab.stop_ids == [2, 7]
    assert vocab.token_bytes[:3] == [None, None, None]
    assert vocab.token_bytes[3] == b" w0" and vocab.token_bytes[-1] == "你".encode()


def test_constrained_tools_is_for_the_transformers_backend():
    assert LlmConfig(constrained_tools=True).constrained_tools
    assert not LlmConfig().constrained_tools
    with pytest.raises(ValidationError, match="constrained_tools"):
        LlmConfig(backend="openai", constrained_tools=True)


# --- the agent with a model that writes under the grammar ---------------------------------------------------


class _GrammarModel(ChatModel):
    """Answers from a script, as a constrained backend would: always a parseable object."""

    constrained_tools = True

    def __init__(self, answers: list[str]) -> None:
        self.answers = answers
        self.offered: list[list[str] | None] = []

    async def chat(self, messages: list[dict[str, Any]], *, tools: list[dict[str, Any]] | None = None,
                   max_tokens: int, temperature: float = 0) -> Completion:
        self.offered.append([t["function"]["name"] for t in tools] if tools else None)
        return Completion(self.answers.pop(0))


async def test_the_agent_offers_its_tools_to_a_constrained_model_and_still_validates_the_call():
    ran: list[dict[str, Any]] = []

    async def record_reading(**kwargs: Any) -> str:
        ran.append(kwargs)
        return "recorded"

    model = _GrammarModel([
        '{"tool": "record_reading", "arguments": {"person": "grandma", "spo2": 400}}',  # in the grammar, out of range
        '{"tool": "record_reading", "arguments": {"person": "grandma", "spo2": 94}}',
        '{"reply": "I have noted an oxygen level of 94."}',
    ])
    agent = Agent(model, [ToolBinding("record_reading", "Record vital signs.", READING, record_reading)], memory_turns=0)
    reply = await agent.respond("my oxygen is 94", person="grandma")
    assert model.offered[:2] == [["record_reading"], ["record_reading"]] and model.offered[2] is None
    assert [r.executed for r in reply.tool_calls] == [False, True]
    assert ran == [{"person": "grandma", "spo2": 94}]
    assert reply.text == "I have noted an oxygen level of 94."


def test_the_logits_processor_leaves_only_what_the_grammar_allows():
    torch = pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from assistant.llm.constrained import grammar_processors

    vocab = vocabulary()
    guide = Guide(TOOLS, vocab)
    processor = grammar_processors(guide, prompt_length=3)[0]
    scores = torch.zeros((1, len(vocab.token_bytes) + 8))  # a model's head may be wider than its vocabulary

    def finite(input_ids: list[int]) -> set[int]:
        return set(torch.isfinite(processor(torch.tensor([input_ids]), scores)[0]).nonzero().flatten().tolist())

    assert finite([5, 6, 7]) == set(guide.allowed(guide.start))
    opened = token_of(vocab, '{"')
    assert finite([5, 6, 7, opened]) == set(guide.allowed(guide.advance(guide.start, opened)))
