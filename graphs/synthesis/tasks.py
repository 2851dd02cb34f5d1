"""The four tasks, one class each (``TASKS``): what the generator is asked for (the draft schema
and the request), how a draft becomes a record payload, the texts a reviewer reads, the structure
a payload must have, the text that carries its claim and the text de-duplication compares. The
graph's steps call the item's task and never branch on its name.

Draft schemas are lenient on purpose (an answer is free text, sections may be empty) so that a
bad draft reaches the reviewer and the validator and is rejected *with a reason*, instead of
dying as a schema error. A consultation is no single draft but a conversation
(``graphs.synthesis.consultation``), drafted and revised turn by turn.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel, Field

from agents.llm import ChatModel, ImagePart, StructuredOutputError
from agents.llm.types import Message, assistant, system, user
from agents.retriever import Evidence
from tools.files import atomic_write
from tools.settings import Settings

from . import prompts as P
from .consultation import revise_turns, simulate
from .records import (
    LETTERS,
    MIN_SECTION_CHARS,
    MIN_TURNS,
    DataFinding,
    Rejection,
    Task,
    answer_keys,
)
from .units import Image, Source

SOURCE_CHARS = {"compact": 1700, "full": 12000}  # the embedded model has a 4k-token window
_LETTER_PREFIX = re.compile(r"^\s*\(?[A-Ea-e][).:]\s+")


def _hash(*texts: str) -> str:
    return hashlib.sha256("\x1e".join(texts).encode()).hexdigest()[:12]


PROMPT_VERSION = _hash(
    *(v for k, v in vars(P).items() if k.isupper() and isinstance(v, str)),
    *(
        x
        for k, v in vars(P).items()
        if k.isupper() and isinstance(v, dict)
        for x in map(str, v.values())
    ),
)


# ---- draft schemas (what the model fills in) -------------------------------------------------


class MCQDraft(BaseModel):
    question: str = Field(description="the question stem")
    options: list[str] = Field(min_length=4, max_length=5, description="answer options, no letters")
    answer: str = Field(max_length=60, description="letter of the one correct option (A-E)")
    rationale: str = Field(description="why the answer is correct, from the source")


class OpenQADraft(BaseModel):
    question: str
    answer: str = Field(description="reference answer, two to four sentences")
    key_points: list[str] = Field(min_length=2, max_length=6, description="points to make")


class ReportDraft(BaseModel):
    structured_findings: str
    diagnosis: str
    treatment_patient_friendly: str
    treatment_evidence_based: str
    risk_prognosis: str
    postoperative_management: str
    diagnostic_basis: str


# ---- what a task drafts with, and what it makes -----------------------------------------------


class Drafting(Protocol):
    """What a task drafts with: the graph's context for one work item."""

    @property
    def model(self) -> ChatModel: ...
    @property
    def settings(self) -> Settings: ...
    @property
    def source(self) -> Source: ...
    @property
    def lang(self) -> str: ...
    @property
    def index(self) -> int: ...
    @property
    def turns(self) -> int: ...
    @property
    def compact(self) -> bool: ...
    @property
    def block(self) -> str: ...
    @property
    def images_dir(self) -> Path: ...


@dataclass(frozen=True)
class Draft:
    """An item's draft: the newest version as the model wrote it, the first one (the record's
    ``revision.draft``), and what every version shares."""

    raw: dict[str, Any]
    first: dict[str, Any]
    instructions: str = ""  # what the model was asked (an echo of it is no content)
    messages: list[Message] = field(default_factory=list)  # the drafting conversation
    images: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)  # what the doctor agent read


class DraftError(Exception):
    """The item cannot be drafted (an image that will not render)."""

    def __init__(self, rejection: Rejection) -> None:
        super().__init__(str(rejection))
        self.rejection = rejection


def source_block(source: Source, compact: bool) -> str:
    """The source as the model reads it, cut to the model's window."""
    limit = SOURCE_CHARS["compact" if compact else "full"]
    text = source.text if len(source.text) <= limit else source.text[:limit].rsplit(" ", 1)[0]
    return P.SOURCE_BLOCK.format(title=source.title, text=text)


def draft_messages(block: str, ask: str, image: ImagePart | None = None) -> list[Message]:
    """System prompt (shared by all calls), then the source ``block``, then the request: the
    longest shared prefix first, so a vLLM prefix cache reuses it across tasks and languages."""
    return [system(P.SYNTH_SYSTEM), user(block + "\n" + ask, [image] if image else [])]


def problems(findings: Sequence[DataFinding]) -> list[str]:
    """The failed criteria as lines of a revision request."""
    return [f"{f.criterion}: {f.detail}" for f in findings]


