"""The extractive answer, the kind of question and degenerate plain text (agents.extract,
agents.question, agents.answer.degenerate): what the final edit quotes when the draft fails."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agents.answer import AnswerPart, Quote, degenerate, final_edit
from agents.extract import Bm25Ranker, EmbeddingRanker, candidates, extract
from agents.question import KIND_CUES, NEXT_CUES, question_kind
from agents.retriever import Evidence
from agents.reviewer import Review, check
from agents.turn import read_turn


def source(
    chunk: str, section: str, text: str, *, lang: str = "en", kind: str = "guideline"
) -> Evidence:
    return Evidence(
        chunk_id=f"doc#{chunk}",
        doc_id="doc",
        title="Lumbar disc herniation",
        section=section,
        text=f"Lumbar disc herniation › {section}\n\n{text}",
        citation="NASS 2014",
        kind=kind,
        subfield="lumbar_disc_herniation",
        lang=lang,
        levels=["L4-L5"],
        score=0.5,
        level_match="chunk",
    )


TREATMENT = source(
    "treatment",
    "What non-operative treatments and when is surgery considered?",
    "Most people start with non-operative care: staying active, physiotherapy and pain relief. "
    "Discectomy is considered when disabling leg pain persists for six to twelve weeks despite "
    "non-operative care.",
)
ROOTS = source(
    "roots",
    "Which root does each level compress?",
    "A posterolateral herniation at L4-L5 compresses the traversing L5 nerve root. "
    "This typically means weakness of great-toe extension and numbness on the top of the foot. "
    "At L5-S1 the S1 root is compressed and the ankle jerk is reduced.",
)
CASE = source(
    "case",
    "Management",
    "An epidural steroid injection at L4-L5 reduced her leg pain for about six weeks before it "
    "came back.",
    kind="case",
)
RED_FLAGS = source(
    "red-flags",
    "Which red flags need urgent assessment?",
    "New bladder or bowel symptoms or saddle numbness need an emergency MRI the same day. "
    "Patients should seek urgent review if weakness in the leg gets worse.",
)
ZH = source(
    "zh",
    "腰椎间盘突出怎么治疗？",
    "大多数腰椎间盘突出症患者首先接受保守治疗，包括保持活动、理疗和止痛。"
    "保守治疗六到十二周后仍有严重腿痛者，可考虑椎间盘切除手术。",
    lang="zh",
)
QUESTION = "MRI says L4-5 disc herniation with left leg pain. What are my options?"
EVIDENCE = [ROOTS, CASE, TREATMENT, RED_FLAGS]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("What are my options for an L4-L5 disc herniation?", "options"),
        ("Should I go to the emergency department tonight?", "now"),
        ("Can a large extrusion shrink by itself?", "prognosis"),
        ("How long until I can go back to work?", "prognosis"),
        ("Why does the pain go down my leg?", "cause"),
        ("Which nerve root does an L5-S1 disc hit?", "cause"),
        ("腰椎间盘突出怎么办？", "options"),
        ("突出的椎间盘能自己吸收吗？", "prognosis"),
        ("需要马上去急诊吗？", "now"),
        ("为什么腿会麻？", "cause"),
        ("I have an MRI report from last week.", "general"),
    ],
)
def test_the_kind_of_question(text: str, kind: str) -> None:
    assert question_kind(text) == kind


def test_the_turn_keeps_the_kind_and_searches_with_its_words() -> None:
    facts = read_turn([{"role": "user", "content": QUESTION}])
    assert facts.kind == "options" and facts.query == QUESTION
    assert facts.search.startswith(QUESTION) and "surgery" in facts.search
    follow = read_turn(
        [
            {"role": "user", "content": "My L4-L5 disc herniation hurts down my leg."},
            {"role": "user", "content": "and surgery?"},
        ]
    )
    assert follow.kind == "options" and follow.query.endswith("and surgery?")
    assert read_turn([{"role": "user", "content": "I have a report."}]).search == (
        "I have a report."
    )


def test_candidates_are_whole_prose_sentences_of_the_question_language() -> None:
    table = source(
        "t",
        "Grades",
        "| grade | slip |\n|---|---|\n| I | <25% |\n\n"
        "> Educational summary, not advice.\n\n"
        "- **Grade I** slips are the most common kind seen in adults with back pain.",
    )
    found = [c.text for c in candidates([table, ZH], "en")]
    assert found == ["Grade I slips are the most common kind seen in adults with back pain."]
    # a Chinese question reads the Chinese source when there is one
    assert {c.n for c in candidates([TREATMENT, ZH], "zh")} == {2}
    assert {c.n for c in candidates([TREATMENT], "zh")} == {1}  # else the English one


def test_an_options_question_gets_the_treatment_sentences_not_a_case_or_a_fragment() -> None:
    quotes = extract(QUESTION, "options", ["L4-L5"], EVIDENCE, "en", Bm25Ranker())
    assert set(quotes) == {"patient", "evidence", "next"}
    patient = quotes["patient"][0]
    assert patient.n == 3 and "non-operative care" in patient.text
    said = [q.text for part in quotes.values() for q in part]
    assert not any(t.startswith("This typically") for t in said[:2])
    assert not any("epidural steroid injection" in t for t in said[:2])
    assert len(said) == len(set(said))  # no sentence twice
    (step,) = quotes["next"]
    assert NEXT_CUES.search(step.text) or KIND_CUES["now"].search(step.text)


def test_level_agreement_moves_a_sentence_of_another_level_down() -> None:
    twins = source(
        "twins",
        "Where do herniations occur?",
        "At L4-L5 a disc herniation usually presses on one nerve root. "
        "At L5-S1 a disc herniation usually presses on one nerve root.",
    )
    for level in ("L4-L5", "L5-S1"):
        quotes = extract("Which root?", "cause", [level], [twins], "en", Bm25Ranker())
        assert quotes["patient"][0].text.startswith(f"At {level}")
    quotes = extract("Which root?", "cause", ["L5"], [twins], "en", Bm25Ranker())
    assert quotes["patient"][0].text.startswith("At L4-L5")  # the L5 root is at either: first


def test_a_chinese_question_is_answered_from_the_chinese_source_by_bm25() -> None:
    quotes = extract("腰椎间盘突出怎么治疗？", "options", [], [TREATMENT, ZH], "zh", Bm25Ranker())
    assert all(q.n == 2 for part in quotes.values() for q in part)
    assert "保守治疗" in quotes["patient"][0].text


def test_minilm_ranks_by_meaning_and_embeds_a_source_sentence_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tools.embedding import get_embedder
    from tools.settings import Settings

    embedder = get_embedder(Settings().embedding_model)
    calls: list[int] = []
    real = embedder.embed

    def counting(texts: list[str], **kw: Any) -> Any:
        calls.append(len(texts))
        return real(texts, **kw)

    monkeypatch.setattr(embedder, "embed", counting)
    ranker = EmbeddingRanker(embedder)
    asked = "Will my leg pain get better without an operation?"
    sims = ranker.similarity(
        asked,
        [
            "Leg pain usually improves over weeks to months without surgery.",
            "The ankle jerk is a reflex tested with a hammer at the heel.",
        ],
    )
    assert sims[0] > sims[1] + 0.1
    calls.clear()
    ranker.similarity(asked, ["Leg pain usually improves over weeks to months without surgery."])
    assert calls == [1]  # the question only: the sentence's vector is cached


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "The document is missing the section on lumbar discs and the document is missing "
            "the section on lumbar discs.",
            "a phrase repeated",
        ),
        (
            "A lethal lumbar disc herniation needs attention.",
            "alarming word no source uses: lethal",
        ),
        (
            "Quantum crystals realign chakras during lunar eclipses overnight.",
            "shares almost nothing",
        ),
        ("腰椎间盘突出会压迫神经根。腰椎间盘突出会压迫神经根。", "a phrase repeated"),
        ("Good exercises: 1. walking 2. walking 3. walking 4. walking 5. walking", "walking ×5"),
        ("这是致命的腰椎间盘突出。", "alarming word no source uses: 致命"),
    ],
)
def test_degenerate_plain_text_and_why(text: str, reason: str) -> None:
    found = degenerate(text, QUESTION, EVIDENCE)
    assert found is not None and reason in found


def test_plain_text_that_fits_is_not_degenerate() -> None:
    assert (
        degenerate(
            "Your leg pain likely comes from the L4-L5 disc on the L5 root.", QUESTION, EVIDENCE
        )
        is None
    )
    assert degenerate("", QUESTION, EVIDENCE) is None
    fatal = source("f", "Risks", "Fatal complications after spinal surgery are rare.")
    assert (
        degenerate(
            "Fatal complications after spinal surgery are rare.", "Is surgery safe?", [fatal]
        )
        is None
    )


def test_the_final_edit_strikes_a_degenerate_part_and_quotes_the_best_sentences() -> None:
    draft = (
        "For you: The document is missing the section on Lethal Lumbar Disc Herniation. "
        "The document is missing the section on Lethal Lumbar Disc Herniation with leg pain.\n"
        "What the evidence says: Magnets realign the disc permanently [1].\n"
        "Next steps: Keep active and see your doctor if the leg gets weaker."
    )
    verdict = Review(round=1, findings=check(draft, levels=["L4-L5"], evidence=EVIDENCE))
    parts, edits = final_edit(
        draft, verdict, EVIDENCE, "en", QUESTION, kind="options", levels=["L4-L5"]
    )
    body = "\n".join(p.render() for p in parts)
    assert "Lethal" not in body and "Magnets" not in body
    assert [p.kind for p in parts] == ["patient", "evidence", "next"]
    assert parts[0].text.startswith("Quoted from the sources") and parts[1].text == ""
    assert parts[0].quotes[0].n == 3  # the treatment source answers "what are my options"
    assert parts[2].text.startswith("Keep active")  # the model's next step survived
    assert any(e.startswith("struck the For you part (a phrase repeated") for e in edits)
    assert any(e.startswith("quoted source sentences") and "For you 1" in e for e in edits)


def test_a_part_that_survives_keeps_the_models_words() -> None:
    good = (
        "For you: Your leg pain likely comes from the L4-L5 disc pressing on the L5 root.\n"
        "What the evidence says: A posterolateral herniation at L4-L5 compresses the traversing "
        "L5 nerve root [1].\n"
        "Next steps: Keep active and see your doctor if the leg gets weaker."
    )
    verdict = Review(round=0, findings=check(good, levels=["L4-L5"], evidence=EVIDENCE))
    parts, edits = final_edit(good, verdict, EVIDENCE, "en", QUESTION, kind="options")
    assert all(not p.quotes for p in parts) and not edits


def test_quotes_are_structure_and_old_checkpoints_still_load() -> None:
    part = AnswerPart(kind="evidence", heading="h", text="", quotes=["“An old quote.” [2]"])
    assert part.quotes == [Quote(text="An old quote.", n=2)]
    assert part.render() == "h\n\n- “An old quote.” [2]"


ANSWER_EDIT = Path(__file__).resolve().parents[2] / "evals" / "data" / "answer_edit"


def _rows(name: str) -> list[dict[str, Any]]:
    lines = (ANSWER_EDIT / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_degenerate_on_the_labelled_plain_parts() -> None:
    # written blind by a helper (never saw the rules): first run 41/42 caught, 25/32 kept;
    # tuned on since (a development set now): this guards the tuned figure
    caught = kept = degenerate_n = fine_n = 0
    for row in _rows("plain_parts.jsonl"):
        ev = source("s", "Source", row["source"], lang=row["lang"])
        found = degenerate(row["text"], row["question"], [ev]) is not None
        if row["label"] == "degenerate":
            degenerate_n, caught = degenerate_n + 1, caught + found
        else:
            fine_n, kept = fine_n + 1, kept + (not found)
    assert (degenerate_n, fine_n) == (42, 32)
    assert caught >= 39 and kept >= 30, (caught, kept)


def test_question_kinds_on_the_labelled_set() -> None:
    # written blind: first run 71/110; tuned on since: this guards the tuned figure
    rows = _rows("question_kinds.jsonl")
    right = sum(question_kind(row["question"]) == row["kind"] for row in rows)
    assert len(rows) == 110 and right >= 103, right


def test_struck_sentences_leave_no_blank_lines() -> None:
    draft = (
        "For you: Your leg pain likely comes from the L4-L5 disc.\n \n \n"
        "Magnets realign the disc permanently.\n \nKeep active within limits.\n"
        "What the evidence says: A posterolateral herniation at L4-L5 compresses the traversing "
        "L5 nerve root [1]."
    )
    verdict = Review(round=1, findings=check(draft, levels=["L4-L5"], evidence=EVIDENCE))
    parts, _ = final_edit(draft, verdict, EVIDENCE, "en", QUESTION, kind="options")
    assert "Magnets" not in parts[0].text
    assert all(line.strip() for line in parts[0].text.splitlines())
