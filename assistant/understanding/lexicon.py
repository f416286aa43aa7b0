"""The words of one language carehub's understanding is made of, read once from ``lexicon/<language>.yaml``."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

import yaml

ACTIONS = ("on", "off", "open", "close", "stop", "dim", "brighten", "raise", "lower", "set", "check", "lock", "unlock")
"""What a device command can ask for; ``raise`` / ``lower`` become brighten / dim for a light and open / close
for a cover, ``check`` a question about the device's state, ``lock`` / ``unlock`` a door lock's."""


@dataclass(frozen=True)
class Lexicon:
    """One language's words for understanding; see the YAML files for what each list is for."""

    language: str
    spaced: bool
    """Whether words are separated by spaces (English) or not (Chinese)."""
    homophones: dict[str, str]
    fillers: tuple[str, ...]
    openers: tuple[str, ...]
    closers: tuple[str, ...]
    clause_starts: tuple[str, ...]
    later: tuple[str, ...]
    takes_object: tuple[str, ...]
    actions: dict[str, str]
    verbs: dict[str, dict[str, str]]
    particles: tuple[str, ...]
    alone: dict[str, str]
    question_starts: tuple[str, ...]
    question_phrases: dict[str, str]
    question_words: tuple[str, ...]
    states: dict[str, str]
    explained: tuple[str, ...]
    negations: tuple[str, ...]
    pronouns: tuple[str, ...]
    all: tuple[str, ...]
    here: tuple[str, ...]
    owner: tuple[str, ...]
    kinds: dict[str, tuple[str, ...]]
    levels: dict[str, int]
    percent: tuple[str, ...]
    level_to: tuple[str, ...]
    ordinals: dict[str, int]
    never_mind: tuple[str, ...]
    heard_by_sound: tuple[str, ...] = field(default=())
    """Words listened for by sound (Chinese), besides the lexicon's commands and the household's names."""
    protected: tuple[str, ...] = field(default=())
    """Common words never heard as something else."""
    room_words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Other words people use for a room of a usual name ("lounge" for the living room, 洗手间 for 卫生间)."""
    device_words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Other words people use for a device of a usual name (热水壶 for 水壶, 电风扇 for 风扇)."""
    slip_patterns: tuple[tuple[str, str], ...] = field(default=())
    """Slips put right by pattern (regular expression → replacement): "let my son no" → "let my son know"."""
    sound_alikes: tuple[tuple[str, str], ...] = field(default=())
    """Whole words heard as others that sound alike ("tern on" → "turn on", 把等 → 把灯), by pattern: tried only
    on an utterance not otherwise understood, and kept only when it then is."""
    after_names: dict[str, str] = field(default_factory=dict)
    """Slips put right only right after a name of the household or a kind of device ("the living room like")."""
    corrections: tuple[str, ...] = field(default=())
    """Words that take back what came before them in the utterance ("did I lock... I mean, did I shut")."""
    now: tuple[str, ...] = field(default=())
    """Words that make a request for now despite a word of ``later`` elsewhere (先: "you first put the fan on")."""
    subjects: tuple[str, ...] = field(default=())
    """Words a remark starts with ("I go through", "the news is starting"), for a command said beside one."""
    purposes: tuple[str, ...] = field(default=())
    """Words a remark after a command may start with, saying what it is for ("for a cuppa", "so I can read")."""
    remark_verbs: tuple[str, ...] = field(default=())
    """Verbs that make a run of words starting with "the ..." a remark of its own ("the news is starting")."""
    unfinished: tuple[str, ...] = field(default=())
    """Words after which a remark is not finished ("I can", "I'll"): what follows belongs to it."""

    def listened_for(self) -> set[str]:
        """The words put back where they are heard by sound: commands, kinds, "here", and ``heard_by_sound``."""
        known: set[str] = set(self.actions) | set(self.question_phrases) | set(self.here) | set(self.levels)
        known |= set(self.level_to) | set(self.heard_by_sound)
        for names in self.kinds.values():
            known |= set(names)
        return known

    def small_words(self) -> set[str]:
        """The language's small words: every word of the lexicon that is not a command's or a device's."""
        return self.kept() | set(self.question_starts) | set(self.particles) | set(self.verbs) | set(self.states) | \
            set(self.alone) | set(self.level_to) | set(self.percent)

    def kept(self) -> set[str]:
        """Words left as they are: every other word the lexicon knows, and ``protected``."""
        return set(self.fillers) | set(self.openers) | set(self.closers) | set(self.explained) | \
            set(self.question_words) | set(self.pronouns) | set(self.owner) | set(self.ordinals) | \
            set(self.never_mind) | set(self.all) | set(self.negations) | set(self.protected)


