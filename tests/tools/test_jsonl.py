"""The one JSONL log: whole lines under a lock, and the torn-tail rule (readers skip a torn
tail, the next writer cuts it before it writes)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from tools.jsonl import AppendLog, LogError, append, read_lines, repair


def test_repair_cuts_a_torn_tail_only(tmp_path: Path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"id": 1}\n{"id": 2}\n{"id": 3, "tex')
    assert repair(path) == len(b'{"id": 3, "tex')
    assert path.read_bytes() == b'{"id": 1}\n{"id": 2}\n'
    assert repair(path) == 0
    path.write_bytes(b'{"id": 9, "no newline at all')
    repair(path)
    assert path.read_bytes() == b""


def test_read_lines_skips_a_torn_tail(tmp_path: Path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"id": 1}\n{"id": 2')
    assert [r["id"] for r in read_lines(path)] == [1]


def test_append_log_writes_whole_lines_and_locks(tmp_path: Path):
    path = tmp_path / "out.jsonl"

    async def main() -> None:
        async with AppendLog(path) as log:
            for i in range(500):
                log.put({"id": i, "text": "x" * (i * 37 % 9000)})
                if i % 50 == 0:
                    await asyncio.sleep(0)
            with pytest.raises(LogError, match="another run"):
                async with AppendLog(path):
                    pass

    asyncio.run(main())
    lines = path.read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 501
    assert [json.loads(line)["id"] for line in lines[:-1]] == list(range(500))


def test_a_whole_line_that_is_not_an_object_is_skipped_and_kept(tmp_path: Path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"id": 1}\nnot json\n[2]\n{"id": 3}\n')
    assert [r["id"] for r in read_lines(path)] == [1, 3]
    assert repair(path) == 0  # whole lines are never cut
    assert list(read_lines(tmp_path / "absent.jsonl")) == []


def test_append_cuts_a_torn_tail_before_it_writes(tmp_path: Path):
    path = tmp_path / "revisions" / "a.jsonl"
    append(path, {"id": 1})
    with path.open("ab") as handle:  # a writer killed mid-line
        handle.write(b'{"id": 2, "te')
    assert [r["id"] for r in read_lines(path)] == [1]  # the reader skips it
    append(path, {"id": 3, "text": "中文"})  # the next writer cuts it: no glued line
    assert path.read_text("utf-8") == '{"id":1}\n{"id":3,"text":"中文"}\n'


def test_append_waits_for_a_run_holding_the_lock(tmp_path: Path):
    path = tmp_path / "a.jsonl"

    async def main() -> None:
        async with AppendLog(path) as log:
            log.put({"id": 1})
            writer = asyncio.create_task(asyncio.to_thread(append, path, {"id": 2}))
            await asyncio.sleep(0.2)
            assert not writer.done()  # blocked on the run's lock
        await writer

    asyncio.run(main())
    assert [r["id"] for r in read_lines(path)] == [1, 2]
