"""The agent's answer as a grammar: ``{"tool": name, "arguments": {...}}`` for each offered tool (its
arguments per its JSON Schema) or ``{"reply": "..."}``, compiled into a byte-level automaton.

Pure: a tiny regular-expression tree, built from the schemas and compiled into an NFA, walked as a DFA
built lazily (``Automaton``). ``assistant.llm.constrained`` turns it into token masks for decoding.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Union

# --- a tiny regular-expression tree ----------------------------------------------------------------------


@dataclass(frozen=True)
class Lit:
    """These bytes, in order."""

    data: bytes


@dataclass(frozen=True)
class Bytes:
    """One byte of this set."""

    allowed: frozenset[int]


@dataclass(frozen=True)
class Seq:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Alt:
    options: tuple[Node, ...]


@dataclass(frozen=True)
class Star:
    """Zero or more of ``body``."""

    body: Node


Node = Union[Lit, Bytes, Seq, Alt, Star]


def lit(text: str) -> Lit:
    return Lit(text.encode())


def seq(*parts: Node) -> Seq:
    return Seq(parts)


def alt(*options: Node) -> Alt:
    return Alt(options)


def opt(node: Node) -> Alt:
    return Alt((node, Lit(b"")))


def byte_range(first: int, last: int) -> Bytes:
    return Bytes(frozenset(range(first, last + 1)))


def repeat(node: Node, least: int, most: int) -> Seq:
    return Seq((node,) * least + (opt(node),) * (most - least))


# --- NFA and lazy DFA -------------------------------------------------------------------------------------

DEAD = -1
"""The automaton's state after a byte the grammar does not allow."""


class Automaton:
    """A DFA over bytes for a ``Node``, its states built as they are first reached (and kept)."""

    def __init__(self, node: Node) -> None:
        self._edges: list[dict[int, int]] = [{}]  # NFA state 0 accepts
        self._eps: list[list[int]] = [[]]
        start = self._compile(node, 0)
        self._sets: list[frozenset[int]] = []
        self._ids: dict[frozenset[int], int] = {}
        self._moves: list[dict[int, int]] = []
        self.start = self._intern(self._closure([start]))

    def _new(self) -> int:
        self._edges.append({})
        self._eps.append([])
        return len(self._edges) - 1

    def _compile(self, node: Node, after: int) -> int:
        """The NFA for ``node`` ending in ``after``; returns its start (built backwards, so parts share)."""
        if isinstance(node, Lit):
            for byte in reversed(node.data):
                state = self._new()
                self._edges[state][byte] = after
                after = state
            return after
        if isinstance(node, Bytes):
            state = self._new()
            self._edges[state] = dict.fromkeys(node.allowed, after)
            return state
        if isinstance(node, Seq):
            for part in reversed(node.parts):
                after = self._compile(part, after)
            return after
        if isinstance(node, Alt):
            state = self._new()
            self._eps[state] = [self._compile(option, after) for option in node.options]
            return state
        loop = self._new()
        self._eps[loop] = [after]
        self._eps[loop].append(self._compile(node.body, loop))
        return loop

    def _closure(self, states: Iterable[int]) -> frozenset[int]:
        seen: set[int] = set()
        todo = list(states)
        while todo:
            state = todo.pop()
            if state not in seen:
                seen.add(state)
                todo.extend(self._eps[state])
        return frozenset(s for s in seen if self._edges[s] or s == 0)

    def _intern(self, states: frozenset[int]) -> int:
        if not states:
            return DEAD
        found = self._ids.get(states)
        if found is None:
            found = self._ids[states] = len(self._sets)
            self._sets.append(states)
            self._moves.append({})
        return found

    def step(self, state: int, byte: int) -> int:
        """The state after ``byte`` (``DEAD`` if the grammar does not allow it here)."""
        if state == DEAD:
            return DEAD
        moves = self._moves[state]
        found = moves.get(byte)
        if found is None:
            targets = [t for s in self._sets[state] if (t := self._edges[s].get(byte)) is not None]
            found = moves[byte] = self._intern(self._closure(targets))
        return found

    def walk(self, state: int, data: bytes) -> int:
        for byte in data:
            state = self.step(state, byte)
            if state == DEAD:
                break
        return state

    def accepting(self, state: int) -> bool:
        return state != DEAD and 0 in self._sets[state]

    def matches(self, data: bytes) -> bool:
        return self.accepting(self.walk(self.start, data))

    def closing(self, state: int, alphabet: bytes = b'"}]', limit: int = 8) -> bytes | None:
        """The shortest bytes of ``alphabet`` that complete the text from ``state`` (a string, an object
        closed), or None: used when the token budget ends mid-answer, never to invent a value."""
        frontier = [(state, b"")]
        for _ in range(limit + 1):
            following = []
            for current, written in frontier:
                if self.accepting(current):
                    return written
                following += [(s, written + bytes([b])) for b in alphabet if (s := self.step(current, b)) != DEAD]
            frontier = following
        return None


