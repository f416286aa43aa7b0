"""The ``carehub`` command line: one module per command group, registered on ``main`` here.

``hub`` runs and checks the hub and talks to a running one; ``log`` reads the event log and the
devices; ``alerts`` and ``report`` are for caregivers; ``demo`` shows a simulated household;
``listen`` hears a WAV file; ``develop`` scaffolds skills; ``tokens`` makes and shows HTTP credentials;
``trust`` writes the broker's logins and ACL; ``caregivers`` adds caregivers and signs their phones in to the app;
``homeassistant`` prints what Home Assistant's Assist needs to reach carehub; ``worker`` runs a share of an
operator's many homes and ``operator`` shows them.
"""

from __future__ import annotations

import click

from assistant import __version__
from assistant.cli.common import parse_since


@click.group()
@click.version_option(__version__, prog_name="carehub")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="CAREHUB_CONFIG",
              help="config.yaml to use (default: $CAREHUB_CONFIG, ./config.yaml, built-in defaults)")
@click.option("--debug", is_flag=True, envvar="CAREHUB_DEBUG",
              help="with an error that stops a command, print its traceback too")
@click.option("--database", "database_path", type=click.Path(dir_okay=False), envvar="CAREHUB_DATABASE",
              help="event log to use instead of the configured storage.database (e.g. the demo's data/demo.db)")
@click.pass_context
def main(ctx: click.Context, config_path: str | None, debug: bool, database_path: str | None) -> None:
    """carehub: a local-first home hub for families who look after someone."""
    ctx.ensure_object(dict)
    ctx.obj["config"] = config_path
    ctx.obj["debug"] = debug
    ctx.obj["database"] = database_path


def _register() -> None:
    from assistant.cli import (
        alerts, caregivers, demo, develop, homeassistant, hub, listen, log, operator, report, tokens, trust,
    )

    for module in (hub, log, demo, develop, alerts, caregivers, report, listen, tokens, trust, homeassistant,
                   operator):
        for command in module.COMMANDS:
            main.add_command(command)


_register()

__all__ = ["main", "parse_since"]
