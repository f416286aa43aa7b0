"""``carehub skill new``: write a complete, installable skill package whose tests pass as generated.

The files come from ``assistant/templates/skill/`` (``string.Template`` placeholders such as ``$package``).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from string import Template

from assistant.errors import CarehubError

_NAME = re.compile(r"[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*")
_TEMPLATES = "templates/skill"
# Template path → path in the generated package; "package" is replaced by the Python package name.
_FILES = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "package/__init__.py.tmpl": "package/__init__.py",
    "package/sentences/en.yaml.tmpl": "package/sentences/en.yaml",
    "package/sentences/zh-CN.yaml.tmpl": "package/sentences/zh-CN.yaml",
    "tests/test_skill.py.tmpl": "tests/test_skill.py",
    "tests/test_sentences_en.py.tmpl": "tests/test_sentences_en.py",
    "tests/test_sentences_zh_CN.py.tmpl": "tests/test_sentences_zh_CN.py",
}


class InvalidSkillName(CarehubError):
    """``name`` cannot be a skill name; ``reason`` says why."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__(f"{name!r} is not a valid skill name: {reason}")


class PackageExists(CarehubError):
    """The package folder ``path`` exists already and overwriting was not asked for."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"{path} already exists (pass --force to overwrite the generated files in it)")


@dataclass(frozen=True)
class SkillNames:
    """Every name the generated package uses, derived from the one the user gave."""

    name: str
    """As given: ``hello_world`` or ``hello-world``."""
    skill_id: str
    """The entry-point name and config.yaml key: ``hello_world``."""
    distribution: str
    """The pip package and its folder: ``carehub-skill-hello-world``."""
    package: str
    """The Python package: ``carehub_skill_hello_world``."""
    class_name: str
    """The skill class: ``HelloWorld``."""
    intent: str
    """The example intent: ``HelloWorldGreet``; never one of Home Assistant's ``Hass...`` names."""
    title: str
    """For people: ``Hello world``."""


def skill_names(name: str) -> SkillNames:
    """The names for skill ``name``, or InvalidSkillName."""
    if not _NAME.fullmatch(name):
        raise InvalidSkillName(name, "use lower-case letters and digits, starting with a letter, with words "
                                     "joined by a single '_' or '-' (e.g. water_reminder)")
    words = re.split(r"[_-]", name)
    class_name = "".join(word.capitalize() for word in words)
    if class_name.startswith("Hass"):
        # The recognizer pulls Home Assistant's grammar for any claimed intent name it defines.
        raise InvalidSkillName(name, "names starting with 'hass' would collide with Home Assistant's intent names")
    skill_id = "_".join(words)
    return SkillNames(
        name=name, skill_id=skill_id, distribution="carehub-skill-" + "-".join(words),
        package="carehub_skill_" + skill_id, class_name=class_name, intent=class_name + "Greet",
        title=" ".join(words).capitalize(),
    )


def render(names: SkillNames) -> dict[str, str]:
    """Relative path → text of every file of the package; pure apart from reading the templates."""
    values = {key: getattr(names, key) for key in SkillNames.__dataclass_fields__}
    out: dict[str, str] = {}
    for template, target in _FILES.items():
        source = files("assistant")
        for part in f"{_TEMPLATES}/{template}".split("/"):
            source = source.joinpath(part)
        text = source.read_text(encoding="utf-8")
        path = target.replace("package/", names.package + "/", 1)
        out[path] = Template(text).substitute(values)
    return out


def next_steps(names: SkillNames, target: Path) -> list[str]:
    """The shell commands that install the package written to ``target``, run its tests and list the skill.

    The install takes the package's ``test`` extra: pytest and pytest-asyncio, which carehub itself does
    not install. ``python -m`` keeps pip and pytest on the same interpreter.
    """
    return [
        f"cd {shlex.quote(str(target))}",
        "python -m pip install -e '.[test]'   # the skill, and pytest to run its tests",
        "python -m pytest -q                  # the generated tests pass",
        f"carehub skills                       # ... and the hub lists {names.skill_id}",
    ]


def scaffold(name: str, dest: Path, *, force: bool = False) -> list[Path]:
    """Write the package for skill ``name`` into ``dest/carehub-skill-<name>/``; returns the files written.

    An existing package folder is refused (PackageExists) unless ``force``, which rewrites the generated
    files and leaves any others in the folder alone.
    """
    names = skill_names(name)
    target = Path(dest) / names.distribution
    if target.exists() and not force:
        raise PackageExists(target)
    written = []
    for relative, text in render(names).items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
