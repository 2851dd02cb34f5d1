"""Shared pieces of the corpus figure scripts: the default font and writing the PNG."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageFont

FIGURES = Path(__file__).resolve().parents[2] / "knowledge" / "corpus" / "figures"


def font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """PIL's bundled default font at ``size`` (bitmap fallback on builds without FreeType)."""
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1 has no size argument
        return ImageFont.load_default()


def write(draw: Callable[[], Image.Image], name: str) -> None:
    """Draw and save ``knowledge/corpus/figures/<name>``."""
    out = FIGURES / name
    draw().save(out, format="PNG", optimize=True)
    print(f"wrote {out} ({out.stat().st_size} bytes)")
