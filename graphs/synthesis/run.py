"""The synthesis run: plan work items, skip what is done, fan out with bounded concurrency,
de-duplicate, append, and summarise.

Work items are planned source by source (so one source's prompts share a cached prefix) and
their ids are deterministic, so a resumed run, or another shard, never makes the same record
twice. ``--limit`` counts accepted records: at most ``limit - accepted`` items are in flight,
and a record finished past the limit is dropped unwritten (counted as surplus).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents.llm import ChatModel
from agents.llm.base import METER, Meter
from tools.jsonl import AppendLog, LogError, read_lines
from tools.settings import Settings

from .dedup import Deduper, fingerprint
from .graph import Context, WorkItem, build
from .records import Record, Rejected, read_records, record_id
from .sources import Source


def rejected_path(out: Path) -> Path:
    return out.with_name(out.stem + ".rejected.jsonl")


def summary_path(out: Path) -> Path:
    return out.with_name(out.stem + ".summary.json")


def images_dir(out: Path) -> Path:
    return out.with_name(out.stem + "_images")


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


@dataclass
class Stats:
    """What the run did, for the progress bar and the summary."""

    accepted: Counter[str] = field(default_factory=Counter)  # task/lang
    subfields: Counter[str] = field(default_factory=Counter)
    rejected: Counter[str] = field(default_factory=Counter)  # task/lang
    reasons: Counter[str] = field(default_factory=Counter)  # criterion or stage
    duplicates: int = 0
    surplus: int = 0
    meters: dict[str, Meter] = field(default_factory=dict)  # per task


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
    ) -> None:
        self.model, self.settings, self.out = model, settings, out
        self.limit, self.concurrency, self.resume = limit, concurrency, resume
        self.progress = progress
        self.stats = Stats()
        self.dedup = Deduper()
        self.done: set[str] = set()
        self.accepted_total = 0  # in the file, resumed ones included
        self._records: AppendLog | None = None
        self._rejects: AppendLog | None = None
        self._bar: Any = None
        self.ctx = Context(
            model=model,
            settings=settings,
            sink=self,
            images_dir=images_dir(out),
            rounds=rounds,
            seed=seed,
            turns=turns,
        )
        self.graph = build(self.ctx)

    # ---- the sink the graph calls -------------------------------------------------------------

    def accept(self, record: Record) -> str:
        fp = fingerprint(record.task, record.lang, record.payload.model_dump())
        dup = self.dedup.check(fp)
        if dup is not None:
            kind, other = dup
            self.stats.duplicates += 1
            self.reject(
                Rejected(
                    id=record.id,
                    task=record.task,
                    lang=record.lang,
                    source_id=record.provenance.source_id,
                    stage="deduplicate",
                    reasons=[f"{kind} duplicate of {other}"],
                    draft=record.revision.draft,
                )
            )
            return "duplicate"
        if self.limit is not None and self.accepted_total >= self.limit:
            self.stats.surplus += 1
            return "surplus"
        assert self._records is not None
        self._records.put(record.model_dump(mode="json"))
        self.dedup.add(record.id, fp)
        self.accepted_total += 1
        key = f"{record.task}/{record.lang}"
        self.stats.accepted[key] += 1
        self.stats.subfields[record.subfield or "unclassified"] += 1
        return "accepted"

    def reject(self, rejected: Rejected) -> None:
        assert self._rejects is not None
        self._rejects.put(rejected.model_dump(mode="json"))
        self.stats.rejected[f"{rejected.task}/{rejected.lang}"] += 1
        for reason in rejected.reasons:
            self.stats.reasons[_reason_key(rejected.stage, reason)] += 1

    # ---- resume -----------------------------------------------------------------------------

    def _check_fresh(self) -> None:
        if self.resume:
            return
        for path in (self.out, rejected_path(self.out)):
            if path.exists() and path.stat().st_size > 0:
                raise LogError(
                    f"{path} already exists: pass --resume to continue that run, "
                    "or choose another --out"
                )

    def _load_done(self) -> None:
        """Ids already decided, and the accepted records' texts for de-duplication (called with
        both files locked and repaired)."""
        rejects = rejected_path(self.out)
        for record in read_records(self.out):  # a line not ours is neither counted nor cut
            self.done.add(record.id)
            payload = record.payload.model_dump()
            self.dedup.add(record.id, fingerprint(record.task, record.lang, payload))
            self.accepted_total += 1
        for row in read_lines(rejects):
            if row.get("stage") != "deduplicate":  # a duplicate may not be one any more
                self.done.add(str(row.get("id")))

    # ---- the run ----------------------------------------------------------------------------

    async def _one(self, item: WorkItem) -> None:
        meter = Meter()
        token = METER.set(meter)  # the item's LLM calls are counted on its own meter
        try:
            state = await self.graph.ainvoke({"item": item})
        finally:
            METER.reset(token)
        total = self.stats.meters.setdefault(item.task, Meter())
        total.add(meter)
        if self._bar is not None:
            self._bar.update(1 if self.limit is None or state.get("outcome") == "accepted" else 0)
            self._bar.set_postfix_str(
                f"accepted {sum(self.stats.accepted.values())}, "
                f"rejected {sum(self.stats.rejected.values())}",
                refresh=False,
            )

    def _room(self) -> int:
        if self.limit is None:
            return self.concurrency
        return min(self.concurrency, self.limit - self.accepted_total)

    async def run(self, items: Sequence[WorkItem]) -> dict[str, Any]:
        """Make records for ``items`` (those not done yet) and return the summary."""
        from tqdm import tqdm

        self._check_fresh()
        started = time.perf_counter()
        running: set[asyncio.Task[None]] = set()
        failure: BaseException | None = None
        todo: list[WorkItem] = []
        async with AppendLog(self.out) as records, AppendLog(rejected_path(self.out)) as rejects:
            self._records, self._rejects = records, rejects
            self._load_done()
            todo = [item for item in items if item.id not in self.done]
            target = len(todo) if self.limit is None else max(0, self.limit - self.accepted_total)
            self._bar = tqdm(
                total=target,
                desc="synthesis",
                unit="record" if self.limit is not None else "item",
                disable=not self.progress,
                dynamic_ncols=True,
            )
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
            "out": str(self.out),
            "model": self.model.model_name,
            "planned_items": planned,
            "items_this_run": todo,
            "accepted_this_run": made,
            "accepted_total": self.accepted_total,
            "rejected_this_run": sum(s.rejected.values()),
            "duplicates": s.duplicates,
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


def _reason_key(stage: str, reason: str) -> str:
    """A countable reason: ``review supported: 30% of ...`` → ``review: supported``."""
    head = reason.split(":", 1)[0].strip()
    if stage == "validate" and head.startswith("review "):
        return "review: " + head.removeprefix("review ")
    if stage == "validate" and head.startswith("invalid "):
        return "invalid: " + head.removeprefix("invalid ")
    if stage == "deduplicate":
        return "duplicate: " + reason.split(" ", 1)[0]
    if stage == "draft" and ":" in reason:
        return "draft: " + reason.split(":")[1].strip()  # "no valid MCQDraft in 3 attempts"
    return f"{stage}: {head}"
