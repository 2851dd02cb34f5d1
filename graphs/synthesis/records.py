"""What the synthesis graph writes: one ``Record`` per JSONL line, and the rules it must pass.

Common fields follow DESIGN.md (``id``, ``task``, ``lang``, ``levels``, ``subfield``, ``images``,
``provenance``, ``revision``); the task payload sits under ``payload``. The pydantic models are
the validation gate: an MCQ with zero or two keys, a missing report section or a consultation
shorter than four turns does not construct. Why an item is not a record stays structure
(``Rejection``: the check, its criterion or field, the detail) until it is written: the rejected
file keeps one readable line per reason, the run summary counts them by ``key``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from agents.reviewer import Verdict
from tools.jsonl import read_lines

Task = Literal["mcq", "open_qa", "consultation", "report"]
Lang = Literal["en", "zh"]
TASKS: tuple[Task, ...] = ("mcq", "open_qa", "consultation", "report")
LANGS: tuple[Lang, ...] = ("en", "zh")
_TEXT = Annotated[str, Field(min_length=1)]
LETTERS = "ABCDE"
MIN_TURNS = 4
MIN_SECTION_CHARS = 12  # a section shorter than this is a heading or a placeholder, not content
_KEY_STRICT = re.compile(r"^\W*([A-E])\W*$")
_KEY_LOOSE = re.compile(r"(?<![A-Za-z])([A-E])(?![A-Za-z])")


def record_id(source_id: str, task: str, index: int, lang: str) -> str:
    """Deterministic record id: the same source, task, index and language give the same id."""
    digest = hashlib.sha256(f"{source_id}\x1f{task}\x1f{index}\x1f{lang}".encode()).hexdigest()
    return f"{task}-{lang}-{digest[:16]}"


def _words(text: str) -> str:
    return " ".join(text.split())


def answer_keys(answer: str, options: dict[str, str]) -> list[str]:
    """The option letters an answer names: strict (``"B"``, ``"(B)"``) first, then flexible
    (``"B) Pedicle screws"``, an option's exact text). Several letters mean several keys."""
    text = answer.strip()
    strict = _KEY_STRICT.match(text)
    if strict:
        return [strict.group(1)]
    for letter, option in options.items():
        if text.casefold() == option.strip().casefold():
            return [letter]
    return sorted(set(_KEY_LOOSE.findall(text)))


# ---- payloads ---------------------------------------------------------------------------------


class MCQ(BaseModel):
    """A multiple-choice question with exactly one key."""

    model_config = ConfigDict(extra="forbid")

    modality: Literal["text", "image"] = Field(description="image: the stem refers to `images`")
    question: str = Field(min_length=10, description="the stem")
    options: dict[str, str] = Field(description="4-5 options keyed A.. in order")
    answer: str = Field(description="the one correct option's letter")
    rationale: str = Field(min_length=10, description="why the key is right, from the source")

    @field_validator("options")
    @classmethod
    def _options(cls, value: dict[str, str]) -> dict[str, str]:
        if not 4 <= len(value) <= 5:
            raise ValueError(f"an MCQ needs 4 or 5 options, not {len(value)}")
        if list(value) != list(LETTERS[: len(value)]):
            raise ValueError(f"options must be lettered {', '.join(LETTERS[: len(value)])}")
        texts = [_words(v).casefold() for v in value.values()]
        if not all(texts):
            raise ValueError("an option is empty")
        if len(set(texts)) < len(texts):
            raise ValueError("two options have the same text")
        return {k: _words(v) for k, v in value.items()}

    @model_validator(mode="after")
    def _one_key(self) -> MCQ:
        keys = answer_keys(self.answer, self.options)
        if len(keys) > 1:
            raise ValueError(f"{len(keys)} keys: the answer {self.answer!r} names {keys}")
        if not keys or keys[0] not in self.options:
            raise ValueError(f"zero keys: the answer {self.answer!r} names no option")
        self.answer = keys[0]
        return self


class OpenQA(BaseModel):
    """An open question with a reference answer and the points a good answer makes."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=10)
    answer: str = Field(min_length=20, description="reference answer")
    key_points: list[_TEXT] = Field(min_length=2, max_length=8)


class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["patient", "doctor"]
    content: str = Field(min_length=2)


class Consultation(BaseModel):
    """A simulated patient and the doctor agent, ending with an assessment and a plan."""

    model_config = ConfigDict(extra="forbid")

    persona: str = Field(description="who the simulated patient is")
    vignette: str = Field(description="what the simulated patient knew (from the source)")
    turns: list[Turn] = Field(min_length=MIN_TURNS)
    assessment: str = Field(min_length=MIN_SECTION_CHARS)
    plan: str = Field(min_length=MIN_SECTION_CHARS)

    @field_validator("turns")
    @classmethod
    def _alternate(cls, turns: list[Turn]) -> list[Turn]:
        for i, turn in enumerate(turns):
            expected = "patient" if i % 2 == 0 else "doctor"
            if turn.role != expected:
                raise ValueError(f"turn {i + 1} is the {turn.role}'s; the {expected} speaks there")
        if turns[-1].role != "doctor":
            raise ValueError("the consultation must end with the doctor")
        return turns


class Treatment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    patient_friendly: str = Field(min_length=MIN_SECTION_CHARS)
    evidence_based: str = Field(min_length=MIN_SECTION_CHARS)


class Report(BaseModel):
    """The six-section diagnostic report, and the case it was written from."""

    model_config = ConfigDict(extra="forbid")

    case: str = Field(min_length=40, description="the de-identified case text the model read")
    structured_findings: str = Field(min_length=MIN_SECTION_CHARS)
    diagnosis: str = Field(min_length=MIN_SECTION_CHARS)
    treatment: Treatment
    risk_prognosis: str = Field(min_length=MIN_SECTION_CHARS)
    postoperative_management: str = Field(min_length=MIN_SECTION_CHARS)
    diagnostic_basis: str = Field(min_length=MIN_SECTION_CHARS)


Payload = MCQ | OpenQA | Consultation | Report
PAYLOADS: dict[str, type[BaseModel]] = {
    "mcq": MCQ,
    "open_qa": OpenQA,
    "consultation": Consultation,
    "report": Report,
}


# ---- the record -------------------------------------------------------------------------------


class Provenance(BaseModel):
    """Where a record came from and what made it."""

    source_id: str = Field(description="corpus document id, case folder or dataset study")
    source_kind: str = Field(description="guideline | textbook | consensus | case | rsna | verse")
    chunk_ids: list[str] = Field(description="corpus chunks the record drew on")
    citation: str = Field(description="the public source of the facts, or the case's origin")
    model: str = Field(description="the generator's model id")
    prompt_version: str = Field(description="hash of the synthesis prompts")
    review_version: str = Field(description="version of the reviewer's criteria")


DataCriterion = Literal[
    "levels_grounded",
    "structure",
    "supported",
    "language",
    "no_overreach",
    "deidentified",
    "image_referenced",
    "not_echo",
    "anatomy",
    "grading",
    "consistent",
    "key_supported",
    "red_flags",
]


class DataFinding(Verdict):
    """The verdict on one synthesis criterion (``graphs.synthesis.review``), quoting the text."""

    criterion: DataCriterion
    quotes: list[str] = Field(default_factory=list, description="the offending text")


class DataReview(BaseModel):
    """The synthesis reviewer's findings on one version of a draft."""

    version: str
    round: int = Field(description="0 = the first draft, n = after n revisions")
    findings: list[DataFinding]

    @property
    def failed(self) -> list[DataFinding]:
        return [f for f in self.findings if not f.passed]

    @property
    def passed(self) -> bool:
        return not any(f.severity == "major" for f in self.failed)


class ModelReviewLog(BaseModel):
    """What the model reviewer was asked, by which model, and what it said (or why nothing)."""

    model: str
    prompt: str
    verdict: dict[str, Any] | None = None
    error: str | None = None


class ReviewNote(BaseModel):
    """The reviewer's findings on one version of the draft (round 0 = the first draft)."""

    round: int
    findings: list[dict[str, Any]]
    model_review: ModelReviewLog | None = None


class Revision(BaseModel):
    draft: dict[str, Any] = Field(description="the first draft, as the model wrote it")
    notes: list[ReviewNote] = Field(description="the reviewer's criteria findings per round")
    rounds: int = Field(ge=0, description="model revisions made")


class Record(BaseModel):
    """One synthesized training record."""

    model_config = ConfigDict(extra="forbid")

    id: str
    task: Task
    lang: Lang
    levels: list[str] = Field(description="canonical levels the record names")
    subfield: str | None
    images: list[str] = Field(description="image paths relative to the output file")
    provenance: Provenance
    revision: Revision
    payload: MCQ | OpenQA | Consultation | Report

    @model_validator(mode="before")
    @classmethod
    def _payload_of_task(cls, data: Any) -> Any:
        # validate the payload as its task's model, so errors name the right fields
        if isinstance(data, dict) and isinstance(data.get("payload"), dict):
            model = PAYLOADS.get(str(data.get("task")))
            if model is not None:
                data = {**data, "payload": model.model_validate(data["payload"])}
        return data

    @model_validator(mode="after")
    def _images(self) -> Record:
        if isinstance(self.payload, MCQ) and self.payload.modality == "image" and not self.images:
            raise ValueError("images: an image MCQ without an image")
        return self


Check = Literal["draft", "review", "invalid", "duplicate"]
_STAGE: dict[Check, Literal["draft", "validate", "deduplicate"]] = {
    "draft": "draft",
    "review": "validate",
    "invalid": "validate",
    "duplicate": "deduplicate",
}
_LINE: dict[Check, str] = {
    "draft": "draft: {criterion}: {detail}",
    "review": "review {criterion}: {detail}",
    "invalid": "invalid {criterion}: {detail}",
    "duplicate": "{criterion} duplicate of {detail}",
}


class Rejection(BaseModel):
    """One reason an item did not become a record."""

    check: Check = Field(description="the draft, the reviewer, the validator or de-duplication")
    criterion: str = Field(
        description="the reviewer's criterion, the invalid field, why no draft was made, or the "
        "kind of duplicate (exact | near)"
    )
    detail: str = Field(description="what was wrong; for a duplicate, the record it repeats")

    @property
    def stage(self) -> Literal["draft", "validate", "deduplicate"]:
        return _STAGE[self.check]

    @property
    def key(self) -> str:
        """What the run summary counts: ``review: supported``, ``invalid: payload.options``."""
        return f"{self.check}: {self.criterion}"

    def __str__(self) -> str:
        """The line in the rejected file: ``review supported: 30% of its words ...``."""
        return _LINE[self.check].format(criterion=self.criterion, detail=self.detail)


def rejections(exc: ValidationError) -> list[Rejection]:
    """One per validation error: ``payload.options``, ``two options have the same text``;
    ``2 keys``, ``the answer 'B and C' names ['B', 'C']``."""
    found = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        if not where:  # a rule on a whole payload or record: its message leads with what broke
            head, sep, rest = message.partition(": ")
            where, message = (head, rest) if sep else ("record", message)
        found.append(Rejection(check="invalid", criterion=where, detail=message))
    return found


class Rejected(BaseModel):
    """A draft that did not become a record, kept for audit (``reasons``: one line each)."""

    id: str
    task: Task
    lang: Lang
    source_id: str
    stage: Literal["draft", "validate", "deduplicate"]
    reasons: list[str]
    draft: dict[str, Any] | None = None
    notes: list[ReviewNote] = Field(default_factory=list)


def read_records(path: Path) -> Iterator[Record]:
    """The records of a synthesis output; a line that is not one (a torn tail, another tool's
    line) is skipped, never counted."""
    for row in read_lines(path):
        try:
            yield Record.model_validate(row)
        except ValueError:
            continue
