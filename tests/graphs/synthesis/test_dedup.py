"""De-duplication: exact and near duplicates within one task and language, on the task's key
text."""

from __future__ import annotations

from typing import Any

from graphs.synthesis.dedup import Deduper, Fingerprint, fingerprint
from graphs.synthesis.tasks import TASKS

Q = "Which nerve root is most often compressed by a posterolateral disc herniation at L4-L5?"
OPTIONS = {"A": "L4", "B": "L5", "C": "S1", "D": "L3"}


def fp(task: str, lang: str, payload: dict[str, Any]) -> Fingerprint:
    return fingerprint(task, lang, TASKS[task].key_text(payload))


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