def revise_messages(
    base: list[Message], draft: dict[str, Any], found: list[str], lang: str
) -> list[Message]:
    ask = P.REVISE_REQUEST.format(
        problems="\n".join(f"- {p}" for p in found), language=P.LANGUAGE_LINE[lang]
    )
    return [*base, assistant(json.dumps(draft, ensure_ascii=False)), user(ask)]


# ---- the tasks --------------------------------------------------------------------------------


class SynthesisTask(ABC):
    """One kind of record: its draft, its payload and what the reviewer reads of it."""

    name: ClassVar[Task]
    levels_required: ClassVar[bool] = False  # a case's report must name one
    support_min: ClassVar[float] = 0.5  # share of the claim's words found in the source

    @abstractmethod
    async def draft(self, ctx: Drafting, rng: random.Random) -> Draft:
        """The first draft (raises ``StructuredOutputError`` or ``DraftError``)."""

    @abstractmethod
    async def revise(self, ctx: Drafting, draft: Draft, findings: Sequence[DataFinding]) -> Draft:
        """The draft rewritten against the failed ``findings`` (unchanged if that fails)."""

    @abstractmethod
    def payload(self, raw: Mapping[str, Any], block: str, image: bool) -> dict[str, Any]:
        """The record payload (a dict, unvalidated) for a draft written from ``block``."""

    @abstractmethod
    def review_texts(self, payload: Mapping[str, Any], distractors: bool = True) -> list[str]:
        """Every piece of generated text (what the reviewer reads). Without ``distractors``, an
        MCQ's wrong options are left out: they may name other levels on purpose."""

    @abstractmethod
    def check_structure(self, payload: Mapping[str, Any]) -> list[str]:
        """What the payload lacks, one line each (none: complete)."""

    @abstractmethod
    def claim(self, payload: Mapping[str, Any]) -> tuple[str, str]:
        """The text that carries the record's claim, and an MCQ's key option (else "")."""

    @abstractmethod
    def key_text(self, payload: Mapping[str, Any]) -> str:
        """The text two records of this task must not share (de-duplication)."""

    @abstractmethod
    def figure_texts(self, payload: Mapping[str, Any]) -> tuple[list[str], list[str]]:
        """The texts whose every figure must be the source's, and the scenario texts (a stem's
        vignette, the patient's words, the case read) whose figures the others may repeat."""


class _Structured(SynthesisTask):
    """A task the generator drafts as one JSON-schema-constrained object."""

    schema: ClassVar[type[BaseModel]]
    max_tokens: ClassVar[int]  # a draft longer than this is looping

    @abstractmethod
    def request(self, lang: str, rng: random.Random, caption: str | None = None) -> str: ...

    async def draft(self, ctx: Drafting, rng: random.Random) -> Draft:
        return await self._draft(ctx, rng, self.request(ctx.lang, rng))

    async def _draft(
        self,
        ctx: Drafting,
        rng: random.Random,
        ask: str,
        image: ImagePart | None = None,
        images: list[str] | None = None,
    ) -> Draft:
        messages = draft_messages(ctx.block, ask, image)
        out = await ctx.model.structured(
            messages, self.schema, seed=rng.randrange(1 << 30), max_tokens=self.max_tokens
        )
        raw = out.model_dump()
        return Draft(raw, raw, ask, messages, images or [])

    async def revise(self, ctx: Drafting, draft: Draft, findings: Sequence[DataFinding]) -> Draft:
        messages = revise_messages(draft.messages, draft.raw, problems(findings), ctx.lang)
        try:
            out = await ctx.model.structured(messages, self.schema, max_tokens=self.max_tokens)
        except StructuredOutputError:
            return draft  # the revision failed: the last draft stands
        return replace(draft, raw=out.model_dump())


def _focus(rng: random.Random) -> str:
    return rng.choice(P.FOCUS)


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


