"""The context a skill talks to: ask, say, notify, command, emit, state, store and call_later."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import pytest

from assistant.errors import UnknownDevice
from skills.sdk import (
    ButtonPressed, Event, FallDetected, IntentMatch, Skill, SwitchStateReported, TurnOn, intent, on,
)

KITCHEN_SPEAKER = "carehub/home/kitchen-speaker/set"


# --- ask --------------------------------------------------------------------------------------------------


class CheckIn(Skill):
    @on(ButtonPressed, device="panic-button")
    async def pressed(self, event: ButtonPressed) -> None:
        answer = await self.ctx.ask("Are you OK?", person="grandma", timeout=60)
        await self.ctx.notify(f"answer: {answer}", person="grandma", priority="low" if answer else "high")


async def test_ask_returns_the_persons_next_utterance(skill_harness):
    h = await skill_harness(CheckIn)
    press = await h.publish(ButtonPressed(action="single"), device="panic-button")
    assert h.replies == ["Are you OK?"]
    assert h.published == [(KITCHEN_SPEAKER, {"say": "Are you OK?", "language": "en"})]
    assert h.notifications == []
    not_grandma = await h.say("yes I'm here", person="leo")  # someone else's words are not the answer
    assert not not_grandma.understood and h.notifications == []
    reply = await h.say("I'm fine, thank you", person="grandma")
    assert reply.intent == "answer" and reply.text is None
    (note,) = h.notifications
    assert (note.message, note.priority, note.person) == ("answer: I'm fine, thank you", "low", "grandma")
    (row,) = await h.rows(kind="alert_requested")
    assert row["cause"] == press.id


async def test_ask_returns_none_after_the_timeout(skill_harness):
    h = await skill_harness(CheckIn)
    await h.publish(ButtonPressed(action="single"), device="panic-button")
    await h.advance(59)
    assert h.notifications == []
    await h.advance(1)
    (note,) = h.notifications
    assert (note.message, note.priority) == ("answer: None", "high")
    # Once the question has timed out, grandma's words go to the intents again.
    assert not (await h.say("I'm fine", person="grandma")).understood
    assert len(h.notifications) == 1


# --- notify -----------------------------------------------------------------------------------------------


class FallAlert(Skill):
    @on(FallDetected)
    async def fell(self, event: FallDetected) -> None:
        await self.ctx.notify(f"{event.person} may have fallen", priority="high", person=event.person,
                              kind="fall")

    @on(ButtonPressed)
    async def pressed(self, event: ButtonPressed) -> None:
        await self.ctx.notify("button", priority="urgent")


async def test_notify_logs_a_alert_requested_row_with_priority_and_cause(skill_harness):
    h = await skill_harness(FallAlert)
    fall = await h.publish(FallDetected(confidence=0.9), device="grandma-watch")
    (row,) = await h.rows(kind="alert_requested")
    assert row["cause"] == fall.id and row["person"] == "grandma"
    assert {k: row["data"][k] for k in ("message", "priority", "alert_kind", "skill")} == {
        "message": "grandma may have fallen", "priority": "high", "alert_kind": "fall", "skill": "fall_alert"}


async def test_notify_refuses_an_unknown_priority(skill_harness):
    h = await skill_harness(FallAlert)
    await h.publish(ButtonPressed(), device="panic-button")
    (failure,) = h.failures
    assert failure.handler == "pressed" and "priority must be high, medium or low" in failure.error
    assert await h.rows(kind="alert_requested") == []


# --- command, say, device state ------------------------------------------------------------------------------


class Household(Skill):
    @intent("BoilKettle", en=["boil the kettle"])
    async def boil(self, match: IntentMatch) -> str:
        await self.ctx.command("kettle", TurnOn())  # the device is called kettle-plug
        return "boiling"

    @intent("LampState", en=["is the lamp on"])
    async def lamp(self, match: IntentMatch) -> str:
        return str(self.ctx.device_state("kitchen-light").get("on"))

    @intent("Dinner", en=["announce dinner"])
    async def dinner(self, match: IntentMatch) -> None:
        await self.ctx.say("Dinner is ready", room="kitchen")
        await self.ctx.say("Dinner is ready", room="bedroom")  # no speaker there: logged, not spoken

    @intent("Goodnight", en=["say goodnight"])
    async def goodnight(self, match: IntentMatch) -> None:
        await self.ctx.say("晚安", person="grandma")

    @intent("Inventory", en=["what is in the kitchen"])
    async def inventory(self, match: IntentMatch) -> str:
        lights = [d.id for d in self.ctx.devices(kind="light", room="kitchen")]
        kitchen = [d.id for d in self.ctx.devices(room="kitchen", kind="switch")]
        person = self.ctx.person("grandma")
        return f"{lights} {kitchen} {person.name} {self.ctx.person('nobody')}"


async def test_command_to_an_unknown_device_raises_and_becomes_skill_failed(skill_harness):
    h = await skill_harness(Household)
    with pytest.raises(UnknownDevice) as caught:
        await h.hub.skills.loaded["household"].instance.ctx.command("kettle", TurnOn())
    assert caught.value.device == "kettle"
    reply = await h.say("boil the kettle")
    assert reply.text == "Sorry, something went wrong. I've noted it."
    (row,) = await h.rows(kind="skill_failed")
    assert row["data"]["error"] == "UnknownDevice: unknown device 'kettle'"
    assert h.published == []


async def test_device_state_follows_reported_state(skill_harness):
    h = await skill_harness(Household)
    assert (await h.say("is the lamp on")).text == "None"
    await h.publish(SwitchStateReported(on=True, brightness=200), device="kitchen-light")
    assert (await h.say("is the lamp on")).text == "True"
    state = h.hub.skills.loaded["household"].instance.ctx.device_state("kitchen-light")
    assert state["on"] is True and state["brightness"] == 200
    await h.publish(SwitchStateReported(on=False), device="kitchen-light")
    assert (await h.say("is the lamp on")).text == "False"


async def test_say_in_a_room_speaks_on_its_speaker(skill_harness):
    h = await skill_harness(Household)
    await h.say("announce dinner")
    assert h.published == [(KITCHEN_SPEAKER, {"say": "Dinner is ready", "language": "en"})]
    rows = await h.rows(kind="reply_given", newest_first=False)
    said = [(r["data"]["text"], r["data"]["room"]) for r in rows]
    assert said == [("Dinner is ready", "kitchen"), ("Dinner is ready", "bedroom")]
    (recognized,) = await h.rows(kind="intent_recognized")
    assert {r["cause"] for r in rows} == {recognized["id"]}
    (sent,) = await h.rows(kind="command_sent")
    assert sent["device"] == "kitchen-speaker" and sent["data"]["command"] == "Speak"


async def test_say_to_a_person_uses_their_speaker_and_language(skill_harness):
    people = [{"id": "grandma", "name": "Margaret", "role": "elder", "language": "zh-CN"}]
    devices = [{"id": "kitchen-speaker", "kind": "speaker", "room": "kitchen", "person": "grandma"}]
    h = await skill_harness(Household, config={"people": people, "devices": devices})
    await h.say("say goodnight")
    assert h.published == [(KITCHEN_SPEAKER, {"say": "晚安", "language": "zh-CN"})]


async def test_devices_and_people_from_config(skill_harness):
    h = await skill_harness(Household)
    assert (await h.say("what is in the kitchen")).text == "['kitchen-light'] ['kettle-plug'] Margaret None"


# --- emit, events, call_later -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class WellbeingCheckRequested(Event):
    """A skill's own event: someone should check on a person."""

    reason: str


