"""The scam guard's cue catalogue: the YAML files in ``cues/``, read and checked once into compiled cues.

The files hold the vocabulary (cues, the combinations among them, number cues, warning phrases); ``rules.py``
holds the scoring. ``load_catalogue`` reports every malformed entry at once, each with its file and entry
(``03-asks.yaml: code_request.en[2]: bad regular expression: ...``), so a typo fails at load, not in a call.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CUES_DIR = Path(__file__).with_name("cues")
"""Where the catalogue's YAML files are; they are read in name order."""

FAMILIES = ("impersonation", "safe_account", "verification_code", "urgency_secrecy", "relative_in_trouble",
            "health_products", "investment", "remote_control", "refund_prize_fee", "money_request", "phishing",
            "romance", "number", "combination", "legitimacy")
"""Cue families; the bench reports recall per family of the sample set."""

HAN = r"\u3400-\u4dbf\u4e00-\u9fff"
"""Chinese characters, for a regular expression's character class."""
_HAN_CHAR = re.compile(f"[{HAN}]")
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_FRAGMENT_REF = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_NUMBER_CUE_IDS = ("number_withheld", "number_international", "number_unknown")
_SECTIONS = {"fragments", "sets", "cues", "combinations", "number_cues", "withheld_numbers", "warnings"}
_CUE_KEYS = {"id", "family", "weight", "label_en", "label_zh", "en", "zh", "group", "negatable", "unless",
             "unless_in_text", "void_if", "void_if_except"}
_COMBINATION_KEYS = {"id", "weight", "label_en", "label_zh", "groups", "fallback"}
_WARNING_KEYS = ("before", "after", "just_before", "clause_turn")


@dataclass(frozen=True)
class Cue:
    """A rule: patterns (over normalised text) that make one cue fire."""

    id: str
    """Stable id, e.g. ``safe_account``."""
    family: str
    """One of ``FAMILIES``."""
    label_en: str
    """What it means, for a caregiver reading English."""
    label_zh: str
    """What it means, in Chinese."""
    weight: float
    """How much it adds on its own (0..1); negative for a sign of legitimacy."""
    pattern: re.Pattern[str]
    """Every alternative: English ones as whole words, Chinese ones anywhere."""
    negatable: bool = True
    """False for cues that are phrased negatively themselves ("don't tell anyone")."""
    group: str | None = None
    """Cues of one group do not add up: claiming to be the police *and* a prosecutor counts once."""
    unless: re.Pattern[str] | None = None
    """The cue does not fire in a sentence that also matches this ("delivery charge: free")."""
    unless_in_text: re.Pattern[str] | None = None
    """The cue does not fire in a text that matches this anywhere (a bill or statement with a due date)."""
    void_if: frozenset[str] = frozenset()
    """For a sign of legitimacy (negative weight): cues that make it worthless. "We will never ask for your PIN"
    means nothing in a text that then asks for a code."""
    latin_pattern: re.Pattern[str] | None = None
    """The alternatives without Chinese characters, tried instead of ``pattern`` on a text that has none (faster);
    None when there are none."""


@dataclass(frozen=True)
class Combination:
    """Cues that are worse together: it fires when a cue from every group fired."""

    id: str
    label_en: str
    label_zh: str
    weight: float
    groups: tuple[frozenset[str], ...]
    """Cue ids; one of each group must have fired."""
    fallback: bool = False
    """A broad co-occurrence (any story + any ask) that fires only when no specific combination did, so the
    generic rule catches new shapes of scam without stacking on top of the ones already recognised."""


@dataclass(frozen=True)
class NumberCue:
    """What a cue from the caller's number means and weighs."""

    label_en: str
    label_zh: str
    weight: float


@dataclass(frozen=True)
class Warnings:
    """How a warning is phrased, so that a cue inside one does not fire."""

    before: re.Pattern[str]
    """Anywhere earlier in the sentence ("the police will never ask you to ...")."""
    after: re.Pattern[str]
    """Later in the sentence ("... is a scam")."""
    just_before: re.Pattern[str]
    """Right before the match, searched at the end of the text before it ("do not share ...")."""
    clause_turn: re.Pattern[str]
    """Where a warning ends and an ask starts ("..., just read me the code")."""


