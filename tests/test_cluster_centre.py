"""The care centre: staff see every home's open alerts and acknowledge or resolve them; the command travels as a
signed message on the home's topic to the worker holding it (a real partition on a real Mosquitto), which
records it in the home's own log; a forged command changes nothing."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import yaml
from aiohttp.test_utils import TestClient, TestServer

from assistant.cluster import centre
from assistant.cluster.centre_web import Centre, load_staff
from assistant.cluster.homes import HomeDirectory
from assistant.cluster.partition import Partition
from assistant.cluster.overview import Overview
from assistant.config import MqttConfig
from assistant.errors import ConfigError
from assistant.mqtt import MqttLink
from tests.hubkit import publish, wait_for_rows
from tests.test_alerts import Receiver, receiver, until  # noqa: F401 - receiver is a fixture
from tests.test_cluster_partition import home_file, motion, partition, sos

pytestmark = pytest.mark.mosquitto

TOKEN = "desk-token-" + "x" * 32


def alert_row(path: Path, alert_id: str) -> dict:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return dict(conn.execute("SELECT * FROM alerts WHERE id = ?", [alert_id]).fetchone())
    finally:
        conn.close()


def test_a_command_is_refused_unless_well_formed_and_signed_for_the_home():
    good = centre.sign("secret-a", {"command": "acknowledge", "alert_id": "al-1", "staff": "desk-1"})
    assert centre.check("secret-a", json.dumps(good).encode())["alert_id"] == "al-1"
    cases = {
        b"{not json": "payload: not JSON",
        b"[1, 2]": "payload: not a JSON object",
        json.dumps({**good, "alert_id": 7}).encode(): "alert_id: missing or not a string",
        json.dumps({**good, "caregiver": "anna"}).encode(): "staff or caregiver: exactly one",
        json.dumps({**good, "alert_id": "al-2"}).encode(): "sig: not signed for this home",
        json.dumps(centre.sign("secret-a", {**good, "command": "delete"})).encode(): "command: one of",
        json.dumps(centre.sign("secret-a", {**good, "note": "n" * 501})).encode(): "note: a string of at most 500",
        b"x" * (centre.MAX_COMMAND_BYTES + 1): "more than 4096",
    }
    for payload, reason in cases.items():
        with pytest.raises(ValueError, match=re.escape(reason)):
            centre.check("secret-a", payload)
    with pytest.raises(ValueError, match="sig: not signed for this home"):
        centre.check("secret-b", json.dumps(good).encode())  # another home's key


def test_the_staff_file_names_each_problem(tmp_path):
    path = tmp_path / "staff.yaml"
    path.write_text(yaml.safe_dump({"staff": [{"id": "desk-1", "token": "short"}, {"name": "no id"}]}))
    with pytest.raises(ConfigError) as error:
        load_staff(path)
    assert error.value.problems == ["staff[0].token: too short (5 characters): a token needs at least 32 (make one "
                                    "with 'carehub tokens new')", "staff[1].id: missing"]
    path.write_text(yaml.safe_dump({"staff": [{"id": "desk-1", "name": "Night desk", "token": TOKEN}]}))
    assert [s.name for s in load_staff(path)] == ["Night desk"]


@contextlib.asynccontextmanager
async def centre_beside_a_partition(broker, tmp_path: Path, receiver: Receiver, homes: list[str],  # noqa: F811
                                    public_url: str | None = None) -> AsyncIterator[tuple[Partition, TestClient]]:
    """The homes' files, partition 0 running them on the broker, and the care centre (one staff member, desk-1)
    with its own MQTT link, served to a test client; both connected."""
    folder = tmp_path / "homes"
    folder.mkdir()
    for home in homes:
        home_file(folder, home, receiver)
    part = partition(broker, tmp_path)
    part.public_url = public_url  # as ``carehub worker --public-url`` sets it
    await part.start(f.config for f in HomeDirectory(folder).scan().homes.values())
    (tmp_path / "staff.yaml").write_text(yaml.safe_dump({"staff": [{"id": "desk-1", "name": "Night desk",
                                                                    "token": TOKEN}]}))
    link = MqttLink(MqttConfig(broker="external", host=broker.host, port=broker.port, client_id="carehub-centre"),
                    subscriptions=[], status_topic="carehub/_centre/status")
    link.start()
    desk = Centre(Overview(folder, tmp_path / "data", partitions=1), load_staff(tmp_path / "staff.yaml"), link)
    client = TestClient(TestServer(desk.app()))
    await client.start_server()
    try:
        await part.link.wait_connected()
        await link.wait_connected()
        yield part, client
    finally:
        await client.close()
        await link.stop()
        await part.stop()


async def test_the_care_centre_sees_every_home_s_alerts_and_acknowledges_through_the_worker_holding_the_home(
        mosquitto_broker, tmp_path, receiver):  # noqa: F811
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    async with centre_beside_a_partition(mosquitto_broker, tmp_path, receiver, ["flat-a", "flat-b"]) as (part, client):
        await publish(mosquitto_broker.port, [sos("flat-a", "a-1"), motion("flat-b", "b-1")])
        await until(lambda: receiver.count("flat-a") == 1)

        assert (await client.get("/centre/api/alerts")).status == 401
        alerts = (await (await client.get("/centre/api/alerts", headers=bearer)).json())["alerts"]
        assert [(a["home"], a["person_name"], a["kind"], a["status"]) for a in alerts] == [
            ("flat-a", "Grandma of flat-a", "sos", "open")]
        alert_id = alerts[0]["id"]
        homes = (await (await client.get("/centre/api/homes", headers=bearer)).json())["homes"]
        assert [(h["home"], h["partition"], h["open"]) for h in homes] == [("flat-a", 0, 1), ("flat-b", 0, 0)]

        # Acknowledged by the centre: carried out by the partition's home, in its own log, as the app's would be.
        answer = await client.post(f"/centre/api/alerts/flat-a/{alert_id}/acknowledge", headers=bearer)
        assert (answer.status, (await answer.json())["status"]) == (200, "done")
        row = alert_row(part.database("flat-a"), alert_id)
        assert (row["status"], row["acked_by"], row["acked_via"]) == ("acknowledged", "centre:desk-1", "care-centre")
        acked = await wait_for_rows(part.database("flat-a"),
                                    lambda rows: [r for r in rows if r["kind"] == "alert_acknowledged"])
        assert [r["data"]["by"] for r in acked if r["kind"] == "alert_acknowledged"] == ["centre:desk-1"]

        # A forged command on the same topic (a login that may publish there, without the home's secret).
        forged = {"command": "resolve", "alert_id": alert_id, "staff": "desk-1", "sig": "0" * 64}
        await publish(mosquitto_broker.port, [(centre.command_topic("carehub", "flat-a"), json.dumps(forged))])

        # The browser: sign in, the inbox, the alert, resolve only with the form's anti-forgery token.
        signed = await client.post("/centre/sign-in", data={"token": TOKEN}, allow_redirects=False)
        assert signed.status == 303
        inbox = await (await client.get("/centre/")).text()
        assert "Grandma of flat-a" in inbox and "centre:desk-1 is on it" in inbox
        page = await (await client.get(f"/centre/alerts/flat-a/{alert_id}")).text()
        found = re.search(r'name="csrf" value="([^"]+)"', page)
        assert found is not None
        csrf = found.group(1)
        refused = await client.post(f"/centre/alerts/flat-a/{alert_id}/resolve", data={"note": "x"})
        assert refused.status == 403
        done = await client.post(f"/centre/alerts/flat-a/{alert_id}/resolve",
                                 data={"csrf": csrf, "note": "called her, she is fine"}, allow_redirects=False)
        assert done.headers["Location"].endswith("?sent=done")
        row = alert_row(part.database("flat-a"), alert_id)
        assert (row["status"], row["resolve_reason"]) == (
            "resolved", "centre:desk-1 at the care centre: called her, she is fine")
        await until(lambda: part.centre["flat-a"].done == 2)  # the file shows it a moment before the count does
        assert part.centre["flat-a"].refused == 1  # the forgery, which came between
        audit = (await (await client.get("/centre/api/audit", headers=bearer)).json())["audit"]
        assert [(a["staff"], a["action"]) for a in reversed(audit)] == [
            ("desk-1", "sent acknowledge"), ("desk-1", "signed in"), ("desk-1", "viewed"), ("desk-1", "sent resolve")]
        assert receiver.count("flat-b") == 0


async def test_a_caregiver_s_alert_link_opens_at_the_care_centre_and_acknowledges_through_the_worker(
        mosquitto_broker, tmp_path, receiver):  # noqa: F811
    async with centre_beside_a_partition(mosquitto_broker, tmp_path, receiver, ["flat-a"],
                                         public_url="https://centre.example") as (part, client):
        await publish(mosquitto_broker.port, [sos("flat-a", "a-1")])
        await until(lambda: receiver.count("flat-a") == 1)
        found = re.search(r"https://centre\.example(/homes/flat-a/app/alerts/(\w+)\?token=\w+)",
                          receiver.got["flat-a"][0]["message"])
        assert found is not None, receiver.got["flat-a"][0]["message"]
        path, alert_id = found.group(1), found.group(2)

        page = await client.get(path)
        text = await page.text()
        assert page.status == 200 and "Acknowledge: I&#x27;m on it" in text and "Grandma of flat-a" in text
        wrong = await client.get(path.rsplit("=", 1)[0] + "=" + "0" * 32)
        assert wrong.status == 404 and "No such alert" in await wrong.text()
        token = path.rsplit("=", 1)[1]
        pressed = await client.post(f"/homes/flat-a/app/alerts/{alert_id}/acknowledge", data={"token": token},
                                    allow_redirects=False)
        assert pressed.headers["Location"].endswith("&sent=done")
        row = alert_row(part.database("flat-a"), alert_id)
        assert (row["status"], row["acked_by"], row["acked_via"]) == ("acknowledged", "anna", "link")
        shown = await (await client.get(path)).text()
        assert "Anna is on it" in shown and "Acknowledge" not in shown


async def test_a_home_restarted_with_a_changed_file_misses_nothing_sent_while_it_restarts(
        mosquitto_broker, tmp_path, receiver):  # noqa: F811
    folder = tmp_path / "homes"
    folder.mkdir()
    path = home_file(folder, "flat-a", receiver)
    homes = HomeDirectory(folder)
    part = partition(mosquitto_broker, tmp_path)
    await part.start(f.config for f in homes.scan().homes.values())
    try:
        await part.link.wait_connected()
        data = yaml.safe_load(path.read_text())
        data["people"][0]["name"] = "Margaret"
        path.write_text(yaml.safe_dump(data))
        changed = homes.scan().homes["flat-a"].config
        sending = asyncio.create_task(publish(mosquitto_broker.port, [motion("flat-a", f"r-{i}") for i in range(60)]))
        await asyncio.sleep(0)
        await part.add(changed)
        await sending
        rows = await wait_for_rows(part.database("flat-a"),
                                   lambda rows: len([r for r in rows if r["kind"] == "motion_detected"]) >= 60)
        assert len([r for r in rows if r["kind"] == "motion_detected"]) == 60
        grandma = part.hubs["flat-a"].config.person("grandma")
        assert grandma is not None and grandma.name == "Margaret"
    finally:
        await part.stop()
