"""Finding skills: the ``carehub.skills`` entry-point group and, for development, a ``skills_dir``.

A skill that fails to import or validate is reported as a ``SkillError`` naming it and the cause;
the others load regardless.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from assistant.config import Config
from assistant.errors import SkillError
from assistant.skill_api import Skill, check_handlers

ENTRY_POINT_GROUP = "carehub.skills"


@dataclass(frozen=True)
class SkillClass:
    """A skill ready to be constructed: its class, where it came from, and validated settings."""

    id: str
    cls: type[Skill[Any]]
    origin: str
    settings: BaseModel


def _settings(skill_id: str, cls: type[Skill[Any]], raw: dict[str, Any]) -> BaseModel:
    try:
        return cls.settings_model.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(
            f"skills.{skill_id}.{'.'.join(str(p) for p in e['loc'])}: "
            + ("unknown setting" if e["type"] == "extra_forbidden" else e["msg"])
            for e in error.errors()
        )
        raise SkillError(skill_id, f"invalid settings: {problems}") from None


def _prepare(skill_id: str, obj: Any, origin: str, config: Config) -> SkillClass:
    if not (inspect.isclass(obj) and issubclass(obj, Skill)):
        raise SkillError(skill_id, f"{origin} is not a Skill subclass")
    check_handlers(skill_id, obj)
    raw = dict(config.skills.get(skill_id) or {})
    raw.pop("enabled", None)
    return SkillClass(skill_id, obj, origin, _settings(skill_id, obj, raw))


def _from_folder(folder: Path) -> Any:
    """Import a skill folder (a package or a ``skill.py``) and return its one Skill subclass."""
    init, single = folder / "__init__.py", folder / "skill.py"
    target = init if init.exists() else single
    module_name = f"carehub_local_skills.{folder.name.replace('-', '_')}"
    spec = importlib.util.spec_from_file_location(
        module_name, target, submodule_search_locations=[str(folder)] if target is init else None)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {target}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    found = [obj for obj in vars(module).values()
             if inspect.isclass(obj) and issubclass(obj, Skill) and obj is not Skill
             and obj.__module__.startswith(module_name)]
    if len(found) != 1:
        raise ImportError(f"{target} must define exactly one Skill subclass, found {len(found)}")
    return found[0]


def discover(config: Config) -> tuple[list[SkillClass], list[SkillError]]:
    """Every skill that can be loaded, and an error for each that cannot."""
    loaded: list[SkillClass] = []
    errors: list[SkillError] = []
    seen: set[str] = set()

    def enabled(skill_id: str) -> bool:
        return (config.skills.get(skill_id) or {}).get("enabled", True) is not False

    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        if ep.name in seen or not enabled(ep.name):
            continue
        seen.add(ep.name)
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
            if skill_id in seen or not enabled(skill_id):
                continue
            seen.add(skill_id)
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
