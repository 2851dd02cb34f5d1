"""Score a run and write its outputs: ``results.json``, ``items.jsonl``, ``report.md``, a plot."""

from __future__ import annotations

import json
import subprocess
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from tools.files import atomic_write

from .extract import extract
from .items import McqItem, ReportItem
from .scoring import DIMENSIONS, SECTIONS, accuracy, item_report_score, weighted_total

__all__ = ["item_rows", "plot", "render_markdown", "score", "write_outputs"]

#: A report the model failed to write (request error) scores the minimum in every dimension.
FAILED_REPORT = dict.fromkeys(DIMENSIONS, 1)
ROOT = Path(__file__).resolve().parents[2]


def git_hash() -> str | None:
    """The checkout's commit (``+dirty`` with uncommitted changes), or None outside git."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=5
        )
        if head.returncode != 0:
            return None
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def item_rows(
    items: Sequence[McqItem | ReportItem], rows: Mapping[str, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """One scored row per item (the content of ``items.jsonl``)."""
    out = []
    for item in items:
        prediction = rows[item.id]["prediction"]
        judgement = rows[item.id]["judgement"]
        row: dict[str, Any] = {
            "id": item.id,
            "type": item.type,
            "modality": item.modality if isinstance(item, McqItem) else "report",
            "lang": item.lang,
            "subfield": item.subfield,
            "levels": item.levels,
            "prompt_hash": prediction["prompt_hash"],
            "response": prediction["text"],
            "error": prediction["error"],
        }
        if isinstance(item, McqItem):
            found = extract(prediction["text"], item.options)
            row |= {
                "answer": item.answer,
                "predicted": found.letter,
                "extraction": found.method,
                "correct": found.letter == item.answer,
            }
        else:
            scores = None
            if prediction["error"]:
                scores = FAILED_REPORT
            elif judgement is not None and judgement.get("scores"):
                scores = judgement["scores"]
            row |= {
                "scores": scores,
                "reasons": (judgement or {}).get("reasons"),
                "report_score": None if scores is None else item_report_score(scores),
                "judge_error": (judgement or {}).get("error"),
                "judge_raw": (judgement or {}).get("raw"),
            }
        out.append(row)
    return out


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def score(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The run's scores from its item rows (the ``scores`` and breakdowns of results.json)."""
    text = [r["correct"] for r in rows if r["type"] == "mcq" and r["modality"] == "text"]
    image = [r["correct"] for r in rows if r["type"] == "mcq" and r["modality"] == "image"]
    mcq = [r for r in rows if r["type"] == "mcq"]
    reports = [r for r in rows if r["type"] == "report"]
    judged = [r for r in reports if r["scores"] is not None]
    report = _mean([r["report_score"] for r in judged])
    parts = {"text_mcq": (len(text), accuracy(text)), "image_mcq": (len(image), accuracy(image))}
    if report is not None:
        parts["report"] = (len(judged), report)
    scores = {
        "text_mcq": round(accuracy(text), 2) if text else None,
        "image_mcq": round(accuracy(image), 2) if image else None,
        "closed_qa": round(accuracy([r["correct"] for r in mcq]), 2) if mcq else None,
        "report": report,
        "total": round(weighted_total(parts), 2) if any(n for n, _ in parts.values()) else None,
    }
    methods = [r["extraction"] for r in mcq]
    extraction = {
        "strict": methods.count("strict"),
        "flexible": methods.count("flexible"),
        "failed": methods.count(None),
        "failure_rate": round(methods.count(None) / len(mcq), 4) if mcq else None,
    }
    dimensions = {d: _mean([r["scores"][d] for r in judged]) for d in DIMENSIONS}
    sections = {
        name: _mean([sum(r["scores"][d] for d in dims) / len(dims) for r in judged])
        for name, dims in SECTIONS.items()
    }
    return {
        "scores": scores,
        "counts": {
            "text_mcq": len(text),
            "image_mcq": len(image),
            "report": len(reports),
            "report_judged": len(judged),
            "report_judge_failed": sum(1 for r in reports if r["scores"] is None),
            "model_errors": sum(1 for r in rows if r["error"]),
        },
        "extraction": extraction,
        "dimensions": dimensions,
        "sections": sections,
        "subfields": _breakdown(rows, lambda r: str(r["subfield"])),
        "languages": _breakdown(rows, lambda r: str(r["lang"])),
        "levels": _breakdown(rows, lambda r: "with levels" if r["levels"] else "without levels"),
    }


