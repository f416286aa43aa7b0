"""Intent recognition: hassil over Home Assistant's sentences and the skills' own, per language.

Grammars are merged once per language from (a) home-assistant-intents for the intent names a skill
claims (``@intent("HassTurnOn")``), (b) each skill's ``sentences/<lang>.yaml`` and (c) inline
templates. Slot lists (device names, areas) come from the device registry.
"""

from __future__ import annotations

import copy
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hassil import Intents, recognize_best
from hassil.intents import SlotList, TextSlotList

LANGUAGE_ALIASES = {"zh": "zh-CN", "zh-cn": "zh-CN", "zh-hans": "zh-CN", "zh-tw": "zh-TW", "zh-hk": "zh-HK",
                    "zh-hant": "zh-TW", "en-us": "en", "en-gb": "en"}
_CJK = re.compile(r"[\u3400-\u9fff]")


def normalize_language(code: str) -> str:
    """``zh`` → ``zh-CN``, ``en-GB`` → ``en``; other codes unchanged."""
    return LANGUAGE_ALIASES.get(code.lower(), code)


def guess_languages(text: str, preferred: list[str]) -> list[str]:
    """Languages to try, most likely first: Chinese ones first when the text has Han characters."""
    if _CJK.search(text):
        return [lang for lang in preferred if lang.startswith("zh")] + [l for l in preferred if not l.startswith("zh")]
    return [lang for lang in preferred if not lang.startswith("zh")] + [l for l in preferred if l.startswith("zh")]


@dataclass(frozen=True)
class Recognized:
    """What hassil made of an utterance."""

    intent: str
    language: str
    slots: dict[str, Any]
    slot_text: dict[str, str]
    text: str


@dataclass
class GrammarSource:
    """One skill's contribution to the grammar."""

    skill: str
    intent_names: list[str]
    inline: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """Inline templates: intent name → language → templates."""
    sentences_dir: Path | None = None


def _merge(into: dict[str, Any], other: dict[str, Any]) -> None:
    for name, body in (other.get("intents") or {}).items():
        target = into.setdefault("intents", {}).setdefault(name, {"data": []})
        target.setdefault("data", []).extend(copy.deepcopy((body or {}).get("data") or []))
    for section in ("lists", "expansion_rules"):
        if other.get(section):
            into.setdefault(section, {}).update(copy.deepcopy(other[section]))
    if other.get("skip_words"):
        into.setdefault("skip_words", [])
        into["skip_words"] += [w for w in other["skip_words"] if w not in into["skip_words"]]


def load_sentence_file(path: Path) -> dict[str, Any]:
    """A hassil sentence file (the home-assistant/intents format)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not isinstance(data.get("intents", {}), dict):
        raise ValueError(f"{path}: expected a mapping with an 'intents' section")
    return data


def build_grammar(language: str, sources: list[GrammarSource]) -> dict[str, Any]:
    """The merged hassil document for one language."""
    from home_assistant_intents import get_intents

    doc: dict[str, Any] = {"language": language, "intents": {}}
    ha = get_intents(language) or {}
    claimed = {name for s in sources for name in s.intent_names}
    ha_names = claimed & set(ha.get("intents", {}))
    if ha_names:
        _merge(doc, {
            "intents": {n: ha["intents"][n] for n in ha_names},
            "lists": ha.get("lists"), "expansion_rules": ha.get("expansion_rules"),
            "skip_words": ha.get("skip_words"),
        })
    for source in sources:
        if source.sentences_dir is not None:
            path = source.sentences_dir / f"{language}.yaml"
            if path.exists():
                _merge(doc, load_sentence_file(path))
        for name, by_lang in source.inline.items():
            templates = by_lang.get(language) or []
            if templates:
                _merge(doc, {"intents": {name: {"data": [{"sentences": templates}]}}})
    return doc


class Recognizer:
    """Per-language hassil grammars, built lazily and reused."""

    def __init__(self, sources: list[GrammarSource], languages: list[str]) -> None:
        self.sources = sources
        self.languages = [normalize_language(lang) for lang in languages]
        self._intents: dict[str, Intents] = {}
        self._lock = threading.Lock()
        self.slot_lists: dict[str, dict[str, SlotList]] = {}

    def set_slot_lists(self, language: str, lists: dict[str, list[tuple]]) -> None:
        """Slot lists for one language: list name → (text, value[, context]) tuples."""
        self.slot_lists[normalize_language(language)] = {
            name: TextSlotList.from_tuples(values, allow_template=False, name=name) for name, values in lists.items()
        }

    def intents_for(self, language: str) -> Intents:
        with self._lock:
            if language not in self._intents:
                self._intents[language] = Intents.from_dict(build_grammar(language, self.sources))
            return self._intents[language]

    def recognize(self, text: str, languages: list[str]) -> Recognized | None:
        """The best match in the first language that has one (blocking: call from a thread)."""
        for language in languages:
            intents = self.intents_for(language)
            if not intents.intents:
                continue
            lists = dict(self.slot_lists.get(language, {}))
            for required in ("name", "area", "floor"):
                lists.setdefault(required, TextSlotList.from_tuples([], name=required))
            result = recognize_best(text, intents, slot_lists=lists, language=language)
            if result is None:
                continue
            slots = {k: e.value for k, e in result.entities.items()}
            slot_text = {k: str(e.text).strip() for k, e in result.entities.items()}
            return Recognized(result.intent.name, language, slots, slot_text, text)
        return None
