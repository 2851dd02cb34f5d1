"""Triage against vignettes written from the rule table by someone who never saw the rules' code.

Every vignette must come out at its expected level with its must-detect red flags; the
first-run figures (before any fix) are in the README.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agents.triage import assess

VIGNETTES = Path(__file__).parent / "data" / "triage_vignettes.jsonl"


def load() -> list[dict[str, Any]]:
    return [json.loads(line) for line in VIGNETTES.read_text("utf-8").splitlines() if line]


def test_the_set_is_big_enough_and_bilingual() -> None:
    items = load()
    langs = {lang: sum(i["lang"] == lang for i in items) for lang in ("en", "zh")}
    levels = {lvl: sum(i["expected"] == lvl for i in items) for lvl in ("emergency", "urgent")}
    assert len(items) >= 40 and min(langs.values()) >= 20 and min(levels.values()) >= 10


@pytest.mark.parametrize("item", load(), ids=lambda i: i["id"])
def test_vignette(item: dict[str, Any]) -> None:
    result = assess(item["text"])
    found = {r.code for r in result.reasons}
    assert result.level == item["expected"], f"{item['why']} | found {sorted(found)}"
    assert set(item["codes"]) <= found, f"missing {sorted(set(item['codes']) - found)}"
