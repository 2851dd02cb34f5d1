"""The bundled corpus: coverage, provenance, correctness of form, figures bound to captions."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from knowledge.chunking import chunk_document
from knowledge.documents import BUNDLED_CORPUS, Document, load_document, taxonomy

DOCS = sorted(BUNDLED_CORPUS.glob("*.md"))
DISCLAIMER = {
    "en": "> Educational summary written for SpineMed agents; not medical advice.",
    "zh": "> 本文为 SpineMed agents 编写的教学摘要，不构成医疗建议。",
}


@pytest.fixture(scope="module")
def corpus() -> list[Document]:
    return [load_document(path, max_bytes=2**20) for path in DOCS]


def test_size_and_coverage(corpus: list[Document]) -> None:
    kinds = Counter(d.meta.kind for d in corpus)
    langs = Counter(d.meta.lang for d in corpus)
    assert len(corpus) >= 40
    assert {d.meta.subfield for d in corpus} == set(taxonomy())
    assert len(taxonomy()) >= 14
    assert kinds["guideline"] >= 10 and kinds["textbook"] >= 5 and kinds["consensus"] >= 5
    assert kinds["case"] >= 5
    assert langs["zh"] >= 8


@pytest.mark.parametrize("path", DOCS, ids=[p.stem for p in DOCS])
def test_document_form(path: Path) -> None:
    doc = load_document(path, max_bytes=2**20)
    meta = doc.meta
    assert meta.id == path.stem
    assert meta.license == "Apache-2.0"
    body = doc.text[doc.body_start :].lstrip().splitlines()
    assert body[0] == f"# {meta.title}"
    assert DISCLAIMER[meta.lang] in body[:4]
    if meta.kind == "case":
        assert meta.citation.source == "SpineMed agents (synthetic case)"
        assert not meta.citation.doi and not meta.citation.url
        assert meta.levels, "a case names its levels"
    else:
        assert meta.citation.doi or meta.citation.url, "a real source: DOI or URL"
        assert meta.citation.year
    chunks, figures = chunk_document(doc)
    assert len(chunks) >= 4
    assert not figures.unmatched
    assert not re.search(r"\b\d+(?:\.\d+)?\s?(?:mg|mcg|µg|g)/(?:kg|day|d)\b", doc.text), "no dosing"


def test_cases_carry_no_identifiers(corpus: list[Document]) -> None:
    for doc in (d for d in corpus if d.meta.kind == "case"):
        chunks, _ = chunk_document(doc)
        assert sum(c.deid_findings for c in chunks) == 0, f"{doc.meta.id} names a person or date"


def test_figures_exist_and_bind_to_caption_and_text(corpus: list[Document]) -> None:
    bound = 0
    for doc in corpus:
        for chunk in chunk_document(doc)[0]:
            for figure in chunk.figures:
                assert (doc.path.parent / figure.image).is_file(), figure.image
                assert figure.caption and figure.context, (doc.meta.id, figure.image)
                bound += 1
    assert bound >= 3
