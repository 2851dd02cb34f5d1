"""The reviewer's criteria, table-driven on hand-written drafts, and the final edit."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from agents.answer import compose, final_edit
from agents.retriever import Evidence
from agents.reviewer import CRITERIA, Review, check, sections, sentences
from agents.triage import assess

L45 = Evidence(
    chunk_id="lumbar-disc#root",
    doc_id="lumbar-disc",
    title="Lumbar disc herniation",
    section="Which root",
    text="A posterolateral disc herniation at L4-L5 usually compresses the traversing L5 nerve "
    "root, causing pain down the leg and weakness of ankle dorsiflexion. Most patients improve "
    "within six to twelve weeks with conservative care.",
    citation="NASS 2012, Diagnosis and Treatment of Lumbar Disc Herniation with Radiculopathy",
    kind="guideline",
    subfield="degenerative_lumbar",
    lang="en",
    levels=["L4-L5"],
    score=0.5,
    level_match="chunk",
)
GOOD = (
    "For you: Your leg pain likely comes from the L4-L5 disc pressing on a nerve root. Most "
    "patients improve within weeks with conservative care.\n"
    "What the evidence says: A disc herniation at L4-L5 usually compresses the L5 nerve root "
    "[1]. Most patients improve within six to twelve weeks with conservative care [1].\n"
    "Next steps: Keep active and see your doctor if weakness appears."
)


def verdicts(draft: str, **kw: object) -> dict[str, bool]:
    args = {"levels": ["L4-L5"], "evidence": [L45], "triage": None} | kw
    return {f.criterion: f.passed for f in check(draft, **args)}  # type: ignore[arg-type]


def test_a_good_draft_passes_every_criterion() -> None:
    assert verdicts(GOOD) == dict.fromkeys(CRITERIA, True)


@pytest.mark.parametrize(
    ("draft", "criterion"),
    [
        (GOOD.replace("L4-L5 disc pressing", "L5-S1 disc pressing"), "levels_agree"),
        (GOOD.replace("nerve root [1].", "nerve root."), "claims_cited"),
        (GOOD.replace("[1]. Most", "[4]. Most"), "claims_cited"),
        (
            GOOD.replace(
                "Most patients improve within six to twelve weeks with conservative care [1].",
                "Spinal fusion cures ninety percent of patients permanently [1].",
            ),
            "claims_supported",
        ),
        (
            GOOD.replace(
                "Most patients improve within weeks",
                "Quantum crystals realign vertebrae overnight",
            ),
            "claims_supported",
        ),
        (GOOD.replace("What the evidence says:", ""), "advice_separated"),
        (GOOD + " Take ibuprofen 400 mg three times a day.", "no_overreach"),
        (GOOD + " Surgery will cure this, guaranteed.", "no_overreach"),
        (GOOD + " 一定能治愈。", "no_overreach"),
        (GOOD.replace("For you:", "For you: Mr John Smith, MRN 12345678."), "deidentified"),
    ],
)
def test_each_criterion_catches_its_fault(draft: str, criterion: str) -> None:
    result = verdicts(draft)
    assert result[criterion] is False, result
    others = {k for k, ok in result.items() if not ok} - {criterion}
    # a fault trips its own criterion; it may trip the support check too, nothing else
    assert others <= {"claims_supported"}, others


def test_red_flags_must_be_acted_on_and_not_played_down() -> None:
    urgent = SimpleNamespace(level="emergency", summary=lambda lang="en": "saddle anaesthesia")
    assert verdicts(GOOD, triage=urgent)["red_flags_addressed"] is False
    acted = GOOD + " Go to the emergency department today."
    assert verdicts(acted, triage=urgent)["red_flags_addressed"] is True
    calm = acted + " There is nothing to worry about."
    assert verdicts(calm, triage=urgent)["red_flags_addressed"] is False


def test_levels_without_localized_levels_must_come_from_the_sources() -> None:
    assert verdicts(GOOD, levels=[])["levels_agree"] is True  # L4-L5 is in the source
    stray = GOOD.replace("disc pressing", "and C5-C6 discs pressing")
    assert verdicts(stray, levels=[])["levels_agree"] is False


def test_sections_and_sentences_in_both_languages() -> None:
    parts = sections(
        "给您的说明：您的腿痛来自L4-L5。\n证据怎么说：常压迫L5神经根 [1]。\n下一步：复诊。"
    )
    assert parts["patient"].startswith("您的腿痛") and parts["evidence"].endswith("[1]。")
    assert parts["next"] == "复诊。"
    assert sentences("One root [1]. Two roots [2] [3]. ok") == [
        "One root [1].",
        "Two roots [2] [3].",
    ]


def test_final_edit_strikes_what_stayed_wrong_and_quotes_the_sources() -> None:
    bad = GOOD.replace(
        "A disc herniation at L4-L5 usually compresses the L5 nerve root [1].",
        "Magnets realign the disc permanently [1].",
    ).replace("Most patients improve within six to twelve weeks with conservative care [1].", "")
    verdict = Review(round=1, findings=check(bad, levels=["L4-L5"], evidence=[L45]))
    assert not verdict.passed
    parts, edits = final_edit(bad, verdict, [L45], "en")
    body = "\n\n".join(p.render() for p in parts)
    assert "Magnets" not in body
    assert any(e.startswith("struck (claims_supported)") for e in edits)
    assert "“A posterolateral disc herniation at L4-L5" in body and "[1]" in body


def test_final_edit_removes_identifiers_and_doses() -> None:
    bad = GOOD.replace("For you:", "For you: Mr John Smith,") + " Take naproxen 500 mg twice a day."
    verdict = Review(round=0, findings=check(bad, levels=["L4-L5"], evidence=[L45]))
    parts, _ = final_edit(bad, verdict, [L45], "en")
    body = "\n\n".join(p.render() for p in parts)
    assert "John Smith" not in body and "500 mg" not in body


def test_compose_leads_with_the_emergency_and_ends_with_sources_and_notice() -> None:
    triage = assess("I have lost control of my bladder.")
    unedited = Review(round=0, findings=[])
    parts, _ = final_edit(GOOD, unedited, [L45], "en")
    composed = compose(parts, triage=triage, evidence=[L45], lang="en")
    answer, citations = composed.text, composed.sources
    assert answer.startswith("**Act now")
    assert answer.index("Act now") < answer.index("For you:") < answer.index("**Sources**")
    assert answer.rstrip().endswith("_") and "Educational information only" in answer
    assert citations[0].n == 1 and citations[0].cited
    parts, _ = final_edit("给您的说明：x", unedited, [], "zh")
    zh = compose(parts, triage=triage, evidence=[], lang="zh").text
    assert zh.startswith("**请立即就医") and "仅供健康教育参考" in zh


async def test_a_revision_the_model_cannot_make_keeps_the_draft_and_says_why() -> None:
    from agents.llm import chat_model
    from agents.reviewer import revise
    from agents.turn import read_turn
    from tools.settings import Settings

    looping = GOOD + " The disc presses on the nerve." * 120  # beyond a 256-token window
    state = {
        "facts": read_turn([{"role": "user", "content": "Which root?"}]),
        "draft": looping,
        "rounds": 0,
        "evidence": [L45],
        "review": Review(round=0, findings=check(looping, levels=["L4-L5"], evidence=[L45])),
    }
    update = await revise(state, model=chat_model(settings=Settings(embedded_n_ctx=256)))
    assert "draft" not in update and update["rounds"] == 1
    (warning,) = update["revision_warnings"]
    assert warning.startswith("revision round 1 failed:") and "context window" in warning
