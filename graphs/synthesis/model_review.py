"""The model review of a synthesis draft: a capable served model reads the draft against its
source and the same criteria the code checks, and lists faults as structure, each quoting the
offending text.

It runs only when a capable model is configured (``SPINE_JUDGE_*``, or the generator's
endpoint ``SPINE_LLM_BASE_URL``), never with the embedded 135M model. Its findings join the
code's: it can add a fault, it cannot clear one. A finding whose quote is not in the draft is
kept as a minor note (it cannot reject a record on words the draft does not hold). A dead
endpoint or output that breaks the schema leaves the code's verdict as it is, with the error
in the log. The prompt, the model and the verdict go to the record's revision log
(:class:`ModelReviewLog`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal, get_args

from pydantic import BaseModel, Field

from agents.llm import ChatModel, system, user
from agents.llm.types import LLMError
from tools.settings import Settings

from .records import DataFinding, DataReview, ModelReviewLog
from .tasks import SynthesisTask

ModelCriterion = Literal[
    "supported",
    "no_overreach",
    "anatomy",
    "grading",
    "consistent",
    "key_supported",
    "red_flags",
    "levels_grounded",
    "deidentified",
]
MODEL_CRITERIA: tuple[str, ...] = get_args(ModelCriterion)
SOURCE_CHARS = 12000
_SYSTEM = (
    "You are a spine surgeon reviewing one synthetic training record (written for a medical "
    "AI dataset) against the source document it was written from. List every fault a spine "
    "surgeon would reject the record for, under these criteria:\n{criteria}\n"
    "For each fault give the criterion, the exact offending words copied from the record (a "
    "short quote, character for character), and one sentence saying what is wrong according "
    "to the source or standard spine anatomy. Do not report style, and do not report what is "
    "merely missing. If the record has no fault, return an empty list."
)


class ModelFinding(BaseModel):
    """One fault the model found."""

    criterion: ModelCriterion
    quote: str = Field(description="the offending words, copied exactly from the record")
    detail: str = Field(description="what is wrong, in one sentence")


class ModelVerdict(BaseModel):
    """The model's faults for one record (empty: none)."""

    findings: list[ModelFinding] = Field(max_length=12)


def review_model(settings: Settings) -> ChatModel | None:
    """The model to review with: the judge's endpoint, else the generator's; None when only the
    embedded model is configured."""
    config = settings.backend("judge")
    if config.embedded:
        return None
    from agents.llm import chat_model

    return chat_model("judge", settings)


def messages(
    task: SynthesisTask, payload: Mapping[str, Any], source_text: str, lang: str
) -> list[Any]:
    from .review import DATA_CRITERIA

    criteria = "\n".join(f"- {c}: {DATA_CRITERIA[c]}" for c in MODEL_CRITERIA)
    source = source_text[:SOURCE_CHARS]
    record = json.dumps(dict(payload), ensure_ascii=False, indent=1)
    ask = (
        f"SOURCE DOCUMENT:\n{source}\n\nRECORD (task {task.name}, language {lang}):\n{record}\n\n"
        "List the record's faults."
    )
    return [system(_SYSTEM.format(criteria=criteria)), user(ask)]


def _found(quote: str, texts: Sequence[str]) -> bool:
    needle = " ".join(quote.split()).strip("\"'“”「」").casefold()
    return len(needle) >= 2 and any(needle in " ".join(t.split()).casefold() for t in texts)


def findings(verdict: ModelVerdict, texts: Sequence[str]) -> list[DataFinding]:
    """The model's faults as findings: major when the quote is the draft's, else a minor note."""
    out = []
    for f in verdict.findings:
        grounded = _found(f.quote, texts)
        out.append(
            DataFinding(
                criterion=f.criterion,
                passed=False,
                severity="major" if grounded else "minor",
                detail=f"model review: {f.detail}"
                + ("" if grounded else " (its quote is not in the draft)"),
                quotes=[f.quote],
            )
        )
    return out


async def model_review(
    model: ChatModel,
    task: SynthesisTask,
    payload: Mapping[str, Any],
    source_text: str,
    lang: str,
    verdict: DataReview,
) -> tuple[DataReview, ModelReviewLog]:
    """The code's verdict with the model's faults added, and the log entry."""
    asked = messages(task, payload, source_text, lang)
    prompt = "\n\n".join(m.text for m in asked)
    try:
        said = await model.structured(asked, ModelVerdict, max_tokens=900)
    except LLMError as exc:
        error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return verdict, ModelReviewLog(model=model.model_name, prompt=prompt, error=error)
    added = findings(said, task.review_texts(payload))
    merged = verdict.model_copy(update={"findings": [*verdict.findings, *added]})
    log = ModelReviewLog(model=model.model_name, prompt=prompt, verdict=said.model_dump())
    return merged, log
