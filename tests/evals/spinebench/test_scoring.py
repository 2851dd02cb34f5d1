import math

import pytest
from scipy.stats import pearsonr

from evals.spinebench.scoring import (
    DIMENSIONS,
    SECTIONS,
    item_report_score,
    pearson,
    report_score,
    weighted_total,
)

MCQS, REPORTS = 487, 87


@pytest.mark.parametrize(
    ("model", "closed_qa", "report", "total"),
    [
        ("Gemini-2.5-Pro", 88.50, 93.32, 89.23),
        ("GPT5", 84.46, 91.60, 85.54),
        ("GLM-4.5V", 83.98, 79.24, 83.26),
        ("Qwen2.5-VL-72B", 82.75, 63.80, 79.88),
    ],
)
def test_weighted_total_reproduces_the_papers_total_column(
    model: str, closed_qa: float, report: float, total: float
) -> None:
    parts = {"closed_qa": (MCQS, closed_qa), "report": (REPORTS, report)}
    assert round(weighted_total(parts), 2) == total, model


def test_weighted_total_splits_mcqs_by_modality_with_the_same_result() -> None:
    # 300 text at 90 % and 187 image at 85.33 % average to the closed-QA figure
    closed = (300 * 90 + 187 * 85.33) / 487
    split = weighted_total({"text": (300, 90), "image": (187, 85.33), "report": (87, 93.32)})
    assert split == pytest.approx(weighted_total({"mcq": (487, closed), "report": (87, 93.32)}))


def test_weighted_total_weights_by_item_count_and_ignores_empty_parts() -> None:
    assert weighted_total({"a": (1, 100.0), "b": (3, 0.0)}) == 25.0
    assert weighted_total({"a": (10, 70.0), "b": (0, 0.0)}) == 70.0
    with pytest.raises(ValueError, match="no items"):
        weighted_total({"a": (0, 50.0)})
    with pytest.raises(ValueError, match=">= 0"):
        weighted_total({"a": (-1, 50.0)})


@pytest.mark.parametrize(
    ("sections", "expected"),
    [
        ({name: [5] * len(dims) for name, dims in SECTIONS.items()}, 100.0),
        ({name: [1] * len(dims) for name, dims in SECTIONS.items()}, 20.0),
        # section means 4, 2, (5+4+3)/3=4, 3, (1+2+3+4)/4=2.5 -> 20 * 15.5 / 5
        (
            {
                "imaging": [4],
                "diagnosis": [2],
                "treatment": [5, 4, 3],
                "risk": [3],
                "quality": [1, 2, 3, 4],
            },
            62.0,
        ),
    ],
)
def test_report_score_is_twenty_times_the_mean_of_section_means(
    sections: dict[str, list[int]], expected: float
) -> None:
    assert report_score(sections) == pytest.approx(expected)


def test_report_score_weighs_sections_not_dimensions() -> None:
    # one weak quality dimension costs a quarter of what one weak diagnosis costs
    base = {name: [5] * len(dims) for name, dims in SECTIONS.items()}
    weak_quality = base | {"quality": [1, 5, 5, 5]}
    weak_diagnosis = base | {"diagnosis": [1]}
    assert 100 - report_score(weak_quality) == pytest.approx(
        (100 - report_score(weak_diagnosis)) / 4
    )


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        ({}, "no sections"),
        ({"risk": []}, "no scores"),
        ({"risk": [6]}, "1-5"),
        ({"risk": [0]}, "1-5"),
    ],
)
def test_report_score_rejects_bad_input(sections: dict[str, list[int]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        report_score(sections)


def test_item_report_score_maps_the_ten_dimensions_to_five_sections() -> None:
    assert len(DIMENSIONS) == 10 and len(SECTIONS) == 5
    scores = dict.fromkeys(DIMENSIONS, 3) | {"diagnosis": 5}
    assert item_report_score(scores) == pytest.approx(20 * (3 + 5 + 3 + 3 + 3) / 5)
    with pytest.raises(ValueError, match="missing dimensions: diagnosis"):
        item_report_score({d: 3 for d in DIMENSIONS if d != "diagnosis"})


def test_pearson_matches_scipy_and_is_nan_when_undefined() -> None:
    xs, ys = [1, 2, 3, 4, 5, 3], [2, 2, 4, 5, 4, 3]
    assert pearson(xs, ys) == pytest.approx(pearsonr(xs, ys).statistic)
    assert pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert math.isnan(pearson([1, 1, 1], [1, 2, 3]))
    assert math.isnan(pearson([2], [3]))
