"""The reviewer's synthesis criteria: the localizer's level check and every other criterion,
on crafted drafts."""

from __future__ import annotations

from typing import Any

from graphs.synthesis.review import critique, level_finding
from graphs.synthesis.tasks import TASKS
from tests.graphs.synthesis.test_records import GOOD_MCQ, SOURCE

MCQ = TASKS["mcq"]


def test_level_the_source_never_mentions_is_found():
    bad = {**GOOD_MCQ, "rationale": "An L3-L4 herniation compresses the L4 root."}
    finding = level_finding(MCQ.review_texts(bad, distractors=False), ["L4-L5", "L5"])
    assert not finding.passed and "L3-L4" in finding.detail and finding.severity == "major"
    ok = level_finding(MCQ.review_texts(GOOD_MCQ, distractors=False), ["L4-L5", "L5"])
    assert ok.passed  # the distractors L4, S1 and L3 may name other levels
    key = {**GOOD_MCQ, "answer": "C"}  # ... but not the key
    assert not level_finding(MCQ.review_texts(key, distractors=False), ["L4-L5", "L5"]).passed


def test_reviewer_faults_crafted_drafts_and_passes_a_good_one():
    def review(payload: dict[str, Any], lang: str = "en"):
        level = level_finding(MCQ.review_texts(payload, distractors=False), ["L4-L5", "L5"])
        return critique(
            MCQ, payload, source_text=SOURCE, source_lang="en", lang=lang, level=level, round=0
        )

    assert review(GOOD_MCQ).passed
    failed = {f.criterion for f in review({**GOOD_MCQ, "answer": "B and C"}).failed}
    assert "structure" in failed
    invented = {**GOOD_MCQ, "rationale": "It happens in 87 percent of patients over 60 years."}
    assert "supported" in {f.criterion for f in review(invented).failed}
    dosed = {**GOOD_MCQ, "rationale": "Give 40 mg prednisolone; the L5 root always recovers."}
    assert "no_overreach" in {f.criterion for f in review(dosed).failed}
    assert "language" in {f.criterion for f in review(GOOD_MCQ, lang="zh").failed}
    named = {
        **GOOD_MCQ,
        "question": "Mr. John Smith (MRN 1234567) has which L4-L5 root compressed?",
    }
    assert "deidentified" in {f.criterion for f in review(named).failed}