def _tuple(data: dict[str, Any], key: str) -> tuple[str, ...]:
    return tuple(str(x) for x in data.get(key) or ())


def parse_lexicon(data: dict[str, Any]) -> Lexicon:
    """A lexicon from its YAML document; an action that is not one of ACTIONS is refused."""
    language = str(data["language"])
    actions = {str(k): str(v) for k, v in (data.get("actions") or {}).items()}
    verbs = {str(k): {str(p): str(a) for p, a in (v or {}).items()} for k, v in (data.get("verbs") or {}).items()}
    alone = {str(k): str(v) for k, v in (data.get("alone") or {}).items()}
    used = set(actions.values()) | set(alone.values()) | {a for v in verbs.values() for a in v.values()}
    unknown = used - set(ACTIONS) - {"stop"}
    if unknown:
        raise ValueError(f"lexicon {language}: unknown action(s) {', '.join(sorted(unknown))}")
    for key in ("slip_patterns", "sound_alikes"):
        for pattern in data.get(key) or {}:
            try:
                re.compile(str(pattern))
            except re.error as error:
                raise ValueError(f"lexicon {language}: {key}: bad pattern {pattern!r}: {error}") from None
    return Lexicon(
        language=language, spaced=not language.startswith("zh"),
        homophones={str(k): str(v) for k, v in (data.get("homophones") or {}).items()},
        fillers=tuple(sorted(_tuple(data, "fillers"), key=len, reverse=True)),
        openers=tuple(sorted(_tuple(data, "openers"), key=len, reverse=True)),
        closers=tuple(sorted(_tuple(data, "closers"), key=len, reverse=True)),
        clause_starts=_tuple(data, "clause_starts"), later=_tuple(data, "later"),
        takes_object=_tuple(data, "takes_object"), actions=actions,
        verbs=verbs,
        particles=_tuple(data, "particles"), alone=alone, question_starts=_tuple(data, "question_starts"),
        question_phrases={str(k): str(v) for k, v in (data.get("question_phrases") or {}).items()},
        question_words=_tuple(data, "question_words"),
        states={str(k): str(v) for k, v in (data.get("states") or {}).items()},
        explained=_tuple(data, "explained"), negations=_tuple(data, "negations"), pronouns=_tuple(data, "pronouns"),
        all=_tuple(data, "all"), here=_tuple(data, "here"), owner=_tuple(data, "owner"),
        kinds={str(k): tuple(str(x) for x in v) for k, v in (data.get("kinds") or {}).items()},
        levels={str(k): int(v) for k, v in (data.get("levels") or {}).items()},
        percent=_tuple(data, "percent"), level_to=_tuple(data, "level_to"),
        ordinals={str(k): int(v) for k, v in (data.get("ordinals") or {}).items()},
        never_mind=_tuple(data, "never_mind"), heard_by_sound=_tuple(data, "heard_by_sound"),
        protected=_tuple(data, "protected"),
        room_words={str(k): tuple(str(x) for x in v) for k, v in (data.get("room_words") or {}).items()},
        device_words={str(k): tuple(str(x) for x in v) for k, v in (data.get("device_words") or {}).items()},
        slip_patterns=tuple((str(k), str(v)) for k, v in (data.get("slip_patterns") or {}).items()),
        sound_alikes=tuple((str(k), str(v)) for k, v in (data.get("sound_alikes") or {}).items()),
        after_names={str(k): str(v) for k, v in (data.get("after_names") or {}).items()},
        corrections=_tuple(data, "corrections"), now=_tuple(data, "now"), subjects=_tuple(data, "subjects"),
        remark_verbs=_tuple(data, "remark_verbs"), purposes=_tuple(data, "purposes"),
        unfinished=_tuple(data, "unfinished"),
    )


@functools.cache
def lexicon(language: str) -> Lexicon | None:
    """The lexicon for a language code (``en``, ``zh-CN``), or None when carehub has none for it."""
    path = files("assistant.understanding") / "lexicon" / f"{language}.yaml"
    if not path.is_file():
        return None
    return parse_lexicon(yaml.safe_load(path.read_text(encoding="utf-8")))
