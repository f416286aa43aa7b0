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


COMMANDS = (homeassistant,)
