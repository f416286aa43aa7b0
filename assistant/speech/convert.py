"""Re-pack a CTranslate2 Whisper model (``model.bin``) as an openai-whisper ``.pt`` checkpoint.

openai-whisper checkpoints are not shipped in any pip package, and carehub never downloads one. The
packaged faster-whisper models (``tiny.en``, multilingual ``base``) hold the same Whisper weights in
CTranslate2's layout, in float16 — the dtype openai-whisper's own checkpoints use — so the openai-whisper
backend can run them once they are laid out as openai-whisper expects. Nothing is retrained or
approximated: every tensor is copied; fused projections are split back into query / key / value.

The CTranslate2 file format (``ctranslate2/specs/model_spec.py``, ``_serialize``): a uint32 binary
version, the spec name and a uint32 revision, then ``count`` variables, each ``name``, ``rank``,
``dims``, a dtype id (float32, int8, int16, int32, float16, bfloat16) and its raw bytes, then aliases.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

_DTYPES = (np.float32, np.int8, np.int16, np.int32, np.float16, None)
"""By CTranslate2 type id; bfloat16 (5) has no numpy dtype and no Whisper conversion uses it."""


class ConversionError(ValueError):
    """The file is not a CTranslate2 Whisper model this converter understands."""


def _string(f: BinaryIO) -> str:
    (length,) = struct.unpack("<H", f.read(2))
    return f.read(length)[:-1].decode("utf-8")


def read_ctranslate2(path: Path) -> tuple[str, dict[str, np.ndarray]]:
    """The spec name and every variable of a CTranslate2 ``model.bin`` (aliases resolved)."""
    variables: dict[str, np.ndarray] = {}
    with open(path, "rb") as f:
        (version,) = struct.unpack("<I", f.read(4))
        if not 5 <= version <= 6:
            raise ConversionError(f"{path}: CTranslate2 binary version {version} is not supported (5 or 6)")
        spec = _string(f)
        f.read(4)  # revision
        (count,) = struct.unpack("<I", f.read(4))
        for _ in range(count):
            name = _string(f)
            (rank,) = struct.unpack("<B", f.read(1))
            dims = struct.unpack(f"<{rank}I", f.read(4 * rank))
            (type_id,) = struct.unpack("<B", f.read(1))
            (size,) = struct.unpack("<I", f.read(4))
            raw = f.read(size)
            dtype = _DTYPES[type_id] if type_id < len(_DTYPES) else None
            if dtype is None:
                raise ConversionError(f"{path}: variable {name} has unsupported dtype id {type_id}")
            variables[name] = np.frombuffer(raw, dtype=dtype).reshape(dims)
        (aliases,) = struct.unpack("<I", f.read(4))
        for _ in range(aliases):
            alias, target = _string(f), _string(f)
            variables[alias] = variables[target]
    return spec, variables


def _linear(out: dict[str, np.ndarray], prefix: str, v: dict[str, np.ndarray], source: str, *,
            bias: bool = True) -> None:
    out[f"{prefix}.weight"] = v[f"{source}/weight"]
    if bias:
        out[f"{prefix}.bias"] = v[f"{source}/bias"]


def _norm(out: dict[str, np.ndarray], prefix: str, v: dict[str, np.ndarray], source: str) -> None:
    out[f"{prefix}.weight"] = v[f"{source}/gamma"]
    out[f"{prefix}.bias"] = v[f"{source}/beta"]


def _split(v: dict[str, np.ndarray], source: str, parts: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """A fused projection (query+key+value, or key+value) split back into its parts, rows in order."""
    weights = np.split(v[f"{source}/weight"], parts, axis=0)
    biases = np.split(v[f"{source}/bias"], parts, axis=0)
    return list(zip(weights, biases, strict=True))


def _attention(out: dict[str, np.ndarray], prefix: str, v: dict[str, np.ndarray], source: str, *,
               cross: bool) -> None:
    """openai-whisper's MultiHeadAttention: query, key (no bias), value, out."""
    if cross:
        (q_w, q_b), = [(v[f"{source}/linear_0/weight"], v[f"{source}/linear_0/bias"])]
        (k_w, _), (v_w, v_b) = _split(v, f"{source}/linear_1", 2)
        out_source = f"{source}/linear_2"
    else:
        (q_w, q_b), (k_w, _), (v_w, v_b) = _split(v, f"{source}/linear_0", 3)
        out_source = f"{source}/linear_1"
    out[f"{prefix}.query.weight"], out[f"{prefix}.query.bias"] = q_w, q_b
    out[f"{prefix}.key.weight"] = k_w
    out[f"{prefix}.value.weight"], out[f"{prefix}.value.bias"] = v_w, v_b
    _linear(out, f"{prefix}.out", v, out_source)


