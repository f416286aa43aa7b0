"""``carehub caregivers``: add a caregiver to config.yaml, give them a one-time sign-in link for the caregiver
app, sign them out, list who can be told (docs/caregiver-app.md)."""

from __future__ import annotations

import sqlite3
import re
import unicodedata
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import click
import yaml

from assistant.alerts.reach import reach_warnings
from assistant.app_web.sessions import CHECK_SIGN_OUTS_EVERY, LINK_LIFETIME
from assistant.app_web.store import AppStore
from assistant.config_edit import with_list_item
from assistant.cli.common import load
from assistant.config import Config, find_config_path, parse_config
from assistant.errors import ConfigError


def caregiver_id(name: str, taken: set[str]) -> str:
    """An id for config.yaml from a name: ``Anna Li`` → ``anna-li`` (``caregiver`` for names with no Latin
    letters, numbered when taken)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:48] or "caregiver"
    found, n = base, 2
    while found in taken:
        found, n = f"{base}-{n}", n + 1
    return found


def with_caregiver(text: str, caregiver: dict[str, Any]) -> str:
    """``text`` with ``caregiver`` as the last entry of its ``caregivers:`` list, every other line kept.

    An empty ``caregivers: []`` becomes a block list; ValueError for a list this cannot extend safely.
    """
    return with_list_item(text, "caregivers", caregiver, what="caregiver")


def sign_in_link(config: Config, holder: str, hours: float, role: str = "caregiver") -> tuple[str, datetime]:
    """A fresh one-time sign-in link for ``holder`` (a caregiver, or a household member) and when it stops
    working."""
    now = datetime.now(timezone.utc)
    expires = now + timedelta(hours=hours)
    store = AppStore(config.database_path)
    try:
        code = store.new_link(role, holder, now, expires)
    finally:
        store.close()
    return f"{config.alerts.public_url.rstrip('/')}/app/sign-in/{code}", expires


def qr_code(text: str) -> str:
    """``text`` as a QR code drawn with block characters, for a phone's camera to read off the terminal."""
    import io

    import segno

    out = io.StringIO()
    segno.make(text, error="m").terminal(out=out, compact=True)
    return out.getvalue()


def _print_link(config: Config, holder: str, hours: float, qr: bool = False, role: str = "caregiver") -> None:
    link, expires = sign_in_link(config, holder, hours, role)
    click.echo(f"one-time sign-in link for {holder} (works once, until "
               f"{expires.strftime('%Y-%m-%d %H:%M')} UTC); open it on their phone:")
    click.echo(f"  {link}")
    if qr:
        click.echo("or point the phone's camera at this code:")
        click.echo(qr_code(link), nl=False)
    if "127.0.0.1" in link or "localhost" in link:
        click.echo("  (alerts.public_url is this machine only: set it to the address phones reach the hub at)")


@click.group()
def caregivers() -> None:
    """Caregivers and their sign-in to the caregiver app."""


HOURS = click.option("--hours", type=click.FloatRange(0.1, 24 * 30), default=LINK_LIFETIME.total_seconds() / 3600,
                     show_default=True, help="how long the sign-in link works (once)")
QR = click.option("--qr", is_flag=True, help="also draw the link as a QR code for the phone's camera")


@caregivers.command("add")
@click.argument("name")
@click.option("--for", "people", multiple=True, required=True, help="a person they look after (repeat for more)")
@click.option("--lang", "language", default="en", show_default=True, help="the app's and alerts' language (en, zh-CN)")
@click.option("--id", "wanted_id", help="their id in config.yaml (default: made from the name)")
@click.option("--tier", type=click.IntRange(1, 9), default=1, show_default=True, help="1 is told first")
@HOURS
@QR
@click.pass_context
def caregivers_add(ctx: click.Context, name: str, people: tuple[str, ...], language: str, wanted_id: str | None,
                   tier: int, hours: float, qr: bool) -> None:
    """Add a caregiver to config.yaml and print a one-time link that signs their phone in to the app."""
    config = load(ctx)
    path = find_config_path((ctx.obj or {}).get("config"))
    if path is None or not Path(path).is_file():
        click.echo("no config.yaml to add the caregiver to: copy the shipped config.yaml here, or give --config",
                   err=True)
        ctx.exit(2)
        return
    if language not in ("en", "zh-CN"):
        click.echo(f"--lang: en or zh-CN, not {language!r}", err=True)
        ctx.exit(2)
    for person in people:
        if config.person(person) is None:
            known = ", ".join(p.id for p in config.people) or "none"
            click.echo(f"--for: no person with id '{person}' in {path} (people: {known})", err=True)
            ctx.exit(2)
    taken = {c.id for c in config.caregivers}
    new_id = wanted_id or caregiver_id(name, taken)
    if new_id in taken:
        click.echo(f"--id: a caregiver '{new_id}' is in {path} already (a new sign-in link: carehub caregivers "
                   f"link {new_id})", err=True)
        ctx.exit(2)
    entry = {"id": new_id, "name": name, "language": language, "people": list(people), "tier": tier}
    text = Path(path).read_text(encoding="utf-8")
    try:
        edited = with_caregiver(text, entry)
        parse_config(yaml.safe_load(edited), str(path), Path(path).resolve().parent)
    except ValueError as problem:
        click.echo(str(problem), err=True)
        ctx.exit(2)
        return
    except ConfigError as error:
        click.echo(f"the caregiver would make {path} invalid:", err=True)
        for line in error.problems:
            click.echo(f"  {line}", err=True)
        ctx.exit(2)
        return
    Path(path).write_text(edited, encoding="utf-8")
    click.echo(f"added caregiver {new_id} ({name}) for {', '.join(people)} to {path}; restart the hub if it runs")
    _print_link(config, new_id, hours, qr)