class Escalator(Skill):
    @on(FallDetected)
    async def fell(self, event: FallDetected) -> None:
        await self.ctx.emit(WellbeingCheckRequested(reason="fall", person=event.person))
        self.ctx.call_later(300, self.still_nobody)

    async def still_nobody(self) -> None:
        earlier = await self.ctx.events(WellbeingCheckRequested)
        await self.ctx.notify(f"still nobody after {len(earlier)} request(s)", priority="high")

    @on(ButtonPressed)
    async def pressed(self, event: ButtonPressed) -> None:
        # Re-publishing an event that was already published makes a new one.
        (earlier,) = await self.ctx.events(WellbeingCheckRequested)
        assert isinstance(earlier, WellbeingCheckRequested) and earlier.reason == "fall"
        again = await self.ctx.emit(WellbeingCheckRequested(id=earlier.id, reason="again"))
        await self.ctx.notify(f"new id: {again.id != earlier.id}", priority="low")


async def test_emit_logs_the_skills_event_caused_by_the_handled_one(skill_harness):
    h = await skill_harness(Escalator)
    fall = await h.publish(FallDetected(), device="grandma-watch")
    (row,) = await h.rows(kind="wellbeing_check_requested")
    assert row["cause"] == fall.id and row["person"] == "grandma" and row["data"] == {"reason": "fall"}
    assert [type(e) for e in h.of(WellbeingCheckRequested)] == [WellbeingCheckRequested]


