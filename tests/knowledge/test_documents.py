"""Loading documents: front matter, sidecars, defaults, and every kind of bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.documents import Citation, IngestError, load_document, slugify, taxonomy
from tests.corpus_factory import write_doc
from tests.pdf_factory import encrypt, write_pdf

MB = 2**20
BODY = "# Title\n\n## Which root?\n\nA posterolateral L4-L5 herniation compresses the L5 root.\n"


def test_front_matter_is_validated_and_levels_sorted(tmp_path: Path) -> None:
    path = write_doc(tmp_path, "ok-doc", BODY, levels=["L5-S1", "L4-L5"])
    doc = load_document(path, max_bytes=MB)
    assert doc.meta.id == "ok-doc"
    assert doc.meta.levels == ["L4-L5", "L5-S1"]
    assert doc.fmt == "markdown"
    assert doc.text[doc.body_start :].lstrip().startswith("# Title")
    assert not doc.warnings
    assert doc.meta.citation.text() == (
        "North American Spine Society (2012). Test citation. https://www.spine.org/"
    )


@pytest.mark.parametrize(
    ("meta", "reason"),
    [
        ({"subfield": "knees"}, "unknown subfield 'knees'"),
        ({"levels": ["L4/5"]}, "not canonical levels: L4/5"),
        ({"kind": "blog"}, "kind"),
        ({"lang": "fr"}, "lang"),
        ({"citation": {"source": "X Y", "title": "T", "doi": "not-a-doi"}}, "citation.doi"),
        ({"id": "Bad Id"}, "id"),
        ({"extra_key": 1}, "extra_key"),
    ],
)
def test_invalid_front_matter_is_one_line(
    tmp_path: Path, meta: dict[str, object], reason: str
) -> None:
    path = write_doc(tmp_path, "bad-doc", BODY, **meta)
    with pytest.raises(IngestError) as info:
        load_document(path, max_bytes=MB)
    assert reason in str(info.value)
    assert "\n" not in str(info.value)
    assert str(info.value).startswith(str(path))


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        (b"", "empty.md", "empty file"),
        (b"   \n\n", "blank.txt", "empty file"),
        (bytes(range(256)) * 40, "junk.md", "binary content"),
        (b"\xff\xfe\xfa" * 100, "latin.txt", "not UTF-8"),
        (b"---\nid: [unclosed\n---\ntext", "yaml.md", "not valid YAML"),
        (b"---\n- a list\n---\ntext", "list.md", "not a YAML mapping"),
        (b"hello", "notes.docx", "unsupported file type .docx"),
        (b"just some text", "fake.pdf", "not a PDF"),
        (b"%PDF-1.4\n1 0 obj garbage", "broken.pdf", "PDF"),
    ],
)
def test_bad_files_raise_one_line_reasons(
    tmp_path: Path, content: bytes, name: str, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestError) as info:
        load_document(path, max_bytes=MB)
    assert reason in info.value.reason
    assert "\n" not in str(info.value)


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("spine " * 300_000)
    with pytest.raises(IngestError, match="over the 1 MB limit"):
        load_document(path, max_bytes=MB)


def test_plain_text_without_front_matter_gets_defaults_and_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "My Notes.txt"
    path.write_text("Lumbar stenosis notes\n\nNeurogenic claudication at L4-L5.\n")
    doc = load_document(path, max_bytes=MB)
    assert doc.meta.id.startswith("my-notes-")
    assert doc.meta.title == "Lumbar stenosis notes"
    assert doc.meta.citation.source == "My Notes.txt"
    assert doc.meta.lang == "en"
    assert doc.warnings and "citation is the file name" in doc.warnings[0]


def test_chinese_text_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "zh.txt"
    path.write_text("腰椎管狭窄症\n\n神经源性间歇性跛行，常见于L4-L5节段。\n", encoding="utf-8")
    assert load_document(path, max_bytes=MB).meta.lang == "zh"


def test_sidecar_yaml_gives_pdf_metadata(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "guide.pdf", [["1. Stenosis", "Claudication at L4-L5."]])
    (tmp_path / "guide.pdf.yaml").write_text(
        "id: stenosis-guide\ntitle: Stenosis guide\nkind: guideline\nsubfield: "
        "lumbar_spinal_stenosis\nlevels: [L4-L5]\ncitation: {source: NASS, year: 2013, title: "
        "Stenosis, url: 'https://www.spine.org/'}\nlicense: CC-BY-4.0\nlang: en\n"
    )
    doc = load_document(pdf, max_bytes=MB)
    assert doc.meta.id == "stenosis-guide"
    assert doc.fmt == "pdf"
    assert doc.pages and doc.page_of(0) == 1


def test_encrypted_pdf_is_skipped_with_reason(tmp_path: Path) -> None:
    plain = write_pdf(tmp_path / "plain.pdf", [["1. Title", "Some text at L5-S1."]])
    locked = encrypt(plain, tmp_path / "locked.pdf")
    with pytest.raises(IngestError, match="encrypted PDF"):
        load_document(locked, max_bytes=MB)


def test_truncated_pdf_is_skipped_with_reason(tmp_path: Path) -> None:
    good = write_pdf(tmp_path / "good.pdf", [["1. Title", "Some text."]])
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(good.read_bytes()[:120])
    with pytest.raises(IngestError) as info:
        load_document(cut, max_bytes=MB)
    assert "PDF" in info.value.reason


def test_pdf_pages_and_images(tmp_path: Path) -> None:
    pdf = write_pdf(
        tmp_path / "two.pdf",
        [["1. Stenosis", "Neurogenic claudication."], ["2. Imaging", "Figure 1. Axial MRI."]],
        images_on=(1,),
    )
    doc = load_document(pdf, max_bytes=MB)
    assert len(doc.pages) == 2
    assert doc.images == [(1, "Im2.png")]
    second = doc.text.index("2. Imaging")
    assert doc.page_of(second) == 2


def test_taxonomy_and_helpers() -> None:
    subfields = taxonomy()
    assert len(subfields) >= 14
    assert all(set(names) == {"en", "zh"} for names in subfields.values())
    assert slugify("Which root? L4-L5 / 腰椎", keep_cjk=True) == "which-root-l4-l5-腰椎"
    assert Citation(source="NICE", year=2016, title="NG59", doi="10.1234/x").text() == (
        "NICE (2016). NG59. doi:10.1234/x"
    )