class MCQTask(_Structured):
    """A multiple-choice question; an image question when the source has images."""

    name = "mcq"
    schema = MCQDraft
    max_tokens = 400

    def request(self, lang: str, rng: random.Random, caption: str | None = None) -> str:
        language = P.LANGUAGE_LINE[lang]
        if caption:
            return P.IMAGE_MCQ_REQUEST.format(caption=caption, focus=_focus(rng), language=language)
        return P.MCQ_REQUEST.format(focus=_focus(rng), language=language)

    async def draft(self, ctx: Drafting, rng: random.Random) -> Draft:
        images = ctx.source.images
        if not images:
            return await super().draft(ctx, rng)
        picked = images[ctx.index % len(images)]
        try:
            rel, data = _save_image(picked, ctx.images_dir)
        except Exception as exc:  # a DICOM that will not render: the item is rejected
            why = f"cannot render {picked.path.name}"
            raise DraftError(Rejection(check="draft", criterion=why, detail=str(exc))) from exc
        mime = "image/png" if rel.endswith(".png") else "image/jpeg"
        part = ImagePart.from_bytes(data, mime=mime, label=picked.caption)
        ask = self.request(ctx.lang, rng, picked.caption)
        return await self._draft(ctx, rng, ask, part, [rel])

    def payload(self, raw: Mapping[str, Any], block: str, image: bool) -> dict[str, Any]:
        options = [_LETTER_PREFIX.sub("", str(o)).strip() for o in raw["options"]]
        return {
            "modality": "image" if image else "text",
            "question": str(raw["question"]).strip(),
            "options": dict(zip(LETTERS, options, strict=False)),
            "answer": str(raw["answer"]).strip(),
            "rationale": str(raw["rationale"]).strip(),
        }

    def review_texts(self, payload: Mapping[str, Any], distractors: bool = True) -> list[str]:
        options = payload["options"]
        if not distractors:
            keys = answer_keys(str(payload["answer"]), options)
            options = {k: v for k, v in options.items() if k in keys}
        return [payload["question"], *options.values(), payload["rationale"]]

    def check_structure(self, payload: Mapping[str, Any]) -> list[str]:
        problems = []
        options = payload["options"]
        texts = [" ".join(str(v).split()).casefold() for v in options.values()]
        if not 4 <= len(texts) <= 5:
            problems.append(f"{len(texts)} options (4 or 5 needed)")
        if len(set(texts)) < len(texts) or not all(texts):
            problems.append("options repeat or are empty")
        keys = answer_keys(str(payload["answer"]), options)
        if len(keys) != 1 or keys[0] not in options:
            problems.append(f"the answer {payload['answer']!r} must be one option's letter")
        return problems

    def claim(self, payload: Mapping[str, Any]) -> tuple[str, str]:
        keys = answer_keys(str(payload["answer"]), payload["options"])
        key = str(payload["options"].get(keys[0], "")) if len(keys) == 1 else ""
        return f"{key} {payload['rationale']}", key

    def key_text(self, payload: Mapping[str, Any]) -> str:
        options = sorted(str(v) for v in payload["options"].values())
        return " ".join([payload["question"], *options])

    def figure_texts(self, payload: Mapping[str, Any]) -> tuple[list[str], list[str]]:
        keys = answer_keys(str(payload["answer"]), payload["options"])
        key = [str(payload["options"][k]) for k in keys if k in payload["options"]]
        return [*key, str(payload["rationale"])], [str(payload["question"])]


class OpenQATask(_Structured):
    """An open question with a reference answer and key points."""

    name = "open_qa"
    schema = OpenQADraft
    max_tokens = 450

    def request(self, lang: str, rng: random.Random, caption: str | None = None) -> str:
        return P.OPEN_QA_REQUEST.format(focus=_focus(rng), language=P.LANGUAGE_LINE[lang])

    def payload(self, raw: Mapping[str, Any], block: str, image: bool) -> dict[str, Any]:
        return {
            "question": str(raw["question"]).strip(),
            "answer": str(raw["answer"]).strip(),
            "key_points": [str(p).strip() for p in raw["key_points"] if str(p).strip()],
        }

    def review_texts(self, payload: Mapping[str, Any], distractors: bool = True) -> list[str]:
        return [payload["question"], payload["answer"], *payload["key_points"]]

    def check_structure(self, payload: Mapping[str, Any]) -> list[str]:
        problems = []
        if len(payload["answer"]) < 20:
            problems.append("the reference answer is too short")
        if len([p for p in payload["key_points"] if p.strip()]) < 2:
            problems.append("fewer than two key points")
        return problems

    def claim(self, payload: Mapping[str, Any]) -> tuple[str, str]:
        return f"{payload['answer']} {' '.join(payload['key_points'])}", ""

    def key_text(self, payload: Mapping[str, Any]) -> str:
        return str(payload["question"])

    def figure_texts(self, payload: Mapping[str, Any]) -> tuple[list[str], list[str]]:
        return [str(payload["answer"]), *map(str, payload["key_points"])], [
            str(payload["question"])
        ]


_REPORT_SECTIONS = (
    "structured_findings",
    "diagnosis",
    "treatment.patient_friendly",
    "treatment.evidence_based",
    "risk_prognosis",
    "postoperative_management",
    "diagnostic_basis",
)


