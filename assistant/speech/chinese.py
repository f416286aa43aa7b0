"""Chinese transcripts in the script the household reads: Whisper has one ``zh`` and writes simplified or
traditional characters as it pleases (base writes "打開廚房的燈" for most Mandarin commands when it has no
prompt), while carehub's grammars are per script (``zh-CN`` simplified, ``zh-TW`` / ``zh-HK``
traditional). OpenCC converts, character by character and phrase by phrase; without it the text is left
as Whisper wrote it."""

from __future__ import annotations

import functools
import importlib
import importlib.util
import logging
from typing import Any, Literal

log = logging.getLogger(__name__)

Script = Literal["simplified", "traditional", "as_heard"]

TRADITIONAL = ("zh-tw", "zh-hk", "zh-mo", "zh-hant")
"""Language tags (lower case, or their start) written in traditional characters; other Chinese is simplified."""

_CONVERSIONS = {"zh-tw": "s2tw", "zh-hk": "s2hk", "zh-mo": "s2hk"}
"""OpenCC's conversion into a region's traditional characters; ``s2t`` for any other traditional tag."""


def is_chinese(language: str | None) -> bool:
    code = (language or "").strip().lower().replace("_", "-")
    return code == "zh" or code.startswith(("zh-", "cmn", "yue"))


def is_traditional(language: str) -> bool:
    code = language.strip().lower().replace("_", "-")
    return code.startswith(TRADITIONAL)


def household_script(languages: list[str]) -> Script:
    """The script of a household's Chinese: traditional when it speaks only traditional variants, as heard when
    it speaks both, simplified otherwise (including a household with no Chinese configured)."""
    chinese = [code for code in languages if is_chinese(code)]
    traditional = [code for code in chinese if is_traditional(code)]
    if traditional and len(traditional) == len(chinese):
        return "traditional"
    return "as_heard" if traditional else "simplified"


def conversion_for(language: str | None, languages: list[str], script: Script | None = None) -> str | None:
    """The OpenCC conversion for a Chinese transcript (``t2s``, ``s2tw``, ...), or None to leave it.

    ``script`` (the ``chinese_script`` setting) decides when it is set; else ``language``, what the caller
    asked for (``zh-TW`` from a person's settings says traditional); a bare ``zh`` or none falls back to
    the household's ``languages``.
    """
    asked = (language or "").strip().lower().replace("_", "-")
    if script is None and is_chinese(asked) and asked != "zh":
        script = "traditional" if is_traditional(asked) else "simplified"
    script = script or household_script(languages)
    if script == "as_heard":
        return None
    if script == "simplified":
        return "t2s"
    regional = [asked] + [code.strip().lower().replace("_", "-") for code in languages if is_traditional(code)]
    for code in regional:
        for prefix, conversion in _CONVERSIONS.items():
            if code.startswith(prefix):
                return conversion
    return "s2t"


def convert(text: str, conversion: str | None) -> str:
    """``text`` through OpenCC's ``conversion``; unchanged when there is none or OpenCC is not installed."""
    if not conversion or not text:
        return text
    converter = _converter(conversion)
    return converter.convert(text) if converter is not None else text


@functools.cache
def _converter(conversion: str) -> Any | None:
    if importlib.util.find_spec("opencc") is None:
        log.warning("opencc is not installed: Chinese transcripts are left in the characters Whisper wrote, "
                    "which the grammars of the other script do not match (pip install -e '.[voice]')")
        return None
    return importlib.import_module("opencc").OpenCC(conversion)
