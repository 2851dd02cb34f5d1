"""What synthesis draws from: corpus chunks, whole cases, and labelled studies of public datasets.

``load_sources(paths)`` turns each ``--sources`` path into ``Source`` units:

- a corpus folder or file (Markdown with provenance front matter, text, PDF; the bundled corpus
  by default): one unit per chunk, cut exactly as the knowledge base cuts it, so ``chunk_ids``
  match the store; case documents also give one whole-case unit;
- a case folder (a folder holding ``case.md`` or ``case.txt``, with any DICOM series or PNG/JPEG
  images beside it), or a folder of such folders: one whole-case unit each;
- the RSNA 2024 lumbar CSVs (a folder with ``train.csv``) and VerSe centroid JSON: one case unit
  per labelled study (``graphs.synthesis.datasets``).

The unit types are ``graphs.synthesis.units``, which both loaders build.

Case text passes the de-identification gate (``tools.deid``) here, before any model sees it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

from tools import levels as lv
from tools.deid import deidentify_text

from . import datasets
from .units import CASE_TASKS, Image, Loaded, Source, SourceError

CASE_FILES = ("case.md", "case.txt")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
MIN_CHUNK_CHARS = 300  # shorter chunks (a heading and a line) make thin questions
SKIP_SECTIONS = ("references", "sources", "source", "参考文献", "来源")


def shard_of(group: str, shards: int) -> int:
    """Deterministic shard (0-based) of a document or case: the same on every machine."""
    return int(hashlib.sha256(group.encode()).hexdigest()[:12], 16) % shards


def select_shard(sources: Sequence[Source], shard: int, shards: int) -> list[Source]:
    """The units of shard ``shard`` of ``shards`` (whole documents and cases stay together)."""
    return [s for s in sources if shard_of(s.group, shards) == shard]


def _levels(text: str, extra: Iterable[str] = ()) -> tuple[str, ...]:
    return tuple(lv.sort_levels([*lv.find_levels(text), *extra]))


# ---- the corpus -------------------------------------------------------------------------------


def _corpus(paths: list[Path], max_mb: float) -> Loaded:
    from knowledge.build import discover
    from knowledge.chunking import chunk_document
    from knowledge.documents import IngestError, load_document

    files, skips = discover(paths)
    out = Loaded([], [(s.path, s.reason) for s in skips])
    for path in files:
        try:
            doc = load_document(path, max_bytes=int(max_mb * 1024 * 1024))
            chunks, _ = chunk_document(doc)
        except IngestError as exc:
            out.skipped.append((str(path), exc.reason))
            continue
        meta = doc.meta
        citation = meta.citation.text()
        base = doc.path.parent
        for chunk in chunks:
            heading = chunk.section[-1].casefold() if chunk.section else ""
            if len(chunk.text) < MIN_CHUNK_CHARS or heading in SKIP_SECTIONS:
                continue
            images = tuple(
                Image(base / fig.image, fig.caption)
                for fig in chunk.figures
                if (base / fig.image).suffix.lower() in IMAGE_SUFFIXES
                and (base / fig.image).is_file()
            )
            out.sources.append(
                Source(
                    id=chunk.id,
                    group=meta.id,
                    kind=meta.kind,
                    title=f"{meta.title} › {' › '.join(chunk.section)}",
                    text=chunk.text,
                    levels=_levels(chunk.text, chunk.levels),
                    subfield=meta.subfield,
                    lang=meta.lang,
                    citation=citation,
                    chunk_ids=(chunk.id,),
                    images=images,
                )
            )
        if meta.kind == "case" and chunks:
            text = "\n\n".join(c.text for c in chunks)
            out.sources.append(
                Source(
                    id=meta.id,
                    group=meta.id,
                    kind="case",
                    title=meta.title,
                    text=text,
                    levels=_levels(text, meta.levels),
                    subfield=meta.subfield,
                    lang=meta.lang,
                    citation=citation,
                    chunk_ids=tuple(c.id for c in chunks),
                    tasks=("consultation", "report"),
                )
            )
    return out


# ---- case folders ---------------------------------------------------------------------------


def _front_matter(text: str) -> tuple[dict[str, Any], str]:
    if not text.startswith("---"):
        return {}, text
    head, sep, body = text[3:].partition("\n---")
    if not sep:
        return {}, text
    try:
        meta = yaml.safe_load(head)
    except yaml.YAMLError:
        return {}, text
    return (meta if isinstance(meta, dict) else {}), body.lstrip("-\n")


def _dicom_images(folder: Path) -> tuple[list[Image], list[str]]:
    from tools.dicom import scan_series

    files = [p for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix.lower() == ".dcm"]
    if not files:
        return [], []
    scan = scan_series(files)
    images, facts = [], []
    for series in scan.series:
        what = " ".join(x for x in (series.modality, series.plane, series.description) if x)
        facts.append(f"{what or 'DICOM series'}, {len(series)} image(s)")
        images.append(Image(series.middle, f"{what or 'DICOM'} (middle slice)", dicom=True))
    return images, facts


def load_case(folder: Path, max_mb: float) -> Source:
    """One case folder as a de-identified case unit.

    Raises:
        SourceError: no case text, or the text cannot be read.
    """
    case_file = next((folder / n for n in CASE_FILES if (folder / n).is_file()), None)
    if case_file is None:
        raise SourceError(f"{folder}: no {' or '.join(CASE_FILES)}")
    if case_file.stat().st_size > max_mb * 1024 * 1024:
        raise SourceError(f"{case_file}: larger than {max_mb:g} MB")
    try:
        raw = case_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(
            f"{case_file}: cannot read as UTF-8 text ({exc.__class__.__name__})"
        ) from None
    meta, body = _front_matter(raw)
    text = deidentify_text(body.strip()).text  # the gate: nothing below sees the raw text
    if len(text) < 40:
        raise SourceError(f"{case_file}: too little case text")
    images, facts = _dicom_images(folder)
    images += [
        Image(p, p.stem.replace("_", " "))
        for p in sorted(folder.iterdir())
        if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()
    ]
    if facts:
        text += "\n\nImaging available: " + "; ".join(facts) + "."
    from tools.tokens import language_of

    lang = meta.get("lang") if meta.get("lang") in ("en", "zh") else language_of(text)
    labelled = [x for x in meta.get("levels") or [] if isinstance(x, str) and lv.is_level(x)]
    name = folder.name
    return Source(
        id=f"case:{name}",
        group=f"case:{name}",
        kind="case",
        title=str(meta.get("title") or name),
        text=text,
        levels=_levels(text, labelled),
        subfield=meta.get("subfield") if isinstance(meta.get("subfield"), str) else None,
        lang=lang,  # type: ignore[arg-type]
        citation=str(meta.get("citation") or f"De-identified case record '{name}'"),
        images=tuple(images),
        tasks=CASE_TASKS,
    )


def _is_case(folder: Path) -> bool:
    return any((folder / n).is_file() for n in CASE_FILES)


# ---- dispatch ----------------------------------------------------------------------------------


def load_sources(paths: Sequence[Path], *, max_mb: float = 50.0) -> Loaded:
    """Every unit under ``paths``, in a stable order (sorted by unit id)."""

    out = Loaded([], [])
    corpus: list[Path] = []
    for path in paths:
        if not path.exists():
            out.skipped.append((str(path), "no such file or folder"))
        elif datasets.is_rsna(path):
            got = datasets.load_rsna(path if path.is_dir() else path.parent)
            out.sources += got.sources
            out.skipped += got.skipped
        elif datasets.is_verse(path):
            got = datasets.load_verse(path)
            out.sources += got.sources
            out.skipped += got.skipped
        elif path.is_dir() and (_is_case(path) or any(_is_case(p) for p in path.iterdir())):
            for folder in [path] if _is_case(path) else sorted(path.iterdir()):
                if not folder.is_dir() or not _is_case(folder):
                    continue
                try:
                    out.sources.append(load_case(folder, max_mb))
                except SourceError as exc:
                    out.skipped.append((str(folder), str(exc)))
        else:
            corpus.append(path)
    if corpus:
        got = _corpus(corpus, max_mb)
        out.sources += got.sources
        out.skipped += got.skipped
    seen: dict[str, Source] = {}
    for source in out.sources:
        seen.setdefault(source.id, source)  # the same path given twice counts once
    out.sources = sorted(seen.values(), key=lambda s: s.id)
    return out
