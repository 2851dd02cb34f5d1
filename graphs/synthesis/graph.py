"""The synthesis graph for one work item (a source, a task, a language, an index):

    draft ─┬─ localize → review ─┬─ passed or out of rounds → validate ─┬─ record
           │     ↑               └─ faulted → revise ─┘                 │
           └─ no draft ─────────────────────────────────────────────────┘

``draft``: the generator writes a structured draft (a consultation: the simulated patient and
the doctor agent talk); ``localize``: every level named must be one the source mentions;
``review``: the clinician criteria (``graphs.synthesis.review``); ``revise``: the generator fixes
what the reviewer found (bounded rounds); ``validate``: the pydantic record, and no major
finding left; ``record``: send what the item became to the run's output (``Output.settle``), which
de-duplicates and appends the record, or writes why there is none.

The steps are plain functions of the state and LangGraph's run context (``Context``: the model,
the settings, the run's output and the work item, whose task object does everything that
differs between tasks). The run driver fans items out over bounded concurrency
(``graphs.synthesis.run``).
"""

from __future__ import annotations

import hashlib
import operator
import random
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal, TypedDict

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import Command
from pydantic import ValidationError

from agents.llm import ChatModel, StructuredOutputError
from tools import levels as lv
from tools.settings import Settings

from .dedup import fingerprint
from .model_review import model_review
from .output import Outcome, Sink
from .records import (
    DataFinding,
    DataReview,
    Provenance,
    Record,
    Rejected,
    Rejection,
    ReviewNote,
    Revision,
    rejections,
)
from .review import DATA_REVIEW_VERSION, critique, level_finding
from .tasks import PROMPT_VERSION, TASKS, Draft, DraftError, SynthesisTask, source_block
from .units import Source


@dataclass(frozen=True)
class WorkItem:
    """One record to make: deterministic id from source, task, index and language."""

    id: str
    source: Source
    task: str
    lang: str
    index: int

    def rng(self, seed: int) -> random.Random:
        digest = hashlib.sha256(f"{seed}\x1f{self.id}".encode()).digest()
        return random.Random(int.from_bytes(digest[:8], "big"))


@dataclass
class Context:
    """What the steps read and never change: the run's model, settings and output, and the item."""

    model: ChatModel
    settings: Settings
    output: Sink  # the run's Output, or a Ray worker's outbox
    item: WorkItem
    rounds: int = 1
    seed: int = 0
    turns: int = 4
    reviewer: ChatModel | None = None  # a capable served model's review joins the code's

    @property
    def task(self) -> SynthesisTask:
        return TASKS[self.item.task]

    @property
    def source(self) -> Source:
        return self.item.source

    @property
    def lang(self) -> str:
        return self.item.lang

    @property
    def index(self) -> int:
        return self.item.index

    @property
    def compact(self) -> bool:
        return self.model.config.embedded

    @property
    def images_dir(self) -> Path:
        return self.output.images_dir

    @cached_property
    def block(self) -> str:
        return source_block(self.source, self.compact)

    def payload(self, draft: Draft) -> dict[str, Any]:
        """The newest draft in record form (not yet validated)."""
        return self.task.payload(draft.raw, self.block, bool(draft.images))


class ItemState(TypedDict, total=False):
    draft: Draft  # the newest version (and the first, for the record's revision)
    levels: list[str]  # the levels the draft names (the localizer's reading)
    level: DataFinding  # the localizer's finding on them
    review: DataReview
    notes: Annotated[list[ReviewNote], operator.add]
    rounds: int  # model revisions made
    rejections: list[Rejection]  # why the item is no record
    record: Record  # the validated record
    outcome: str  # accepted | duplicate | surplus | rejected | sent (by a Ray worker)


# ---- the steps --------------------------------------------------------------------------------


async def draft(
    state: ItemState, runtime: Runtime[Context]
) -> Command[Literal["localize", "record"]]:
    """The generator's first draft, or why there is none."""
    ctx = runtime.context
    try:
        made = await ctx.task.draft(ctx, ctx.item.rng(ctx.seed))
    except StructuredOutputError as exc:
        return Command(update={"rejections": [_draft_failure(exc)]}, goto="record")
    except DraftError as exc:
        return Command(update={"rejections": [exc.rejection]}, goto="record")
    return Command(update={"draft": made, "rounds": 0}, goto="localize")


async def localize(state: ItemState, runtime: Runtime[Context]) -> dict[str, Any]:
    """The levels the draft names (an MCQ's distractors aside), and whether the source does."""
    ctx = runtime.context
    texts = ctx.task.review_texts(ctx.payload(state["draft"]), distractors=False)
    named = lv.sort_levels(x for t in texts for x in lv.find_levels(t))
    required = ctx.task.levels_required
    return {"level": level_finding(texts, ctx.source.levels, required, named), "levels": named}


