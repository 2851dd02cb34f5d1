"""Synthesis on a Ray cluster: ``python -m graphs.synthesis ... --ray [ADDRESS]``.

The driver (the process that ran the command) plans the work and splits it into partitions of
whole sources, in plan order (a source's tasks and languages stay together, so their prompts
share vLLM's prefix cache). ``SynthesisWorker`` actors, one per worker, each run the same item
graph as a single process does, with their own model client (the configured vLLM endpoints, or
their own embedded model) and ``concurrency`` items in flight, and stream each item's
``Outcome`` back as it finishes. The driver's one ``Output`` de-duplicates every outcome against
every record accepted so far, whichever worker made it (exact and MinHash-LSH, the same
thresholds as one process), and appends it to the crash-safe log: one writer, one file.

A worker that dies (kill -9, a lost node) is restarted by Ray, at most ``retries`` times; the
driver gives the restarted worker the items of its partitions that had not come back, so no item
is lost, and an item already settled is never settled again (ids are deterministic). A worker
whose restarts are spent drops out; its partitions go to the others. A killed driver leaves whole
lines; ``--resume`` skips what they decide.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections import deque
from collections.abc import AsyncIterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from agents.llm.base import Meter
from tools.cluster import ClusterError, cluster_cpus, connect
from tools.settings import Settings

from .dedup import Deduper
from .graph import Context, WorkItem, build
from .output import Outcome
from .run import Run, make

LANES = 2  # partitions in flight per worker, so a worker never idles at a partition's tail
PARTS_PER_WORKER = 4  # partitions per worker: late workers and restarts even out
RESTART_WAIT_S = 300.0  # a restarting worker has this long to answer again
DEAD_PINGS = 6  # "dead" this many times in a row, 0.5 s apart: its restarts are spent


def partitions(items: Sequence[WorkItem], count: int) -> list[list[WorkItem]]:
    """``items`` cut into about ``count`` partitions of whole sources, in plan order."""
    by_source: dict[str, list[WorkItem]] = {}
    for item in items:
        by_source.setdefault(item.source.id, []).append(item)
    target = max(1, -(-len(items) // max(1, count)))
    parts: list[list[WorkItem]] = []
    current: list[WorkItem] = []
    for members in by_source.values():
        current.extend(members)
        if len(current) >= target:
            parts.append(current)
            current = []
    if current:
        parts.append(current)
    return parts


# ---- the worker (a Ray actor) -----------------------------------------------------------------


class _Outbox:
    """A worker's stand-in for the run's ``Output``: it keeps the item's outcome to send back."""

    def __init__(self, images_dir: Path) -> None:
        self.images_dir = images_dir
        self.outcome: Outcome | None = None

    def settle(self, outcome: Outcome) -> str:
        self.outcome = outcome
        return "sent"


def worker_settings(settings: Settings, cpus: float) -> Settings:
    """A worker's settings: its embedded model (if any) runs one single-thread instance per CPU
    it was given, not one per core of its machine."""
    return settings.model_copy(
        update={
            "embedded_instances": settings.embedded_instances or max(1, int(cpus)),
            "embedded_threads": settings.embedded_threads or 1,
        }
    )


