"""The synthesis run: plan work items, skip what is done, fan out with bounded concurrency
(each item one invocation of the graph, whose ``record`` step de-duplicates and appends to the
run's ``Output``), and summarise.

Work items are planned source by source (so one source's prompts share a cached prefix) and
their ids are deterministic, so a resumed run, or another shard, never makes the same record
twice. ``--limit`` counts accepted records: at most ``limit - accepted`` items are in flight,
and a record finished past the limit is dropped unwritten (counted as surplus).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agents.llm import ChatModel
from agents.llm.base import METER, Meter
from tools.settings import Settings

from .graph import Context, WorkItem, build
from .output import Output
from .records import record_id
from .units import Source


def plan(
    sources: Sequence[Source], tasks: Sequence[str], langs: Sequence[str], per_source: int
) -> list[WorkItem]:
    """Every work item, source-major (a source's tasks and languages side by side)."""
    items = []
    for source in sources:
        for task in tasks:
            if task not in source.tasks:
                continue
            for lang in langs:
                for index in range(per_source):
                    rid = record_id(source.id, task, index, lang)
                    items.append(WorkItem(rid, source, task, lang, index))
    return items


async def make(graph: Any, ctx: Context) -> tuple[dict[str, Any], Meter]:
    """Run the item graph for ``ctx.item``; its final state and the LLM calls it made (counted
    on the item's own meter, so concurrent items are counted apart)."""
    meter = Meter()
    token = METER.set(meter)
    try:
        state = await graph.ainvoke({}, context=ctx)
    finally:
        METER.reset(token)
    return state, meter


class Run:
    """One synthesis run into ``out`` (see ``graphs.synthesis.__main__`` for the options)."""

    def __init__(
        self,
        model: ChatModel,
        settings: Settings,
        out: Path,
        *,
        limit: int | None,
        concurrency: int,
        rounds: int,
        seed: int,
        turns: int = 4,
        resume: bool = False,
        progress: bool = True,
        reviewer: ChatModel | None = None,
    ) -> None:
        self.model, self.settings, self.reviewer = model, settings, reviewer
        self.concurrency, self.rounds, self.seed, self.turns = concurrency, rounds, seed, turns
        self.progress = progress
        self.output = Output(out, limit=limit, resume=resume)
        self.stats = self.output.stats
        self.graph = build()
        self._bar: Any = None

    # ---- the run ----------------------------------------------------------------------------

    def context(self, item: WorkItem) -> Context:
        return Context(
            self.model,
            self.settings,
            self.output,
            item,
            self.rounds,
            self.seed,
            self.turns,
            self.reviewer,
        )

    async def _one(self, item: WorkItem) -> None:
        state, meter = await make(self.graph, self.context(item))
        self.count(item.task, meter, state.get("outcome", ""))

    def count(self, task: str, meter: Meter, outcome: str) -> None:
        """Add an item's calls to its task's meter, and move the progress bar."""
        self.stats.meters.setdefault(task, Meter()).add(meter)
        if self._bar is not None:
            limited = self.output.limit is not None
            self._bar.update(1 if not limited or outcome == "accepted" else 0)
            self._bar.set_postfix_str(self.postfix(), refresh=False)

    def postfix(self) -> str:
        return (
            f"accepted {sum(self.stats.accepted.values())}, "
            f"rejected {sum(self.stats.rejected.values())}"
        )

    def start_bar(self, todo: int, desc: str) -> None:
        """The progress bar: over the items to make, or the records still wanted (--limit)."""
        from tqdm import tqdm

        out = self.output
        self._bar = tqdm(
            total=todo if out.limit is None else max(0, out.limit - out.accepted_total),
            desc=desc,
            unit="record" if out.limit is not None else "item",
            disable=not self.progress,
            dynamic_ncols=True,
        )

    def _room(self) -> int:
        out = self.output
        if out.limit is None:
            return self.concurrency
        return min(self.concurrency, out.limit - out.accepted_total)

    async def run(self, items: Sequence[WorkItem]) -> dict[str, Any]:
        """Make records for ``items`` (those not done yet) and return the summary."""
        started = time.perf_counter()
        running: set[asyncio.Task[None]] = set()
        failure: BaseException | None = None
        todo: list[WorkItem] = []
        out = self.output
        async with out.open():
            todo = [item for item in items if item.id not in out.done]
            self.start_bar(len(todo), "synthesis")
            queue = iter(todo)
            exhausted = False
            try:
                while True:
                    while not exhausted and len(running) < self._room():
                        item = next(queue, None)
                        if item is None:
                            exhausted = True
                            break
                        running.add(asyncio.create_task(self._one(item)))
                    if not running:
                        break
                    finished, running = await asyncio.wait(
                        running, return_when=asyncio.FIRST_COMPLETED
                    )
                    for task in finished:
                        if task.exception() is not None and failure is None:
                            failure = task.exception()
                    if failure is not None:
                        break
            finally:
                for task in running:
                    task.cancel()
                await asyncio.gather(*running, return_exceptions=True)
                self._bar.close()
        if failure is not None:
            raise failure
        return self.summary(time.perf_counter() - started, len(items), len(todo))

    def summary(self, seconds: float, planned: int, todo: int) -> dict[str, Any]:
        s = self.stats
        made = sum(s.accepted.values())
        tried = made + sum(s.rejected.values())  # duplicates are among the rejected
        per_task = {}
        for task, meter in sorted(s.meters.items()):
            n = sum(v for k, v in s.accepted.items() if k.split("/")[0] == task)
            per_task[task] = {
                "accepted": n,
                "llm_calls": meter.calls,
                "prompt_tokens": meter.prompt_tokens,
                "completion_tokens": meter.completion_tokens,
                "calls_per_accepted": round(meter.calls / n, 2) if n else None,
                "tokens_per_accepted": round((meter.prompt_tokens + meter.completion_tokens) / n, 1)
                if n
                else None,
            }
        return {
            "out": str(self.output.path),
            "model": self.model.model_name,
            "planned_items": planned,
            "items_this_run": todo,
            "accepted_this_run": made,
            "accepted_total": self.output.accepted_total,
            "rejected_this_run": sum(s.rejected.values()),
            "duplicates": s.duplicates,
            "duplicates_across_workers": s.duplicates_across_workers,
            "surplus": s.surplus,
            "acceptance_rate": round(made / tried, 3) if tried else None,
            "accepted": dict(sorted(s.accepted.items())),
            "rejected": dict(sorted(s.rejected.items())),
            "subfields": dict(sorted(s.subfields.items())),
            "rejection_reasons": dict(s.reasons.most_common()),
            "per_task": per_task,
            "llm_calls": sum(m.calls for m in s.meters.values()),
            "prompt_tokens": sum(m.prompt_tokens for m in s.meters.values()),
            "completion_tokens": sum(m.completion_tokens for m in s.meters.values()),
            "seconds": round(seconds, 2),
            "records_per_min": round(made / seconds * 60, 2) if seconds > 0 else None,
        }
