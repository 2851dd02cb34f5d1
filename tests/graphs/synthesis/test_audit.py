"""``python -m graphs.synthesis review``: drafts made elsewhere, reviewed against their sources;
a bad line is named and skipped; the model review adds faults and never clears one."""

import json
from pathlib import Path

import pytest

from graphs.synthesis.__main__ import main
from graphs.synthesis.model_review import ModelFinding, ModelVerdict, findings, review_model
from graphs.synthesis.records import DataFinding, DataReview
from tools.settings import Settings

SOURCE = "lumbar-disc-herniation-root-by-level.md"
GOOD = {
    "id": "good",
    "source": SOURCE,
    "task": "mcq",
    "lang": "en",
    "payload": {
        "modality": "text",
        "question": "A right posterolateral L4-L5 disc herniation usually compresses which root?",
        "options": {"A": "The L3 root", "B": "The L4 root", "C": "The L5 root", "D": "The S1 root"},
        "answer": "C",
        "rationale": "A posterolateral herniation at L4-L5 meets the traversing L5 root.",
    },
    "note": "other fields are ignored",
}


def _line(**changes: object) -> str:
    row = json.loads(json.dumps(GOOD))
    for key, value in changes.items():
        if key in row:
            row[key] = value
        else:
            row["payload"][key] = value
    return json.dumps(row)


def _run(
    tmp_path: Path, lines: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[dict], str]:
    drafts = tmp_path / "drafts.jsonl"
    drafts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = main(["review", str(drafts), "--no-model-review"])
    out, err = capsys.readouterr()
    return code, [json.loads(x) for x in out.splitlines()], err


def test_good_and_flawed_drafts_and_bad_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong_root = "A posterolateral herniation at L4-L5 compresses the L4 nerve root."
    lines = [
        _line(),
        _line(id="root", rationale=wrong_root),
        "{not json",
        _line(id="nosource", source="no-such-document.md"),
        _line(id="badtask", task="essay"),
        _line(id="short", options={"A": "L4", "B": "L5"}),
        _line(
            id="promise", rationale="The L5 root is compressed; surgery will definitely cure it."
        ),
    ]
    code, out, err = _run(tmp_path, lines, capsys)
    assert code == 1
    by_id = {o["id"]: o for o in out}
    assert set(by_id) == {"good", "root", "short", "promise"}
    assert by_id["good"]["accepted"] is True
    assert all(
        set(f) >= {"criterion", "passed", "severity", "detail"} for f in by_id["good"]["findings"]
    )
    failed = {o["id"]: {f["criterion"] for f in o["findings"] if not f["passed"]} for o in out}
    assert "anatomy" in failed["root"] and not by_id["root"]["accepted"]
    assert failed["short"] == {"structure"}
    assert "no_overreach" in failed["promise"]
    errors = err.splitlines()
    assert errors[0].startswith("line 3: not JSON")
    assert (
        errors[1]
        == f"line 4: source 'no-such-document.md' is not under {Path('knowledge/corpus').resolve()}"
    )
    assert errors[2].startswith("line 5: task 'essay' is not one of")
    assert len(errors) == 3


def test_a_source_given_as_a_path_and_a_missing_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "note.md"
    source.write_text("A posterolateral L4-L5 herniation compresses the traversing L5 root.\n")
    code, out, _ = _run(tmp_path, [_line(source=str(source))], capsys)
    assert code == 0 and out[0]["id"] == "good"
    assert main(["review", str(tmp_path / "x.jsonl"), "--sources", str(tmp_path / "nope")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_no_model_review_with_only_the_embedded_model() -> None:
    assert review_model(Settings(llm_base_url=[])) is None


def test_model_findings_add_faults_and_keep_the_codes() -> None:
    texts = ["The L5 root is compressed.", "Surgery always works."]
    said = ModelVerdict(
        findings=[
            ModelFinding(
                criterion="no_overreach", quote="Surgery always  works", detail="a promise"
            ),
            ModelFinding(criterion="anatomy", quote="the S1 root", detail="not in the text"),
        ]
    )
    added = findings(said, texts)
    assert [(f.criterion, f.severity, f.passed) for f in added] == [
        ("no_overreach", "major", False),
        ("anatomy", "minor", False),
    ]
    code = DataReview(
        version="2",
        round=0,
        findings=[DataFinding(criterion="grading", passed=False, severity="major", detail="x")],
    )
    merged = code.model_copy(update={"findings": [*code.findings, *added]})
    assert not merged.passed and merged.findings[0] == code.findings[0]


def test_a_bad_setting_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SPINE_LLM_TEMPERATURE", "warm")
    drafts = tmp_path / "drafts.jsonl"
    drafts.write_text(_line() + "\n", encoding="utf-8")
    assert main(["review", str(drafts)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: invalid setting llm_temperature:") and err.count("\n") == 1
