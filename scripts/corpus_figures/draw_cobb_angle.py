"""Draw the Cobb angle schematic used by the adolescent idiopathic scoliosis corpus documents.

Deterministic: fixed geometry, PIL's default font, no randomness. Run from anywhere:

    python scripts/corpus_figures/draw_cobb_angle.py

writes knowledge/corpus/figures/cobb-angle.png: a coronal (posteroanterior) view of a curved
stack of vertebrae, convex to the right, with the superior endplate of the upper end vertebra
and the inferior endplate of the lower end vertebra extended until they meet; the angle between
the two lines is the Cobb angle.
"""

from __future__ import annotations

import math

from figure_common import font, write
from PIL import Image, ImageDraw

WIDTH, HEIGHT = 600, 800
INK = (30, 30, 30)
BONE = (236, 228, 210)
END_FILL = (214, 226, 240)
ACCENT = (190, 40, 40)
GREY = (120, 120, 120)

# Spine centre line: x(t) = BASE_X + AMPLITUDE * sin(pi * t); t = 0 and t = 1 are the end
# vertebrae, where the tilt is greatest, and t = 0.5 is the apex.
BASE_X = 440
AMPLITUDE = 51
TOP_Y = 215  # centre of the upper end vertebra
STEP = 42  # vertical distance between vertebral centres
IN_CURVE = 8  # intervals between the two end vertebrae (nine vertebrae in the curve)
BOX_W, BOX_H = 88, 32
NEIGHBOUR_TILT = 0.35  # vertebrae beyond the end vertebrae tilt much less


def text(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    label: str,
    size: int,
    anchor: str = "mm",
    fill: tuple[int, int, int] = INK,
) -> None:
    """Write ``label`` at ``xy`` with the given anchor."""
    draw.text(xy, label, fill=fill, font=font(size), anchor=anchor)


def vertebra(t: float) -> tuple[tuple[float, float], float]:
    """Centre and tilt (radians, from the vertical) of the vertebra at curve parameter ``t``.

    Inside the curve (0 <= t <= 1) the vertebrae follow the sine centre line; the one vertebra
    above and below continue along the end vertebra's axis but are much less tilted, so the end
    vertebrae are the most tilted ones.
    """
    length = IN_CURVE * STEP
    if t < 0 or t > 1:
        (ex, ey), end_tilt = vertebra(0.0 if t < 0 else 1.0)
        sign = -1 if t < 0 else 1
        return (ex + sign * STEP * math.tan(end_tilt), ey + sign * STEP), NEIGHBOUR_TILT * end_tilt
    y = TOP_Y + t * length
    x = BASE_X + AMPLITUDE * math.sin(math.pi * t)
    slope = AMPLITUDE * math.pi / length * math.cos(math.pi * t)  # dx/dy of the centre line
    return (x, y), math.atan(slope)


def corners(centre: tuple[float, float], tilt: float) -> list[tuple[float, float]]:
    """Corners of a vertebral body whose long axis follows the centre line."""
    cx, cy = centre
    ax, ay = math.sin(tilt), math.cos(tilt)  # along the spine (downwards)
    ex, ey = math.cos(tilt), -math.sin(tilt)  # along the endplate (to the right)
    hw, hh = BOX_W / 2, BOX_H / 2
    return [
        (cx - ex * hw - ax * hh, cy - ey * hw - ay * hh),
        (cx + ex * hw - ax * hh, cy + ey * hw - ay * hh),
        (cx + ex * hw + ax * hh, cy + ey * hw + ay * hh),
        (cx - ex * hw + ax * hh, cy - ey * hw + ay * hh),
    ]


def endplate(centre: tuple[float, float], tilt: float, upper: bool) -> tuple[tuple, tuple]:
    """Midpoint and direction of the superior (``upper``) or inferior endplate."""
    cx, cy = centre
    sign = -1 if upper else 1
    mid = (cx + sign * math.sin(tilt) * BOX_H / 2, cy + sign * math.cos(tilt) * BOX_H / 2)
    return mid, (math.cos(tilt), -math.sin(tilt))


