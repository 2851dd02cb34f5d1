"""Test-wide settings: offline, and no SPINE_* variable of the developer's shell leaks in."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

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
