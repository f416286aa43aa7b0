"""A clause as a device command: what is asked (on, off, dim, a level, "is it on?") and what it names (a device,
a kind of device, a room, "it", "in here"), in any word order and with any of the lexicon's small words.

A clause is a command only when every word of it is understood; a clause with a word that is not ("turn on the
radio", "I already turned the light off") is not one, though its names can still tell what "it" means in
another clause ("I left the kettle on, switch it off").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant.understanding.household import Home
from assistant.understanding.lexicon import Lexicon
from assistant.understanding.numbers import chinese_digits, english_digits

LONGEST_PHRASE = 8
"""Words (English) or characters (Chinese) in the longest phrase looked up."""
_NUMBER = re.compile(r"^\d+$")


@dataclass(frozen=True)
class Piece:
    """A word or phrase of a clause and everything it can mean (role → value)."""

    text: str
    roles: dict[str, Any]


@dataclass(frozen=True)
class Mentions:
    """What a clause names."""

    devices: tuple[frozenset[str], ...] = ()
    """Per device name said, the devices with that name (two when the blinds are also called "the curtains")."""
    kinds: frozenset[str] = frozenset()
    rooms: frozenset[str] = frozenset()
    here: bool = False
    owner: bool = False
    pronoun: bool = False
    all: bool = False

    @property
    def anything(self) -> bool:
        return bool(self.devices or self.kinds)

    def joined(self, other: Mentions) -> Mentions:
        return Mentions(self.devices + other.devices, self.kinds | other.kinds, self.rooms | other.rooms,
                        self.here or other.here, self.owner or other.owner, self.pronoun or other.pronoun,
                        self.all or other.all)


@dataclass(frozen=True)
class Frame:
    """A clause read as a device command, or only for what it names (``action`` None)."""

    action: str | None
    mentions: Mentions = field(default_factory=Mentions)
    level: int | None = None
    state: str | None = None
    """For ``check``: the state asked about (``on``, ``off``, ``open``, ``closed``), if any."""
    text: str = ""


class Phrases:
    """A home's phrases over the lexicon's own: ``get`` gives a phrase's roles from both.

    The home's layer holds what its devices and rooms make (``device``, ``room``, ``kind``); the shared layer,
    built once per lexicon for every home, holds the rest (actions, verbs, particles...). Their roles never
    overlap, so a phrase in both has the roles of each."""

    __slots__ = ("home", "shared")

    def __init__(self, home: dict[str, dict[str, Any]], shared: dict[str, dict[str, Any]]) -> None:
        self.home = home
        self.shared = shared

    def get(self, phrase: str) -> dict[str, Any] | None:
        mine = self.home.get(phrase)
        common = self.shared.get(phrase)
        if mine is None or common is None:
            return mine if common is None else common
        return {**mine, **common}


def _adder(phrases: dict[str, dict[str, Any]]) -> Callable[..., None]:
    def add(phrase: str, role: str, value: Any = True) -> None:
        phrase = phrase.lower()
        roles = phrases.setdefault(phrase, {})
        if role in ("device", "kind", "room"):  # one name may be several devices' ("curtains")
            roles[role] = roles.get(role, frozenset()) | {value}
        else:
            roles.setdefault(role, value)

    return add


_SHARED: dict[tuple[int, bool], tuple[Lexicon, dict[str, dict[str, Any]]]] = {}


def _shared_phrases(lexicon: Lexicon, has_lock: bool) -> dict[str, dict[str, Any]]:
    """The lexicon's phrases that do not depend on a home's devices: one table for every home (with or
    without a lock, which decides whether "lock" and "unlock" are actions). Kept with the lexicon itself, so
    its id is not reused while the entry lives; lexicons are few (one per language, read once)."""
    key = (id(lexicon), has_lock)
    found = _SHARED.get(key)
    if found is not None and found[0] is lexicon:
        return found[1]
    if len(_SHARED) > 64:  # lexicons made on the fly (tests): keep the table small
        _SHARED.clear()
    phrases = _generic_phrases(lexicon, has_lock)
    _SHARED[key] = (lexicon, phrases)
    return phrases


def _generic_phrases(lexicon: Lexicon, has_lock: bool) -> dict[str, dict[str, Any]]:
    phrases: dict[str, dict[str, Any]] = {}
    add = _adder(phrases)
    for word, action in lexicon.actions.items():
        if action in ("lock", "unlock") and not has_lock:
            continue
        add(word, "action", action)
    for verb, table in lexicon.verbs.items():
        add(verb, "verb", table)
        for particle in table:
            if particle and particle not in lexicon.particles:
                add(particle, "particle", particle)
    for particle in lexicon.particles:
        add(particle, "particle", particle)
    for word, action in lexicon.alone.items():
        add(word, "alone", action)
    for phrase, state in lexicon.question_phrases.items():
        add(phrase, "question", state)
    for word in lexicon.question_starts:
        add(word, "question_start")
    for word in lexicon.question_words:
        add(word, "question_word")
    for word, state in lexicon.states.items():
        add(word, "state", state)
    for word in lexicon.explained:
        add(word, "explained")
    for word in lexicon.negations:
        add(word, "negation")
    for word in lexicon.pronouns:
        add(word, "pronoun")
    for word in lexicon.all:
        add(word, "all")
    for word in lexicon.here:
        add(word, "here")
    for word in lexicon.owner:
        add(word, "owner")
    for word, level in lexicon.levels.items():
        add(word, "level", level)
    for word in lexicon.percent:
        add(word, "percent")
    for word in lexicon.level_to:
        add(word, "level_to")
    for word, index in lexicon.ordinals.items():
        add(word, "ordinal", index)
    for word in lexicon.never_mind:
        add(word, "never_mind")
    return phrases


class Vocabulary:
    """Every phrase a device command may be made of, in one language, for one home."""

    def __init__(self, lexicon: Lexicon, home: Home) -> None:
        self.lexicon = lexicon
        mine: dict[str, dict[str, Any]] = {}
        add = _adder(mine)
        lang = lexicon.language

        for device in home.devices:
            for name in device.names.get(lang, ()):
                add(name, "device", device.id)
        for room in home.rooms:
            for name in room.names.get(lang, ()):
                add(name, "room", room.id)
                if lexicon.spaced and name.endswith("'s room"):
                    add(name[:-len(" room")], "room", room.id)  # "grandma's blinds": grandma's room's
        has_lock = any(d.kind == "lock" for d in home.devices)
        for kind, words in lexicon.kinds.items():
            of_kind = {d.id for d in home.devices if d.kind == kind}
            if kind == "lock" and not has_lock:
                continue  # a home without a lock: "lock the front door" is nothing carehub can do, as before
            for word in words:
                # A kind's word that only some of its devices are called by names them ("the lamp").
                named = {d.id for d in home.devices if d.kind == kind and any(
                    _has_word(name.lower(), word, lexicon.spaced) for name in d.names.get(lang, ()))}
                if named and named != of_kind:
                    for device_id in sorted(named):
                        add(word, "device", device_id)
                else:
                    add(word, "kind", kind)
        self.phrases = Phrases(mine, _shared_phrases(lexicon, has_lock))

    # -- cutting a clause into pieces --------------------------------------------------------------------

    def pieces(self, text: str, lenient: bool = False) -> list[Piece] | None:
        """The clause as known phrases, fewest pieces first; None when a word is unknown (unless ``lenient``:
        then unknown words are kept as pieces with the role ``unknown``)."""
        if self.lexicon.spaced:
            units = english_digits(text).replace("%", " %").split()
            joiner = " "
        else:
            units = re.findall(r"\d+|[^\d\s]", chinese_digits(text))
            joiner = ""
        n = len(units)
        best: list[tuple[float, list[Piece]] | None] = [None] * (n + 1)
        best[0] = (0.0, [])
        for i in range(n):
            if best[i] is None:
                continue
            cost, so_far = best[i]  # type: ignore[misc]
            for j in range(i + 1, min(n, i + LONGEST_PHRASE) + 1):
                phrase = joiner.join(units[i:j])
                roles = self.phrases.get(phrase)
                if roles is None and j == i + 1 and _NUMBER.match(phrase):
                    roles = {"number": int(phrase)}
                if roles is None and j == i + 1 and self.lexicon.spaced and phrase.endswith("'s"):
                    stem = self.phrases.get(phrase[:-2])
                    roles = {**stem, "copula": True} if stem else None
                if roles is None and j == i + 1 and lenient:
                    roles, extra = {"unknown": True}, 5.0
                else:
                    extra = 0.0
                if roles is None:
                    continue
                candidate = (cost + 1 + extra, so_far + [Piece(phrase, roles)])
                if best[j] is None or candidate[0] < best[j][0]:  # type: ignore[index]
                    best[j] = candidate
        return best[n][1] if best[n] is not None else None  # type: ignore[index]

    # -- reading a clause --------------------------------------------------------------------------------

    def frame(self, text: str, question: bool = False) -> Frame | None:
        """The clause as a device command (every word understood), or None."""
        pieces = self.pieces(text)
        if pieces is None:
            return None
        return read_pieces(pieces, question, text)

    def mentions(self, text: str) -> Mentions:
        """What a clause names, whatever else it says (for "it" in another clause)."""
        pieces = self.pieces(text, lenient=True) or []
        return _mentions(pieces)


def _has_word(name: str, word: str, spaced: bool) -> bool:
    return word in name.split() if spaced else word in name


def _mentions(pieces: list[Piece]) -> Mentions:
    devices: list[frozenset[str]] = []
    kinds: set[str] = set()
    rooms: set[str] = set()
    here = owner = pronoun = every = False
    for piece in pieces:
        roles = piece.roles
        if "device" in roles:
            devices.append(frozenset(roles["device"]))
        elif "kind" in roles:
            kinds |= roles["kind"]
        elif "room" in roles:
            rooms |= roles["room"]
        elif "here" in roles:
            here = True
        elif "owner" in roles:
            owner = True
        elif "pronoun" in roles:
            pronoun = True
        elif "all" in roles:
            every = True
    return Mentions(tuple(devices), frozenset(kinds), frozenset(rooms), here, owner, pronoun, every)


_NAMING = ("device", "kind", "room", "here", "owner", "pronoun", "all")
_SAME = {("open", "raise"): "open", ("close", "lower"): "close", ("close", "raise"): "close", ("dim", "lower"): "dim",
         ("brighten", "raise"): "brighten"}
"""Two words of one clause that ask for the same thing."""


def read_pieces(pieces: list[Piece], question: bool, text: str = "") -> Frame | None:
    """The device command a clause's pieces make, or None when they make none (or two that disagree)."""
    if any("negation" in p.roles and not (set(p.roles) & {"action", "question"}) for p in pieces):
        return None
    actions: list[str] = []
    state: str | None = None
    level: int | None = None
    used: set[int] = set()
    # A verb takes the particle (or adjective) that follows it: "turn the kettle off", "make it brighter".
    for i, piece in enumerate(pieces):
        table = piece.roles.get("verb")
        if table is None:
            continue
        taken = next((j for j in range(i + 1, len(pieces)) if j not in used and pieces[j].text in table), None)
        if taken is not None:
            actions.append(table[pieces[taken].text])
            used |= {i, taken}
        elif "" in table:
            actions.append(table[""])
            used.add(i)
    # "is the light on" asks; "have the big light on" (a verb that took its particle) does not.
    subject_next = len(pieces) > 1 and pieces[1].text in ("i", "you", "we", "they", "it")  # "have I left ..."
    asks = question or any("question" in p.roles for p in pieces) or \
        bool(pieces and "question_start" in pieces[0].roles and (0 not in used or subject_next))
    for i, piece in enumerate(pieces):
        if i in used:
            continue
        roles = piece.roles
        if "question" in roles:
            actions.append("check")
            state = roles["question"] or None
        elif "level" in roles and not (set(roles) & {"action", "particle", "device", "kind"}):
            level = roles["level"]
        elif "number" in roles:
            before = pieces[i - 1].roles if i else {}
            after = pieces[i + 1].roles if i + 1 < len(pieces) else {}
            if "percent" in after or "level_to" in before or "level_to" in roles:
                level = roles["number"]
                used.add(i + 1 if "percent" in after else i)
            else:
                return None
        elif asks and "state" in roles and not (set(roles) & {"device", "kind"}):
            state = roles["state"]
        elif "action" in roles and not (asks and "state" in roles):
            actions.append(roles["action"])
        elif ("particle" in roles or "alone" in roles) and not asks and not (set(roles) & set(_NAMING)):
            if "alone" in roles:
                actions.append(roles["alone"])
        elif set(roles) & set(_NAMING) or set(roles) & {"explained", "level_to", "percent", "copula"}:
            continue
        elif asks and set(roles) & {"question_start", "question_word", "state"}:
            continue
        else:
            return None
    if level is not None and not 0 <= level <= 100:
        return None
    if not asks and any("copula" in p.roles for p in pieces[:-1]):  # "it's full", "the kettle's on": said
        return None
    if asks and (not actions or set(actions) <= {"check", "open", "close", "on", "off"}) and \
            (state is not None or "check" in actions or not actions or
             (pieces[0].roles.get("question_start") and (0 not in used or subject_next))):
        if not _mentions(pieces).anything and "check" not in actions and not _mentions(pieces).pronoun:
            return None
        actions = ["check"]
    if level is not None and set(actions) <= {"on", "set", "raise", "lower"}:
        actions = ["set"]
    distinct = set(actions)
    for pair, one in _SAME.items():  # "open up the blinds", "turn the lights down dimmer"
        if distinct == set(pair):
            distinct, actions = {one}, [one]
    if len(distinct) > 1 or (distinct == {"set"} and level is None):  # "put the lamp" sets nothing
        return None
    return Frame(actions[0] if actions else None, _mentions(pieces), level, state, text)
