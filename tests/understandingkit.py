"""The brief's household (tests/data/understanding/household.yaml) as understanding sees it, for table tests."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from assistant.config import parse_config
from assistant.understanding.household import Home, home_from_config
from assistant.understanding.understand import Understanding

HOUSEHOLD = Path(__file__).resolve().parent / "data" / "understanding" / "household.yaml"
LANGUAGES = ["en", "zh-CN"]


@functools.cache
def home() -> Home:
    raw = yaml.safe_load(HOUSEHOLD.read_text(encoding="utf-8"))
    config = parse_config({**raw, "storage": {"database": ":memory:"}}, "household", HOUSEHOLD.parent)
    return home_from_config(config, LANGUAGES)


@functools.cache
def understanding() -> Understanding:
    """Understanding with no grammar: device commands, answers and normalisation only."""
    return Understanding(home(), lambda text, language, room: None, LANGUAGES, ["安娜", "小山", "女儿", "儿子"])
