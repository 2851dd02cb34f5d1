"""The graph's record step (de-duplicate, limit, append, or write why not) and its structured
rejection reasons, without a model: the step reads only the run's output and the work item."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from langgraph.runtime import Runtime
from pydantic import ValidationError

from graphs.synthesis.graph import Context, WorkItem, record
from graphs.synthesis.output import Output, rejected_path
from graphs.synthesis.records import Record, Rejected, Rejection, rejections
from graphs.synthesis.units import Source
from tests.graphs.synthesis.test_records import GOOD_MCQ
from tests.graphs.synthesis.test_records import record as record_dict

SOURCE = Source(
    id="doc#sec",
    group="doc",
    kind="guideline",
    title="Lumbar disc herniation",
    text="A posterolateral disc herniation at L4-L5 compresses the traversing L5 root.",
    levels=("L4-L5", "L5"),
    subfield="lumbar_disc_herniation",
    lang="en",
    citation="NASS (2012). Guideline.",
)


def runtime(output: Output, index: int) -> Runtime[Context]:
    item = WorkItem(f"mcq-en-{index}", SOURCE, "mcq", "en", index)
    return Runtime(context=Context(None, None, output, item))  # type: ignore[arg-type]


def made(index: int, payload: dict[str, Any]) -> Record:
    return Record.model_validate({**record_dict("mcq", payload), "id": f"mcq-en-{index}"})


def run_steps(output: Output, states: list[dict[str, Any]]) -> list[str]:
    async def main() -> list[str]:
        async with output.open():
            return [(await record(s, runtime(output, i)))["outcome"] for i, s in enumerate(states)]

    return asyncio.run(main())


def test_record_step_appends_once_and_rejects_duplicates_and_surplus(tmp_path: Path):
    out = tmp_path / "out.jsonl"
    other = {**GOOD_MCQ, "question": "Which reflex is reduced by an S1 radiculopathy at L5-S1?"}
    near = {**GOOD_MCQ, "question": GOOD_MCQ["question"].replace("nerve root", "root")}
    states: list[dict[str, Any]] = [
        {"record": made(0, GOOD_MCQ), "rounds": 0},
        {"record": made(1, GOOD_MCQ), "rounds": 0},  # the same payload
        {"record": made(2, near), "rounds": 0},  # one word fewer
        {"record": made(3, other), "rounds": 0},
        {"record": made(4, {**other, "question": "What is a Cobb angle?"}), "rounds": 0},
    ]
    output = Output(out, limit=2)
    assert run_steps(output, states) == [
        "accepted",
        "duplicate",
        "duplicate",
        "accepted",
        "surplus",
    ]
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == [
        "mcq-en-0",
        "mcq-en-3",
    ]
    rows = [
        Rejected.model_validate_json(line) for line in rejected_path(out).read_text().splitlines()
    ]
    assert [(r.id, r.stage, r.reasons) for r in rows] == [
        ("mcq-en-1", "deduplicate", ["exact duplicate of mcq-en-0"]),
        ("mcq-en-2", "deduplicate", ["near duplicate of mcq-en-0"]),
    ]
    s = output.stats
    assert (s.duplicates, s.surplus, s.reasons) == (
        2,
        1,
        {"duplicate: exact": 1, "duplicate: near": 1},
    )
    resumed = Output(out, resume=True)  # a resumed run de-duplicates against the file
    assert run_steps(resumed, [{"record": made(5, GOOD_MCQ), "rounds": 0}]) == ["duplicate"]
    assert resumed.done == {"mcq-en-0", "mcq-en-3"} and resumed.accepted_total == 2


def test_a_rejection_is_structure_until_the_rejected_file(tmp_path: Path):
    with pytest.raises(ValidationError) as info:
        Record.model_validate(record_dict("mcq", {**GOOD_MCQ, "answer": "B and C"}))
    why = [
        *rejections(info.value),
        Rejection(
            check="review", criterion="supported", detail="30% of its words are the source's"
        ),
    ]
    assert (why[0].check, why[0].criterion, why[0].stage) == ("invalid", "2 keys", "validate")
    assert why[0].detail == "the answer 'B and C' names ['B', 'C']"
    out = tmp_path / "out.jsonl"
    output = Output(out)
    assert run_steps(output, [{"rejections": why, "rounds": 0}]) == ["rejected"]
    (row,) = [json.loads(line) for line in rejected_path(out).read_text().splitlines()]
    assert row["stage"] == "validate" and row["draft"] is None
    assert row["reasons"] == [
        "invalid 2 keys: the answer 'B and C' names ['B', 'C']",
        "review supported: 30% of its words are the source's",
    ]
    assert output.stats.reasons == {"invalid: 2 keys": 1, "review: supported": 1}
    assert not out.read_text()


@pytest.mark.parametrize(
    ("rejection", "line", "key", "stage"),
    [
        (
            Rejection(check="draft", criterion="no valid MCQDraft in 3 attempts", detail="EOF"),
            "draft: no valid MCQDraft in 3 attempts: EOF",
            "draft: no valid MCQDraft in 3 attempts",
            "draft",
        ),
        (
            Rejection(check="duplicate", criterion="near", detail="mcq-en-1"),
            "near duplicate of mcq-en-1",
            "duplicate: near",
            "deduplicate",
        ),
        (
            Rejection(check="invalid", criterion="payload.options", detail="an option is empty"),
            "invalid payload.options: an option is empty",
            "invalid: payload.options",
            "validate",
        ),
    ],
)
def test_rejection_lines_and_keys(rejection: Rejection, line: str, key: str, stage: str):
    assert (str(rejection), rejection.key, rejection.stage) == (line, key, stage)
