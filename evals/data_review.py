"""``python -m evals.data_review SET.jsonl ...``: how well the synthesis reviewer judges drafts
whose verdict is known.

A labelled set is the review command's input (``id``, ``source``, ``task``, ``lang``,
``payload``) plus ``label`` (``good`` or ``flawed``), ``defect`` (a flawed record's one planted
defect, by family) and ``defect_note``. A good record must be accepted; a flawed one rejected
*for the right reason*: a failed major finding on a criterion that names its defect
(:data:`CAUGHT_BY`). Prints, per task and per defect family, the share of flawed records
rejected for the right reason (and for any reason) and the share of good records accepted; with
``--misses``, each miss and what the reviewer said.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphs.synthesis.audit import LineError, Sources, review_row
from graphs.synthesis.records import DataReview

# the criteria whose failure is the right reason to reject each defect family
CAUGHT_BY: dict[str, frozenset[str]] = {
    "wrong_key": frozenset({"key_supported"}),
    "second_correct": frozenset({"key_supported"}),
    "wrong_root": frozenset({"anatomy"}),
    "wrong_level": frozenset({"levels_grounded"}),
    "invented_number": frozenset({"supported"}),
    "wrong_grade": frozenset({"grading", "consistent"}),
    "promise": frozenset({"no_overreach"}),
    "contradicts_source": frozenset({"consistent"}),
    "missed_red_flag": frozenset({"red_flags"}),
    "identifier": frozenset({"deidentified"}),
    "unsourced_dose": frozenset({"no_overreach", "supported"}),
}


@dataclass(frozen=True)
class Outcome:
    """One labelled record and the reviewer's verdict on it."""

    row: dict[str, Any]
    verdict: DataReview

    @property
    def flawed(self) -> bool:
        return bool(self.row["label"] == "flawed")

    @property
    def failed(self) -> set[str]:
        return {f.criterion for f in self.verdict.failed if f.severity == "major"}

    @property
    def right(self) -> bool:
        """Good and accepted, or flawed and rejected on a criterion that names its defect."""
        if not self.flawed:
            return self.verdict.passed
        return bool(self.failed & CAUGHT_BY.get(self.row.get("defect") or "", frozenset()))


def judge(rows: Iterable[dict[str, Any]], sources: Sources) -> list[Outcome]:
    out = []
    for row in rows:
        out.append(Outcome(row, review_row(row, sources).verdict))
    return out


def _share(hits: int, total: int) -> str:
    return f"{hits}/{total} ({hits / total:.2f})" if total else "-"


def table(outcomes: list[Outcome]) -> list[str]:
    """The figures: per task and language, and per defect family."""
    lines = ["task          flawed rejected, right reason   (any reason)    good accepted"]
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        groups[o.row["task"]].append(o)
        groups[f"{o.row['task']}/{o.row['lang']}"].append(o)
        groups["all"].append(o)
    for name in sorted(groups, key=lambda k: (k == "all", k)):
        group = groups[name]
        flawed = [o for o in group if o.flawed]
        good = [o for o in group if not o.flawed]
        right = sum(o.right for o in flawed)
        anyhow = sum(not o.verdict.passed for o in flawed)
        accepted = sum(o.verdict.passed for o in good)
        lines.append(
            f"{name:<14}{_share(right, len(flawed)):<32}{_share(anyhow, len(flawed)):<16}"
            f"{_share(accepted, len(good))}"
        )
    lines.append("")
    lines.append("defect family          rejected, right reason")
    families: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        if o.flawed:
            families[o.row.get("defect") or "?"].append(o)
    for family in sorted(families):
        group = families[family]
        lines.append(f"{family:<23}{_share(sum(o.right for o in group), len(group))}")
    return lines


def misses(outcomes: list[Outcome]) -> list[str]:
    lines = []
    for o in outcomes:
        if o.right:
            continue
        what = o.row.get("defect") or "good"
        said = "; ".join(f"{f.criterion}: {f.detail}" for f in o.verdict.failed) or "accepted"
        lines.append(f"{o.row['id']} [{o.row['task']}/{o.row['lang']}] {what}: {said}")
        if o.flawed:
            lines.append(f"    planted: {o.row.get('defect_note', '')}")
    return lines


def read_set(paths: Iterable[Path]) -> list[dict[str, Any]]:
    rows = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not JSON ({exc.msg})") from exc
            if not isinstance(row, dict) or row.get("label") not in ("good", "flawed"):
                raise ValueError(f"{path}:{number}: label must be good or flawed")
            rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m evals.data_review", description=__doc__)
    p.add_argument("sets", nargs="+", type=Path, help="labelled JSONL files")
    p.add_argument("--sources", nargs="+", type=Path, metavar="DIR", help="default: the corpus")
    p.add_argument("--misses", action="store_true", help="list each miss and the verdict")
    args = p.parse_args(argv)
    from knowledge.documents import BUNDLED_CORPUS

    try:
        rows = read_set(args.sets)
        outcomes = judge(rows, Sources(args.sources or [BUNDLED_CORPUS]))
    except (OSError, ValueError, LineError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    kinds = Counter(f"{r['task']}/{r['label']}" for r in rows)
    print(f"{len(rows)} records: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    print("\n".join(table(outcomes)))
    if args.misses:
        print("\n".join(["", "misses:", *misses(outcomes)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
