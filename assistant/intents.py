"""Intent recognition: hassil over Home Assistant's sentences and the skills' own, per language.

Grammars are merged once per language from (a) home-assistant-intents for the intent names a skill
claims (``@intent("HassTurnOn")``), (b) each skill's ``sentences/<lang>.yaml`` and (c) inline
templates. Slot lists (device names, areas) come from the device registry.
"""

from __future__ import annotations

import copy
import logging
import re
import stat
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from hassil import Intents, parse_sentence, recognize_best
from hassil.intents import SlotList, TextSlotList

from assistant.errors import CarehubError

log = logging.getLogger(__name__)
T = TypeVar("T")

LANGUAGE_ALIASES = {"zh": "zh-CN", "zh-cn": "zh-CN", "zh-hans": "zh-CN", "zh-hans-cn": "zh-CN", "zh-sg": "zh-CN",
                    "zh-tw": "zh-TW", "zh-hk": "zh-HK", "zh-hant": "zh-TW", "zh-hant-tw": "zh-TW",
                    "zh-hant-hk": "zh-HK", "en-us": "en", "en-gb": "en"}
_CJK = re.compile(r"[\u3400-\u9fff]")


class SentenceError(CarehubError, ValueError):
    """A sentence file or template that cannot be used; ``path`` is the file (None for inline templates)."""

    def __init__(self, path: Path | None, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}" if path is not None else reason)


def normalize_language(code: str) -> str:
    """``zh``/``zh_CN`` → ``zh-CN``, ``en-GB`` → ``en``, ``pt_br`` → ``pt-BR``; other codes in BCP 47 case."""
    code = code.strip().replace("_", "-")
    if code.lower() in LANGUAGE_ALIASES:
        return LANGUAGE_ALIASES[code.lower()]
    parts = code.split("-")
    # language lower-case, a four-letter script title-case (sr-Latn), a region upper-case (pt-BR).
    return "-".join([parts[0].lower()] + [p.title() if len(p) == 4 else p.upper() if len(p) == 2 else p
                                          for p in parts[1:]])


def guess_languages(text: str, preferred: list[str]) -> list[str]:
    """Languages to try, most likely first: Chinese ones first when the text has Han characters."""
    if _CJK.search(text):
        return sorted(preferred, key=lambda code: not code.startswith("zh"))
    return sorted(preferred, key=lambda code: code.startswith("zh"))


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


def check_templates(templates: Iterable[Any], where: str = "") -> None:
    """Raise SentenceError for the first template hassil cannot parse (hassil would only notice on first use)."""
    for template in templates:
        if not isinstance(template, str):
            raise SentenceError(None, f"{where}expected a template string, got {template!r}")
        try:
            parse_sentence(template, keep_text=True)
        except Exception as error:  # noqa: BLE001 - hassil's ParseError and friends
            raise SentenceError(None, f"{where}{template!r}: {error}") from None


