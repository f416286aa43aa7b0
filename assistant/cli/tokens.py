"""``carehub tokens``: make a new token for config.yaml, and show the credentials derived from the hub's secret."""

from __future__ import annotations

import click

from assistant.access import admin_credential, member_credential
from assistant.alerts.store import AlertStore
from assistant.alerts.tokens import CaregiverTokens
from assistant.cli.common import load
from assistant.config import Config
from assistant.credentials import HASH_PREFIX, device_credential, new_token, token_hash


def hub_secret(config: Config) -> str:
    """The hub's secret, made on first use and kept in its database (so a credential printed before
    the hub's first run is the one it will accept)."""
    store = AlertStore(config.database_path, home=config.home.id)
    try:
        return store.secret()
    finally:
        store.close()


def local_admin_token(config: Config) -> str:
    """The credential the command line uses to talk to the running hub (the admin ``hub``)."""
    return admin_credential(hub_secret(config))


@click.group()
def tokens() -> None:
    """Tokens for the HTTP API (docs/security/http.md)."""


@tokens.command("new")
def tokens_new() -> None:
    """A fresh random token, and the sha256 form to keep in config.yaml instead of the token itself."""
    token = new_token()
    click.echo(token)
    click.echo(f"in config.yaml, either the token or: token: \"{token_hash(token)}\"")


@tokens.command("show")
@click.argument("role", type=click.Choice(["admin", "member", "device", "caregiver"]))
@click.argument("holder_id", default="hub")
@click.pass_context
def tokens_show(ctx: click.Context, role: str, holder_id: str) -> None:
    """The credential of an admin (``hub`` is the command line's own), a household member (a person id),
    a device or a caregiver."""
    config = load(ctx)
    configured: str | None = None
    if role == "member":
        person = config.person(holder_id)
        if person is None:
            click.echo(f"no person with id '{holder_id}' in the configuration", err=True)
            ctx.exit(2)
        configured = person.token if person else None
    elif role == "device" and config.device(holder_id) is None:
        click.echo(f"no device with id '{holder_id}' in the configuration", err=True)
        ctx.exit(2)
    elif role == "caregiver" and config.caregiver(holder_id) is None:
        click.echo(f"no caregiver with id '{holder_id}' in the configuration", err=True)
        ctx.exit(2)
    elif role == "admin" and holder_id != "hub":
        admin = next((a for a in config.http.admins if a.id == holder_id), None)
        if admin is None:
            click.echo(f"no admin with id '{holder_id}' in http.admins", err=True)
            ctx.exit(2)
        configured = admin.token if admin else None
    if configured:
        what = "its hash" if configured.startswith(HASH_PREFIX) else "it"
        click.echo(f"{role} {holder_id} has a token set in config.yaml ({what} is there)")
        return
    secret = hub_secret(config)
    derived = {"admin": lambda: admin_credential(secret, holder_id),
               "member": lambda: member_credential(secret, holder_id),
               "device": lambda: device_credential(secret, holder_id),
               "caregiver": lambda: CaregiverTokens(config, secret).token_for(holder_id)}[role]()
    click.echo(derived)


COMMANDS = (tokens,)
