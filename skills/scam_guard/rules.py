"""Explainable scam-risk scoring of a call transcript or a text message, in Chinese and English; pure functions
over the cue catalogue (``cues/*.yaml``, read once at import by ``catalogue.py``), no other I/O.

``assess(text, number=..., known_numbers=...)`` normalises the text (case, full-width forms, whitespace,
common traditional characters), looks for *cues* — an impersonated authority, a "safe account", a request
for a verification code, secrecy, a relative in trouble, a miracle cure, guaranteed returns, remote
control, a fee to release a prize — plus cues from the number, and adds *combinations* of cues (an
authority asking for money is worse than either alone). Each cue has a weight; the score is their
noisy-OR, ``1 - prod(1 - weight)``, so it stays in 0..1 and every cue that fired can be shown with the
text it matched. The level (none / low / medium / high) comes from ``Thresholds``.

A cue phrased as a warning does not fire: "the police will never ask you to move money to a safe
account" or "请勿将验证码告诉他人" is what a real bank or a police newsletter says. Some asks are ordinary in
context and do not fire either: a fee the sentence calls free, a "please pay" in a bill with a due date.

Each cue is a vocabulary for one idea (synonyms, paraphrases, colloquial forms in both languages), not one
script. Specific combinations (an official asking for money) are tried first; broad ones (any story with any
ask) fire only when no specific one did, so new shapes of scam score without old ones stacking up.

Signs of legitimacy are cues too, with negative weights: a sender's own disclaimer ("we will never ask for your
PIN", "不会要求您下载"), pointing to an official app or counter, "no action needed" / "原路退回", friends settling a
bill with "no rush". Each scales the score down and is listed in the explanation, but only in a text that makes
none of the asks it would contradict.

What each cue looks for, its weight and labels, the combinations, number cues and warning phrases are data in
``cues/*.yaml``; this module is how they are applied.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from skills.scam_guard.catalogue import FAMILIES, HAN, Catalogue, Combination, Cue, Warnings, load_catalogue

LEVELS = ("none", "low", "medium", "high")
"""Risk levels, lowest first."""



def level_rank(level: str) -> int:
    """0 for ``none`` ... 3 for ``high``."""
    return LEVELS.index(level)


@dataclass(frozen=True)
class Thresholds:
    """Lowest score of each level; the family's settings may move them."""

    low: float = 0.25
    medium: float = 0.45
    high: float = 0.7

    def __post_init__(self) -> None:
        if not 0 < self.low <= self.medium <= self.high <= 1:
            raise ValueError(f"thresholds must satisfy 0 < low <= medium <= high <= 1, got "
                             f"{self.low}, {self.medium}, {self.high}")

    def level(self, score: float) -> str:
        """The level of a score."""
        if score >= self.high:
            return "high"
        if score >= self.medium:
            return "medium"
        if score >= self.low:
            return "low"
        return "none"


@dataclass(frozen=True)
class CueMatch:
    """One cue that fired, with the text that made it fire."""

    id: str
    """Stable id, e.g. ``safe_account``."""
    family: str
    """One of ``FAMILIES``."""
    label_en: str
    """What it means, for a caregiver reading English."""
    label_zh: str
    """What it means, in Chinese."""
    text: str
    """The matched text, normalised (lower case, simplified characters); a combination joins its parts."""
    weight: float
    """How much it adds on its own (0..1)."""

    def label(self, language: str) -> str:
        """The label in ``language`` (Chinese for ``zh*``, English otherwise)."""
        return self.label_zh if language.startswith("zh") else self.label_en

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "family": self.family, "label_en": self.label_en, "label_zh": self.label_zh,
                "text": self.text, "weight": self.weight}


@dataclass(frozen=True)
class Assessment:
    """The scam risk of one text: a score, its level and the cues behind it."""

    score: float
    """0 (nothing suspicious) .. 1."""
    level: str
    """``none``, ``low``, ``medium`` or ``high``."""
    cues: tuple[CueMatch, ...] = ()
    """Every cue that fired, strongest first."""
    language: str = "en"
    """``zh`` or ``en``: the text's language as given or guessed."""

    @property
    def families(self) -> frozenset[str]:
        """Families of the cues that fired (combinations and number cues included)."""
        return frozenset(c.family for c in self.cues)

    @property
    def cue_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.cues)

    def to_dict(self) -> dict[str, Any]:
        return {"score": round(self.score, 3), "level": self.level, "language": self.language,
                "cues": [c.to_dict() for c in self.cues]}


# --- normalisation ------------------------------------------------------------------------------------

