"""Coronal (standing PA) schematic of T1-L5 on the sacrum with one structural curve.

Each vertebra's tilt is exact: it falls linearly from +upper_tilt at the upper end vertebra to 0
at the apex and on to -lower_tilt at the lower end vertebra, and tapers to 0 towards T1 and the
sacrum. The end vertebrae are therefore the most tilted ones, the apex is the least tilted and
farthest from the midline, and the Cobb angle between the superior endplate of the upper end
vertebra and the inferior endplate of the lower end vertebra is upper_tilt + lower_tilt.
"""

from __future__ import annotations

from dataclasses import dataclass

from .common import Palette, Scene, direction, ellipse, up_normal

LEVELS = tuple(f"T{i}" for i in range(1, 13)) + tuple(f"L{i}" for i in range(1, 6))


@dataclass(frozen=True)
class Curve:
    upper: str
    apex: str
    lower: str
    cobb: float  # degrees, split equally between the two end vertebrae

    def tilts(self) -> list[float]:
        """Tilt in degrees (clockwise on screen) of each level, T1 first."""
        u, a, low = (LEVELS.index(x) for x in (self.upper, self.apex, self.lower))
        half = self.cobb / 2
        out = []
        for i in range(len(LEVELS)):
            if i < u:
                out.append(half * i / u)
            elif i <= a:
                out.append(half * (a - i) / (a - u))
            elif i <= low:
                out.append(-half * (i - a) / (low - a))
            else:
                out.append(-half * (len(LEVELS) - i) / (len(LEVELS) - low))
        return out


def draw(curve: Curve, pal: Palette) -> Scene:
    """Vertebrae, discs, pedicles, ribs, sacrum and the two Cobb endplate lines."""
    scene = Scene()
    tilts = curve.tilts()
    n = len(LEVELS)
    sizes = [(30 + 20 * i / (n - 1), 15 + 5 * i / (n - 1)) for i in range(n)]
    disc = 5.5
    # stack upwards from the centre of the sacral endplate
    point, previous = 0j, 0.0
    centres: list[complex] = [0j] * n
    for i in reversed(range(n)):
        up = up_normal(direction(tilts[i]))
        point += disc * up_normal(direction((tilts[i] + previous) / 2))
        centres[i] = point + sizes[i][1] / 2 * up
        point = centres[i] + sizes[i][1] / 2 * up
        previous = tilts[i]
    scene.poly(
        [
            complex(-34, 0),
            complex(34, 0),
            complex(24, 40),
            complex(8, 70),
            complex(-8, 70),
            complex(-24, 40),
        ],
        pal.bone,
        pal.outline,
        2,
    )  # sacrum

    def corner(i: int, sx: float, sy: float) -> complex:
        w, h = sizes[i]
        e = direction(tilts[i])
        return centres[i] + e * sx * w / 2 + up_normal(e) * sy * h / 2

    for i in range(n):  # ribs first, under the vertebrae
        if i < 12:
            reach = 62 + 50 * min(i, 6) / 6 - (30 if i >= 10 else 0)
            for k in (-1, 1):
                s = corner(i, k, 0.3)
                scene.line(
                    [
                        s + complex(k * reach * t, -12 * t + 40 * t * t)
                        for t in (j / 8 for j in range(9))
                    ],
                    165,
                    2,
                )
    below = [complex(-34, 0), complex(34, 0)]
    for i in reversed(range(n)):
        scene.poly([corner(i, -1, -1), corner(i, 1, -1), below[1], below[0]], 170, pal.outline, 1)
        scene.poly(
            [corner(i, sx, sy) for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1))],
            pal.bone,
            pal.outline,
            2,
        )
        for k in (-1, 1):
            scene.poly(ellipse(corner(i, 0.62 * k, 0.25), 3.5, 5, tilts[i], 12), 150, pal.outline)
        below = [corner(i, -1, 1), corner(i, 1, 1)]

    for name, sy in ((curve.upper, 1), (curve.lower, -1)):
        i = LEVELS.index(name)
        e = direction(tilts[i])
        mid = (corner(i, -1, sy) + corner(i, 1, sy)) / 2
        scene.line([mid - 115 * e, mid + 115 * e], pal.ink, 2)
    scene.text(corner(0, -1, 0) - 22, "T1", pal.ink, 16)
    return scene
