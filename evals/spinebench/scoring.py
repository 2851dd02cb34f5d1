"""SpineBench scores (DESIGN.md "SpineBench scoring"): weighted total and the report score.

Total = Σ_k w_k·P_k with w_k = N_k / ΣN over the parts (text MCQ, image MCQ, report).
Report score = 20 × mean over the five sections of the section's mean dimension score (1–5),
so all 5s give 100 and all 1s give 20.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

__all__ = [
    "DIMENSIONS",
    "SECTIONS",
    "accuracy",
    "item_report_score",
    "pearson",
    "report_score",
    "weighted_total",
]

#: The paper's ten dimensions, grouped into the five report sections.
SECTIONS: dict[str, tuple[str, ...]] = {
    "imaging": ("imaging_report",),
    "diagnosis": ("diagnosis",),
    "treatment": ("patient_guidance", "evidence_based_treatment", "technical_feasibility"),
    "risk": ("risk_prognosis",),
    "quality": ("coverage", "relevance", "granularity", "interpretability"),
}
DIMENSIONS: tuple[str, ...] = tuple(d for dims in SECTIONS.values() for d in dims)


def weighted_total(parts: Mapping[str, tuple[int, float]]) -> float:
    """Σ_k (N_k / ΣN) · P_k for parts ``name -> (number of items, score in %)``.

    Parts with no items carry no weight.

    Raises:
        ValueError: no items at all, or a negative count.
    """
    if any(n < 0 for n, _ in parts.values()):
        raise ValueError("item counts must be >= 0")
    total = sum(n for n, _ in parts.values())
    if total == 0:
        raise ValueError("no items to weight")
    return sum(n * score for n, score in parts.values() if n) / total


def report_score(sections: Mapping[str, Sequence[int]]) -> float:
    """20 × mean over sections of the mean of each section's 1–5 dimension scores.

    Raises:
        ValueError: no sections, an empty section, or a score outside 1–5.
    """
    if not sections:
        raise ValueError("no sections")
    means = []
    for name, scores in sections.items():
        if not scores:
            raise ValueError(f"section {name} has no scores")
        if any(not 1 <= s <= 5 for s in scores):
            raise ValueError(f"section {name}: scores must be 1-5, got {list(scores)}")
        means.append(sum(scores) / len(scores))
    return 20 * sum(means) / len(means)


def item_report_score(dimensions: Mapping[str, int]) -> float:
    """:func:`report_score` of one judged report given its ten dimension scores."""
    missing = [d for d in DIMENSIONS if d not in dimensions]
    if missing:
        raise ValueError(f"missing dimensions: {', '.join(missing)}")
    return report_score({name: [dimensions[d] for d in dims] for name, dims in SECTIONS.items()})


def accuracy(correct: Sequence[bool]) -> float:
    """Share correct in %, 0.0 for no items."""
    return 100 * sum(correct) / len(correct) if correct else 0.0


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Pearson's r; NaN when fewer than two pairs or either side is constant."""
    if len(xs) != len(ys):
        raise ValueError("pearson needs paired samples")
    n = len(xs)
    if n < 2:
        return math.nan
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return math.nan
    return sxy / math.sqrt(sxx * syy)