# Traditional forms of the characters the cues use; enough for a Hong Kong or Taiwan phrasing of the
# same scam to match, not a converter.
_TRADITIONAL = (
    "戶帳賬驗證碼轉錢銀險檢員專號匯凍結資訊醫藥療報獎費遞關載軟體孫禍賠債穩賺絕對訴別讓緊馬貨遺郵稅違規緝傳喚"
    "會個們這說話電聯繫係養發給進過點擊連鏈網絡頁輸註銷實認幫辦處續額獲禮領還貸寶買賣產癒祕嚴懲機財護開幣項盤"
    "單導師營騙詐線廳鐵務請勿彈憑義診講囑吳鄭劉陳張黃楊趙慮兒媽爺奶狀監審隱動聽氣況顧礎據億萬聲議騰雞補貼償運"
    "積換兌購團優價親愛軍維當戀傷術腦壓職闆剛條內時間從學麼長則掃裡裏塊閉現將頭選車擔嗎風調應該變與準閱讀題際"
    "臺灣盜歲夠湊鬥罰擬壞丟攝視頻權"
)
_SIMPLIFIED = (
    "户账账验证码转钱银险检员专号汇冻结资讯医药疗报奖费递关载软体孙祸赔债稳赚绝对诉别让紧马货遗邮税违规缉传唤"
    "会个们这说话电联系系养发给进过点击连链网络页输注销实认帮办处续额获礼领还贷宝买卖产愈秘严惩机财护开币项盘"
    "单导师营骗诈线厅铁务请勿弹凭义诊讲嘱吴郑刘陈张黄杨赵虑儿妈爷奶状监审隐动听气况顾础据亿万声议腾鸡补贴偿运"
    "积换兑购团优价亲爱军维当恋伤术脑压职板刚条内时间从学么长则扫里里块闭现将头选车担吗风调应该变与准阅读题际"
    "台湾盗岁够凑斗罚拟坏丢摄视频权"
)
assert len(_TRADITIONAL) == len(_SIMPLIFIED)
_TO_SIMPLIFIED = str.maketrans(_TRADITIONAL, _SIMPLIFIED)
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "`": "'"})
_SPACE_BETWEEN_HAN = re.compile(rf"(?<=[{HAN}])\s+(?=[{HAN}])")
_HAN_CHAR = re.compile(rf"[{HAN}]")
# Text messages and speech-to-text drop apostrophes ("dont tell mom", "im at the station", "can u send"); the cues
# are written with them. Only forms that are not also ordinary words ("its", "ill", "were", "lets" are left alone).
_SHORT_FORMS = {
    "dont": "don't", "doesnt": "doesn't", "didnt": "didn't", "cant": "can't", "couldnt": "couldn't",
    "wouldnt": "wouldn't", "shouldnt": "shouldn't", "mustnt": "mustn't", "isnt": "isn't", "arent": "aren't",
    "wasnt": "wasn't", "werent": "weren't", "havent": "haven't", "hasnt": "hasn't", "hadnt": "hadn't",
    "wont": "won't", "im": "i'm", "ive": "i've", "youre": "you're", "youve": "you've", "youll": "you'll",
    "theyre": "they're", "theyve": "they've", "weve": "we've", "hes": "he's", "shes": "she's", "thats": "that's",
    "whats": "what's", "theres": "there's", "itll": "it'll", "u": "you", "ur": "your", "pls": "please", "plz": "please",
}
_SHORT_FORM = re.compile(r"(?<![\w.'])(" + "|".join(_SHORT_FORMS) + r")(?![\w.'])")


def normalize(text: str) -> str:
    """Lower case, half-width (NFKC), straight quotes, simplified key characters, single spaces.

    Spaces between two Chinese characters are dropped: speech-to-text often splits words with them. Dropped
    apostrophes are put back ("dont" -> "don't", "im" -> "i'm"), and "u", "ur", "pls" spelled out.
    """
    text = unicodedata.normalize("NFKC", text).casefold().translate(_QUOTES).translate(_TO_SIMPLIFIED)
    text = re.sub(r"\s+", " ", text).strip()
    text = _SHORT_FORM.sub(lambda m: _SHORT_FORMS[m.group(1)], text)
    return _SPACE_BETWEEN_HAN.sub("", text)


def guess_language(text: str) -> str:
    """``zh`` when the text has a fair share of Chinese characters, else ``en``."""
    han = len(_HAN_CHAR.findall(text))
    letters = sum(ch.isalpha() for ch in text)
    return "zh" if han and han >= 0.2 * letters else "en"


# --- the cue catalogue --------------------------------------------------------------------------------

CATALOGUE = load_catalogue()
"""The cues, combinations, number cues and warning phrases from ``cues/*.yaml``, read once at import; a malformed
file fails the import with a ``CatalogueError`` naming the file and the entry."""
CUES = CATALOGUE.cues
"""Every text cue, in file order (the signs of legitimacy, in ``11-legitimacy.yaml``, last)."""
COMBINATIONS = CATALOGUE.combinations
CUE_BY_ID = CATALOGUE.cue_by_id

