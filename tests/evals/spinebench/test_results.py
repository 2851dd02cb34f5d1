import json
from pathlib import Path

import pytest

from evals.spinebench.__main__ import main
from evals.spinebench.agreement import agreement, read_human
from evals.spinebench.compare import leaderboard, load_run
from evals.spinebench.results import FAILED_REPORT, render_markdown, score, write_outputs
from evals.spinebench.scoring import DIMENSIONS, item_report_score


def mcq(i: int, modality: str, correct: bool, method: str | None = "strict") -> dict:
    return {
        "id": f"m{i}",
        "type": "mcq",
        "modality": modality,
        "lang": "en" if i % 2 else "zh",
        "subfield": "spondylolisthesis" if i < 3 else "spinal_infection",
        "levels": ["L4-L5"] if i % 3 else [],
        "correct": correct,
        "extraction": method,
        "error": None,
    }


def report(i: int, scores: dict | None, error: str | None = None) -> dict:
    value = None if scores is None else item_report_score(scores)
    return {
        "id": f"r{i}",
        "type": "report",
        "modality": "report",
        "lang": "en",
        "subfield": "spinal_infection",
        "levels": ["L3-L4"],
        "scores": scores,
        "report_score": value,
        "error": error,
    }


ROWS = [
    mcq(0, "text", True),
    mcq(1, "text", False, None),
    mcq(2, "text", True, "flexible"),
    mcq(3, "image", False),
    report(0, dict.fromkeys(DIMENSIONS, 5)),
    report(1, FAILED_REPORT, error="request too long"),
    report(2, None),  # the judge's reply never fit the schema
]


def test_score_weights_parts_by_items_and_reports_misses() -> None:
    result = score(ROWS)
    s = result["scores"]
    assert s["text_mcq"] == pytest.approx(66.67) and s["image_mcq"] == 0.0
    assert s["closed_qa"] == 50.0
    # a report the model failed to write scores the minimum; one the judge failed is left out
    assert s["report"] == 60.0
    assert s["total"] == pytest.approx((3 * 200 / 3 + 1 * 0 + 2 * 60) / 6, abs=0.01)
    assert result["counts"] == {
        "text_mcq": 3,
        "image_mcq": 1,
        "report": 3,
        "report_judged": 2,
        "report_judge_failed": 1,
        "model_errors": 1,
    }
    assert result["extraction"] == {"strict": 2, "flexible": 1, "failed": 1, "failure_rate": 0.25}
    assert result["dimensions"]["diagnosis"] == 3.0
    assert result["subfields"]["spondylolisthesis"]["mcq_accuracy"] == pytest.approx(66.67)
    assert result["subfields"]["spinal_infection"]["reports"] == 2
    assert set(result["levels"]) == {"with levels", "without levels"}


def test_a_run_with_no_reports_totals_its_mcqs() -> None:
    result = score(ROWS[:4])
    assert result["scores"]["report"] is None
    assert result["scores"]["total"] == result["scores"]["closed_qa"] == 50.0
    assert all(v is None for v in result["dimensions"].values())


def run_dir(path: Path, model: str, rows: list[dict], judge: str = "big-judge") -> Path:
    path.mkdir(parents=True)
    results = {
        "model": model,
        "judge": judge,
        "judge_is_model": False,
        "data": "mini",
        "items": len(rows),
        "seed": 0,
        "git": "abc",
        **score(rows),
    }
    write_outputs(path, results, rows)
    return path


def test_compare_ranks_runs_by_total_and_plots(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    weak = run_dir(tmp_path / "weak", "small-7b", ROWS)
    strong = run_dir(tmp_path / "strong", "big-72b", [ROWS[0], mcq(1, "text", True), *ROWS[2:]])
    table = leaderboard([load_run(weak), load_run(strong)])
    lines = table.splitlines()
    assert lines[0].startswith("| # | Model | Judge | Text MCQ | Image MCQ | Closed QA Avg |")
    assert "| 1 | big-72b |" in table and lines[2].startswith("| 1 | big-72b")
    plot = tmp_path / "board.png"
    assert main(["compare", str(weak), str(strong), "--plot", str(plot)]) == 0
    assert plot.read_bytes().startswith(b"\x89PNG")
    assert "big-72b" in capsys.readouterr().out
    assert "| small-7b |" in render_markdown(load_run(weak))


def test_compare_notes_different_judges_and_refuses_a_non_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = run_dir(tmp_path / "a", "m1", ROWS, judge="j1")
    b = run_dir(tmp_path / "b", "m2", ROWS, judge="j2")
    assert "different judges" in leaderboard([load_run(a), load_run(b)])
    (tmp_path / "empty").mkdir()
    assert main(["compare", str(a), str(tmp_path / "empty")]) == 2
    assert "not a finished run" in capsys.readouterr().err


def judged_run(path: Path) -> Path:
    rows = [
        report(i, dict.fromkeys(DIMENSIONS, 3) | {"diagnosis": d, "coverage": c})
        for i, (d, c) in enumerate([(1, 4), (3, 4), (5, 4), (4, 4)])
    ]
    return run_dir(path, "m", rows)


def test_agreement_is_pearson_per_dimension_over_matched_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "human.csv"
    # two raters for r0 (averaged to 1.5); r9 is not in the run
    csv.write_text(
        "id,diagnosis,coverage\nr0,1,5\nr0,2,4\nr1,3,3\nr2,5,2\nr3,4,1\nr9,5,5\n", encoding="utf-8"
    )
    human = read_human(csv)
    assert human["r0"] == {"diagnosis": 1.5, "coverage": 4.5}
    run = judged_run(tmp_path / "run")
    result = agreement(human, json_scores(run))
    assert result["reports_matched"] == 4 and result["human_only"] == 1
    assert result["dimensions"]["diagnosis"]["pearson_r"] == pytest.approx(0.997, abs=0.001)
    # the judge gave every report 4 for coverage: r is undefined, not a number
    assert result["dimensions"]["coverage"] == {"n": 4, "pearson_r": None}
    assert main(["agreement", "--human", str(csv), "--run", str(run)]) == 0
    out = capsys.readouterr().out
    assert "| diagnosis | 4 | 0.997 |" in out and "constant" in out


def json_scores(run: Path) -> dict:
    rows = [json.loads(line) for line in (run / "items.jsonl").read_text().splitlines()]
    return {r["id"]: r["scores"] for r in rows}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,diagnosis\nr0,3\n", "needs an 'id' column"),
        ("id,colour\nr0,3\n", "no dimension columns"),
        ("id,diagnosis\nr0,3\nr1,7\n", "human.csv:3: diagnosis must be 1-5, got '7'"),
        ("id,diagnosis\nr0,good\n", "human.csv:2: diagnosis must be 1-5, got 'good'"),
    ],
)
def test_a_bad_human_csv_is_one_line_naming_the_line(
    tmp_path: Path, text: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "human.csv"
    csv.write_text(text, encoding="utf-8")
    run = judged_run(tmp_path / "run")
    assert main(["agreement", "--human", str(csv), "--run", str(run)]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err
