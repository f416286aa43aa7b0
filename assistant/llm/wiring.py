"""Wiring the language model to carehub: the model from ``LlmConfig``, tool bindings from the running
skills' ``@tool`` methods, and one conversational turn with its tool calls logged as events.
"""

from __future__ import annotations

import contextvars
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from assistant.clock import Clock
from assistant.config import Config
from assistant.events import Event
from assistant.llm.agent import Agent, AgentReply, ToolBinding
from assistant.llm.backends import ChatModel, OpenAIChatModel, TransformersChatModel
from assistant.llm.config import LlmConfig
from assistant.ports import EventSink
from assistant.skill_api import ToolSpec
from assistant.skill_runtime.calls import HANDLER_FAILED
from assistant.skill_runtime.runtime import SkillRuntime

log = logging.getLogger(__name__)

_turn_cause: contextvars.ContextVar[str | None] = contextvars.ContextVar("carehub_llm_cause", default=None)


@dataclass(frozen=True, kw_only=True)
class ToolCalled(Event):
    """The language model asked for a skill's tool; ``cause`` is the utterance it was answering."""

    tool: str
    skill: str | None = None
    """The skill offering the tool; None for a tool that does not exist (refused)."""
    arguments: dict[str, Any] = field(default_factory=dict)
    executed: bool = False
    """False when refused before running (unknown tool, invalid arguments)."""
    ok: bool = False
    error: str | None = None


class ToolFailed(Exception):
    """A skill's tool raised; the runtime has logged a ``skill_failed`` event for it."""


def build_model(config: LlmConfig) -> ChatModel:
    """The chat model ``config`` describes (not loaded yet: call ``await model.load()`` to warm it up)."""
    if config.backend == "openai":
        return OpenAIChatModel.from_env(config.base_url, config.model, api_key_env=config.api_key_env,
                                        timeout=config.timeout, native_tools=config.native_tools)
    return TransformersChatModel(config.model, gguf_file=config.gguf_file, dtype=config.dtype,
                                 threads=config.threads, timeout=config.timeout,
                                 constrained_tools=config.constrained_tools)


def _constrained(schema: dict[str, Any], choices: dict[str, list[str]]) -> dict[str, Any]:
    """``schema`` with plain string ``person`` / ``device`` arguments limited to the configured ids."""
    properties = dict(schema.get("properties", {}))
    for name, ids in choices.items():
        prop = properties.get(name)
        if isinstance(prop, dict) and prop.get("type") == "string" and "enum" not in prop and ids:
            allowed = ids + ([""] if prop.get("default") == "" else [])
            properties[name] = {**prop, "enum": allowed}
    return {**schema, "properties": properties}


def tool_bindings(config: Config, runtime: SkillRuntime) -> list[ToolBinding]:
    """One binding per ``@tool`` of the running skills, called through the runtime (isolated, with the
    utterance as cause). ``person`` and ``device`` arguments are limited to configured ids; a name
    offered by two skills is kept for the first and offered as ``<skill>_<name>`` for the next."""
    choices = {"person": [p.id for p in config.people], "device": [d.id for d in config.devices]}
    bindings: list[ToolBinding] = []
    taken: set[str] = set()
    for skill_id, spec in runtime.tools():
        loaded = runtime.loaded[skill_id]
        method = next((name for name, s in type(loaded.instance).handlers() if s is spec), None)
        if method is None:
            log.warning("skill %s: no method for tool %s; not offered", skill_id, spec.name)
            continue
        name = spec.name if spec.name not in taken else f"{skill_id}_{spec.name}"
        taken.add(name)
        bindings.append(ToolBinding(name, spec.description, _constrained(spec.parameters, choices),
                                    _caller(runtime, skill_id, method, spec)))
    return bindings


def _caller(runtime: SkillRuntime, skill_id: str, method: str, spec: ToolSpec) -> Any:
    bound = getattr(runtime.loaded[skill_id].instance, method)

    async def call(**arguments: Any) -> Any:
        async def run() -> Any:
            return await bound(**arguments)

        run.__name__ = method
        result = await runtime.invoke(skill_id, method, run, _turn_cause.get())
        if result is HANDLER_FAILED:
            raise ToolFailed(f"tool {spec.name} of skill {skill_id} failed")
        return result

    call.__qualname__ = f"{skill_id}.{method}"
    return call


def build_agent(config: Config, runtime: SkillRuntime, clock: Clock, model: ChatModel | None = None) -> Agent:
    """The agent of a home: its people by name, home time, and the running skills' tools."""
    people = {p.id: f"{p.name} ({p.role}, id {p.id})" for p in config.people}
    zone = ZoneInfo(config.home.timezone)

    def home_time() -> datetime:
        """The clock's time as a naive home wall time (what the agent's prompt shows)."""
        return clock.now().astimezone(zone).replace(tzinfo=None)

    return Agent(model or build_model(config.llm), tool_bindings(config, runtime), memory_turns=config.llm.memory_turns,
                 max_tokens=config.llm.max_tokens, home_name=config.home.name, people=people, now=home_time)


async def converse(sink: EventSink, agent: Agent, text: str, *, person: str | None, language: str,
                   cause: str | None) -> AgentReply:
    """One turn: tools run with ``cause`` (the utterance) as their cause; each requested call is logged
    as a ``ToolCalled`` event caused by the utterance."""
    skills_of = {b.name: b.call.__qualname__.split(".")[0] for b in agent.tools.values()}
    token = _turn_cause.set(cause)
    try:
        reply = await agent.respond(text, person=person, language=language)
    finally:
        _turn_cause.reset(token)
    for record in reply.tool_calls:
        await sink.emit(ToolCalled(tool=record.name, skill=skills_of.get(record.name), arguments=dict(record.args),
                                   executed=record.executed, ok=record.ok, error=record.error, person=person,
                                   cause=cause))
    return reply
