"""Answer-level RAG evaluation: the consult graph with the real embedded model, scored by ragas."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from evals.rag import main
from evals.rag_answers import (
    JUDGED,
    NO_JUDGE,
    NON_LLM,
    AnswerRow,
    aggregate,
    choose_judge,
    local_embeddings,
)
from evals.rag_items import DATA
from tools.settings import Settings

DEAD = "http://127.0.0.1:9/v1"  # the discard port: nothing listens, connections are refused


def row(scores: dict[str, float | None], errors: dict[str, str] | None = None) -> AnswerRow:
    return AnswerRow(
        id="q",
        lang="en",
        question="Which root does an L4-L5 disc compress?",
        answer="",
        contexts=[],
        reference_chunks=["a#b"],
        scores=scores,
        errors=errors or {},
        seconds=0.0,
    )


def test_aggregate_excludes_nan_and_none_and_counts_them_as_misses() -> None:
    rows = [
        row({"context_recall": 1.0, "faithfulness": 0.5}),
        row({"context_recall": 0.0, "faithfulness": math.nan}, {"faithfulness": "NaN"}),
        row({"context_recall": 0.5, "faithfulness": None}, {"faithfulness": "APIError: down"}),
        row({"context_recall": 0.5}),  # faithfulness not applicable to this item
    ]
    recall, faith, similarity = aggregate(
        rows, ["context_recall", "faithfulness", "answer_similarity"]
    )
    assert (recall.mean, recall.scored, recall.missed) == (0.5, 4, 0)
    assert (faith.mean, faith.scored, faith.missed) == (0.5, 1, 2)
    assert faith.note in {"1× NaN", "1× APIError: down"}
    assert (similarity.mean, similarity.scored, similarity.missed) == (None, 0, 0)
    (skipped,) = aggregate(rows, ["faithfulness"], {"faithfulness": "skipped: no judge"})
    assert (skipped.mean, skipped.scored, skipped.note) == (None, 0, "skipped: no judge")


@pytest.mark.parametrize(
    ("env", "judged", "says"),
    [
        ({}, False, "no judge endpoint configured"),
        ({"judge_model": "qwen-judge"}, False, "no judge endpoint configured"),
        ({"judge_base_url": "http://j:8000/v1", "judge_model": "qwen"}, True, "SPINE_JUDGE_BASE"),
        ({"llm_base_url": "http://m:8000/v1"}, True, "judges its own answers"),
        ({"llm_base_url": "http://m/v1", "judge_base_url": "http://j/v1"}, True, "http://j/v1"),
    ],
)
def test_the_judge_is_used_only_with_an_endpoint(
    env: dict[str, str], judged: bool, says: str
) -> None:
    choice = choose_judge(Settings(**env))  # type: ignore[arg-type]
    assert (choice.config is not None) is judged
    assert says in choice.note
    if not judged:
        assert choice.note == NO_JUDGE and "skipped" in choice.note


def test_answer_body_drops_the_sources_and_the_notice() -> None:
    from agents import prompts
    from agents.answer import Answer, AnswerPart, Citation

    source = Citation(
        n=1, chunk_id="t#s", title="T", section="s", citation="C.", cited=True, excerpt="x"
    )
    answer = Answer(
        lang="en",
        parts=[
            AnswerPart(kind="patient", heading="For you:", text="rest."),
            AnswerPart(kind="evidence", heading="What the evidence says:", text="X [1]."),
        ],
        sources=[source],
        notice=prompts.EDUCATIONAL_NOTICE,
    )
    assert answer.text == (
        "For you: rest.\n\nWhat the evidence says: X [1].\n\n**Sources**\n[1] T — s. C."
        f"\n\n_{prompts.EDUCATIONAL_NOTICE}_"
    )
    assert answer.body == "For you: rest.\n\nWhat the evidence says: X [1]."
    zh = Answer.by_clinician("只有正文。", "zh").model_copy(
        update={"notice": prompts.EDUCATIONAL_NOTICES["zh"]}
    )
    assert zh.body == "只有正文。"


@pytest.fixture
def small_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Short answers from the embedded model, no revision round: the graph stays real, faster."""
    monkeypatch.setenv("SPINE_LLM_MAX_TOKENS", "128")
    monkeypatch.setenv("SPINE_LLM_TEMPERATURE", "0")
    monkeypatch.setenv("SPINE_REVIEW_MAX_ROUNDS", "0")


