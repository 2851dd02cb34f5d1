"""The optional model check of triage: a capable served model lists red flags as structure.

Used only when ``SPINE_TRIAGE_MODEL_CHECK=true`` and an endpoint (``SPINE_LLM_BASE_URL``) is
configured — never with the embedded 135M model, which cannot do this reliably. The model's
answer is schema-validated; a flag is kept only when its quote is found in the patient's text
and the clause it sits in is not hypothetical or asked about, so the model can add a flag with
the patient's own words as evidence but cannot invent one. A dead endpoint or invalid output
leaves triage to the other layers (one warning line); the check never lowers anything.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from pydantic import BaseModel, Field, JsonValue, field_validator

from agents import prompts
from agents.llm import system, user
from agents.llm.types import LLMError
from agents.triage.engine import clause_spans, is_hypothetical
from agents.triage.models import CODES, LABELS, RedFlag, flag

__all__ = ["CHECK_CODES", "ModelCheck", "ModelFlag", "ModelFlags"]

log = logging.getLogger(__name__)
CHECK_CODES = [c for c in CODES if c != "diabetes"]
_ENUM: list[JsonValue] = list(CHECK_CODES)  # the schema's allowed values


class ModelFlag(BaseModel):
    """One red flag the model found."""

    code: str = Field(description="red-flag code", json_schema_extra={"enum": _ENUM})
    quote: str = Field(description="the patient's exact words that show it")

    @field_validator("code")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in CHECK_CODES:
            raise ValueError(f"unknown red-flag code {value!r}")
        return value


class ModelFlags(BaseModel):
    """The model's red flags for one text."""

    flags: list[ModelFlag] = Field(description="red flags present; empty when none")


def _locate(text: str, quote: str) -> tuple[int, int] | None:
    quote = quote.strip().strip("\"'“”")
    if len(quote) < 2:
        return None
    at = text.lower().find(quote.lower())
    return (at, at + len(quote)) if at >= 0 else None


class ModelCheck:
    """Ask ``model`` (a served ChatModel) for red flags; keep those quoted from the text."""

    def __init__(self, model: Any, *, timeout_s: float = 30.0) -> None:
        self.model = model
        self.timeout_s = timeout_s
        codes = "\n".join(f"- {code}: {LABELS[code]['en']}" for code in CHECK_CODES)
        self.system = prompts.TRIAGE_CHECK_SYSTEM.format(codes=codes)

    async def find(self, text: str) -> list[RedFlag]:
        """The model's red flags whose quotes are in ``text`` (asserted, not asked about)."""
        if not text.strip():
            return []
        messages = [system(self.system), user(text)]
        try:
            found = await asyncio.wait_for(
                self.model.structured(messages, ModelFlags, temperature=0.0, max_tokens=200),
                self.timeout_s,
            )
        except (LLMError, TimeoutError) as exc:
            log.warning("triage model check skipped: %s", str(exc).splitlines()[0][:200])
            return []
        clauses = clause_spans(text)
        flags: list[RedFlag] = []
        for item in found.flags:
            span = _locate(text, item.quote)
            if span is None:
                continue
            clause = next(((s, e) for s, e in clauses if s <= span[0] < e), span)
            if is_hypothetical(text, *clause):
                continue
            flags.append(flag(item.code, text, *span, layer="model"))
        return flags