class ReportTask(_Structured):
    """The six-section diagnostic report on a case (the payload keeps the case it read)."""

    name = "report"
    schema = ReportDraft
    max_tokens = 1100
    levels_required = True

    def request(self, lang: str, rng: random.Random, caption: str | None = None) -> str:
        return P.REPORT_REQUEST.format(language=P.LANGUAGE_LINE[lang])

    def payload(self, raw: Mapping[str, Any], block: str, image: bool) -> dict[str, Any]:
        return {
            "case": block,
            "structured_findings": raw["structured_findings"].strip(),
            "diagnosis": raw["diagnosis"].strip(),
            "treatment": {
                "patient_friendly": raw["treatment_patient_friendly"].strip(),
                "evidence_based": raw["treatment_evidence_based"].strip(),
            },
            "risk_prognosis": raw["risk_prognosis"].strip(),
            "postoperative_management": raw["postoperative_management"].strip(),
            "diagnostic_basis": raw["diagnostic_basis"].strip(),
        }

    def _sections(self, payload: Mapping[str, Any]) -> list[tuple[str, str]]:
        texts = {**payload, **{f"treatment.{k}": v for k, v in payload["treatment"].items()}}
        return [(name, str(texts[name])) for name in _REPORT_SECTIONS]

    def review_texts(self, payload: Mapping[str, Any], distractors: bool = True) -> list[str]:
        return [text for _, text in self._sections(payload)]

    def check_structure(self, payload: Mapping[str, Any]) -> list[str]:
        # the treatment parts last, as the rule was first written: revision requests stay the same
        sections = sorted(self._sections(payload), key=lambda s: s[0].startswith("treatment."))
        return [
            f"section {name} is missing"
            for name, text in sections
            if len(text.strip()) < MIN_SECTION_CHARS
        ]

    def claim(self, payload: Mapping[str, Any]) -> tuple[str, str]:
        parts = [payload["structured_findings"], payload["diagnosis"], payload["diagnostic_basis"]]
        return " ".join(parts), ""

    def key_text(self, payload: Mapping[str, Any]) -> str:
        return f"{payload['structured_findings']} {payload['diagnosis']}"

    def figure_texts(self, payload: Mapping[str, Any]) -> tuple[list[str], list[str]]:
        return self.review_texts(payload), [str(payload.get("case", ""))]


class ConsultationTask(SynthesisTask):
    """A simulated patient and the doctor agent, ending with an assessment and a plan."""

    name = "consultation"
    # a doctor talking to a patient in lay words, from the case: fewer of the source's words, and
    # not every good consultation names the level to the patient
    support_min = 0.35

    async def draft(self, ctx: Drafting, rng: random.Random) -> Draft:
        payload, evidence = await simulate(
            ctx.model, ctx.settings, ctx.source, ctx.block, ctx.lang, ctx.turns, rng, ctx.compact
        )
        return Draft(payload, payload, evidence=evidence)

    async def revise(self, ctx: Drafting, draft: Draft, findings: Sequence[DataFinding]) -> Draft:
        quotes = {q for f in findings for q in f.quotes}
        payload = await revise_turns(
            ctx.model, draft.raw, problems(findings), quotes, draft.evidence, ctx.lang, ctx.compact
        )
        return replace(draft, raw=payload)

    def payload(self, raw: Mapping[str, Any], block: str, image: bool) -> dict[str, Any]:
        return dict(raw)  # assembled turn by turn, already in payload form

    def review_texts(self, payload: Mapping[str, Any], distractors: bool = True) -> list[str]:
        return [t["content"] for t in payload["turns"]] + [payload["assessment"], payload["plan"]]

    def check_structure(self, payload: Mapping[str, Any]) -> list[str]:
        problems = []
        if len(payload["turns"]) < MIN_TURNS:
            problems.append(f"{len(payload['turns'])} turns ({MIN_TURNS} needed)")
        for name in ("assessment", "plan"):
            if len(payload[name].strip()) < MIN_SECTION_CHARS:
                problems.append(f"no {name}")
        return problems

    def claim(self, payload: Mapping[str, Any]) -> tuple[str, str]:
        doctor = [t["content"] for t in payload["turns"] if t["role"] == "doctor"]
        return " ".join([*doctor, payload["assessment"]]), ""

    def key_text(self, payload: Mapping[str, Any]) -> str:
        return f"{payload['turns'][0]['content']} {payload['assessment']}"

    def figure_texts(self, payload: Mapping[str, Any]) -> tuple[list[str], list[str]]:
        doctor = [t["content"] for t in payload["turns"] if t["role"] == "doctor"]
        patient = [t["content"] for t in payload["turns"] if t["role"] == "patient"]
        scenario = [str(payload.get("persona", "")), str(payload.get("vignette", "")), *patient]
        return [*doctor, payload["assessment"], payload["plan"]], scenario


TASKS: dict[str, SynthesisTask] = {
    task.name: task for task in (MCQTask(), OpenQATask(), ConsultationTask(), ReportTask())
}