class SynthesisWorker:
    """The item graph with its own model client; ``run`` streams each item's ``Outcome``."""

    def __init__(
        self,
        settings: Settings,
        images_name: str,
        *,
        concurrency: int,
        rounds: int,
        seed: int,
        turns: int,
        model_review: bool,
    ) -> None:
        from agents.llm import chat_model

        from .model_review import review_model

        self.settings = settings
        self.model = chat_model("llm", settings)
        self.reviewer = review_model(settings) if model_review else None
        self.graph = build()
        self.concurrency, self.rounds, self.seed, self.turns = concurrency, rounds, seed, turns
        # images are made here and sent back with the record: nodes need not share a disk
        self.images = Path(tempfile.mkdtemp(prefix="spine-synthesis-")) / images_name
        self.name = f"{os.uname().nodename}:{os.getpid()}"
        self.dedup = Deduper()  # only to fingerprint here, off the driver's CPU
        self._slots: asyncio.Semaphore | None = None

    def ping(self) -> str:
        return self.name

    def cpu_seconds(self) -> float:
        """CPU time this worker process has used (for the summary's CPU per LLM call)."""
        return time.process_time()

    async def run(self, items: list[WorkItem]) -> AsyncIterator[Outcome]:
        """Each item's outcome, as it finishes (``concurrency`` in flight across all calls)."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.concurrency)
        slots = self._slots

        async def one(item: WorkItem) -> Outcome:
            async with slots:
                return await self._make(item)

        tasks = [asyncio.create_task(one(item)) for item in items]
        try:
            for finished in asyncio.as_completed(tasks):
                yield await finished
        finally:
            for task in tasks:
                task.cancel()

    async def _make(self, item: WorkItem) -> Outcome:
        box = _Outbox(self.images)
        ctx = Context(
            self.model,
            self.settings,
            box,
            item,
            self.rounds,
            self.seed,
            self.turns,
            self.reviewer,
        )
        _, meter = await make(self.graph, ctx)
        outcome = box.outcome
        assert outcome is not None, "the graph ends in its record step"
        outcome.meter, outcome.worker = meter, self.name
        if outcome.record is not None and outcome.fingerprint is not None:
            self.dedup.prepare(outcome.fingerprint)
            base = self.images.parent
            outcome.images = {rel: (base / rel).read_bytes() for rel in outcome.record.images}
        return outcome


# ---- the driver -------------------------------------------------------------------------------


@dataclass
class ClusterInfo:
    """What the cluster did, for the summary's ``ray`` section."""

    address: str
    workers: int = 0
    worker_cpus: float = 1.0
    concurrency_per_worker: int = 0
    partitions: int = 0
    worker_deaths: int = 0
    workers_lost: int = 0  # restarts spent
    resubmitted_items: int = 0
    start_s: float = 0.0
    worker_cpu_s: float = 0.0  # spent making items (workers alive at the end)
    names: dict[int, str] = field(default_factory=dict)  # worker index -> node:pid now


