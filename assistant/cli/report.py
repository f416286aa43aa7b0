"""``carehub report PERSON``: a person's daily caregiver report as one HTML page."""

from __future__ import annotations

from pathlib import Path

import click

from assistant.cli.common import load


@click.command()
@click.argument("person")
@click.option("--date", "day_text", metavar="YYYY-MM-DD", help="the day (default: today in the home's time zone)")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              help="HTML file to write (default: ./report-PERSON-DATE.html)")
@click.option("--lang", "language", default="en", show_default=True, metavar="LANGUAGE",
              help="the report's language: en, or zh-CN for Simplified Chinese")
@click.option("--png", "write_png", is_flag=True, help="also write each chart as a PNG file next to the page")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="config.yaml to use (same as 'carehub --config')")
@click.pass_context
def report(ctx: click.Context, person: str, day_text: str | None, out_path: Path | None, language: str,
           write_png: bool, config_path: str | None) -> None:
    """Write PERSON's daily caregiver report as one HTML page: activity, vital signs, medication, alerts.

    Reads the event log without changing it; works while the hub is running.
    """
    from assistant.report import NoEventLog, collect, parse_day, render_html, today_at_home
    from assistant.skill_loader import discover

    if language.split("-")[0].lower() not in ("en", "zh"):
        raise click.BadParameter(f"{language!r}: the report is written in English (en) or Simplified Chinese "
                                 "(zh-CN)", param_hint="--lang")
    config = load(ctx, config_path)
    if config.person(person) is None:
        known = ", ".join(f"{p.id} ({p.name})" for p in config.people) or "none configured"
        click.echo(f"carehub: no person with id '{person}' in the configuration (known: {known})", err=True)
        ctx.exit(2)
    if day_text is None:
        day = today_at_home(config)
    else:
        try:
            day = parse_day(day_text)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--date") from None
    out_path = out_path or Path(f"report-{person}-{day.isoformat()}.html")
    skills, _ = discover(config)  # a skill that cannot load adds no section ('carehub check' says why)
    try:
        daily = collect(config, person, day, skills=skills)
    except NoEventLog as error:
        click.echo(f"carehub: {error}", err=True)
        ctx.exit(1)
    try:
        written = render_html(daily, out_path, write_png=write_png, language=language)
    except OSError as error:
        raise click.ClickException(f"cannot write {out_path}: {error.strerror or error}") from None
    for path in written:
        click.echo(str(path))


COMMANDS = (report,)
