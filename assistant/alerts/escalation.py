"""Escalation: deliver each open alert's steps on time, to the right caregivers, until someone acknowledges.

A step is marked as sending (once per caregiver, enforced by a unique index) before anything goes
out, so a hub killed mid-escalation resumes on restart at the step and time it had reached and never
sends a caregiver the same step twice; a send interrupted by the crash is retried (delivery is at
least once, and every message carries the alert id).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from assistant.alerts.delivery import APP_CHANNEL, AppDelivery, Notifier, channel_label
from assistant.alerts.model import Alert, AlertStatus, Priority
from assistant.alerts.policy import UNREACHABLE, plan_step, quiet_until, render, retry_delay
from assistant.alerts.store import AlertStore
from assistant.alerts.tokens import CaregiverTokens
from assistant.alerts.threads import on_file
from assistant.clock import Clock
from assistant.config import CaregiverConfig, Config
from assistant.events import AlertDelivered, AlertEscalated, AlertUndeliverable, CaregiversUnreachable
from assistant.ports import EventSink

log = logging.getLogger(__name__)

Announcer = Callable[[str, str, "str | None"], Awaitable[list[str]]]
"""Says ``(text, language, cause)`` on every speaker at home; returns the speakers it was said on."""


class Escalation:
    """The timer that runs due steps, and the deliveries it starts."""

    def __init__(self, config: Config, store: AlertStore, notifier: Notifier, sink: EventSink, clock: Clock, *,
                 announce: Announcer | None = None, app: AppDelivery | None = None) -> None:
        self._config = config
        self._app = app
        self._announce = announce
        self._failed_rounds: dict[str, int] = {}
        """High alerts that reached nobody in their last rounds, and how many rounds in a row."""
        self._store = store
        self.notifier = notifier
        self._sink = sink
        self._clock = clock
        self._zone = ZoneInfo(config.home.timezone)
        self._tokens: CaregiverTokens | None = None
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._running: set[asyncio.Task[Any]] = set()

    # -- life cycle -------------------------------------------------------------------------------

    async def start(self, tokens: CaregiverTokens) -> None:
        """Resend what a crash interrupted (at least once), then run the timer from where it was."""
        self._tokens = tokens
        for alert in await on_file(self._store.open_alerts):
            for step, caregiver in await on_file(self._store.unfinished_sends, alert.id):
                self._spawn(self._deliver(alert, step, caregiver))
        self._task = asyncio.create_task(self._timer(), name="carehub-alerts")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        for task in list(self._running):
            task.cancel()
        await asyncio.gather(*self._running, return_exceptions=True)

    def wake(self) -> None:
        """Look at the open alerts again now (one was raised, acknowledged or resolved)."""
        self._wake.set()

    def raised(self, alert: Alert) -> None:
        """A new alert: its first step runs now, without the timer reading every open alert first (a low alert waits
        for its digest on the timer). Should the timer come to it too, the step's marks let one of them send."""
        if alert.priority is Priority.LOW or self._task is None:
            self.wake()
            return
        self._spawn(self._run_step(alert, self._clock.now()))

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def settle(self, timeout: float = 1.0) -> None:
        """Wait (up to ``timeout`` real seconds) for deliveries in flight; some may be waiting on the clock."""
        if self._running:
            await asyncio.wait(list(self._running), timeout=timeout)

    # -- the timer ------------------------------------------------------------------------------------

    async def _timer(self) -> None:
        while True:
            self._wake.clear()
            alerts = await on_file(self._store.open_alerts)
            for gone in set(self._failed_rounds) - {a.id for a in alerts}:
                del self._failed_rounds[gone]
            now = self._clock.now()
            due = [a for a in alerts if a.next_at and a.next_at <= now]
            for alert in due:
                if alert.priority is not Priority.LOW:
                    await self._run_step(alert, now)
            digest = [a for a in due if a.priority is Priority.LOW]
            if digest:
                await self._run_digest(digest, now)
            if due:
                continue
            upcoming = [a.next_at for a in alerts if a.next_at]
            # Until an absolute time: the clock may have moved on since ``now`` was read.
            sleeper = asyncio.ensure_future(self._clock.sleep_until(min(upcoming))) if upcoming else None
            waker = asyncio.ensure_future(self._wake.wait())
            try:
                await asyncio.wait({t for t in (sleeper, waker) if t is not None},
                                   return_when=asyncio.FIRST_COMPLETED)
            finally:
                for t in (sleeper, waker):
                    if t is not None:
                        t.cancel()

    async def _run_step(self, alert: Alert, now: datetime) -> None:
        caregivers = self._config.caregivers_of(alert.person)
        # Whether anyone was reached matters only to a high alert past its rounds (the file is asked only then).
        reached = alert.priority is not Priority.HIGH or alert.step < self._config.alerts.high.max_rounds \
            or await on_file(self._store.ever_delivered, alert.id)
        step = plan_step(alert.priority, alert.step, caregivers, self._config.alerts, reached=reached)
        if step is None:
            # Nothing more to do: no caregivers at all, or every round went unanswered.
            await on_file(self._store.begin_step, alert.id, alert.step, (), None, now)
            await on_file(self._store.mark, alert.id, "exhausted", now, "no further step", alert.step)
            if not caregivers:
                await self._sink.emit(AlertUndeliverable(alert_id=alert.id, step=alert.step, person=alert.person,
                                                         cause=alert.cause))
            return
        next_at = now + timedelta(seconds=step.next_in) if step.next_in is not None else None
        fresh = await on_file(self._store.begin_step, alert.id, step.number, step.caregivers, next_at, now)
        if fresh is None:
            return
        self.wake()  # the timer sleeps until the alert's next step (it goes on reading if it ran this step)
        if step.number > 0:
            await self._sink.emit(AlertEscalated(alert_id=alert.id, step=step.number, caregivers=step.caregivers,
                                                 person=alert.person, cause=alert.cause))
        results = await asyncio.gather(*(self._deliver(alert, step.number, c) for c in fresh))
        if any(results):
            self._failed_rounds.pop(alert.id, None)
        elif fresh:
            await self._reached_nobody(alert, step.number, fresh)

    async def _reached_nobody(self, alert: Alert, step: int, tried: list[str]) -> None:
        """A step reached nobody: say so, and for a high alert retry with capped backoff while it is open."""
        await self._sink.emit(AlertUndeliverable(alert_id=alert.id, step=step, person=alert.person,
                                                 cause=alert.cause))
        log.error("alert %s step %d reached nobody", alert.id, step)
        if alert.priority is not Priority.HIGH:
            return
        failed = self._failed_rounds[alert.id] = self._failed_rounds.get(alert.id, 0) + 1
        retry_at = self._clock.now() + timedelta(seconds=retry_delay(failed, self._config.alerts.high))
        # Always a next time, even after the last planned round: reaching nobody must never be the end.
        await on_file(self._store.bring_forward, alert.id, retry_at)
        self._wake.set()
        if failed == 1:
            await self._technical_alarm(alert, tried=tuple(tried))

    async def _technical_alarm(self, alert: Alert, tried: tuple[str, ...]) -> None:
        """"Cannot reach any caregiver": on every channel of every other caregiver, and aloud at home."""
        name = self._name_of(alert)
        told: list[str] = []
        urls = dict.fromkeys(url for c in self._config.caregivers if c.id not in tried for url in c.channels)
        for url in urls:
            caregiver = next(c for c in self._config.caregivers if url in c.channels)
            words = UNREACHABLE["zh" if caregiver.language.startswith("zh") else "en"]
            body = words["body"].format(name=name, kind=alert.kind, alert_id=alert.id)
            ok, _ = await self.notifier.send(url, words["title"], body, Priority.HIGH.value)
            if ok:
                told.append(channel_label(url))
        spoken: list[str] = []
        if self._announce is not None:
            person = self._config.person(alert.person) if alert.person else None
            language = (person.language if person else None) or self._config.home.language
            text = UNREACHABLE["zh" if language.startswith("zh") else "en"]["spoken"]
            try:
                spoken = await self._announce(text, language, alert.cause)
            except Exception:  # noqa: BLE001 - the alarm must go on even if a speaker is broken
                log.exception("could not say the technical alarm for alert %s", alert.id)
        log.error("alert %s: cannot reach any caregiver; told %s, said on %s", alert.id, told or "no channel",
                  spoken or "no speaker")
        await self._sink.emit(CaregiversUnreachable(alert_id=alert.id, told=tuple(told), spoken_on=tuple(spoken),
                                                    person=alert.person, device=alert.device, cause=alert.cause))

    async def _retry_waiting(self, delivered: list[str]) -> None:
        """A channel took a message: the alerts waiting out a backoff may get through now too."""
        waiting = [a for a in self._failed_rounds if a not in delivered]
        if not waiting:
            return
        now = self._clock.now()
        for alert_id in waiting:
            await on_file(self._store.bring_forward, alert_id, now)
        self._wake.set()

    def _ack_link(self, alert_id: str, caregiver_id: str) -> str:
        assert self._tokens is not None
        return self._tokens.ack_link(alert_id, caregiver_id)

    def _name_of(self, alert: Alert) -> str:
        person = self._config.person(alert.person) if alert.person else None
        return person.name if person else self._config.home.name

    async def _deliver(self, alert: Alert, step: int, caregiver_id: str) -> bool:
        """One alert's step to one caregiver."""
        caregiver = self._config.caregiver(caregiver_id)
        if caregiver is None:
            return False
        title, body = render(caregiver.language, priority=alert.priority, person_name=self._name_of(alert),
                             kind=alert.kind, message=alert.message(caregiver.language), alert_id=alert.id,
                             link=self._ack_link(alert.id, caregiver_id), count=alert.count, step=step)
        return await self._send(caregiver, [alert], step, title, body)

    async def _run_digest(self, alerts: list[Alert], now: datetime) -> None:
        """Low alerts due together go to each caregiver as one digest message."""
        per_caregiver: dict[str, list[Alert]] = {}
        for alert in alerts:
            step = plan_step(Priority.LOW, alert.step, self._config.caregivers_of(alert.person), self._config.alerts)
            recipients = step.caregivers if step is not None else ()
            fresh = await on_file(self._store.begin_step, alert.id, alert.step, recipients, None, now)
            for caregiver_id in fresh or []:
                per_caregiver.setdefault(caregiver_id, []).append(alert)
        for caregiver_id, batch in per_caregiver.items():
            caregiver = self._config.caregiver(caregiver_id)
            if caregiver is None:
                continue
            lines = [f"- {self._name_of(a)}: {a.message(caregiver.language)} ({self._ack_link(a.id, caregiver_id)})"
                     for a in batch]
            zh = caregiver.language.startswith("zh")
            title = (f"每日汇总：{len(batch)} 条提醒" if zh else f"Daily digest: {len(batch)} notice(s)")
            body = "\n".join(lines) + "\n" + "\n".join(f"alert-id: {a.id} step: 0" for a in batch)
            self._spawn(self._send(caregiver, batch, 0, title, body))

    async def _send(self, caregiver: CaregiverConfig, alerts: list[Alert], step: int, title: str,
                    body: str) -> bool:
        """Try each of the caregiver's channels (with retries and backoff) until one takes the message."""
        priority = alerts[0].priority
        ids = [a.id for a in alerts]

        async def any_open() -> bool:
            return any([await self._still_open(i) for i in ids])

        if priority is Priority.LOW:
            # Quiet hours hold back low priority only; the send stays marked, so a restart waits again.
            wake = quiet_until(caregiver.quiet_hours, self._clock.now(), self._zone)
            if wake is not None:
                await self._clock.sleep_until(wake)
                if not await any_open():
                    return False
        attempts = self._config.alerts.delivery_attempts
        channels = caregiver.channels
        shown = await self._to_app(caregiver, alerts, step, final=not channels)
        for c_index, url in enumerate(channels):
            label = channel_label(url)
            for attempt in range(attempts):
                if (attempt or c_index) and not await any_open():
                    return shown  # acknowledged while this step was retrying: stop
                ok, detail = await self.notifier.send(url, title, body, priority.value)
                last_try = ok or (attempt == attempts - 1 and c_index == len(channels) - 1)
                for alert in alerts:
                    await on_file(self._store.record_delivery, alert.id, step, caregiver.id, label, ok,
                                            detail, self._clock.now(), last_try)
                    await self._sink.emit(AlertDelivered(alert_id=alert.id, caregiver=caregiver.id, channel=label,
                                                         step=step, ok=ok, detail=detail, person=alert.person,
                                                         cause=alert.cause))
                if ok:
                    await self._retry_waiting(ids)
                    return True
                if attempt < attempts - 1:
                    await self._clock.sleep(2 ** attempt)
        if not channels and self._app is None:
            for alert in alerts:
                await on_file(self._store.record_delivery, alert.id, step, caregiver.id, "-", False,
                                        "caregiver has no channels", self._clock.now(), True)
        return shown

    async def _to_app(self, caregiver: CaregiverConfig, alerts: list[Alert], step: int, *, final: bool) -> bool:
        """The caregiver app, every caregiver's channel besides their own: delivered when their open app took
        the alert (their other channels are still sent: a phone in a pocket needs its push notification)."""
        if self._app is None:
            return False
        ok, detail = await self._app.deliver(caregiver.id, [a.id for a in alerts])
        if not ok and not final:
            return False  # their own channels are tried next; their results say how the step went
        for alert in alerts:
            await on_file(self._store.record_delivery, alert.id, step, caregiver.id, APP_CHANNEL, ok,
                                    detail, self._clock.now(), True)
            await self._sink.emit(AlertDelivered(alert_id=alert.id, caregiver=caregiver.id, channel=APP_CHANNEL,
                                                 step=step, ok=ok, detail=detail, person=alert.person,
                                                 cause=alert.cause))
        if ok:
            await self._retry_waiting([a.id for a in alerts])
        return ok

    async def _still_open(self, alert_id: str) -> bool:
        current = await on_file(self._store.get, alert_id)
        return current is not None and current.status is AlertStatus.OPEN