class ClusterRun(Run):
    """A synthesis ``Run`` whose items are made by Ray workers; the driver settles and writes."""

    def __init__(
        self,
        *args: Any,
        address: str | None,
        workers: int | None,
        worker_cpus: float,
        retries: int,
        model_review: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.address, self.workers, self.worker_cpus = address, workers, worker_cpus
        self.retries, self.model_review = retries, model_review
        self.info = ClusterInfo(address=address or "local", worker_cpus=worker_cpus)

    def postfix(self) -> str:
        alive = self.info.workers - self.info.workers_lost
        text = f"{super().postfix()}, workers {alive}"
        return text + (f", restarts {self.info.worker_deaths}" if self.info.worker_deaths else "")

    async def run(self, items: Sequence[WorkItem]) -> dict[str, Any]:
        started = time.perf_counter()
        out = self.output
        todo: list[WorkItem] = []
        async with out.open():
            todo = [item for item in items if item.id not in out.done]
            self.start_bar(len(todo), "synthesis (ray)")
            try:
                if todo and not out.full:
                    await self._on_cluster(todo)
            finally:
                self._bar.close()
        summary = self.summary(time.perf_counter() - started, len(items), len(todo))
        ray = asdict(self.info)
        del ray["names"]  # pids of the moment: not a result
        for key in ("start_s", "worker_cpu_s"):
            ray[key] = round(ray[key], 2)
        summary["ray"] = ray
        return summary

    async def _on_cluster(self, todo: list[WorkItem]) -> None:
        import ray

        t0 = time.perf_counter()
        started_here = connect(self.address)  # in the main thread: Ray sets signal handlers
        actors: list[Any] = []
        try:
            cpus = cluster_cpus()
            workers = self.workers or max(1, int(cpus // self.worker_cpus))
            if started_here and workers * self.worker_cpus > cpus:
                raise ClusterError(
                    f"the local Ray instance has {cpus:g} CPUs: {workers} workers x "
                    f"{self.worker_cpus:g} CPUs do not fit (lower --workers or --worker-cpus)"
                )
            settings = worker_settings(self.settings, self.worker_cpus)
            remote = ray.remote(SynthesisWorker).options(  # type: ignore[attr-defined]
                num_cpus=self.worker_cpus, max_restarts=self.retries, max_task_retries=0
            )
            actors = [
                remote.remote(
                    settings,
                    self.output.images_dir.name,
                    concurrency=self.concurrency,
                    rounds=self.rounds,
                    seed=self.seed,
                    turns=self.turns,
                    model_review=self.model_review,
                )
                for _ in range(workers)
            ]
            names = await asyncio.gather(*(_await(a.ping.remote()) for a in actors))
            self.info.names = dict(enumerate(names))
            ready_cpu = await self._worker_cpu(actors, set())  # start-up is not per-call work
            self.info.start_s = time.perf_counter() - t0
            self.info.workers = workers
            self.info.concurrency_per_worker = self.concurrency
            parts = deque(partitions(todo, workers * PARTS_PER_WORKER))
            self.info.partitions = len(parts)
            self._bar.set_postfix_str(self.postfix(), refresh=False)
            lost: set[int] = set()
            async with asyncio.TaskGroup() as group:
                for index, actor in enumerate(actors):
                    for _ in range(LANES):
                        group.create_task(self._lane(index, actor, parts, lost))
            if parts and not self.output.full:
                left = sum(len(p) for p in parts)
                raise ClusterError(
                    f"every worker died ({self.info.worker_deaths} deaths); {left} item(s) not "
                    "made: rerun with --resume"
                )
            self.info.worker_cpu_s = await self._worker_cpu(actors, lost) - ready_cpu
        finally:
            for actor in actors:
                ray.kill(actor, no_restart=True)
            if started_here:
                ray.shutdown()

    async def _worker_cpu(self, actors: list[Any], lost: set[int]) -> float:
        from ray.exceptions import RayActorError

        total = 0.0
        for index, actor in enumerate(actors):
            if index not in lost:
                try:
                    total += await _await(actor.cpu_seconds.remote())
                except RayActorError:
                    pass
        return total

    async def _lane(
        self, index: int, actor: Any, parts: deque[list[WorkItem]], lost: set[int]
    ) -> None:
        """Feed worker ``index`` partitions until none is left; after its death, give its
        restarted self what had not come back."""
        from ray.exceptions import RayActorError, RayTaskError

        while parts and not self.output.full and index not in lost:
            part = parts.popleft()
            pending = {item.id: item for item in part}
            try:
                async for ref in actor.run.remote(part):
                    self._settle(await ref, pending)
                    if self.output.full:
                        return
            except RayTaskError as exc:  # the item graph raised: the run fails as one would
                raise exc.cause from None
            except RayActorError:
                if pending:
                    parts.appendleft(list(pending.values()))
                    self.info.resubmitted_items += len(pending)
                await self._after_death(index, actor, lost)

    async def _after_death(self, index: int, actor: Any, lost: set[int]) -> None:
        """Count the death once (both lanes see it) and wait for Ray's restart; drop the worker
        when it stays dead (its restarts are spent)."""
        from ray.exceptions import ActorDiedError, RayActorError

        deadline = time.monotonic() + RESTART_WAIT_S
        died = 0
        while True:
            try:
                name = await _await(actor.ping.remote())
                break
            except RayActorError as exc:  # unavailable while restarting, or dead
                died = died + 1 if isinstance(exc, ActorDiedError) else 0
                if died >= DEAD_PINGS or time.monotonic() > deadline:
                    if index not in lost:
                        lost.add(index)
                        self.info.workers_lost += 1
                        self.info.worker_deaths += 1
                    return
                await asyncio.sleep(0.5)
        if name != self.info.names.get(index):
            self.info.names[index] = name
            self.info.worker_deaths += 1
            self._bar.set_postfix_str(self.postfix(), refresh=False)

    def _settle(self, outcome: Outcome, pending: dict[str, WorkItem]) -> None:
        item = pending.pop(outcome.item_id, None)
        if item is None:
            return  # settled already (a resubmitted partition's item that came back twice)
        state = self.output.settle(outcome)
        self.count(item.task, outcome.meter or Meter(), state)


async def _await(ref: Any) -> Any:
    return await ref


__all__ = ["ClusterError", "ClusterRun", "SynthesisWorker", "partitions"]
