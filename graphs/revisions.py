"""Revision data from people: clinicians' edits of answers and users' feedback (JSONL).

Both files live under ``SPINE_HOME/revisions/`` and are what the synthesis graph reuses as
human revision examples. Each record is one line of the project's one JSONL log
(``tools.jsonl``): written whole under an exclusive file lock and synced, so concurrent writers
(the UI server and a CLI) never interleave; ``tools.jsonl.read_lines`` reads them back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from agents.generator import PROMPT_VERSION
from agents.reviewer import REVIEW_VERSION
from tools.jsonl import append

__all__ = [
    "CLINICIAN_EDITS",
    "FEEDBACK",
    "ClinicianEdit",
    "Feedback",
    "save_clinician_edit",
    "save_feedback",
]

CLINICIAN_EDITS = "clinician_edits.jsonl"
FEEDBACK = "feedback.jsonl"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _id(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


class ClinicianEdit(BaseModel):
    """A clinician's decision on one answer: the proposal, and what they approved or wrote."""

    id: str = Field(description="hash of thread, turn and the final text")
    created: str = Field(default_factory=_now)
    thread_id: str
    turn: int
    action: Literal["approve", "edit"]
    editor: str | None = Field(None, description="who decided (the UI's user), if known")
    question: str
    levels: list[str]
    triage: str
    draft: str = Field(description="the model's last draft")
    proposed: str = Field(description="the answer after the reviewer's final edit")
    final: str = Field(description="what the clinician approved or wrote")
    findings: list[dict[str, Any]] = Field(
        description="the reviewer's open findings, each with the quoted sentences it points at"
    )
    chunk_ids: list[str] = Field(description="the evidence the answer drew on")
    model: str | None = None
    prompt_version: str = PROMPT_VERSION
    review_version: str = REVIEW_VERSION

    @classmethod
    def from_state(
        cls,
        state: Mapping[str, Any],
        *,
        thread_id: str,
        action: Literal["approve", "edit"],
        final: str,
        editor: str | None = None,
    ) -> ClinicianEdit:
        facts = state["facts"]
        verdict = state.get("review")
        triage = state.get("triage")
        generation = state.get("generation")
        answer = state.get("answer")
        draft = state.get("draft") or ""
        return cls(
            id=_id(thread_id, str(facts.number), final),
            thread_id=thread_id,
            turn=facts.number,
            action=action,
            editor=editor,
            question=facts.text,
            levels=list(state.get("levels") or []),
            triage=triage.level if triage else "routine",
            draft=draft,
            proposed=answer.text if answer else "",
            final=final,
            findings=[f.model_dump() | {"quotes": f.quoted(draft)} for f in verdict.failed]
            if verdict
            else [],
            chunk_ids=[e.chunk_id for e in state.get("evidence") or []],
            model=generation.model if generation else None,
        )


class Feedback(BaseModel):
    """A user's rating of one answer (thumbs up/down and an optional comment)."""

    id: str
    created: str = Field(default_factory=_now)
    thread_id: str
    message_id: str = Field(description="the UI's id of the rated answer")
    value: int = Field(ge=0, le=1, description="1 = helpful, 0 = not helpful")
    comment: str | None = None
    user: str | None = None


def save_clinician_edit(home: Path, record: ClinicianEdit) -> Path:
    path = home / "revisions" / CLINICIAN_EDITS
    append(path, record.model_dump(mode="json"))
    return path


def save_feedback(home: Path, record: Feedback) -> Path:
    path = home / "revisions" / FEEDBACK
    append(path, record.model_dump(mode="json"))
    return path
