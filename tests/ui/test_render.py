"""The Markdown of the chat UI's steps."""

from __future__ import annotations

from agents.localizer import LevelEvidence
from agents.reviewer import Review, check
from agents.triage import assess
from ui import render


def test_triage_levels_imaging_and_review_render() -> None:
    triage = assess("I can't pass urine since this morning and my groin is numb.")
    md = render.triage_md(triage)
    assert md.startswith("**🔴 EMERGENCY**") and "saddle anaesthesia" in md
    assert render.triage_md(assess("mild back ache")).startswith("**🟢 routine**")

    update = {
        "levels": ["L4-L5"],
        "level_evidence": [LevelEvidence(level="L4-L5", source="text", surface="L4/5", turn=1)],
        "level_warnings": ["scan.dcm: could not be read (truncated)"],
    }
    md = render.levels_md(update["levels"], update["level_evidence"], update["level_warnings"])
    assert "**Levels:** L4-L5" in md and "“L4/5”" in md and "⚠️ scan.dcm" in md

    table = render.imaging_md({"file": "a|b.dcm", "modality": "MR", "slices": 12, "rows": None})
    assert "a\\|b.dcm" in table and "| Modality | MR |" in table and "Rows" not in table

    verdict = Review(round=0, findings=check("no headings here", levels=[], evidence=[]))
    md = render.review_md(verdict)
    assert "changes needed" in md and md.count("\n| ") == 8  # header + 7 criteria
