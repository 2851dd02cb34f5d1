"""Test-wide settings: offline, and no SPINE_* variable of the developer's shell leaks in."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.postgres_factory import postgres_url  # noqa: F401  (a real PostgreSQL server)
from tools.settings import Settings

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"


@pytest.fixture(autouse=True)
def clean_spine_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    from tools.settings import get_settings

    for name in list(os.environ):
        if name.startswith("SPINE_") and not name.startswith("SPINE_TEST_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("SPINE_HOME", str(tmp_path / "spine-home"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def bundled_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SPINE_HOME whose embedded Chroma holds the bundled corpus (real MiniLM embeddings)."""
    from knowledge.build import build

    home = tmp_path_factory.mktemp("bundled-home")
    report = build(settings=Settings(home=home), progress=False)
    assert not report.skipped, report.skipped
    return home


@pytest.fixture
def bundled_settings(bundled_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Settings (and SPINE_HOME) pointing at the session's bundled store; read it, don't write."""
    from tools.settings import get_settings

    monkeypatch.setenv("SPINE_HOME", str(bundled_home))
    get_settings.cache_clear()
    yield Settings()
    get_settings.cache_clear()
