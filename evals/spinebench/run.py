"""Ask the model every item, judge the reports, and keep every answer in a resumable cache.

The cache is two append-only JSONL files in the run directory: ``predictions.jsonl`` (one line per
item id × prompt hash × model) and ``judgements.jsonl`` (item id × judge-prompt hash × judge).
A rerun asks only what is missing; a Ctrl-C or a kill leaves whole lines behind (the log repairs a
torn tail), so the same command resumes.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents.llm import (
    ChatModel,
    EndpointUnavailableError,
    GenerationParams,
    ImagePart,
    LLMError,
    Message,
    system,
    user,
)
from tools.jsonl import AppendLog, read_lines

from . import prompts
from .items import McqItem, ReportItem
from .judge import Judged, judge, judge_messages

__all__ = ["Cache", "RunConfig", "evaluate", "item_messages", "messages_hash", "select"]

PREDICTIONS = "predictions.jsonl"
JUDGEMENTS = "judgements.jsonl"


@dataclass
class RunConfig:
    """How a run asks: sampling, lengths, parallelism."""

    data: Path
    out: Path
    seed: int = 0
    temperature: float = 0.0
    concurrency: int = 8
    mcq_max_tokens: int = 512
    report_max_tokens: int = 1536
    judge_max_tokens: int = 2048
    retry_failed: bool = False
    progress: bool = True


def select(items: Sequence[McqItem | ReportItem], limit: int | None, seed: int) -> list[Any]:
    """All items, or ``limit`` of them drawn with ``seed`` (kept in file order): the same
    seed draws the same subset for every model."""
    if limit is None or limit >= len(items):
        return list(items)
    chosen = set(random.Random(seed).sample(range(len(items)), limit))
    return [item for n, item in enumerate(items) if n in chosen]


def item_messages(item: McqItem | ReportItem, root: Path) -> list[Message]:
    """What the model under test is asked for ``item`` (images read from ``root``)."""
    images = [ImagePart.from_path(root / path) for path in item.images]
    if isinstance(item, McqItem):
        text = prompts.MCQ_USER[item.lang].format(
            question=item.question, options=prompts.options_block(item.options)
        )
        return [system(prompts.MCQ_SYSTEM[item.lang]), user(text, images)]
    return [system(prompts.REPORT_SYSTEM[item.lang]), user(item.prompt, images)]


def messages_hash(messages: Sequence[Message]) -> str:
    """A short stable hash of the messages (images included) asked."""
    wire = [m.model_dump(mode="json", exclude_none=True) for m in messages]
    text = json.dumps(wire, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]


@dataclass
class Cache:
    """The run directory's predictions and judgements, by key."""

    predictions: dict[str, dict[str, Any]] = field(default_factory=dict)
    judgements: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, out: Path) -> Cache:
        cache = cls()
        for row in read_lines(out / PREDICTIONS):
            cache.predictions[row["key"]] = row
        for row in read_lines(out / JUDGEMENTS):
            cache.judgements[row["key"]] = row
        return cache


@dataclass
class Progress:
    """Counts of one run (what was asked, what came from the cache)."""

    asked: int = 0
    judged: int = 0
    cached: int = 0


