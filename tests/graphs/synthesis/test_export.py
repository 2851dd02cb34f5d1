from __future__ import annotations

import json
from pathlib import Path

from graphs.revisions import ClinicianEdit
from graphs.synthesis.__main__ import main
from tests.graphs.synthesis.test_records import GOOD_MCQ, GOOD_REPORT, record
from tools.jsonl import append


def write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows) + '{"torn": ')
    return path


def test_sft_export_is_ms_swift_messages(tmp_path: Path):
    mcq = record("mcq", {**GOOD_MCQ, "modality": "image"}, ["x_images/a.png"])
    report = {**record("report", GOOD_REPORT), "id": "report-en-1"}
    src = write(tmp_path / "x.jsonl", [mcq, report, {"not": "a record"}])
    dst = tmp_path / "sft.jsonl"
    assert main(["--out", str(src), "--export-sft", str(dst)]) == 0
    rows = [json.loads(line) for line in dst.read_text().splitlines()]
    assert len(rows) == 2
    first, second = rows
    assert first["messages"][0]["content"].startswith("<image>Which nerve root")
    assert "B. L5" in first["messages"][0]["content"]
    assert first["messages"][1]["content"].startswith("B. L5\n")
    assert first["images"] == [str(tmp_path.resolve() / "x_images/a.png")]
    assert second["messages"][0]["content"].startswith(GOOD_REPORT["case"])
    body = second["messages"][1]["content"]
    assert body.index("## Structured findings") < body.index("## Diagnostic basis")
    assert "images" not in second


def test_dpo_export_pairs_clinician_edits(tmp_path: Path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("SPINE_HOME", str(home))
    edits = home / "revisions" / "clinician_edits.jsonl"
    common = dict(
        thread_id="t",
        turn=1,
        question="L4-L5 disc, leg pain?",
        levels=["L4-L5"],
        triage="routine",
        proposed="p",
        findings=[],
        chunk_ids=[],
    )
    for edit in (
        ClinicianEdit(id="1", action="edit", draft="bad", final="good", **common),
        ClinicianEdit(id="2", action="approve", draft="ok", final="ok", **common),
    ):
        append(edits, edit.model_dump(mode="json"))
    dst = tmp_path / "dpo.jsonl"
    assert main(["--out", str(tmp_path / "none.jsonl"), "--export-dpo", str(dst)]) == 0
    (row,) = [json.loads(line) for line in dst.read_text().splitlines()]
    assert row["messages"][-1] == {"role": "assistant", "content": "good"}
    assert row["rejected_response"] == "bad"
