"""Hybrid retrieval over the real bundled corpus (MiniLM, Chroma, BM25)."""

from __future__ import annotations

import json

import pytest

from knowledge import get_retriever
from knowledge.__main__ import main
from knowledge.retrieval import Filters, dense_weight, tokenize
from tools.settings import Settings


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The nerve roots", ["nerve", "root"]),
        ("L4/5 disc", ["l4", "5", "disc", "§L4-L5"]),
        ("Stenoses and injuries", ["stenose", "injury"]),
        ("腰椎", ["腰", "椎", "腰椎"]),
    ],
)
def test_tokenize(text: str, expected: list[str]) -> None:
    assert tokenize(text) == expected


@pytest.mark.parametrize(
    ("query", "languages", "weight"),
    [
        ("Which root does L4-L5 compress?", ("en",), 1.0),
        ("腰椎间盘突出症压迫哪条神经根", ("en",), 0.0),
        ("腰椎间盘突出症压迫哪条神经根", ("en", "zh"), 1.0),
        ("MRI 检查", ("en",), 0.6),
        ("L4/5", ("zh",), 0.0),
        ("12345", ("en",), 1.0),
    ],
)
def test_dense_weight_follows_what_the_embedder_reads(
    query: str, languages: tuple[str, ...], weight: float
) -> None:
    assert dense_weight(query, languages) == weight


def test_embedding_languages_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPINE_EMBEDDING_LANGUAGES", "en, zh")
    assert Settings().embedding_languages == ["en", "zh"]
    monkeypatch.setenv("SPINE_EMBEDDING_LANGUAGES", "fr")
    with pytest.raises(ValueError, match="unknown language"):
        Settings()


def test_hits_carry_citations_and_provenance(bundled_settings: Settings) -> None:
    hits = get_retriever(bundled_settings).search(
        "Which nerve root does a far-lateral L4-L5 disc herniation compress?", k=5
    )
    assert len(hits) == 5
    assert all(h.citation and h.doc_id and h.chunk_id.startswith(h.doc_id + "#") for h in hits)
    assert hits[0].subfield == "lumbar_disc_herniation"
    assert "L4-L5" in hits[0].levels
    assert hits[0].level_match == "chunk"
    assert hits == sorted(hits, key=lambda h: -h.score)


def test_level_boost_prefers_chunks_about_the_patients_level(bundled_settings: Settings) -> None:
    retriever = get_retriever(bundled_settings)
    query = "What classification grades the severity of a slip?"
    plain = retriever.search(query, k=10, level_boost=0.0)
    boosted = retriever.search(query, k=10, levels=["L4-L5"], level_boost=2.0)
    share = sum(h.level_match != "none" for h in boosted[:5])
    assert share >= sum(h.level_match != "none" for h in plain[:5]) or share == 5
    assert all(h.level_match == "none" for h in plain)  # no levels in the query: nothing to match
    assert boosted[0].level_match in ("chunk", "document")


def test_filters_apply_to_dense_and_bm25(bundled_settings: Settings) -> None:
    retriever = get_retriever(bundled_settings)
    for mode in ("dense", "bm25", "hybrid"):
        hits = retriever.search(
            "spinal cord compression", k=5, mode=mode, filters=Filters(lang=["zh"])
        )
        assert hits and all(h.lang == "zh" for h in hits), mode
    cases = retriever.search("fracture", k=3, filters=Filters(kind=["case"]))
    assert cases and all(h.kind == "case" for h in cases)
    assert retriever.search("   ") == []


def test_chinese_query_finds_chinese_documents(bundled_settings: Settings) -> None:
    hits = get_retriever(bundled_settings).search("腰椎间盘突出症压迫哪条神经根？", k=5)
    assert hits[0].lang == "zh"


def test_cli_search_json(bundled_settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "Meyerding grade of spondylolisthesis", "--k", "3", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert len(hits) == 3 and all(h["citation"] for h in hits)
    assert main(["search", "ASIA impairment scale", "--levels", "C5"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1. [") and "source: " in out
