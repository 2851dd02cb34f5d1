"""The runner end to end with the real embedded model (SmolLM2-135M): outputs, cache, resume.

The model is weak; these tests check the harness (what is asked, cached, scored and written),
not the model's answers.
"""

import asyncio
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from agents.llm import chat_model
from evals.spinebench.__main__ import main
from evals.spinebench.items import ReportItem
from evals.spinebench.judge import Judgement, judge, judge_messages
from evals.spinebench.scoring import DIMENSIONS

from .test_items import MCQ, REPORT, write

ROOT = Path(__file__).resolve().parents[3]


def mcq_dir(path: Path, n: int) -> Path:
    rows = [
        MCQ | {"id": f"q{i}", "answer": "ABCD"[i % 4], "question": f"{MCQ['question']} ({i})"}
        for i in range(n)
    ]
    write(path, "mcq.jsonl", *rows)
    return path


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def results(out: Path) -> dict:
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def test_a_run_writes_every_output_and_a_rerun_asks_nothing(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "run"
    (data / "img").mkdir(parents=True)
    Image.new("L", (64, 96), 128).save(data / "img" / "spine.png")
    image = MCQ | {"id": "img1", "modality": "image", "images": ["img/spine.png"]}
    write(data, "items.jsonl", MCQ, image, REPORT)
    args = ["--data", str(data), "--out", str(out), "--max-tokens", "48", "--no-progress"]

    assert main(args) == 0
    first = results(out)
    assert first["run"]["asked"] == 3 and first["run"]["judged"] == 1
    assert first["model"].startswith("SmolLM2") and first["judge"] == first["model"]
    assert first["judge_is_model"] is True
    counts = first["counts"]
    assert (counts["text_mcq"], counts["image_mcq"], counts["report"]) == (1, 1, 1)
    scores = first["scores"]
    assert set(scores) == {"text_mcq", "image_mcq", "closed_qa", "report", "total"}
    assert scores["closed_qa"] in (0.0, 50.0, 100.0)
    assert (
        first["extraction"]["strict"]
        + first["extraction"]["flexible"]
        + first["extraction"]["failed"]
        == 2
    )
    assert set(first["prompt_hashes"]) == {"mcq", "report", "judge"}
    assert first["seed"] == 0 and "git" in first
    rows = {r["id"]: r for r in lines(out / "items.jsonl")}
    assert set(rows) == {"q1", "img1", "r1"}
    assert rows["q1"]["correct"] == (rows["q1"]["predicted"] == "B")
    # the judge's raw reply is kept whether or not it fit the schema
    judged = lines(out / "judgements.jsonl")
    assert len(judged) == 1 and judged[0]["raw"]
    if judged[0]["scores"]:
        assert set(judged[0]["scores"]) == set(DIMENSIONS)
        assert rows["r1"]["report_score"] is not None
        assert set(first["dimensions"]) == set(DIMENSIONS)
    else:
        assert judged[0]["error"] and first["counts"]["report_judge_failed"] == 1
    assert "| Model | Text MCQ |" in (out / "report.md").read_text(encoding="utf-8")
    assert (out / "dimensions.png").read_bytes().startswith(b"\x89PNG")

    started = time.perf_counter()
    assert main(args) == 0
    second = results(out)
    assert second["run"]["asked"] == 0 and second["run"]["judged"] == 0
    assert second["run"]["from_cache"] == 3
    assert second["scores"] == first["scores"]
    assert time.perf_counter() - started < 5
    assert len(lines(out / "predictions.jsonl")) == 3


def test_a_changed_item_is_asked_again_and_a_torn_line_is_repaired(tmp_path: Path) -> None:
    data, out = mcq_dir(tmp_path / "data", 3), tmp_path / "run"
    args = ["--data", str(data), "--out", str(out), "--max-tokens", "16", "--no-progress"]
    assert main(args) == 0
    # a kill mid-write leaves a torn line; an edited question changes the prompt hash
    with (out / "predictions.jsonl").open("a") as handle:
        handle.write('{"key": "torn')
    rows = (data / "mcq.jsonl").read_text().splitlines()
    rows[1] = rows[1].replace("(1)", "(1, edited)")
    (data / "mcq.jsonl").write_text("\n".join(rows) + "\n")
    assert main(args) == 0
    assert results(out)["run"]["asked"] == 1
    assert all(line.endswith("}") for line in (out / "predictions.jsonl").read_text().splitlines())


def test_ctrl_c_leaves_a_run_the_same_command_resumes(tmp_path: Path) -> None:
    data, out = mcq_dir(tmp_path / "data", 12), tmp_path / "run"
    command = [sys.executable, "-m", "evals.spinebench", "--data", str(data), "--out", str(out)]
    command += ["--max-tokens", "48", "--concurrency", "1", "--no-progress"]
    env = os.environ | {"HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    log = out / "predictions.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (log.is_file() and log.read_bytes().count(b"\n")):
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    done = len(lines(log))
    assert 1 <= done < 12
    assert (
        main(["--data", str(data), "--out", str(out), "--max-tokens", "48", "--no-progress"]) == 0
    )
    assert results(out)["run"]["asked"] == 12 - done
    assert len(lines(log)) == 12


def test_a_dead_endpoint_is_one_line_and_loses_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data, out = mcq_dir(tmp_path / "data", 2), tmp_path / "run"
    args = ["--data", str(data), "--out", str(out), "--no-progress"]
    args += ["--model-base-url", "http://127.0.0.1:9/v1", "--model", "spinegpt"]
    monkeypatch.setenv("SPINE_LLM_MAX_RETRIES", "0")
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and "the same command resumes" in err
    assert not (out / "results.json").exists()


def test_a_second_run_on_the_same_directory_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, out = mcq_dir(tmp_path / "data", 1), tmp_path / "run"
    out.mkdir()
    with (out / "predictions.jsonl").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert main(["--data", str(data), "--out", str(out), "--no-progress"]) == 2
    assert "another run is writing" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--data", "/nonexistent"], "/nonexistent: not a directory"),
        (["--limit", "0"], "--limit must be >= 1"),
        (["--concurrency", "0"], "--concurrency must be >= 1"),
    ],
)
def test_bad_arguments_are_one_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"error: {err.removeprefix('error: ')}" and message in err and "\n" not in err


