"""The falls skill: a fall (reported by the watch, or found in its accelerometer samples) is met with a
spoken question and a cancel window; if nobody calls it off, caregivers get a high-priority alert.

Each wearable's bursts of samples feed one ``WearableStream``, judged with the model for where the wearable
is worn (``placement`` in config.yaml; unset is the wrist): an impact is judged once its aftermath has come,
in later bursts, or after the wearable has been quiet for the stream's ``silence_s``.

The cancel window (30 s by default) follows social-alarm practice: most wearable fall alarms are
false, and an alarm the person can stop with "I'm OK", the panic button's cancel, or by answering
keeps caregivers trusting the real ones.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from skills.falls.detector import Sample, up_and_moving
from skills.falls.events import FallCheckEnded, FallCheckResumed
from skills.falls.model import PlacementModel, load_models
from skills.falls.stream import DetectedFall, WearableStream
from skills.sdk import (
    AccelerationSampled, ButtonPressed, FallDetected, MotionDetected, Skill, StepsCounted, WearStateReported, on,
    short_language,
)

OK_WORDS = re.compile(r"\b(ok|okay|fine|alright|all right|good|no)\b|没事|还好|很好|不用|没有", re.I)
HELP_WORDS = re.compile(r"\b(help|hurt|yes|fell|can't get up|cannot get up)\b|救命|帮|疼|摔|起不来", re.I)


class FallSettings(BaseModel):
    """Settings of the falls skill (per household)."""

    model_config = ConfigDict(extra="forbid")

    cancel_window: float = Field(30.0, gt=0)
    """Seconds the person has to call off the alarm."""
    impact_g: float | None = Field(None, gt=1)
    """Override the impact threshold of carehub's own detection, in g; unset uses the one validated for the
    wearable's placement (skills/falls/fall_model.json: 2.0 g at the wrist, 1.6 g at the waist)."""
    detect_from_samples: bool = True
    """Also look for falls in raw accelerometer samples, not only the watch's own fall events."""
    max_gap: float = Field(2.0, gt=0)
    """Seconds missing between two bursts of samples that break the stream (nothing is spliced across); under
    it, a late or early arrival (Wi-Fi power saving delays a message by up to a second or so) is jitter."""
    same_fall_within: float = Field(120.0, ge=0)
    """Seconds in which further fall reports for the same person are the same fall (the watch's own
    verdict and carehub's detection of one fall arrive a moment apart)."""
    getting_up_cancels: bool = True
    """Getting up in the cancel window (the watch sees walking, or counts steps) calls the alarm off."""
    getting_up_steps: int = Field(8, ge=1)
    """Steps counted since the fall that mean the person is up and walking."""
    resume_within: float = Field(6 * 3600.0, ge=0)
    """Seconds back a fall whose check carehub did not finish (it stopped in the cancel window) is taken up
    again at start: asked again, or alerted at once when its window has passed."""


QUESTION = {"en": "Did you fall? Are you OK? Say \"I'm OK\" if you are.",
            "zh": "您摔倒了吗？还好吗？没事的话请说“我没事”。"}
CALLED_OFF = {"en": "Alright, I won't call anyone.", "zh": "好的，我不会通知家人。"}
CALLING = {"en": "I'm calling your family now. Help is coming.", "zh": "我正在通知您的家人，请稍等。"}
OUTCOME_ZH = {"no answer": "无人应答",
              "no answer (carehub was off during the cancel window)": "无人应答，确认期间 carehub 未运行"}