def _breakdown(
    rows: Sequence[Mapping[str, Any]], group: Callable[[Mapping[str, Any]], str]
) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[group(row)].append(row)
    out = {}
    for name, members in sorted(groups.items()):
        mcq = [r["correct"] for r in members if r["type"] == "mcq"]
        reports = [r["report_score"] for r in members if r.get("report_score") is not None]
        out[name] = {
            "mcq": len(mcq),
            "mcq_accuracy": round(accuracy(mcq), 2) if mcq else None,
            "reports": len(reports),
            "report_score": _mean(reports),
        }
    return out


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def render_markdown(results: Mapping[str, Any]) -> str:
    """``report.md``: the run's scores as Markdown tables."""
    s, c, e = results["scores"], results["counts"], results["extraction"]
    rate = None if e["failure_rate"] is None else 100 * e["failure_rate"]
    lines = [
        f"# SpineBench run: {results['model']}",
        "",
        f"Data `{results['data']}` · judge `{results['judge']}` · seed {results['seed']} · "
        f"git `{results['git']}`",
        "",
        "| Model | Text MCQ | Image MCQ | Closed QA | Report | Total |",
        "|---|---|---|---|---|---|",
        f"| {results['model']} | {_fmt(s['text_mcq'])} | {_fmt(s['image_mcq'])} | "
        f"{_fmt(s['closed_qa'])} | {_fmt(s['report'])} | {_fmt(s['total'])} |",
        "",
        f"Items: {c['text_mcq']} text MCQ, {c['image_mcq']} image MCQ, {c['report']} reports "
        f"({c['report_judged']} judged, {c['report_judge_failed']} judge failures); "
        f"model request errors: {c['model_errors']}.",
        f"MCQ answers read: {e['strict']} strict, {e['flexible']} flexible, {e['failed']} "
        f"unreadable (scored wrong; failure rate {_fmt(rate)} %).",
    ]
    if results.get("judge_is_model"):
        lines += [
            "",
            "**The judge is the model under test**: report scores are not independent; "
            "use a strong judge (`--judge-base-url`, `--judge-model`).",
        ]
    lines += [
        "",
        "## Report dimensions (1–5)",
        "",
        "| Section | Dimension | Mean |",
        "|---|---|---|",
    ]
    for section, dims in SECTIONS.items():
        for dim in dims:
            lines.append(f"| {section} | {dim} | {_fmt(results['dimensions'][dim])} |")
    lines += [
        "",
        "## By subfield",
        "",
        "| Subfield | MCQs | MCQ accuracy % | Reports | Report score |",
        "|---|---|---|---|---|",
    ]
    for name, row in results["subfields"].items():
        lines.append(
            f"| {name} | {row['mcq']} | {_fmt(row['mcq_accuracy'])} | {row['reports']} | "
            f"{_fmt(row['report_score'])} |"
        )
    lines += ["", "Educational benchmark, not medical advice.", ""]
    return "\n".join(lines)


def plot(results: Mapping[str, Any], path: Path) -> None:
    """A PNG of the per-dimension means (1–5) and per-subfield MCQ accuracy."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    dims = [d for d in DIMENSIONS if results["dimensions"][d] is not None]
    subs = [(k, v["mcq_accuracy"]) for k, v in results["subfields"].items() if v["mcq"]]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5), constrained_layout=True)
    left.barh(dims[::-1], [results["dimensions"][d] for d in dims][::-1], color="#4c72b0")
    left.set_xlim(0, 5)
    left.set_xlabel("mean judge score (1-5)")
    left.set_title("Report dimensions" if dims else "Report dimensions (no judged reports)")
    right.barh([k for k, _ in subs][::-1], [v for _, v in subs][::-1], color="#55a868")
    right.set_xlim(0, 100)
    right.set_xlabel("MCQ accuracy (%)")
    right.set_title("MCQ accuracy by subfield")
    fig.suptitle(f"SpineBench — {results['model']}")
    fig.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(fig)


def write_outputs(out: Path, results: Mapping[str, Any], rows: Sequence[Mapping[str, Any]]) -> None:
    """Write results.json, items.jsonl, report.md and dimensions.png into ``out``."""
    results_json = json.dumps(results, ensure_ascii=False, indent=2) + "\n"
    atomic_write(out / "results.json", results_json.encode())
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    atomic_write(out / "items.jsonl", lines.encode())
    atomic_write(out / "report.md", render_markdown(results).encode())
    plot(results, out / "dimensions.png")
