"""Draw the cervical level-to-root schematic used by the cervical corpus documents.

Deterministic: fixed geometry, PIL's default font, no randomness. Run from anywhere:

    python scripts/corpus_figures/draw_cervical_roots.py

writes knowledge/corpus/figures/cervical-roots.png: vertebrae C4 to T1 stacked top to bottom,
each disc level labelled with the nerve root that a posterolateral or foraminal lesion at that
level compresses (the C5-C6 -> C6 example highlighted).
"""

from __future__ import annotations

from figure_common import font, write
from PIL import Image, ImageDraw

WIDTH, HEIGHT = 560, 780
INK = (30, 30, 30)
BONE = (236, 228, 210)
DISC = (200, 220, 236)
ACCENT = (190, 40, 40)
GREY = (120, 120, 120)

VERTEBRAE = ("C4", "C5", "C6", "C7", "T1")
# (disc level, root compressed, highlighted)
DISC_ROOTS = (
    ("C4-C5", "C5", False),
    ("C5-C6", "C6", True),
    ("C6-C7", "C7", False),
    ("C7-T1", "C8", False),
)

BODY_LEFT, BODY_RIGHT = 70, 230
TOP = 120
BODY_HEIGHT = 80
GAP = 36
ARROW_END = 330


def text(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    label: str,
    size: int,
    fill: tuple[int, int, int] = INK,
    anchor: str = "mm",
) -> None:
    """Write ``label`` at ``xy`` (centred unless ``anchor`` says otherwise)."""
    draw.text(xy, label, fill=fill, font=font(size), anchor=anchor)


def arrow(
    draw: ImageDraw.ImageDraw, x0: int, x1: int, y: int, colour: tuple[int, int, int]
) -> None:
    """A horizontal arrow from ``x0`` to ``x1`` at height ``y``, head at ``x1``."""
    draw.line([(x0, y), (x1 - 10, y)], fill=colour, width=3)
    draw.polygon([(x1, y), (x1 - 12, y - 7), (x1 - 12, y + 7)], fill=colour)


def draw() -> Image.Image:
    """Render the schematic and return it."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    d = ImageDraw.Draw(image)

    text(d, (WIDTH / 2, 30), "Cervical disc level -> nerve root compressed", 20)
    text(d, (WIDTH / 2, 58), "posterolateral or foraminal lesion; cranial at top", 15)
    text(d, ((BODY_LEFT + BODY_RIGHT) / 2, TOP - 22), "vertebral bodies", 14, GREY)
    text(d, (ARROW_END + 100, TOP - 22), "root affected", 14, GREY)

    step = BODY_HEIGHT + GAP
    for i, name in enumerate(VERTEBRAE):
        y0 = TOP + i * step
        d.rounded_rectangle(
            [BODY_LEFT, y0, BODY_RIGHT, y0 + BODY_HEIGHT],
            radius=10,
            fill=BONE,
            outline=INK,
            width=3,
        )
        text(d, ((BODY_LEFT + BODY_RIGHT) / 2, y0 + BODY_HEIGHT / 2), name, 24)

    for i, (level, root, highlighted) in enumerate(DISC_ROOTS):
        colour = ACCENT if highlighted else INK
        y0 = TOP + i * step + BODY_HEIGHT + 5
        y1 = y0 + GAP - 10
        d.rectangle([BODY_LEFT + 8, y0, BODY_RIGHT - 8, y1], fill=DISC, outline=colour, width=2)
        mid = (y0 + y1) // 2
        text(d, (BODY_LEFT - 8, mid), level, 14, colour, anchor="rm")
        arrow(d, BODY_RIGHT + 6, ARROW_END, mid, colour)
        text(d, (ARROW_END + 12, mid), f"{root} root", 22 if highlighted else 18, colour, "lm")

    foot = TOP + len(VERTEBRAE) * step - GAP + 34
    text(d, (WIDTH / 2, foot), "Cervical roots exit above the vertebra of the same number;", 14)
    text(d, (WIDTH / 2, foot + 22), "C8 exits between C7 and T1. Highlighted: C5-C6 -> C6.", 14)
    text(d, (WIDTH / 2, foot + 50), "Schematic, not to scale", 13, GREY)
    return image


def main() -> None:
    write(draw, "cervical-roots.png")


if __name__ == "__main__":
    main()
