"""Finding skills: the ``carehub.skills`` entry-point group and, for development, a ``skills_dir``.

A skill that fails to import or validate is reported as a ``SkillError`` naming it and the cause;
the others load regardless.
"""

from __future__ import annotations

import importlib.util
import inspect
import os
import sys
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from assistant.config import Config
from assistant.errors import SkillError
from assistant.intents import (SentenceError, check_templates, load_sentence_file, sentence_files, sentence_stamps,
                               settled)
from assistant.skill_api import IntentSpec, Skill, check_handlers

ENTRY_POINT_GROUP = "carehub.skills"


@dataclass(frozen=True)
class SkillClass:
    """A skill ready to be constructed: its class, where it came from, and validated settings."""

    id: str
    cls: type[Skill[Any]]
    origin: str
    settings: BaseModel


def _settings(skill_id: str, cls: type[Skill[Any]], raw: dict[str, Any]) -> BaseModel:
    model = cls.settings_model
    problems: list[str] = []
    if model.model_config.get("extra") != "allow":
        # A model that ignores extra keys would let a misspelt setting pass silently.
        known = set(model.model_fields) | {f.alias for f in model.model_fields.values() if f.alias}
        problems += [f"skills.{skill_id}.{key}: unknown setting" for key in raw if key not in known]
    try:
        settings = model.model_validate(raw)
    except ValidationError as error:
        for e in error.errors():
            where = f"skills.{skill_id}.{'.'.join(str(p) for p in e['loc'])}"
            if e["type"] == "extra_forbidden":
                if f"{where}: unknown setting" not in problems:
                    problems.append(f"{where}: unknown setting")
                continue
            msg = e["msg"][len("Value error, "):] if e["msg"].startswith("Value error, ") else e["msg"]
            problems.append(f"{where}: {msg}")
    if problems:
        raise SkillError(skill_id, f"invalid settings: {'; '.join(problems)}")
    return settings


def sentences_dir(cls: type[Skill[Any]]) -> Path | None:
    """A skill's sentence folder: ``sentences_dir``, else ``sentences/`` beside its module (if there is one)."""
    if cls.sentences_dir is not None:
        return Path(cls.sentences_dir)
    try:
        candidate = Path(inspect.getfile(cls)).parent / "sentences"
    except (TypeError, OSError):
        return None
    return candidate if settled("folder", candidate, candidate.is_dir) else None


def _check_sentences(skill_id: str, cls: type[Skill[Any]]) -> None:
    """Every template parses and every intent in a sentence file has a handler (hassil only checks on first use)."""
    handled: dict[str, str] = {}
    for name, spec in cls.handlers():
        if not isinstance(spec, IntentSpec):
            continue
        handled.setdefault(spec.name, name)
        for language, templates in spec.sentences.items():
            try:
                check_templates(templates, f"intent '{spec.name}' ({language}): ")
            except SentenceError as error:
                raise SkillError(skill_id, f"bad template: {error}", name) from None
    for path in sentence_files(sentences_dir(cls)).values():
        try:
            data = load_sentence_file(path)
        except SentenceError as error:
            raise SkillError(skill_id, str(error)) from None
        for intent_name in data.get("intents") or {}:
            if intent_name not in handled:
                known = ", ".join(sorted(handled)) or "none"
                raise SkillError(skill_id, f"{path}: intent '{intent_name}' has no @intent handler "
                                           f"(the skill handles: {known})")


_found: tuple[tuple, list[EntryPoint]] | None = None


def _entry_points() -> list[EntryPoint]:
    """The installed skills' entry points, by name; read again when a folder on ``sys.path`` changed (a package
    installed or removed), else reused: a worker discovers the skills for every home it starts."""
    global _found
    stamps = []
    for entry in sys.path:
        try:
            stamps.append((entry, os.stat(entry or ".").st_mtime_ns))
        except OSError:
            stamps.append((entry, 0))
    key = tuple(stamps)
    if _found is None or _found[0] != key:
        _found = (key, sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name))
    return list(_found[1])


_checked: dict[tuple[str, type, tuple], SkillError | None] = {}
"""What checking a skill class found, by (id, class, its sentence files' stamps): a worker discovers the skills
for every home it starts, and parsing every template again for each would cost ~80 ms a home."""


