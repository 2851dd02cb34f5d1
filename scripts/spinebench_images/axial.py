"""Axial schematic of a lumbar disc level (anterior up, patient's right on the image left).

The zones follow the disc nomenclature: central between the medial facet edges, subarticular
from there to the medial pedicle edge, foraminal between the pedicle edges, extraforaminal
lateral to the pedicle. The traversing roots lie in the lateral recesses; the exiting root and
its ganglion lie in the foramen under the pedicle above (drawn dashed) and run anterolaterally.
"""

from __future__ import annotations

import math

from .common import Palette, Scene, ellipse

CX = 256.0  # midline
DISC_Y = 150.0  # disc centre
SAC_Y = 232.0
FACET_MEDIAL = 64.0  # x offset of the medial facet edge from the midline
PEDICLE = (86.0, 124.0)  # x offsets of the medial and lateral pedicle edges
#: each zone's span of x offsets from the midline, as the module docstring defines it
ZONE_SPAN = {
    "central": (0.0, FACET_MEDIAL),
    "subarticular": (FACET_MEDIAL, PEDICLE[0]),
    "foraminal": PEDICLE,
    "extraforaminal": (PEDICLE[1], 200.0),
}
#: x offsets from the midline of the fragment centres: each well inside its zone's span
ZONES = {"central": 0.0, "subarticular": 75.0, "foraminal": 104.0, "extraforaminal": 146.0}
ZONE_Y = {"central": 212.0, "subarticular": 208.0, "foraminal": 196.0, "extraforaminal": 168.0}
#: fragment radii (x, y); the subarticular zone is narrow, so its fragment is smaller
FRAGMENT = {
    "central": (34.0, 22.0),
    "subarticular": (14.0, 15.0),
    "foraminal": (20.0, 17.0),
    "extraforaminal": (20.0, 17.0),
}
ROOT_X = 54.0  # traversing roots in the lateral recesses


def _disc_outline(rx: float, ry: float) -> list[complex]:
    pts = []
    for i in range(48):
        a = 2 * math.pi * i / 48
        x, y = rx * math.cos(a), ry * math.sin(a)
        if y > 0:  # posterior margin: shallow central concavity
            y -= 16 * math.exp(-((x / (0.45 * rx)) ** 2)) * math.sin(a)
        pts.append(complex(CX + x, DISC_Y + y))
    return pts


def draw(zone: str, side: str, pal: Palette, mr: bool = False) -> Scene:
    """The disc level with a herniation in ``zone`` on the patient's ``side`` (right/left)."""
    s = -1.0 if side == "right" else 1.0  # patient's right is drawn on the image left
    scene = Scene()
    for k in (-1, 1):  # psoas and paraspinal muscles
        scene.poly(
            ellipse(complex(CX + k * 150, DISC_Y - 10), 40, 48, k * 20), pal.soft, pal.outline, 1
        )
        scene.poly(ellipse(complex(CX + k * 78, 330), 52, 40, k * -10), pal.soft, pal.outline, 1)
    disc = _disc_outline(122, 72)
    scene.poly(disc, pal.disc, pal.outline, 2)
    if mr:
        scene.poly(
            [complex(CX, DISC_Y) + 0.55 * (p - complex(CX, DISC_Y)) for p in disc], pal.nucleus
        )
    scene.poly(ellipse(complex(CX, SAC_Y), 40, 30), pal.sac, pal.outline, 1)
    # posterior arch: lamina with spinous process, facet joints (two processes each side)
    arch = [
        complex(CX + k * x, y)
        for k, x, y in (
            (-1, 70, 262),
            (-1, 60, 290),
            (-1, 14, 312),
            (-1, 8, 378),
            (1, 8, 378),
            (1, 14, 312),
            (1, 60, 290),
            (1, 70, 262),
            (1, 50, 272),
            (1, 0, 282),
            (-1, 50, 272),
        )
    ]
    scene.poly(arch, pal.bone, pal.outline, 2)
    for k in (-1, 1):
        facet = complex(CX + k * (FACET_MEDIAL + 18), 236)  # its medial edge at FACET_MEDIAL
        scene.poly(ellipse(facet, 18, 24, k * -25), pal.bone, pal.outline, 2)
        scene.poly(ellipse(complex(CX + k * 90, 268), 16, 20, k * -25), pal.bone, pal.outline, 2)
        # pedicle of the vertebra above, projected (dashed outline)
        x0, x1, y0, y1 = CX + k * PEDICLE[0], CX + k * PEDICLE[1], 186, 226
        for t in range(0, 40, 8):
            scene.line([complex(x0, y0 + t), complex(x0, min(y0 + t + 4, y1))], pal.outline, 1)
            scene.line([complex(x1, y0 + t), complex(x1, min(y0 + t + 4, y1))], pal.outline, 1)
    # herniated fragment
    hx, hy = CX + s * ZONES[zone], ZONE_Y[zone]
    rx, ry = FRAGMENT[zone]
    scene.poly(ellipse(complex(hx, hy), rx, ry, s * 20), pal.hernia, pal.outline, 1)
    for dx, dy in ((-14, 6), (0, 10), (14, 6), (-20, -4), (20, -4), (-7, -6), (7, -6)):
        scene.poly(ellipse(complex(CX + dx, SAC_Y + dy), 3, 3, steps=10), pal.cord)  # cauda equina
    # roots: traversing (lateral recess), exiting (ganglion in the foramen, then outwards)
    for k in (-1, 1):
        hit = k == s
        squash = 3.5 if hit and zone == "subarticular" else 7
        scene.poly(
            ellipse(complex(CX + k * ROOT_X, 222 + (3 if squash < 7 else 0)), 7, squash),
            pal.cord,
            pal.outline,
            1,
        )
        exit_hit = hit and zone in ("foraminal", "extraforaminal")
        gy = 205 if not (exit_hit and zone == "foraminal") else 210
        scene.poly(
            ellipse(complex(CX + k * 106, gy), 11, 5 if exit_hit and zone == "foraminal" else 8),
            pal.cord,
            pal.outline,
            1,
        )
        nerve = [
            complex(CX + k * 112, 200),
            complex(CX + k * 150, 176),
            complex(CX + k * 186, 160)
            if not (exit_hit and zone == "extraforaminal")
            else complex(CX + k * 176, 150),
            complex(CX + k * 214, 150),
        ]
        scene.line(nerve, pal.cord if mr else 110, 5)
    return scene


def labels(scene: Scene, level: str, pal: Palette, side: str) -> None:
    """Side markers, the level header and a 'pedicle' label on the side without the finding."""
    scene.text(complex(18, 200), "R", pal.ink, 20)
    scene.text(complex(494, 200), "L", pal.ink, 20)
    scene.text(complex(CX, 22), f"Axial, {level} disc level (anterior up)", pal.ink, 16)
    s = 1.0 if side == "right" else -1.0  # opposite side on the image
    scene.text(complex(CX + s * 105, 178), "pedicle", pal.ink, 11)
