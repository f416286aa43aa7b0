"""The labelled sample sets beside this module, loaded into plain records for tests and the bench.

``samples.yaml`` holds the tuning set, holdout-1 and holdout-2; ``holdout3.yaml`` and ``holdout4.yaml`` hold
holdout-3 and holdout-4, each measured blind once and then used to develop the rules; ``round5.yaml`` holds
round-5a to round-5f, written by carehub's developers while changing the rules; ``round7.yaml`` holds round-7, written
by them for the classes of holdout-6's misses and false alarms; ``holdout5.yaml`` to ``holdout8.yaml`` hold sets
each measured blind once. All of them are development
data: only a set written by someone who has not seen the rules measures them, and none is kept here (the bench
scores one given by path, ``--blind``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import yaml

SAMPLES_PATH = Path(__file__).with_name("samples.yaml")
HOLDOUT3_PATH = Path(__file__).with_name("holdout3.yaml")
HOLDOUT4_PATH = Path(__file__).with_name("holdout4.yaml")
ROUND5_PATH = Path(__file__).with_name("round5.yaml")
HOLDOUT5_PATH = Path(__file__).with_name("holdout5.yaml")
HOLDOUT6_PATH = Path(__file__).with_name("holdout6.yaml")
ROUND7_PATH = Path(__file__).with_name("round7.yaml")
HOLDOUT7_PATH = Path(__file__).with_name("holdout7.yaml")
HOLDOUT8_PATH = Path(__file__).with_name("holdout8.yaml")
DEV_SETS = ("holdout-2", "holdout-3", "holdout-4", "round-5a", "round-5b", "round-5c", "round-5d", "round-5e",
            "round-5f", "holdout-5", "holdout-6", "round-7", "holdout-7", "holdout-8")
"""Sets used to develop the rules (the first three after one blind measurement each); the bench reports them
apart from the tuning set."""
BLIND = "blind"
"""The set name the bench gives a blind file it is pointed at (``--blind PATH``)."""

HOME_COUNTRY_CODE = {"en": "44", "zh": "86"}
"""The homes the samples imagine: an English-speaking one in the UK, a Chinese-speaking one in mainland China."""


@dataclass(frozen=True)
class Sample:
    """One labelled call transcript or text message."""

    text: str
    language: str
    """``zh`` (Simplified Chinese) or ``en``."""
    label: str
    """``scam`` or ``legit``."""
    kind: str
    """``call`` or ``sms``."""
    family: str
    """For a scam, the kind of fraud; for a legit message, the fraud it resembles, or ``everyday``."""
    number: str | None = None
    """The other party's number; ``""`` when withheld, None when the sample does not say."""
    set: str = "tuning"
    """``tuning`` (the rules were tuned on it), ``holdout-1`` to ``holdout-4`` (each measured blind once, then used
    for development), ``round-5a`` to ``round-5f`` (written by carehub's developers for the fifth round; development
    data) or ``blind`` (a file the bench was pointed at)."""

    @property
    def is_scam(self) -> bool:
        return self.label == "scam"

    @property
    def home_country_code(self) -> str:
        return HOME_COUNTRY_CODE[self.language]


_FIELDS = {f.name for f in dataclasses.fields(Sample)}


