import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

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
    # answers spread over the letters: no letter carries more than 35 % of the keys
    keys = Counter(i.answer for i in mcq)
    assert max(keys.values()) / len(mcq) <= 0.35, keys


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