async def test_emit_of_an_already_published_event_makes_a_new_one(skill_harness):
    h = await skill_harness(Escalator)
    await h.publish(FallDetected(), device="grandma-watch")
    press = await h.publish(ButtonPressed(), device="panic-button")
    assert [n.message for n in h.notifications] == ["new id: True"]
    rows = await h.rows(kind="wellbeing_check_requested")
    assert len(rows) == 2 and rows[0]["cause"] == press.id


async def test_call_later_runs_on_the_hub_clock_with_the_original_cause(skill_harness):
    h = await skill_harness(Escalator)
    fall = await h.publish(FallDetected(), device="grandma-watch")
    await h.advance(299)
    assert h.notifications == []
    await h.advance(1)
    assert [n.message for n in h.notifications] == ["still nobody after 1 request(s)"]
    (row,) = await h.rows(kind="alert_requested")
    assert row["cause"] == fall.id


# --- the store ----------------------------------------------------------------------------------------------


class Notes(Skill):
    async def setup(self) -> None:
        self.seen = await self.ctx.store.get("visits", 0)

    @intent("Remember", en=["remember the milk"])
    async def remember(self, match: IntentMatch) -> str:
        store = self.ctx.store
        await store.set("visits", self.seen + 1)
        await store.set("shopping", {"items": ["milk", "牛奶"], "urgent": True})
        await store.set("scratch", 1)
        await store.delete("scratch")
        await store.delete("never-set")
        return f"{await store.keys()} {await store.get('shopping')} {await store.get('scratch', 'gone')}"

    @intent("Visits", en=["how many visits"])
    async def visits(self, match: IntentMatch) -> str:
        return str(await self.ctx.store.get("visits"))


class OtherNotes(Skill):
    @intent("OtherVisits", en=["other visits"])
    async def visits(self, match: IntentMatch) -> str:
        return f"{await self.ctx.store.get('visits', 'none')} {await self.ctx.store.keys()}"


async def test_store_get_set_delete_keys(skill_harness):
    h = await skill_harness(Notes, also=[OtherNotes])
    reply = await h.say("remember the milk")
    assert reply.text == "['shopping', 'visits'] {'items': ['milk', '牛奶'], 'urgent': True} gone"
    assert (await h.say("other visits")).text == "none []"  # each skill has its own store
    conn = sqlite3.connect(h.hub.config.database_path)
    try:
        rows = conn.execute("SELECT skill, key, value FROM skill_store ORDER BY key").fetchall()
    finally:
        conn.close()
    assert rows == [("notes", "shopping", '{"items": ["milk", "牛奶"], "urgent": true}'), ("notes", "visits", "1")]


async def test_store_survives_a_restart(skill_harness):
    first = await skill_harness(Notes)
    await first.say("remember the milk")
    await first.stop()
    second = await skill_harness(Notes, database=first.hub.config.database_path)
    assert (await second.say("how many visits")).text == "1"
    await second.say("remember the milk")  # setup read 1 from the store
    assert (await second.say("how many visits")).text == "2"


async def test_say_to_a_person_speaks_in_the_room_they_were_last_noticed_in(skill_harness):
    import yaml
    from importlib.resources import files

    from skills.sdk import MotionDetected, Skill, intent

    class Announce(Skill):
        @intent("Announce", en=["announce"])
        async def announce(self, match) -> None:
            await self.ctx.say("Dinner is ready", person="grandma")

    devices = yaml.safe_load((files("assistant") / "default_config.yaml").read_text())["devices"]
    devices.append({"id": "bedroom-speaker", "kind": "speaker", "room": "bedroom"})
    h = await skill_harness(Announce, config={"devices": devices})
    await h.say("announce")
    assert [t for t, _ in h.published] == ["carehub/home/kitchen-speaker/set"]   # hers, nobody seen yet
    await h.publish(MotionDetected(), device="bedroom-motion")
    await h.say("announce")
    assert [t for t, _ in h.published][-1] == "carehub/home/bedroom-speaker/set"
