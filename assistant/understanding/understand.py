"""Understanding an utterance the way people speak: the one place that decides what was asked.

In order, per language: an answer to the question carehub just asked; the grammars (Home Assistant's and the
skills' sentences) on the whole utterance, as said and made ready (fillers and politeness out, slips put
right); a device command in any of its clauses ("oh dear, I left the kettle on, switch it off"), its device
found by name, kind, room, "my" and "it", or a question back when more than one fits; the grammars on each
clause ("I've put the potatoes on, give me twenty minutes"). Nothing is guessed: what none of these finds is
not understood, and acts on nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from assistant.intents import Recognized
from assistant.understanding.clarify import Pending, answered, choose, question, refusal
from assistant.understanding.household import Home, with_device_words, with_room_words
from assistant.understanding.lexicon import Lexicon, lexicon
from assistant.understanding.normalize import Heard, after_names, normalize
from assistant.understanding.parse import Frame, Mentions, Vocabulary
from assistant.understanding.pinyin import SoundIndex
from assistant.understanding.remarks import command_beside_remark
from assistant.understanding.spelling import Spelling, distance
from assistant.understanding.resolve import DEVICE_INTENTS, Act, Ask, Refuse, resolve, slots_for

ROOM_INTENTS = {"HassClimateGetTemperature": "climate", "ClimateGetHumidity": "climate"}
"""Intents about a room that only rooms with a device of this kind can answer: asked without a room, or in a
room without one, carehub asks which room."""
URGENT = ("CareHelp",)
"""Intents that win over whatever else another clause asks ("please get help, I feel terrible")."""
OK = {"en": "OK.", "zh": "好的。"}


@dataclass(frozen=True)
class Question:
    """carehub asks back; ``pending`` is what the answer completes."""

    text: str
    language: str
    pending: Pending


@dataclass(frozen=True)
class Declined:
    """Understood, but nothing here can do it ("There's no light in the bathroom."), or a question called off."""

    text: str
    language: str


Understood = Recognized | Question | Declined | None
"""An intent for a skill (from the grammars or a device command), a question back, a plain "no", or nothing."""
Grammar = Callable[[str, str, str | None], Recognized | None]
"""hassil over the grammars: (text, language, room) → the best match, or None."""


class Understanding:
    """Understands utterances in a home: pure apart from the grammar it is given (hassil)."""

    def __init__(self, home: Home, grammar: Grammar, languages: list[str], words: Iterable[str] = ()) -> None:
        """``words``: more words to hear by sound in Chinese (the names of the people carehub passes messages to)."""
        for language in languages:
            found = lexicon(language)
            if found is not None and found.room_words:
                home = with_room_words(home, language, found.room_words)
            if found is not None and found.device_words:
                home = with_device_words(home, language, found.device_words)
        self.home = home
        self.grammar = grammar
        self._lexicons: dict[str, Lexicon] = {}
        self._vocabularies: dict[str, Vocabulary] = {}
        self._sounds: dict[str, SoundIndex] = {}
        self._spelling: dict[str, Spelling] = {}
        self._after_names: dict[str, Callable[[str], str]] = {}
        # names of people spelt in letters, which speech-to-text may cut in pieces ("an a" for Anna)
        self._people = {w.lower() for w in words if w.isascii() and w.isalpha() and len(w) >= 4}
        for language in languages:
            found = lexicon(language)
            if found is None:
                continue
            self._lexicons[language] = found
            self._vocabularies[language] = Vocabulary(found, home)
            names = {n for d in home.devices for n in d.names.get(language, ())}
            names |= {n for r in home.rooms for n in r.names.get(language, ())}
            named = {n for d in home.devices for n in d.names.get(language, ())}
            named |= {n for r in home.rooms for n in r.names.get(language, ())}
            self._after_names[language] = after_names(found.after_names, named)
            if found.spaced:
                self._spelling[language] = Spelling(found.listened_for() | names | set(words), found.small_words())
            else:
                self._sounds[language] = SoundIndex(found.listened_for() | names | set(words), found.kept())

    def heard(self, text: str, language: str) -> Heard | None:
        """``text`` made ready in ``language`` (None when carehub has no lexicon for it)."""
        found = self._lexicons.get(language)
        if found is None:
            return None
        fix = self._sounds.get(language) or self._spelling.get(language)
        next_to_names = self._after_names[language]
        if fix is None:
            return normalize(text, found, next_to_names)
        correct = fix.correct
        return normalize(text, found, lambda said: next_to_names(correct(said)))

    def understand(self, text: str, languages: list[str], room: str | None = None, person: str | None = None,
                   pending: Pending | None = None) -> Understood:
        """What ``text`` asks, said in ``room`` by ``person``; ``pending`` is the question carehub asked last."""
        for language in languages:
            heard = self.heard(text, language)
            if heard is None:
                match = self.grammar(text, language, room)
                if match is not None:
                    return match
                continue
            if pending is not None and pending.language == language:
                reply = self._answer(pending, heard)
                if reply is not None:
                    return reply
            found = self._in(heard, language, room, person)
            if found is None:  # "tern on the tea vee": the words that sound alike, kept only if then understood
                repaired = self._sound_alike(text, language)
                if repaired is not None:
                    found = self._in(repaired, language, room, person)
            if found is not None:
                return found
        return None

    def _sound_alike(self, text: str, language: str) -> Heard | None:
        """``text`` with whole words that sound like carehub's put right ("watt time", "wears leo", 把等), made
        ready; None when it has none."""
        found = self._lexicons[language]
        repaired = text
        for pattern, meant in found.sound_alikes:
            repaired = re.sub(pattern, meant, repaired, flags=re.IGNORECASE)
        if found.spaced and self._people:
            repaired = _names_in_pieces(repaired, self._people)
        if repaired == text:
            return None
        return self.heard(repaired, language)

    def _in(self, heard: Heard, language: str, room: str | None, person: str | None) -> Understood:
        """Everything but an answer: the grammars, a device command, the grammars clause by clause."""
        tried: dict[str, Recognized | None] = {}
        for variant in dict.fromkeys((heard.corrected or heard.raw, heard.raw, heard.text)):
            match = self._grammar(variant, language, room, tried)
            if match is not None:
                return self._with_room(match, room, person)
        command = self._device_command(heard, language, room, person)
        if command is not None:
            return command
        found: Recognized | None = None
        for start, end, span in heard.spans(longest=2):
            if found is not None and end - start > 1:
                continue
            match = self._grammar(span, language, room, tried)
            if match is not None and (found is None or match.intent in URGENT):
                found = match
                if match.intent in URGENT:
                    break
        return self._with_room(found, room, person) if found is not None else None

    def _grammar(self, text: str, language: str, room: str | None,
                 tried: dict[str, Recognized | None]) -> Recognized | None:
        """The grammars' match, leaving device commands to carehub's own reading (which asks when unsure);
        ``tried`` remembers the texts already tried for this utterance."""
        key = " ".join(text.lower().split())
        if not key:
            return None
        if key not in tried:
            tried[key] = self.grammar(text, language, room)
        match = tried[key]
        if match is None or match.intent in DEVICE_INTENTS.values():
            return None
        return match

    # -- device commands -----------------------------------------------------------------------------------

    def _device_command(self, heard: Heard, language: str, room: str | None, person: str | None) -> Understood:
        vocabulary = self._vocabularies[language]
        lexicon = self._lexicons[language]
        later = _for_later(heard, lexicon)
        question: tuple[Act | Ask | Refuse, Frame] | None = None
        for start, end, span in heard.spans(longest=3):
            asked = any(c.question for c in heard.clauses[start:end])
            frame = vocabulary.frame(span, asked)
            if frame is None or frame.action is None:
                continue
            if later and frame.action != "check" and not _says_now(span, lexicon):
                continue
            decision = self._resolved(frame, heard, start, end, room, person, language)
            if decision is None:
                continue
            if frame.action == "check":  # "is the kettle still going? switch it off": the request wins
                question = question or (decision, frame)
                continue
            return self._decided(decision, frame, language, heard.raw)
        if question is None and not later:
            for i, clause in enumerate(heard.clauses):  # "telly on quick the news is starting"
                frame = command_beside_remark(clause.text, vocabulary)
                if frame is None:
                    continue
                decision = self._resolved(frame, heard, i, i + 1, room, person, language)
                if decision is not None:
                    return self._decided(decision, frame, language, heard.raw)
        return self._decided(*question, language, heard.raw) if question is not None else None

    def _resolved(self, frame: Frame, heard: Heard, start: int, end: int, room: str | None, person: str | None,
                  language: str) -> Act | Ask | Refuse | None:
        """The device ``frame`` (clauses ``start``..``end``) asks for, the other clauses telling what "it" is."""
        vocabulary = self._vocabularies[language]
        others = [c for i, c in enumerate(heard.clauses) if not start <= i < end]
        context = _joined([vocabulary.mentions(c.text) for c in others])
        fragments = _joined([f.mentions for c in others
                             if (f := vocabulary.frame(c.text, c.question)) is not None and f.action is None])
        return resolve(frame, self.home, room=room, person=person, context=context, fragments=fragments)

    def _decided(self, decision: Act | Ask | Refuse, frame: Frame, language: str, text: str) -> Understood:
        if isinstance(decision, Act):
            intent, slots, slot_text = slots_for(decision, self.home, language)
            return Recognized(intent, language, slots, slot_text, text)
        if isinstance(decision, Ask):
            pending = Pending(language, "device", decision.candidates, decision.action, decision.level,
                              decision.state)
            return Question(question(pending, self.home), language, pending)
        return Declined(refusal(decision, self.home, language), language)

    # -- rooms ---------------------------------------------------------------------------------------------

    def _with_room(self, match: Recognized, room: str | None, person: str | None) -> Understood:
        """A question about a room that names none: the one room that can answer it, when there is one. (Else
        the skill answers for the room it was asked in or the person was last in, and ``follow_up`` asks.)"""
        pending = self.room_question(match)
        if pending is not None and len(pending.choices) == 1 and room not in pending.choices:
            return _with_area(match, pending.choices[0], self.home)
        return match

    def follow_up(self, match: Recognized, room: str | None, reply: str) -> Question | None:
        """After a skill answered a question about a room that named none: "Which room: ...?" when the skill
        asked back itself (its answer is then understood), or when the room it answered for cannot answer
        ("There's no thermometer in the kitchen.")."""
        pending = self.room_question(match)
        if pending is None:
            return None
        used = match.slots.get("area") or room
        asked = any(mark in reply for mark in "?？")
        if not asked and (used is None or used in pending.choices):
            return None  # answered, for the room asked in or the room the person was last in
        return Question("" if asked else question(pending, self.home), match.language, pending)

    def room_question(self, match: Recognized) -> Pending | None:
        """What asking "which room?" would wait for, when ``match`` is about a room it does not name."""
        kind = ROOM_INTENTS.get(match.intent)
        if kind is None or "name" in match.slots or self._names_room(match):
            return None
        rooms = tuple(sorted({d.room for d in self.home.devices if d.kind == kind and d.room}))
        if not rooms:
            return None
        return Pending(match.language, "room", rooms, intent=match.intent,
                       slots={k: v for k, v in match.slots.items() if k != "area"})

    def _names_room(self, match: Recognized) -> bool:
        """Whether the utterance names its room (an area the grammar took from where it was said does not count)."""
        text = match.text.lower()
        area = self.home.room(str(match.slots.get("area") or ""))
        if area is None:
            return False
        return any(name.lower() in text for names in area.names.values() for name in names)

    # -- answers -------------------------------------------------------------------------------------------

    def _answer(self, pending: Pending, heard: Heard) -> Understood:
        found = self._lexicons[pending.language]
        text = heard.text
        if text in found.never_mind or heard.raw.strip().lower().rstrip(".!。！") in found.never_mind:
            return Declined(OK["zh" if pending.language.startswith("zh") else "en"], pending.language)
        choice = choose(pending, text, self._vocabularies[pending.language], self.home)
        if choice is None:
            return None
        if pending.about == "room":
            meaning = Recognized(pending.intent, pending.language, dict(pending.slots), {}, heard.raw)
            return _with_area(meaning, choice, self.home)
        intent, slots, slot_text = slots_for(answered(pending, choice), self.home, pending.language)
        return Recognized(intent, pending.language, slots, slot_text, heard.raw)


def _names_in_pieces(text: str, names: set[str]) -> str:
    """Two short words that together are a letter from exactly one of ``names``, put together as that name
    ("tell an a I'll call her" → "tell anna I'll call her", "send and a message")."""
    words = text.split(" ")
    out: list[str] = []
    i = 0
    while i < len(words):
        first, second = words[i], words[i + 1] if i + 1 < len(words) else ""
        if first.isalpha() and second.isalpha() and len(first) <= 3 and len(second) <= 3:
            close = [n for n in names if distance((first + second).lower(), n, 1) <= 1]
            if len(close) == 1:
                out.append(close[0])
                i += 2
                continue
        out.append(first)
        i += 1
    return " ".join(out)


def _for_later(heard: Heard, lexicon: Lexicon) -> bool:
    """Whether the utterance puts its request off ("when I go to bed", 待会儿): nothing is done now."""
    text = " ".join(c.text for c in heard.clauses)
    if lexicon.spaced:
        return any(f" {word} " in f" {text} " for word in lexicon.later)
    return any(word in text for word in lexicon.later)


def _says_now(text: str, lexicon: Lexicon) -> bool:
    """Whether the request itself says it is for now ("你先把电扇开开"), whatever another clause puts off."""
    if lexicon.spaced:
        return any(f" {word} " in f" {text} " for word in lexicon.now)
    return any(word in text for word in lexicon.now)


def _with_area(match: Recognized, room_id: str, home: Home) -> Recognized:
    room = home.room(room_id)
    spoken = room.name(match.language) if room else room_id
    return Recognized(match.intent, match.language, {**match.slots, "area": room_id},
                   {**match.slot_text, "area": spoken}, match.text)


def _joined(mentions: list[Mentions]) -> Mentions:
    out = Mentions()
    for m in mentions:
        out = out.joined(m)
    return out
