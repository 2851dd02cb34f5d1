"""The consult graph as a whole: the real embedded model, the real bundled store, real memory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from graphs.consult import Consult
from graphs.revisions import CLINICIAN_EDITS
from graphs.uploads import UploadError, attachment_for
from tools.jsonl import read_lines
from tools.settings import Settings

pytestmark = pytest.mark.slow

NOTICE = "Educational information only"


def settings_for(bundled: Settings, tmp_path: Path, **overrides: Any) -> Settings:
    """Retrieval reads the bundled store; memory and revision data go to a fresh home."""
    fields = {"home": tmp_path / "home", "llm_max_tokens": 160, "llm_temperature": 0.0}
    return bundled.model_copy(update=fields | overrides)


async def ask(settings: Settings, message: str, thread: str, **kw: Any) -> dict[str, Any]:
    async with Consult.open(settings) as consult:
        return await consult.ask(message, thread_id=thread, **kw)


async def test_one_turn_answers_with_levels_citations_review_and_notice(
    bundled_settings: Settings, tmp_path: Path
) -> None:
    settings = settings_for(bundled_settings, tmp_path)
    result = await ask(
        settings, "My MRI shows an L4-L5 disc herniation with left leg pain. What is it?", "t1"
    )
    assert result["levels"] == ["L4-L5"]
    assert result["triage"]["level"] == "routine"
    assert result["citations"], "the bundled corpus has sources on L4-L5 herniation"
    citations = result["citations"]
    assert [c["n"] for c in citations] == list(range(1, len(citations) + 1))
    assert all(c["citation"] and c["chunk_id"] for c in citations)
    assert any("herniation" in (c["title"] + c["section"]).lower() for c in citations)
    assert any(c["cited"] for c in citations), "the answer cites none of its sources"
    criteria = {f["criterion"] for f in result["review"]["findings"]}
    assert len(criteria) == 7
    stages = [r["stage"] for r in result["review"]["log"]]
    assert stages[0] == "review" and stages[-1] == "final_edit"
    answer = result["answer"]
    assert "For you:" in answer or "What the evidence says:" in answer
    assert "**Sources**" in answer and "[1]" in answer
    assert NOTICE in answer.splitlines()[-1]
    assert set(result["timings_ms"]) >= {"triage", "localize", "retrieve", "generate", "review"}


async def test_memory_accumulates_levels_across_turns_and_reopens(
    bundled_settings: Settings, tmp_path: Path
) -> None:
    settings = settings_for(bundled_settings, tmp_path, review_max_rounds=0)
    first = await ask(settings, "I have an L5-S1 disc herniation.", "memo")
    assert first["levels"] == ["L5-S1"] and first["turn"] == 1
    # a new Consult (as after a restart) on the same thread: the checkpoint carries the levels
    second = await ask(settings, "The radiologist also mentions L3-L4 stenosis. Surgery?", "memo")
    assert second["turn"] == 2
    assert second["levels"] == ["L3-L4", "L5-S1"]
    other = await ask(settings, "Neck pain at C5-C6.", "other")
    assert other["levels"] == ["C5-C6"] and other["turn"] == 1
    async with Consult.open(settings) as consult:
        state = await consult.values("memo")
    assert [m.type for m in state["messages"]] == ["human", "ai", "human", "ai"]
    assert {r.turn for r in state["revision_log"]} == {1, 2}


async def test_an_emergency_answer_leads_with_what_to_do_now(
    bundled_settings: Settings, tmp_path: Path
) -> None:
    settings = settings_for(bundled_settings, tmp_path, review_max_rounds=0)
    result = await ask(
        settings,
        "Since this morning I can't pass urine and I'm numb between my legs, with sciatica.",
        "ces",
    )
    assert result["triage"]["level"] == "emergency"
    codes = {r["code"] for r in result["triage"]["reasons"]}
    assert {"saddle_anaesthesia", "sphincter_dysfunction"} <= codes
    assert result["answer"].startswith("**Act now")


@pytest.mark.parametrize("max_rounds", [0, 2])
async def test_the_review_loop_is_bounded(
    bundled_settings: Settings, tmp_path: Path, max_rounds: int
) -> None:
    settings = settings_for(bundled_settings, tmp_path, review_max_rounds=max_rounds)
    result = await ask(settings, "Should I take 800 mg ibuprofen for my L4-L5 disc?", "loop")
    reviews = [r for r in result["review"]["log"] if r["stage"] == "review"]
    assert result["review"]["rounds"] <= max_rounds
    assert len(reviews) == result["review"]["rounds"] + 1
    if not result["review"]["passed"]:
        assert result["review"]["rounds"] == max_rounds  # it stopped because of the bound
    assert "800 mg" not in result["answer"].split("**Sources**")[0].replace(
        "Should I take 800 mg", ""
    )


async def test_clinician_review_pauses_and_saves_the_edit(
    bundled_settings: Settings, tmp_path: Path
) -> None:
    settings = settings_for(bundled_settings, tmp_path, clinician_review=True, review_max_rounds=0)
    async with Consult.open(settings) as consult:
        paused = await consult.ask("What is spondylolisthesis at L4-L5?", thread_id="hitl")
        assert "interrupt" in paused and paused["interrupt"]["answer"]
        edited = "Clinician-approved text: see your spine surgeon about the L4-L5 slip."
        done: dict[str, Any] = {}
        async for event in consult.resume("hitl", {"action": "edit", "text": edited}):
            if event.kind == "done":
                done = event.data
    assert done["answer"] == edited
    assert done["clinician"]["action"] == "edit"
    records = list(read_lines(settings.home / "revisions" / CLINICIAN_EDITS))
    assert len(records) == 1
    record = records[0]
    assert record["final"] == edited and record["action"] == "edit"
    assert record["proposed"] == paused["interrupt"]["answer"]
    assert record["levels"] == ["L4-L5"] and record["chunk_ids"]


async def test_bad_uploads_get_one_clear_line(bundled_settings: Settings, tmp_path: Path) -> None:
    garbage = tmp_path / "scan.dcm"
    garbage.write_bytes(b"\x00\x01not a dicom file at all" * 10)
    with pytest.raises(UploadError, match="not a DICOM file, PNG/JPEG"):
        attachment_for(garbage, max_mb=1)
    huge = tmp_path / "huge.png"
    huge.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 2_000_000)
    with pytest.raises(UploadError, match="over the 1 MB limit"):
        attachment_for(huge, max_mb=1)
    empty = tmp_path / "empty.dcm"
    empty.write_bytes(b"")
    with pytest.raises(UploadError, match="empty"):
        attachment_for(empty, max_mb=1)

    # a truncated real DICOM passes the upload check but the localizer reports it; the turn ends
    from pydicom.data import get_testdata_file

    real = Path(str(get_testdata_file("MR_small.dcm")))
    truncated = tmp_path / "truncated.dcm"
    truncated.write_bytes(real.read_bytes()[: real.stat().st_size // 2])
    attachment = attachment_for(truncated, max_mb=1)
    assert attachment.kind == "dicom"
    settings = settings_for(bundled_settings, tmp_path, review_max_rounds=0)
    result = await ask(settings, "Here is my lumbar MRI.", "upload", attachments=[attachment])
    assert result["answer"]
    warnings = " ".join(result["warnings"])
    assert "truncated.dcm" in warnings
    assert "Traceback" not in warnings and "\n" not in warnings


def test_cli_prints_one_json_object_and_fails_in_one_line(
    bundled_settings: Settings, tmp_path: Path
) -> None:
    import os
    import subprocess
    import sys

    env = dict(os.environ, SPINE_LLM_MAX_TOKENS="120", SPINE_REVIEW_MAX_ROUNDS="0")
    run = subprocess.run(
        [sys.executable, "-m", "graphs.consult", "--json", "-q", "--message", "L4-L5 disc?"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert {"answer", "triage", "levels", "citations", "review", "thread"} <= set(result)
    assert result["levels"] == ["L4-L5"]
    bad = subprocess.run(
        [sys.executable, "-m", "graphs.consult", "-m", "hi", "--attach", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert bad.returncode == 1
    assert bad.stderr.strip().count("\n") == 0 and "no such file" in bad.stderr


async def test_memory_on_a_real_postgresql_server(
    bundled_settings: Settings, tmp_path: Path, postgres_url: str
) -> None:
    from pydantic import SecretStr

    settings = settings_for(
        bundled_settings, tmp_path, review_max_rounds=0, checkpoint_url=SecretStr(postgres_url)
    )
    await ask(settings, "My L4-L5 disc is herniated.", "pg-thread")
    second = await ask(settings, "And I also have C6-C7 neck pain.", "pg-thread")
    assert second["turn"] == 2 and second["levels"] == ["C6-C7", "L4-L5"]
    assert not (settings.home / "checkpoints").exists()  # nothing went to SQLite
