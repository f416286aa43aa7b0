"""The alert desk: the one place alerts are raised, read, acknowledged and resolved.

Skills (through their context), the HTTP API and the CLI all come here, so the rule of who may see
and acknowledge an alert is written once: a caregiver, for the people they look after (and for
household alerts that are about nobody in particular). Every transition is committed to the
``alerts`` / ``alert_log`` tables, then logged as an event with its cause.
"""

from __future__ import annotations

import builtins

import logging
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from assistant.alerts.model import Alert, AlertStatus, Priority, Transition
from assistant.alerts.policy import fold_key, next_digest
from assistant.alerts.store import AlertStore
from assistant.alerts.tokens import CaregiverTokens
from assistant.alerts.threads import on_file
from assistant.clock import Clock
from assistant.config import CaregiverConfig, Config
from assistant.errors import ReasonError
from assistant.events import (
    AlertAcknowledged, AlertFolded, AlertRaised, AlertRequested, AlertResolved, ButtonPressed, Event,
)
from assistant.ids import new_id
from assistant.ports import EventSink

log = logging.getLogger(__name__)


class AlertRefused(ReasonError):
    """A request about an alert that cannot be carried out; ``status`` is the HTTP status that fits."""

    status = 400


class UnknownAlert(AlertRefused):
    """No alert has that id."""

    status = 404

    def __init__(self, alert_id: str) -> None:
        self.alert_id = alert_id
        super().__init__(f"no alert with id {alert_id}")


class UnknownCaregiver(AlertRefused):
    """No caregiver in the configuration has that id."""

    status = 404

    def __init__(self, caregiver_id: str) -> None:
        self.caregiver_id = caregiver_id
        super().__init__(f"no caregiver with id '{caregiver_id}' in the configuration")


class NotTheirs(AlertRefused):
    """The caregiver does not look after the person the alert is about."""

    status = 403

    def __init__(self, caregiver_id: str, person: str | None) -> None:
        self.caregiver_id = caregiver_id
        self.person = person
        super().__init__(f"caregiver '{caregiver_id}' does not look after '{person}'")


@dataclass(frozen=True)
class Acknowledgement:
    """What came of an acknowledgement."""

    alert: Alert
    """The alert as it stands now."""
    now: bool
    """True if this call acknowledged it; False if it already was acknowledged, or is resolved."""


def looks_after(caregiver: CaregiverConfig | None, person: str | None) -> bool:
    """The rule: a caregiver sees what is about the people they look after, and what is about nobody."""
    return caregiver is not None and (person is None or person in caregiver.people)


