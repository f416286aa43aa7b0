"""``carehub homeassistant assist-config``: what a family pastes into Home Assistant so its Assist reaches carehub's
care intents (docs/home-assistant.md, "Assist")."""

from __future__ import annotations

import click

from assistant.cli.common import load
from assistant.homeassistant.assist import PHRASES, SECRET, configuration_yaml, sentences_yaml


@click.group("homeassistant")
def homeassistant() -> None:
    """carehub and Home Assistant."""


@homeassistant.command("assist-config")
@click.option("--sentences", is_flag=True,
              help="print Home Assistant's custom_sentences/<language>/carehub.yaml instead of the configuration.yaml "
                   "part")
@click.option("--language", type=click.Choice(sorted(PHRASES)), default="en", show_default=True,
              help="the language of the sentences (--sentences)")
@click.option("--url", help="where Home Assistant reaches carehub's HTTP API (default: http.host and http.port)")
@click.pass_context
def assist_config(ctx: click.Context, sentences: bool, language: str, url: str | None) -> None:
    """Print the YAML that lets Home Assistant's Assist pass "I took my pills", "I fell", "remind me ..." to carehub.

    Two files: the part of configuration.yaml (a rest_command and an intent_script; the default) and, with
    --sentences, the custom sentences (English; Chinese with --language zh-CN). The token goes in Home
    Assistant's secrets.yaml.
    """
    config = load(ctx)
    if sentences:
        click.echo(sentences_yaml(language), nl=False)
        return
    if url is not None and not url.startswith(("http://", "https://")):
        raise click.BadParameter(f"not an http:// or https:// URL: {url!r}", param_hint="--url")
    click.echo(configuration_yaml(config, url), nl=False)
    person = config.people[0].id if config.people else "<person>"
    click.echo("\nnext: carehub homeassistant assist-config --sentences > <Home Assistant>/custom_sentences/en/"
               "carehub.yaml\n      (Chinese: --sentences --language zh-CN > <Home Assistant>/custom_sentences/"
               f"zh-cn/carehub.yaml)\n      and in secrets.yaml: {SECRET}: \"Bearer $(carehub tokens show member "
               f"{person})\"", err=True)


@homeassistant.command("entities")
@click.option("--area", "areas", multiple=True, help="a Home Assistant area, by name or id (repeat for more)")
@click.option("--label", "labels", multiple=True, help="a Home Assistant label, by name or id (repeat for more)")
@click.option("--person", help="whose sensors they are (sets person on the motion, door and occupancy sensors)")
@click.pass_context
def entities(ctx: click.Context, areas: tuple[str, ...], labels: tuple[str, ...], person: str | None) -> None:
    """Print the home_assistant.entities mapping for the entities in Home Assistant areas or with its labels.

    carehub reads Home Assistant's registries (home_assistant.url and its token from config.yaml) and maps
    each entity whose kind it can tell: motion, occupancy and presence sensors, doors and windows, lights,
    switches and fans, locks, climate devices and temperature or humidity sensors. Paste the output under
    home_assistant: in config.yaml and restart the hub.
    """
    import asyncio

    from assistant.homeassistant.areas import Chosen, choose, mapping_yaml, read_registries

    config = load(ctx)
    ha = config.home_assistant
    if not areas and not labels:
        raise click.UsageError("name at least one --area or --label")
    if ha.url is None:
        click.echo("home_assistant.url is not set in config.yaml: carehub does not know where Home Assistant is",
                   err=True)
        ctx.exit(2)
        return
    if person is not None and config.person(person) is None:
        click.echo(f"--person: no person with id '{person}' in config.yaml", err=True)
        ctx.exit(2)
    try:
        registries = asyncio.run(read_registries(ha.url, ha.read_token(config.base_dir)))
    except (ValueError, OSError, asyncio.TimeoutError) as error:  # aiohttp's errors are OSErrors
        click.echo(f"carehub: cannot read Home Assistant's registries at {ha.url}: {error}", err=True)
        ctx.exit(1)
        return
    taken = {d.id for d in config.devices}
    chosen = [c if c.entity_id not in ha.entities else
              Chosen(c.entity_id, None, f"mapped already, as {ha.entities[c.entity_id].id}")
              for c in choose(registries, areas, labels, taken)]
    mapped = [c for c in chosen if c.mapping is not None]
    if not chosen:
        click.echo(f"no entities in Home Assistant with area {', '.join(areas) or '-'} or label "
                   f"{', '.join(labels) or '-'}", err=True)
        ctx.exit(1)
        return
    if mapped:
        click.echo(mapping_yaml(chosen, person), nl=False)
    for skipped in (c for c in chosen if c.mapping is None):
        click.echo(f"left out {skipped.entity_id}: {skipped.reason}", err=True)
    click.echo(f"{len(mapped)} of {len(chosen)} entities mapped; paste them under home_assistant: in config.yaml",
               err=True)


COMMANDS = (homeassistant,)
