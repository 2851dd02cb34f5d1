"""The level-localizer agent: which vertebral levels is this conversation about?

Reading happens once per turn, at its start (:func:`read_levels`, called by
:func:`agents.turn.read_turn`): the newest user text and the turn's attachments (DICOM files or
series folders, VerSe centroid JSON, radiology report text) give this turn's level mentions, the
one-line warnings (non-canonical vertebrae, unreadable attachments, a report or image whose levels
disagree with what the user wrote) and each DICOM series, de-identified (no names, IDs, dates or
UIDs), as metadata and a rendered preview that the generator and the UI reuse.

The node, :func:`localize`, accumulates across the conversation:

- ``levels``: every canonical level so far, unique, in anatomical order;
- ``level_evidence``: why each level is there (span and surface in the text, or the DICOM field, or
  the slice mapped through vertebral centroids).

It is deterministic: no model call. Text goes through ``tools.levels``, images through
``tools.dicom`` (de-identified before anything leaves the process) and ``tools.spatial``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, TypedDict

from pydantic import BaseModel, Field

from tools import levels as lv

__all__ = ["Attachment", "LevelEvidence", "LocalizerUpdate", "Series", "localize", "read_levels"]

Source = Literal["text", "report", "dicom", "centroids"]


class Attachment(BaseModel):
    """A file the user attached to this turn."""

    path: str = Field(description="file or folder on this machine")
    kind: Literal["dicom", "image", "report", "centroids"] = Field(
        description="dicom: a file or series folder; image: PNG/JPEG; report: UTF-8 text; "
        "centroids: VerSe-style vertebral centroid JSON for the attached DICOM series"
    )
    name: str | None = Field(None, description="the name shown to the user (upload name)")
    slice_index: int | None = Field(
        None, ge=0, description="dicom: the slice meant (0-based, spatial order); None = middle"
    )


class LevelEvidence(BaseModel):
    """Why a level is in ``levels``."""

    level: str = Field(description="canonical level, e.g. L4-L5")
    source: Source = Field(description="where it was found")
    surface: str = Field(description="the words as written, or the DICOM field / slice used")
    start: int | None = Field(None, description="character offset in the text (text, report)")
    end: int | None = Field(None, description="end offset in the text (text, report)")
    turn: int = Field(description="user turn number, from 1")
    file: str | None = Field(None, description="attachment name for report/dicom/centroids")


class Series(BaseModel):
    """One DICOM series of a turn, as a text-only model, a VLM or a UI may show it."""

    file: str = Field(description="the attachment's name")
    summary: dict[str, Any] = Field(description="de-identified metadata (modality, plane ...)")
    preview: bytes | None = Field(None, description="PNG of the middle slice, for a VLM and the UI")
    preview_error: str | None = Field(None, description="why there is no preview")


class LocalizerUpdate(TypedDict):
    """What the node writes: the full accumulated lists."""

    levels: list[str]
    level_evidence: list[LevelEvidence]


def _mentions(
    result: lv.ParseResult, source: Source, turn: int, file: str | None
) -> list[LevelEvidence]:
    return [
        LevelEvidence(
            level=m.level,
            source=source,
            surface=m.surface,
            start=m.start,
            end=m.end,
            turn=turn,
            file=file,
        )
        for m in result.mentions
    ]


def _vertebrae(levels: Sequence[str]) -> set[str]:
    return {v for level in levels for v in lv.vertebrae_of(level)}


def _disagreements(evidence: Sequence[LevelEvidence], turn: int) -> list[str]:
    """A report or image of this turn whose levels share no vertebra with the user's words."""
    said = [e.level for e in evidence if e.turn == turn and e.source == "text"]
    if not said:
        return []
    warnings = []
    others: dict[tuple[Source, str | None], list[str]] = {}
    for e in evidence:
        if e.turn == turn and e.source != "text":
            others.setdefault((e.source, e.file), []).append(e.level)
    for (source, file), found in others.items():
        if not _vertebrae(said) & _vertebrae(found):
            warnings.append(
                f"levels disagree: the message names {', '.join(lv.sort_levels(said))} but the "
                f"{source} {file or ''}".rstrip()
                + f" shows {', '.join(lv.sort_levels(found))}"
            )
    return warnings


def read_levels(
    text: str, attachments: Sequence[Attachment], turn: int
) -> tuple[list[LevelEvidence], list[str], list[Series]]:
    """This turn's level mentions, warnings and DICOM series (blocking: it reads the files).

    Nothing here raises: an unreadable attachment becomes a one-line warning.
    """
    parsed = lv.parse(text)
    mentions = _mentions(parsed, "text", turn, None)
    warnings = [f"message: {w.message}" for w in parsed.warnings]
    series: list[Series] = []
    if attachments:
        found, notes, series = _read_attachments(attachments, turn)
        mentions += found
        warnings += notes
    return mentions, warnings + _disagreements(mentions, turn), series


async def localize(state: Mapping[str, Any]) -> LocalizerUpdate:
    """LangGraph node: this turn's mentions (``facts``) joined to the conversation's levels.

    Args:
        state: graph state with ``facts`` (:class:`agents.turn.TurnFacts`) and the previous
            ``levels`` / ``level_evidence``.

    Returns:
        ``levels`` and ``level_evidence`` accumulated over the conversation.
    """
    evidence = list(state.get("level_evidence") or [])
    seen = {(e.level, e.source, e.surface, e.start, e.turn, e.file) for e in evidence}
    for e in state["facts"].mentions:
        key = (e.level, e.source, e.surface, e.start, e.turn, e.file)
        if key not in seen:
            seen.add(key)
            evidence.append(e)
    levels = lv.sort_levels([*(state.get("levels") or []), *(e.level for e in evidence)])
    return {"levels": levels, "level_evidence": evidence}


