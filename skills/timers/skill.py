"""The timers skill: start, ask about, change and cancel timers by voice; each rings in the room it was set
in, in the language it was set in, and survives a restart of the hub."""

from __future__ import annotations

import uuid
from datetime import timedelta

from skills.sdk import IntentMatch, NoSettings, Skill, intent
from skills.timers import wording
from skills.timers.events import TimerAdjusted, TimerCancelled, TimerFinished, TimerStarted
from skills.timers.model import STORE_PREFIX, Timer, clean_name, one_of, select, slot_seconds


class Timers(Skill[NoSettings]):
    """Kitchen timers, several at once, on Home Assistant's timer sentences (en, zh-CN) and a few more."""

    async def setup(self) -> None:
        self.timers: dict[str, Timer] = {}
        now = self.ctx.now()
        for key in await self.ctx.store.keys():
            if not key.startswith(STORE_PREFIX):
                continue
            try:
                timer = Timer.from_json(await self.ctx.store.get(key))
            except (TypeError, ValueError, KeyError) as error:
                self.ctx.log.warning("timer %s cannot be read back, dropped: %s", key, error)
                await self.ctx.store.delete(key)
                continue
            self.timers[timer.id] = timer
            if timer.due is not None:  # one that ran out while the hub was down rings at once, saying so
                self._arm(timer, late=timer.due <= now)

    # -- keeping and ringing -------------------------------------------------------------------------------

    async def _keep(self, timer: Timer) -> None:
        self.timers[timer.id] = timer
        await self.ctx.store.set(STORE_PREFIX + timer.id, timer.to_json())

    async def _drop(self, timer: Timer) -> None:
        self.timers.pop(timer.id, None)
        await self.ctx.store.delete(STORE_PREFIX + timer.id)

    def _arm(self, timer: Timer, late: bool = False) -> None:
        """Ring ``timer`` at its due time. A call cannot be taken back, so ``_ring`` checks the timer is
        still there and due: a cancelled, paused or lengthened one is left alone by an earlier call."""
        assert timer.due is not None
        delay = max(0.0, (timer.due - self.ctx.now()).total_seconds())

        async def ring() -> None:
            await self._ring(timer.id, late)

        self.ctx.call_later(delay, ring)

    async def _ring(self, timer_id: str, late: bool) -> None:
        timer = self.timers.get(timer_id)
        now = self.ctx.now()
        if timer is None or timer.due is None or timer.due > now:
            return
        await self._drop(timer)  # before speaking: a timer is announced once, even if the hub stops now
        late_by = (now - timer.due).total_seconds()
        name = wording.label(timer, timer.language)
        text = (wording.say("finished_late", timer.language, label=name, ago=wording.duration(late_by, timer.language))
                if late else wording.say("finished", timer.language, label=name))
        await self.ctx.emit(TimerFinished(timer=timer.id, seconds=timer.seconds, name=timer.name, room=timer.room,
                                          late_seconds=late_by, person=timer.person))
        await self.ctx.say(text, person=timer.person, room=timer.room, language=timer.language)

    # -- which timer a request means ---------------------------------------------------------------------

    def _candidates(self, match: IntentMatch) -> list[Timer]:
        return select(list(self.timers.values()), name=match.slots.get("name"),
                      start_seconds=slot_seconds(match.slots, "start_"), area=match.slots.get("area"))

    def _one(self, match: IntentMatch) -> tuple[Timer | None, str | None]:
        """The timer meant, or the reply saying why there is none (no timers, no such timer, which one?)."""
        if not self.timers:
            return None, wording.say("none", match.language)
        candidates = self._candidates(match)
        if not candidates:
            return None, wording.say("no_match", match.language)
        timer = one_of(candidates, match.room)
        if timer is None:
            return None, wording.say("which", match.language, labels=wording.choices(candidates, match.language))
        return timer, None

    # -- intents -----------------------------------------------------------------------------------------

    @intent("HassStartTimer")
    async def start(self, match: IntentMatch) -> str:
        if match.slots.get("conversation_command"):  # "in five minutes turn off the light": not a timer
            return wording.say("command", match.language)
        seconds = slot_seconds(match.slots)
        if seconds <= 0:
            return wording.say("how_long", match.language)
        now = self.ctx.now()
        timer = Timer(id=uuid.uuid4().hex[:12], seconds=seconds, started=now, due=now + timedelta(seconds=seconds),
                      name=clean_name(match.slots.get("name")), room=match.room, person=match.person,
                      language=match.language)
        await self._keep(timer)
        self._arm(timer)
        assert timer.due is not None
        await self.ctx.emit(TimerStarted(timer=timer.id, seconds=seconds, due=timer.due.isoformat(), name=timer.name,
                                         room=timer.room, language=timer.language, person=match.person))
        return wording.say("started_named" if timer.name else "started", match.language,
                           label=wording.label(timer, match.language),
                           duration=wording.duration(seconds, match.language))

    @intent("HassTimerStatus")
    async def status(self, match: IntentMatch) -> str:
        if not self.timers:
            return wording.say("none", match.language)
        timers = self._candidates(match)
        if not timers:
            return wording.say("no_match", match.language)
        now = self.ctx.now()
        return wording.status(timers, [t.left(now) for t in timers], match.language)

    @intent("HassCancelTimer")
    async def cancel(self, match: IntentMatch) -> str:
        timer, refusal = self._one(match)
        if timer is None:
            return refusal or ""
        await self._cancel(timer)
        return wording.say("cancelled", match.language, label=wording.label(timer, match.language))

    @intent("HassCancelAllTimers")
    async def cancel_all(self, match: IntentMatch) -> str:
        timers = select(list(self.timers.values()), area=match.slots.get("area"))
        if not timers:
            return wording.say("none", match.language)
        for timer in timers:
            await self._cancel(timer)
        if len(timers) == 1:
            return wording.say("cancelled", match.language, label=wording.label(timers[0], match.language))
        return wording.say("cancelled_all", match.language, count=len(timers))

    async def _cancel(self, timer: Timer) -> None:
        await self._drop(timer)
        await self.ctx.emit(TimerCancelled(timer=timer.id, left_seconds=timer.left(self.ctx.now()), name=timer.name,
                                           person=timer.person))

    @intent("HassIncreaseTimer")
    async def increase(self, match: IntentMatch) -> str:
        return await self._shift(match, +1)

    @intent("HassDecreaseTimer")
    async def decrease(self, match: IntentMatch) -> str:
        return await self._shift(match, -1)

    async def _shift(self, match: IntentMatch, sign: int) -> str:
        timer, refusal = self._one(match)
        if timer is None:
            return refusal or ""
        seconds = slot_seconds(match.slots)
        now = self.ctx.now()
        changed = timer.shifted(sign * seconds, now)
        await self._keep(changed)
        if changed.due is not None:
            self._arm(changed)
        await self.ctx.emit(TimerAdjusted(timer=timer.id, change="added" if sign > 0 else "removed", seconds=seconds,
                                          due=changed.due.isoformat() if changed.due else None, person=timer.person))
        values = {"label": wording.label(timer, match.language), "duration": wording.duration(seconds, match.language),
                  "left": wording.duration(changed.left(now), match.language)}
        if sign > 0:
            return wording.say("added", match.language, **values)
        return wording.say("removed" if changed.left(now) > 0 else "removed_to_zero", match.language, **values)

    @intent("HassPauseTimer")
    async def pause(self, match: IntentMatch) -> str:
        timer, refusal = self._one(match)
        if timer is None:
            return refusal or ""
        name = wording.label(timer, match.language)
        if timer.due is None:
            return wording.say("already_paused", match.language, label=name)
        now = self.ctx.now()
        paused = timer.paused(now)
        await self._keep(paused)
        await self.ctx.emit(TimerAdjusted(timer=timer.id, change="paused", person=timer.person))
        left = wording.duration(paused.left(now), match.language)
        return wording.say("paused", match.language, label=name, left=left)

    @intent("HassUnpauseTimer")
    async def unpause(self, match: IntentMatch) -> str:
        timer, refusal = self._one(match)
        if timer is None:
            return refusal or ""
        name = wording.label(timer, match.language)
        if timer.due is not None:
            return wording.say("not_paused", match.language, label=name)
        now = self.ctx.now()
        resumed = timer.resumed(now)
        await self._keep(resumed)
        self._arm(resumed)
        assert resumed.due is not None
        await self.ctx.emit(TimerAdjusted(timer=timer.id, change="resumed", due=resumed.due.isoformat(),
                                          person=timer.person))
        left = wording.duration(resumed.left(now), match.language)
        return wording.say("resumed", match.language, label=name, left=left)