@dataclass(frozen=True)
class Catalogue:
    """Everything the rules look for, compiled."""

    cues: tuple[Cue, ...]
    """Every text cue, signs of legitimacy last, in file order."""
    combinations: tuple[Combination, ...]
    number_cues: Mapping[str, NumberCue]
    """By id: ``number_withheld``, ``number_international``, ``number_unknown``."""
    withheld_numbers: frozenset[str]
    """What a phone bridge reports for a hidden number, in lower case."""
    warnings: Warnings
    cue_by_id: Mapping[str, Cue] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "cue_by_id", {c.id: c for c in self.cues})


@dataclass(frozen=True)
class Problem:
    """One malformed entry of the catalogue."""

    file: str
    """The file's name, e.g. ``03-asks.yaml``."""
    entry: str
    """Where in it, e.g. ``code_request.en[2]``; empty for the file as a whole."""
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.entry}: {self.message}" if self.entry else f"{self.file}: {self.message}"


class CatalogueError(ValueError):
    """The catalogue's YAML is malformed; ``problems`` lists every bad entry, each with its file and entry."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("scam guard cue catalogue: " + "; ".join(map(str, self.problems)))


def load_catalogue(directory: Path = CUES_DIR) -> Catalogue:
    """Read, check and compile every ``*.yaml`` in ``directory``; raises ``CatalogueError`` listing every problem."""
    return _Loader(directory).load()


@dataclass
class _Raw:
    """One entry as read, with where it came from."""

    file: str
    value: Any
    index: str = ""
    """Its place in the file, e.g. ``cues[3]``, for a problem with an entry that has no usable id."""


class _Loader:
    """Collects the sections of every file, then checks and compiles them, noting each problem on the way."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.problems: list[Problem] = []
        self.fragments: dict[str, _Raw] = {}
        self.sets: dict[str, _Raw] = {}
        self.cues: list[_Raw] = []
        self.combinations: list[_Raw] = []
        self.singles: dict[str, _Raw] = {}
        self.cue_ids: set[str] = set()
        self._resolved: dict[str, frozenset[str] | None] = {}

    def problem(self, file: str, entry: str, message: str) -> None:
        self.problems.append(Problem(file, entry, message))

    def load(self) -> Catalogue:
        files = sorted(self.directory.glob("*.yaml"))
        if not files:
            raise CatalogueError([Problem(str(self.directory), "", "no *.yaml files")])
        for path in files:
            self.read(path)
        self.cue_ids = {raw.value["id"] for raw in self.cues
                        if isinstance(raw.value, dict) and isinstance(raw.value.get("id"), str)}
        for name in self.sets:
            self.named_set(name, "", "", ())
        for name, raw in self.fragments.items():
            if not isinstance(raw.value, str) or not raw.value:
                self.problem(raw.file, f"fragments.{name}", "expected a non-empty regular expression in quotes")
        cues = [cue for raw in self.cues if (cue := self.cue(raw))]
        combinations = [combination for raw in self.combinations if (combination := self.combination(raw))]
        number_cues, withheld, warnings = self.number_cues(), self.withheld(), self.warnings()
        seen: set[str] = set()
        for raw in [*self.cues, *self.combinations]:
            entry_id = raw.value.get("id") if isinstance(raw.value, dict) else None
            if not isinstance(entry_id, str):
                continue
            if entry_id in seen or entry_id in number_cues:
                self.problem(raw.file, str(entry_id), "the id is used twice")
            seen.add(entry_id)
        if self.problems or warnings is None:
            raise CatalogueError(self.problems)
        return Catalogue(tuple(cues), tuple(combinations), number_cues, withheld, warnings)

    # -- reading -------------------------------------------------------------------------------------------

    def read(self, path: Path) -> None:
        name = path.name
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError as error:
            self.problem(name, "", f"not valid YAML: {error}")
            return
        if not isinstance(data, dict):
            self.problem(name, "", f"expected a mapping of {', '.join(sorted(_SECTIONS))}")
            return
        for section, value in data.items():
            if section not in _SECTIONS:
                self.problem(name, str(section), f"unknown section; expected one of {', '.join(sorted(_SECTIONS))}")
            elif section in ("cues", "combinations"):
                if not isinstance(value, list):
                    self.problem(name, section, "expected a list")
                    continue
                getattr(self, section).extend(_Raw(name, item, f"{section}[{i}]") for i, item in enumerate(value))
            elif section in ("fragments", "sets"):
                if not isinstance(value, dict):
                    self.problem(name, section, "expected a mapping of names")
                    continue
                named: dict[str, _Raw] = getattr(self, section)
                for key, item in value.items():
                    if key in named:
                        self.problem(name, f"{section}.{key}", f"already defined in {named[key].file}")
                    elif not isinstance(key, str) or not _NAME.fullmatch(key):
                        self.problem(name, f"{section}.{key}", "a name is lower case letters, digits and _")
                    else:
                        named[key] = _Raw(name, item)
            elif section in self.singles:
                self.problem(name, section, f"already given in {self.singles[section].file}")
            else:
                self.singles[section] = _Raw(name, value)

    # -- patterns ------------------------------------------------------------------------------------------

    def expand(self, text: Any, file: str, where: str) -> str | None:
        """``text`` with each ``{fragment}`` filled in, or None (and a problem) when it is not usable."""
        if not isinstance(text, str) or not text:
            self.problem(file, where, f"expected a non-empty regular expression in quotes, got {text!r}")
            return None
        missing = [m.group(1) for m in _FRAGMENT_REF.finditer(text) if m.group(1) not in self.fragments]
        if missing:
            self.problem(file, where, f"unknown fragment {{{missing[0]}}}; known: {', '.join(sorted(self.fragments))}")
            return None
        return _FRAGMENT_REF.sub(lambda m: str(self.fragments[m.group(1)].value), text)

    def compile(self, pattern: str, file: str, where: str) -> re.Pattern[str] | None:
        try:
            return re.compile(pattern)
        except re.error as error:
            self.problem(file, where, f"bad regular expression: {error}")
            return None

    def patterns(self, items: Any, file: str, where: str) -> list[str] | None:
        """A list of patterns, each expanded and checked on its own so the problem names the bad one."""
        if items is None:
            return []
        if not isinstance(items, list):
            self.problem(file, where, "expected a list of regular expressions")
            return None
        out = []
        for index, item in enumerate(items):
            text = self.expand(item, file, f"{where}[{index}]")
            if text is not None and self.compile(text, file, f"{where}[{index}]") is not None:
                out.append(text)
        return out if len(out) == len(items) else None

    # -- sets of cue ids -----------------------------------------------------------------------------------

    def ids(self, items: Any, file: str, where: str, *, stack: tuple[str, ...] = ()) -> frozenset[str] | None:
        """Cue ids and ``$set`` names, expanded; None (and a problem) when one is not known."""
        if not isinstance(items, list) or not items:
            self.problem(file, where, "expected a non-empty list of cue ids and $sets")
            return None
        out: set[str] = set()
        for item in items:
            if isinstance(item, str) and item.startswith("$"):
                resolved = self.named_set(item[1:], file, where, stack)
                if resolved is None:
                    return None
                out |= resolved
            elif isinstance(item, str) and item in self.cue_ids:
                out.add(item)
            else:
                self.problem(file, where, f"unknown cue {item!r}")
                return None
        return frozenset(out)

    def named_set(self, name: str, file: str, where: str, stack: tuple[str, ...]) -> frozenset[str] | None:
        if name in self._resolved:
            return self._resolved[name]  # None when it is bad: reported once, where it is defined
        if name not in self.sets:
            self.problem(file, where, f"unknown set ${name}")
            return None
        if name in stack:
            self.problem(self.sets[name].file, f"sets.{name}", "the set contains itself")
            return None
        raw = self.sets[name]
        resolved = self.ids(raw.value, raw.file, f"sets.{name}", stack=(*stack, name))
        self._resolved[name] = resolved
        return resolved

    # -- entries -------------------------------------------------------------------------------------------

    def labelled(self, raw: _Raw, keys: set[str], *, weight_range: tuple[float, float]) -> str | None:
        """Check the keys every entry has (id, weight, labels); the entry's name for problems, or None."""
        item = raw.value
        if not isinstance(item, dict):
            self.problem(raw.file, raw.index, "expected a mapping with id, weight, label_en, label_zh")
            return None
        entry = item["id"] if isinstance(item.get("id"), str) else raw.index
        ok = True
        for key in sorted(set(item) - keys):
            self.problem(raw.file, f"{entry}.{key}", f"unknown key; expected {', '.join(sorted(keys))}")
            ok = False
        for key in ("id", "weight", "label_en", "label_zh"):
            if key not in item:
                self.problem(raw.file, entry, f"missing {key}")
                ok = False
            elif key == "weight":
                low, high = weight_range
                weight = item[key]
                if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not low <= weight <= high \
                        or weight == 0:
                    self.problem(raw.file, f"{entry}.weight", f"expected a non-zero number in {low}..{high}, got "
                                                              f"{weight!r}")
                    ok = False
            elif not isinstance(item[key], str) or not item[key].strip():
                self.problem(raw.file, f"{entry}.{key}", "expected a non-empty text")
                ok = False
        if isinstance(item.get("id"), str) and not _NAME.fullmatch(item["id"]):
            self.problem(raw.file, entry, "an id is lower case letters, digits and _")
            ok = False
        return entry if ok else None

    def cue(self, raw: _Raw) -> Cue | None:
        problems = len(self.problems)
        entry = self.labelled(raw, _CUE_KEYS, weight_range=(-1, 1))
        if entry is None:
            return None
        item, file = raw.value, raw.file
        family, weight = item.get("family"), float(item["weight"])
        text_families = [f for f in FAMILIES if f not in ("number", "combination")]
        if family not in text_families:
            self.problem(file, f"{entry}.family", f"unknown family {family!r}; expected one of "
                                                  f"{', '.join(text_families)}")
        elif (family == "legitimacy") != (weight < 0):
            self.problem(file, f"{entry}.weight", "signs of legitimacy (and only they) have a negative weight")
        if ("void_if" in item or "void_if_except" in item) and family != "legitimacy":
            self.problem(file, f"{entry}.void_if", "only a sign of legitimacy can be void")
        if not isinstance(item.get("negatable", True), bool):
            self.problem(file, f"{entry}.negatable", "expected true or false")
        if not isinstance(item.get("group", ""), str):
            self.problem(file, f"{entry}.group", "expected a name")
        en = self.patterns(item.get("en"), file, f"{entry}.en") or []
        zh = self.patterns(item.get("zh"), file, f"{entry}.zh") or []
        if not item.get("en") and not item.get("zh"):
            self.problem(file, entry, "no patterns: give en, zh or both")
        unless = self.optional_pattern(item, "unless", file, entry)
        unless_in_text = self.optional_pattern(item, "unless_in_text", file, entry)
        void_if = self.ids(item["void_if"], file, f"{entry}.void_if") if "void_if" in item else frozenset()
        void_except = self.ids(item["void_if_except"], file, f"{entry}.void_if_except") \
            if "void_if_except" in item else frozenset()
        if len(self.problems) > problems:
            return None
        # English alternatives match whole words; a text without Chinese characters needs only the Latin ones.
        alternatives = [rf"\b(?:{p})\b" for p in en] + [f"(?:{p})" for p in zh]
        latin = [rf"\b(?:{p})\b" for p in en] + [f"(?:{p})" for p in zh if not _HAN_CHAR.search(p)]
        return Cue(item["id"], family, item["label_en"], item["label_zh"], weight, re.compile("|".join(alternatives)),
                   item.get("negatable", True), item.get("group"), unless, unless_in_text,
                   (void_if or frozenset()) - (void_except or frozenset()),
                   re.compile("|".join(latin)) if latin else None)

    def optional_pattern(self, item: dict[str, Any], key: str, file: str, entry: str) -> re.Pattern[str] | None:
        """The compiled pattern under ``key``; None when there is none or it is bad (a problem is noted)."""
        if key not in item:
            return None
        text = self.expand(item[key], file, f"{entry}.{key}")
        return self.compile(text, file, f"{entry}.{key}") if text is not None else None

    def combination(self, raw: _Raw) -> Combination | None:
        problems = len(self.problems)
        entry = self.labelled(raw, _COMBINATION_KEYS, weight_range=(0, 1))
        if entry is None:
            return None
        item, file = raw.value, raw.file
        groups = item.get("groups")
        if not isinstance(groups, list) or len(groups) < 2:
            self.problem(file, f"{entry}.groups", "expected a list of at least two groups of cue ids")
            groups = []
        resolved = [self.ids(group, file, f"{entry}.groups[{i}]") for i, group in enumerate(groups)]
        if not isinstance(item.get("fallback", False), bool):
            self.problem(file, f"{entry}.fallback", "expected true or false")
        if len(self.problems) > problems:
            return None
        return Combination(item["id"], item["label_en"], item["label_zh"], float(item["weight"]),
                           tuple(g for g in resolved if g is not None), item.get("fallback", False))

    def number_cues(self) -> dict[str, NumberCue]:
        raw = self.singles.get("number_cues")
        if raw is None or not isinstance(raw.value, dict) or set(raw.value) != set(_NUMBER_CUE_IDS):
            self.problem(raw.file if raw else "(no file)", "number_cues", f"expected {', '.join(_NUMBER_CUE_IDS)}")
            return {}
        out = {}
        for cue_id in _NUMBER_CUE_IDS:
            item = raw.value[cue_id]
            labelled = _Raw(raw.file, {"id": cue_id, **item} if isinstance(item, dict) else item,
                            f"number_cues.{cue_id}")
            if self.labelled(labelled, {"id", "weight", "label_en", "label_zh"}, weight_range=(0, 1)):
                out[cue_id] = NumberCue(item["label_en"], item["label_zh"], float(item["weight"]))
        return out

    def withheld(self) -> frozenset[str]:
        raw = self.singles.get("withheld_numbers")
        if raw is None or not isinstance(raw.value, list) or not all(isinstance(v, str) for v in raw.value):
            self.problem(raw.file if raw else "(no file)", "withheld_numbers", "expected a list of texts")
            return frozenset()
        return frozenset(raw.value)

    def warnings(self) -> Warnings | None:
        raw = self.singles.get("warnings")
        if raw is None or not isinstance(raw.value, dict) or set(raw.value) != set(_WARNING_KEYS):
            self.problem(raw.file if raw else "(no file)", "warnings", f"expected {', '.join(_WARNING_KEYS)}")
            return None
        words: dict[str, tuple[str, str]] = {}
        for key in _WARNING_KEYS:
            value = raw.value[key]
            if not isinstance(value, dict) or set(value) != {"en", "zh"}:
                self.problem(raw.file, f"warnings.{key}", "expected en and zh")
                return None
            en = self.patterns(value["en"], raw.file, f"warnings.{key}.en")
            zh = self.patterns(value["zh"], raw.file, f"warnings.{key}.zh")
            if en is None or zh is None:
                return None
            if not en or not zh:
                self.problem(raw.file, f"warnings.{key}", "expected patterns in en and zh")
                return None
            words[key] = ("|".join(en), "|".join(zh))
        before, after, near, turn = (words[k] for k in _WARNING_KEYS)
        return Warnings(
            before=re.compile(rf"\b(?:{before[0]})\b|{before[1]}"),
            after=re.compile(rf"\b(?:{after[0]})\b|{after[1]}"),
            # up to three words (or characters) between the negation and the match, not across a comma: "if you did
            # not authorise this, call us" is not a negated "call us"
            just_before=re.compile(rf"\b(?:{near[0]})\b(?: [^\s,;:]+){{0,3}} ?$|(?:{near[1]})[^。!?,;]{{0,3}}$"),
            clause_turn=re.compile(rf"(?:{turn[0]})|(?:{turn[1]})"),
        )


__all__ = ["CUES_DIR", "FAMILIES", "HAN", "Catalogue", "CatalogueError", "Combination", "Cue", "NumberCue",
           "Problem", "Warnings", "load_catalogue"]
