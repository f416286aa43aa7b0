"""``POST /api/voice``: a WAV upload heard as if spoken; registered by assistant/http.py behind its gate
(speakers, household members and admins; a member speaks only as themselves).
"""

from __future__ import annotations

import base64
import logging
from typing import Any

from aiohttp import BodyPartReader, web

from assistant.access import Forbidden, speaking_as
from assistant.speech.audio import MAX_WAV_BYTES, AudioError, AudioTooLarge
from assistant.speech.models import ModelUnavailable
from assistant.config import Config
from assistant.speech.pipeline import VoicePipeline
from assistant.speech.stt import SpeechError
from assistant.speech.tts import SpeechUnavailable

log = logging.getLogger(__name__)

_QUERY = {"language", "person", "room", "speak"}


def voice_route(config: Config, pipeline: VoicePipeline, *, max_bytes: int = MAX_WAV_BYTES) -> Any:
    """The handler: body is a WAV (``audio/wav``, or the first file of a ``multipart/form-data`` upload);
    query ``language``, ``person``, ``room``, ``speak=1`` (adds the spoken reply as base64 WAV).

    Answers 200 with the transcript, reply and timings; 400 for malformed audio or query; 413 over
    ``max_bytes`` or the length limit; 503 when a speech model is not installed. The pipeline loads
    its models on first use, so a hub that never hears a voice never loads one.
    """

    def error(status: int, message: str) -> web.Response:
        return web.json_response({"error": message}, status=status)

    async def voice(request: web.Request) -> web.Response:
        unknown = set(request.query) - _QUERY - {"token"}
        if unknown:
            return error(400, f"unknown parameter(s): {', '.join(sorted(unknown))}")
        person = request.query.get("person") or None
        who = request.get("principal")  # set by the API's gate (assistant/http_guard.py)
        try:
            person = speaking_as(who, config, person) if who is not None else person
        except Forbidden as refused:
            return error(403, refused.reason)
        except ValueError as problem:
            return error(400, str(problem))
        if person and config.person(person) is None:
            return error(400, f"person: no person with id '{person}'")
        if request.content_length is not None and request.content_length > max_bytes:
            return error(413, f"upload too large: {request.content_length} bytes (limit {max_bytes})")
        try:
            data = await _read_upload(request, max_bytes)
        except AudioError as problem:
            return error(413 if isinstance(problem, AudioTooLarge) else 400, problem.reason)
        room = request.query.get("room") or (who.room if who is not None and who.role == "device" else None)
        speak = request.query.get("speak", "") in ("1", "true", "yes")
        try:
            result = await pipeline.handle_wav(data, max_bytes=max_bytes, language=request.query.get("language"),
                                                  person=person, room=room, speak=speak)
        except AudioTooLarge as problem:
            return error(413, problem.reason)
        except AudioError as problem:
            return error(400, problem.reason)
        except SpeechError as problem:
            return error(400, problem.reason)
        except (ModelUnavailable, SpeechUnavailable) as problem:
            log.warning("voice request refused: %s", problem)
            return error(503, str(problem))
        answer = result.as_json()
        if result.speech is not None:
            answer["speech_wav_base64"] = base64.b64encode(result.speech.wav).decode("ascii")
        return web.json_response(answer)

    return voice


async def _read_upload(request: web.Request, max_bytes: int) -> bytes:
    """The WAV bytes of the request, read in pieces so an oversized upload stops at ``max_bytes``."""
    if request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue  # a nested multipart: not an upload
            if part.filename is None and part.name not in ("file", "audio"):
                continue
            return await _read_stream(part.read_chunk, max_bytes)
        raise AudioError("multipart upload has no file part (send the WAV as 'file')")
    if request.content_type not in ("audio/wav", "audio/x-wav", "audio/wave", "application/octet-stream", ""):
        raise AudioError(f"body must be a WAV file (audio/wav), not {request.content_type}")
    return await _read_stream(request.content.read, max_bytes)


async def _read_stream(read: Any, max_bytes: int) -> bytes:
    pieces: list[bytes] = []
    size = 0
    while True:
        piece = await read(65536)
        if not piece:
            break
        size += len(piece)
        if size > max_bytes:
            raise AudioTooLarge(f"upload too large: over {max_bytes} bytes")
        pieces.append(piece)
    if not pieces:
        raise AudioError("empty body: send a WAV file")
    return b"".join(pieces)
