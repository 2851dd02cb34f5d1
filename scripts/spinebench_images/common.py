"""Shared pieces: font, grey palettes, complex-number geometry, marks, PNG and DICOM output.

Points are complex numbers ``x + y*1j`` in image pixels (y grows downwards), so a rotation is
a multiplication by ``direction(angle)``. Everything is deterministic; the only randomness is
the seeded ``random.Random`` texture of the DICOM images.
"""

from __future__ import annotations

import importlib
import io
import math
import random
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parents[2]
for _extra in (ROOT, ROOT / "scripts" / "corpus_figures"):
    if str(_extra) not in sys.path:
        sys.path.insert(0, str(_extra))

#: PIL's bundled font, the house style of ``scripts/corpus_figures``.
font = importlib.import_module("figure_common").font

UID_ROOT = "1.2.826.0.1.3680043.8.498"


@dataclass(frozen=True)
class Palette:
    """Grey levels (0-255) of one rendering style."""

    background: int
    bone: int
    outline: int
    disc: int
    nucleus: int
    sac: int
    cord: int
    hernia: int
    soft: int
    ink: int


#: Textbook line drawing: white paper, light bone, grey discs.
PAPER = Palette(
    background=255,
    bone=224,
    outline=35,
    disc=160,
    nucleus=160,
    sac=247,
    cord=205,
    hernia=90,
    soft=240,
    ink=0,
)
#: T2-weighted MR look: dark background, grey marrow, bright nucleus and cerebrospinal fluid.
MR_T2 = Palette(
    background=22,
    bone=108,
    outline=45,
    disc=92,
    nucleus=212,
    sac=236,
    cord=128,
    hernia=14,
    soft=70,
    ink=255,
)


def direction(degrees: float) -> complex:
    """Unit vector turned ``degrees`` clockwise (on screen) from the +x axis."""
    return complex(math.cos(math.radians(degrees)), math.sin(math.radians(degrees)))


def unit(vector: complex) -> complex:
    return vector / abs(vector)


def up_normal(edge: complex) -> complex:
    """The unit normal of ``edge`` that points up the screen when ``edge`` points right."""
    return -1j * unit(edge)


def xy(points: Iterable[complex]) -> list[tuple[float, float]]:
    return [(p.real, p.imag) for p in points]


def bulge(start: complex, end: complex, depth: float, steps: int = 8) -> list[complex]:
    """Points from ``start`` to ``end`` bowed by ``depth`` (positive: to the left of travel)."""
    normal = -1j * unit(end - start)
    return [
        start + (end - start) * t + normal * depth * 4 * t * (1 - t)
        for t in (i / steps for i in range(steps + 1))
    ]


def ellipse(centre: complex, rx: float, ry: float, turn: float = 0.0, steps: int = 28) -> list:
    """A polygon approximating an ellipse, turned ``turn`` degrees."""
    rot = direction(turn)
    return [
        centre + rot * complex(rx * math.cos(a), ry * math.sin(a))
        for a in (2 * math.pi * i / steps for i in range(steps))
    ]


