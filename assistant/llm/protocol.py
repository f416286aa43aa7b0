"""The tool-calling contract with a model, as pure functions: read its answer, check tool arguments, and
catch replies that claim an action nothing did.

A model answers with one JSON object, ``{"tool": name, "arguments": {...}}`` or ``{"reply": "..."}``.
Small models wrap it in prose or code fences, or write Python-style quotes; ``read_decision`` finds the
first object all the same. Arguments are checked against the tool's JSON Schema (the subset
``assistant.skill_api.tool_schema`` produces) before anything runs.
"""

from __future__ import annotations

import ast
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

MAX_SCAN = 8000
"""Characters of a model's answer searched for a JSON object."""
MAX_STRING = 1000
"""Longest string argument accepted (a tool argument is an id, a date or a short text, never a document)."""
MAX_REPLY = 400
"""Longest spoken reply, in characters; longer ones are cut at a sentence end."""


@dataclass(frozen=True)
class ToolRequest:
    """The model asked to call ``name`` with ``arguments`` (not yet validated)."""

    name: str
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Answer:
    """The model answered in words."""

    text: str


@dataclass(frozen=True)
class Malformed:
    """The model's answer could not be used; ``reason`` is told to the model when it may try again."""

    reason: str


Decision = ToolRequest | Answer | Malformed


# --- reading a model's answer -------------------------------------------------------------------------


def _balanced_span(text: str, start: int) -> str | None:
    """The ``{...}`` starting at ``start`` with braces balanced outside strings, or None if it never closes."""
    depth, quote, escaped = 0, "", False
    for i in range(start, len(text)):
        ch = text[i]
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return text[start:i + 1]
    return None


def extract_json_object(text: str) -> dict[str, Any] | None:
    """The first JSON object in ``text``: bare, in a code fence or in prose.

    Python-style literals (single quotes, True/None) are accepted through ``ast.literal_eval``, which
    evaluates literals only and never runs code. Keys must be strings.
    """
    text = text[:MAX_SCAN]
    for start in (i for i, ch in enumerate(text) if ch == "{"):
        span = _balanced_span(text, start)
        if span is None:
            # An apostrophe in prose ("it's") can hide the closing brace from the scanner; plain JSON
            # decoding does not care, so give it a go before moving on.
            try:
                value, _ = json.JSONDecoder().raw_decode(text, start)
            except ValueError:
                continue
            if isinstance(value, dict):
                return value
            continue
        for parse in (json.loads, ast.literal_eval):
            try:
                value = parse(span)
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                continue
            if isinstance(value, dict) and all(isinstance(k, str) for k in value):
                return value
    return None


def read_decision(text: str) -> Decision:
    """What a model's answer asks for: a tool call, a reply, or nothing usable (and why)."""
    obj = extract_json_object(text)
    if obj is None:
        if "{" in text:
            return Malformed("your answer has a '{' but no valid JSON object")
        reply = clean_reply(text)
        return Answer(reply) if reply else Malformed("your answer was empty")
    if "tool" in obj or ("name" in obj and "arguments" in obj):
        name = obj.get("tool", obj.get("name"))
        if not isinstance(name, str) or not name:
            return Malformed('"tool" must be the name of a tool, as a string')
        arguments = obj.get("arguments", obj.get("args", {}))
        if isinstance(arguments, str):
            parsed = extract_json_object(arguments) if arguments.strip() else {}
            arguments = parsed if parsed is not None else arguments
        if arguments is None:
            arguments = {}
        if not isinstance(arguments, dict):
            return Malformed('"arguments" must be a JSON object')
        return ToolRequest(name, arguments)
    said = obj.get("reply", obj.get("answer"))
    if isinstance(said, str) and clean_reply(said):
        return Answer(clean_reply(said))
    return Malformed('the JSON object needs either "tool" and "arguments", or "reply" with the words to say')


_SPECIAL = re.compile(r"<\|[^|>]{1,40}\|>|</?s>|```[a-z]*")