# -- negation: a cue phrased as a warning is what a real bank or a police newsletter says ---------------------

_SENTENCE_END = re.compile(r"[.!?。!?;\n]")
# How far a warning word reaches back (and "... is a scam" forward). A call transcript has no full stops, so
# without a limit one "never" early in the call would silence every ask after it.
_WARNING_REACH = 100
_WARNING_REACH_HAN = 40


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` around ``text[start:end]``."""
    sentence_start = 0
    for found in _SENTENCE_END.finditer(text, 0, start):
        sentence_start = found.end()
    stop = _SENTENCE_END.search(text, end)
    return text[sentence_start:stop.start() if stop else len(text)]


def _negated(masked: str, start: int, warnings: Warnings) -> bool:
    """Whether the match at ``start`` is inside a warning ("never ... safe account")."""
    sentence_start = 0
    for found in _SENTENCE_END.finditer(masked, 0, start):
        sentence_start = found.end()
    before = masked[max(sentence_start, start - _WARNING_REACH):start]
    if _HAN_CHAR.search(before[-_WARNING_REACH_HAN:]):
        before = before[-_WARNING_REACH_HAN:]
    # "I will never ask for your PIN, just read me the passcode": the warning ends where "just" starts the ask.
    clause = warnings.clause_turn.split(before)
    before = clause[-1]
    if warnings.before.search(before):
        return True
    end = _SENTENCE_END.search(masked, start)
    stop = min(end.start() if end else len(masked), start + _WARNING_REACH)
    if warnings.after.search(masked, start, stop):
        return True
    return bool(warnings.just_before.search(before[-24:]))


# -- numbers ------------------------------------------------------------------------------------------------

def digits(number: str) -> str:
    """Only the digits of a phone number."""
    return re.sub(r"\D", "", number)


def same_number(a: str, b: str) -> bool:
    """Whether two numbers are the same line: equal digits, or the same last 9 digits (``+44 7700 900123``
    and ``07700 900123``)."""
    da, db = digits(a), digits(b)
    if not da or not db:
        return False
    if len(da) >= 9 and len(db) >= 9:
        return da[-9:] == db[-9:]
    return da == db


def is_withheld(number: str, catalogue: Catalogue | None = None) -> bool:
    """Whether ``number`` is what a phone bridge reports for a hidden number ("", "anonymous", "隐藏号码")."""
    return normalize(number) in (catalogue or CATALOGUE).withheld_numbers


def is_international(number: str, home_country_code: str | None = None) -> bool:
    """A number in international form (``+`` or ``00``) whose country code is not the home's.

    Without ``home_country_code`` every number in international form counts.
    """
    text = number.strip()
    if not (text.startswith("+") or text.startswith("00")):
        return False
    rest = digits(text)
    rest = rest[2:] if text.startswith("00") else rest
    return not (home_country_code and rest.startswith(digits(home_country_code)))


def number_cues(number: str | None, known_numbers: Sequence[str] = (), home_country_code: str | None = None,
                catalogue: Catalogue | None = None) -> list[CueMatch]:
    """Cues from the caller's number: withheld, international, not a known contact (only when contacts are
    known). A known contact fires none."""
    if number is None:
        return []
    if any(same_number(number, known) for known in known_numbers):
        return []
    fired: list[str] = []
    catalogue = catalogue or CATALOGUE
    if is_withheld(number, catalogue):
        fired.append("number_withheld")
    else:
        if is_international(number, home_country_code):
            fired.append("number_international")
        if known_numbers:
            fired.append("number_unknown")
    out = []
    for cue_id in fired:
        cue = catalogue.number_cues[cue_id]
        out.append(CueMatch(cue_id, "number", cue.label_en, cue.label_zh, number.strip() or "(withheld)", cue.weight))
    return out


# -- scoring -------------------------------------------------------------------------------------------------


def text_cues(text: str, catalogue: Catalogue | None = None) -> list[CueMatch]:
    """The text cues that fire in ``text`` (normalised inside), and the combinations among them."""
    catalogue = catalogue or CATALOGUE
    cue_by_id = catalogue.cue_by_id
    norm = normalize(text)
    has_han = bool(_HAN_CHAR.search(norm))

    def pattern(cue: Cue) -> re.Pattern[str] | None:
        return cue.pattern if has_han else cue.latin_pattern

    # Spans of cues that are negative by nature ("don't tell anyone") hide their "don't" from negation.
    masked = norm
    for cue in catalogue.cues:
        if not cue.negatable and cue.weight > 0 and pattern(cue) is not None:
            for m in pattern(cue).finditer(norm):  # type: ignore[union-attr]
                masked = masked[:m.start()] + "_" * (m.end() - m.start()) + masked[m.end():]
    fired: dict[str, CueMatch] = {}
    for cue in catalogue.cues:
        cue_pattern = pattern(cue)
        if cue_pattern is None:
            continue
        # A match a warning turns off is retried one character on: a long alternative ("密码，您只要把验证码念给")
        # must not swallow the ask inside it.
        position = 0
        while (m := cue_pattern.search(norm, position)) is not None:
            position = m.start() + 1
            if m.end() == m.start() or (cue.negatable and _negated(masked, m.start(), catalogue.warnings)):
                continue
            if cue.unless is not None and cue.unless.search(_sentence(norm, m.start(), m.end())):
                continue
            if cue.unless_in_text is not None and cue.unless_in_text.search(norm):
                break
            fired[cue.id] = CueMatch(cue.id, cue.family, cue.label_en, cue.label_zh, m.group(0).strip(), cue.weight)
            break
    # Within a group only the strongest cue counts; the others stay listed, with no weight.
    strongest: dict[str, CueMatch] = {}
    for match in fired.values():
        group = cue_by_id[match.id].group
        if group and (group not in strongest or match.weight > strongest[group].weight):
            strongest[group] = match
    for cue_id, match in list(fired.items()):
        group = cue_by_id[cue_id].group
        if group and strongest[group] is not match:
            fired[cue_id] = dataclasses.replace(match, weight=0.0)
    specific_fired = False
    for combo in sorted(catalogue.combinations, key=lambda c: c.fallback):
        if combo.fallback and specific_fired:
            continue
        parts: list[CueMatch] = []
        for members in combo.groups:
            # Two different cues read off the same words ("关税": customs, and a fee) are one piece of evidence.
            hit = next((fired[i] for i in sorted(members, key=lambda i: -cue_by_id[i].weight)
                        if i in fired and not any(p.text == fired[i].text and p.id != i for p in parts)), None)
            if hit is None:
                break
            parts.append(hit)
        else:
            fired[combo.id] = CueMatch(combo.id, "combination", combo.label_en, combo.label_zh,
                                       " + ".join(p.text for p in parts),
                                       combo.weight)
            specific_fired = specific_fired or not combo.fallback
    # A sign of legitimacy counts only when the text makes none of the asks it would contradict.
    for cue_id in [i for i, m in fired.items() if m.weight < 0]:
        if cue_by_id[cue_id].void_if & fired.keys():
            del fired[cue_id]
    return list(fired.values())


def combine(weights: Iterable[float]) -> float:
    """Noisy-OR of the positive weights, ``1 - prod(1 - w)`` (the chance that at least one independent cue is
    right), scaled down by each sign of legitimacy (a negative weight ``-v`` multiplies it by ``1 - v``)."""
    clear = 1.0
    damp = 1.0
    for weight in weights:
        if weight >= 0:
            clear *= 1.0 - weight
        else:
            damp *= 1.0 + weight
    return (1.0 - clear) * damp


def assess(text: str, *, number: str | None = None, known_numbers: Sequence[str] = (),
           language: str | None = None, home_country_code: str | None = None,
           thresholds: Thresholds = Thresholds(), catalogue: Catalogue | None = None) -> Assessment:
    """Score ``text`` (a message or a call transcript so far) for scam risk.

    Args:
        text: what was said or written; may be empty (a ringing call is scored on its number alone).
        number: the other party's number; ``""`` means withheld, ``None`` means not known (no number cues).
        known_numbers: the person's contacts; a call from one of them fires no number cue, and the
            "not a known contact" cue fires only when this is not empty.
        language: ``zh``/``zh-CN``/``en``...; guessed from the text when None. Every cue is tried whatever the
            language (calls mix languages: "AnyDesk", "ok"); the language picks the labels a caller sees.
        home_country_code: e.g. ``"44"``; international numbers from this country do not count as foreign.
        thresholds: where the levels start.
        catalogue: the cues to look for; the one in ``cues/`` when None.
    """
    cues = text_cues(text, catalogue) + number_cues(number, known_numbers, home_country_code, catalogue)
    cues.sort(key=lambda c: -c.weight)
    score = round(combine(c.weight for c in cues), 4)
    lang = "zh" if (language or guess_language(text)).lower().startswith("zh") else "en"
    return Assessment(score=score, level=thresholds.level(score), cues=tuple(cues), language=lang)


__all__ = ["Assessment", "CATALOGUE", "COMBINATIONS", "CUES", "Combination", "Cue", "CueMatch", "FAMILIES", "LEVELS",
           "Thresholds", "assess", "combine", "digits", "guess_language", "is_international", "is_withheld",
           "level_rank", "normalize", "number_cues", "same_number", "text_cues"]
