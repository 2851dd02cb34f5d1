"""Exports for training: SFT conversations (ms-swift / ShareGPT ``messages`` with ``images``) from
synthesis records, and DPO preference pairs (a model's draft vs the clinician's revision) from
the consult UI's clinician edits.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from tools.files import atomic_write

from .records import MCQ, Consultation, OpenQA, Record, Report, read_records

REPORT_HEADINGS = {
    "en": (
        "Structured findings",
        "Diagnosis",
        "Treatment (for the patient)",
        "Treatment (evidence-based)",
        "Risk and prognosis",
        "Post-operative management",
        "Diagnostic basis",
    ),
    "zh": (
        "结构化所见",
        "诊断",
        "治疗建议（患者版）",
        "治疗建议（循证版）",
        "风险与预后",
        "术后管理",
        "诊断依据",
    ),
}
ASK = {
    "mcq": {
        "en": "Answer with the letter of the correct option, then explain.",
        "zh": "请给出正确选项的字母，并说明理由。",
    },
    "report": {
        "en": "Write a six-section diagnostic report for this case.",
        "zh": "请为该病例撰写六部分诊断报告。",
    },
}
CLOSING = {"en": ("Assessment", "Plan"), "zh": ("评估", "计划")}


Messages = list[dict[str, str]]


def _mcq(record: Record) -> Messages:
    p = record.payload
    assert isinstance(p, MCQ)
    options = "\n".join(f"{k}. {v}" for k, v in p.options.items())
    image = "<image>" * len(record.images)
    question = f"{image}{p.question}\n{options}\n{ASK['mcq'][record.lang]}"
    answer = f"{p.answer}. {p.options[p.answer]}\n{p.rationale}"
    return [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]


def _open_qa(record: Record) -> Messages:
    p = record.payload
    assert isinstance(p, OpenQA)
    return [{"role": "user", "content": p.question}, {"role": "assistant", "content": p.answer}]


def _consultation(record: Record) -> Messages:
    p = record.payload
    assert isinstance(p, Consultation)
    messages = [
        {"role": "user" if t.role == "patient" else "assistant", "content": t.content}
        for t in p.turns
    ]
    a, b = CLOSING[record.lang]
    messages[-1]["content"] += f"\n\n{a}: {p.assessment}\n{b}: {p.plan}"
    return messages


def _report(record: Record) -> Messages:
    p = record.payload
    assert isinstance(p, Report)
    sections = (
        p.structured_findings,
        p.diagnosis,
        p.treatment.patient_friendly,
        p.treatment.evidence_based,
        p.risk_prognosis,
        p.postoperative_management,
        p.diagnostic_basis,
    )
    body = "\n\n".join(
        f"## {h}\n{t}" for h, t in zip(REPORT_HEADINGS[record.lang], sections, strict=True)
    )
    ask = f"{p.case}\n\n{ASK['report'][record.lang]}"
    return [{"role": "user", "content": ask}, {"role": "assistant", "content": body}]


_SFT: dict[str, Callable[[Record], Messages]] = {
    "mcq": _mcq,
    "open_qa": _open_qa,
    "consultation": _consultation,
    "report": _report,
}


def sft_messages(record: Record) -> Messages:
    """The record as one training conversation."""
    return _SFT[record.task](record)


def _write(rows: Iterable[dict[str, Any]], dst: Path) -> int:
    """Write JSONL whole or not at all (``atomic_write``); returns the rows written."""
    lines = [json.dumps(row, ensure_ascii=False) + "\n" for row in rows]
    atomic_write(dst, "".join(lines).encode())
    return len(lines)


def export_sft(src: Path, dst: Path) -> int:
    """SFT rows for every record of ``src``; image paths made absolute. Returns the count."""
    base = src.resolve().parent

    def rows() -> Iterator[dict[str, Any]]:
        for record in read_records(src):
            row: dict[str, Any] = {"messages": sft_messages(record)}
            if record.images:
                row["images"] = [str(base / image) for image in record.images]
            row["meta"] = {"id": record.id, "task": record.task, "lang": record.lang}
            yield row

    return _write(rows(), dst)


def export_dpo(edits: Path, dst: Path) -> int:
    """Preference pairs from clinician edits: chosen = the clinician's text, rejected = the
    model's draft (ms-swift ``rejected_response``). Approvals without change are no pair."""
    from tools.jsonl import read_lines

    def rows() -> Iterator[dict[str, Any]]:
        for edit in read_lines(edits):
            chosen, rejected = str(edit.get("final", "")), str(edit.get("draft", ""))
            if edit.get("action") != "edit" or not chosen.strip() or chosen == rejected:
                continue
            yield {
                "messages": [
                    {"role": "user", "content": edit.get("question", "")},
                    {"role": "assistant", "content": chosen},
                ],
                "rejected_response": rejected,
                "meta": {"id": edit.get("id"), "levels": edit.get("levels", [])},
            }

    return _write(rows(), dst)
