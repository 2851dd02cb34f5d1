import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from evals.spinebench.__main__ import main as spinebench_main
from evals.spinebench.cues import CUE_LIMIT, form_cues, problems
from evals.spinebench.items import ItemError, McqItem, ReportItem, load_dir

ROOT = Path(__file__).resolve().parents[3]
MINI = ROOT / "evals" / "data" / "spinebench_mini"
CORPUS = ROOT / "knowledge" / "corpus"

MCQ = {
    "id": "q1",
    "type": "mcq",
    "modality": "text",
    "question": "Which root does a posterolateral L4-L5 herniation compress?",
    "options": {"A": "L4", "B": "L5", "C": "S1", "D": "L3"},
    "answer": "B",
    "images": [],
    "subfield": "lumbar_disc_herniation",
    "levels": ["L4-L5", "L5"],
    "lang": "en",
}
REPORT = {
    "id": "r1",
    "type": "report",
    "prompt": "A 50-year-old with S1 radiculopathy; MRI shows an L5-S1 extrusion. Write a report.",
    "images": [],
    "reference": "Findings: left paracentral L5-S1 extrusion compressing the traversing S1 root. "
    * 2,
    "subfield": "lumbar_disc_herniation",
    "levels": ["L5-S1"],
    "lang": "en",
}


def write(directory: Path, name: str, *rows: dict | str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows]
    path = directory / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_directory_of_jsonl_files_loads_both_item_types(tmp_path: Path) -> None:
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "x.png").write_bytes(b"\x89PNG\r\n")
    image = MCQ | {"id": "q2", "modality": "image", "images": ["img/x.png"]}
    write(tmp_path, "a.jsonl", MCQ, "", image)
    write(tmp_path, "b.jsonl", REPORT)
    items = load_dir(tmp_path)
    assert [type(i) for i in items] == [McqItem, McqItem, ReportItem]
    assert [i.id for i in items] == ["q1", "q2", "r1"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("{not json", "Invalid JSON"),
        (MCQ | {"answer": "E"}, "answer E is not an option"),
        (MCQ | {"options": {"A": "x", "C": "y"}}, "options must be A.. in order"),
        (MCQ | {"options": {"A": "x", "B": " "}}, "an option is empty"),
        (MCQ | {"levels": ["L4/5"]}, "levels not canonical"),
        (MCQ | {"lang": "fr"}, "lang"),
        (MCQ | {"type": "essay"}, "does not match any of the expected tags"),
        (MCQ | {"modality": "image"}, "image MCQs need images"),
        (MCQ | {"images": ["../secret.png"], "modality": "image"}, "relative to the data dir"),
        (MCQ | {"images": ["missing.png"], "modality": "image"}, "image not found: missing.png"),
        (MCQ | {"surprise": 1}, "Extra inputs are not permitted"),
        ({k: v for k, v in REPORT.items() if k != "reference"}, "reference: Field required"),
    ],
)
def test_a_bad_line_is_named_by_file_and_line(
    tmp_path: Path, row: dict | str, message: str
) -> None:
    path = write(tmp_path, "items.jsonl", REPORT, row)
    with pytest.raises(ItemError) as caught:
        load_dir(tmp_path)
    text = str(caught.value)
    assert text.startswith(f"{path}:2: "), text
    assert message in text
    assert "\n" not in text


def test_duplicate_ids_across_files_and_empty_dirs_are_errors(tmp_path: Path) -> None:
    write(tmp_path, "a.jsonl", MCQ)
    write(tmp_path, "b.jsonl", MCQ)
    with pytest.raises(ItemError, match="duplicate id q1 \\(also in a.jsonl\\)"):
        load_dir(tmp_path)
    with pytest.raises(ItemError, match="a.jsonl: not a directory"):
        load_dir(tmp_path / "a.jsonl")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ItemError, match="no \\*.jsonl files"):
        load_dir(tmp_path / "empty")


def _front_matter(doc: str) -> dict:
    text = (CORPUS / f"{doc}.md").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---")[1])


def test_the_bundled_mini_benchmark_has_the_promised_size_and_mix() -> None:
    items = load_dir(MINI)
    mcq = [i for i in items if isinstance(i, McqItem)]
    text = [i for i in mcq if i.modality == "text"]
    image = [i for i in mcq if i.modality == "image"]
    reports = [i for i in items if isinstance(i, ReportItem)]
    assert len(text) >= 80 and len(image) >= 30 and len(reports) >= 15
    for group in (text, image, reports):
        assert Counter(i.lang for i in group).keys() == {"en", "zh"}
    # level-centred questions are prominent
    assert sum(bool(i.levels) for i in mcq) / len(mcq) >= 0.5


def test_the_bundled_mcqs_give_no_answer_by_form_in_any_language_or_modality() -> None:
    mcq = [i for i in load_dir(MINI) if isinstance(i, McqItem)]
    cues = form_cues(mcq)
    assert {(g.lang, g.modality) for g in cues} == {
        (lang, modality) for lang in ("en", "zh") for modality in ("text", "image")
    }
    # choosing the longest (or shortest) option scores at most 0.3; each letter A-D carries
    # 0.15-0.3 of the keys
    assert problems(cues) == [], problems(cues)
    for g in cues:
        assert g.common == "ABCD", g
        assert g.longest <= CUE_LIMIT and g.shortest <= CUE_LIMIT, g
        assert g.order_breaks == (), g.order_breaks  # levels, grades, scores listed in order