async def review(
    state: ItemState, runtime: Runtime[Context]
) -> Command[Literal["revise", "validate"]]:
    """Every criterion's finding on the newest draft, against the source and the evidence; then
    a revision, unless it passed or the rounds are used."""
    ctx = runtime.context
    made = state["draft"]
    payload = ctx.payload(made)
    source_text = "\n".join([ctx.source.text, *(e.body for e in made.evidence)])
    verdict = critique(
        ctx.task,
        payload,
        source_text=source_text,
        source_lang=ctx.source.lang,
        lang=ctx.lang,
        level=state["level"],
        round=state["rounds"],
        image=bool(made.images),
        instructions=made.instructions,
    )
    logged = None
    if ctx.reviewer is not None:
        verdict, logged = await model_review(
            ctx.reviewer, ctx.task, payload, source_text, ctx.lang, verdict
        )
    note = ReviewNote(
        round=verdict.round,
        findings=[f.model_dump() for f in verdict.failed],
        model_review=logged,
    )
    done = verdict.passed or state["rounds"] >= ctx.rounds
    return Command(
        update={"review": verdict, "notes": [note]}, goto="validate" if done else "revise"
    )


async def revise(state: ItemState, runtime: Runtime[Context]) -> dict[str, Any]:
    """The generator fixes what the reviewer found."""
    ctx = runtime.context
    made = await ctx.task.revise(ctx, state["draft"], state["review"].failed)
    return {"draft": made, "rounds": state["rounds"] + 1}


async def validate(state: ItemState, runtime: Runtime[Context]) -> dict[str, Any]:
    """The pydantic record, if it validates and no major finding is left."""
    majors = [f for f in state["review"].failed if f.severity == "major"]
    why = [Rejection(check="review", criterion=f.criterion, detail=f.detail) for f in majors]
    try:
        made = Record.model_validate(_record_dict(runtime.context, state))
    except ValidationError as exc:
        return {"rejections": rejections(exc) + why}
    return {"rejections": why} if why else {"record": made}


async def record(state: ItemState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Send what the item became to the run's output, which de-duplicates and keeps it."""
    ctx = runtime.context
    made = state.get("record")
    if made is None:
        why = state["rejections"]
        rejected = _rejected(ctx, state, why, state.get("notes", []))
        outcome = Outcome(ctx.item.id, rejected=rejected, why=why)
    else:
        key_text = ctx.task.key_text(made.payload.model_dump())
        fp = fingerprint(made.task, made.lang, key_text)
        outcome = Outcome(ctx.item.id, record=made, fingerprint=fp)
    return {"outcome": ctx.output.settle(outcome)}


def build() -> Any:
    """The compiled per-item graph (invoke it with ``context=Context(...)``)."""
    graph = StateGraph(ItemState, context_schema=Context)
    for step in (draft, localize, review, revise, validate, record):
        graph.add_node(step.__name__, step)
    graph.add_edge(START, "draft")  # draft and review choose their next step themselves
    graph.add_edge("localize", "review")
    graph.add_edge("revise", "localize")
    graph.add_edge("validate", "record")
    graph.add_edge("record", END)
    return graph.compile()


# ---- helpers ----------------------------------------------------------------------------------


def _draft_failure(exc: StructuredOutputError) -> Rejection:
    """``draft: no valid ReportDraft in 3 attempts: diagnosis: EOF while parsing ...``."""
    lines = [line.strip() for line in exc.errors.splitlines() if line.strip()]
    lines = lines[1:3] if len(lines) > 1 and "validation error" in lines[0] else lines[:1]
    detail = ": ".join(lines)[:200] or "invalid"
    why = f"no valid {exc.schema_name} in {exc.attempts} attempts"
    return Rejection(check="draft", criterion=why, detail=detail)


def _record_dict(ctx: Context, state: ItemState) -> dict[str, Any]:
    item, source, made = ctx.item, ctx.source, state["draft"]
    chunk_ids = list(source.chunk_ids)
    chunk_ids += [e.chunk_id for e in made.evidence if e.chunk_id not in chunk_ids]
    return {
        "id": item.id,
        "task": item.task,
        "lang": item.lang,
        "levels": state.get("levels", []),
        "subfield": source.subfield,
        "images": made.images,
        "provenance": Provenance(
            source_id=source.id,
            source_kind=source.kind,
            chunk_ids=chunk_ids,
            citation=source.citation,
            model=ctx.model.model_name,
            prompt_version=PROMPT_VERSION,
            review_version=DATA_REVIEW_VERSION,
        ),
        "revision": Revision(
            draft=made.first, notes=state.get("notes", []), rounds=state["rounds"]
        ),
        "payload": ctx.payload(made),
    }


def _rejected(
    ctx: Context, state: ItemState, why: list[Rejection], notes: list[ReviewNote] | None = None
) -> Rejected:
    made = state.get("draft")
    return Rejected.model_validate(
        {
            "id": ctx.item.id,
            "task": ctx.item.task,
            "lang": ctx.item.lang,
            "source_id": ctx.source.id,
            "stage": why[0].stage,
            "reasons": [str(r) for r in why],  # the one place a reason becomes text
            "draft": made.first if made else None,
            "notes": notes or [],
        }
    )