@caregivers.command("link")
@click.argument("caregiver")
@HOURS
@QR
@click.pass_context
def caregivers_link(ctx: click.Context, caregiver: str, hours: float, qr: bool) -> None:
    """Print a new one-time sign-in link for a caregiver's phone."""
    config = load(ctx)
    if config.caregiver(caregiver) is None:
        click.echo(f"no caregiver with id '{caregiver}' in the configuration", err=True)
        ctx.exit(2)
    _print_link(config, caregiver, hours, qr)


@caregivers.command("sign-out")
@click.argument("caregiver")
@click.pass_context
def caregivers_sign_out(ctx: click.Context, caregiver: str) -> None:
    """Sign a caregiver out of the app on every phone (a lost phone); a running hub notices within seconds."""
    _sign_out(load(ctx), "caregiver", caregiver)


def _sign_out(config: Config, role: str, holder: str) -> None:
    store = AppStore(config.database_path)
    try:
        ended = store.end_sessions_of(role, holder)
    finally:
        store.close()
    click.echo(f"ended {ended} session(s) of {holder}; a running hub lets go of them within "
               f"{CHECK_SIGN_OUTS_EVERY:g} seconds")


@click.group()
def members() -> None:
    """Household members' sign-in to the app: each sees their own page (how they are doing, their alerts)."""


@members.command("link")
@click.argument("person")
@HOURS
@QR
@click.pass_context
def members_link(ctx: click.Context, person: str, hours: float, qr: bool) -> None:
    """Print a one-time link that signs a household member's phone or tablet in to their own page."""
    config = load(ctx)
    if config.person(person) is None:
        known = ", ".join(p.id for p in config.people) or "none"
        click.echo(f"no person with id '{person}' in the configuration (people: {known})", err=True)
        ctx.exit(2)
    _print_link(config, person, hours, qr, role="member")


@members.command("sign-out")
@click.argument("person")
@click.pass_context
def members_sign_out(ctx: click.Context, person: str) -> None:
    """Sign a household member out of the app everywhere."""
    _sign_out(load(ctx), "member", person)


@caregivers.command("list")
@click.pass_context
def caregivers_list(ctx: click.Context) -> None:
    """Caregivers, whom they look after, their channels, and whether their app is signed in."""
    config = load(ctx)
    signed_in = signed_in_caregivers(config)
    for c in config.caregivers:
        app = "app signed in" if c.id in signed_in else "app not signed in"
        click.echo(f"{c.id} ({c.name or c.id}, {c.language}, tier {c.tier}): looks after {', '.join(c.people) or '-'};"
                   f" {len(c.channels)} push channel(s); {app}")
    for warning in reach_warnings(config, signed_in):
        click.echo(f"warning: {warning}", err=True)


def signed_in_caregivers(config: Config) -> set[str]:
    """Caregivers with a live app session, read from the database (none when the hub never ran)."""
    if not config.database_path.is_file():
        return set()
    try:
        store = AppStore(config.database_path)
    except sqlite3.Error:
        return set()  # a damaged or locked database: the hub's start says what is wrong with it, and how to fix it
    try:
        return {holder for role, holder in store.signed_in(datetime.now(timezone.utc)) if role == "caregiver"}
    except sqlite3.Error:
        return set()
    finally:
        store.close()


COMMANDS = (caregivers, members)
