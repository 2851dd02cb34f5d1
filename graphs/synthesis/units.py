"""The unit synthesis draws from: a :class:`Source` (a corpus chunk or a whole case) and its
images. Loaded by :mod:`.sources` (corpus, case folders) and :mod:`.datasets` (public datasets).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .records import Lang, Task

__all__ = ["CASE_TASKS", "KNOWLEDGE_TASKS", "Image", "Loaded", "Source", "SourceKind"]

SourceKind = Literal["guideline", "textbook", "consensus", "case", "rsna", "verse"]
CASE_TASKS: tuple[Task, ...] = ("mcq", "open_qa", "consultation", "report")
KNOWLEDGE_TASKS: tuple[Task, ...] = ("mcq", "open_qa")


@dataclass(frozen=True)
class Image:
    """An image a record may show: a PNG/JPEG file, or a DICOM series rendered at its middle."""

    path: Path
    caption: str
    dicom: bool = False


@dataclass(frozen=True)
class Source:
    """One unit of source material (a chunk or a whole case) and what it may become."""

    id: str = field(metadata={"doc": "unit id: a chunk id, 'case:<name>', 'rsna:<study>' ..."})
    group: str  # shard key: the document or case the unit belongs to
    kind: SourceKind
    title: str
    text: str  # de-identified for cases; what the model reads
    levels: tuple[str, ...]  # canonical levels the unit mentions or is labelled with
    subfield: str | None
    lang: Lang
    citation: str
    chunk_ids: tuple[str, ...] = ()
    images: tuple[Image, ...] = ()
    tasks: tuple[Task, ...] = KNOWLEDGE_TASKS

    @property
    def is_case(self) -> bool:
        return self.kind in ("case", "rsna", "verse")


@dataclass
class Loaded:
    sources: list[Source]
    skipped: list[tuple[str, str]]  # (path, reason)