def _read_attachments(
    attachments: Sequence[Attachment], turn: int
) -> tuple[list[LevelEvidence], list[str], list[Series]]:
    """Levels from reports, DICOM descriptions and centroid-mapped slices; the DICOM series."""
    evidence: list[LevelEvidence] = []
    warnings: list[str] = []
    imaging: list[Series] = []
    series_seen: list[tuple[Attachment, Any]] = []
    for a in sorted(attachments, key=lambda a: a.kind == "centroids"):  # series before centroids
        name = a.name or Path(a.path).name
        try:
            if a.kind == "report":
                parsed = lv.parse(_read_report(Path(a.path)))
                evidence += _mentions(parsed, "report", turn, name)
                warnings += [f"{name}: {w.message}" for w in parsed.warnings]
            elif a.kind == "dicom":
                found, notes, summaries, series = _read_dicom(a, name, turn)
                evidence += found
                warnings += notes
                imaging += summaries
                series_seen += [(a, s) for s in series]
            elif a.kind == "centroids":
                found, notes = _read_centroids(a, name, turn, series_seen)
                evidence += found
                warnings += notes
        except Exception as exc:  # a live consult must go on; the user sees why
            from tools.errors import one_line

            warnings.append(f"{name}: could not be read ({one_line(exc)})")
    return evidence, warnings, imaging


def _read_report(path: Path) -> str:
    if path.stat().st_size > MAX_REPORT_BYTES:
        raise ValueError(f"report larger than {MAX_REPORT_BYTES // 1_000_000} MB")
    return path.read_bytes().decode("utf-8", errors="replace")


def _read_dicom(
    a: Attachment, name: str, turn: int
) -> tuple[list[LevelEvidence], list[str], list[Series], list[Any]]:
    """Series under a DICOM file or folder: description levels, de-identified summaries and a
    preview of each (the middle slice, read once)."""
    from tools.dicom import inspect, scan_series
    from tools.dicom_deid import scrub_description
    from tools.dicom_read import DicomError, read
    from tools.dicom_render import render_png

    if not Path(a.path).exists():
        raise FileNotFoundError(f"no such file or folder: {a.path}")
    scan = scan_series(a.path)
    warnings = [f"{name}: skipped {s.path.name}: {s.reason}" for s in scan.skipped]
    evidence: list[LevelEvidence] = []
    imaging: list[Series] = []
    for series in scan.series:
        try:
            middle = read(series.middle)
            info = inspect(middle)
        except DicomError as exc:
            warnings.append(f"{name}: {exc}")
            continue
        description = info.series_description or ""
        for m in lv.parse(description).mentions:  # e.g. "AX T2 L4-5": the level the tech chose
            evidence.append(
                LevelEvidence(
                    level=m.level,
                    source="dicom",
                    surface=m.surface,
                    turn=turn,
                    file=f"{name} (SeriesDescription)",
                )
            )
        summary = {
            "file": name,
            "modality": info.modality,
            "body_part": info.body_part,
            "description": scrub_description(description, middle.dataset) or None,
            "plane": info.plane,
            "slices": len(series),
            "rows": info.rows,
            "columns": info.columns,
            "frames": info.frames,
            "pixel_spacing_mm": info.pixel_spacing,
            "slice_thickness_mm": info.slice_thickness,
            "photometric_interpretation": info.photometric_interpretation,
            "transfer_syntax": info.transfer_syntax_name,
            "pixels_decode": info.pixels_decode,
            "phi_tags_removed": info.phi_tags_present,
            "burned_in_annotation": info.burned_in_annotation,
        }
        try:
            imaging.append(Series(file=name, summary=summary, preview=render_png(middle)))
        except DicomError as exc:
            imaging.append(Series(file=name, summary=summary, preview_error=str(exc)))
        if info.burned_in_annotation == "YES":
            warnings.append(f"{name}: pixels carry burned-in annotation (may contain identifiers)")
    return evidence, warnings, imaging, scan.series


def _read_centroids(
    a: Attachment, name: str, turn: int, series_seen: Sequence[tuple[Attachment, Any]]
) -> tuple[list[LevelEvidence], list[str]]:
    """Map the chosen slice of the attached series through VerSe-style vertebral centroids."""
    from tools.spatial import Centroids, SeriesGeometry, locate_slice

    if not series_seen:
        return [], [f"{name}: vertebral centroids need a DICOM series attached in the same turn"]
    dicom, series = max(series_seen, key=lambda pair: len(pair[1]))
    geometry = SeriesGeometry.from_datasets(series.headers)
    k = len(series) // 2 if dicom.slice_index is None else dicom.slice_index
    if not 0 <= k < len(series):
        return [], [f"{name}: slice {k + 1} requested but the series has {len(series)}"]
    where = locate_slice(geometry, k, Centroids.from_json(Path(a.path)))
    surface = f"slice {k + 1} of {len(series)} ({where.plane})"
    evidence = [
        LevelEvidence(level=level, source="centroids", surface=surface, turn=turn, file=name)
        for level in where.levels
    ]
    return evidence, [f"{name}: {w}" for w in where.warnings]


MAX_REPORT_BYTES = 1_000_000
