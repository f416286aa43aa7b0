"""Constrained decoding: which tokens may come next so that a model's answer stays inside the agent's
grammar (``assistant.llm.grammar``), whatever the model would rather write.

``Vocabulary`` is the tokenizer's tokens as bytes in a prefix tree; ``Guide`` walks the grammar's automaton
over it to list the allowed tokens of a state (kept per state: an answer's states repeat from turn to turn).
Both are pure; ``logits_processor`` wraps a guide for transformers' ``generate``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from assistant.llm.grammar import DEAD, Automaton, answer_grammar


class _Trie:
    __slots__ = ("children", "tokens")

    def __init__(self) -> None:
        self.children: dict[int, _Trie] = {}
        self.tokens: list[int] = []


class Vocabulary:
    """A tokenizer's tokens as the bytes they write, and the ids that end a generation."""

    def __init__(self, token_bytes: Sequence[bytes | None], stop_ids: Iterable[int]) -> None:
        """``token_bytes[i]``: what token ``i`` writes; None for special tokens, which the grammar never allows
        (the ``stop_ids`` come only once the answer is complete)."""
        self.token_bytes = list(token_bytes)
        self.stop_ids = sorted(set(stop_ids))
        self.root = _Trie()
        for token, data in enumerate(self.token_bytes):
            if not data:
                continue
            node = self.root
            for byte in data:
                node = node.children.setdefault(byte, _Trie())
            node.tokens.append(token)

    @classmethod
    def of(cls, tokenizer: Any, stop_ids: Iterable[int] = ()) -> Vocabulary:
        """From a Hugging Face tokenizer: byte-level BPE (GPT-2, SmolLM2) or SentencePiece with byte fallback
        (Gemma, Llama). The end-of-sequence token stops, and so do ``stop_ids``."""
        size = len(tokenizer)
        pieces = tokenizer.convert_ids_to_tokens(list(range(size)))
        special = set(getattr(tokenizer, "all_special_ids", []) or [])
        for token_id, added in (getattr(tokenizer, "added_tokens_decoder", None) or {}).items():
            if getattr(added, "special", False):
                special.add(int(token_id))
        byte_level = sum(p is not None and "Ġ" in p for p in pieces[:5000]) > 50
        decode = _byte_level_piece if byte_level else _sentencepiece_piece
        token_bytes = [None if i in special or p is None else decode(p) for i, p in enumerate(pieces)]
        eos = tokenizer.eos_token_id
        return cls(token_bytes, [*([eos] if isinstance(eos, int) else []), *stop_ids])


