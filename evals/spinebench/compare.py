"""``compare RUN_DIR...``: a paper-style leaderboard of finished runs, as a table and a plot."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["leaderboard", "load_run", "plot_leaderboard"]

COLUMNS = (
    ("text_mcq", "Text MCQ"),
    ("image_mcq", "Image MCQ"),
    ("closed_qa", "Closed QA Avg"),
    ("report", "Report Gen"),
    ("total", "Total"),
)


def load_run(directory: Path) -> dict[str, Any]:
    """A run's results.json.

    Raises:
        ValueError: no results.json there, or not one written by this runner.
    """
    path = directory / "results.json"
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not a finished run ({exc.__class__.__name__})") from None
    if not isinstance(results, dict) or "scores" not in results:
        raise ValueError(f"{path}: not a SpineBench results file")
    results["run"] = str(directory)
    return results


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def leaderboard(runs: Sequence[dict[str, Any]]) -> str:
    """Markdown table, best total first; notes runs scored on other data or by other judges."""
    ordered = sorted(runs, key=lambda r: -(r["scores"]["total"] or 0))
    head = "| # | Model | Judge | " + " | ".join(title for _, title in COLUMNS) + " |"
    lines = [head, "|" + "---|" * (len(COLUMNS) + 3)]
    for rank, run in enumerate(ordered, 1):
        cells = " | ".join(_cell(run["scores"][key]) for key, _ in COLUMNS)
        lines.append(f"| {rank} | {run['model']} | {run['judge'] or '–'} | {cells} |")
    datasets = {(r["data"], r["items"]) for r in runs}
    if len(datasets) > 1:
        lines.append("")
        lines.append("Note: these runs scored different item sets; totals are not comparable.")
    judges = {r["judge"] for r in runs if r["judge"]}
    if len(judges) > 1:
        lines.append("")
        lines.append("Note: reports were graded by different judges.")
    return "\n".join(lines)


def plot_leaderboard(runs: Sequence[dict[str, Any]], path: Path) -> None:
    """Grouped bars: each run's five scores."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ordered = sorted(runs, key=lambda r: -(r["scores"]["total"] or 0))
    width = 0.8 / max(1, len(ordered))
    fig, ax = plt.subplots(figsize=(max(8, 2 + 1.6 * len(COLUMNS)), 5), constrained_layout=True)
    for n, run in enumerate(ordered):
        values = [run["scores"][key] or 0 for key, _ in COLUMNS]
        xs = [i + n * width for i in range(len(COLUMNS))]
        ax.bar(xs, values, width, label=run["model"])
    ax.set_xticks([i + width * (len(ordered) - 1) / 2 for i in range(len(COLUMNS))])
    ax.set_xticklabels([title for _, title in COLUMNS])
    ax.set_ylim(0, 100)
    ax.set_ylabel("score")
    ax.set_title("SpineBench leaderboard")
    ax.legend(fontsize="small")
    fig.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(fig)
