"""The voice path on the command line: ``carehub listen FILE.wav``, and ``speak_to_file``, which
``carehub say --speak OUT.wav`` calls with the hub's reply.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
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

    with tempfile.TemporaryDirectory(prefix="carehub-listen-") as folder:
        hub = build_hub(offline_copy(config, Path(folder)), offline=True)
        await hub.start()
        try:
            pipeline = pipeline_for(hub.config, hub.hear, settings, tts=TextToSpeech() if speak else None)
            result = await pipeline.handle_wav(data, language=language, person=person, room=room, speak=speak)
            await hub.bus.drain()
        finally:
            await hub.stop()
    assert hub.outbox is not None
    return result, [(topic, payload) for topic, payload, _ in hub.outbox.messages]


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
@click.option("--json", "as_json", is_flag=True, help="print the whole answer as JSON")
@click.pass_context
def listen(ctx: click.Context, wav: Path, language: str | None, person: str | None, room: str | None,
           model: str | None, speak_path: Path | None, config_path: str | None, as_json: bool) -> None:
    """Hear a WAV file as if spoken to carehub: print the transcript and the reply.

    Runs the household's skills in an offline hub with a throw-away event log (nothing is sent to
    devices; commands are printed). Exit code 3 when nothing was understood.
    """
    config = load(ctx, config_path)
    if person is not None and config.person(person) is None:
        raise click.BadParameter(f"no person with id '{person}' in the configuration", param_hint="--person")
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
    if as_json:
        answer = result.as_json()
        answer["published"] = [{"topic": t, "payload": p.decode("utf-8", "replace")} for t, p in published]
        click.echo(json.dumps(answer, ensure_ascii=False))
    else:
        t = result.transcript
        click.echo(f"heard ({t.language or '?'}, {t.audio_seconds:.1f} s): "
                   + (f"[no speech: {t.reason}]" if t.no_speech else t.text))
        if result.reply is not None:
            click.echo(f"reply: {result.reply.text or ''}")
        for topic, payload in published:
            click.echo(f"sent:  {topic} {payload.decode('utf-8', 'replace')}")
        click.echo("time:  " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in result.timings.items()))
    if result.reply is None or not result.reply.understood:
        ctx.exit(3)


def speak_to_file(text: str, language: str, path: Path, *, tts: TextToSpeech | None = None) -> Path:
    """Synthesize ``text`` and write it as a WAV file (for ``carehub say --speak OUT.wav``).

    Synchronous, for click commands; raises SpeechUnavailable when no engine can speak ``language``.
    """
    speech = asyncio.run((tts or TextToSpeech()).synthesize(text, language))
    path.write_bytes(speech.wav)
    return path


COMMANDS = (listen,)