def test_a_judge_reply_that_breaks_the_schema_keeps_its_raw_text() -> None:
    item = ReportItem.model_validate(REPORT)

    async def go() -> object:
        model = chat_model("judge")
        try:
            messages = judge_messages(item, "L5-S1 extrusion.")
            return await judge(model, messages, seed=0, max_tokens=12)
        finally:
            await model.aclose()

    judged = asyncio.run(go())
    assert judged.scores is None and judged.raw  # 12 tokens cannot hold ten grades
    assert judged.error.startswith("judge output broke the schema")
    assert judged.attempts >= 1


def test_the_judge_schema_has_one_graded_field_per_dimension() -> None:
    schema = Judgement.model_json_schema()
    assert list(schema["properties"]) == list(DIMENSIONS)
    grade = schema["$defs"]["Grade"]["properties"]
    assert list(grade) == ["reason", "score"] and grade["score"]["enum"] == [1, 2, 3, 4, 5]


def test_a_judge_request_longer_than_its_context_is_a_judge_failure_not_a_crash() -> None:
    item = ReportItem.model_validate(REPORT | {"reference": "L5-S1 extrusion. " * 3000})

    async def go() -> object:
        model = chat_model("judge")
        try:
            messages = judge_messages(item, "L5-S1 extrusion.")
            return await judge(model, messages, seed=0, max_tokens=64)
        finally:
            await model.aclose()

    judged = asyncio.run(go())
    assert judged.scores is None and judged.error.startswith("judge request failed")
