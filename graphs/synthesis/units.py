"""A unit of source material (a corpus chunk, a whole case, a labelled study) and what it may
become: the types the loaders build (``graphs.synthesis.sources``, ``graphs.synthesis.datasets``)
and the graph reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .records import Lang, Task

SourceKind = Literal["guideline", "textbook", "consensus", "case", "rsna", "verse"]
CASE_TASKS: tuple[Task, ...] = ("mcq", "open_qa", "consultation", "report")
KNOWLEDGE_TASKS: tuple[Task, ...] = ("mcq", "open_qa")


class SourceError(Exception):
    """A ``--sources`` path that cannot be read at all; one line."""


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
