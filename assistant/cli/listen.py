"""The voice path on the command line: ``carehub listen FILE.wav`` (to the running hub, as ``carehub say``,
else to an offline one), and ``speak_to_file``, which ``carehub say --speak OUT.wav`` calls with the hub's reply.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import click

from assistant.cli.common import load
from assistant.speech.audio import AudioError
from assistant.speech.models import ModelUnavailable
from assistant.speech.stt import SpeechError, SpeechSettings
from assistant.speech.tts import SpeechUnavailable, TextToSpeech


def offline_copy(config: Any, folder: Path) -> Any:
    """The household's config with no broker, no HTTP, and an event log in ``folder``."""
    return config.model_copy(update={
        "http": config.http.model_copy(update={"enabled": False}),
        "storage": config.storage.model_copy(update={"database": str(folder / "listen.db")}),
        "base_dir": folder,
    })


async def listen_once(config: Any, data: bytes, *, language: str | None = None, person: str | None = None,
                      room: str | None = None, settings: SpeechSettings | None = None,
                      speak: bool = False) -> tuple[Any, list[tuple[str, bytes]]]:
    """Run an offline hub (every installed skill, a temporary event log), hand it one WAV; returns the
    VoiceResult and what the hub would have published (topic, payload)."""
    from assistant.app import build_hub
    from assistant.speech.pipeline import pipeline_for

    # Made and removed off the event loop: removing the log's files is disk work.
    folder = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="carehub-listen-"))
    try:
        hub = build_hub(offline_copy(config, folder), offline=True)
        await hub.start()
        try:
            pipeline = pipeline_for(hub.config, hub.hear, settings, tts=TextToSpeech() if speak else None)
            result = await pipeline.handle_wav(data, language=language, person=person, room=room, speak=speak)
            await hub.bus.drain()
        finally:
            await hub.stop()
    finally:
        await asyncio.to_thread(shutil.rmtree, folder, ignore_errors=True)
    assert hub.outbox is not None
    return result, [(topic, payload) for topic, payload, _ in hub.outbox.messages]


