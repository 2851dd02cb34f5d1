"""Each task's structure check, texts and key, on crafted payloads."""

from __future__ import annotations

import copy
import random

import pytest

from graphs.synthesis.records import MCQ as MCQPayload
from graphs.synthesis.records import PAYLOADS
from graphs.synthesis.tasks import TASKS, MCQTask
from tests.graphs.synthesis.test_records import GOOD_MCQ, GOOD_REPORT

GOOD_OPEN_QA = {
    "question": "Which root does a posterolateral L4-L5 disc herniation compress?",
    "answer": "Usually the traversing L5 root, which causes weakness of great toe extension.",
    "key_points": ["the traversing root", "great toe extension"],
}
GOOD_CONSULTATION = {
    "persona": "a 45-year-old teacher",
    "vignette": "Lumbar disc herniation at L4-L5.",
    "turns": [
        {"role": "patient", "content": "My left leg hurts down to the big toe."},
        {"role": "doctor", "content": "Is the big toe weak when you lift it?"},
        {"role": "patient", "content": "Yes, a little."},
        {"role": "doctor", "content": "That fits the L5 root; let us look at your MRI."},
    ],
    "assessment": "Probable left L5 radiculopathy from an L4-L5 disc.",
    "plan": "MRI of the lumbar spine and physiotherapy; review in six weeks.",
}
GOOD = {
    "mcq": GOOD_MCQ,
    "open_qa": GOOD_OPEN_QA,
    "consultation": GOOD_CONSULTATION,
    "report": GOOD_REPORT,
}


def test_one_task_object_per_record_task():
    assert set(TASKS) == set(PAYLOADS) == {"mcq", "open_qa", "consultation", "report"}
    assert all(task.name == name for name, task in TASKS.items())
    assert [n for n, t in TASKS.items() if t.levels_required] == ["report"]


@pytest.mark.parametrize("name", list(GOOD))
def test_a_good_payload_is_complete_and_validates(name: str):
    task = TASKS[name]
    assert task.check_structure(GOOD[name]) == []
    PAYLOADS[name].model_validate(GOOD[name])
    assert all(task.review_texts(GOOD[name]))
    assert task.key_text(GOOD[name])


@pytest.mark.parametrize(
    ("name", "change", "problems"),
    [
        ("mcq", {"options": {"A": "L4", "B": "L5", "C": "S1"}}, ["3 options (4 or 5 needed)"]),
        ("mcq", {"options": {"A": "L4", "B": "L5", "C": "l5", "D": "S1"}}, ["options repeat"]),
        ("mcq", {"answer": "B and C"}, ["the answer 'B and C' must be one option's letter"]),
        ("open_qa", {"answer": "L5."}, ["the reference answer is too short"]),
        ("open_qa", {"key_points": ["L5", " "]}, ["fewer than two key points"]),
        ("consultation", {"turns": GOOD_CONSULTATION["turns"][:2]}, ["2 turns (4 needed)"]),
        ("consultation", {"assessment": " ", "plan": "MRI."}, ["no assessment", "no plan"]),
        ("report", {"diagnosis": "L5-S1"}, ["section diagnosis is missing"]),
    ],
)
def test_structure_check_names_what_is_missing(name: str, change: dict, problems: list[str]):
    found = TASKS[name].check_structure({**GOOD[name], **change})
    assert len(found) == len(problems)
    assert all(line.startswith(want) for line, want in zip(found, problems, strict=True))


def test_report_treatment_parts_are_checked_after_the_other_sections():
    bad = copy.deepcopy(GOOD_REPORT)
    bad["treatment"]["evidence_based"] = ""
    bad["diagnostic_basis"] = "MRI"
    assert TASKS["report"].check_structure(bad) == [
        "section diagnostic_basis is missing",
        "section treatment.evidence_based is missing",
    ]
    texts = TASKS["report"].review_texts(GOOD_REPORT)
    assert len(texts) == 7 and GOOD_REPORT["case"] not in texts  # the input is not reviewed


def test_mcq_texts_claim_and_payload():
    task = TASKS["mcq"]
    assert isinstance(task, MCQTask)
    assert task.review_texts(GOOD_MCQ, distractors=False) == [
        GOOD_MCQ["question"],
        "L5",
        GOOD_MCQ["rationale"],
    ]
    assert task.claim(GOOD_MCQ) == (f"L5 {GOOD_MCQ['rationale']}", "L5")
    raw = {
        "question": " Which root? ",
        "options": ["A) L4", "(b) L5", "S1", "D. L3"],
        "answer": "B",
        "rationale": "The traversing root.",
    }
    payload = task.payload(raw, "SOURCE", image=True)
    assert payload["options"] == {"A": "L4", "B": "L5", "C": "S1", "D": "L3"}
    assert payload["modality"] == "image" and payload["question"] == "Which root?"
    MCQPayload.model_validate(payload)


def test_report_payload_takes_the_case_from_the_block_it_was_written_from():
    raw = {
        "structured_findings": " a ",
        "diagnosis": "b",
        "treatment_patient_friendly": "c",
        "treatment_evidence_based": "d",
        "risk_prognosis": "e",
        "postoperative_management": "f",
        "diagnostic_basis": "g",
    }
    payload = TASKS["report"].payload(raw, "the case block", image=False)
    assert payload["case"] == "the case block" and payload["structured_findings"] == "a"
    assert payload["treatment"] == {"patient_friendly": "c", "evidence_based": "d"}


def test_requests_are_seeded():
    asks = [MCQTask().request("en", random.Random(7)) for _ in range(2)]
    assert asks[0] == asks[1]
    assert "Axial T2" in MCQTask().request("en", random.Random(7), "Axial T2")
