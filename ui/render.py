"""Markdown for the chat UI's steps: one function per agent's output (pure, no Chainlit)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from agents.reviewer import CRITERIA

TRIAGE_BADGE = {"emergency": "🔴 EMERGENCY", "urgent": "🟠 URGENT", "routine": "🟢 routine"}
IMAGING_FIELDS = (
    ("modality", "Modality"),
    ("body_part", "Body part"),
    ("description", "Series description"),
    ("plane", "Plane"),
    ("slices", "Slices"),
    ("rows", "Rows"),
    ("columns", "Columns"),
    ("pixel_spacing_mm", "Pixel spacing (mm)"),
    ("slice_thickness_mm", "Slice thickness (mm)"),
    ("transfer_syntax", "Transfer syntax"),
    ("phi_tags_removed", "Identifying tags removed"),
)


def _cell(value: Any) -> str:
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    return str(value).replace("|", "\\|").replace("\n", " ")


def triage_md(triage: Any) -> str:
    if triage is None:
        return "not assessed"
    lines = [f"**{TRIAGE_BADGE[triage.level]}** (rules v{triage.version})"]
    lines += [
        f"- {r.level}: {r.code.replace('_', ' ')} — “{r.evidence}”"
        + ("" if getattr(r, "layer", "rules") == "rules" else f" ({r.layer} layer)")
        for r in triage.reasons
    ]
    return "\n".join(lines)


def levels_md(levels: Sequence[str], evidence: Sequence[Any], warnings: Sequence[str]) -> str:
    """The conversation's levels, why each is there, and this turn's warnings."""
    lines = [f"**Levels:** {', '.join(levels) if levels else 'none named yet'}"]
    for e in evidence:
        where = f" in {e.file}" if e.file else ""
        lines.append(f"- {e.level}: {e.source}{where} — “{e.surface}” (turn {e.turn})")
    lines += [f"- ⚠️ {w}" for w in warnings]
    return "\n".join(lines)


def imaging_md(item: Mapping[str, Any]) -> str:
    """A de-identified metadata table for one DICOM series."""
    rows = [
        f"**{_cell(item.get('file', 'DICOM'))}** (de-identified metadata)",
        "",
        "| | |",
        "|---|---|",
    ]
    for key, label in IMAGING_FIELDS:
        if item.get(key) not in (None, "", []):
            rows.append(f"| {label} | {_cell(item[key])} |")
    return "\n".join(rows)


def evidence_md(evidence: Sequence[Any], query: str, warnings: Sequence[str]) -> str:
    lines = [f"**Query:** {query}" if query else "**Query:** (empty)"]
    for n, e in enumerate(evidence, 1):
        lines.append(
            f"{n}. **{e.title}** — {e.section} ({e.lang}, {e.kind}; match {e.level_match}, "
            f"score {e.score:.3f})\n   _{e.citation}_"
        )
    lines += [f"- ⚠️ {w}" for w in warnings]
    if not evidence and not warnings:
        lines.append("no matching sources")
    return "\n".join(lines)


def review_md(review: Any) -> str:
    verdict = "passed" if review.passed else "changes needed"
    lines = [f"**Round {review.round}: {verdict}** (criteria v{review.version})", ""]
    lines += ["| criterion | verdict | detail |", "|---|---|---|"]
    for f in review.findings:
        mark = "✅" if f.passed else ("❌" if f.severity == "major" else "⚠️")
        lines.append(f"| {CRITERIA[f.criterion]} | {mark} | {_cell(f.detail)} |")
    return "\n".join(lines)


def edits_md(log: Sequence[Any]) -> str:
    entries = [r for r in log if r.stage == "final_edit"]
    edits = [e for r in entries for e in r.edits]
    if not edits:
        return "no edits: the reviewed draft stands"
    return "\n".join(f"- {e}" for e in edits)
