"""The labelled sample set (``samples.yaml`` beside this module), loaded into plain records for tests and the bench."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

SAMPLES_PATH = Path(__file__).with_name("samples.yaml")

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
    """``tuning`` (the rules were tuned on it), ``holdout-1`` (measured blind, then tuned on) or ``holdout-2``
    (never tuned on)."""

    @property
    def is_scam(self) -> bool:
        return self.label == "scam"

    @property
    def home_country_code(self) -> str:
        return HOME_COUNTRY_CODE[self.language]


def load_samples(path: Path = SAMPLES_PATH) -> list[Sample]:
    """Every sample in the file, in order; raises ValueError naming the first bad item."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    samples = []
    for index, item in enumerate(raw["items"]):
        try:
            sample = Sample(**{**item, "text": " ".join(str(item["text"]).split())})
        except TypeError as error:
            raise ValueError(f"{path.name}: items[{index}]: {error}") from None
        if sample.label not in ("scam", "legit") or sample.language not in ("zh", "en") \
                or sample.kind not in ("call", "sms"):
            raise ValueError(f"{path.name}: items[{index}]: bad label, language or kind: {item}")
        samples.append(sample)
    return samples
