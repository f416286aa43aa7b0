"""Intent recognition: language codes and guessing, sentence files, grammars and the recogniser."""

from __future__ import annotations

from pathlib import Path

import os
import pytest

from assistant.intents import (
    GrammarSource, Recognizer, SentenceError, build_grammar, check_templates, guess_languages, load_sentence_file,
    normalize_language,
)
from skills.device_control import DeviceControl


@pytest.mark.parametrize("code, expected", [
    ("zh", "zh-CN"), ("zh-cn", "zh-CN"), ("zh_CN", "zh-CN"), ("ZH-CN", "zh-CN"), ("zh-Hans", "zh-CN"),
    ("zh-hant", "zh-TW"), ("zh_TW", "zh-TW"), ("zh-HK", "zh-HK"),
    ("en", "en"), ("EN", "en"), ("en-GB", "en"), ("en_US", "en"),
    ("pt-br", "pt-BR"), ("pt_BR", "pt-BR"), ("fr", "fr"), ("sr-Latn", "sr-Latn"), (" de ", "de"),
])
def test_normalize_language(code, expected):
    assert normalize_language(code) == expected


@pytest.mark.parametrize("text, preferred, expected", [
    ("打开厨房的灯", ["en", "zh-CN"], ["zh-CN", "en"]),
    ("turn on the kitchen light", ["zh-CN", "en"], ["en", "zh-CN"]),
    ("打开 kitchen light", ["en", "zh-CN"], ["zh-CN", "en"]),     # any Han character means Chinese first
    ("開燈", ["en", "zh-TW", "zh-CN"], ["zh-TW", "zh-CN", "en"]),  # order among Chinese ones is kept
    ("hello", ["en"], ["en"]),
    ("你好", ["en", "fr"], ["en", "fr"]),
    ("12:30", ["zh-CN", "en"], ["en", "zh-CN"]),
])
def test_guess_languages(text, preferred, expected):
    assert guess_languages(text, preferred) == expected


# --- sentence files ---------------------------------------------------------------------------------------


