"""``llm:`` settings: off by default, strict, and every example in docs/llm.md is valid."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from assistant.llm import LlmConfig, OpenAIChatModel, TransformersChatModel
from assistant.llm.wiring import build_model

DOC = Path(__file__).resolve().parents[1] / "docs" / "llm.md"


def test_off_by_default():
    config = LlmConfig()
    assert config.enabled is False and config.backend == "transformers" and config.model == "smollm2-135m"


def test_every_llm_example_in_the_docs_is_valid():
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)]
    examples = [b["llm"] for b in blocks if isinstance(b, dict) and "llm" in b]
    assert len(examples) >= 2
    for example in examples:
        assert LlmConfig(**example).enabled


@pytest.mark.parametrize("bad", [{"backend": "cloud"}, {"timeout": 0}, {"temperature": 0.7},
                                 {"backend": "openai", "gguf_file": "x.gguf"}, {"dtype": "float16"}])
def test_bad_settings_are_refused(bad):
    with pytest.raises(ValidationError):
        LlmConfig(**bad)


def test_build_model_reads_the_api_key_from_the_environment(monkeypatch):
    monkeypatch.setenv("CAREHUB_TEST_LLM_KEY", "sekrit")
    model = build_model(LlmConfig(backend="openai", model="qwen2.5:3b", api_key_env="CAREHUB_TEST_LLM_KEY"))
    assert isinstance(model, OpenAIChatModel) and model._api_key == "sekrit" and model.name == "qwen2.5:3b"
    assert isinstance(build_model(LlmConfig()), TransformersChatModel)  # not loaded until first use