@pytest.mark.slow
def test_two_bundled_items_through_the_real_graph(
    bundled_settings: Settings,
    small_model: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "answers.json"
    assert main(["--limit", "2", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "| metric | mean | scored | missed | note |" in printed
    assert NO_JUDGE in printed
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["questions"] == 2 and report["judge"] is None
    assert "embedded llama.cpp" in report["model"] and report["seconds"] > 0
    first_two = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()[:2]]
    assert [r["id"] for r in report["items"]] == [q["id"] for q in first_two]
    for item in report["items"]:
        assert item["answer"].strip() and item["contexts"] and item["seconds"] > 0
        assert all("#" in chunk for chunk in item["contexts"])
        assert set(item["scores"]) == set(NON_LLM)  # no judge: the judged metrics never ran
        assert all(0.0 <= v <= 1.0 for v in item["scores"].values())
    metrics = {m["metric"]: m for m in report["metrics"]}
    assert list(metrics) == [*NON_LLM, *JUDGED]
    for name in NON_LLM:
        assert metrics[name]["scored"] == 2 and 0.0 <= metrics[name]["mean"] <= 1.0
    for name in JUDGED:
        assert metrics[name]["scored"] == 0 and metrics[name]["note"] == "skipped: no judge"


def test_a_dead_judge_without_a_model_name_is_one_line_before_any_answer(
    bundled_settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SPINE_JUDGE_BASE_URL", DEAD)
    monkeypatch.setenv("SPINE_LLM_MAX_RETRIES", "0")
    assert main(["--limit", "1"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.strip().splitlines()
    assert line.startswith("error: judge unavailable:") and DEAD in line


@pytest.mark.slow
def test_a_dead_judge_gives_per_item_misses(
    bundled_settings: Settings,
    small_model: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SPINE_JUDGE_BASE_URL", DEAD)
    monkeypatch.setenv("SPINE_JUDGE_MODEL", "judge")  # named: no discovery, every call fails
    monkeypatch.setenv("SPINE_LLM_MAX_RETRIES", "0")
    assert main(["--limit", "1", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["judge"] == f"judge @ {DEAD}"
    (item,) = report["items"]
    for name in JUDGED:
        assert item["scores"][name] is None and "Connection" in item["errors"][name]
    metrics = {m["metric"]: m for m in report["metrics"]}
    for name in JUDGED:
        assert (metrics[name]["scored"], metrics[name]["missed"]) == (0, 1)
    assert metrics["context_precision"]["scored"] == 1


def test_unknown_reference_chunks_and_bad_limits_are_refused(
    bundled_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.jsonl"
    missing.write_text(
        '{"id": "m", "question": "What is SINS?", "lang": "en", "reference_chunks": ["nope#x"], '
        '"reference_answer": "The Spinal Instability Neoplastic Score."}\n'
    )
    assert main(["--data", str(missing)]) == 2
    assert capsys.readouterr().err.strip() == "error: reference chunks not in the store: nope#x"
    with pytest.raises(SystemExit):
        main(["--limit", "0"])
    assert "--limit: must be at least 1" in capsys.readouterr().err


def test_ragas_embeddings_are_our_local_minilm(bundled_settings: Settings) -> None:
    from ragas.metrics import ResponseRelevancy

    embeddings = local_embeddings(bundled_settings)
    vector = embeddings.embed_query("Which root does an L4-L5 disc compress?")
    assert len(vector) == 384 and abs(sum(x * x for x in vector) - 1.0) < 1e-3
    relevancy = ResponseRelevancy(embeddings=embeddings)
    same, other = relevancy.calculate_similarity(
        "Which root does an L4-L5 disc compress?",
        ["Which root does an L4-L5 disc compress?", "How is a wrist fracture cast?"],
    )
    assert same > 0.99 and other < 0.5


def test_a_turn_that_fails_is_a_counted_miss_and_the_run_goes_on(
    bundled_settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # a context window too small for the sources: the model cannot answer this turn
    monkeypatch.setenv("SPINE_EMBEDDED_N_CTX", "256")
    out = tmp_path / "answers.json"
    assert main(["--limit", "2", "--out", str(out)]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["questions"] == 2
    for item in report["items"]:
        assert item["answer"] == "" and set(item["scores"]) == set(NON_LLM)
        assert all(v is None for v in item["scores"].values())
        assert "context window" in item["errors"]["answer_similarity"]
    metrics = {m["metric"]: m for m in report["metrics"]}
    assert (
        metrics["answer_similarity"]["missed"] == 2 and metrics["answer_similarity"]["mean"] is None
    )
    assert "the turn failed" in metrics["answer_similarity"]["note"]
