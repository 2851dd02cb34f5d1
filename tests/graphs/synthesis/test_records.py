"""Validation rejects crafted bad drafts, each with a reason; a good draft passes."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from graphs.synthesis.records import Record, answer_keys, record_id, rejections

SOURCE = (
    "Lumbar disc herniation › Which root?\n\nA posterolateral disc herniation at L4-L5 usually "
    "compresses the traversing L5 nerve root, causing weakness of great toe extension and "
    "numbness over the dorsum of the foot."
)
GOOD_MCQ = {
    "modality": "text",
    "question": "Which nerve root does a posterolateral L4-L5 disc herniation usually compress?",
    "options": {"A": "L4", "B": "L5", "C": "S1", "D": "L3"},
    "answer": "B",
    "rationale": "A posterolateral herniation at L4-L5 usually compresses the traversing L5 root.",
}
GOOD_REPORT = {
    "case": "A 58-year-old man with right leg pain; MRI shows an L5-S1 extrusion on S1.",
    "structured_findings": "Right paracentral extrusion at L5-S1 compressing the S1 root.",
    "diagnosis": "L5-S1 disc extrusion with right S1 radiculopathy.",
    "treatment": {
        "patient_friendly": "Most people improve with time, activity and physiotherapy.",
        "evidence_based": "Non-operative care first; discectomy if leg pain persists.",
    },
    "risk_prognosis": "Most radicular pain settles within weeks to months.",
    "postoperative_management": "No operation is planned at present; review in six weeks.",
    "diagnostic_basis": "Leg pain in the S1 territory with a reduced ankle reflex and the MRI.",
}


def record(task: str, payload: dict[str, Any], images: list[str] | None = None) -> dict[str, Any]:
    return {
        "id": record_id("doc#sec", task, 0, "en"),
        "task": task,
        "lang": "en",
        "levels": ["L4-L5"],
        "subfield": "lumbar_disc_herniation",
        "images": images or [],
        "provenance": {
            "source_id": "doc#sec",
            "source_kind": "guideline",
            "chunk_ids": ["doc#sec"],
            "citation": "NASS (2012). Guideline.",
            "model": "m",
            "prompt_version": "p",
            "review_version": "1",
        },
        "revision": {"draft": payload, "notes": [], "rounds": 0},
        "payload": payload,
    }


def reasons(task: str, payload: dict[str, Any], images: list[str] | None = None) -> list[str]:
    with pytest.raises(ValidationError) as info:
        Record.model_validate(record(task, payload, images))
    return [f"{r.criterion}: {r.detail}" for r in rejections(info.value)]


def test_good_records_validate():
    assert Record.model_validate(record("mcq", GOOD_MCQ)).payload.answer == "B"
    assert Record.model_validate(record("report", GOOD_REPORT)).task == "report"


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        ("E", "zero keys"),  # a letter with no option
        ("", "zero keys"),
        ("Nerve roots", "zero keys"),
        ("B and C", "2 keys"),
        ("A, D", "2 keys"),
    ],
)
def test_mcq_without_exactly_one_key_is_rejected(answer: str, why: str):
    bad = {**GOOD_MCQ, "answer": answer}
    assert any(why in line for line in reasons("mcq", bad))


@pytest.mark.parametrize("answer", ["B", "(B)", " b ".upper(), "B.", "L5"])
def test_one_key_in_any_honest_spelling(answer: str):
    assert answer_keys(answer, GOOD_MCQ["options"]) == ["B"]


@pytest.mark.parametrize(
    ("options", "why"),
    [
        ({"A": "L4", "B": "L5", "C": "S1"}, "4 or 5 options"),
        ({"A": "L4", "B": "L5", "C": "L5", "D": "S1"}, "same text"),
        ({"A": "L4", "B": "L5", "D": "S1", "E": "L3"}, "lettered"),
        ({"A": "L4", "B": "L5", "C": " ", "D": "S1"}, "empty"),
    ],
)
def test_bad_options_are_rejected(options: dict[str, str], why: str):
    assert any(why in line for line in reasons("mcq", {**GOOD_MCQ, "options": options}))


def test_image_mcq_needs_its_image():
    bad = {**GOOD_MCQ, "modality": "image"}
    assert any("image" in line for line in reasons("mcq", bad))
    Record.model_validate(record("mcq", bad, ["x_images/a.png"]))


@pytest.mark.parametrize("section", ["diagnosis", "risk_prognosis", "diagnostic_basis"])
def test_report_missing_a_section_is_rejected(section: str):
    bad = copy.deepcopy(GOOD_REPORT)
    bad[section] = ""
    assert any(line.startswith(f"{section}: String should") for line in reasons("report", bad))
    del bad[section]
    assert f"{section}: Field required" in reasons("report", bad)


def test_report_missing_a_treatment_part_is_rejected():
    bad = copy.deepcopy(GOOD_REPORT)
    bad["treatment"]["evidence_based"] = "  "
    assert any("treatment.evidence_based" in line for line in reasons("report", bad))


def test_short_or_out_of_turn_consultation_is_rejected():
    turns = [
        {"role": "patient", "content": "My left leg hurts."},
        {"role": "doctor", "content": "Where exactly?"},
    ]
    payload = {
        "persona": "p",
        "vignette": "v",
        "turns": turns,
        "assessment": "L5 radiculopathy.",
        "plan": "Physio and review.",
    }
    assert any("at least 4" in line for line in reasons("consultation", payload))
    payload["turns"] = turns + [turns[1], turns[0]]
    assert any("patient speaks there" in line for line in reasons("consultation", payload))
