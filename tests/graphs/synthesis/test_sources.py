from __future__ import annotations

from pathlib import Path

import pytest

from graphs.synthesis.run import plan
from graphs.synthesis.sources import load_sources, select_shard, shard_of
from knowledge.build import discover
from knowledge.chunking import chunk_document
from knowledge.documents import BUNDLED_CORPUS, load_document
from tests.dataset_factory import write_case, write_rsna, write_verse


@pytest.fixture(scope="module")
def bundled():
    return load_sources([BUNDLED_CORPUS]).sources


def test_bundled_units_are_the_store_chunks(bundled):
    files, _ = discover([BUNDLED_CORPUS])
    chunk_ids = set()
    for path in files:
        chunks, _ = chunk_document(load_document(path, max_bytes=10**8))
        chunk_ids |= {c.id for c in chunks}
    chunk_units = [s for s in bundled if "#" in s.id]
    assert len(chunk_units) > 250
    assert {c for s in chunk_units for c in s.chunk_ids} <= chunk_ids  # provenance ids resolve
    assert all(s.citation and s.text for s in bundled)
    cases = [s for s in bundled if s.tasks == ("consultation", "report")]
    assert len(cases) == 7  # the seven case documents, whole
    figures = [s for s in bundled if s.images]
    assert len(figures) == 3 and all(i.path.is_file() for s in figures for i in s.images)


def test_rsna_studies_become_graded_vignettes(tmp_path: Path):
    folder = write_rsna(
        tmp_path / "rsna",
        {
            "4003253": {
                "spinal_canal_stenosis_l4_l5": "Severe",
                "left_neural_foraminal_narrowing_l5_s1": "Moderate",
            },
            "4646740": {},
        },
        with_image=True,
    )
    loaded = load_sources([folder])
    units = {s.id: s for s in loaded.sources}
    assert set(units) == {"rsna:4003253", "rsna:4646740"}
    first = units["rsna:4003253"]
    assert "- L4-L5: severe spinal canal stenosis." in first.text
    assert "- L5-S1: moderate left neural foraminal narrowing." in first.text
    assert "Sagittal T2/STIR" in first.text
    assert first.levels == ("L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1")
    assert first.subfield == "lumbar_spinal_stenosis" and "kaggle.com" in first.citation
    assert len(first.images) == 1 and first.images[0].dicom and "L4-L5" in first.images[0].caption
    assert units["rsna:4646740"].subfield == "disc_degeneration_imaging"


def test_rsna_bad_rows_are_skipped_with_a_reason(tmp_path: Path):
    folder = tmp_path / "rsna"
    folder.mkdir()
    (folder / "train.csv").write_text("study_id,spinal_canal_stenosis_l4_l5\nabc,Severe\n12,\n")
    loaded = load_sources([folder])
    assert loaded.sources == []
    assert [r for _, r in loaded.skipped] == ["no numeric study_id", "no graded level"]


def test_verse_centroids_become_a_case(tmp_path: Path):
    path = write_verse(
        tmp_path / "verse" / "sub-verse004_ctd.json", [18, 19, 20, 21, 22, 23, 24, 25]
    )
    (tmp_path / "verse" / "broken.json").write_text("{not json")
    loaded = load_sources([tmp_path / "verse"])
    assert [s.id for s in loaded.sources] == ["verse:sub-verse004"]
    unit = loaded.sources[0]
    assert "T11 to L5" in unit.text and "Transitional" in unit.text and "L6" in unit.text
    assert "T12-L1" in unit.levels and unit.tasks == ("consultation",)
    assert loaded.skipped and "broken.json" in loaded.skipped[0][0]
    assert path.is_file()


def test_case_text_is_deidentified_before_any_model(tmp_path: Path):
    cases = tmp_path / "cases"
    write_case(cases / "c1")
    write_case(cases / "c2", dicom=False)
    (cases / "not-a-case").mkdir()
    loaded = load_sources([cases])
    assert [s.id for s in loaded.sources] == ["case:c1", "case:c2"]
    unit = loaded.sources[0]
    for identifier in ("John Smith", "4455667", "12 March 2024"):
        assert identifier not in unit.text
    assert "L5-S1" in unit.levels and unit.subfield == "lumbar_disc_herniation"
    assert "SAG T2" in unit.text and unit.images and unit.images[0].dicom
    assert not loaded.sources[1].images


def test_unreadable_case_is_skipped(tmp_path: Path):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "case.md").write_bytes(b"\xff\xfe\x00garbage")
    loaded = load_sources([folder])
    assert loaded.sources == [] and "UTF-8" in loaded.skipped[0][1]
    assert load_sources([tmp_path / "missing"]).skipped[0][1] == "no such file or folder"


@pytest.mark.parametrize("shards", [2, 3, 8])
def test_shards_are_disjoint_and_complete(bundled, shards: int):
    parts = [select_shard(bundled, k, shards) for k in range(shards)]
    ids = [s.id for part in parts for s in part]
    assert sorted(ids) == sorted(s.id for s in bundled)  # complete, nothing twice
    groups = [{s.group for s in part} for part in parts]
    assert all(not (a & b) for i, a in enumerate(groups) for b in groups[i + 1 :])  # disjoint
    items = [plan(part, ["mcq", "report"], ["en", "zh"], 2) for part in parts]
    item_ids = [i.id for part in items for i in part]
    assert (
        len(item_ids)
        == len(set(item_ids))
        == len(plan(bundled, ["mcq", "report"], ["en", "zh"], 2))
    )
    assert shard_of("lumbar-disc-herniation-nass-guideline", 8) == shard_of(
        "lumbar-disc-herniation-nass-guideline", 8
    )


def test_plan_respects_what_each_source_offers(bundled):
    items = plan(bundled, ["report"], ["en"], 1)
    assert {i.source.kind for i in items} == {"case"} and len(items) == 7
    again = plan(bundled, ["report"], ["en"], 1)
    assert [i.id for i in items] == [i.id for i in again]  # deterministic ids
