import pytest

from evals.spinebench.extract import extract

OPTIONS = {
    "A": "L4 nerve root",
    "B": "L5 nerve root",
    "C": "S1 nerve root",
    "D": "L3 nerve root",
}


@pytest.mark.parametrize(
    ("response", "letter", "method"),
    [
        ("Answer: B", "B", "strict"),
        ("The disc compresses the traversing root.\nAnswer: (B)", "B", "strict"),
        ("Answer: A\n...on reflection...\nAnswer: C", "C", "strict"),
        ("**Final answer: D**", "D", "strict"),
        ("答案：C", "C", "strict"),
        ("分析……\n答案: B。", "B", "strict"),
        ("B", "B", "strict"),
        ("(D).", "D", "strict"),
        ("The answer is C because S1 is traversing.", "C", "flexible"),
        ("I would choose option B.", "B", "flexible"),
        ("正确答案是B，因为……", "B", "flexible"),
        ("应选D", "D", "flexible"),
        ("**A**", "A", "flexible"),
        ("C) S1 nerve root", "C", "flexible"),
        ("l5 Nerve Root.", "B", "flexible"),
        # misses: no letter, several letters, a letter that is not an option, prose with "a"
        ("It depends on the level.", None, None),
        ("A or B", None, None),
        ("A. L4 nerve root\nB. L5 nerve root\nC. S1 nerve root", None, None),
        ("Answer: E", None, None),
        ("The answer is a herniated disc.", None, None),
        ("", None, None),
        ("L5", None, None),
    ],
)
def test_extract_strict_then_flexible_and_misses_stay_misses(
    response: str, letter: str | None, method: str | None
) -> None:
    found = extract(response, OPTIONS)
    assert (found.letter, found.method) == (letter, method)


def test_strict_answer_line_wins_over_letters_elsewhere() -> None:
    text = "Option A is tempting, option D is wrong.\nAnswer: B"
    assert extract(text, OPTIONS).letter == "B"


def test_never_falls_back_to_a_closest_option() -> None:
    # near but not equal to an option's text: a miss, not the closest option
    assert extract("L5 root probably", OPTIONS).letter is None
