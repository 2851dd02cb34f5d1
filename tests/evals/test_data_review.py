"""The synthesis reviewer on its labelled development set (evals/data/synthesis_review/dev.jsonl,
written blind by helpers who never saw the reviewer's code; the reviewer was then tuned on it, so
these are development figures kept from regressing, not a measure on unseen text)."""

from pathlib import Path

import pytest

from evals.data_review import judge, read_set, table
from graphs.synthesis.audit import Sources
from knowledge.documents import BUNDLED_CORPUS

DATA = Path(__file__).resolve().parents[2] / "evals" / "data" / "synthesis_review"
# families the code checks catch on their own (the rest need the model review)
CODE_FAMILIES = (
    "wrong_root",
    "wrong_grade",
    "promise",
    "invented_number",
    "unsourced_dose",
    "identifier",
    "missed_red_flag",
)


def test_the_development_set_stays_where_tuning_left_it() -> None:
    outcomes = judge(read_set([DATA / "dev.jsonl"]), Sources([BUNDLED_CORPUS]))
    assert len(outcomes) == 96
    good = [o for o in outcomes if not o.flawed]
    flawed = [o for o in outcomes if o.flawed]
    wrongly_rejected = [o.row["id"] for o in good if not o.verdict.passed]
    assert not wrongly_rejected, "\n".join(table(outcomes))
    missed = [o.row["id"] for o in flawed if o.row["defect"] in CODE_FAMILIES and not o.right]
    assert not missed, "\n".join(table(outcomes))
    assert sum(o.right for o in flawed) >= 35


def test_both_sets_are_well_formed() -> None:
    for name, size in (("dev.jsonl", 96), ("holdout.jsonl", 48), ("unseen.jsonl", 48)):
        rows = read_set([DATA / name])
        assert len(rows) == size and len({r["id"] for r in rows}) == size
        assert {r["task"] for r in rows} == {"mcq", "open_qa", "consultation", "report"}
        assert {r["lang"] for r in rows} == {"en", "zh"}
        assert all((r["label"] == "flawed") == bool(r.get("defect")) for r in rows)


def test_a_line_that_is_not_json_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "set.jsonl"
    bad.write_text('{"label": "good"}\n{not json\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"set\.jsonl:2: not JSON"):
        read_set([bad])