class _Run:
    def __init__(
        self,
        config: RunConfig,
        cache: Cache,
        model: ChatModel,
        judge_model: ChatModel | None,
        ids: tuple[str, str | None],
    ) -> None:
        self.config, self.cache = config, cache
        self.model, self.judge_model = model, judge_model
        self.model_id, self.judge_id = ids
        self.progress = Progress()
        self.rows: dict[str, dict[str, Any]] = {}

    def _usable(self, row: dict[str, Any]) -> bool:
        return not (self.config.retry_failed and row.get("error"))

    async def prediction(
        self, item: McqItem | ReportItem, log: AppendLog
    ) -> tuple[dict[str, Any], bool]:
        messages = item_messages(item, self.config.data)
        digest = messages_hash(messages)
        key = _key(item.id, digest, self.model_id)
        row = self.cache.predictions.get(key)
        if row is not None and self._usable(row):
            return row, True
        report = isinstance(item, ReportItem)
        params = GenerationParams(
            seed=self.config.seed,
            temperature=self.config.temperature,
            max_tokens=self.config.report_max_tokens if report else self.config.mcq_max_tokens,
        )
        started = time.perf_counter()
        text, error, usage = "", None, {}
        try:
            completion = await self.model.complete(messages, params)
            text, usage = completion.text, completion.usage.model_dump()
        except EndpointUnavailableError:
            raise
        except LLMError as exc:  # a request this item cannot make (e.g. too long): a miss
            error = str(exc)
        row = {
            "key": key,
            "id": item.id,
            "model": self.model_id,
            "prompt_hash": digest,
            "text": text,
            "error": error,
            "usage": usage,
            "seconds": round(time.perf_counter() - started, 3),
        }
        log.put(row)
        self.cache.predictions[key] = row
        self.progress.asked += 1
        return row, False

    async def judgement(
        self, item: ReportItem, candidate: str, log: AppendLog
    ) -> tuple[dict[str, Any], bool]:
        assert self.judge_model is not None and self.judge_id is not None
        messages = judge_messages(item, candidate)
        digest = messages_hash(messages)
        key = _key(item.id, digest, self.judge_id)
        row = self.cache.judgements.get(key)
        if row is not None and self._usable(row):
            return row, True
        judged: Judged = await judge(
            self.judge_model,
            messages,
            seed=self.config.seed,
            max_tokens=self.config.judge_max_tokens,
        )
        row = {"key": key, "id": item.id, "judge": self.judge_id, "prompt_hash": digest}
        row.update(judged.model_dump())
        log.put(row)
        self.cache.judgements[key] = row
        self.progress.judged += 1
        return row, False

    async def one(
        self, item: McqItem | ReportItem, predictions: AppendLog, judgements: AppendLog
    ) -> None:
        prediction, cached = await self.prediction(item, predictions)
        judgement: dict[str, Any] | None = None
        if isinstance(item, ReportItem) and not prediction["error"]:
            judgement, judged_before = await self.judgement(item, prediction["text"], judgements)
            cached = cached and judged_before
        self.progress.cached += cached
        self.rows[item.id] = {"prediction": prediction, "judgement": judgement}


async def evaluate(
    items: Sequence[McqItem | ReportItem],
    config: RunConfig,
    model: ChatModel,
    judge_model: ChatModel | None,
) -> tuple[dict[str, dict[str, Any]], Progress, tuple[str, str | None]]:
    """Predict (and judge) every item, reusing the cache in ``config.out``.

    Returns each item's cached rows by id, the run's counts and the (model, judge) ids.

    Raises:
        EndpointUnavailableError: the model or judge endpoint stopped answering (what was
            done is saved; the same command resumes).
        LogError: the run directory is locked by another run or cannot be written.
    """
    from tqdm import tqdm

    model_id = await model.model_id()
    reports = any(isinstance(item, ReportItem) for item in items)
    judge_id = await judge_model.model_id() if judge_model is not None and reports else None
    run = _Run(config, Cache.load(config.out), model, judge_model, (model_id, judge_id))
    bar = tqdm(
        total=len(items),
        desc="spinebench",
        unit="item",
        file=sys.stderr,
        disable=not config.progress,
        dynamic_ncols=True,
    )
    queue: asyncio.Queue[McqItem | ReportItem] = asyncio.Queue()
    for item in items:
        queue.put_nowait(item)

    async def worker(predictions: AppendLog, judgements: AppendLog) -> None:
        while not queue.empty():
            item = queue.get_nowait()
            await run.one(item, predictions, judgements)
            bar.update()
            bar.set_postfix(asked=run.progress.asked, cached=run.progress.cached, refresh=False)

    try:
        async with (
            AppendLog(config.out / PREDICTIONS) as predictions,
            AppendLog(config.out / JUDGEMENTS) as judgements,
        ):
            async with asyncio.TaskGroup() as group:
                for _ in range(max(1, min(config.concurrency, len(items)))):
                    group.create_task(worker(predictions, judgements))
    except BaseExceptionGroup as group_error:  # a dead endpoint, an unwritable log: the first
        raise group_error.exceptions[0] from None
    finally:
        bar.close()
    return run.rows, run.progress, (model_id, judge_id)
