"""Building the store for real (MiniLM + embedded Chroma): incremental, bad input, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.__main__ import main
from knowledge.build import build, discover
from knowledge.store import Store
from tests.corpus_factory import write_doc
from tools.settings import Settings

STENOSIS = "# Stenosis\n\n## Claudication\n\nNeurogenic claudication at L4-L5 eases on flexion.\n"
HERNIATION = (
    "# Herniation\n\n## Roots\n\nA posterolateral L5-S1 herniation compresses the S1 root.\n\n"
    "## Imaging\n\nMRI is the test of choice when surgery is considered.\n"
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    write_doc(docs, "stenosis-doc", STENOSIS, subfield="lumbar_spinal_stenosis")
    write_doc(docs, "herniation-doc", HERNIATION, levels=["L5-S1"])
    return docs


def test_build_is_incremental_and_replaces_changed_documents(folder: Path) -> None:
    settings = Settings()
    first = build([folder], settings=settings, progress=False)
    assert (first.count("added"), first.chunks_embedded, first.chunks_total) == (2, 3, 3)
    again = build([folder], settings=settings, progress=False)
    assert (again.count("unchanged"), again.chunks_embedded) == (2, 0)

    write_doc(
        folder, "herniation-doc", "# H\n\n## Roots only\n\nAn L5-S1 herniation compresses S1.\n"
    )
    third = build([folder], settings=settings, progress=False)
    assert (third.count("updated"), third.count("unchanged"), third.chunks_embedded) == (1, 1, 1)
    store = Store(settings)
    ids = sorted(i for i, _, _ in store.iter_chunks())
    assert ids == ["herniation-doc#roots-only", "stenosis-doc#claudication"]
    assert store.document("herniation-doc")["chunk_ids"] == ["herniation-doc#roots-only"]
    forced = build([folder], settings=settings, progress=False, rebuild=True)
    assert forced.count("updated") == 2


def test_bad_input_is_skipped_and_nothing_stored_is_lost(folder: Path, tmp_path: Path) -> None:
    settings = Settings()
    build([folder], settings=settings, progress=False)
    before = sorted(i for i, _, _ in Store(settings).iter_chunks())
    (folder / "junk.md").write_bytes(bytes(range(256)) * 50)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "fake.pdf").write_bytes(b"%PDF-1.7 nothing else")
    (folder / "notes.docx").write_bytes(b"ignored: not a supported suffix in a folder")
    write_doc(folder, "herniation-doc", "# Broken\n", levels=["L9"])  # invalid front matter now
    (folder / "zz-dup.md").write_text((folder / "stenosis-doc.md").read_text())
    report = build([folder, tmp_path / "missing"], settings=settings, progress=False)
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    assert reasons.keys() == {
        "junk.md",
        "empty.txt",
        "fake.pdf",
        "herniation-doc.md",
        "zz-dup.md",
        "missing",
    }
    assert "binary" in reasons["junk.md"] and "empty" in reasons["empty.txt"]
    assert "not canonical levels: L9" in reasons["herniation-doc.md"]
    assert "duplicate document id 'stenosis-doc'" in reasons["zz-dup.md"]
    assert sorted(i for i, _, _ in Store(settings).iter_chunks()) == before
    assert all("\n" not in line for line in report.lines())


def test_discover_walks_folders_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "b.md").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.pdf").write_text("x")
    (tmp_path / "sub" / "d.png").write_text("x")
    files, skipped = discover([tmp_path, tmp_path / "a.md"])
    assert [f.name for f in files] == ["a.md", "c.pdf"]
    assert not skipped


def test_cli_build_json_and_search(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(folder), "--json", "--no-progress"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {d["doc_id"] for d in report["documents"]} == {"stenosis-doc", "herniation-doc"}
    assert main(["build", str(folder), "--no-progress"]) == 0
    assert "0 added, 0 updated, 2 unchanged, 0 skipped" in capsys.readouterr().out


def test_cli_reports_bad_settings_and_levels(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["search", "stenosis", "--levels", "knee"]) == 2
    assert capsys.readouterr().err.strip() == "error: --levels 'knee' names no vertebral level"
    monkeypatch.setenv("SPINE_RETRIEVAL_K", "0")
    assert main(["search", "stenosis"]) == 2
    assert "invalid setting retrieval_k" in capsys.readouterr().err


def test_embedding_model_mismatch_is_a_clear_error(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from knowledge.store import StoreError

    build([folder], settings=Settings(), progress=False)
    other = Settings(embedding_model="/nonexistent/medical-embedder")
    with pytest.raises(StoreError, match="was built with embedding model 'all-MiniLM-L6-v2'"):
        Store(other).count()


def test_unknown_embedding_model_is_a_clear_error(tmp_path: Path) -> None:
    from tools.embedding import Embedder, EmbeddingError

    with pytest.raises(EmbeddingError, match="cannot be loaded offline"):
        Embedder(str(tmp_path / "no-model")).embed(["x"])


def test_first_use_indexes_the_bundled_corpus_once(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import knowledge.build as kb
    from knowledge import get_retriever, reset_retrievers

    monkeypatch.setattr(kb, "BUNDLED_CORPUS", folder)  # a small stand-in corpus, built for real
    reset_retrievers()
    retriever = get_retriever(Settings())
    assert "first use, indexing the bundled corpus" in capsys.readouterr().err
    assert retriever.store.count() == 3
    assert retriever.search("claudication on walking", k=1)[0].doc_id == "stenosis-doc"
    reset_retrievers()
    get_retriever(Settings())
    assert "first use" not in capsys.readouterr().err  # the store is no longer empty
    reset_retrievers()
