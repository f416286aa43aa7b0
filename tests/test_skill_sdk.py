"""The skill SDK: decorators, tool schemas, handler signature checks, settings, life cycle and isolation."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field

from assistant.app import build_hub
from assistant.clock import FakeClock
from assistant.config import parse_config
from assistant.errors import SkillError
from assistant.skill_api import IntentSpec, SettingsT, check_handlers, handler_specs
from assistant.skill_loader import _prepare
from skills.sdk import (
    ButtonPressed, ContactChanged, Event, FallDetected, IntentMatch, MotionDetected, NoSettings, Skill, at, every,
    intent, on, rrule, tool, tool_schema,
)
from skills.sdk.testing import SkillHarness

# --- @on -----------------------------------------------------------------------------------------------


class Watcher(Skill):
    @on(FallDetected, person="grandma")
    async def grandma_fell(self, event: FallDetected) -> None:
        await self.ctx.notify(f"fall on {event.device}", priority="high", person=event.person)

    @on(ContactChanged, device="front-door", open=True)
    async def door_opened(self, event: ContactChanged) -> None:
        await self.ctx.notify("front door opened", priority="low")

    @on(person="leo")
    async def anything_of_leo(self, event: Event) -> None:
        await self.ctx.notify(f"leo: {event.kind}", priority="low")


async def test_on_delivers_only_events_of_its_types_whose_attributes_match(skill_harness):
    h = await skill_harness(Watcher)
    await h.publish(FallDetected(), device="leo-watch")            # a fall, but not grandma's
    await h.publish(MotionDetected(), device="kitchen-motion")     # grandma's, but not a fall
    await h.publish(FallDetected(confidence=0.9), device="grandma-watch")
    await h.publish(ContactChanged(open=False), device="front-door")
    await h.publish(ContactChanged(open=True), device="front-door")
    assert [n.message for n in h.notifications] == [
        "leo: fall_detected", "fall on grandma-watch", "front door opened"]
    assert [n.priority for n in h.notifications] == ["low", "high", "low"]


def test_a_misspelt_on_filter_is_refused_at_load_naming_skill_and_handler():
    class Typo(Skill):
        @on(ButtonPressed, acton="cancel")
        async def cancelled(self, event: ButtonPressed) -> None:
            pass

    error = _check(Typo)
    assert (error.skill, error.handler) == ("my_skill", "cancelled")
    assert "@on filter 'acton' is not a field of ButtonPressed" in str(error) and "action" in str(error)


def test_an_on_filter_must_be_a_field_of_every_listed_event():
    class Mixed(Skill):
        @on(FallDetected, ButtonPressed, action="cancel")
        async def either(self, event: Event) -> None:
            pass

        @on(person="leo")  # every event has the envelope fields
        async def anything(self, event: Event) -> None:
            pass

    assert "not a field of FallDetected" in str(_check(Mixed))


def test_on_refuses_what_is_not_an_event_class():
    with pytest.raises(TypeError, match="event classes"):
        on("fall_detected")
    with pytest.raises(TypeError):
        on(FallDetected())  # an instance, not the class


# --- @intent -------------------------------------------------------------------------------------------


class Feelings(Skill):
    @intent("CareIFell", en=["i [have] fell [down]", "i have fallen"], zh_CN=["我摔倒了", "我跌倒了"])
    async def fell(self, match: IntentMatch) -> str:
        await self.ctx.notify(f"{match.person} says: {match.text}", priority="high", person=match.person)
        return "Help is on the way." if match.language == "en" else "马上有人来帮您。"

    @intent("CareThanks", sentences={"en": ["thank you"], "zh": ["谢谢[你]"]})
    async def thanks(self, match: IntentMatch) -> str:
        return f"{match.language}: you're welcome"


async def test_inline_templates_match_in_english_and_chinese(skill_harness):
    h = await skill_harness(Feelings)
    reply = await h.say("I fell down", person="grandma")
    assert (reply.understood, reply.intent, reply.skill, reply.language) == (True, "CareIFell", "feelings", "en")
    assert reply.text == "Help is on the way."
    zh = await h.say("我摔倒了", person="grandma")
    assert (zh.intent, zh.language, zh.text) == ("CareIFell", "zh-CN", "马上有人来帮您。")
    assert [n.message for n in h.notifications] == ["grandma says: I fell down", "grandma says: 我摔倒了"]
    assert not (await h.say("I fell asleep")).understood


async def test_sentences_keyword_languages_are_normalised(skill_harness):
    (spec,) = handler_specs(Feelings.thanks)
    assert spec == IntentSpec("CareThanks", {"en": ["thank you"], "zh-CN": ["谢谢[你]"]})
    h = await skill_harness(Feelings)
    assert (await h.say("谢谢你")).text == "zh-CN: you're welcome"


def test_intent_keyword_languages_use_dashes():
    (spec,) = handler_specs(Feelings.fell)
    assert set(spec.sentences) == {"en", "zh-CN"}


# --- @tool ---------------------------------------------------------------------------------------------


class Tools(Skill):
    @tool
    async def set_reminder(self, text: str, minutes: int, repeat: bool = False, days: list[str] | None = None,
                           tone: Literal["gentle", "firm"] = "gentle", volume: float = 0.5) -> str:
        """Set a spoken reminder for the person.

        The reminder is said on the person's speaker.

        Args:
            text: what to say
            minutes: minutes from now,
                at least one
            repeat: say it again every day
            days (list[str]): weekdays to repeat on
            tone: how firmly to say it
        Returns:
            a confirmation: the time it will be said
        """
        return text

    @tool(name="count_glasses", description="How many glasses of water today.")
    async def glasses(self) -> int:
        return 3


def test_tool_schema_comes_from_the_signature_and_the_docstring():
    (spec,) = handler_specs(Tools.set_reminder)
    assert spec.name == "set_reminder"
    assert spec.description == "Set a spoken reminder for the person."
    schema = spec.parameters
    assert schema["type"] == "object"
    assert schema["required"] == ["text", "minutes"]
    assert schema["additionalProperties"] is False
    props = schema["properties"]
    assert list(props) == ["text", "minutes", "repeat", "days", "tone", "volume"]
    assert props["text"] == {"type": "string", "description": "what to say"}
    assert props["minutes"] == {"type": "integer", "description": "minutes from now, at least one"}
    assert props["repeat"] == {"type": "boolean", "default": False, "description": "say it again every day"}
    assert props["days"]["anyOf"] == [{"type": "array", "items": {"type": "string"}}, {"type": "null"}]
    assert props["days"]["default"] is None and props["days"]["description"] == "weekdays to repeat on"
    assert props["tone"] == {"type": "string", "enum": ["gentle", "firm"], "default": "gentle",
                             "description": "how firmly to say it"}
    assert props["volume"] == {"type": "number", "default": 0.5}


def test_tool_name_and_description_can_be_given():
    (spec,) = handler_specs(Tools.glasses)
    assert (spec.name, spec.description) == ("count_glasses", "How many glasses of water today.")
    assert spec.parameters["properties"] == {} and "required" not in spec.parameters


def test_tool_parameters_must_be_describable():
    async def loose(self, *things: str) -> None: ...

    async def untyped(self, thing) -> None: ...

    with pytest.raises(TypeError, match=r"loose.*\*args"):
        tool(loose)
    with pytest.raises(TypeError, match="untyped.*'thing' needs a type annotation"):
        tool_schema(untyped)


async def test_tools_are_offered_by_the_runtime(skill_harness):
    h = await skill_harness(Tools)
    assert [(skill, t.name) for skill, t in h.hub.skills.tools()] == [("tools", "set_reminder"),
                                                                       ("tools", "count_glasses")]


# --- handler signatures --------------------------------------------------------------------------------


def _check(cls: type) -> SkillError:
    with pytest.raises(SkillError) as caught:
        check_handlers("my_skill", cls)
    return caught.value


def test_a_sync_handler_is_refused_naming_skill_and_handler():
    class Sync(Skill):
        @on(FallDetected)
        def fell(self, event):  # not async
            pass

    error = _check(Sync)
    assert (error.skill, error.handler) == ("my_skill", "fell")
    assert str(error) == "skill 'my_skill', handler 'fell': must be 'async def'"


@pytest.mark.parametrize("decorator", [on(FallDetected), intent("Hello", en=["hello"])], ids=["on", "intent"])
def test_event_and_intent_handlers_take_exactly_one_argument(decorator):
    class NoArgument(Skill):
        @decorator
        async def handler(self):
            pass

    class TwoArguments(Skill):
        @decorator
        async def handler(self, first, second):
            pass

    class KeywordOnly(Skill):
        @decorator
        async def handler(self, *, first):
            pass

    for cls in (NoArgument, TwoArguments, KeywordOnly):
        error = _check(cls)
        assert error.handler == "handler" and "exactly one argument" in error.reason, cls

    class Fine(Skill):
        @decorator
        async def handler(self, first, extra=None, *rest, flag=False):
            pass

    check_handlers("my_skill", Fine)


@pytest.mark.parametrize("decorator", [every(60), at("07:30"), rrule("FREQ=DAILY;BYHOUR=9")],
                         ids=["every", "at", "rrule"])
def test_scheduled_handlers_take_no_arguments(decorator):
    class WithArgument(Skill):
        @decorator
        async def tick(self, now):
            pass

    class WithKeyword(Skill):
        @decorator
        async def tick(self, *, now):
            pass

    for cls in (WithArgument, WithKeyword):
        error = _check(cls)
        assert error.handler == "tick" and "takes no arguments" in error.reason

    class Fine(Skill):
        @decorator
        async def tick(self, now=None):
            pass

    check_handlers("my_skill", Fine)


def test_a_sync_tool_is_refused():
    class SyncTool(Skill):
        @tool
        def lookup(self, name: str) -> str:
            return name

    assert _check(SyncTool).handler == "lookup"


def test_schedule_decorators_validate_their_arguments():
    with pytest.raises(ValueError, match="positive"):
        every(0)
    with pytest.raises(ValueError, match="HH:MM"):
        at("7.30")
    with pytest.raises(ValueError, match="invalid rule"):
        rrule("FREQ=FORTNIGHTLY")


# --- inheritance -----------------------------------------------------------------------------------------


class BaseWatcher(Skill):
    @on(FallDetected)
    async def fell(self, event: FallDetected) -> None:
        await self.ctx.notify("base", priority="low")


class LoudWatcher(BaseWatcher):
    @on(FallDetected)
    async def fell(self, event: FallDetected) -> None:
        await self.ctx.notify("loud", priority="high")


class LouderWatcher(LoudWatcher):
    pass


class QuietWatcher(BaseWatcher):
    async def fell(self, event: FallDetected) -> None:  # overridden without the decorator: no handler
        pass


class QuieterWatcher(QuietWatcher):
    pass


def test_inherited_handlers_are_wired_once_from_the_nearest_definition():
    assert [name for name, _ in LouderWatcher.handlers()] == ["fell"]
    assert QuietWatcher.handlers() == [] and QuieterWatcher.handlers() == []


async def test_an_inherited_handler_runs_once_per_event(skill_harness):
    h = await skill_harness(LouderWatcher)
    await h.publish(FallDetected(), device="grandma-watch")
    assert [n.message for n in h.notifications] == ["loud"]


# --- settings --------------------------------------------------------------------------------------------


class ReminderSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person: str = "grandma"
    every_minutes: int = Field(60, ge=1)


class Reminders(Skill[ReminderSettings]):
    @intent("WhenReminder", en=["when is my reminder"])
    async def when(self, match: IntentMatch) -> str:
        return f"every {self.settings.every_minutes} minutes for {self.settings.person}"


class LenientSettings(BaseModel):  # no extra="forbid": a typo must still not pass silently
    volume: int = 5


class Lenient(Skill[LenientSettings]):
    pass


class GenericBase(Skill[SettingsT]):
    pass


class ViaGenericBase(GenericBase[ReminderSettings]):
    pass


def test_settings_model_comes_from_the_generic_argument():
    assert Reminders.settings_model is ReminderSettings
    assert Watcher.settings_model is NoSettings
    assert ViaGenericBase.settings_model is ReminderSettings


async def test_settings_are_validated_from_config(skill_harness):
    h = await skill_harness(Reminders, settings={"every_minutes": 5})
    assert (await h.say("when is my reminder")).text == "every 5 minutes for grandma"


async def test_bad_settings_name_every_bad_field(skill_harness):
    with pytest.raises(SkillError) as caught:
        await skill_harness(Reminders, settings={"every_minutes": 0, "colour": "red"})
    message = str(caught.value)
    assert caught.value.skill == "reminders"
    assert "skills.reminders.every_minutes: Input should be greater than or equal to 1" in message
    assert "skills.reminders.colour: unknown setting" in message


async def test_unknown_settings_are_refused_even_without_extra_forbid(skill_harness):
    with pytest.raises(SkillError, match=r"skills\.lenient\.volum: unknown setting"):
        await skill_harness(Lenient, settings={"volum": 3})
    with pytest.raises(SkillError, match=r"skills\.watcher\.anything: unknown setting"):
        await skill_harness(Watcher, settings={"anything": 1})


# --- life cycle ---------------------------------------------------------------------------------------------


class Lifecycle(Skill):
    calls: list[str] = []

    async def setup(self) -> None:
        self.calls.append("setup")

    async def teardown(self) -> None:
        self.calls.append("teardown")

    @intent("Ping", en=["ping"])
    async def ping(self, match: IntentMatch) -> str:
        self.calls.append("ping")
        return "pong"


async def test_setup_runs_before_handlers_and_teardown_on_stop(skill_harness):
    Lifecycle.calls = []
    h = await skill_harness(Lifecycle)
    assert Lifecycle.calls == ["setup"]
    assert (await h.say("ping")).text == "pong"
    await h.stop()
    assert Lifecycle.calls == ["setup", "ping", "teardown"]
    await h.stop()  # stopping twice (the fixture stops it again) is harmless
    assert Lifecycle.calls == ["setup", "ping", "teardown"]


# --- isolation: what the hub guarantees ------------------------------------------------------------------


class Flaky(Skill):
    @on(ButtonPressed)
    async def pressed(self, event: ButtonPressed) -> None:
        if event.action == "double":
            raise RuntimeError("double presses confuse me")
        await self.ctx.notify(f"pressed {event.action}", priority="low")

    @on(ButtonPressed)
    async def also_pressed(self, event: ButtonPressed) -> None:
        await self.ctx.notify(f"also {event.action}", priority="low")

    @intent("Divide", en=["divide by zero"])
    async def divide(self, match: IntentMatch) -> str:
        return str(1 / 0)


class Bystander(Skill):
    @on(ButtonPressed)
    async def pressed(self, event: ButtonPressed) -> None:
        await self.ctx.notify(f"bystander {event.action}", priority="low")


async def test_a_raising_handler_is_logged_and_everything_else_keeps_working(skill_harness):
    h = await skill_harness(Flaky, also=[Bystander])
    double = await h.publish(ButtonPressed(action="double"), device="panic-button")
    await h.publish(ButtonPressed(action="single"), device="panic-button")
    (failed,) = await h.rows(kind="skill_failed")
    assert failed["cause"] == double.id
    assert failed["data"] == {"skill": "flaky", "handler": "pressed",
                              "error": "RuntimeError: double presses confuse me"}
    assert sorted(n.message for n in h.notifications) == [
        "also double", "also single", "bystander double", "bystander single", "pressed single"]


async def test_a_raising_intent_handler_gets_an_apology_and_a_failure_row(skill_harness):
    h = await skill_harness(Flaky)
    reply = await h.say("divide by zero")
    assert reply.understood and reply.text == "Sorry, something went wrong. I've noted it."
    (failed,) = await h.rows(kind="skill_failed")
    (recognized,) = await h.rows(kind="intent_recognized")
    assert failed["cause"] == recognized["id"]
    assert failed["data"]["handler"] == "divide" and failed["data"]["error"].startswith("ZeroDivisionError")


class BrokenSetup(Skill):
    async def setup(self) -> None:
        raise ConnectionError("cannot reach the pharmacy")

    @intent("Refill", en=["order a refill"])
    async def refill(self, match: IntentMatch) -> str:
        return "ordered"


class Greeter(Skill):
    @intent("Greet", en=["hello"])
    async def greet(self, match: IntentMatch) -> str:
        return "Hello!"


class RivalGreeter(Skill):
    @intent("Greet", en=["hi there"])
    async def greet(self, match: IntentMatch) -> str:
        return "Hi!"


class DoubleGreeter(Skill):
    @intent("Greet", en=["hello"])
    async def greet(self, match: IntentMatch) -> str:
        return "Hello!"

    @intent("Greet", en=["good morning"])
    async def morning(self, match: IntentMatch) -> str:
        return "Morning!"


async def _offline_hub(tmp_path: Path, *classes: type) -> SkillHarness:
    """A harness-like hub that keeps going when a skill fails to start (the harness raises instead)."""
    config = parse_config({"storage": {"database": str(tmp_path / "hub.db")}, "http": {"enabled": False},
                           "devices": [{"id": "panic-button", "kind": "button"}]}, "test", tmp_path)
    prepared = [_prepare(cls.__name__.lower(), cls, "test", config) for cls in classes]
    clock = FakeClock()
    hub = build_hub(config, clock=clock, offline=True, skills=prepared)
    harness = SkillHarness(hub, clock)
    await hub.start()
    return harness


async def test_a_skill_whose_setup_raises_is_left_out_with_an_error_naming_it(tmp_path):
    h = await _offline_hub(tmp_path, BrokenSetup, Greeter)
    try:
        (error,) = h.hub.skills.errors
        assert error.skill == "brokensetup"
        assert str(error) == "skill 'brokensetup': setup failed: ConnectionError: cannot reach the pharmacy"
        assert sorted(h.hub.skills.loaded) == ["greeter"]
        assert (await h.say("hello")).text == "Hello!"
        assert not (await h.say("order a refill")).understood
        (row,) = await h.rows(kind="skill_load_failed")
        assert row["data"]["skill"] == "brokensetup" and "cannot reach the pharmacy" in row["data"]["error"]
    finally:
        await h.stop()


async def test_a_second_skill_claiming_an_intent_is_refused(tmp_path):
    h = await _offline_hub(tmp_path, Greeter, RivalGreeter)
    try:
        (error,) = h.hub.skills.errors
        assert (error.skill, error.handler) == ("rivalgreeter", "greet")
        assert "intent 'Greet' is already handled by skill 'greeter'" in str(error)
        assert (await h.say("hello")).text == "Hello!"
        assert not (await h.say("hi there")).understood  # the refused skill's templates are not used
    finally:
        await h.stop()


async def test_one_skill_cannot_handle_an_intent_twice(tmp_path):
    h = await _offline_hub(tmp_path, DoubleGreeter)
    try:
        (error,) = h.hub.skills.errors
        assert error.skill == "doublegreeter" and "'Greet'" in str(error) and error.handler == "morning"
    finally:
        await h.stop()
