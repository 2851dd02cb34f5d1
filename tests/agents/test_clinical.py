"""Clinical checks as code (agents.clinical): each rule catches its fault and leaves the correct
wording alone, in English and Chinese."""

from pathlib import Path

import pytest

from agents import clinical

CORPUS = Path(__file__).resolve().parents[2] / "knowledge" / "corpus"


def test_the_table_cites_a_source_for_every_table() -> None:
    facts = clinical.facts()
    sources = facts["sources"]
    assert all("doi:" in s["cite"] or "https://" in s["cite"] for s in sources.values())
    assert all((CORPUS / s["corpus"]).is_file() for s in sources.values())
    cited = [*facts["roots"]["source"], *facts["signs"]["source"]]
    cited += [g["source"] for g in facts["grading"]] + [s["source"] for s in facts["stances"]]
    assert set(cited) <= set(sources)


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("A posterolateral L4-L5 herniation compresses the L4 nerve root.", True),
        ("A posterolateral L4-L5 herniation compresses the L5 nerve root.", False),
        ("A far-lateral L4-L5 disc herniation compresses the L5 root.", True),
        ("A far-lateral L4-L5 herniation compresses the exiting L4 root.", False),
        (
            "The L5-S1 extrusion compresses the traversing S1 root; the exiting L5 root is free.",
            False,
        ),
        ("A C6-C7 disc herniation causes a C6 radiculopathy.", True),
        ("A C6-C7 disc herniation causes a C7 radiculopathy, not a C6 one.", False),
        ("C7-T1 foraminal stenosis affects the C8 root.", False),
        ("An L4-L5 herniation causing L4 radiculopathy.", True),
        ("L4-L5 foraminal stenosis compresses the L4 root.", False),
        ("腰4-5椎间盘突出压迫L4神经根", True),
        ("L4/5 椎间盘向右后外侧突出，压迫右侧 L5 神经根", False),
        ("L4/5 极外侧型椎间盘突出，压迫出口 L4 神经根", False),
        ("S1 radiculopathy with a reduced knee jerk.", True),
        ("S1 radiculopathy with a reduced ankle jerk and weak plantar flexion.", False),
        (
            "L5 radiculopathy: weak great toe extension, numbness of the dorsum of the foot.",
            False,
        ),
        ("C6 radiculopathy with a reduced triceps reflex.", False),  # C6-C8 share it
        ("C5 radiculopathy with numbness of the little finger.", True),
        ("S1 神经根受压，膝反射减弱", True),
        ("L5 神经根受压，拇趾背伸无力，足背麻木", False),
    ],
)
def test_roots_fit_their_level_zone_and_signs(text: str, wrong: bool) -> None:
    found = clinical.root_issues(text)
    assert bool(found) is wrong, found


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("A SINS of 14, indeterminate instability, warrants a surgical opinion.", True),
        ("Total SINS 11, indeterminate (possibly impending) instability.", False),
        ("SINS of 11 means the spine is unstable.", True),
        ("A SINS of 15 is unstable.", False),
        ("mJOA 13 (mild myelopathy)", True),
        ("moderate myelopathy (mJOA 13)", False),
        ("TLICS 6, so non-operative care is reasonable.", True),
        ("TLICS 2: non-operative treatment.", False),
        ("TLICS 2, so surgery is not needed.", False),
        ("SINS 评分 14 分，属于潜在不稳定", True),
        ("mJOA 评分 13 分，为中度脊髓病", False),
        ("mJOA 12 分属于重度", True),
    ],
)
def test_scores_sit_in_their_bands(text: str, wrong: bool) -> None:
    assert bool(clinical.grading_issues(text)) is wrong


@pytest.mark.parametrize(
    ("text", "promise"),
    [
        ("You will recover completely.", True),
        ("The surgeon guarantees a good result.", True),
        ("With this operation you will make a full recovery.", True),
        ("There is no risk of paralysis from this injection.", True),
        ("I can't promise that you will recover completely.", False),
        ("No one can guarantee the result.", False),
        ("There is no guarantee that the numbness will go.", False),
        ("Most patients will recover completely within weeks.", False),
        ("He has no risk factors for infection.", False),
        ("You should definitely go to A&E today.", False),
        ("手术后一定会完全康复", True),
        ("术后膀胱功能都能够完全恢复，不会遗留后遗症", True),
        ("这个手术零风险", True),
        ("我不能保证您完全康复", False),
        ("平时要保证钙的摄入，并做跌倒风险评估", False),
        ("医生保证手术后一定能恢复", True),
        ("部分患者可完全恢复", False),
    ],
)
def test_promises_and_refusals_to_promise(text: str, promise: bool) -> None:
    assert bool(clinical.promises(text)) is promise


def test_a_figure_the_source_states_is_not_a_promise() -> None:
    assert not clinical.promises("Its sensitivity was 100%.", "a sensitivity of 100% in the study")


def test_figures_leave_levels_weightings_and_ages_out() -> None:
    text = "A 45-year-old with L4-L5 herniation and T2 signal change; 80% improve in 6 weeks."
    assert clinical.numbers(text) == {"80", "6"}
    assert clinical.numbers(text, ages=True) == {"45", "80", "6"}
    assert clinical.numbers("两周后复查，三个月内，百分之八十，一般来说") == {"2", "3", "80"}
    assert clinical.numbers("C5/6 水平，mJOA 13/18 分") == {"13", "18"}


def test_a_source_states_figures_in_words_digits_and_chinese() -> None:
    found = clinical.source_numbers("two weeks, twelve months, 4–6 weeks, 三个月, 十二周, 二十")
    assert {"2", "12", "4", "6", "3", "20"} <= found


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("For moderate myelopathy, a trial of physiotherapy comes first.", True),
        ("中度脊髓型颈椎病可先行保守治疗观察", True),
        (
            "For mild myelopathy rehabilitation is an option; moderate myelopathy needs surgery.",
            False,
        ),
        ("Severe myelopathy: surgical decompression is recommended.", False),
        ("With suspected cauda equina syndrome, book a routine outpatient appointment.", True),
        ("Do not wait for a routine appointment if cauda equina symptoms appear.", False),
    ],
)
def test_management_the_guideline_rules_out(text: str, wrong: bool) -> None:
    assert bool(clinical.stance_issues(text)) is wrong


def test_offering_what_the_source_advises_against() -> None:
    source = (CORPUS / "low-back-pain-sciatica-nice-ng59.md").read_text(encoding="utf-8")
    assert clinical.against_source("Consider acupuncture for chronic low back pain.", source)
    assert clinical.against_source("Offer paracetamol alone as first-line treatment.", source)
    assert not clinical.against_source("Acupuncture is not recommended for low back pain.", source)
    assert not clinical.against_source("Consider a group exercise programme.", source)
