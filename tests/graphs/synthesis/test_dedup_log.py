from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from graphs.synthesis.dedup import Deduper
from graphs.synthesis.dedup import fingerprint as fp
from graphs.synthesis.log import AppendLog, LogError, read_lines, repair

Q = "Which nerve root is most often compressed by a posterolateral disc herniation at L4-L5?"
OPTIONS = {"A": "L4", "B": "L5", "C": "S1", "D": "L3"}


def test_exact_and_near_duplicates_are_caught_within_a_task_and_language():
    d = Deduper()
    d.add("r1", fp("mcq", "en", {"question": Q, "options": OPTIONS}))
    exact = fp("mcq", "en", {"question": Q.upper() + " ", "options": OPTIONS})
    assert d.check(exact) == ("exact", "r1")
    near = {"question": Q.replace("posterolateral", "far lateral"), "options": OPTIONS}
    assert d.check(fp("mcq", "en", near)) == ("near", "r1")
    other = {"question": "What is the Cobb angle threshold for scoliosis?", "options": OPTIONS}
    assert d.check(fp("mcq", "en", other)) is None
    assert d.check(fp("mcq", "zh", {"question": Q, "options": OPTIONS})) is None
    assert d.check(fp("open_qa", "en", {"question": Q})) is None


def test_chinese_near_duplicates():
    d = Deduper()
    d.add(
        "z1", fp("open_qa", "zh", {"question": "腰4-5椎间盘突出最常压迫哪一条神经根？请说明原因。"})
    )
    assert d.check(
        fp("open_qa", "zh", {"question": "腰4-5椎间盘突出最常压迫哪一条神经根？请说明理由。"})
    )
    assert (
        d.check(fp("open_qa", "zh", {"question": "青少年特发性脊柱侧凸如何测量Cobb角？"})) is None
    )


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
