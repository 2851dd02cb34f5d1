"""Triage against labelled vignette sets written by helpers who never saw the rules' code.

- ``triage_vignettes.jsonl`` (84, rules v2): written from the rule table;
- ``triage_vignettes_v3_dev.jsonl`` (230, rules v3): written blind from the clinical policy, run
  once as it came (figures in the README), then tuned to: a development set;
- ``triage_vignettes_v3_dev2.jsonl`` (177) and ``triage_vignettes_v3_dev3.jsonl`` (160): each
  held out, run once (README), then tuned to in a further round: development sets too;
- ``triage_vignettes_v3_holdout.jsonl`` (150): held out through every round and run once at the
  end; its first figures are floors here (a regression fails), not goals met by tuning.

The rule layer must get every vignette right (level and must-find flags); the layers the consult
graph runs must meet the goals on every set. Figures on a held-out set are in the README.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agents.triage import Screen, assess
from evals.triage import load as load_set
from evals.triage import score

DATA = Path(__file__).parent / "data"
EXACT = [
    "triage_vignettes.jsonl",
    "triage_vignettes_v3_dev.jsonl",
    "triage_vignettes_v3_dev2.jsonl",
    "triage_vignettes_v3_dev3.jsonl",
]
HOLDOUT = "triage_vignettes_v3_holdout.jsonl"


def load(name: str = "triage_vignettes.jsonl") -> list[dict[str, Any]]:
    return [json.loads(line) for line in (DATA / name).read_text("utf-8").splitlines() if line]


@pytest.mark.parametrize("name", [*EXACT, HOLDOUT])
def test_the_set_is_big_enough_and_bilingual(name: str) -> None:
    items = load(name)
    langs = {lang: sum(i["lang"] == lang for i in items) for lang in ("en", "zh")}
    levels = {lvl: sum(i["expected"] == lvl for i in items) for lvl in ("emergency", "urgent")}
    assert len(items) >= 40 and min(langs.values()) >= 20 and min(levels.values()) >= 10
    assert len({i["id"] for i in items}) == len(items)


@pytest.mark.parametrize("item", [i for name in EXACT for i in load(name)], ids=lambda i: i["id"])
def test_vignette(item: dict[str, Any]) -> None:
    result = assess(item["text"])
    found = {r.code for r in result.reasons}
    assert result.level == item["expected"], f"{item['why']} | found {sorted(found)}"
    assert set(item["codes"]) <= found, f"missing {sorted(set(item['codes']) - found)}"


@pytest.fixture(scope="module")
def screen(tmp_path_factory: pytest.TempPathFactory) -> Screen:
    from tools.settings import Settings

    return Screen.from_settings(Settings(home=tmp_path_factory.mktemp("spine-home")))


@pytest.mark.parametrize("name", EXACT)
def test_all_layers_meet_the_goals_on_the_development_sets(screen: Screen, name: str) -> None:
    scores = score(load_set(DATA / name), screen.assess)
    assert scores.emergency_sensitivity is not None and scores.emergency_sensitivity >= 0.98
    assert scores.any_flag_sensitivity is not None and scores.any_flag_sensitivity >= 0.95
    assert scores.routine_specificity is not None and scores.routine_specificity >= 0.90


def test_all_layers_keep_the_first_hold_out_figures(screen: Screen) -> None:
    """First run on the held-out set: 0.925 / 0.959 / 0.855 (README); never tuned to."""
    scores = score(load_set(DATA / HOLDOUT), screen.assess)
    assert scores.emergency_sensitivity is not None and scores.emergency_sensitivity >= 0.925
    assert scores.any_flag_sensitivity is not None and scores.any_flag_sensitivity >= 0.959
    assert scores.routine_specificity is not None and scores.routine_specificity >= 0.85


def test_the_rules_keep_the_first_hold_out_figures() -> None:
    """First run of the rules alone on the held-out set: 0.800 / 0.851 / 0.947 (README)."""
    scores = score(load_set(DATA / HOLDOUT), assess)
    assert scores.emergency_sensitivity is not None and scores.emergency_sensitivity >= 0.80
    assert scores.any_flag_sensitivity is not None and scores.any_flag_sensitivity >= 0.85
    assert scores.routine_specificity is not None and scores.routine_specificity >= 0.94
