"""Caregiver alerts: raise, fold, deliver, escalate on a timer, acknowledge, resolve — durably.

Every transition is committed to the ``alerts`` / ``alert_log`` tables before it takes effect, and
logged as an event with a cause link. A step is marked as sending (once per caregiver, enforced by
a unique index) before anything goes out, so a hub killed mid-escalation resumes on restart at the
step and time it had reached and never sends a caregiver the same step twice; a send interrupted by
the crash is retried (delivery is at least once, and every message carries the alert id).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from assistant.alerts.policy import PRIORITIES, fold_key, next_digest, plan_step, quiet_until, render
from assistant.alerts.store import AlertStore, caregiver_token
from assistant.alerts.delivery import Notifier, channel_label
from assistant.events import (
    AlertAcknowledged, AlertDelivered, AlertEscalated, AlertFolded, AlertRaised, AlertResolved, AlertUndeliverable,
    ButtonPressed, AlertRequested, Event,
)
from assistant.ids import new_id

if TYPE_CHECKING:
    from assistant.app import Hub

log = logging.getLogger(__name__)


class AlertManager:
    """Owns the alerts of one hub."""

    def __init__(self, hub: "Hub", notifier: Notifier) -> None:
        self.hub = hub
        self.config = hub.config
        self.notifier = notifier
        self.zone = ZoneInfo(hub.config.home.timezone)
        self.store: AlertStore | None = None
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._running: set[asyncio.Task[Any]] = set()
        self._secret = ""

    # -- life cycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        self.store = await asyncio.to_thread(AlertStore, self.config.database_path)
        self._secret = await asyncio.to_thread(self.store.secret)
        self.hub.bus.subscribe(self._on_notify, AlertRequested, name="alerts:notify")
        self.hub.bus.subscribe(self._on_cancel, ButtonPressed, name="alerts:cancel", action="cancel")
        # Sends a crash interrupted go out again (at least once); then the timer picks up where it was.
        for alert in await asyncio.to_thread(self.store.open_alerts):
            for send in await asyncio.to_thread(self.store.unfinished_sends, alert["id"]):
                self._spawn(self._deliver(alert, send["step"], send["caregiver"]))
        self._task = asyncio.create_task(self._timer(), name="carehub-alerts")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        for task in list(self._running):
            task.cancel()
        await asyncio.gather(*self._running, return_exceptions=True)
        if self.store is not None:
            self.store.close()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def settle(self, timeout: float = 1.0) -> None:
        """Wait (up to ``timeout`` real seconds) for deliveries in flight; some may be waiting on the clock."""
        if self._running:
            await asyncio.wait(list(self._running), timeout=timeout)

    # -- tokens ---------------------------------------------------------------------------------------

    def token_for(self, caregiver_id: str) -> str:
        caregiver = self.config.caregiver(caregiver_id)
        if caregiver is not None and caregiver.token:
            return caregiver.token
        return caregiver_token(self._secret, caregiver_id)

    def caregiver_by_token(self, token: str) -> str | None:
        import hmac

        for caregiver in self.config.caregivers:
            if hmac.compare_digest(self.token_for(caregiver.id), token):
                return caregiver.id
        return None

    def ack_link(self, alert_id: str, caregiver_id: str) -> str:
        base = self.config.alerts.public_url.rstrip("/")
        return f"{base}/api/alerts/{alert_id}/ack?token={self.token_for(caregiver_id)}"

    # -- raising -----------------------------------------------------------------------------------

    async def _on_notify(self, event: Event) -> None:
        assert isinstance(event, AlertRequested)
        await self.raise_alert(kind=event.alert_kind or event.skill or "notice", priority=event.priority,
                               message=event.message, person=event.person, device=event.device, cause=event.id,
                               self_cancel=event.self_cancel)

    async def raise_alert(self, *, kind: str, priority: str, message: str | dict[str, str],
                          person: str | None = None, device: str | None = None, cause: str | None = None,
                          self_cancel: bool = False) -> str:
        """Open an alert (or fold it into the open one for the same condition); returns its id."""
        if priority not in PRIORITIES:
            raise ValueError(f"priority must be one of {PRIORITIES}, not {priority!r}")
        assert self.store is not None
        now = self.hub.clock.now()
        key = fold_key(person, kind, device)
        messages = message if isinstance(message, dict) else {"en": message}
        existing = await asyncio.to_thread(self.store.find_open, key)
        if existing is not None and self.config.alerts.fold_window > 0:
            raised = datetime.fromisoformat(existing["raised_at"])
            if now - raised <= timedelta(seconds=self.config.alerts.fold_window):
                count = await asyncio.to_thread(self.store.fold, existing["id"], now)
                await self.hub.emit(AlertFolded(alert_id=existing["id"], count=count, person=person, device=device,
                                                cause=cause))
                return existing["id"]
        alert_id = new_id()
        first_at = now if priority != "low" else next_digest(self.config.alerts.low.digest_at, now, self.zone)
        alert = {
            "id": alert_id, "raised_at": now.isoformat(), "home": self.hub.home, "person": person,
            "device": device, "kind": kind, "priority": priority, "messages": messages, "cause": cause,
            "status": "open", "count": 1, "fold_key": key, "self_cancel": int(self_cancel), "step": 0,
            "next_at": first_at.isoformat(), "updated": now.isoformat(),
        }
        await asyncio.to_thread(self.store.insert, alert, now)
        await self.hub.emit(AlertRaised(alert_id=alert_id, alert_kind=kind, priority=priority,
                                        message=messages.get("en") or next(iter(messages.values()), ""),
                                        person=person, device=device, cause=cause))
        log.warning("alert %s raised: %s %s for %s (cause %s)", alert_id, priority, kind, person, cause)
        self._wake.set()
        return alert_id

    # -- the timer ------------------------------------------------------------------------------------

    async def _timer(self) -> None:
        assert self.store is not None
        while True:
            self._wake.clear()
            alerts = await asyncio.to_thread(self.store.open_alerts)
            now = self.hub.clock.now()
            due = [a for a in alerts if a["next_at"] and datetime.fromisoformat(a["next_at"]) <= now]
            for alert in due:
                if alert["priority"] != "low":
                    await self._run_step(alert, now)
            digest = [a for a in due if a["priority"] == "low"]
            if digest:
                await self._run_digest(digest, now)
            if due:
                continue
            upcoming = [datetime.fromisoformat(a["next_at"]) for a in alerts if a["next_at"]]
            # Until an absolute time: the clock may have moved on since ``now`` was read.
            sleeper = asyncio.ensure_future(self.hub.clock.sleep_until(min(upcoming))) if upcoming else None
            waker = asyncio.ensure_future(self._wake.wait())
            try:
                await asyncio.wait({t for t in (sleeper, waker) if t is not None},
                                   return_when=asyncio.FIRST_COMPLETED)
            finally:
                for t in (sleeper, waker):
                    if t is not None:
                        t.cancel()

    async def _run_step(self, alert: dict[str, Any], now: datetime) -> None:
        assert self.store is not None
        caregivers = self.config.caregivers_of(alert["person"])
        step = plan_step(alert["priority"], alert["step"], caregivers, self.config.alerts)
        if step is None:
            # Nothing more to do: no caregivers at all, or every round went unanswered.
            await asyncio.to_thread(self.store.begin_step, alert["id"], alert["step"], (), None, now)
            await asyncio.to_thread(self.store.mark, alert["id"], "exhausted", now, "no further step",
                                    alert["step"])
            if not caregivers:
                await self.hub.emit(AlertUndeliverable(alert_id=alert["id"], step=alert["step"],
                                                       person=alert["person"], cause=alert["cause"]))
            return
        next_at = now + timedelta(seconds=step.next_in) if step.next_in is not None else None
        fresh = await asyncio.to_thread(self.store.begin_step, alert["id"], step.number, step.caregivers,
                                        next_at, now)
        if fresh is None:
            return
        if step.number > 0:
            await self.hub.emit(AlertEscalated(alert_id=alert["id"], step=step.number, caregivers=step.caregivers,
                                               person=alert["person"], cause=alert["cause"]))
        results = await asyncio.gather(*(self._deliver(alert, step.number, c) for c in fresh))
        if fresh and not any(results):
            await self.hub.emit(AlertUndeliverable(alert_id=alert["id"], step=step.number, person=alert["person"],
                                                   cause=alert["cause"]))
            log.error("alert %s step %d reached nobody", alert["id"], step.number)
            if alert["priority"] == "high" and next_at is not None:
                # Reaching nobody is itself an emergency: widen now instead of waiting a round.
                await asyncio.to_thread(self.store.bring_forward, alert["id"], now)
                self._wake.set()

    def _message_for(self, alert: dict[str, Any], caregiver: Any) -> str:
        lang = "zh" if caregiver.language.startswith("zh") else "en"
        messages = alert["messages"]
        return messages.get(caregiver.language) or messages.get(lang) or messages.get("en") \
            or next(iter(messages.values()), "")

    async def _deliver(self, alert: dict[str, Any], step: int, caregiver_id: str) -> bool:
        """One alert's step to one caregiver."""
        caregiver = self.config.caregiver(caregiver_id)
        if caregiver is None:
            return False
        person = self.config.person(alert["person"]) if alert["person"] else None
        title, body = render(caregiver.language, priority=alert["priority"],
                             person_name=person.name if person else self.config.home.name, kind=alert["kind"],
                             message=self._message_for(alert, caregiver), alert_id=alert["id"],
                             link=self.ack_link(alert["id"], caregiver_id), count=alert.get("count") or 1, step=step)
        return await self._send(caregiver, [alert], step, title, body)

    async def _run_digest(self, alerts: list[dict[str, Any]], now: datetime) -> None:
        """Low alerts due together go to each caregiver as one digest message."""
        assert self.store is not None
        per_caregiver: dict[str, list[dict[str, Any]]] = {}
        for alert in alerts:
            step = plan_step("low", alert["step"], self.config.caregivers_of(alert["person"]), self.config.alerts)
            recipients = step.caregivers if step is not None else ()
            fresh = await asyncio.to_thread(self.store.begin_step, alert["id"], alert["step"], recipients, None, now)
            for caregiver_id in fresh or []:
                per_caregiver.setdefault(caregiver_id, []).append(alert)
        for caregiver_id, batch in per_caregiver.items():
            caregiver = self.config.caregiver(caregiver_id)
            if caregiver is None:
                continue
            lines = []
            for alert in batch:
                person = self.config.person(alert["person"]) if alert["person"] else None
                lines.append(f"- {person.name if person else self.config.home.name}: "
                             f"{self._message_for(alert, caregiver)} ({self.ack_link(alert['id'], caregiver_id)})")
            zh = caregiver.language.startswith("zh")
            title = (f"每日汇总：{len(batch)} 条提醒" if zh else f"Daily digest: {len(batch)} notice(s)")
            body = "\n".join(lines) + "\n" + "\n".join(f"alert-id: {a['id']} step: 0" for a in batch)
            self._spawn(self._send(caregiver, batch, 0, title, body))

    async def _send(self, caregiver: Any, alerts: list[dict[str, Any]], step: int, title: str, body: str) -> bool:
        """Try each of the caregiver's channels (with retries and backoff) until one takes the message."""
        assert self.store is not None
        priority = alerts[0]["priority"]
        ids = [a["id"] for a in alerts]

        async def any_open() -> bool:
            return any([await self._still_open(i) for i in ids])

        if priority == "low":
            # Quiet hours hold back low priority only; the send stays marked, so a restart waits again.
            now = self.hub.clock.now()
            wake = quiet_until(caregiver.quiet_hours, now, self.zone)
            if wake is not None:
                await self.hub.clock.sleep_until(wake)
                if not await any_open():
                    return False
        attempts = self.config.alerts.delivery_attempts
        channels = caregiver.channels
        for c_index, url in enumerate(channels):
            label = channel_label(url)
            for attempt in range(attempts):
                if (attempt or c_index) and not await any_open():
                    return False  # acknowledged while this step was retrying: stop
                ok, detail = await self.notifier.send(url, title, body, priority)
                last_try = ok or (attempt == attempts - 1 and c_index == len(channels) - 1)
                for alert in alerts:
                    await asyncio.to_thread(self.store.record_delivery, alert["id"], step, caregiver.id, label, ok,
                                            detail, self.hub.clock.now(), last_try)
                    await self.hub.emit(AlertDelivered(alert_id=alert["id"], caregiver=caregiver.id, channel=label,
                                                       step=step, ok=ok, detail=detail, person=alert["person"],
                                                       cause=alert["cause"]))
                if ok:
                    return True
                if attempt < attempts - 1:
                    await self.hub.clock.sleep(2 ** attempt)
        if not channels:
            for alert in alerts:
                await asyncio.to_thread(self.store.record_delivery, alert["id"], step, caregiver.id, "-", False,
                                        "caregiver has no channels", self.hub.clock.now(), True)
        return False

    async def _still_open(self, alert_id: str) -> bool:
        assert self.store is not None
        current = await asyncio.to_thread(self.store.get, alert_id)
        return current is not None and current["status"] == "open"

    # -- acknowledging and resolving -----------------------------------------------------------------

    async def acknowledge(self, alert_id: str, by: str, via: str) -> bool:
        assert self.store is not None
        done = await asyncio.to_thread(self.store.acknowledge, alert_id, by, via, self.hub.clock.now())
        if done:
            alert = await asyncio.to_thread(self.store.get, alert_id)
            await self.hub.emit(AlertAcknowledged(alert_id=alert_id, by=by, via=via,
                                                  person=alert["person"] if alert else None))
            self._wake.set()
        return done

    async def resolve(self, alert_id: str, reason: str) -> bool:
        assert self.store is not None
        done = await asyncio.to_thread(self.store.resolve, alert_id, reason, self.hub.clock.now())
        if done:
            await self.hub.emit(AlertResolved(alert_id=alert_id, reason=reason))
            self._wake.set()
        return done

    async def resolve_condition(self, kind: str, *, device: str | None = None, person: str | None = None,
                                reason: str = "condition ended") -> int:
        """Resolve the open alert for a condition (same person, kind, device), if there is one."""
        assert self.store is not None
        alert = await asyncio.to_thread(self.store.find_unresolved, fold_key(person, kind, device))
        if alert is None:
            return 0
        return int(await self.resolve(alert["id"], reason))

    async def _on_cancel(self, event: Event) -> None:
        """A panic button's "cancel" acknowledges the person's open alerts that allow it."""
        if event.person is not None:
            await self.cancel_by_person(event.person, "button")

    async def cancel_by_person(self, person: str, via: str) -> list[str]:
        """The person says they are fine: acknowledge their open alerts that allow it; returns the ids."""
        assert self.store is not None
        done = []
        for alert in await asyncio.to_thread(self.store.open_alerts):
            if alert["person"] == person and alert["self_cancel"]:
                if await self.acknowledge(alert["id"], person, via):
                    done.append(alert["id"])
        return done

    async def list_for(self, caregiver_id: str | None, status: str | None = None) -> list[dict[str, Any]]:
        """Alerts a caregiver may see (their people's), or every alert for None."""
        assert self.store is not None
        people = None
        if caregiver_id is not None:
            caregiver = self.config.caregiver(caregiver_id)
            people = list(caregiver.people) if caregiver else []
        return await asyncio.to_thread(self.store.list, status=status, people=people)

    def may_see(self, caregiver_id: str, alert: dict[str, Any]) -> bool:
        caregiver = self.config.caregiver(caregiver_id)
        return caregiver is not None and (alert["person"] is None or alert["person"] in caregiver.people)