def _mcq(n: int, options: dict[str, str], answer: str, lang: str = "en") -> McqItem:
    return McqItem.model_validate(
        MCQ | {"id": f"c{n}", "options": options, "answer": answer, "lang": lang, "levels": []}
    )


def test_form_cues_score_the_length_strategies_with_ties_shared() -> None:
    items = [
        _mcq(1, {"A": "long answer here", "B": "short", "C": "tiny", "D": "mid one"}, "A"),
        _mcq(2, {"A": "L4-L5", "B": "L5-S1", "C": "L3-L4", "D": "L2-L3"}, "B"),  # 4-way tie
        _mcq(3, {"A": "x", "B": "yy", "C": "zzz", "D": "ww", "E": "v"}, "E"),  # shortest, tie 2
        _mcq(4, {"A": "椎间 孔区", "B": "中央区", "C": "关节下区", "D": "外区"}, "A", "zh"),
    ]
    en, zh = form_cues(items)
    assert (en.lang, en.items, zh.items) == ("en", 3, 1)
    assert en.longest == pytest.approx((1 + 0.25 + 0) / 3)
    assert en.shortest == pytest.approx((0 + 0.25 + 0.5) / 3)
    assert en.chance == pytest.approx((0.25 + 0.25 + 0.2) / 3)
    assert en.letters == {"A": 1, "B": 1, "E": 1} and en.common == "ABCD"
    # whitespace does not count: 椎间 孔区 ties 关节下区 at four characters
    assert zh.longest == 0.5 and zh.shortest == 0.0
    found = problems([en, zh])
    assert "en text: choosing the longest option scores 0.42 (> 0.3)" in found
    assert any("en text: a letter carries only 0.00" in line for line in found)
    assert any("zh text: choosing the longest option scores 0.50" in line for line in found)
    assert problems(form_cues(items[1:2]), limit=0.3)[0].startswith("en text: one letter carries")
    # the distractors in order and the key alone out of it
    assert en.order_breaks == () and zh.order_breaks == ()
    broken = _mcq(5, {"A": "L4-L5", "B": "L2-L3", "C": "L3-L4", "D": "L5-S1"}, "A")
    in_order = _mcq(6, {"A": "L2-L3", "B": "L3-L4", "C": "L4-L5", "D": "L5-S1"}, "C")
    grades = _mcq(7, {"A": "Grade 2", "B": "Grade 0", "C": "Grade 1", "D": "Grade 3"}, "A")
    assert form_cues([broken, in_order, grades])[0].order_breaks == ("c5", "c7")
    assert problems(form_cues([broken, in_order]))[-1] == (
        "en text: the key alone breaks the options' order in c5"
    )


def test_the_cues_command_prints_the_table_and_fails_a_cued_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert spinebench_main(["cues"]) == 0
    out = capsys.readouterr().out
    assert "| en | text | 46 |" in out and "| zh | image | 24 |" in out
    cued = [
        MCQ | {"id": f"k{i}", "answer": k, "options": MCQ["options"] | {k: "the longest option"}}
        for i, k in enumerate("ABCD")
    ]
    write(tmp_path, "a.jsonl", *cued)
    assert spinebench_main(["cues", "--data", str(tmp_path)]) == 1
    assert "choosing the longest option scores 1.00 (> 0.3)" in capsys.readouterr().err
    assert spinebench_main(["cues", "--data", str(tmp_path / "nothing")]) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_each_axial_fragment_is_drawn_well_inside_the_zone_its_question_names() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from spinebench_images import axial
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    assert axial.ZONES.keys() == axial.ZONE_SPAN.keys() == axial.FRAGMENT.keys()
    for zone, centre in axial.ZONES.items():
        low, high = axial.ZONE_SPAN[zone]
        half = axial.FRAGMENT[zone][0]
        assert low <= centre < high, zone
        if zone != "central":  # the central fragment straddles the midline by design
            assert min(centre - low, high - centre) >= 10, zone
            inside = min(high, centre + half) - max(low, centre - half)
            assert inside / (2 * half) >= 0.75, zone  # most of its width lies in the zone


def test_every_bundled_item_is_sourced_from_a_corpus_document_it_cites_exactly() -> None:
    subfields = set(yaml.safe_load((ROOT / "knowledge" / "taxonomy.yaml").read_text())["subfields"])
    for item in load_dir(MINI):
        assert item.subfield in subfields, item.id
        assert item.source is not None and item.source.doc, item.id
        assert (CORPUS / f"{item.source.doc}.md").is_file(), item.id
        cited = _front_matter(item.source.doc)["citation"]
        assert str(cited["year"]) in item.source.citation, item.id
        assert cited["title"].split(":")[0][:40] in item.source.citation, item.id


def test_the_bundled_images_are_what_the_committed_drawing_code_draws() -> None:
    script = ROOT / "scripts" / "spinebench_images.py"
    done = subprocess.run(
        [sys.executable, str(script), "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
