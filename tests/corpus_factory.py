"""Small corpus documents with valid front matter, for ingestion and retrieval tests."""

from __future__ import annotations

from pathlib import Path


def write_doc(folder: Path, doc_id: str, body: str, **meta: object) -> Path:
    """A small corpus document with valid front matter (override any key with ``meta``)."""
    import yaml

    front: dict[str, object] = {
        "id": doc_id,
        "title": f"Test document {doc_id}",
        "kind": "textbook",
        "subfield": "lumbar_disc_herniation",
        "levels": ["L4-L5"],
        "citation": {
            "source": "North American Spine Society",
            "year": 2012,
            "title": "Test citation",
            "url": "https://www.spine.org/",
        },
        "license": "Apache-2.0",
        "lang": "en",
    }
    front.update(meta)
    path = folder / f"{doc_id}.md"
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n\n" + body
    path.write_text(text, encoding="utf-8")
    return path