# --- JSON values by JSON Schema ---------------------------------------------------------------------------

SPACE = opt(lit(" "))
"""One optional space after ``:`` and ``,``: what models write; more would let them loop on blanks."""
_CONT = byte_range(0x80, 0xBF)
_HEX = Bytes(frozenset(b"0123456789abcdefABCDEF"))
_CHAR = alt(
    Bytes(frozenset(range(0x20, 0x7F)) - {ord('"'), ord("\\")}),
    seq(byte_range(0xC2, 0xDF), _CONT), seq(byte_range(0xE0, 0xEF), _CONT, _CONT),
    seq(byte_range(0xF0, 0xF4), _CONT, _CONT, _CONT),
    seq(lit("\\"), alt(Bytes(frozenset(b'"\\/bfnrt')), seq(lit("u"), repeat(_HEX, 4, 4)))),
)
"""One character inside a JSON string: printable ASCII, a well-formed UTF-8 sequence, or an escape."""
TEXT = seq(lit('"'), Star(_CHAR), lit('"'))
SOME_TEXT = seq(lit('"'), _CHAR, Star(_CHAR), lit('"'))
_DIGIT = byte_range(ord("0"), ord("9"))
INTEGER = seq(opt(lit("-")), alt(lit("0"), seq(byte_range(ord("1"), ord("9")), repeat(_DIGIT, 0, 11))))
NUMBER = seq(INTEGER, opt(seq(lit("."), repeat(_DIGIT, 1, 6))))
DATE = seq(lit('"'), repeat(_DIGIT, 4, 4), lit("-"), repeat(_DIGIT, 2, 2), lit("-"), repeat(_DIGIT, 2, 2), lit('"'))
SCALAR = alt(TEXT, NUMBER, lit("true"), lit("false"), lit("null"))
_DATE_HINT = re.compile(r"\bYYYY-MM-DD\b")


def value(schema: dict[str, Any], depth: int = 0) -> Node:
    """JSON text valid for ``schema`` (the subset ``tool_schema`` writes; anything else: a plain scalar)."""
    if "enum" in schema:
        return alt(*(lit(json.dumps(v, ensure_ascii=False)) for v in schema["enum"]))
    if "const" in schema:
        return lit(json.dumps(schema["const"], ensure_ascii=False))
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list):
            return alt(*(value(s, depth) for s in schema[key] if isinstance(s, dict)))
    kind = schema.get("type")
    if isinstance(kind, list):
        return alt(*(value({**schema, "type": k}, depth) for k in kind))
    if kind == "string":
        dated = schema.get("format") == "date" or _DATE_HINT.search(str(schema.get("description", "")))
        return DATE if dated else TEXT
    if kind == "integer":
        return INTEGER
    if kind == "number":
        return NUMBER
    if kind == "boolean":
        return alt(lit("true"), lit("false"))
    if kind == "null":
        return lit("null")
    if kind == "object" and depth < 3:
        return arguments(schema, depth + 1)
    if kind == "array" and depth < 3:
        items = schema.get("items")
        item = value(items, depth + 1) if isinstance(items, dict) else SCALAR
        return seq(lit("["), opt(seq(item, Star(seq(lit(","), SPACE, item)))), lit("]"))
    return SCALAR


def arguments(schema: dict[str, Any], depth: int = 0) -> Node:
    """An object of ``schema``'s properties: the required ones in order, then any of the optional ones in
    order. One order of many the schema allows; that is enough for a model to say anything it means."""
    properties = schema.get("properties") or {}
    required = [k for k in properties if k in set(schema.get("required") or [])]
    optional = [k for k in properties if k not in required]

    def member(key: str) -> Node:
        return seq(lit(json.dumps(key, ensure_ascii=False) + ":"), SPACE, value(properties[key], depth))

    def comma_member(key: str) -> Node:
        return seq(lit(","), SPACE, member(key))

    if required:
        body: Node = seq(member(required[0]), *(comma_member(k) for k in required[1:]),
                         *(opt(comma_member(k)) for k in optional))
    else:
        body = opt(alt(*(seq(member(k), *(opt(comma_member(o)) for o in optional[i + 1:]))
                         for i, k in enumerate(optional)))) if optional else Lit(b"")
    return seq(lit("{"), body, lit("}"))


def answer_grammar(tools: dict[str, dict[str, Any]], *, reply: bool = True) -> Node:
    """The agent's answer: one of ``tools`` (name → JSON Schema of its arguments) called, or a reply."""
    calls = [seq(lit(json.dumps(name, ensure_ascii=False) + ","), SPACE, lit('"arguments":'), SPACE,
                 arguments(schema)) for name, schema in tools.items()]
    options: list[Node] = []
    if calls:
        options.append(seq(lit('{"tool":'), SPACE, alt(*calls), lit("}")))
    if reply or not options:
        options.append(seq(lit('{"reply":'), SPACE, SOME_TEXT, lit("}")))
    return alt(*options)