def load_sentence_file(path: Path) -> dict[str, Any]:
    """A hassil sentence file (the home-assistant/intents format), checked down to each template."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except UnicodeDecodeError as error:
        raise SentenceError(path, f"byte {error.start}: not UTF-8 text") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise SentenceError(path, f"{where}not valid YAML ({getattr(error, 'problem', None) or error})") from None
    except OSError as error:
        raise SentenceError(path, f"cannot read: {error.strerror or error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("intents", {}), dict):
        raise SentenceError(path, "expected a mapping with an 'intents' section")
    for name, body in (data.get("intents") or {}).items():
        if not isinstance(body, dict) or not isinstance(body.get("data", []), list):
            raise SentenceError(path, f"intents.{name}.data: expected a list of {{sentences: [...]}}")
        for i, entry in enumerate(body.get("data") or []):
            where = f"intents.{name}.data[{i}]"
            if not isinstance(entry, dict) or not isinstance(entry.get("sentences", []), list):
                raise SentenceError(path, f"{where}.sentences: expected a list of templates")
            for j, template in enumerate(entry.get("sentences") or []):
                try:
                    check_templates([template])
                except SentenceError as error:
                    raise SentenceError(path, f"{where}.sentences[{j}]: {error.reason}") from None
    return data


FILES_KEPT_FOR = 0.0
"""Seconds a look at the skills' sentence folders is reused (0: every time). A worker sets it: it starts
thousands of homes with the same skills, and each look costs a few file-system calls per skill."""

_looks: dict[tuple[str, Any], tuple[float, Any]] = {}


def settled(what: str, key: Any, look: Callable[[], T]) -> T:
    """``look()``, or what it gave less than ``FILES_KEPT_FOR`` seconds ago for the same (what, key)."""
    if FILES_KEPT_FOR <= 0:
        return look()
    now = time.monotonic()
    seen = _looks.get((what, key))
    if seen is not None and now - seen[0] < FILES_KEPT_FOR:
        return seen[1]
    value = look()
    _looks[(what, key)] = (now, value)
    return value


def sentence_stamps(folder: Path | None) -> dict[str, tuple[Path, int]]:
    """The ``<lang>.yaml`` files of a sentences folder with their modification times, by normalised language
    (``zh_CN.yaml`` is zh-CN); a file that vanishes while being looked at is left out."""
    if folder is None:
        return {}
    return settled("sentences", folder, lambda: _stamps(folder))


def _stamps(folder: Path) -> dict[str, tuple[Path, int]]:
    try:
        paths = sorted(folder.iterdir())
    except OSError:  # not a folder (or gone)
        return {}
    found: dict[str, tuple[Path, int]] = {}
    for path in paths:
        if path.suffix not in (".yaml", ".yml"):
            continue
        try:
            info = path.stat()
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            found[normalize_language(path.stem)] = (path, info.st_mtime_ns)
    return found


def sentence_files(folder: Path | None) -> dict[str, Path]:
    """The ``<lang>.yaml`` files of a sentences folder, by normalised language (``zh_CN.yaml`` is zh-CN)."""
    return {language: path for language, (path, _) in sentence_stamps(folder).items()}


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
        # One skill's broken file or template must not take the whole language down with it: the
        # loader reports these at load time, so here they are only left out.
        path = sentence_files(source.sentences_dir).get(language)
        if path is not None:
            try:
                data = load_sentence_file(path)
            except SentenceError as error:
                log.error("skill %s: grammar for %s leaves out %s", source.skill, language, error)
            else:
                # Only the intents the skill handles: a stray one would be recognised and then not understood.
                claimed_here = {n: b for n, b in (data.get("intents") or {}).items() if n in source.intent_names}
                _merge(doc, {**data, "intents": claimed_here})
        for name, by_lang in source.inline.items():
            templates = by_lang.get(language) or []
            try:
                check_templates(templates)
            except SentenceError as error:
                log.error("skill %s: grammar for %s leaves out intent %s: %s", source.skill, language, name, error)
                continue
            if templates:
                _merge(doc, {"intents": {name: {"data": [{"sentences": templates}]}}})
    return doc


_shared_grammars: OrderedDict[tuple[str, str], Intents] = OrderedDict()
_shared_lock = threading.Lock()
SHARED_GRAMMARS = 16
"""Grammars kept for sharing (least recently used dropped first): a worker's homes mostly run the same skills."""


def _fingerprint(sources: list[GrammarSource]) -> str:
    """What a grammar is built from: the skills' intents, inline templates and sentence files (with their
    modification times), so hubs with the same skills share one grammar and an edited file builds anew."""
    parts = []
    for source in sources:
        files = {lang: (str(path), stamp) for lang, (path, stamp) in sentence_stamps(source.sentences_dir).items()}
        parts.append((source.skill, sorted(source.intent_names), sorted((n, sorted(t.items())) for n, t in
                                                                        source.inline.items()), sorted(files.items())))
    return repr(parts)


class Recognizer:
    """Per-language hassil grammars, built lazily and reused.

    A grammar depends only on the skills (the household's names come in as slot lists when recognising), so
    every home a worker carries with the same skills shares one per language: about 1 MB each.
    """

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
                self._intents[language] = self._shared(language)
            return self._intents[language]

    def _shared(self, language: str) -> Intents:
        try:
            key = (language, _fingerprint(self.sources))
        except OSError:  # a sentence file vanished: build this one without sharing, reporting what is wrong
            return self._build(language)
        with _shared_lock:
            intents = _shared_grammars.get(key)
            if intents is None:
                intents = _shared_grammars[key] = self._build(language)
                while len(_shared_grammars) > SHARED_GRAMMARS:
                    _shared_grammars.popitem(last=False)
            else:
                _shared_grammars.move_to_end(key)
            return intents

    def _build(self, language: str) -> Intents:
        try:
            return Intents.from_dict(build_grammar(language, self.sources))
        except Exception:  # noqa: BLE001 - other languages keep working
            log.exception("grammar for %s cannot be built; nothing is understood in it", language)
            return Intents(language=language, intents={})

    def recognize(self, text: str, languages: list[str], room: str | None = None) -> Recognized | None:
        """The best match in the first language that has one (blocking: call from a thread).

        ``room`` (where a satellite heard it) fills Home Assistant's area context, so "turn on the
        light" said in the kitchen means the kitchen light.
        """
        context = {"area": {"value": room, "text": room.replace("_", " ")}} if room else None
        for language in languages:
            intents = self.intents_for(language)
            if not intents.intents:
                continue
            lists = dict(self.slot_lists.get(language, {}))
            for required in ("name", "area", "floor"):
                lists.setdefault(required, TextSlotList.from_tuples([], name=required))
            try:
                result = recognize_best(text, intents, slot_lists=lists, language=language,
                                        intent_context=context)
            except Exception:  # noqa: BLE001 - a grammar error hassil found late; try the next language
                log.exception("grammar for %s failed on %r", language, text)
                continue
            if result is None:
                continue
            slots = {k: e.value for k, e in result.entities.items()}
            slot_text = {k: str(e.text).strip() for k, e in result.entities.items()}
            return Recognized(result.intent.name, language, slots, slot_text, text)
        return None
