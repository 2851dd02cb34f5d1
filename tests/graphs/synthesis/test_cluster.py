"""Synthesis on Ray: partitions, the driver's settling of outcomes from several workers, and
real runs on a real local Ray instance (2 CPUs) with the real embedded model: the same records
as one process, a worker killed with -9 mid-run, and a killed driver resumed."""

from __future__ import annotations

import asyncio
import json
import os
import pickle
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from graphs.synthesis.__main__ import main
from graphs.synthesis.cluster import partitions
from graphs.synthesis.dedup import Deduper, fingerprint
from graphs.synthesis.output import Outcome, Output
from graphs.synthesis.records import Rejected, Rejection
from graphs.synthesis.run import plan
from graphs.synthesis.units import Source
from tests.graphs.synthesis.test_graph import SOURCE, made
from tests.graphs.synthesis.test_records import GOOD_MCQ
from tests.graphs.synthesis.test_synthesis_embedded import DOC, ROOT, audit, lines


def source(n: int, group: str) -> Source:
    return Source(
        id=f"{group}#{n}",
        group=group,
        kind="guideline",
        title="t",
        text="x",
        levels=(),
        subfield=None,
        lang="en",
        citation="c",
    )


def test_partitions_keep_each_sources_items_together_in_plan_order():
    sources = [source(n, f"doc{n // 3}") for n in range(10)]
    items = plan(sources, ["mcq", "open_qa"], ["en", "zh"], 1)  # 4 items per source
    parts = partitions(items, 4)
    assert [i.id for p in parts for i in p] == [i.id for i in items]  # all, once, in order
    for part in parts:
        assert len({i.source.id for i in part}) * 4 == len(part)  # whole sources only
    assert 3 <= len(parts) <= 5 and max(map(len, parts)) <= 12
    assert partitions(items[:4], 8) == [items[:4]]  # one source is never split
    assert partitions([], 4) == []


def outcome(index: int, payload: dict, worker: str) -> Outcome:
    record = made(index, payload)
    fp = fingerprint("mcq", "en", payload["question"] + " " + " ".join(payload["options"]))
    fp = pickle.loads(pickle.dumps(Deduper().prepare(fp)))  # as it travels from a worker
    return Outcome(record.id, record=record, fingerprint=fp, worker=worker)


def test_the_driver_deduplicates_outcomes_of_every_worker_and_counts_across_workers(
    tmp_path: Path,
):
    out = tmp_path / "out.jsonl"
    near = {**GOOD_MCQ, "question": GOOD_MCQ["question"].replace("nerve root", "root")}
    other = {**GOOD_MCQ, "question": "Which reflex is reduced by an S1 radiculopathy at L5-S1?"}
    rejected = Rejected(
        id="mcq-en-9",
        task="mcq",
        lang="en",
        source_id=SOURCE.id,
        stage="draft",
        reasons=["draft: no valid MCQDraft in 3 attempts: EOF"],
    )
    why = [Rejection(check="draft", criterion="no valid MCQDraft in 3 attempts", detail="EOF")]
    image = {"out_images/abc.png": b"\x89PNG fake bytes"}
    outcomes = [
        outcome(0, GOOD_MCQ, "node-a:1"),
        outcome(1, GOOD_MCQ, "node-b:2"),  # exact duplicate from another worker
        outcome(2, near, "node-a:1"),  # near duplicate from the same worker
        Outcome("mcq-en-9", rejected=rejected, why=why, worker="node-b:2"),
        Outcome(**{**outcome(3, other, "node-b:2").__dict__, "images": image}),
    ]
    output = Output(out)

    async def settle() -> list[str]:
        async with output.open():
            return [output.settle(o) for o in outcomes]

    assert asyncio.run(settle()) == ["accepted", "duplicate", "duplicate", "rejected", "accepted"]
    assert [r["id"] for r in lines(out)] == ["mcq-en-0", "mcq-en-3"]
    assert (tmp_path / "out_images" / "abc.png").read_bytes() == image["out_images/abc.png"]
    s = output.stats
    assert (s.duplicates, s.duplicates_across_workers) == (2, 1)
    assert s.reasons["draft: no valid MCQDraft in 3 attempts"] == 1


def test_ray_options_are_checked(tmp_path: Path, capsys):
    out = str(tmp_path / "x.jsonl")
    assert main([*ARGS, "--out", out, "--ray", "--shard", "1/2"]) == 2
    assert "exclude each other" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([*ARGS, "--out", out, "--ray", "--worker-cpus", "0"])