class AlertDesk:
    """Raises, lists, acknowledges and resolves one home's alerts."""

    def __init__(self, config: Config, store: AlertStore, sink: EventSink, clock: Clock) -> None:
        self._config = config
        self.store = store
        self._sink = sink
        self._clock = clock
        self._zone = ZoneInfo(config.home.timezone)
        self._changed: builtins.list[Callable[[], None]] = []
        self._changed_not_raised: builtins.list[Callable[[], None]] = []
        self._raised: builtins.list[Callable[[Alert], None]] = []
        self._tokens: CaregiverTokens | None = None

    async def start(self) -> None:
        """Read (or make) the hub's secret, which caregivers' derived tokens come from."""
        self._tokens = CaregiverTokens(self._config, await on_file(self.store.secret))

    @property
    def tokens(self) -> CaregiverTokens:
        if self._tokens is None:
            raise RuntimeError("the alert desk is not started")
        return self._tokens

    def when_changed(self, callback: Callable[[], None], *, raised: Callable[[Alert], None] | None = None) -> None:
        """Call ``callback`` whenever an alert is raised, acknowledged or resolved; with ``raised``, that is called
        with each new alert instead of ``callback`` (the escalation runs a new alert's first step at once, without
        reading every open alert again)."""
        if raised is None:
            self._changed.append(callback)
        else:
            self._changed_not_raised.append(callback)
            self._raised.append(raised)

    def _notify_changed(self, *, raised: bool = False) -> None:
        for callback in self._changed if raised else [*self._changed, *self._changed_not_raised]:
            callback()

    # -- who may see what: the one rule ------------------------------------------------------------------

    def may_see(self, caregiver_id: str, alert: Alert) -> bool:
        return looks_after(self._config.caregiver(caregiver_id), alert.person)

    async def alert_for(self, caregiver_id: str, alert_id: str) -> Alert:
        """The alert, if ``caregiver_id`` may see it (UnknownCaregiver, UnknownAlert, NotTheirs otherwise)."""
        if self._config.caregiver(caregiver_id) is None:
            raise UnknownCaregiver(caregiver_id)
        alert = await self.get(alert_id)
        if alert is None:
            raise UnknownAlert(alert_id)
        if not self.may_see(caregiver_id, alert):
            raise NotTheirs(caregiver_id, alert.person)
        return alert

    # -- reading ----------------------------------------------------------------------------------------

    async def get(self, alert_id: str) -> Alert | None:
        return await on_file(self.store.get, alert_id)

    async def history(self, alert_id: str) -> builtins.list[Transition]:
        return await on_file(self.store.history, alert_id)

    async def list(self, caregiver_id: str | None = None, status: AlertStatus | str | None = None,
                   limit: int = 100) -> builtins.list[Alert]:
        """Newest first: those a caregiver may see, or every alert for None."""
        people = None
        if caregiver_id is not None:
            caregiver = self._config.caregiver(caregiver_id)
            people = list(caregiver.people) if caregiver else []
        return await on_file(self.store.list, status=status, people=people, limit=limit)

    # -- raising ------------------------------------------------------------------------------------------

    async def on_alert_requested(self, event: Event) -> None:
        """A skill's ``ctx.notify`` (an ``alert_requested`` event) raises an alert or folds into one."""
        assert isinstance(event, AlertRequested)
        await self.raise_alert(kind=event.alert_kind or event.skill or "notice", priority=event.priority,
                               message=event.message, person=event.person, device=event.device, cause=event.id,
                               self_cancel=event.self_cancel)

    async def raise_alert(self, *, kind: str, priority: Priority | str, message: str | dict[str, str],
                          person: str | None = None, device: str | None = None, cause: str | None = None,
                          self_cancel: bool = False) -> str:
        """Open an alert (or fold it into the open one for the same condition); returns its id."""
        priority = Priority.parse(priority)
        now = self._clock.now()
        key = fold_key(person, kind, device)
        messages = message if isinstance(message, dict) else {"en": message}
        first_at = now if priority is not Priority.LOW else next_digest(self._config.alerts.low.digest_at, now,
                                                                        self._zone)
        alert = Alert(id=new_id(), raised_at=now, home=self._config.home.id, person=person, device=device,
                      kind=kind, priority=priority, messages=messages, cause=cause, status=AlertStatus.OPEN, count=1,
                      fold_key=key, self_cancel=self_cancel, step=0, next_at=first_at, updated=now)
        alert_id, count = await on_file(self.store.insert_or_fold, alert, self._config.alerts.fold_window)
        if count > 1:
            await self._sink.emit(AlertFolded(alert_id=alert_id, count=count, person=person, device=device,
                                              cause=cause))
            return alert_id
        # The ladder starts on the alert before the alert_raised event's commit is awaited: the alert's row is
        # committed, and the page must not wait behind every home's readings queued for the event log's writer thread.
        # The event is queued for the log before the ladder can run, so the log still has it before anything the
        # ladder logs.
        for callback in self._raised:
            callback(alert)
        self._notify_changed(raised=True)
        await self._sink.emit(AlertRaised(alert_id=alert.id, alert_kind=kind, priority=priority.value,
                                          message=alert.message("en"), person=person, device=device, cause=cause))
        log.warning("alert %s raised: %s %s for %s (cause %s)", alert.id, priority.value, kind, person, cause)
        return alert.id

    # -- acknowledging and resolving ------------------------------------------------------------------------

    async def acknowledge(self, alert_id: str, *, by: str, via: str) -> Acknowledgement:
        """A caregiver takes responsibility: no further step is sent. Refused (AlertRefused) when ``by`` is
        not a caregiver who looks after the alert's person."""
        await self.alert_for(by, alert_id)
        return await self._acknowledge(alert_id, by, via)

    async def acknowledge_as_admin(self, alert_id: str, *, admin: str, via: str) -> Acknowledgement:
        """An admin of the hub acknowledges any alert (recorded as ``admin:<id>``)."""
        if await self.get(alert_id) is None:
            raise UnknownAlert(alert_id)
        return await self._acknowledge(alert_id, f"admin:{admin}", via)

    async def acknowledge_for_centre(self, alert_id: str, *, staff: str, via: str) -> Acknowledgement:
        """A care centre's staff member acknowledges any alert of the home (recorded as ``centre:<id>``)."""
        if await self.get(alert_id) is None:
            raise UnknownAlert(alert_id)
        return await self._acknowledge(alert_id, f"centre:{staff}", via)

    async def _acknowledge(self, alert_id: str, by: str, via: str) -> Acknowledgement:
        done = await on_file(self.store.acknowledge, alert_id, by, via, self._clock.now())
        alert = await self.get(alert_id)
        if alert is None:
            raise UnknownAlert(alert_id)
        if done:
            await self._sink.emit(AlertAcknowledged(alert_id=alert_id, by=by, via=via, person=alert.person))
            self._notify_changed()
        return Acknowledgement(alert, done)

    async def on_button(self, event: Event) -> None:
        """A panic button's "cancel" acknowledges the person's open alerts that allow it."""
        if isinstance(event, ButtonPressed) and event.action == "cancel" and event.person is not None:
            await self.cancel_by_person(event.person, "button")

    async def cancel_by_person(self, person: str, via: str) -> builtins.list[str]:
        """The person says they are fine: acknowledge their open alerts that allow it; returns the ids."""
        done = []
        for alert in await on_file(self.store.open_alerts):
            if alert.person == person and alert.self_cancel:
                if (await self._acknowledge(alert.id, person, via)).now:
                    done.append(alert.id)
        return done

    async def resolve(self, alert_id: str, reason: str) -> bool:
        done = await on_file(self.store.resolve, alert_id, reason, self._clock.now())
        if done:
            await self._sink.emit(AlertResolved(alert_id=alert_id, reason=reason))
            self._notify_changed()
        return done

    async def resolve_condition(self, kind: str, *, device: str | None = None, person: str | None = None,
                                reason: str = "condition ended") -> int:
        """Resolve the open (or acknowledged) alert for a condition (same person, kind, device), if any."""
        alert = await on_file(self.store.find_unresolved, fold_key(person, kind, device))
        if alert is None:
            return 0
        return int(await self.resolve(alert.id, reason))
