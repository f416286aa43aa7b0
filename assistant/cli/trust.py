"""``carehub devices add`` / ``credentials`` and ``carehub broker mosquitto-config``: the MQTT logins of the
hub and its devices, derived from the hub's secret (docs/security/mqtt.md)."""

from __future__ import annotations

from pathlib import Path

import click
import yaml

from assistant.alerts.store import AlertStore
from assistant.cli.common import console, load
from assistant.config import DEVICE_KINDS, Config, find_config_path, parse_config
from assistant.config_edit import with_device
from assistant.errors import ConfigError
from assistant.mosquitto_files import write_files
from assistant.mqtt_trust import HOME_ASSISTANT_USER, ZIGBEE2MQTT_USER, MqttTrust, trust_for


def mqtt_trust(config: Config) -> MqttTrust:
    """The home's logins. The secret is made on first use and kept in the database, so a credential
    printed before the hub's first run is the one the hub will accept."""
    store = AlertStore(config.database_path, home=config.home.id)
    try:
        return trust_for(config, store.secret())
    finally:
        store.close()


def device_passwords(config: Config, only_if_stored: bool = False) -> dict[str, str]:
    """Every configured device's MQTT password by id; empty with ``mqtt.auth: false`` (or, with
    ``only_if_stored``, before the hub has a database)."""
    if not config.mqtt.auth or (only_if_stored and not config.database_path.exists()):
        return {}
    trust = mqtt_trust(config)
    return {device.id: trust.login_for(device.id).password for device in config.devices}  # type: ignore[union-attr]


@click.command("credentials")
@click.argument("device_id")
@click.pass_context
def devices_credentials(ctx: click.Context, device_id: str) -> None:
    """Print the MQTT login of a device (or of `zigbee2mqtt`, the bridge, or `homeassistant`) to put in its
    firmware (or in Home Assistant's MQTT integration)."""
    config = load(ctx)
    if device_id == HOME_ASSISTANT_USER and not config.home_assistant.enabled:
        click.echo("Home Assistant has no login while home_assistant.enabled is false in the configuration", err=True)
        ctx.exit(2)
        return
    if config.device(device_id) is None and device_id not in (ZIGBEE2MQTT_USER, HOME_ASSISTANT_USER):
        click.echo(f"no device with id '{device_id}' in the configuration (add it under devices: first)", err=True)
        ctx.exit(2)
        return
    login = mqtt_trust(config).login_for(device_id)
    assert login is not None
    mqtt = config.mqtt
    click.echo(f"broker:    {mqtt.host}:{mqtt.port}{' (TLS)' if mqtt.tls else ''}")
    click.echo(f"user:      {login.username}")
    click.echo(f"password:  {login.password}")
    if device_id == HOME_ASSISTANT_USER:
        click.echo(f"discovery: {config.home_assistant.discovery_prefix} (Home Assistant's MQTT integration: "
                   "Settings > Devices & services > Add integration > MQTT)")
    elif device_id != ZIGBEE2MQTT_USER:
        click.echo(f"topics:    {mqtt.topic_prefix}/{config.home.id}/{device_id}/...")
    if not mqtt.auth:
        click.echo("note: mqtt.auth is false, so the embedded broker lets anyone in", err=True)


@click.command("add")
@click.argument("device_id")
@click.option("--kind", required=True, type=click.Choice(DEVICE_KINDS), help="what the device is")
@click.option("--person", help="id of the person who wears or owns it")
@click.option("--room", help="the room it is in")
@click.option("--name", help="its spoken name, e.g. 'hall light'")
@click.pass_context
def devices_add(ctx: click.Context, device_id: str, kind: str, person: str | None, room: str | None,
                name: str | None) -> None:
    """Add a device to config.yaml and print its MQTT login (restart the hub to let it in)."""
    path = find_config_path((ctx.obj or {}).get("config"))
    if path is None or not path.exists():
        click.echo("no config.yaml to add to (give --config PATH)", err=True)
        ctx.exit(2)
        return
    load(ctx, str(path))  # the file as it is must be valid first
    device = {k: v for k, v in {"id": device_id, "kind": kind, "person": person, "room": room,
                                "name": name}.items() if v is not None}
    text = path.read_text(encoding="utf-8")
    try:
        changed = with_device(text, device)
    except ValueError as error:
        click.echo(str(error), err=True)
        ctx.exit(2)
        return
    try:
        config = parse_config(yaml.safe_load(changed), str(path), path.resolve().parent)
    except ConfigError as error:
        click.echo(f"not added: {error}", err=True)
        ctx.exit(2)
        return
    path.write_text(changed, encoding="utf-8")
    click.echo(f"added {device_id} to {path}")
    ctx.obj = {**(ctx.obj or {}), "config": str(path)}
    if config.mqtt.auth:
        ctx.invoke(devices_credentials, device_id=device_id)


@click.group()
def broker() -> None:
    """The MQTT broker: files for running Mosquitto with carehub's logins and ACL."""


@broker.command("mosquitto-config")
@click.option("--out", "folder", type=click.Path(file_okay=False, path_type=Path), default=Path("mosquitto"),
              show_default=True, help="folder to write carehub.passwd, carehub.acl and carehub.conf to")
@click.option("--port", type=click.IntRange(1, 65535), help="listener port (default: mqtt.port)")
@click.option("--certfile", help="TLS certificate chain for the listener (PEM)")
@click.option("--keyfile", help="TLS private key for the listener (PEM)")
@click.pass_context
def mosquitto_config(ctx: click.Context, folder: Path, port: int | None, certfile: str | None,
                     keyfile: str | None) -> None:
    """Write Mosquitto's password file, ACL file and a conf.d snippet for this home.

    Run it again after adding a device, then reload Mosquitto (`systemctl reload mosquitto`).
    """
    if (certfile is None) != (keyfile is None):
        raise click.UsageError("--certfile and --keyfile go together")
    config = load(ctx)
    written = write_files(mqtt_trust(config), folder, port or config.mqtt.port, certfile=certfile, keyfile=keyfile)
    for path in written:
        console.print(f"wrote {path}")
    console.print(f"include it: sudo cp {folder / 'carehub.conf'} /etc/mosquitto/conf.d/ (docs/security/mqtt.md)")


COMMANDS = (broker,)
