"""Draw the Meyerding grading schematic used by the spondylolisthesis corpus document.

Deterministic: fixed geometry, PIL's default font, no randomness. Run from anywhere:

    python scripts/corpus_figures/draw_meyerding.py

writes knowledge/corpus/figures/meyerding-grades.png (lateral view, anterior to the right).
"""

from __future__ import annotations

from figure_common import font, write
from PIL import Image, ImageDraw

WIDTH, HEIGHT = 760, 500
INK = (30, 30, 30)
BONE = (236, 228, 210)
SLIPPED = (214, 226, 240)
QUARTER_FILLS = [(255, 244, 214), (255, 228, 190), (252, 208, 170), (246, 186, 160)]
ACCENT = (190, 40, 40)
GREY = (120, 120, 120)

# S1 superior endplate (caudal vertebra), the reference length divided into quarters.
S1_LEFT, S1_RIGHT, S1_TOP, S1_BOTTOM = 180, 580, 300, 420
ENDPLATE = S1_RIGHT - S1_LEFT
SLIP = 0.35  # example slip: 35 % of the endplate, i.e. Meyerding grade II
L5_HEIGHT = 120
L5_GAP = 6


def centred(draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, size: int) -> None:
    """Write ``text`` centred on ``xy``."""
    draw.text(xy, text, fill=INK, font=font(size), anchor="mm")


def dashed_vertical(draw: ImageDraw.ImageDraw, x: int, y0: int, y1: int) -> None:
    """A grey dashed vertical line from ``y0`` to ``y1``."""
    for y in range(y0, y1, 12):
        draw.line([(x, y), (x, min(y + 6, y1))], fill=GREY, width=2)


def arrow(draw: ImageDraw.ImageDraw, x0: int, x1: int, y: int) -> None:
    """A horizontal double-headed arrow between ``x0`` and ``x1`` at height ``y``."""
    draw.line([(x0, y), (x1, y)], fill=ACCENT, width=3)
    for tip, direction in ((x0, 1), (x1, -1)):
        draw.polygon(
            [(tip, y), (tip + 10 * direction, y - 6), (tip + 10 * direction, y + 6)], fill=ACCENT
        )


def draw() -> Image.Image:
    """Render the schematic and return it."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    d = ImageDraw.Draw(image)

    centred(d, (WIDTH / 2, 28), "Meyerding grading of spondylolisthesis (lateral view)", 20)
    centred(d, (WIDTH / 2, 54), "grade = slip / length of the caudal (S1) superior endplate", 15)

    # Caudal vertebra (S1) with its endplate split into four quarters.
    quarter = ENDPLATE / 4
    for i, fill in enumerate(QUARTER_FILLS):
        x0 = round(S1_LEFT + i * quarter)
        x1 = round(S1_LEFT + (i + 1) * quarter)
        d.rectangle([x0, S1_TOP, x1, S1_BOTTOM], fill=fill)
    d.rectangle([S1_LEFT, S1_TOP, S1_RIGHT, S1_BOTTOM], outline=INK, width=3)
    for i, label in enumerate(("I", "II", "III", "IV")):
        x = S1_LEFT + (i + 0.5) * quarter
        centred(d, (x, S1_TOP + 28), label, 22)
        centred(d, (x, S1_TOP + 56), f"{25 * i}-{25 * (i + 1)}%", 14)
        if i:
            xi = round(S1_LEFT + i * quarter)
            d.line([(xi, S1_TOP - 12), (xi, S1_TOP + 72)], fill=INK, width=1)
    centred(d, ((S1_LEFT + S1_RIGHT) / 2, S1_BOTTOM - 22), "S1 (caudal vertebra)", 16)

    # Cranial vertebra (L5) translated forward by SLIP of the endplate length.
    shift = round(SLIP * ENDPLATE)
    l5_left, l5_right = S1_LEFT + shift, S1_RIGHT + shift
    l5_bottom = S1_TOP - L5_GAP
    l5_top = l5_bottom - L5_HEIGHT
    d.rectangle([l5_left, l5_top, l5_right, l5_bottom], fill=SLIPPED, outline=INK, width=3)
    centred(d, ((l5_left + l5_right) / 2, (l5_top + l5_bottom) / 2), "L5 (slipped forward)", 16)

    # Slip measured from the posterior edge of S1 to the posterior-inferior corner of L5.
    dashed_vertical(d, S1_LEFT, l5_top - 20, S1_TOP)
    dashed_vertical(d, l5_left, l5_top - 20, l5_bottom)
    arrow(d, S1_LEFT, l5_left, l5_top - 14)
    centred(d, ((S1_LEFT + l5_left) / 2, l5_top - 32), f"slip {round(SLIP * 100)}% = grade II", 15)

    centred(d, (S1_LEFT - 70, (S1_TOP + S1_BOTTOM) / 2), "posterior", 15)
    centred(d, (S1_RIGHT + 90, (S1_TOP + S1_BOTTOM) / 2), "anterior ->", 15)
    centred(d, (WIDTH / 2, S1_BOTTOM + 30), "Grade V (spondyloptosis): slip beyond 100%", 15)
    centred(d, (WIDTH / 2, S1_BOTTOM + 54), "Schematic, not to scale", 13)
    return image


def main() -> None:
    write(draw, "meyerding-grades.png")


if __name__ == "__main__":
    main()
