"""``python -m evals.triage FILE...``: triage scored on labelled vignette sets.

Each line of a set is a :class:`Vignette` (the format of ``tests/agents/data/triage_*.jsonl``).
The figures are the ones a triage service is judged by: emergency sensitivity (emergency items
found as emergency), any-flag sensitivity (emergency or urgent items found as either), routine
specificity (routine items left routine), exact level agreement, and the share of must-find
codes found; per language too. ``--layers rules`` scores the rules alone; ``--misses`` lists
what was missed, which turns a blind set into a development set: say so when you report it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

__all__ = ["Miss", "Scores", "Vignette", "load", "main", "score"]

Level = Literal["emergency", "urgent", "routine"]


class Vignette(BaseModel):
    """One labelled message."""

    id: str
    lang: Literal["en", "zh"]
    text: str = Field(min_length=1)
    expected: Level
    codes: list[str] = Field(default_factory=list, description="red flags that must be found")
    why: str = ""


class Miss(BaseModel):
    """One vignette triaged differently from its label."""

    id: str
    expected: Level
    got: Level
    missing: list[str] = Field(description="must-find codes not found")
    found: list[str]
    text: str


class Scores(BaseModel):
    """Figures of one run; ratios are None where their denominator is empty."""

    n: int
    emergency_sensitivity: float | None
    any_flag_sensitivity: float | None
    routine_specificity: float | None
    level_agreement: float | None
    code_recall: float | None
    counts: dict[str, int] = Field(description="items per expected level")
    by_lang: dict[str, dict[str, float | None]] = Field(default_factory=dict)
    misses: list[Miss] = Field(default_factory=list)


def load(path: Path) -> list[Vignette]:
    """Read a JSONL set; a bad line raises ValueError naming the file and line."""
    items = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            items.append(Vignette.model_validate_json(line))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "line"
            raise ValueError(f"{path}:{n}: {where}: {first['msg']}") from None
    return items


def _ratio(hits: int, total: int) -> float | None:
    return round(hits / total, 3) if total else None


def _figures(pairs: Sequence[tuple[Vignette, Level, set[str]]]) -> dict[str, float | None]:
    emergency = [(v, got) for v, got, _ in pairs if v.expected == "emergency"]
    flagged = [(v, got) for v, got, _ in pairs if v.expected != "routine"]
    routine = [(v, got) for v, got, _ in pairs if v.expected == "routine"]
    needed = sum(len(v.codes) for v, _, _ in pairs)
    return {
        "emergency_sensitivity": _ratio(
            sum(g == "emergency" for _, g in emergency), len(emergency)
        ),
        "any_flag_sensitivity": _ratio(sum(g != "routine" for _, g in flagged), len(flagged)),
        "routine_specificity": _ratio(sum(g == "routine" for _, g in routine), len(routine)),
        "level_agreement": _ratio(sum(v.expected == g for v, g, _ in pairs), len(pairs)),
        "code_recall": _ratio(sum(len(set(v.codes) & f) for v, _, f in pairs), needed),
    }


def score(items: Sequence[Vignette], triage: Callable[[str], object]) -> Scores:
    """Triage every item with ``triage`` (text -> an object with ``level`` and ``reasons``)."""
    pairs: list[tuple[Vignette, Level, set[str]]] = []
    misses = []
    for item in items:
        result = triage(item.text)
        got: Level = result.level  # type: ignore[attr-defined]
        found = {r.code for r in result.reasons}  # type: ignore[attr-defined]
        pairs.append((item, got, found))
        missing = sorted(set(item.codes) - found)
        if got != item.expected or missing:
            misses.append(
                Miss(id=item.id, expected=item.expected, got=got, missing=missing,
                     found=sorted(found), text=item.text)
            )  # fmt: skip
    by_lang = {
        lang: _figures([p for p in pairs if p[0].lang == lang])
        for lang in sorted({i.lang for i in items})
    }
    counts = {
        lvl: sum(i.expected == lvl for i in items) for lvl in ("emergency", "urgent", "routine")
    }
    return Scores(n=len(items), counts=counts, by_lang=by_lang, misses=misses, **_figures(pairs))


def render(name: str, scores: Scores, *, misses: bool) -> str:
    """The scores as a few lines of text (the CLI's output)."""
    keys = ("emergency_sensitivity", "any_flag_sensitivity", "routine_specificity",
            "level_agreement", "code_recall")  # fmt: skip
    counts = ", ".join(f"{k} {v}" for k, v in scores.counts.items())
    lines = [f"{name}: {scores.n} vignettes ({counts})"]
    for key in keys:
        per_lang = "  ".join(f"{lang} {figs[key]}" for lang, figs in scores.by_lang.items())
        lines.append(f"  {key:<22} {getattr(scores, key)}   ({per_lang})")
    if misses:
        for m in scores.misses:
            lines.append(
                f"  MISS {m.id}: expected {m.expected}, got {m.got}; missing {m.missing}; "
                f"found {m.found} | {m.text}"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.triage", description=__doc__)
    parser.add_argument("files", nargs="+", type=Path, help="JSONL vignette sets")
    parser.add_argument(
        "--layers",
        choices=("rules", "all"),
        default="all",
        help="rules: the rule layer alone; all: what the consult graph runs (default)",
    )
    parser.add_argument("--misses", action="store_true", help="list every miss")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args(argv)
    from agents import triage as triage_agent

    if args.layers == "rules":
        run: Callable[[str], object] = triage_agent.assess
    else:
        run = triage_agent.Screen.from_settings().assess
    status = 0
    for path in args.files:
        try:
            items = load(path)
        except (OSError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 2
            continue
        scores = score(items, run)
        if args.json:
            print(json.dumps({"file": str(path), **scores.model_dump()}, ensure_ascii=False))
        else:
            print(render(str(path), scores, misses=args.misses))
    return status


if __name__ == "__main__":
    raise SystemExit(main())
