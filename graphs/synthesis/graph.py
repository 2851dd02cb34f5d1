"""The synthesis graph for one work item (a source, a task, a language, an index):

    draft → localize → review ─┬─ passed or out of rounds → validate → record
                      ↑         └─ faulted → revise ─┘

``draft``: the generator writes a structured draft (a consultation: the simulated patient and the
doctor agent talk); ``localize``: every level named must be one the source mentions;
``review``: the clinician criteria (``agents.data_reviewer``); ``revise``: the generator fixes
what the reviewer found (bounded rounds); ``validate``: the pydantic record, and no major
finding left; ``record``: de-duplicate and append (``Sink``). The run driver fans items out
over bounded concurrency (``graphs.synthesis.run``).
"""

from __future__ import annotations

import hashlib
import operator
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Protocol, TypedDict

from langgraph.graph import END, START, StateGraph
from pydantic import ValidationError

from agents.data_reviewer import (
    DATA_REVIEW_VERSION,
    critique,
    level_finding,
    payload_texts,
    problems,
)
from agents.llm import ChatModel, ImagePart, StructuredOutputError
from agents.retriever import Evidence
from agents.reviewer import Review
from tools import levels as lv
from tools.files import atomic_write
from tools.settings import Settings

from . import tasks
from .records import Provenance, Record, Rejected, ReviewNote, Revision, rejection
from .sources import Image, Source


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


class Sink(Protocol):
    """Where finished items go (the run driver: de-duplication, limit, the two JSONL files)."""

    def accept(self, record: Record) -> str: ...
    def reject(self, rejected: Rejected) -> None: ...


@dataclass
class Context:
    """What every node needs, fixed for a run."""

    model: ChatModel
    settings: Settings
    sink: Sink
    images_dir: Path
    rounds: int = 1
    seed: int = 0
    turns: int = 4
    compact: bool = field(init=False)

    def __post_init__(self) -> None:
        self.compact = self.model.config.embedded


class ItemState(TypedDict, total=False):
    item: WorkItem
    messages: list[Any]  # the draft conversation, for revision
    draft: dict[str, Any]  # the first draft, as the model wrote it
    current: dict[str, Any]  # the newest draft, as the model wrote it
    payload: dict[str, Any]  # the newest draft in record form (not yet validated)
    evidence: list[Evidence]  # what the doctor agent read (consultations)
    chunk_ids: list[str]
    images: list[str]
    level: Any
    levels: list[str]  # the levels the draft names (the localizer's reading)
    review: Review
    notes: Annotated[list[ReviewNote], operator.add]
    rounds: int
    failed: list[str]  # why the draft never became a draft (schema, no image)
    instructions: str  # what the model was asked (an echo of it is no content)
    outcome: str  # accepted | duplicate | surplus | rejected


def _save_image(image: Image, images_dir: Path) -> tuple[str, bytes]:
    """The image as PNG/JPEG bytes, stored once under ``images_dir`` by content hash."""
    if image.dicom:
        from tools.dicom_render import render_png

        data, suffix = render_png(image.path), ".png"
    else:
        data, suffix = image.path.read_bytes(), image.path.suffix.lower()
    name = hashlib.sha256(data).hexdigest()[:16] + suffix
    target = images_dir / name
    if not target.exists():
        atomic_write(target, data)  # whole or absent, never half an image
    return f"{images_dir.name}/{name}", data