@dataclass
class Scene:
    """Filled shapes and annotations collected in drawing order, then drawn fitted to a canvas."""

    shapes: list[tuple[list[complex], int, int | None, int]] = field(default_factory=list)
    lines: list[tuple[list[complex], int, int]] = field(default_factory=list)
    texts: list[tuple[complex, str, int, int, str]] = field(default_factory=list)

    def poly(
        self, points: Sequence[complex], fill: int, outline: int | None = None, width: int = 1
    ):
        self.shapes.append((list(points), fill, outline, width))

    def line(self, points: Sequence[complex], fill: int, width: int = 2) -> None:
        self.lines.append((list(points), fill, width))

    def arrow(self, tip: complex, tail: complex, fill: int, width: int = 3) -> None:
        """A straight arrow from ``tail`` to ``tip`` with a filled head."""
        way = unit(tip - tail)
        self.line([tail, tip - way * 8], fill, width)
        self.poly([tip, tip - way * 14 + 1j * way * 7, tip - way * 14 - 1j * way * 7], fill)

    def text(self, at: complex, text: str, fill: int, size: int = 15, anchor: str = "mm") -> None:
        self.texts.append((at, text, fill, size, anchor))

    def bounds(self) -> tuple[float, float, float, float]:
        pts = [p for shape in self.shapes for p in shape[0]]
        pts += [p for line in self.lines for p in line[0]]
        return (
            min(p.real for p in pts),
            min(p.imag for p in pts),
            max(p.real for p in pts),
            max(p.imag for p in pts),
        )

    def paint(self, image: Image.Image, offset: complex = 0j) -> Image.Image:
        """Draw everything shifted by ``offset`` onto ``image`` (in place) and return it."""
        draw = ImageDraw.Draw(image)
        for points, fill, outline, width in self.shapes:
            draw.polygon(xy(p + offset for p in points), fill=fill, outline=outline, width=width)
        for points, fill, width in self.lines:
            draw.line(xy(p + offset for p in points), fill=fill, width=width, joint="curve")
        for at, text, fill, size, anchor in self.texts:
            at = at + offset
            draw.text((at.real, at.imag), text, fill=fill, font=font(size), anchor=anchor)
        return image

    def render(self, size: tuple[int, int], background: int, offset: complex = 0j) -> Image.Image:
        """Draw everything shifted by ``offset`` on a new grayscale image."""
        return self.paint(Image.new("L", size, background), offset)

    def fitted(self, size: tuple[int, int], background: int, top: int = 0, bottom: int = 0):
        """Render centred in the canvas between ``top`` and ``size[1] - bottom`` pixels."""
        x0, y0, x1, y1 = self.bounds()
        if x1 - x0 > size[0] or y1 - y0 > size[1] - top - bottom:
            raise ValueError(f"drawing of {x1 - x0:.0f}x{y1 - y0:.0f} px does not fit {size}")
        want = complex(size[0] / 2, top + (size[1] - top - bottom) / 2)
        offset = want - complex((x0 + x1) / 2, (y0 + y1) / 2)
        offset = complex(round(offset.real), round(offset.imag))
        return self.render(size, background, offset), offset


def caption(image: Image.Image, lines: Sequence[str], fill: int, size: int = 14) -> None:
    """Write ``lines`` left-aligned at the bottom of ``image``."""
    draw = ImageDraw.Draw(image)
    y = image.height - 8 - (size + 4) * len(lines)
    for text in lines:
        draw.text((10, y), text, fill=fill, font=font(size))
        y += size + 4


def png_bytes(image: Image.Image) -> bytes:
    """Compact, deterministic 8-bit grayscale PNG."""
    buf = io.BytesIO()
    image.convert("L").save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def mr_look(image: Image.Image) -> Image.Image:
    """Soften a schematic so that it reads as an MR image (edges blurred slightly)."""
    return image.filter(ImageFilter.GaussianBlur(1.2))


def dicom_dataset(image: Image.Image, number: int, description: str, plane: str) -> Any:
    """An MR-like pydicom Dataset (uint16, fixed UIDs, no patient data) holding ``image``."""
    import numpy as np
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, MRImageStorage

    # smooth coil-shading texture from a seeded coarse grid, upsampled
    rng = random.Random(number)
    grid = Image.new("L", (6, 6))
    grid.putdata([rng.randrange(96, 160) for _ in range(36)])
    shade = np.asarray(grid.resize(image.size, Image.Resampling.BICUBIC), dtype=np.int32) - 128
    pixels = np.asarray(image, dtype=np.int32) * 12 + 40 + shade
    pixels = np.clip(pixels, 0, 4095).astype(np.uint16)

    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = MRImageStorage
    ds.file_meta.MediaStorageSOPInstanceUID = f"{UID_ROOT}.{1000 + number}"
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = MRImageStorage
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = f"{UID_ROOT}.100"
    ds.SeriesInstanceUID = f"{UID_ROOT}.{200 + number}"
    ds.Modality = "MR"
    ds.SeriesDescription = description
    ds.ImageComments = f"Synthetic schematic ({plane}), SpineBench mini; not a patient image"
    ds.BodyPartExamined = "SPINE"
    ds.Rows, ds.Columns = pixels.shape
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 12, 11
    ds.PixelRepresentation = 0
    ds.PixelSpacing = [0.6, 0.6]
    ds.WindowCenter = 40 + 12 * 128
    ds.WindowWidth = 12 * 250
    ds.PixelData = pixels.tobytes()
    return ds


def dicom_png(image: Image.Image, number: int, description: str, plane: str) -> bytes:
    """Build the DICOM dataset and render it with the project's ``tools.dicom_render``."""
    from tools.dicom_render import render_png

    rendered = render_png(dicom_dataset(image, number, description, plane), max_size=512)
    return png_bytes(Image.open(io.BytesIO(rendered)))