class HubRefused(Exception):
    """The running hub answered a request with an error: ``status`` (HTTP) and its ``message``."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(f"{status}: {message}")


class RunningHub:
    """The running hub's HTTP API, reached as ``carehub say`` reaches it: at ``http.host``:``http.port``,
    as the hub's own admin (the credential derived from the secret in its database)."""

    def __init__(self, config: Any) -> None:
        self.config = config
        self.url = f"http://{config.http.host}:{config.http.port}"

    def answers(self, timeout: float = 3.0) -> bool:
        """Whether a hub answers at all (its health page is open to anyone; any status counts)."""
        if not self.config.http.enabled:
            return False
        try:
            with urllib.request.urlopen(f"{self.url}/api/health", timeout=timeout):
                return True
        except urllib.error.HTTPError:
            return True  # it answered, unhealthy (503): it still hears and acts
        except (urllib.error.URLError, OSError):
            return False

    def call(self, path: str, *, body: bytes | None = None, content_type: str | None = None,
             timeout: float = 120.0) -> Any:
        """JSON from ``path`` (POST when there is a ``body``); HubRefused for an error status."""
        from assistant.cli.tokens import local_admin_token

        headers = {"Authorization": f"Bearer {local_admin_token(self.config)}"}
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(f"{self.url}{path}", body, headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                message = str(json.loads(raw).get("error", error))
            except (ValueError, AttributeError):
                message = f"HTTP {error.code}: {raw[:200].decode('utf-8', 'replace')}"
            raise HubRefused(error.code, message) from None


def listen_to_running_hub(hub: RunningHub, data: bytes, *, language: str | None, person: str | None,
                          room: str | None) -> dict[str, Any]:
    """``POST /api/voice`` with the WAV; the answer, with ``sent``: the commands the hub published for it."""
    query = {key: value for key, value in (("language", language), ("person", person), ("room", room)) if value}
    path = "/api/voice" + (f"?{urllib.parse.urlencode(query)}" if query else "")
    answer: dict[str, Any] = hub.call(path, body=data, content_type="audio/wav")
    answer["sent"] = commands_caused_by(hub, answer["utterance_id"]) if answer.get("utterance_id") else []
    return answer


def commands_caused_by(hub: RunningHub, event_id: str, depth: int = 4) -> list[dict[str, Any]]:
    """The ``command_sent`` events (their data) that ``event_id`` caused, through up to ``depth`` steps
    (utterance → intent → command), in the order they were sent."""
    sent: list[dict[str, Any]] = []
    causes = [event_id]
    for _ in range(depth):
        effects: list[dict[str, Any]] = []
        for cause in causes:
            rows = hub.call("/api/events?" + urllib.parse.urlencode({"cause": cause, "limit": "100"}), timeout=30)
            effects += rows["events"]
        sent += [row for row in effects if row["kind"] == "command_sent"]
        causes = [row["id"] for row in effects if row["kind"] != "command_sent"]
        if not causes:
            break
    return [row["data"] for row in sorted(sent, key=lambda row: (row["ts"], row["id"]))]


@click.command()
@click.argument("wav", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--language", help="en, zh-CN, ... (default: the person's language, else detected)")
@click.option("--person", help="who is speaking (a person id)")
@click.option("--room", help="where (a room id)")
@click.option("--model", help="speech-to-text model for every language (tiny.en, base, or a folder)")
@click.option("--speak", "speak_path", type=click.Path(dir_okay=False, path_type=Path),
              help="also write the spoken reply to this WAV file")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="config.yaml to use (same as 'carehub --config')")
@click.option("--offline", is_flag=True, help="hear it in an offline hub even when a hub is running (sends nothing)")
@click.option("--json", "as_json", is_flag=True, help="print the whole answer as JSON")
@click.pass_context
def listen(ctx: click.Context, wav: Path, language: str | None, person: str | None, room: str | None,
           model: str | None, speak_path: Path | None, config_path: str | None, offline: bool,
           as_json: bool) -> None:
    """Hear a WAV file as if spoken to carehub: print the transcript, the reply and the commands.

    The running hub hears it, as it hears `carehub say`, and acts on it (its devices are sent the
    commands). When no hub answers at http.host:http.port, or with --offline, the household's skills
    run in an offline hub with a throw-away event log: nothing is sent, the commands are printed as
    "would send". Exit code 3 when nothing was understood.
    """
    config = load(ctx, config_path)
    if person is not None and config.person(person) is None:
        raise click.BadParameter(f"no person with id '{person}' in the configuration", param_hint="--person")
    hub = RunningHub(config)
    if not offline and hub.answers():
        if model:
            click.echo(f"carehub: --model is for an offline hub; the hub at {hub.url} hears with its own models",
                       err=True)
        _listen_on_running_hub(ctx, hub, wav, language=language, person=person, room=room,
                               speak_path=speak_path, as_json=as_json)
        return
    if not offline:
        click.echo(f"carehub: no hub answering at {hub.url}: heard in an offline hub, nothing was sent "
                   "(start one with 'carehub run')", err=True)
    settings = SpeechSettings(models={"*": model}) if model else None
    try:
        result, published = asyncio.run(listen_once(config, wav.read_bytes(), language=language, person=person,
                                                    room=room, settings=settings, speak=speak_path is not None))
    except AudioError as error:
        click.echo(f"carehub: {wav}: {error.reason}", err=True)
        ctx.exit(2)
    except (ModelUnavailable, SpeechError, SpeechUnavailable) as error:
        click.echo(f"carehub: {error}", err=True)
        ctx.exit(1)
    if speak_path is not None and result.speech is not None:
        speak_path.write_bytes(result.speech.wav)
    answer = result.as_json()
    answer["hub"] = "offline"
    # what the offline hub would have published; nothing was
    answer["published"] = [{"topic": t, "payload": p.decode("utf-8", "replace")} for t, p in published]
    _print_answer(ctx, answer, [f"would send: {p['topic']} {p['payload']}" for p in answer["published"]], as_json)


def _listen_on_running_hub(ctx: click.Context, hub: RunningHub, wav: Path, *, language: str | None,
                           person: str | None, room: str | None, speak_path: Path | None, as_json: bool) -> None:
    try:
        answer = listen_to_running_hub(hub, wav.read_bytes(), language=language, person=person, room=room)
    except HubRefused as refused:
        click.echo(f"carehub: {wav}: {refused.message}" if refused.status in (400, 413) else
                   f"carehub: the hub at {hub.url} refused: {refused.message}", err=True)
        ctx.exit(1 if refused.status == 503 else 2)  # 503: a speech model is missing, as offline
        return
    except (urllib.error.URLError, OSError) as error:
        click.echo(f"carehub: the hub at {hub.url} stopped answering ({getattr(error, 'reason', error)})", err=True)
        ctx.exit(1)
        return
    if speak_path is not None and answer["reply"]:
        try:  # spoken here, as 'carehub say --speak' does
            speak_to_file(answer["reply"], answer["reply_language"] or answer["language"] or "en", speak_path)
        except SpeechUnavailable as error:
            click.echo(f"carehub: cannot speak the reply: {error.reason}", err=True)
            ctx.exit(2)
    answer["hub"] = hub.url
    lines = []
    for command in answer["sent"]:
        args = command.get("args") or {}
        lines.append(f"sent:  {command.get('topic', '')} {command.get('command', '')}"
                     + (f" {json.dumps(args, ensure_ascii=False)}" if args else ""))
    _print_answer(ctx, answer, lines, as_json)


def _print_answer(ctx: click.Context, answer: dict[str, Any], commands: list[str], as_json: bool) -> None:
    """The answer as JSON, or as lines: heard, reply, the commands, time; exit 3 when not understood."""
    if as_json:
        click.echo(json.dumps(answer, ensure_ascii=False))
    else:
        heard = f"[no speech: {answer['no_speech_reason']}]" if answer["no_speech"] else answer["transcript"]
        click.echo(f"heard ({answer['language'] or '?'}, {answer['audio_seconds']:.1f} s): {heard}")
        if answer["reply"] is not None or answer["understood"]:
            click.echo(f"reply: {answer['reply'] or ''}")
        for line in commands:
            click.echo(line)
        click.echo("time:  " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in answer["timings"].items()))
    if not answer["understood"]:
        ctx.exit(3)


def speak_to_file(text: str, language: str, path: Path, *, tts: TextToSpeech | None = None) -> Path:
    """Synthesize ``text`` and write it as a WAV file (for ``carehub say --speak OUT.wav``).

    Synchronous, for click commands; raises SpeechUnavailable when no engine can speak ``language``.
    """
    speech = asyncio.run((tts or TextToSpeech()).synthesize(text, language))
    path.write_bytes(speech.wav)
    return path


COMMANDS = (listen,)