def _check_class(skill_id: str, cls: type[Skill[Any]]) -> None:
    stamps = tuple((str(path), stamp) for path, stamp in sentence_stamps(sentences_dir(cls)).values())
    key = (skill_id, cls, stamps)
    if key not in _checked:
        try:
            check_handlers(skill_id, cls)
            _check_sentences(skill_id, cls)
        except SkillError as error:
            _checked[key] = error
        else:
            _checked[key] = None
    found = _checked[key]
    if found is not None:
        raise found


def _prepare(skill_id: str, obj: Any, origin: str, config: Config) -> SkillClass:
    if not (inspect.isclass(obj) and issubclass(obj, Skill)):
        raise SkillError(skill_id, f"{origin} is not a Skill subclass")
    _check_class(skill_id, obj)
    raw = dict(config.skills.get(skill_id) or {})
    raw.pop("enabled", None)
    return SkillClass(skill_id, obj, origin, _settings(skill_id, obj, raw))


def _from_folder(folder: Path) -> Any:
    """Import a skill folder (a package or a ``skill.py``) and return its one Skill subclass."""
    init, single = folder / "__init__.py", folder / "skill.py"
    if not init.exists() and not single.exists():
        raise ImportError(f"{folder} has no __init__.py or skill.py")
    target = init if init.exists() else single
    module_name = f"carehub_local_skills.{folder.name.replace('-', '_')}"
    # A module of that name from an earlier load (another skills_dir, a reload) must not be reused,
    # nor its submodules, or the skill would run someone else's helpers.
    for name in [n for n in sys.modules if n == module_name or n.startswith(module_name + ".")]:
        del sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        module_name, target, submodule_search_locations=[str(folder)] if target is init else None)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {target}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    found = [obj for obj in vars(module).values()
             if inspect.isclass(obj) and issubclass(obj, Skill) and obj is not Skill
             and (obj.__module__ == module_name or obj.__module__.startswith(module_name + "."))]
    if len(found) != 1:
        raise ImportError(f"{target} must define exactly one Skill subclass, found {len(found)}")
    return found[0]


def discover(config: Config) -> tuple[list[SkillClass], list[SkillError]]:
    """Every skill that can be loaded, and an error for each that cannot."""
    loaded: list[SkillClass] = []
    errors: list[SkillError] = []
    seen: dict[str, str] = {}
    """Skill id → where it was found (loaded, failed or turned off)."""

    def enabled(skill_id: str) -> bool:
        return (config.skills.get(skill_id) or {}).get("enabled", True) is not False

    def claim(skill_id: str, origin: str) -> bool:
        """Whether a skill found at ``origin`` should be loaded; a second skill with the same id is an error."""
        if skill_id in seen:
            if seen[skill_id] == origin:  # the same distribution found twice on sys.path
                return False
            errors.append(SkillError(skill_id, f"{origin} is not loaded: a skill with this id is already "
                                               f"installed ({seen[skill_id]})"))
            return False
        seen[skill_id] = origin
        return enabled(skill_id)

    for ep in _entry_points():
        if not claim(ep.name, f"entry point {ep.value}"):
            continue
        try:
            loaded.append(_prepare(ep.name, ep.load(), f"entry point {ep.value}", config))
        except SkillError as error:
            errors.append(error)
        except Exception as error:  # noqa: BLE001 - any import failure isolates that skill only
            errors.append(SkillError(ep.name, f"cannot import {ep.value}: {type(error).__name__}: {error}"))

    if config.skills_dir:
        root = Path(config.skills_dir)
        root = root if root.is_absolute() else config.base_dir / root
        folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))) \
            if root.is_dir() else []
        if not root.is_dir():
            errors.append(SkillError("skills_dir", f"not a folder: {root}"))
        for folder in folders:
            skill_id = folder.name
            if not claim(skill_id, f"folder {folder}"):
                continue
            try:
                loaded.append(_prepare(skill_id, _from_folder(folder), f"folder {folder}", config))
            except SkillError as error:
                errors.append(error)
            except Exception as error:  # noqa: BLE001
                errors.append(SkillError(skill_id, f"cannot import {folder}: {type(error).__name__}: {error}"))

    for skill_id in config.skills:
        if skill_id not in seen:
            errors.append(SkillError(skill_id, "settings given in config.yaml, but no such skill is installed"))
    return loaded, errors
