"""The scale-out path: SPINE_CHROMA_URL against a real ``chroma run`` server started here."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.build import build
from knowledge.retrieval import HybridRetriever
from knowledge.store import Store, StoreError
from tests.corpus_factory import write_doc
from tools.settings import Settings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _chroma() -> str:
    found = Path(sys.executable).with_name("chroma")
    return str(found) if found.exists() else (shutil.which("chroma") or "chroma")


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    log = (tmp_path / "chroma.log").open("wb")
    env = dict(os.environ, ANONYMIZED_TELEMETRY="False")
    server = subprocess.Popen(
        [
            _chroma(),
            "run",
            "--path",
            str(tmp_path / "server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((tmp_path / "chroma.log").read_text()[-2000:]) from None
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def test_build_and_search_through_a_chroma_server(
    chroma_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tools.embedding import get_embedder

    monkeypatch.setenv("SPINE_CHROMA_URL", chroma_url)
    settings = Settings()
    docs = tmp_path / "docs"
    docs.mkdir()
    write_doc(
        docs,
        "far-lateral",
        "# FL\n\n## Roots\n\nA far-lateral L4-L5 herniation compresses the exiting L4 root.\n",
    )
    write_doc(
        docs,
        "stenosis",
        "# LSS\n\n## Walking\n\nNeurogenic claudication improves with flexion.\n",
        levels=[],
    )
    report = build([docs], settings=settings, progress=False)
    assert report.count("added") == 2 and report.store == chroma_url
    assert not (settings.home / "chroma").exists()  # nothing went to the embedded store
    again = build([docs], settings=settings, progress=False)
    assert again.count("unchanged") == 2

    # a second client (another worker) sees the same data
    retriever = HybridRetriever(Store(Settings()), get_embedder(settings.embedding_model))
    hits = retriever.search("which root does a far lateral disc compress", k=2)
    assert hits[0].chunk_id == "far-lateral#roots"
    assert hits[0].citation.startswith("North American Spine Society (2012)")


def test_unreachable_server_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPINE_CHROMA_URL", f"http://127.0.0.1:{_free_port()}")
    with pytest.raises(StoreError) as info:
        Store(Settings()).count()
    assert "is not reachable" in str(info.value) and "\n" not in str(info.value)


@pytest.mark.slow
def test_build_on_ray_embeds_in_batches_into_the_server_as_one_process_would(
    chroma_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """``python -m knowledge build --ray``: a local Ray instance (2 CPUs) embeds batches of 8
    chunks across three documents; the server holds what the local embedder makes."""
    import numpy as np

    from knowledge.__main__ import main
    from tools.embedding import get_embedder

    pytest.importorskip("ray")
    monkeypatch.setenv("SPINE_CHROMA_URL", chroma_url)
    docs = tmp_path / "docs"
    docs.mkdir()
    corpus = Path(__file__).resolve().parents[2] / "knowledge" / "corpus"
    for name in (
        "lumbar-disc-herniation-root-by-level",
        "cauda-equina-syndrome-and-red-flags-girft-pathway",
    ):
        shutil.copy(corpus / f"{name}.md", docs)
    args = ["build", str(docs), "--ray", "--ray-batch", "8", "--no-progress", "--json"]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert [d["status"] for d in report["documents"]] == ["added", "added"]
    assert report["chunks_embedded"] == report["chunks_total"] > 8  # more than one batch
    got = Store(Settings()).chunks.get(include=["embeddings", "documents"])
    mine = get_embedder(Settings().embedding_model).embed(got["documents"])
    assert np.allclose(np.asarray(got["embeddings"]), mine, atol=1e-5)
    assert main(args) == 0  # unchanged documents are not embedded again
    assert json.loads(capsys.readouterr().out)["chunks_embedded"] == 0
