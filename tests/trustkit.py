"""Helpers for the MQTT trust tests: a hub's home behind a broker that checks logins, clients that log in
as a device (or as no one), and a self-signed certificate."""

from __future__ import annotations

import datetime
import ipaddress
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiomqtt
import pytest

from assistant.alerts.store import AlertStore
from assistant.config import Config
from assistant.mosquitto_files import write_files
from assistant.mqtt_trust import MqttTrust, trust_for
from tests.conftest import free_port, wait_for_port
from tests.hubkit import HOUSEHOLD, hub_config

DEVICES = [*HOUSEHOLD["devices"],
           {"id": "panic-button", "kind": "button", "person": "grandma"},
           {"id": "kitchen-speaker", "kind": "speaker", "room": "kitchen", "person": "grandma"}]
HOME = "carehub/flat1"


@dataclass
class SecuredHome:
    """A home's config and logins, and the broker that will check them (the hub's own when ``amqtt``)."""

    kind: str
    config: Config
    trust: MqttTrust
    port: int
    folder: Path

    def client(self, user: str | None = None, *, client_id: str | None = None, clean: bool = True,
               password: str | None = None, **options: Any) -> aiomqtt.Client:
        """A client logged in as ``user`` (a device id, ``hub``) with its real password unless one is given."""
        login = self.trust.login_for(user) if user else None
        return aiomqtt.Client("127.0.0.1", self.port, identifier=f"test-{uuid.uuid4().hex[:8]}" if client_id is None else client_id,
                              username=user, password=password or (login.password if login else None),
                              clean_session=clean, **options)


def secret_of(config: Config) -> str:
    store = AlertStore(config.database_path, home=config.home.id)
    try:
        return store.secret()
    finally:
        store.close()


def start_secured_mosquitto(folder: Path, trust: MqttTrust, port: int, *, certfile: str | None = None,
                            keyfile: str | None = None) -> subprocess.Popen:
    """Mosquitto with exactly the files ``carehub broker mosquitto-config`` writes, plus test settings."""
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    if not Path(binary).exists():
        pytest.skip("mosquitto is not installed (apt-get install mosquitto)")
    written = write_files(trust, folder, port, certfile=certfile, keyfile=keyfile, bind="127.0.0.1")
    conf = folder / "mosquitto.conf"
    # As root, Mosquitto would drop to the mosquitto user, who cannot read a test's private folder.
    as_root = "user root\n" if os.geteuid() == 0 else ""
    conf.write_text(written[2].read_text(encoding="utf-8") + "persistence false\nmax_queued_messages 100000\n"
                    "persistent_client_expiration 1h\n" + as_root, encoding="utf-8")
    proc = subprocess.Popen([binary, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port)
    return proc


def stop_process(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()


def secured_config(tmp_path: Path, kind: str, port: int, **overrides: Any) -> Config:
    return hub_config(tmp_path, port, embedded=kind == "amqtt", devices=DEVICES, **overrides)


@contextmanager
def secured_home(kind: str, tmp_path: Path) -> Iterator[SecuredHome]:
    """The home on the hub's embedded broker (started with the hub) or on a Mosquitto set up by carehub."""
    port = free_port()
    config = secured_config(tmp_path, kind, port)
    trust = trust_for(config, secret_of(config))
    proc = start_secured_mosquitto(tmp_path / "mosquitto", trust, port) if kind == "mosquitto" else None
    try:
        yield SecuredHome(kind, config, trust, port, tmp_path)
    finally:
        if proc is not None:
            stop_process(proc)


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key, as PEM files (the certificate is its own CA)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "carehub test broker")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    certfile, keyfile = folder / "broker.crt", folder / "broker.key"
    certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return certfile, keyfile