def clean_reply(text: str) -> str:
    """Words fit to speak: no template tokens or code fences, one line, at most ``MAX_REPLY`` characters."""
    text = _SPECIAL.sub(" ", text)
    text = re.sub(r"^\s*(assistant|carehub)\s*:\s*", "", text.strip(), flags=re.IGNORECASE)
    text = re.sub(r"\s+", " ", text).strip().strip('"').strip()
    # Small models loop ("a bit of a bit of a bit of..."): keep one of a phrase (without digits: numbers
    # are never touched) said three times running.
    text = re.sub(r"(\D{3,60}?)(?:\s*\1){2,}", r"\1", text)
    if len(text) <= MAX_REPLY:
        return text
    cut = text[:MAX_REPLY]
    ends = [m.end() for m in re.finditer(r"[.!?。！？]", cut)]
    return cut[:ends[-1]] if ends else cut.rstrip() + "…"


# --- checking arguments against a JSON Schema -----------------------------------------------------------

_TYPES: dict[str, Any] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


def validate_arguments(arguments: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    """Every way ``arguments`` break ``schema``, as ``"name: problem"``; empty when they are fine.

    Covers what ``tool_schema`` produces: ``type`` (one or a list), ``enum``, ``const``, ``anyOf`` /
    ``oneOf``, ``properties``, ``required``, ``additionalProperties``, ``items``, ``minimum`` /
    ``maximum`` (and exclusive), ``minLength`` / ``maxLength``, ``minItems`` / ``maxItems`` and local
    ``$ref``. Extra keys are refused at the top level even when the schema does not say so.
    """
    schema = {**schema, "type": "object", "additionalProperties": schema.get("additionalProperties", False)}
    if schema["additionalProperties"] is True:
        schema["additionalProperties"] = False
    return _check(arguments, schema, schema.get("$defs", {}), "arguments")


def _check(value: Any, schema: Any, defs: dict[str, Any], path: str, depth: int = 0) -> list[str]:
    if depth > 20:
        return [f"{path}: nested too deeply"]
    if schema is True or schema == {}:
        return _string_cap(value, path)
    if schema is False:
        return [f"{path}: not allowed"]
    if not isinstance(schema, dict):
        return [f"{path}: the tool's schema is invalid"]
    if "$ref" in schema:
        ref = schema["$ref"]
        target = defs.get(ref.split("/")[-1]) if isinstance(ref, str) and ref.startswith("#/$defs/") else None
        if target is None:
            return [f"{path}: the tool's schema refers to {ref!r}, which it does not define"]
        return _check(value, {**target, **{k: v for k, v in schema.items() if k != "$ref"}}, defs, path, depth + 1)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [_check(value, option, defs, path, depth + 1) for option in schema[key]]
            if all(options):
                return [f"{path}: {value!r} matches none of the allowed forms ({'; '.join(options[0])})"]
    problems: list[str] = []
    kinds = schema.get("type")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else list(kinds)
        if not any(_TYPES.get(kind, lambda v: False)(value) for kind in kinds):
            return [f"{path}: expected {' or '.join(kinds)}, got {_type_name(value)}"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{path}: {value!r} is not one of {schema['enum']}"]
    if "const" in schema and value != schema["const"]:
        return [f"{path}: must be {schema['const']!r}"]
    if isinstance(value, str):
        problems += _string_cap(value, path)
        if len(value) < schema.get("minLength", 0):
            problems.append(f"{path}: shorter than {schema['minLength']} characters")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            problems.append(f"{path}: longer than {schema['maxLength']} characters")
    if _TYPES["number"](value):
        for key, ok in (("minimum", lambda b: value >= b), ("maximum", lambda b: value <= b),
                        ("exclusiveMinimum", lambda b: value > b), ("exclusiveMaximum", lambda b: value < b)):
            if key in schema and not ok(schema[key]):
                problems.append(f"{path}: {value} breaks {key} {schema[key]}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0) or len(value) > schema.get("maxItems", len(value)):
            problems.append(f"{path}: wrong number of items ({len(value)})")
        for n, item in enumerate(value[:100]):
            problems += _check(item, schema.get("items", {}), defs, f"{path}[{n}]", depth + 1)
        if len(value) > 100:
            problems.append(f"{path}: more than 100 items")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                problems.append(f"{path}.{name}: required")
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            if name in properties:
                problems += _check(item, properties[name], defs, f"{path}.{name}", depth + 1)
            elif extra is False:
                problems.append(f"{path}.{name}: unexpected argument")
            else:
                problems += _check(item, extra, defs, f"{path}.{name}", depth + 1)
    return problems


def _string_cap(value: Any, path: str) -> list[str]:
    return [f"{path}: longer than {MAX_STRING} characters"] if isinstance(value, str) and len(value) > MAX_STRING \
        else []


def _type_name(value: Any) -> str:
    for name in ("null", "boolean", "integer", "number", "string", "array", "object"):
        if _TYPES[name](value):
            return name
    return type(value).__name__


# --- replies that claim what did not happen ---------------------------------------------------------------

_VERBS_EN = (r"turned|switched|set|called|phoned|rung|rang|texted|messaged|notified|told|alerted|reminded|sent|"
             r"booked|scheduled|ordered|added|cancell?ed|locked|unlocked|opened|closed|shut|contacted|informed|"
             r"emailed|recorded|logged|saved|arranged|dialled|dialed|started|stopped|paged|asked|checked|looked\s+up")
_CLAIMS = (
    re.compile(rf"\bI\s*(?:'ve|’ve|\s+have|'ll|’ll|\s+will)?\s+(?:just\s+|already\s+|now\s+|gone\s+ahead\s+and\s+)*"
               rf"(?:{_VERBS_EN})\b", re.IGNORECASE),
    re.compile(r"\bI\s*(?:'ll|’ll|\s+will|\s+am\s+going\s+to)\s+(?:now\s+|also\s+)?(?:turn|switch|call|phone|ring|"
               r"text|message|notify|alert|remind|send|book|schedule|order|contact|inform|lock|unlock|open|close|"
               r"set|let\s+(?:\w+\s+){1,3}know)\b", re.IGNORECASE),
    re.compile(r"\b(?:has|have)\s+been\s+(?:turned|switched|notified|called|told|alerted|reminded|sent|set|"
               r"contacted|informed|booked|scheduled|locked|unlocked|recorded|cancell?ed)\b", re.IGNORECASE),
    # "You turned on the light", "the kettle was switched off": a device's new state, stated as done.
    re.compile(r"\b(?:turned|switched)\s+(?:\w+\s+){0,3}?(?:on|off)\b", re.IGNORECASE),
    re.compile(r"\b(?:is|are)\s+now\s+(?:on|off|locked|unlocked|open|closed|set)\b", re.IGNORECASE),
    re.compile(r"(?:已经|已)(?:帮您|为您|给您|替您)?(?:打开|开了|开启|关闭|关掉|关了|关上|通知|告诉|联系|打电话|打给|给.{0,6}打|"
               r"提醒|设置|设好|设定|发送|发了|发给|预约|叫了|叫来|锁|记录|安排|呼叫)"),
    re.compile(r"我(?:帮您|为您|给您|替您)?(?:打开|关掉|关闭|通知|联系|提醒|设置|设好|发送|呼叫|叫)了"),
)


def claims_action(text: str) -> bool:
    """Whether a reply says carehub did something (turned on, called, reminded, 已经打开, 已经通知...).

    Questions ("Shall I set a reminder?", "要我打开灯吗？") claim nothing and are skipped.
    """
    for sentence in re.split(r"(?<=[.!?。！？])\s*", text):
        if sentence.rstrip().endswith(("?", "？", "吗", "吗。")):
            continue
        if any(pattern.search(sentence) for pattern in _CLAIMS):
            return True
    return False


_WORD = re.compile(r"[a-z0-9']+")
_CJK = re.compile(r"[\u3400-\u9fff]")


def echoes_prompt(reply: str, prompt: str, *, words: int = 6, characters: int = 10) -> bool:
    """Whether ``reply`` reads back the system prompt: a run of ``words`` words (or ``characters``
    Chinese characters) in a row that is also in ``prompt``. Small base models recite their
    instructions ("You are carehub, the voice assistant of ..."), people's names and ids included;
    that is never an answer."""
    said = _WORD.findall(reply.lower())
    if len(said) >= words:
        source = _WORD.findall(prompt.lower())
        grams = {tuple(source[i:i + words]) for i in range(len(source) - words + 1)}
        if any(tuple(said[i:i + words]) in grams for i in range(len(said) - words + 1)):
            return True
    han = "".join(_CJK.findall(reply))
    if len(han) >= characters:
        source_han = "".join(_CJK.findall(prompt))
        return any(han[i:i + characters] in source_han for i in range(len(han) - characters + 1))
    return False
