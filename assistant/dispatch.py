"""Commands out: encode a command for a device, publish it on its ``set`` topic, log ``command_sent``.

A speaker that plays audio (``speech: audio``) is sent synthesized speech on its ``speech`` topic
instead of the text. ``Outbox`` stands in for the broker when the hub runs offline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assistant import topics
from assistant.commands import Command, Speak
from assistant.config import Config, DeviceConfig
from assistant.errors import UnknownDevice
from assistant.events import CommandSent, Event
from assistant.ports import CommandSender, DeviceAdapters, EventSink, Publisher


class Outbox:
    """What an offline hub would have published, in order: ``(topic, payload, retain)``."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, bytes, bool]] = []

    async def publish(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False) -> None:
        self.messages.append((topic, payload, retain))


class CommandDispatcher:
    """The hub's ``CommandSender``."""

    def __init__(self, config: Config, adapters: DeviceAdapters, publisher: Publisher, sink: EventSink, *,
                 speech: Callable[[], Any] | None = None) -> None:
        self._config = config
        self._adapters = adapters
        self._publisher = publisher
        self._sink = sink
        self._make_speech = speech or _default_speech
        self._speech: Any = None
        """A ``TextToSpeech``, made on first use (the voice extra may not be installed)."""
        self.elsewhere: dict[str, CommandSender] = {}
        """Devices reached another way than on the broker (Home Assistant's entities), by id."""

    async def send_command(self, device_id: str, command: Command, *, skill: str | None = None,
                           cause: str | None = None) -> Event:
        device = self._config.device(device_id)
        if device is None:
            raise UnknownDevice(device_id)
        if device_id in self.elsewhere:
            return await self.elsewhere[device_id].send_command(device_id, command, skill=skill, cause=cause)
        if isinstance(command, Speak) and device.speech == "audio":
            return await self._speak_audio(device, command, skill=skill, cause=cause)
        mqtt = self._config.mqtt
        topic, payload = self._adapters.command(device, command, prefix=mqtt.topic_prefix, home=self._config.home.id,
                                                zigbee2mqtt_topic=mqtt.zigbee2mqtt_topic)
        await self._publisher.publish(topic, payload, qos=1)
        args = {k: v for k, v in vars(command).items() if v is not None}
        return await self._sink.emit(CommandSent(command=type(command).__name__, args=args, topic=topic, skill=skill,
                                                 device=device.id, person=device.person, cause=cause))

    async def _speak_audio(self, device: DeviceConfig, command: Speak, *, skill: str | None,
                           cause: str | None) -> Event:
        """Synthesize ``command`` and publish the WAV on the speaker's ``speech`` topic."""
        if self._speech is None:
            self._speech = self._make_speech()
        speech = await self._speech.synthesize(command.text, command.language)
        topic = topics.device_topic(self._config.mqtt.topic_prefix, self._config.home.id, device.id, "speech")
        await self._publisher.publish(topic, speech.wav, qos=1)
        args = {"text": command.text, "language": command.language, "engine": speech.engine,
                "seconds": round(speech.seconds, 2)}
        return await self._sink.emit(CommandSent(command="Speak", args=args, topic=topic, skill=skill,
                                                 device=device.id, person=device.person, cause=cause))


def _default_speech() -> Any:
    from assistant.speech.tts import TextToSpeech

    return TextToSpeech()