def intersect(p: tuple, u: tuple, q: tuple, v: tuple) -> tuple[float, float]:
    """Intersection of the lines p + s*u and q + r*v."""
    det = u[0] * -v[1] - u[1] * -v[0]
    dx, dy = q[0] - p[0], q[1] - p[1]
    s = (dx * -v[1] - dy * -v[0]) / det
    return p[0] + s * u[0], p[1] + s * u[1]


def draw() -> Image.Image:
    """Render the schematic and return it."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    d = ImageDraw.Draw(image)

    text(d, (WIDTH / 2, 30), "Cobb angle (coronal view, schematic)", 22)
    text(d, (WIDTH / 2, 58), "angle between the extended end-vertebra endplates", 15)

    params = [i / IN_CURVE for i in range(-1, IN_CURVE + 2)]  # -1/8 and 9/8: the neighbours
    for t in params:
        centre, tilt = vertebra(t)
        is_end = t in (0.0, 1.0)
        d.polygon(corners(centre, tilt), fill=END_FILL if is_end else BONE, outline=INK, width=2)

    (top_c, top_tilt), (bottom_c, bottom_tilt) = vertebra(0.0), vertebra(1.0)
    p, u = endplate(top_c, top_tilt, upper=True)
    q, v = endplate(bottom_c, bottom_tilt, upper=False)
    vertex = intersect(p, u, q, v)

    # Endplate lines, from just beyond the vertebra to their meeting point on the concave side.
    for mid, direction in ((p, u), (q, v)):
        far = (mid[0] + direction[0] * (BOX_W / 2 + 40), mid[1] + direction[1] * (BOX_W / 2 + 40))
        d.line([far, vertex], fill=ACCENT, width=3)

    # Arc and value of the angle at the vertex.
    cobb = round(math.degrees(abs(top_tilt - bottom_tilt)))
    start = math.degrees(math.atan2(p[1] - vertex[1], p[0] - vertex[0]))
    end = math.degrees(math.atan2(q[1] - vertex[1], q[0] - vertex[0]))
    radius = 70
    box = [vertex[0] - radius, vertex[1] - radius, vertex[0] + radius, vertex[1] + radius]
    d.arc(box, start=start, end=end, fill=ACCENT, width=3)
    d.ellipse([vertex[0] - 4, vertex[1] - 4, vertex[0] + 4, vertex[1] + 4], fill=ACCENT)
    text(d, (vertex[0] + radius + 12, vertex[1]), f"Cobb angle = {cobb} deg", 17, "lm", ACCENT)

    # Labels: end vertebrae and apex on the convex side, endplate lines outside the angle.
    for centre, word in ((top_c, "upper"), (bottom_c, "lower")):
        x = centre[0] + BOX_W / 2 + 24
        text(d, (x, centre[1] + 4), f"{word} end", 14, "lm")
        text(d, (x, centre[1] + 21), "vertebra", 14, "lm")
    apex_c, _ = vertebra(0.5)
    text(d, (apex_c[0] + BOX_W / 2 + 8, apex_c[1]), "apex", 14, "lm")
    for mid, direction, y, label in (
        (p, u, TOP_Y - 70, "superior endplate of the upper end vertebra"),
        (q, v, TOP_Y + IN_CURVE * STEP + 70, "inferior endplate of the lower end vertebra"),
    ):
        along = 0.6 * math.dist(mid, vertex)
        target = (mid[0] - direction[0] * along, mid[1] - direction[1] * along)
        text(d, (24, y), label, 13, "lm", GREY)
        d.line([(target[0] - 40, y + (8 if y < target[1] else -8)), target], fill=GREY, width=1)

    text(d, (WIDTH / 2, HEIGHT - 70), "End vertebrae: the most tilted vertebrae at each end", 14)
    text(d, (WIDTH / 2, HEIGHT - 48), "of the curve. Scoliosis: Cobb angle of 10 deg or more.", 14)
    text(d, (WIDTH / 2, HEIGHT - 22), "Schematic, not to scale", 12, fill=GREY)
    return image


def main() -> None:
    write(draw, "cobb-angle.png")


if __name__ == "__main__":
    main()
