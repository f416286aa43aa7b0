"""The README tour, walked literally: its commands are read from README.md and run against a fresh install.

A copy of the repository's tracked files goes into a temporary folder; the README's first command
(``./scripts/start``) makes its own virtual environment there from the package index, installs carehub and
starts the hub on the demo household. Then every command of the tour runs as written, from that folder, with
that environment's ``carehub`` first on PATH. The only changes made to what a user would type: the hub's
ports (free ones instead of 1883 / 8765, so a broker on this machine does not get in the way) and the
README's ``<event id>`` / ``<alert id>`` placeholders, filled from the log. Before the voice block the test does
what the README says there: installs the speech extra into the same environment and restarts the hub.

If the README's commands change, this test follows them; a command that fails, prints a traceback or says
nothing useful fails the test, naming the command.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from tests.readme_tour import Block, blocks, program

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tracked_files() -> list[str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("the README tour copies the repository's tracked files: needs git and a checkout")
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [name for name in out.decode().split("\0") if name]


@dataclass
class Tour:
    """A fresh install of carehub in ``folder`` with its hub running."""

    folder: Path
    env: dict[str, str]
    http_port: int
    hub: subprocess.Popen[bytes] | None
    hub_log: Path
    variables: dict[str, str] = field(default_factory=dict)
    hub_command: str = "./scripts/start"
    transcript: list[str] = field(default_factory=list)

    def start(self, command: str = "./scripts/start") -> None:
        """A command that runs the hub (the README's first command, or ``carehub run ...``), in the
        background, until the hub answers."""
        self.hub_command = command
        with self.hub_log.open("ab") as out:
            self.hub = subprocess.Popen(["bash", "-c", command], cwd=self.folder, env=self.env,
                                        stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        wait_healthy(self.http_port, self.hub, self.hub_log)

    def stop(self) -> None:
        """Ctrl-C, as a user stops it."""
        hub = self.hub
        if hub is not None and hub.poll() is None:
            os.killpg(hub.pid, signal.SIGINT)
            try:
                hub.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(hub.pid, signal.SIGKILL)
                hub.wait()

    def restart(self, command: str | None = None) -> None:
        self.stop()
        self.start(command or self.hub_command)

    def literal(self, command: str) -> str:
        """``command`` with the tour's ports and placeholders filled in."""
        command = command.replace("localhost:8765", f"localhost:{self.http_port}")
        for placeholder, value in self.variables.items():
            command = command.replace(placeholder, value)
        return command

    def run(self, command: str, *, timeout: float = 300) -> str:
        """Run one README command as a user would in bash; fail, naming it, on an error or a traceback."""
        command = self.literal(command)
        assignment = re.match(r"^([A-Z_]+)=\$\((.*)\)$", command)
        script = assignment.group(2) if assignment else command
        done = subprocess.run(["bash", "-c", script], cwd=self.folder, env=self.env, capture_output=True,
                              timeout=timeout)
        out = done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")
        self.transcript.append(f"$ {command}\n{out}")
        assert done.returncode == 0, f"`{command}` exited {done.returncode}:\n{out[-3000:]}"
        assert "Traceback" not in out, f"`{command}` printed a traceback:\n{out[-3000:]}"
        if assignment:
            self.env[assignment.group(1)] = done.stdout.decode().strip()
        return out


def wait_healthy(port: int, hub: subprocess.Popen[bytes], log: Path, seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if hub.poll() is not None:
            pytest.fail(f"./scripts/start exited {hub.returncode}:\n{log.read_text(errors='replace')[-4000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    pytest.fail(f"the hub started by ./scripts/start did not answer in {seconds:.0f} s:\n"
                f"{log.read_text(errors='replace')[-4000:]}")


def readme_blocks() -> list[Block]:
    return blocks(README)


def block(lead_words: str) -> Block:
    """The README block whose introducing line contains ``lead_words``."""
    found = [b for b in readme_blocks() if lead_words in b.lead or lead_words in b.section]
    assert found, f"README.md has no shell block introduced by '{lead_words}'"
    return found[0]


@pytest.fixture(scope="module")
def tour(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tour]:
    folder = tmp_path_factory.mktemp("readme-tour") / "carehub"
    for name in tracked_files():
        source = ROOT / name
        if source.is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / name)
    config_file = folder / "config.yaml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    mqtt_port, http_port = free_port(), free_port()
    config.setdefault("mqtt", {})["port"] = mqtt_port
    config.setdefault("http", {})["port"] = http_port
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    env = {k: v for k, v in os.environ.items()
           if k not in {"VIRTUAL_ENV", "PYTHONPATH", "CAREHUB_CONFIG", "CAREHUB_VENV", "PYTHONHOME"}}
    venv = folder / ".venv"
    env["PATH"] = f"{venv / 'bin'}:{env.get('PATH', '/usr/bin:/bin')}"
    # The Python this run uses (its base interpreter when it runs in a virtual environment).
    env["CAREHUB_PYTHON"] = getattr(sys, "_base_executable", sys.executable)
    assert block("Set up and run").commands == ("./scripts/start",), "the README's first command changed"
    tour = Tour(folder, env, http_port, hub=None, hub_log=folder.parent / "hub.log")
    try:
        tour.start()
        yield tour
    finally:
        tour.stop()


def test_the_second_command_is_what_ci_runs() -> None:
    assert block("Run the tests").commands == ("./scripts/test",)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "scripts/test" in ci


def test_the_first_command_starts_the_hub_on_the_demo_household(tour: Tour) -> None:
    with urllib.request.urlopen(f"http://127.0.0.1:{tour.http_port}/api/health", timeout=5) as reply:
        health = json.load(reply)
    assert health["status"] == "ok"
    assert (tour.folder / ".venv" / "bin" / "carehub").exists()


def test_the_demo_commands(tour: Tour) -> None:
    for command in block("A one-minute tour").commands:
        assert program(command) == "carehub"
        out = tour.run(command)
        assert "could not stop cleanly" not in out, f"`{command}`:\n{out[-2000:]}"
        if "--scenario fall" in command:
            assert "fall_detected" in out
        if " report " in f" {command} ":
            assert list(tour.folder.glob("report-grandma-*.html")), out


def test_the_two_terminal_tour_shows_a_care_skill_firing(tour: Tour) -> None:
    commands = block("then let the household live a night by it").commands
    for command in commands:
        words = command.split()
        if words[:2] == ["carehub", "run"]:  # terminal 1: the hub, instead of ./scripts/start
            tour.restart(command)
            continue
        if "<event id>" in command:
            rows = tour.run("carehub events --limit 1 --json").strip().splitlines()
            tour.variables["<event id>"] = json.loads(rows[0])["id"]
        out = tour.run(command)
        if words[:2] == ["carehub", "simulate"]:
            raised = tour.run("carehub events --kind alert_raised --json")
            kinds = [json.loads(line)["data"].get("alert_kind") for line in raised.splitlines() if line.strip()]
            assert "night_exit" in kinds, f"the simulated night raised {kinds}:\n{out[-2000:]}"
            assert "device_offline" not in kinds
        if command.startswith("curl"):
            json.loads(out)  # the API answered with JSON, not an error page


def test_talking_to_it(tour: Tour) -> None:
    for command in block("Talk to it").commands:
        out = tour.run(command)
        if program(command) == "carehub" and " say " in f" {command} ":
            assert "didn't understand" not in out.lower() and "没听懂" not in out, f"`{command}`:\n{out}"


def test_speaking_to_it(tour: Tour) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng makes the spoken command for the voice block (apt-get install espeak-ng)")
    # The README's instruction before the block: install the speech extra, then (re)start the hub.
    install = re.search(r"`(pip install -e '\.\[voice\]')`", README.read_text(encoding="utf-8"))
    assert install, "README.md no longer says how to install the speech extra before the voice block"
    tour.run(install.group(1), timeout=600)
    tour.restart()
    wav = tour.folder / "command.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(wav), "turn on the kitchen light"],
                   check=True, capture_output=True)
    for command in block("Piper or espeak-ng").commands:
        out = tour.run(command)
        if " listen " in f" {command} ":
            assert re.search(r"^sent:\s+carehub/home/kitchen-light/set", out, re.M), out
    assert (tour.folder / "reply.wav").stat().st_size > 1000


def test_the_alert_commands(tour: Tour) -> None:
    rows = [json.loads(line) for line in tour.run("carehub alerts --json").splitlines() if line.strip()]
    if not rows:
        pytest.fail("the tour raised no alert to show with `carehub alerts show`")
    tour.variables["<alert id>"] = rows[0]["id"]
    for command in block("escalating until someone acknowledges").commands:
        tour.run(command)


def test_the_report(tour: Tour) -> None:
    for command in block("page for one person and day").commands:
        tour.run(command)
    assert list(tour.folder.glob("report-grandma-*.html"))
