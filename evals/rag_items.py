"""The RAG question sets: one question per JSONL line with the chunk ids that answer it."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

__all__ = ["DATA", "HOLDOUT", "RetrievalItem", "load_items"]

DATA = Path(__file__).resolve().parent / "data" / "retrieval" / "spine_retrieval.jsonl"
HOLDOUT = DATA.with_name("spine_retrieval_holdout.jsonl")


class RetrievalItem(BaseModel):
    """One question with the chunk ids that answer it."""

    id: str
    question: str = Field(min_length=5)
    lang: Literal["en", "zh"]
    levels: list[str] | None = Field(None, description="patient levels known from earlier turns")
    reference_chunks: list[str] = Field(min_length=1)
    reference_answer: str | None = None


def load_items(path: Path) -> list[RetrievalItem]:
    """Read and validate a JSONL retrieval set; errors name the file and line."""
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            items.append(RetrievalItem.model_validate_json(line))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(map(str, first["loc"])) or "line"
            raise ValueError(f"{path}:{number}: {where}: {first['msg']}") from None
    if not items:
        raise ValueError(f"{path}: no items")
    return items