def _unicode_to_bytes() -> dict[str, int]:
    """GPT-2's byte-to-character table, reversed (byte-level BPE writes every byte as a printable character)."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    chars = list(printable)
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            chars.append(256 + extra)
            extra += 1
    return {chr(c): b for b, c in zip(printable, chars)}


_BYTE_OF = _unicode_to_bytes()
_BYTE_TOKEN = re.compile(r"<0x([0-9A-Fa-f]{2})>")


def _byte_level_piece(piece: str) -> bytes | None:
    try:
        return bytes(_BYTE_OF[c] for c in piece)
    except KeyError:  # an added token written as plain text
        return piece.encode()


def _sentencepiece_piece(piece: str) -> bytes | None:
    byte = _BYTE_TOKEN.fullmatch(piece)
    if byte:
        return bytes([int(byte.group(1), 16)])
    return piece.replace("▁", " ").encode()


class Guide:
    """The tokens each state of the answer's grammar allows, over one vocabulary."""

    def __init__(self, tools: dict[str, dict[str, Any]], vocabulary: Vocabulary) -> None:
        """``tools``: name → JSON Schema of its arguments (may be empty: then only a reply is allowed)."""
        self.automaton = Automaton(answer_grammar(tools))
        self.vocabulary = vocabulary
        self._allowed: dict[int, list[int]] = {}

    @property
    def start(self) -> int:
        return self.automaton.start

    def allowed(self, state: int) -> list[int]:
        """Token ids that may follow in ``state``: those whose bytes keep the answer in the grammar, and the
        stop tokens once the answer is complete. Never empty for a live state of a byte-complete vocabulary."""
        found = self._allowed.get(state)
        if found is not None:
            return found
        automaton, out = self.automaton, []
        if state != DEAD:
            stack = [(self.vocabulary.root, state)]
            while stack:
                node, current = stack.pop()
                for byte, child in node.children.items():
                    following = automaton.step(current, byte)
                    if following == DEAD:
                        continue
                    out.extend(child.tokens)
                    if child.children:
                        stack.append((child, following))
            if automaton.accepting(state):
                out.extend(self.vocabulary.stop_ids)
        if not out:  # a grammar the vocabulary cannot write: let the model stop rather than loop
            out = list(self.vocabulary.stop_ids)
        out.sort()
        self._allowed[state] = out
        return out

    def advance(self, state: int, token: int) -> int:
        """The state after ``token`` (a stop token leaves it as it is)."""
        if token in self.vocabulary.stop_ids:
            return state
        data = self.vocabulary.token_bytes[token] if 0 <= token < len(self.vocabulary.token_bytes) else None
        return self.automaton.walk(state, data) if data else DEAD

    def finish(self, state: int) -> bytes | None:
        """What closes an answer cut short by the token budget (b"" if it is complete), or None if it cannot
        be closed without inventing something (it stays unusable, and the agent asks again or falls back)."""
        return self.automaton.closing(state)

    def decode(self, tokens: Iterable[int]) -> tuple[bytes, int]:
        """The bytes generated ``tokens`` write (up to a stop token) and the grammar state after them."""
        state, written = self.start, bytearray()
        for token in tokens:
            if token in self.vocabulary.stop_ids:
                break
            state = self.advance(state, token)
            written += self.vocabulary.token_bytes[token] or b""
        return bytes(written), state

    def text(self, tokens: Iterable[int]) -> str:
        """The answer generated as ``tokens``, closed if the token budget cut a string or an object short
        (and left unclosed, so unusable, when closing it would need a value the model did not write)."""
        written, state = self.decode(tokens)
        for cut in range(4):  # cut inside a character: drop its first bytes, then close
            head = written[:len(written) - cut]
            closing = self.finish(self.automaton.walk(self.start, head) if cut else state)
            if closing is not None:
                return (head + closing).decode("utf-8", errors="replace")
        return written.decode("utf-8", errors="replace")


def tool_parameters(tools: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Name → JSON Schema of the arguments, from OpenAI-style tools (``{"type": "function", "function":
    {"name", "description", "parameters"}}``)."""
    out = {}
    for tool in tools:
        function = tool.get("function", tool)
        if isinstance(function, dict) and isinstance(function.get("name"), str):
            parameters = function.get("parameters")
            out[function["name"]] = parameters if isinstance(parameters, dict) else {"type": "object"}
    return out


class Guides:
    """One guide per set of tools offered (a hub offers the same tools every turn), over one vocabulary."""

    def __init__(self, vocabulary: Vocabulary, keep: int = 4) -> None:
        self.vocabulary = vocabulary
        self._keep = keep
        self._guides: dict[str, Guide] = {}

    def guide(self, tools: list[dict[str, Any]]) -> Guide:
        parameters = tool_parameters(tools)
        key = json.dumps(parameters, sort_keys=True)
        found = self._guides.pop(key, None) or Guide(parameters, self.vocabulary)
        self._guides[key] = found  # most recently used last
        while len(self._guides) > self._keep:
            del self._guides[next(iter(self._guides))]
        return found


def grammar_processors(guide: Guide, prompt_length: int) -> Any:
    """transformers ``LogitsProcessorList`` that keeps one generation (batch of one) inside ``guide``."""
    import torch
    from transformers import LogitsProcessor, LogitsProcessorList

    class GrammarLogits(LogitsProcessor):
        def __init__(self) -> None:
            self.state = guide.start
            self.seen = prompt_length
            self.masks: dict[int, Any] = {}

        def __call__(self, input_ids: Any, scores: Any) -> Any:
            for token in input_ids[0, self.seen:].tolist():
                self.state = guide.advance(self.state, token)
            self.seen = input_ids.shape[1]
            allowed = self.masks.get(self.state)
            if allowed is None:
                ids = [t for t in guide.allowed(self.state) if t < scores.shape[-1]]
                allowed = self.masks[self.state] = torch.tensor(ids, dtype=torch.long)
            masked = torch.full_like(scores, float("-inf"))
            masked[:, allowed] = scores[:, allowed]
            return masked

    return LogitsProcessorList([GrammarLogits()])
