"""Sagittal schematics: lumbar L1-S1 (or T11-S1) and cervical C2-T1, anterior to the right.

A column is built upwards from its base (S1 or T1): each vertebra sits on the superior endplate
of the one below, across a disc of given posterior height that opens anteriorly by the
segment's lordosis. A slip moves the upper vertebra (and all above it) forwards along the lower
superior endplate by an exact fraction of that endplate; a fracture sets the anterior, middle
and posterior heights of one body exactly. Drawing order is canal, bones, discs, findings, marks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .common import Palette, Scene, direction, ellipse, unit, up_normal

LUMBAR = ("L1", "L2", "L3", "L4", "L5")
THORACOLUMBAR = ("T11", "T12", *LUMBAR)
CERVICAL = ("C2", "C3", "C4", "C5", "C6", "C7")


@dataclass
class Body:
    """One vertebral body: corners (posterior/anterior, inferior/superior) and endplates."""

    name: str
    pi: complex
    ai: complex
    ps: complex
    as_: complex
    dip: float = 0.0  # biconcave depth of each endplate

    @property
    def e(self) -> complex:  # inferior endplate, posterior -> anterior
        return unit(self.ai - self.pi)

    @property
    def e_sup(self) -> complex:
        return unit(self.as_ - self.ps)

    @property
    def width(self) -> float:
        return abs(self.ai - self.pi)

    def local(self, u: float, v: float) -> complex:
        """Point ``u`` px anterior and ``v`` px above the posterior-inferior corner."""
        return self.pi + u * self.e + v * up_normal(self.e)

    def inferior(self, steps: int = 8, end: float = 1.0) -> list[complex]:
        n = up_normal(self.e)
        return [
            self.pi + (self.ai - self.pi) * t + n * self.dip * 4 * t * (1 - t)
            for t in (end * i / steps for i in range(steps + 1))
        ]

    def superior(self, steps: int = 8, start: float = 0.0) -> list[complex]:
        n = up_normal(self.e_sup)
        return [
            self.ps + (self.as_ - self.ps) * t - n * self.dip * 4 * t * (1 - t)
            for t in (start + (1 - start) * i / steps for i in range(steps + 1))
        ]

    def outline(self) -> list[complex]:
        return self.inferior() + self.superior()[::-1]

    def centre(self) -> complex:
        return (self.pi + self.ai + self.ps + self.as_) / 4


def make_body(
    name: str,
    origin: complex,
    e: complex,
    width: float,
    ha: float,
    hp: float,
    hm: float | None = None,
) -> Body:
    """A body standing on ``origin`` (posterior-inferior corner) with its base along ``e``."""
    n = up_normal(e)
    ai = origin + width * e
    dip = 0.0 if hm is None else ((ha + hp) / 2 - hm) / 2
    return Body(name, origin, ai, origin + hp * n, ai + ha * n, dip)


@dataclass
class Spec:
    """What to draw on a sagittal column (all keys are vertebra names or disc 'upper' names)."""

    region: str = "lumbar"  # lumbar | thoracolumbar | cervical
    slips: dict[str, float] = field(default_factory=dict)  # upper vertebra -> slip fraction
    fracture: tuple[str, float, float | None, float] | None = None  # name, ha, hm, hp (px)
    height: float | None = None  # same body height everywhere (px), for measured images
    hernia: str | None = None  # upper vertebra of the herniated disc
    collapsed: str | None = None  # upper vertebra of the collapsed (black) disc
    grey: str | None = None  # upper vertebra of a grey (degenerated, normal height) disc
    mark: str | None = None  # vertebra (arrow at body) or 'disc:<upper>' (arrow at disc)


# name -> (width, height, posterior disc height below, lordosis of the disc below, degrees)
SIZES = {
    "T11": (56, 38, 8, 0),
    "T12": (58, 39, 9, 2),
    "L1": (62, 42, 10, 3),
    "L2": (64, 43, 11, 5),
    "L3": (66, 44, 11, 7),
    "L4": (68, 44, 11, 9),
    "L5": (70, 43, 10, 12),
    "C2": (58, 52, 9, 4),
    "C3": (56, 34, 8, 4),
    "C4": (56, 34, 8, 4),
    "C5": (58, 35, 8, 3),
    "C6": (60, 35, 8, 2),
    "C7": (62, 37, 8, 0),
}


def build(spec: Spec) -> tuple[Body, list[Body]]:
    """The base body (S1 or T1) and the bodies above it, bottom to top."""
    cervical = spec.region == "cervical"
    names = {"lumbar": LUMBAR, "thoracolumbar": THORACOLUMBAR, "cervical": CERVICAL}[spec.region]
    tilt, base_w, base_h = (22.0, 64, 38) if cervical else (32.0, 72, 44)
    base = make_body("T1" if cervical else "S1", 0j, direction(tilt), base_w, base_h, base_h)
    bodies: list[Body] = []
    lower = base
    for name in reversed(names):
        width, height, disc, lordosis = SIZES[name]
        if name == spec.collapsed:
            disc, lordosis = disc * 0.3, lordosis * 0.3
        slip = spec.slips.get(name, 0.0) * lower.width
        origin = lower.ps + slip * lower.e_sup + disc * up_normal(lower.e_sup)
        e = lower.e_sup * direction(-lordosis)
        ha = hp = float(spec.height or height)
        hm: float | None = None
        if spec.fracture and spec.fracture[0] == name:
            ha, hm, hp = spec.fracture[1:]
        body = make_body(name, origin, e, width, ha, hp, hm)
        bodies.append(body)
        lower = body
    return base, bodies


def _posterior(body: Body, canal: float, cervical: bool, top: bool) -> list[complex]:
    """Lamina and spinous process behind ``body`` (local coordinates, u negative is back)."""
    w, h, c = body.width, abs(body.ps - body.pi), canal
    if cervical:
        reach = 1.05 if body.name in ("C7", "T1") else (0.95 if body.name == "C2" else 0.7)
        pts = [
            (-c, 0.95),
            (-c - 0.2 * w, 1.0),
            (-c - reach * w, 0.5),
            (-c - reach * w, 0.25),
            (-c - 0.25 * w, 0.05),
            (-c, 0.1),
        ]
    else:
        pts = [
            (-c, 0.9),
            (-c - 0.3 * w, 1.0),
            (-c - 0.6 * w, 0.85),
            (-c - 0.95 * w, 0.8),
            (-c - w, 0.4),
            (-c - 0.55 * w, 0.3),
            (-c - 0.3 * w, 0.02),
            (-c, 0.12),
        ]
    hh = h if not top or body.name != "C2" else 42
    return [body.local(u, v * hh) for u, v in pts]


def draw(spec: Spec, pal: Palette, mr: bool = False) -> tuple[Scene, Scene]:
    """The anatomy scene and the marks scene (arrow, labels) of one sagittal column."""
    cervical = spec.region == "cervical"
    base, bodies = build(spec)
    canal = (0.42 if cervical else 0.4) * base.width
    gap = 2.0
    anatomy, marks = Scene(), Scene()

    n0 = up_normal(base.e_sup)
    h0 = abs(base.ps - base.pi)

    def at(u: float, v: float) -> complex:  # base frame: from S1/T1 posterior-superior corner
        return base.ps + u * base.e_sup + v * n0

    def band(front: float, back: float) -> list[complex]:
        """Canal contents between ``front`` and ``back`` px behind the posterior walls."""
        top = bodies[-1]
        rise = abs(top.ps - top.pi) + (70 if cervical else 24)
        low = -h0 - 40 if cervical else -1.2 * h0
        fore = [top.local(-front, rise)]
        for b in reversed(bodies):
            fore += [b.ps - front * b.e_sup, b.pi - front * b.e]
        back_pts = [at(-back, low), at(-back, 0)]
        for b in bodies:
            back_pts += [b.local(-back, 0), b.local(-back, abs(b.ps - b.pi))]
        return fore + [at(-front, 0), at(-front, low)] + back_pts + [top.local(-back, rise)]

    # canal: sac (CSF) and, in the neck, the cord
    anatomy.poly(band(gap, canal - gap), pal.sac)
    if cervical:
        anatomy.poly(band(0.3 * canal, 0.72 * canal), pal.cord)

    # base vertebra (S1 with the sacrum, or T1)
    w0 = base.width
    if cervical:
        anatomy.poly([at(0, 0), at(w0, 0), at(w0, -h0), at(0, -h0)], pal.bone, pal.outline, 2)
        lam = [
            (-canal, -0.1),
            (-canal - 0.25 * w0, -0.05),
            (-canal - 1.1 * w0, -0.5),
            (-canal - 1.1 * w0, -0.75),
            (-canal - 0.2 * w0, -0.95),
            (-canal, -0.9),
        ]
    else:
        anatomy.poly(
            [
                at(0, 0),
                at(w0, 0),
                at(0.95 * w0, -h0),
                at(0.78 * w0, -1.6 * h0),
                at(0.5 * w0, -2.0 * h0),
                at(0.1 * w0, -2.1 * h0),
                at(-0.05 * w0, -1.7 * h0),
                at(0, -h0),
            ],
            pal.bone,
            pal.outline,
            2,
        )
        anatomy.line([at(0, -h0), at(0.95 * w0, -h0)], pal.outline, 1)
        lam = [
            (-canal, -0.05),
            (-canal - 0.5 * w0, 0.0),
            (-canal - 0.55 * w0, -0.9),
            (-canal - 0.3 * w0, -1.7),
            (-canal - 0.1 * w0, -1.8),
            (-canal, -1.3),
        ]
    anatomy.poly([at(u, v * h0) for u, v in lam], pal.bone, pal.outline, 2)

    # discs (between each body and the one below), bodies, posterior elements
    lower = base
    for body in bodies:  # a slipped disc only fills the overlap of the two endplates
        moved = min(spec.slips.get(body.name, 0.0), 0.95)
        overlap = min(1.0, lower.width * (1 - moved) / body.width)
        disc = lower.superior(start=moved) + body.inferior(end=overlap)[::-1]
        if body.name == spec.collapsed:
            anatomy.poly(disc, 8 if mr else pal.hernia, pal.outline, 1)
        else:
            anatomy.poly(disc, pal.disc, pal.outline, 1)
            if mr:
                centre = sum(disc) / len(disc)
                core = 130 if body.name == spec.grey else pal.nucleus
                anatomy.poly([centre + 0.62 * (p - centre) for p in disc], core)
        lower = body
    for body in bodies:
        anatomy.poly(body.outline(), pal.bone, pal.outline, 2)
        anatomy.poly(
            _posterior(body, canal, cervical, body is bodies[-1]), pal.bone, pal.outline, 2
        )
    if cervical:  # dens of C2 and the arches of C1
        c2 = bodies[-1]
        h2 = abs(c2.ps - c2.pi)
        anatomy.poly(
            [
                c2.local(0.2 * c2.width, h2 - 2),
                c2.local(0.22 * c2.width, h2 + 30),
                c2.local(0.4 * c2.width, h2 + 40),
                c2.local(0.58 * c2.width, h2 + 30),
                c2.local(0.62 * c2.width, h2 - 2),
            ],
            pal.bone,
            pal.outline,
            2,
        )
        anatomy.poly(ellipse(c2.local(0.85 * c2.width, h2 + 26), 9, 12), pal.bone, pal.outline, 2)
        anatomy.poly(
            ellipse(c2.local(-canal - 0.45 * c2.width, h2 + 22), 16, 9, -15),
            pal.bone,
            pal.outline,
            2,
        )

    if spec.hernia:
        _hernia(anatomy, bodies, base, spec.hernia, canal, pal)
    _marks(marks, spec, base, bodies, pal)
    return anatomy, marks


def _pair(base: Body, bodies: list[Body], upper: str) -> tuple[Body, Body]:
    names = [b.name for b in bodies]
    i = names.index(upper)
    return (bodies[i - 1] if i else base), bodies[i]


def _hernia(
    scene: Scene, bodies: list[Body], base: Body, upper: str, canal: float, pal: Palette
) -> None:
    """A rounded disc fragment bulging from the posterior disc margin into the canal."""
    lower, body = _pair(base, bodies, upper)
    a, b = body.pi, lower.ps
    out = -unit(body.e + lower.e_sup)
    down = unit(b - a)
    half = abs(b - a) / 2 + 9
    centre = (a + b) / 2
    depth = 0.72 * canal
    pts = [a - 6 * out]
    for i in range(13):
        t = -90 + 15 * i
        pts.append(centre + out * depth * direction(t).real + down * half * direction(t).imag)
    pts.append(b - 6 * out)
    scene.poly(pts, pal.hernia, pal.outline, 1)


def _marks(scene: Scene, spec: Spec, base: Body, bodies: list[Body], pal: Palette) -> None:
    label = base if spec.region != "cervical" else bodies[-1]
    scene.text(label.centre(), label.name, pal.ink, 17)
    if not spec.mark:
        return
    if spec.mark.startswith("disc:"):
        lower, body = _pair(base, bodies, spec.mark[5:])
        tip = (body.ai + lower.as_) / 2 + 8 * unit(body.e + lower.e_sup)
    else:
        body = next(b for b in bodies if b.name == spec.mark)
        tip = (body.ai + body.as_) / 2 + 8 * body.e
    scene.arrow(tip, tip + 58 * direction(-8), pal.ink, 4)