def sentence_file(tmp_path: Path, text: str | bytes, name: str = "en.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_load_sentence_file(tmp_path):
    path = sentence_file(tmp_path, "language: en\nintents:\n  Hi:\n    data:\n      - sentences: [hello]\n")
    assert load_sentence_file(path)["intents"] == {"Hi": {"data": [{"sentences": ["hello"]}]}}
    assert load_sentence_file(sentence_file(tmp_path, "", "empty.yaml")) == {}


@pytest.mark.parametrize("text, message", [
    ("language: en\nintents:\n  Hi: [unclosed\n", "line 4, column 1: not valid YAML"),
    ("- just\n- a list\n", "expected a mapping with an 'intents' section"),
    ("intents:\n  - Hi\n", "expected a mapping with an 'intents' section"),
    ("intents:\n  Hi:\n    data: hello\n", "intents.Hi.data: expected a list"),
    ("intents:\n  Hi:\n    data:\n      - sentences: hello\n", "intents.Hi.data[0].sentences: expected a list"),
    ("intents:\n  Hi:\n    data:\n      - sentences: ['hello (there']\n", "intents.Hi.data[0].sentences[0]"),
    (b"intents:\n  Hi: \xff\xfe\n", "not UTF-8"),
])
def test_a_bad_sentence_file_is_reported_with_its_path(tmp_path, text, message):
    path = sentence_file(tmp_path, text)
    with pytest.raises(SentenceError) as caught:
        load_sentence_file(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)
    assert caught.value.path == path


def test_check_templates():
    check_templates(["i (fell|fall) [down]", "我摔倒了", "turn on {name}", "<what> now"])
    with pytest.raises(SentenceError, match=r"'i \(fell': .*end of group"):
        check_templates(["i fell", "i (fell"])


# --- grammars and recognition -----------------------------------------------------------------------------


def test_grammar_takes_home_assistant_intents_only_for_claimed_names():
    doc = build_grammar("en", [GrammarSource("control", ["HassTurnOn"])])
    assert set(doc["intents"]) == {"HassTurnOn"}
    assert "HassTurnOff" not in doc["intents"] and doc["expansion_rules"]


def test_sentence_files_contribute_only_the_intents_their_skill_claims(tmp_path):
    (tmp_path / "en.yaml").write_text(
        "language: en\nintents:\n  Mine:\n    data: [{sentences: ['hello carehub']}]\n"
        "  Stray:\n    data: [{sentences: ['good morning']}]\n", encoding="utf-8")
    doc = build_grammar("en", [GrammarSource("mine", ["Mine"], {}, tmp_path)])
    assert set(doc["intents"]) == {"Mine"}


def _recognizer(*sources: GrammarSource) -> Recognizer:
    return Recognizer(list(sources), ["en", "zh-CN"])


def test_recognize_inline_templates_in_the_first_language_that_matches():
    source = GrammarSource("care", ["CareIFell"], {"CareIFell": {"en": ["i fell [down]"], "zh-CN": ["我摔倒了"]}})
    recognizer = _recognizer(source)
    en = recognizer.recognize("I fell down", ["en", "zh-CN"])
    zh = recognizer.recognize("我摔倒了", ["zh-CN", "en"])
    assert (en.intent, en.language) == ("CareIFell", "en")
    assert (zh.intent, zh.language) == ("CareIFell", "zh-CN")
    assert recognizer.recognize("I fell asleep", ["en", "zh-CN"]) is None


def test_slot_lists_fill_home_assistant_intents():
    recognizer = _recognizer(GrammarSource("control", ["HassTurnOn"]))
    for language, spoken in (("en", "kettle"), ("zh-CN", "电水壶")):
        recognizer.set_slot_lists(language, {"name": [(spoken, "kettle-plug", {"domain": "switch"})],
                                             "area": [("kitchen", "kitchen")]})
    en = recognizer.recognize("turn on the kettle", ["en"])
    assert en.intent == "HassTurnOn" and en.slots["name"] == "kettle-plug" and en.slot_text["name"] == "kettle"
    zh = recognizer.recognize("打开电水壶", ["zh-CN"])
    assert (zh.intent, zh.language, zh.slots["name"]) == ("HassTurnOn", "zh-CN", "kettle-plug")
    assert recognizer.recognize("turn on the toaster", ["en"]) is None


def test_a_grammar_that_cannot_be_built_does_not_stop_other_languages(caplog):
    broken = GrammarSource("broken", ["Broken"], {"Broken": {"en": ["i (fell"]}})
    fine = GrammarSource("fine", ["Fine"], {"Fine": {"zh-CN": ["你好"]}})
    recognizer = _recognizer(broken, fine)
    assert recognizer.recognize("i fell", ["en"]) is None
    assert recognizer.recognize("你好", ["en", "zh-CN"]).intent == "Fine"
    assert "grammar for en" in caplog.text


# --- names from config, through the harness -----------------------------------------------------------------


async def test_aliases_and_room_names_accept_any_spelling_of_the_language(skill_harness):
    config = {
        "devices": [{"id": "desk-lamp", "kind": "light", "room": "study", "aliases": {"zh": ["台灯"]}}],
        "rooms": {"study": {"zh_CN": ["书房"]}},
    }
    h = await skill_harness(DeviceControl, config=config)
    assert (await h.say("打开台灯")).understood
    assert (await h.say("关掉书房的灯")).understood
    assert h.published == [("carehub/home/desk-lamp/set", {"state": "on"}),
                           ("carehub/home/desk-lamp/set", {"state": "off"})]


def test_homes_with_the_same_skills_share_one_grammar_and_an_edited_sentence_file_builds_anew(tmp_path):
    # A worker carrying thousands of homes keeps one grammar per language for them, not one per home.
    (tmp_path / "en.yaml").write_text(
        "language: en\nintents:\n  Mine:\n    data: [{sentences: ['hello carehub']}]\n", encoding="utf-8")
    source = GrammarSource("mine", ["Mine"], {}, tmp_path)
    first, second = _recognizer(source), _recognizer(GrammarSource("mine", ["Mine"], {}, tmp_path))
    assert first.intents_for("en") is second.intents_for("en")
    assert second.recognize("hello carehub", ["en"]).intent == "Mine"
    (tmp_path / "en.yaml").write_text(
        "language: en\nintents:\n  Mine:\n    data: [{sentences: ['good evening carehub']}]\n", encoding="utf-8")
    os.utime(tmp_path / "en.yaml", ns=(1, 1))  # a new modification time however coarse the file system's clock
    edited = _recognizer(source)
    assert edited.intents_for("en") is not first.intents_for("en")
    assert edited.recognize("good evening carehub", ["en"]).intent == "Mine"
    assert edited.recognize("hello carehub", ["en"]) is None