def load_samples(path: Path = SAMPLES_PATH, *, default_set: str = "tuning", strict: bool = True) -> list[Sample]:
    """Every sample in the file, in order; raises ValueError naming the first bad item.

    The file is a mapping with ``items`` (or a bare list) of ``{text, language, label, kind, family, number?,
    set?}``. Items without ``set`` get ``default_set``. With ``strict=False`` keys the record does not know
    (an ``id``, a note) are ignored rather than refused, and ``zh-CN``-style languages count as ``zh``.
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = raw["items"] if isinstance(raw, dict) else raw
    samples = []
    for index, item in enumerate(items or []):
        if not strict:
            item = {k: v for k, v in item.items() if k in _FIELDS}
            if isinstance(item.get("language"), str):
                item["language"] = "zh" if item["language"].lower().startswith("zh") else item["language"].lower()
            for key in ("label", "kind"):
                if isinstance(item.get(key), str):
                    item[key] = item[key].strip().lower()
            if item.get("number") is not None:
                item["number"] = str(item["number"])
        item = {"set": default_set, **item}
        try:
            sample = Sample(**{**item, "text": " ".join(str(item["text"]).split())})
        except (TypeError, KeyError) as error:
            raise ValueError(f"{path.name}: items[{index}]: {error}") from None
        if sample.label not in ("scam", "legit") or sample.language not in ("zh", "en") \
                or sample.kind not in ("call", "sms"):
            raise ValueError(f"{path.name}: items[{index}]: bad label, language or kind: {item}")
        samples.append(sample)
    return samples


def load_holdout(path: Path, name: str) -> list[Sample]:
    """A holdout file written by someone else (every item marked ``name``), or ``[]`` when it is not there.

    The file is read leniently (``strict=False``): a bare YAML list of ``{text, language, label, kind, family,
    number, set}`` items, extra keys ignored.
    """
    if not path.exists():
        return []
    return [dataclasses.replace(s, set=name) for s in load_samples(path, default_set=name, strict=False)]


def load_dev_samples() -> list[Sample]:
    """Every development set outside ``samples.yaml``: holdout-3 to holdout-8 (each measured blind once,
    development data since), round-5 (its items carry their ``set``) and round-7; a file that is not there gives
    nothing.

    holdout-5 (240 items by a writer given only the fraud and look-alike families) scored once, blind, with the
    rules of December 2026: recall 80.8 % at medium / 69.2 % at high, false alarms 1.7 % (en 78.3 / 65.0 / 0.0,
    zh 83.3 / 73.3 / 3.3). holdout-6 (240 items, a new writer, the same brief) scored once, blind, after the
    next round: 85.0 % / 73.3 %, false alarms 2.5 % / 0.8 % (en 80.0 / 65.0 / 0.0, zh 90.0 / 81.7 / 5.0). round-7
    (50 items by carehub's developers, one or more per class of holdout-6's misses and false alarms) comes next, then
    holdout-7 (240 items, a new writer, the same brief) scored once, blind, after round 7: 80.8 % / 69.2 %, false
    alarms 5.0 % / 2.5 % (en 73.3 / 60.0 / 5.0, zh 88.3 / 78.3 / 5.0). holdout-8 (240 items, a new writer who saw
    neither the rules nor the learned model) scored once, blind, with the rules and the model as shipped: 97.5 % /
    93.3 %, false alarms 6.7 % / 6.7 % (en 98.3 / 93.3 / 1.7, zh 96.7 / 93.3 / 11.7); the rules alone 81.7 % /
    67.5 %, false alarms 8.3 % / 6.7 %. See docs/care/scam_guard.md.
    """
    round5 = load_samples(ROUND5_PATH, default_set="round-5a") if ROUND5_PATH.exists() else []
    round7 = load_samples(ROUND7_PATH, default_set="round-7") if ROUND7_PATH.exists() else []
    return (load_holdout(HOLDOUT3_PATH, "holdout-3") + load_holdout(HOLDOUT4_PATH, "holdout-4") + round5
            + load_holdout(HOLDOUT5_PATH, "holdout-5") + load_holdout(HOLDOUT6_PATH, "holdout-6") + round7
            + load_holdout(HOLDOUT7_PATH, "holdout-7") + load_holdout(HOLDOUT8_PATH, "holdout-8"))


def load_blind_samples(path: Path) -> list[Sample]:
    """A blind set written by someone who has not seen the rules (every item marked ``blind``), or ``[]`` when the
    file is not there. Score it once, after the rules are final."""
    return load_holdout(path, BLIND)