class Falls(Skill[FallSettings]):
    """Detects falls, asks, and alerts when no one calls it off."""

    async def setup(self) -> None:
        self.cancelled: dict[str, asyncio.Event] = {}
        self.cancel_reason: dict[str, str] = {}
        self.last_fall: dict[str, datetime] = {}
        self.lying: dict[str, Sample] = {}
        """How each person's watch lay after their last detected fall."""
        self.steps: dict[str, int] = {}
        self.steps_at_fall: dict[str, int | None] = {}
        self.models: dict[str, PlacementModel] = await asyncio.to_thread(load_models)
        self.placement = {d.id: d.placement or "wrist" for d in self.ctx.devices(kind="wearable")}
        """Where each configured wearable is worn (unset: wrist, the usual watch)."""
        self.streams: dict[str, WearableStream] = {}
        """Each wearable's samples as one stream across its bursts, by device id."""
        self.stream_locks: dict[str, asyncio.Lock] = {}
        self.wearer: dict[str, str | None] = {}
        self.taken_off: set[str] = set()
        """Wearables whose last wear state was "not worn": a watch put down or dropped is nobody's fall."""
        self.ctx.call_later(0, self._take_up_unfinished_checks)

    async def _take_up_unfinished_checks(self) -> None:
        """Falls of the last ``resume_within`` seconds whose check never ended: carehub stopped mid-window."""
        now = self.ctx.now()
        since = now - timedelta(seconds=self.settings.resume_within)
        ended = {e.fall_id for e in await self.ctx.events(FallCheckEnded, FallCheckResumed, since=since, limit=1000)
                 if isinstance(e, (FallCheckEnded, FallCheckResumed))}
        falls = await self.ctx.events(FallDetected, since=since, limit=1000)
        handled: dict[str | None, datetime] = {}
        for fall in sorted(falls, key=lambda f: f.ts):
            before = handled.get(fall.person)
            if before is not None and (fall.ts - before).total_seconds() <= self.settings.same_fall_within:
                continue  # the same fall, reported twice
            handled[fall.person] = fall.ts
            if fall.id in ended:
                continue
            left = max(0.0, self.settings.cancel_window - (now - fall.ts).total_seconds())
            self.ctx.log.warning("fall %s at %s: its check was not finished when carehub stopped; taking it up "
                                 "(%.0f s of the window left)", fall.id, fall.ts.isoformat(), left)
            await self.ctx.emit(FallCheckResumed(fall_id=fall.id, fell_at=fall.ts.isoformat(), seconds_left=left,
                                                 person=fall.person, device=fall.device, cause=fall.id))
        self.last_fall.update({p: ts for p, ts in handled.items() if p is not None})

    @on(FallCheckResumed)
    async def resumed(self, event: FallCheckResumed) -> None:
        person = event.person
        if person is not None and person in self.cancelled:
            return  # a new fall of theirs is being asked about already
        await self._check(event.fall_id, person, event.device, datetime.fromisoformat(event.fell_at),
                          event.seconds_left, resumed=True)

    def _stream(self, device: str) -> WearableStream:
        stream = self.streams.get(device)
        if stream is None:
            model = self.models[self.placement.get(device, "wrist")]
            if self.settings.impact_g is not None:
                model = replace(model, trigger_g=self.settings.impact_g,
                                low_trigger_g=min(model.low_trigger_g, self.settings.impact_g))
            stream = self.streams[device] = WearableStream(model, max_gap_s=self.settings.max_gap)
            self.stream_locks[device] = asyncio.Lock()
        return stream

    def _call_off(self, person: str | None, reason: str) -> None:
        if person in self.cancelled and not self.cancelled[person].is_set():
            self.cancel_reason[person] = reason
            self.cancelled[person].set()

    @on(AccelerationSampled)
    async def samples(self, event: AccelerationSampled) -> None:
        person = event.person
        if person in self.cancelled and self.settings.getting_up_cancels:
            up = await asyncio.to_thread(up_and_moving, event.samples, event.rate_hz, lying=self.lying.get(person))
            if up:
                self._call_off(person, "got up")
                return
        device = event.device or ""
        if not self.settings.detect_from_samples or device in self.taken_off:
            return
        stream = self._stream(device)
        self.wearer[device] = person
        # The hub stamps a burst when it takes the message: that is the time of its last sample.
        async with self.stream_locks[device]:
            update = await asyncio.to_thread(stream.add, event.ts.timestamp(), event.rate_hz, event.samples)
        if update.dropped:
            self.ctx.log.warning("samples %s from %s are older than the stream: dropped (%d so far)",
                                 event.id, device, stream.dropped)
            return
        if update.gap_s is not None:
            self.ctx.log.info("samples %s from %s follow a %.1f s gap: judged what was there, started afresh",
                              event.id, device, update.gap_s)
        last = stream.last_ts

        async def judge_on_silence() -> None:
            async with self.stream_locks[device]:
                if stream.last_ts != last:
                    return  # more samples came: the stream goes on
                falls = await asyncio.to_thread(stream.flush)
            for fall in falls:
                await self._found(device, fall)

        self.ctx.call_later(stream.silence_s, judge_on_silence)
        for fall in update.falls:
            await self._found(device, fall)

    async def _found(self, device: str, fall: DetectedFall) -> None:
        person = self.wearer.get(device)
        if person is not None:
            self.lying[person] = fall.verdict.posture_after
        self.ctx.log.info("fall found in %s's samples: %s", device or "a wearable", fall.verdict)
        await self.ctx.emit(FallDetected(source="detector", confidence=fall.verdict.confidence,
                                         device=device or None, person=person))

    @on(WearStateReported)
    async def worn(self, event: WearStateReported) -> None:
        device = event.device or ""
        if event.worn:
            self.taken_off.discard(device)
        else:
            self.taken_off.add(device)

    @on(StepsCounted)
    async def stepped(self, event: StepsCounted) -> None:
        person = event.person
        if person is None:
            return
        self.steps[person] = event.steps
        if person not in self.cancelled or not self.settings.getting_up_cancels:
            return
        start = self.steps_at_fall.get(person)
        if start is None:  # the first count since the fall is the baseline
            self.steps_at_fall[person] = event.steps
        elif event.steps - start >= self.settings.getting_up_steps:
            self._call_off(person, "got up")

    @on(ButtonPressed, action="cancel")
    async def cancel_pressed(self, event: ButtonPressed) -> None:
        self._call_off(event.person, "cancelled with the button")

    async def _where(self, person: str | None) -> str | None:
        """The room of the person's most recent motion, if any."""
        rows = await self.ctx.events(MotionDetected, person=person, limit=1) if person else []
        rooms = {d.id: d.room for d in self.ctx.devices()}
        return rooms.get(rows[0].device or "") if rows else None

    @on(FallDetected)
    async def fell(self, event: FallDetected) -> None:
        person = event.person
        if person is not None:
            if person in self.cancelled:
                return  # already asking about a fall a moment ago
            previous = self.last_fall.get(person)
            if previous is not None and abs((event.ts - previous).total_seconds()) <= self.settings.same_fall_within:
                self.ctx.log.info("fall %s is the one reported at %s", event.id, previous)
                return
            self.last_fall[person] = event.ts
        await self._check(event.id, person, event.device, event.ts, self.settings.cancel_window)

    async def _check(self, fall_id: str, person: str | None, device: str | None, fell_at: datetime, window: float,
                     *, resumed: bool = False) -> None:
        """Ask for ``window`` seconds, then alert unless called off; ``fall_check_ended`` says how it ended."""
        profile = self.ctx.person(person) if person else None
        language = short_language(self.ctx.language(person))
        outcome = "no answer (carehub was off during the cancel window)" if resumed and window <= 0 else "no answer"
        if person is not None and window > 0:
            called_off = self.cancelled[person] = asyncio.Event()
            self.steps_at_fall[person] = self.steps.get(person)
            try:
                asking = asyncio.ensure_future(self.ctx.ask(QUESTION[language], person=person, timeout=window))
                button = asyncio.ensure_future(called_off.wait())
                await asyncio.wait({asking, button}, return_when=asyncio.FIRST_COMPLETED)
                if button.done():
                    asking.cancel()
                    outcome = self.cancel_reason.pop(person, "cancelled with the button")
                else:
                    button.cancel()
                    answer = asking.result()
                    if answer is not None and OK_WORDS.search(answer) and not HELP_WORDS.search(answer):
                        outcome = f"answered: {answer}"
                    elif answer is not None:
                        outcome = f"asked for help: {answer}"
            finally:
                self.cancelled.pop(person, None)
            if outcome.startswith(("cancelled", "answered", "got up")):
                self.ctx.log.info("fall %s called off (%s)", fall_id, outcome)
                await self.ctx.emit(FallCheckEnded(fall_id=fall_id, outcome=outcome, alerted=False, person=person,
                                                   device=device))
                await self.ctx.say(CALLED_OFF[language], person=person)
                return
        if person is not None:
            await self.ctx.say(CALLING[language], person=person)
        room = await self._where(person)
        when = fell_at.astimezone(ZoneInfo(self.ctx.timezone)).strftime("%H:%M")  # when it happened
        name = profile.name if profile else (device or "someone")
        where_en = f" in the {self.ctx.room_name(room, 'en')}" if room else ""
        where_zh = f"在{self.ctx.room_name(room, 'zh-CN')}" if room else ""
        outcome_zh = OUTCOME_ZH.get(outcome) or outcome.replace("asked for help:", "请求帮助：")
        await self.ctx.notify(
            {"en": f"{name} may have fallen{where_en} at {when} ({outcome}).",
             "zh": f"{name} 可能于 {when} {where_zh}摔倒（{outcome_zh}）。"},
            priority="high", person=person, kind="fall", device=device, self_cancel=True)
        await self.ctx.emit(FallCheckEnded(fall_id=fall_id, outcome=outcome, alerted=True, person=person,
                                           device=device))
