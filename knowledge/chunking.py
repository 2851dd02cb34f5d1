"""Split a document into section chunks that keep headings, tables and figure captions together.

A chunk is one section (a heading and the text under it, up to the next heading). A long section
is packed into several chunks at paragraph boundaries, never inside a table or between a figure
and its caption. Every chunk carries its provenance: document id, section path, page (PDF) and
the character offsets of its body in the source file, plus the canonical levels its text names.
Case records are de-identified here, before anything is embedded or stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import BaseModel, Field

from knowledge.documents import Document, slugify
from tools import levels as lv
from tools import pcm
from tools.deid import deidentify_text

__all__ = ["CHUNKER_VERSION", "Chunk", "FigureContext", "chunk_document"]

CHUNKER_VERSION = "3"  # part of each document's content hash: a new chunker re-embeds everything
MAX_CHARS = 1600
MIN_CHARS = 20
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_FENCE = re.compile(r"^(```|~~~)")
_NUMBERED = re.compile(
    r"^(?:\d{1,2}(?:\.\d{1,2}){0,3}\.?|第[一二三四五六七八九十\d]+[章节])[ \t]+\S.{0,78}$"
)
_SENTENCE = re.compile(r"(?<=[.!?。！？])\s+")
_DISCLAIMER = re.compile(r"^>\s*(educational summary|本文为)", re.I)


class FigureContext(BaseModel):
    """An image bound by picture-context matching to its caption and citing paragraphs."""

    image: str = Field(description="image path relative to the document, or the PDF image name")
    label: str | None = Field(description="normalised figure label, e.g. '3-2'")
    caption: str
    context: list[str] = Field(description="paragraphs that cite the figure")


class Chunk(BaseModel):
    """One retrievable section of a document, with provenance."""

    id: str = Field(description="'<doc id>#<section slug>', '~N' for the N-th part of a section")
    doc_id: str
    title: str = Field(description="document title")
    section: list[str] = Field(description="heading path below the title")
    text: str = Field(description="heading path line + section body (de-identified for cases)")
    page: int | None = Field(None, description="1-based PDF page of the chunk start")
    start: int = Field(description="offset of the body in the source file text")
    end: int
    levels: list[str] = Field(description="canonical levels named in the chunk")
    figures: list[FigureContext] = Field(default_factory=list)
    deid_findings: int = Field(0, description="identifiers replaced in this chunk (cases)")


@dataclass
class _Section:
    path: list[str]
    start: int
    end: int


@dataclass
class _Block:
    start: int
    end: int
    atomic: bool  # a table or a figure + caption: never split


def _heading(line: str, fmt: str) -> tuple[int, str] | None:
    m = _HEADING.match(line)
    if m:
        return len(m.group(1)), m.group(2).strip()
    if fmt != "markdown" and _NUMBERED.match(line.strip()) and not line.rstrip().endswith("."):
        depth = line.strip().split()[0].rstrip(".").count(".") + 2
        return min(depth, 6), line.strip()
    return None


def _sections(doc: Document) -> Iterator[_Section]:
    """Sections of the body; a level-1 heading is the title, not a section."""
    text, pos = doc.text, doc.body_start
    stack: list[tuple[int, str]] = []
    start, in_fence = pos, False
    current: list[str] = []
    for line in text[pos:].splitlines(keepends=True):
        stripped = line.rstrip("\r\n")
        if _FENCE.match(stripped):
            in_fence = not in_fence
        found = None if in_fence else _heading(stripped, doc.fmt)
        if found:
            yield _Section(list(current), start, pos)
            depth, name = found
            if depth == 1 and doc.fmt == "markdown":
                stack, current = [], []
            else:
                stack = [s for s in stack if s[0] < depth] + [(depth, name)]
                current = [s[1] for s in stack]
            start = pos + len(line)
        pos += len(line)
    yield _Section(list(current), start, pos)


def _blocks(text: str, start: int, end: int) -> list[_Block]:
    """Paragraphs of ``text[start:end]``; tables and figure+caption stay whole."""
    blocks: list[_Block] = []
    for m in re.finditer(r"(?:[^\n]*\S[^\n]*(?:\n|$))+", text[start:end]):
        a, b = start + m.start(), start + m.end()
        para = text[a:b].strip()
        table = para.startswith("|")
        figure = para.startswith("![")
        prev = blocks[-1] if blocks else None
        caption = prev is not None and text[prev.start : prev.end].lstrip().startswith("![")
        if prev is not None and (
            caption or (table and text[prev.start : prev.end].rstrip().endswith(":"))
        ):
            blocks[-1] = _Block(prev.start, b, True)
            continue
        blocks.append(_Block(a, b, table or figure))
    return blocks


def _split_long(text: str, block: _Block) -> list[_Block]:
    if block.atomic or block.end - block.start <= MAX_CHARS:
        return [block]
    parts, a = [], block.start
    for m in _SENTENCE.finditer(text, block.start, block.end):
        if m.start() - a >= MAX_CHARS // 2:
            parts.append(_Block(a, m.start(), False))
            a = m.end()
    parts.append(_Block(a, block.end, False))
    return parts


def _pack(text: str, blocks: list[_Block]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for block in (p for b in blocks for p in _split_long(text, b)):
        if spans and block.end - spans[-1][0] <= MAX_CHARS:
            spans[-1] = (spans[-1][0], block.end)
        else:
            spans.append((block.start, block.end))
    return spans


def _figures(doc: Document) -> pcm.PcmResult:
    if doc.fmt == "pdf":
        pages = [doc.text[a:b] for a, b in doc.pages]
        return pcm.match_pages(pages, doc.images)
    return pcm.match_markdown(doc.text)


def _figure_context(fig: pcm.FigureRef) -> FigureContext:
    return FigureContext(
        image=fig.image,
        label=fig.label,
        caption=fig.caption,
        context=[c[:600] for c in fig.context[:3]],
    )


def chunk_document(doc: Document) -> tuple[list[Chunk], pcm.PcmResult]:
    """Chunks of ``doc`` in document order, and its picture-context matching result."""
    figures = _figures(doc)
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for section in _sections(doc):
        for a, b in _pack(doc.text, _blocks(doc.text, section.start, section.end)):
            body = doc.text[a:b].strip()
            if doc.fmt == "markdown":
                body = "\n".join(
                    ln for ln in body.splitlines() if not _DISCLAIMER.match(ln)
                ).strip()
            if len(body) < MIN_CHARS:
                continue
            findings = 0
            if doc.meta.kind == "case":
                clean = deidentify_text(body)
                body, findings = clean.text, len(clean.findings)
            heading = " › ".join([doc.meta.title, *section.path])
            slug = slugify(section.path[-1], keep_cjk=True)[:60] if section.path else "overview"
            base = f"{doc.meta.id}#{slug or 'section'}"
            n = seen.get(base, 0) + 1
            seen[base] = n
            if doc.fmt == "pdf":
                page = doc.page_of(a)
                in_chunk = [f for f in figures.figures if f.caption and f.caption[:40] in body]
            else:
                page = None
                in_chunk = [f for f in figures.figures if a <= f.start < b]
            chunks.append(
                Chunk(
                    id=base if n == 1 else f"{base}~{n}",
                    doc_id=doc.meta.id,
                    title=doc.meta.title,
                    section=section.path,
                    text=f"{heading}\n\n{body}",
                    page=page,
                    start=a,
                    end=b,
                    levels=lv.find_levels(" ".join(section.path) + "\n" + body),
                    figures=[_figure_context(f) for f in in_chunk],
                    deid_findings=findings,
                )
            )
    return chunks, figures
