"""The report judge: ten 1–5 dimension grades with a reason each, as a pydantic model."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from agents.llm import (
    ChatModel,
    EndpointUnavailableError,
    GenerationParams,
    LLMError,
    Message,
    StructuredOutputError,
    system,
    user,
)

from . import prompts
from .items import ReportItem
from .scoring import DIMENSIONS

__all__ = ["Grade", "Judged", "Judgement", "judge", "judge_messages"]


class Grade(BaseModel):
    """One dimension's grade: the reason first, so the score follows from it."""

    reason: str = Field(description="one sentence: why this score")
    score: Literal[1, 2, 3, 4, 5] = Field(description="1 poor … 5 as good as the reference")


class Judgement(BaseModel):
    """The judge's grades of one report, one field per SpineBench dimension."""

    imaging_report: Grade = Field(description=prompts.RUBRIC["imaging_report"])
    diagnosis: Grade = Field(description=prompts.RUBRIC["diagnosis"])
    patient_guidance: Grade = Field(description=prompts.RUBRIC["patient_guidance"])
    evidence_based_treatment: Grade = Field(description=prompts.RUBRIC["evidence_based_treatment"])
    technical_feasibility: Grade = Field(description=prompts.RUBRIC["technical_feasibility"])
    risk_prognosis: Grade = Field(description=prompts.RUBRIC["risk_prognosis"])
    coverage: Grade = Field(description=prompts.RUBRIC["coverage"])
    relevance: Grade = Field(description=prompts.RUBRIC["relevance"])
    granularity: Grade = Field(description=prompts.RUBRIC["granularity"])
    interpretability: Grade = Field(description=prompts.RUBRIC["interpretability"])

    def scores(self) -> dict[str, int]:
        """Dimension -> score."""
        return {d: int(getattr(self, d).score) for d in DIMENSIONS}

    def reasons(self) -> dict[str, str]:
        """Dimension -> reason."""
        return {d: str(getattr(self, d).reason) for d in DIMENSIONS}


class Judged(BaseModel):
    """A judge call's outcome: grades, or the error, and always the raw text it returned."""

    scores: dict[str, int] | None = None
    reasons: dict[str, str] | None = None
    raw: str = ""
    error: str | None = None
    attempts: int = 1


def judge_messages(item: ReportItem, candidate: str) -> list[Message]:
    """The judge's messages for ``candidate``, a report written for ``item``."""
    body = prompts.JUDGE_USER.format(
        prompt=item.prompt,
        reference=item.reference,
        candidate=candidate.strip() or "(empty)",
        rubric=prompts.rubric_block(),
    )
    return [system(prompts.JUDGE_SYSTEM), user(body)]


async def judge(model: ChatModel, messages: list[Message], *, seed: int, max_tokens: int) -> Judged:
    """Grade a report, ``messages`` being :func:`judge_messages` of it; the model's own retries
    bound the attempts.

    A reply that never fits the schema (kept raw) or a refused request is returned as an error,
    not raised; only an unreachable endpoint raises.
    """
    params = GenerationParams(seed=seed, max_tokens=max_tokens)
    try:
        value, raw = await model.structured_raw(messages, Judgement, params)
    except StructuredOutputError as exc:
        error = f"judge output broke the schema: {exc}"
        return Judged(raw=exc.raw, error=error, attempts=exc.attempts)
    except EndpointUnavailableError:
        raise  # the run stops; a rerun resumes
    except LLMError as exc:  # a request the judge refuses (e.g. longer than its context)
        return Judged(error=f"judge request failed: {exc}")
    return Judged(scores=value.scores(), reasons=value.reasons(), raw=raw)
