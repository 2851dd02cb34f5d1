"""Section chunks: headings, tables and captions kept together; provenance; levels; de-id."""

from __future__ import annotations

from pathlib import Path

from knowledge.chunking import MAX_CHARS, chunk_document
from knowledge.documents import load_document
from tests.corpus_factory import write_doc
from tests.pdf_factory import write_pdf

MB = 2**20

DOC = """# Lumbar disc herniation

> Educational summary written for SpineMed agents; not medical advice.

## Which root does each disc level compress?

The table gives the usual pattern:

| Disc | Posterolateral | Far lateral |
| --- | --- | --- |
| L4-L5 | L5 | L4 |
| L5-S1 | S1 | L5 |

As Figure 1 shows, the traversing root is the one below.

![Roots](figures/roots.png)

Figure 1. The traversing and exiting roots at L4/5.

### Far-lateral herniation

A far-lateral L4-5 fragment compresses the exiting L4 root.

## Imaging

MRI is the imaging of choice for suspected herniation.
"""


def _chunks(tmp_path: Path, body: str = DOC, **meta: object):  # type: ignore[no-untyped-def]
    doc = load_document(write_doc(tmp_path, "ldh-test", body, **meta), max_bytes=MB)
    return doc, *chunk_document(doc)


def test_sections_keep_heading_path_table_and_caption(tmp_path: Path) -> None:
    doc, chunks, figures = _chunks(tmp_path)
    assert [c.section for c in chunks] == [
        ["Which root does each disc level compress?"],
        ["Which root does each disc level compress?", "Far-lateral herniation"],
        ["Imaging"],
    ]
    first = chunks[0]
    assert first.id == "ldh-test#which-root-does-each-disc-level-compress"
    assert "| L5-S1 | S1 | L5 |" in first.text and "The table gives" in first.text
    assert "![Roots](figures/roots.png)\n\nFigure 1. The traversing" in first.text
    assert first.text.startswith(
        "Test document ldh-test › Which root does each disc level compress?"
    )
    assert "Educational summary" not in "".join(c.text for c in chunks)  # no disclaimer chunk
    assert first.levels == ["L4", "L4-L5", "L5", "L5-S1", "S1"]  # roots count as levels
    assert chunks[1].levels == ["L4", "L4-L5"]
    assert chunks[2].levels == []
    [figure] = first.figures
    assert figure.image == "figures/roots.png" and figure.label == "1"
    assert figure.caption.startswith("Figure 1.")
    assert any("As Figure 1 shows" in c for c in figure.context)
    assert not figures.unmatched


def test_offsets_point_into_the_source_file(tmp_path: Path) -> None:
    doc, chunks, _ = _chunks(tmp_path)
    raw = doc.path.read_text(encoding="utf-8")
    for chunk in chunks:
        body = chunk.text.split("\n\n", 1)[1]
        assert raw[chunk.start : chunk.end].strip() == body
        assert chunk.page is None


def test_long_section_splits_between_paragraphs_never_inside_a_table(tmp_path: Path) -> None:
    para = "Neurogenic claudication improves with flexion. " * 12
    table = "| Grade | Meaning |\n| --- | --- |\n" + "".join(
        f"| {i} | text {i} |\n" for i in range(60)
    )
    body = "# T\n\n## Long\n\n" + "\n\n".join([para] * 6) + "\n\n" + table + "\n\n" + para
    _, chunks, _ = _chunks(tmp_path, body)
    assert len(chunks) > 2
    assert [c.id for c in chunks][:3] == ["ldh-test#long", "ldh-test#long~2", "ldh-test#long~3"]
    tables = [c for c in chunks if "| Grade |" in c.text]
    assert len(tables) == 1 and tables[0].text.count("| text") == 60
    assert all(len(c.text) < MAX_CHARS + 200 for c in chunks if "| Grade |" not in c.text)


def test_unmatched_figure_is_reported(tmp_path: Path) -> None:
    body = "# T\n\n## Pictures\n\nNo caption here.\n\n![](figures/lonely.png)\n\nMore text.\n"
    _, chunks, figures = _chunks(tmp_path, body)
    assert [f.image for f in figures.unmatched] == ["figures/lonely.png"]


def test_case_text_is_deidentified_before_storage(tmp_path: Path) -> None:
    body = (
        "# Case\n\n## Presentation\n\nMr. John Smith (MRN 12345678), seen on 03/04/2024, "
        "has right S1 sciatica from an L5-S1 extrusion. Phone 555-123-4567.\n"
    )
    _, chunks, _ = _chunks(tmp_path, body, kind="case")
    text = chunks[0].text
    assert "John Smith" not in text and "12345678" not in text and "03/04/2024" not in text
    assert "555-123-4567" not in text
    assert "[NAME]" in text and "[MRN]" in text and "[DATE]" in text
    assert chunks[0].deid_findings >= 4
    assert chunks[0].levels == ["L5-S1", "S1"]


def test_chinese_headings_make_chunk_ids(tmp_path: Path) -> None:
    body = "# 腰椎间盘突出症\n\n## 各节段压迫哪条神经根？\n\nL4-L5 后外侧突出压迫 L5 神经根。\n"
    _, chunks, _ = _chunks(tmp_path, body, lang="zh")
    assert chunks[0].id == "ldh-test#各节段压迫哪条神经根"
    assert chunks[0].levels == ["L4-L5", "L5"]


def test_pdf_sections_from_numbered_headings_with_pages(tmp_path: Path) -> None:
    pdf = write_pdf(
        tmp_path / "guide.pdf",
        [
            ["1. Lumbar stenosis", "Neurogenic claudication at L4-L5 improves on flexion."],
            ["2. Imaging", "Figure 1. Axial MRI at L4-L5.", "MRI is the test of choice (Fig. 1)."],
        ],
        images_on=(1,),
    )
    doc = load_document(pdf, max_bytes=MB)
    chunks, figures = chunk_document(doc)
    assert [(c.section, c.page) for c in chunks] == [
        (["1. Lumbar stenosis"], 1),
        (["2. Imaging"], 2),
    ]
    assert chunks[0].levels == ["L4-L5"]
    [figure] = figures.figures
    assert figure.image == "Im2.png" and figure.label == "1"
    assert chunks[1].figures and chunks[1].figures[0].image == "Im2.png"
