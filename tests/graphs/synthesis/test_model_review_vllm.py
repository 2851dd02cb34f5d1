"""The model review against a real vLLM server (SPINE_TEST_VLLM_URL, started by
scripts/vllm_integration.sh): the served model's faults join the code's and never clear one,
in the review command and in the synthesis graph's revision log."""

import json
import os
from pathlib import Path

import pytest

from graphs.synthesis.__main__ import main
from graphs.synthesis.records import Rejected, read_records
from tools.jsonl import read_lines

pytestmark = pytest.mark.vllm

SOURCE = """---
id: root-note
title: Which root a lumbar herniation compresses
kind: textbook
subfield: lumbar_disc_herniation
levels: [L4-L5]
citation:
  source: SpineMed agents test note
  title: Which root a lumbar herniation compresses
  url: https://example.org/root-note
license: Apache-2.0
lang: en
---

# Which root a lumbar herniation compresses

A posterolateral L4-L5 disc herniation compresses the traversing L5 nerve root. A far-lateral
L4-L5 herniation compresses the exiting L4 nerve root. Weakness of great-toe extension and
numbness over the dorsum of the foot point to the L5 root. A reduced ankle jerk, weak plantar
flexion and numbness along the lateral border of the foot point to the S1 root, which an L5-S1
posterolateral herniation compresses. Most radicular pain from a disc herniation settles with
time, activity and analgesia; surgery is considered when disabling leg pain persists.
"""


def _served(monkeypatch: pytest.MonkeyPatch) -> None:
    url = os.environ.get("SPINE_TEST_VLLM_URL")
    if not url:
        pytest.fail("needs SPINE_TEST_VLLM_URL: run scripts/vllm_integration.sh")
    monkeypatch.setenv("SPINE_LLM_BASE_URL", url)
    monkeypatch.setenv("SPINE_LLM_MODEL", os.environ.get("SPINE_TEST_VLLM_MODEL", "smollm2"))
    from tools.settings import get_settings

    get_settings.cache_clear()


def _draft(rid: str, rationale: str) -> str:
    payload = {
        "modality": "text",
        "question": "A posterolateral L4-L5 disc herniation compresses which nerve root?",
        "options": {"A": "L3 root", "B": "L4 root", "C": "L5 root", "D": "S1 root"},
        "answer": "C",
        "rationale": rationale,
    }
    row = {"id": rid, "source": "root-note.md", "task": "mcq", "lang": "en", "payload": payload}
    return json.dumps(row)


def test_the_review_command_adds_the_models_faults_and_keeps_the_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _served(monkeypatch)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "root-note.md").write_text(SOURCE, encoding="utf-8")
    drafts = tmp_path / "drafts.jsonl"
    drafts.write_text(
        _draft("good", "A posterolateral L4-L5 herniation compresses the traversing L5 root.")
        + "\n"
        + _draft("bad", "A posterolateral L4-L5 herniation compresses the L4 nerve root.")
        + "\n"
    )
    args = ["review", str(drafts), "--sources", str(tmp_path / "src")]
    assert main([*args, "--no-model-review"]) == 0
    code_only = {o["id"]: o for o in map(json.loads, capsys.readouterr().out.splitlines())}
    assert main(args) == 0
    reviewed = {o["id"]: o for o in map(json.loads, capsys.readouterr().out.splitlines())}
    assert set(reviewed) == {"good", "bad"}
    for rid, out in reviewed.items():
        assert out["model_review"] == os.environ.get("SPINE_TEST_VLLM_MODEL", "smollm2")
        n = len(code_only[rid]["findings"])
        assert out["findings"][:n] == code_only[rid]["findings"]  # nothing cleared or changed
        added = out["findings"][n:]
        assert all(not f["passed"] and f["detail"].startswith("model review:") for f in added)
    assert reviewed["bad"]["accepted"] is False  # the code's anatomy finding stands


def test_the_graph_logs_the_model_review(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _served(monkeypatch)
    source = tmp_path / "root-note.md"
    source.write_text(SOURCE, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    args = ["--sources", str(source), "--tasks", "open_qa", "--out", str(out), "--quiet"]
    assert main([*args, "--review-rounds", "0"]) == 0
    notes = [n for r in read_records(out) for n in r.revision.notes]
    rejected = tmp_path / "out.rejected.jsonl"
    if rejected.exists():
        notes += [n for row in read_lines(rejected) for n in Rejected.model_validate(row).notes]
    assert notes, "no reviewed item: every draft failed before review"
    logged = [n.model_review for n in notes]
    assert all(log is not None and log.model and "SOURCE DOCUMENT" in log.prompt for log in logged)
    assert all((log.verdict is None) != (log.error is None) for log in logged if log)