def build(ctx: Context) -> Any:
    """The compiled per-item graph."""

    async def draft(state: ItemState) -> dict[str, Any]:
        item = state["item"]
        source = item.source
        rng = item.rng(ctx.seed)
        chunk_ids = list(source.chunk_ids)
        if item.task == "consultation":
            from .consultation import simulate

            try:
                payload, evidence = await simulate(
                    ctx.model, ctx.settings, source, item.lang, ctx.turns, rng, ctx.compact
                )
            except StructuredOutputError as exc:
                return {"failed": [_draft_failure(exc)]}
            chunk_ids += [e.chunk_id for e in evidence if e.chunk_id not in chunk_ids]
            return {
                "draft": payload,
                "current": payload,
                "payload": payload,
                "chunk_ids": chunk_ids,
                "images": [],
                "evidence": evidence,
                "rounds": 0,
            }
        images: list[str] = []
        image_part, caption = None, None
        if item.task == "mcq" and source.images:
            picked = source.images[item.index % len(source.images)]
            try:
                rel, data = _save_image(picked, ctx.images_dir)
            except Exception as exc:  # a DICOM that will not render: the item is rejected
                return {"failed": [f"image: cannot render {picked.path.name}: {exc}"]}
            images, caption = [rel], picked.caption
            mime = "image/png" if rel.endswith(".png") else "image/jpeg"
            image_part = ImagePart.from_bytes(data, mime=mime, label=caption)
        ask = tasks.request(item.task, item.lang, rng, caption)
        block = tasks.source_text(source, ctx.compact)
        messages = tasks.draft_messages(block, ask, image_part)
        try:
            out = await ctx.model.structured(
                messages,
                tasks.DRAFTS[item.task],
                seed=rng.randrange(1 << 30),
                max_tokens=tasks.MAX_TOKENS[item.task],
            )
        except StructuredOutputError as exc:
            return {"failed": [_draft_failure(exc)]}
        raw = out.model_dump()
        modality = "image" if images else "text"
        return {
            "messages": messages,
            "instructions": ask,
            "draft": raw,
            "current": raw,
            "payload": tasks.to_payload(item.task, raw, modality, block),
            "chunk_ids": chunk_ids,
            "images": images,
            "evidence": [],
            "rounds": 0,
        }

    async def localize(state: ItemState) -> dict[str, Any]:
        item = state["item"]
        texts = payload_texts(item.task, state["payload"], distractors=False)
        required = item.task in ("report", "consultation")
        named = lv.sort_levels(x for t in texts for x in lv.find_levels(t))
        return {
            "level": level_finding(texts, item.source.levels, required, named),
            "levels": named,
        }

    async def review(state: ItemState) -> dict[str, Any]:
        item = state["item"]
        verdict = critique(
            item.task,
            state["payload"],
            source_text="\n".join([item.source.text, *(e.body for e in state["evidence"])]),
            source_lang=item.source.lang,
            lang=item.lang,
            level=state["level"],
            round=state.get("rounds", 0),
            image=bool(state.get("images")),
            instructions=state.get("instructions", ""),
        )
        note = ReviewNote(round=verdict.round, findings=[f.model_dump() for f in verdict.failed])
        return {"review": verdict, "notes": [note]}

    async def revise(state: ItemState) -> dict[str, Any]:
        item = state["item"]
        found = problems(state["review"])
        rounds = state.get("rounds", 0) + 1
        if item.task == "consultation":
            from .consultation import revise_turns

            quotes = {q for f in state["review"].failed for q in f.quotes}
            payload = await revise_turns(
                ctx.model,
                state["payload"],
                found,
                quotes,
                state["evidence"],
                item.lang,
                ctx.compact,
            )
            return {"current": payload, "payload": payload, "rounds": rounds}
        messages = tasks.revise_messages(state["messages"], state["current"], found, item.lang)
        try:
            out = await ctx.model.structured(
                messages, tasks.DRAFTS[item.task], max_tokens=tasks.MAX_TOKENS[item.task]
            )
        except StructuredOutputError:
            return {"rounds": rounds}  # the revision failed: the last draft stands
        raw = out.model_dump()
        before = state["payload"]
        return {
            "current": raw,
            "payload": tasks.to_payload(
                item.task, raw, before.get("modality", "text"), before.get("case", "")
            ),
            "rounds": rounds,
        }

    def after_review(state: ItemState) -> str:
        if state["review"].passed or state.get("rounds", 0) >= ctx.rounds:
            return "validate"
        return "revise"

    async def validate(state: ItemState) -> dict[str, Any]:
        notes = state.get("notes", [])
        majors = [f for f in state["review"].failed if f.severity == "major"]
        reasons = [f"review {f.criterion}: {f.detail}" for f in majors]
        record = None
        try:
            record = Record.model_validate(_record_dict(ctx, state))
        except ValidationError as exc:
            reasons = [f"invalid {line}" for line in rejection(exc)] + reasons
        if reasons or record is None:
            ctx.sink.reject(_rejected(state, "validate", reasons, notes))
            return {"outcome": "rejected"}
        return {"outcome": ctx.sink.accept(record)}

    async def failed(state: ItemState) -> dict[str, Any]:
        ctx.sink.reject(_rejected(state, "draft", state["failed"], []))
        return {"outcome": "rejected"}

    graph = StateGraph(ItemState)
    graph.add_node("draft", draft)
    graph.add_node("failed", failed)
    graph.add_node("localize", localize)
    graph.add_node("review", review)
    graph.add_node("revise", revise)
    graph.add_node("validate", validate)
    graph.add_edge(START, "draft")
    graph.add_conditional_edges(
        "draft", lambda s: "failed" if s.get("failed") else "localize", ["failed", "localize"]
    )
    graph.add_edge("failed", END)
    graph.add_edge("localize", "review")
    graph.add_conditional_edges("review", after_review, ["revise", "validate"])
    graph.add_edge("revise", "localize")
    graph.add_edge("validate", END)
    return graph.compile()


def _draft_failure(exc: StructuredOutputError) -> str:
    """``draft: no valid ReportDraft in 3 attempts: diagnosis: EOF while parsing ...``."""
    lines = [line.strip() for line in exc.errors.splitlines() if line.strip()]
    lines = lines[1:3] if len(lines) > 1 and "validation error" in lines[0] else lines[:1]
    detail = ": ".join(lines)[:200] or "invalid"
    return f"draft: no valid {exc.schema_name} in {exc.attempts} attempts: {detail}"


def _record_dict(ctx: Context, state: ItemState) -> dict[str, Any]:
    item = state["item"]
    source = item.source
    return {
        "id": item.id,
        "task": item.task,
        "lang": item.lang,
        "levels": state.get("levels", []),
        "subfield": source.subfield,
        "images": state.get("images", []),
        "provenance": Provenance(
            source_id=source.id,
            source_kind=source.kind,
            chunk_ids=state.get("chunk_ids", []),
            citation=source.citation,
            model=ctx.model.model_name,
            prompt_version=tasks.PROMPT_VERSION,
            review_version=DATA_REVIEW_VERSION,
        ),
        "revision": Revision(
            draft=state["draft"], notes=state.get("notes", []), rounds=state.get("rounds", 0)
        ),
        "payload": state["payload"],
    }


def _rejected(
    state: ItemState, stage: str, reasons: list[str], notes: list[ReviewNote]
) -> Rejected:
    item = state["item"]
    return Rejected.model_validate(
        {
            "id": item.id,
            "task": item.task,
            "lang": item.lang,
            "source_id": item.source.id,
            "stage": stage,
            "reasons": reasons,
            "draft": state.get("draft"),
            "notes": [n.model_dump() for n in notes],
        }
    )
