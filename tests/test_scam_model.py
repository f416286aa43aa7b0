"""The scam guard's learned model: the shipped weights load and score both languages, the blend keeps every level
explained, and retraining with bench/train_scam_model.py gives the same scores."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from skills.scam_guard.model import MODEL_PATH, ScamModel, blend
from skills.scam_guard.rules import assess

ROOT = Path(__file__).resolve().parent.parent
MODEL = ScamModel.load()


@pytest.mark.parametrize("text", [
    "Hello, this is the fraud team at your bank. Your account is compromised; move your savings to the secure "
    "account I give you and tell nobody at the branch.",
    "您好，我是公安局的民警，您的银行卡涉嫌洗钱，请把钱转到安全账户配合调查，不要告诉家人。",
])
def test_the_shipped_model_reads_a_scam_in_either_language_as_a_scam(text):
    assert MODEL.opinion(text).probability > 0.7


@pytest.mark.parametrize("text", [
    "Hi Mum, it's Anna. I'll pick you up at five for the dentist, see you then.",
    "妈，周末我们回家吃饭，我给您带了点水果。",
])
def test_the_shipped_model_reads_family_chat_in_either_language_as_genuine(text):
    assert MODEL.opinion(text).probability < 0.1


def test_a_level_the_model_raises_says_so_and_names_the_phrases_in_both_languages():
    text = ("Dear customer, a review of your pension found you are owed a bonus of £2,400. To unlock it today "
            "a small processing charge of £95 applies. Reply YES and our advisor will call.")
    rules = assess(text, language="en")
    result = blend(rules, MODEL.opinion(text))
    (cue,) = [c for c in result.cues if c.id == "learned_model"]
    assert result.level != rules.level
    assert f"from {rules.level} (rules alone) to {result.level}" in cue.label_en
    assert "仅规则" in cue.label_zh and "学习模型" in cue.label_zh
    assert "phrases that weighed most" in cue.label_en and cue.text


def test_the_rules_high_stays_high_whatever_the_model_says():
    rules = assess("Police: your account is used in money laundering. Move all your money to a safe account now "
                   "and read me the code we texted. Tell no one.", language="en")
    assert rules.level == "high"
    assert blend(rules, type(MODEL.opinion("x"))(probability=0.0)).level == "high"


def test_a_model_file_of_another_shape_is_refused_with_its_name(tmp_path):
    bad = tmp_path / "scam_model.npz"
    np.savez(bad, weights=np.zeros(8, dtype=np.float16), bias=0.0, hash_bits=3)
    with pytest.raises(ValueError, match="scam_model.npz"):
        ScamModel.load(bad)


def test_retraining_with_the_script_reproduces_the_shipped_scores():
    assert MODEL_PATH.stat().st_size < 3_000_000
    done = subprocess.run([sys.executable, "bench/train_scam_model.py", "--check"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "largest difference in probability" in done.stdout


def test_every_home_in_a_worker_shares_one_read_only_copy_of_the_weights():
    again = ScamModel.load()
    assert again is MODEL
    with pytest.raises(ValueError):
        again.weights[0] = 1.0


def test_the_guard_as_shipped_keeps_its_blind_figures_on_the_seventh_writers_set():
    # holdout-9 was scored once, blind, with the guard as shipped (docs/care/scam_guard.md): it must not slip.
    from skills.scam_guard.rules import Thresholds, level_rank
    from skills.scam_guard.samples import load_blind_samples

    samples = load_blind_samples(ROOT / "tests" / "data" / "scam_guard" / "holdout9.yaml")
    assert len(samples) == 240
    for language in ("en", "zh"):
        levels = [(s.is_scam, blend(assess(s.text, number=s.number, language=s.language,
                                           home_country_code=s.home_country_code, thresholds=Thresholds()),
                                    MODEL.opinion(s.text), Thresholds()).level)
                  for s in samples if s.language == language]
        scams = [lvl for scam, lvl in levels if scam]
        legit = [lvl for scam, lvl in levels if not scam]
        recall_medium = sum(level_rank(lvl) >= level_rank("medium") for lvl in scams) / len(scams)
        recall_high = sum(level_rank(lvl) >= level_rank("high") for lvl in scams) / len(scams)
        false_alarms = sum(level_rank(lvl) >= level_rank("medium") for lvl in legit) / len(legit)
        assert recall_medium >= 0.90 and recall_high >= 0.80 and false_alarms <= 0.03, (language, recall_medium,
                                                                                          recall_high, false_alarms)
