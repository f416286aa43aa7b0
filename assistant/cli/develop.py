"""``carehub skill new NAME``: scaffold a skill package that installs and passes its tests as generated."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

import click

from assistant.scaffold import InvalidSkillName, PackageExists, next_steps, scaffold, skill_names
from assistant.skill_loader import ENTRY_POINT_GROUP


@click.group()
def skill() -> None:
    """Write new skills (see docs/skills.md)."""


@skill.command("new")
@click.argument("name")
@click.option("--dir", "dest", type=click.Path(file_okay=False, path_type=Path), default=".", show_default=True,
              help="folder to create the package folder in")
@click.option("--force", is_flag=True, help="rewrite the generated files if the package folder exists")
def skill_new(name: str, dest: Path, force: bool) -> None:
    """Write a new skill package, carehub-skill-NAME/.

    The package installs with pip and its tests pass as generated; make it your own. NAME is the
    skill id: lower-case letters and digits, starting with a letter, words joined by '_' or '-'
    (e.g. water_reminder).
    """
    try:
        names = skill_names(name)
        written = scaffold(name, dest, force=force)
    except InvalidSkillName as error:
        raise click.BadParameter(str(error), param_hint="NAME") from None
    except PackageExists as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"cannot write the package: {error}") from None
    target = dest / names.distribution
    click.echo(f"wrote {target}/")
    for path in written:
        click.echo(f"  {path.relative_to(target)}")
    ours = f"{names.package}:{names.class_name}"
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == names.skill_id and ep.value != ours:
            click.echo(f"note: skill id '{ep.name}' is taken by an installed skill ({ep.value}); "
                       "the hub loads only one of them", err=True)
    click.echo("next:")
    for step in next_steps(names, target):
        click.echo(f"  {step}")


COMMANDS = (skill,)
