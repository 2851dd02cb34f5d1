"""``agreement --human FILE.csv --run DIR``: Pearson r per dimension, human vs judge.

The CSV has a header with ``id`` and any of the ten dimension names; each row is one rater's
1–5 scores of one report. Several rows for one id are averaged (a panel of raters).
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from .scoring import DIMENSIONS, pearson

__all__ = ["agreement", "read_human"]


def read_human(path: Path) -> dict[str, dict[str, float]]:
    """Mean human score per (report id, dimension).

    Raises:
        ValueError: unreadable file, no ``id`` column, no dimension column, or a score not 1–5
            (the message names the line).
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            fields = reader.fieldnames or []
            if "id" not in fields:
                raise ValueError(f"{path}: needs an 'id' column")
            dims = [d for d in DIMENSIONS if d in fields]
            if not dims:
                raise ValueError(f"{path}: no dimension columns ({', '.join(DIMENSIONS)})")
            sums: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
            for row in reader:
                for dim in dims:
                    cell = (row.get(dim) or "").strip()
                    if not cell:
                        continue
                    try:
                        value = float(cell)
                    except ValueError:
                        value = 0.0
                    if not 1 <= value <= 5:
                        raise ValueError(
                            f"{path}:{reader.line_num}: {dim} must be 1-5, got {cell!r}"
                        )
                    sums[row["id"]][dim].append(value)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ValueError(f"{path}: cannot read: {exc}") from None
    return {item: {dim: sum(v) / len(v) for dim, v in per.items()} for item, per in sums.items()}


def judge_scores(run: Path) -> dict[str, dict[str, int]]:
    """The judge's scores per report id from a run's items.jsonl.

    Raises:
        ValueError: the run has no items.jsonl.
    """
    path = run / "items.jsonl"
    if not path.is_file():
        raise ValueError(f"{path}: not found (is {run} a finished run?)")
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("type") == "report" and row.get("scores") and not row.get("error"):
            out[row["id"]] = row["scores"]
    return out


def agreement(
    human: dict[str, dict[str, float]], judged: dict[str, dict[str, int]]
) -> dict[str, Any]:
    """Pearson r and pair count per dimension over the reports both scored."""
    common = sorted(human.keys() & judged.keys())
    per: dict[str, dict[str, Any]] = {}
    for dim in DIMENSIONS:
        pairs = [(human[i][dim], float(judged[i][dim])) for i in common if dim in human[i]]
        if not pairs:
            continue
        r = pearson([h for h, _ in pairs], [j for _, j in pairs])
        per[dim] = {"n": len(pairs), "pearson_r": None if r != r else round(r, 3)}
    return {
        "reports_matched": len(common),
        "human_only": len(human.keys() - judged.keys()),
        "dimensions": per,
    }