def test_an_unreachable_cluster_is_one_line(tmp_path: Path, capsys):
    # (before the module's Ray instance starts: a process already joined stays joined)
    out = tmp_path / "u.jsonl"
    code = main([*ARGS, "--out", str(out), "--ray", "127.0.0.1:9", "--workers", "1"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and err[0].startswith("error: cannot start or join Ray")


# ---- a real local Ray instance and the embedded model -----------------------------------------


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[str]:
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


def decided(out: Path) -> list[dict]:
    files = (out, out.with_name(out.stem + ".rejected.jsonl"))
    return [row for path in files if path.exists() for row in lines(path)]


ARGS = ["--sources", str(DOC), "--tasks", "mcq", "--quiet"]  # 6 items, one per chunk


@pytest.mark.slow
def test_ray_run_makes_the_same_records_as_one_process(tmp_path: Path, ray_cluster: str):
    one, ray = tmp_path / "one.jsonl", tmp_path / "ray.jsonl"
    assert main([*ARGS, "--out", str(one)]) == 0
    assert main([*ARGS, "--out", str(ray), "--ray", ray_cluster, "--workers", "2"]) == 0
    audit(ray, 6)
    by_id = {r["id"]: r for r in decided(one)}
    assert {r["id"]: r for r in decided(ray)} == by_id  # the same ids, the same records
    summary = json.loads((tmp_path / "ray.summary.json").read_text())
    assert summary["ray"]["workers"] == 2 and summary["ray"]["worker_deaths"] == 0
    assert summary["planned_items"] == 6 and summary["llm_calls"] >= 6


def _workers() -> list[int]:
    """Pids of the running SynthesisWorker actors (Ray names their processes after them)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if title.startswith(b"ray::SynthesisWorker"):
                found.append(int(entry.name))
    return found


def _start(out: Path, address: str, *extra: str) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "graphs.synthesis", *ARGS, "--out", str(out)]
    cmd += ["--ray", address, "--workers", "2", *extra]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)


def _wait_for_decided(proc: subprocess.Popen[str], out: Path) -> None:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and proc.poll() is None:
        if decided(out) and _workers():
            return
        time.sleep(0.2)
    raise AssertionError(f"nothing decided while running (rc {proc.poll()})")


@pytest.mark.slow
@pytest.mark.parametrize("restarts", [3, 0])
def test_a_worker_killed_mid_run_is_restarted_or_replaced_and_no_item_is_lost(
    tmp_path: Path, ray_cluster: str, restarts: int
):
    out = tmp_path / "k.jsonl"
    proc = _start(out, ray_cluster, "--worker-restarts", str(restarts))
    _wait_for_decided(proc, out)
    os.kill(_workers()[0], signal.SIGKILL)  # items are in flight on it
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    records, rejected = audit(out, 6)  # each item once, whole lines
    assert len({r.id for r in records} | {r.id for r in rejected}) == 6
    ray = json.loads((tmp_path / "k.summary.json").read_text())["ray"]
    assert ray["worker_deaths"] >= 1 and ray["resubmitted_items"] >= 1
    # restarted by Ray, or (no restarts left) dropped: the other worker made its items
    assert ray["workers_lost"] == (0 if restarts else 1)


@pytest.mark.slow
def test_a_killed_driver_leaves_whole_lines_and_resume_finishes_the_plan(
    tmp_path: Path, ray_cluster: str
):
    out = tmp_path / "d.jsonl"
    proc = _start(out, ray_cluster)
    _wait_for_decided(proc, out)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = decided(out)
    assert 0 < len(before) < 6
    with out.open("ab") as handle:  # and a torn line, as a kill mid-write leaves
        handle.write(b'{"id": "mcq-en-torn", "task": "mc')
    resumed = _start(out, ray_cluster, "--resume")
    _, err = resumed.communicate(timeout=600)
    assert resumed.returncode == 0, err
    records, rejected = audit(out, 6)
    ids = {r.id for r in records} | {r.id for r in rejected}
    assert len(ids) == 6 and {r["id"] for r in before} <= ids


@pytest.mark.vllm
def test_ray_workers_reach_a_real_vllm_server_and_review_with_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Each worker's client talks to vLLM's OpenAI-compatible API (SPINE_TEST_VLLM_URL, from
    scripts/vllm_integration.sh), and its model review is logged in the records' notes."""
    from graphs.synthesis.records import read_records
    from tests.graphs.synthesis.test_model_review_vllm import SOURCE, _served

    _served(monkeypatch)
    source = tmp_path / "root-note.md"
    source.write_text(SOURCE, encoding="utf-8")
    out = tmp_path / "v.jsonl"
    args = ["--sources", str(source), "--tasks", "mcq,open_qa", "--lang", "en,zh"]
    args += ["--out", str(out), "--ray", "--workers", "2", "--review-rounds", "0", "--quiet"]
    assert main(args) == 0
    rows = decided(out)
    assert len(rows) == len({r["id"] for r in rows}) == 4
    summary = json.loads((tmp_path / "v.summary.json").read_text())
    assert summary["ray"]["workers"] == 2 and summary["llm_calls"] >= 4
    model = os.environ.get("SPINE_TEST_VLLM_MODEL", "smollm2")
    assert all(r.provenance.model == model for r in read_records(out))
    notes = [n for r in rows for n in r.get("notes") or r.get("revision", {}).get("notes", [])]
    assert any(n.get("model_review") for n in notes), "no worker ran the model review"