def _block(out: dict[str, np.ndarray], dst: str, v: dict[str, np.ndarray], src: str) -> None:
    """A residual block's self-attention and MLP (a decoder block adds cross-attention)."""
    _attention(out, f"{dst}.attn", v, f"{src}/self_attention", cross=False)
    _norm(out, f"{dst}.attn_ln", v, f"{src}/self_attention/layer_norm")
    _linear(out, f"{dst}.mlp.0", v, f"{src}/ffn/linear_0")
    _linear(out, f"{dst}.mlp.2", v, f"{src}/ffn/linear_1")
    _norm(out, f"{dst}.mlp_ln", v, f"{src}/ffn/layer_norm")


def _layers(v: dict[str, np.ndarray], side: str) -> int:
    found = {int(m.group(1)) for name in v if (m := re.match(rf"{side}/layer_(\d+)/", name))}
    return max(found) + 1 if found else 0


def whisper_state(v: dict[str, np.ndarray]) -> tuple[dict[str, int], dict[str, np.ndarray]]:
    """openai-whisper's ``dims`` and ``model_state_dict`` (as numpy arrays) from CTranslate2 variables."""
    try:
        out: dict[str, np.ndarray] = {}
        for name in ("conv1", "conv2"):
            _linear(out, f"encoder.{name}", v, f"encoder/{name}")
        out["encoder.positional_embedding"] = v["encoder/position_encodings/encodings"]
        n_audio_layer = _layers(v, "encoder")
        for i in range(n_audio_layer):
            _block(out, f"encoder.blocks.{i}", v, f"encoder/layer_{i}")
        _norm(out, "encoder.ln_post", v, "encoder/layer_norm")

        out["decoder.token_embedding.weight"] = v["decoder/embeddings/weight"]
        out["decoder.positional_embedding"] = v["decoder/position_encodings/encodings"]
        n_text_layer = _layers(v, "decoder")
        for i in range(n_text_layer):
            src, dst = f"decoder/layer_{i}", f"decoder.blocks.{i}"
            _block(out, dst, v, src)
            _attention(out, f"{dst}.cross_attn", v, f"{src}/attention", cross=True)
            _norm(out, f"{dst}.cross_attn_ln", v, f"{src}/attention/layer_norm")
        _norm(out, "decoder.ln", v, "decoder/layer_norm")

        audio_ctx, audio_state = v["encoder/position_encodings/encodings"].shape
        vocab, text_state = v["decoder/embeddings/weight"].shape
        dims = {
            "n_mels": int(v["encoder/conv1/weight"].shape[1]), "n_audio_ctx": int(audio_ctx),
            "n_audio_state": int(audio_state), "n_audio_head": int(v["encoder/num_heads"]),
            "n_audio_layer": n_audio_layer, "n_vocab": int(vocab),
            "n_text_ctx": int(v["decoder/position_encodings/encodings"].shape[0]),
            "n_text_state": int(text_state), "n_text_head": int(v["decoder/num_heads"]),
            "n_text_layer": n_text_layer,
        }
    except KeyError as missing:
        raise ConversionError(f"not a CTranslate2 Whisper model: no variable {missing}") from None
    return dims, out


def convert(folder: Path, dest: Path) -> Path:
    """Write ``dest`` (an openai-whisper checkpoint) from the CTranslate2 Whisper model in ``folder``.

    Needs torch (openai-whisper's own dependency). Written to a temporary name first, so a crash
    never leaves a half-written checkpoint where carehub looks for one.
    """
    import torch

    spec, variables = read_ctranslate2(folder / "model.bin")
    if spec != "WhisperSpec":
        raise ConversionError(f"{folder / 'model.bin'} holds a {spec}, not a Whisper model")
    dims, state = whisper_state(variables)
    checkpoint: dict[str, Any] = {
        "dims": dims,
        "model_state_dict": {k: torch.from_numpy(np.array(a, copy=True)) for k, a in state.items()},
    }
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_suffix(".partial")
    torch.save(checkpoint, partial)
    partial.replace(dest)
    return dest
