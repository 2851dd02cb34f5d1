"""Spatial localization: map a DICOM slice, or a patient-space point, to a vertebra or disc level.

Patient coordinates are DICOM LPS millimetres (+x Left, +y Posterior, +z Superior). A series is a
voxel grid: i = column, j = row, k = slice index after sorting along the slice normal
(``row_dir x col_dir``), ascending. Vertebral labels come from :mod:`tools.centroids`.

CLI: ``python -m tools.spatial locate --centroids FILE.json (--point X,Y,Z | --series DIR
--slice K)``; one JSON object on stdout, or one ``error:`` line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, Field

from tools.centroids import (
    AXIS_MATCH_MAX_DEG,
    Centroids,
    Localization,
    SpatialError,
    Vec3,
    VertebraCentroid,
    _vec,
    adjacent_segment,
    beyond_labels,
    locate_point,
    patient_centroids,
)

if TYPE_CHECKING:
    from pydicom.dataset import Dataset

__all__ = [
    "Centroids",
    "Localization",
    "SeriesGeometry",
    "SliceGeometry",
    "SliceLocalization",
    "SpatialError",
    "VertebraCentroid",
    "locate_point",
    "locate_slice",
    "main",
]

Plane = Literal["axial", "sagittal", "coronal", "oblique"]
FloatArray = NDArray[np.float64]

# A slice is transverse to the spine when its normal is within this angle of the spine axis.
TRANSVERSE_MAX_DEG = 45.0
# Slab half-width, in units of max(thickness, spacing), for vertebrae "in" a parallel slice.
PARALLEL_SLAB_FACTOR = 1.5
# Tolerances: direction cosines are stored to ~6 decimals, but some writers round harder.
ORTHONORMAL_TOL = 1e-2
PARALLEL_TOL_DEG = 1.0
OBLIQUE_PLANE_DEG = AXIS_MATCH_MAX_DEG


def _floats(ds: Dataset, keyword: str, count: int) -> list[float]:
    value = ds.get(keyword)
    if value is None or value == "":
        raise SpatialError(f"missing {keyword}")
    items = list(value) if isinstance(value, Sequence) and not isinstance(value, str) else [value]
    if len(items) != count:
        raise SpatialError(f"{keyword} needs {count} values, got {len(items)}")
    try:
        floats = [float(v) for v in items]
    except (TypeError, ValueError):
        raise SpatialError(f"{keyword} is not numeric") from None
    if not all(math.isfinite(v) for v in floats):
        raise SpatialError(f"{keyword} is not finite")
    return floats


def _axis_code(v: Sequence[float]) -> tuple[str, float]:
    """LPS orientation code of the dominant component, and the angle (deg) off that axis."""
    a = max(range(3), key=lambda n: abs(v[n]))
    code = "LPS"[a] if v[a] > 0 else "RAI"[a]
    return code, math.degrees(math.acos(min(1.0, abs(v[a]) / math.hypot(*v))))


@dataclass(frozen=True)
class SliceGeometry:
    """One image plane. ``pixel_spacing`` is (row spacing, column spacing), as in DICOM."""

    position: Vec3
    row_dir: Vec3
    col_dir: Vec3
    pixel_spacing: tuple[float, float]
    rows: int
    columns: int
    thickness: float | None = None

    @classmethod
    def from_dataset(cls, ds: Dataset) -> SliceGeometry:
        """Read IPP, IOP, PixelSpacing, Rows, Columns (and SliceThickness) from a dataset.

        Raises:
            SpatialError: a geometry tag is missing, malformed or degenerate.
        """
        position = _floats(ds, "ImagePositionPatient", 3)
        iop = np.array(_floats(ds, "ImageOrientationPatient", 6))
        row_dir, col_dir = iop[:3], iop[3:]
        norms = (float(np.linalg.norm(row_dir)), float(np.linalg.norm(col_dir)))
        if max(abs(n - 1.0) for n in norms) > ORTHONORMAL_TOL or (
            abs(float(row_dir @ col_dir)) > ORTHONORMAL_TOL
        ):
            raise SpatialError(f"ImageOrientationPatient {iop.tolist()} is not orthonormal")
        spacing = _floats(ds, "PixelSpacing", 2)
        if min(spacing) <= 0:
            raise SpatialError(f"PixelSpacing {spacing} must be positive")
        size = []
        for keyword in ("Rows", "Columns"):
            value = ds.get(keyword)
            if not isinstance(value, int) or value <= 0:
                raise SpatialError(f"missing or invalid {keyword}")
            size.append(value)
        try:
            thickness: float | None = float(ds.get("SliceThickness"))
        except (TypeError, ValueError):
            thickness = None
        if thickness is not None and not (math.isfinite(thickness) and thickness > 0):
            thickness = None
        return cls(
            _vec(position),
            _vec(row_dir / norms[0]),
            _vec(col_dir / norms[1]),
            (spacing[0], spacing[1]),
            size[0],
            size[1],
            thickness,
        )

    @property
    def normal(self) -> Vec3:
        """Unit slice normal, ``row_dir x col_dir``."""
        n = np.cross(self.row_dir, self.col_dir)
        return _vec(n / np.linalg.norm(n))

    def pixel_to_patient(self, col: float, row: float) -> Vec3:
        """Patient position (LPS mm) of pixel centre (col, row); fractional indices allowed."""
        row_spacing, col_spacing = self.pixel_spacing
        p = (
            np.array(self.position)
            + col * col_spacing * np.array(self.row_dir)
            + row * row_spacing * np.array(self.col_dir)
        )
        return _vec(p)


def _angle_deg(u: Sequence[float], v: Sequence[float]) -> float:
    cos = float(np.dot(u, v)) / float(np.linalg.norm(u) * np.linalg.norm(v))
    return math.degrees(math.acos(min(1.0, max(-1.0, cos))))


@dataclass(frozen=True)
class SeriesGeometry:
    """Parallel slices sorted along the normal; ``order[k]`` is the input index of slice k."""

    slices: tuple[SliceGeometry, ...]
    order: tuple[int, ...]

    @classmethod
    def from_datasets(cls, datasets: Iterable[Dataset]) -> SeriesGeometry:
        """Build from pydicom datasets (any order). Raises SpatialError on bad geometry."""
        slices = []
        for n, ds in enumerate(datasets):
            try:
                slices.append(SliceGeometry.from_dataset(ds))
            except SpatialError as exc:
                raise SpatialError(f"slice {n}: {exc}") from None
        return cls.from_slices(slices)

    @classmethod
    def from_slices(cls, slices: Sequence[SliceGeometry]) -> SeriesGeometry:
        """Sort slices along the normal and check they form one voxel grid.

        Raises:
            SpatialError: no slices, non-parallel slices, differing grids or duplicate positions.
        """
        if not slices:
            raise SpatialError("no slices")
        first = slices[0]
        for n, s in enumerate(slices[1:], start=1):
            tilt = max(_angle_deg(s.row_dir, first.row_dir), _angle_deg(s.col_dir, first.col_dir))
            if tilt > PARALLEL_TOL_DEG:
                raise SpatialError(f"slice {n} is not parallel to slice 0 ({tilt:.1f} deg)")
            if (s.rows, s.columns) != (first.rows, first.columns) or not np.allclose(
                s.pixel_spacing, first.pixel_spacing, rtol=1e-3
            ):
                raise SpatialError(f"slice {n} has a different matrix or pixel spacing")
        normal = np.array(first.normal)
        offsets = [float(np.dot(s.position, normal)) for s in slices]
        order = sorted(range(len(slices)), key=offsets.__getitem__)
        for a, b in zip(order, order[1:], strict=False):
            if offsets[b] - offsets[a] < 1e-3:
                raise SpatialError(f"slices {a} and {b} share a position (several stacks?)")
        return cls(tuple(slices[i] for i in order), tuple(order))

    @property
    def normal(self) -> Vec3:
        """Unit normal; k increases along it."""
        return self.slices[0].normal

    @cached_property
    def offsets(self) -> tuple[float, ...]:
        """Position of each sorted slice along the normal (mm)."""
        n = np.array(self.normal)
        return tuple(float(np.dot(s.position, n)) for s in self.slices)

    @cached_property
    def slice_spacing(self) -> float:
        """Median distance between consecutive slices along the normal (thickness if one)."""
        if len(self.slices) == 1:
            return self.slices[0].thickness or 1.0
        return float(np.median(np.diff(self.offsets)))

    @property
    def shape(self) -> tuple[int, int, int]:
        """Extent of the voxel axes (i, j, k) = (columns, rows, slices)."""
        return (self.slices[0].columns, self.slices[0].rows, len(self.slices))

    @property
    def axis_directions(self) -> tuple[Vec3, Vec3, Vec3]:
        """Unit patient-space direction in which i, j and k increase."""
        s = self.slices[0]
        return (s.row_dir, s.col_dir, self.normal)

    @property
    def axis_codes(self) -> tuple[str, str, str]:
        """Anatomical code per voxel axis by dominant component, e.g. ('L', 'P', 'S')."""
        a, b, c = (_axis_code(d)[0] for d in self.axis_directions)
        return (a, b, c)

    @property
    def axis_obliquity_deg(self) -> tuple[float, float, float]:
        """Angle of each voxel axis from its nearest anatomical axis."""
        a, b, c = (_axis_code(d)[1] for d in self.axis_directions)
        return (a, b, c)

    @property
    def plane(self) -> Plane:
        """'axial', 'sagittal' or 'coronal' by the normal's dominant axis, else 'oblique'."""
        code, off = _axis_code(self.normal)
        if off > OBLIQUE_PLANE_DEG:
            return "oblique"
        planes: tuple[Plane, Plane, Plane] = ("sagittal", "coronal", "axial")
        return planes["LRPASI".index(code) // 2]

    @cached_property
    def _positions(self) -> FloatArray:
        return np.array([s.position for s in self.slices], dtype=float)

    def _origin(self, k: float) -> FloatArray:
        """Position of pixel (0, 0) at fractional slice k, interpolating between slices."""
        positions = self._positions
        if len(positions) == 1:
            single: FloatArray = positions[0] + k * self.slice_spacing * np.array(self.normal)
            return single
        # Linear between neighbouring slices, so gantry tilt and uneven spacing stay exact.
        k0 = min(max(math.floor(k), 0), len(positions) - 2)
        result: FloatArray = positions[k0] + (k - k0) * (positions[k0 + 1] - positions[k0])
        return result

    def voxel_to_patient(self, i: float, j: float, k: float) -> Vec3:
        """Patient position (LPS mm) of voxel (i=column, j=row, k=sorted slice index)."""
        s = self.slices[0]
        row_spacing, col_spacing = s.pixel_spacing
        p = (
            self._origin(k)
            + i * col_spacing * np.array(s.row_dir)
            + j * row_spacing * np.array(s.col_dir)
        )
        return _vec(p)

    def patient_to_voxel(self, point: Sequence[float]) -> Vec3:
        """Fractional voxel indices (i, j, k) of a patient point; inverse of voxel_to_patient."""
        p = np.array(point, dtype=float)
        d = float(p @ np.array(self.normal))
        offsets = self.offsets
        if len(offsets) == 1:
            k = (d - offsets[0]) / self.slice_spacing
        else:
            k0 = int(np.clip(np.searchsorted(offsets, d) - 1, 0, len(offsets) - 2))
            k = k0 + (d - offsets[k0]) / (offsets[k0 + 1] - offsets[k0])
        s = self.slices[0]
        rel = p - self._origin(k)
        row_spacing, col_spacing = s.pixel_spacing
        return (float(rel @ s.row_dir) / col_spacing, float(rel @ s.col_dir) / row_spacing, k)


class SliceLocalization(BaseModel):
    """The levels one slice of a series shows."""

    slice_index: int = Field(description="k, the slice index after sorting along the normal.")
    plane: Plane = Field(description="Plane of the series by its normal's dominant axis.")
    spine_relation: Literal["transverse", "parallel"] = Field(
        description="'transverse': the slice cuts the spine; 'parallel': it runs along it."
    )
    angle_deg: float = Field(description="Angle between slice normal and local spine direction.")
    point: Vec3 | None = Field(description="Where the spine meets the slice (transverse only).")
    localization: Localization | None = Field(description="Localization of `point`.")
    vertebrae: list[str] = Field(description="Canonical vertebrae shown, cranio-caudal.")
    segments: list[str] = Field(description="Canonical disc levels shown, cranio-caudal.")
    levels: list[str] = Field(description="Vertebrae and segments together, cranio-caudal.")
    warnings: list[str] = Field(default_factory=list, description="Caveats, one line each.")


def _in_view(s: SliceGeometry, point: FloatArray) -> bool:
    rel = point - np.array(s.position)
    row_spacing, col_spacing = s.pixel_spacing
    i = float(rel @ s.row_dir) / col_spacing
    j = float(rel @ s.col_dir) / row_spacing
    return -0.5 <= i <= s.columns - 0.5 and -0.5 <= j <= s.rows - 0.5


def locate_slice(
    series: SeriesGeometry, k: int, centroids: Centroids | Sequence[VertebraCentroid]
) -> SliceLocalization:
    """Levels shown by slice ``k`` of ``series``.

    A slice transverse to the local spine axis is localized where the centroid polyline crosses
    it (or at the polyline end nearest to it, with a warning). A slice running along the spine
    lists the canonical vertebrae whose centroids lie in its field of view and within
    ``PARALLEL_SLAB_FACTOR * max(thickness, spacing)`` of its plane, with the segments between.

    Raises:
        SpatialError: k out of range, fewer than two centroids, or unmappable centroids.
    """
    if not 0 <= k < len(series.slices):
        raise SpatialError(f"slice {k} out of range 0..{len(series.slices) - 1}")
    verts, warnings = patient_centroids(centroids, series)
    if len(verts) < 2:
        raise SpatialError("need at least two labelled vertebrae to localize a slice")
    s = series.slices[k]
    normal = np.array(series.normal)
    pos = np.array([v.position for v in verts])
    d = pos @ normal - series.offsets[k]
    steps = np.diff(pos, axis=0)
    cos = np.abs(steps @ normal) / np.maximum(np.linalg.norm(steps, axis=1), 1e-12)
    centre = np.array(s.pixel_to_patient((s.columns - 1) / 2, (s.rows - 1) / 2))
    crossings = [
        n for n in range(len(verts) - 1) if d[n] * d[n + 1] <= 0 and (d[n] != 0 or d[n + 1] != 0)
    ]

    def crossing(n: int) -> FloatArray:
        f = d[n] / (d[n] - d[n + 1])
        result: FloatArray = pos[n] + f * steps[n]
        return result

    # The piece of spine that decides transverse vs parallel: a crossing nearest the image
    # centre, else the piece next to the centroid nearest the plane.
    nearest_end: int | None = None
    if crossings:
        piece = min(crossings, key=lambda n: float(np.linalg.norm(crossing(n) - centre)))
        transverse = [n for n in crossings if cos[n] >= math.cos(math.radians(TRANSVERSE_MAX_DEG))]
        if transverse:
            piece = min(transverse, key=lambda n: float(np.linalg.norm(crossing(n) - centre)))
        on_spine = crossing(piece) if transverse else None
    else:
        nearest_end = int(np.argmin(np.abs(d)))
        piece = min(nearest_end, len(verts) - 2)
        on_spine = pos[nearest_end]
        if cos[piece] < math.cos(math.radians(TRANSVERSE_MAX_DEG)):
            on_spine = None
    angle = math.degrees(math.acos(min(1.0, float(cos[piece]))))
    common = {"slice_index": k, "plane": series.plane, "angle_deg": angle}

    if on_spine is not None:
        if nearest_end is not None:
            if nearest_end in (0, len(verts) - 1):
                label = verts[nearest_end].label
                warnings.append(beyond_labels("slice", label, above=nearest_end == 0))
            else:
                warnings.append("slice does not cross the labelled spine")
        elif not _in_view(s, on_spine):
            warnings.append("the spine crosses this slice outside its field of view")
        loc = locate_point(_vec(on_spine), verts)
        return SliceLocalization(
            **common,
            spine_relation="transverse",
            point=loc.point,
            localization=loc,
            vertebrae=[loc.vertebra] if loc.vertebra else [],
            segments=[loc.segment] if loc.segment else [],
            levels=loc.levels,
            warnings=warnings + loc.warnings,
        )

    slab = PARALLEL_SLAB_FACTOR * max(s.thickness or 0.0, series.slice_spacing)
    shown = [v for v, dist in zip(verts, d, strict=True) if abs(dist) <= slab]
    shown = [v for v in shown if _in_view(s, np.array(v.position))]
    for v in shown:
        if v.transitional:
            warnings.append(f"{v.label} in view is transitional: no canonical level")
    vertebrae = [v.label for v in shown if not v.transitional]
    segments: list[str] = []
    levels: list[str] = []
    for n, label in enumerate(vertebrae):
        segment = adjacent_segment(vertebrae[n - 1], label) if n else None
        if segment:
            segments.append(segment)
            levels.append(segment)
        levels.append(label)
    return SliceLocalization(
        **common,
        spine_relation="parallel",
        point=None,
        localization=None,
        vertebrae=vertebrae,
        segments=segments,
        levels=levels,
        warnings=warnings,
    )


def load_series(
    folder: Path, series_uid: str | None = None, log: IO[str] | None = None
) -> SeriesGeometry:
    """Build the geometry of one series found under ``folder`` (grouped by :mod:`tools.dicom`).

    Unreadable files are skipped (and counted on ``log``). With several series, ``series_uid``
    picks one; without it the series with most slices is used and ``log`` says so.

    Raises:
        SpatialError: no readable DICOM series, unknown ``series_uid`` or bad geometry.
    """
    from tools.dicom import scan_series

    if not folder.is_dir():
        raise SpatialError(f"{folder} is not a directory")
    scan = scan_series(folder)
    if scan.skipped and log:
        print(f"skipped {len(scan.skipped)} unreadable file(s) under {folder}", file=log)
    if not scan.series:
        raise SpatialError(f"no readable DICOM series under {folder}")
    if series_uid is not None:
        matches = [s for s in scan.series if s.uid == series_uid]
        if not matches:
            raise SpatialError(
                f"series {series_uid} not found ({len(scan.series)} series under {folder})"
            )
        chosen = matches[0]
    else:
        chosen = max(scan.series, key=len)
        if len(scan.series) > 1 and log:
            print(
                f"{len(scan.series)} series found; using {chosen.uid} ({len(chosen)} slices); "
                "pass --series-uid to choose",
                file=log,
            )
    return SeriesGeometry.from_datasets(chosen.headers)


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would print usage and exit; we want one line
        if message.startswith("argument --point") and "expected one argument" in message:
            message += " (write negative coordinates as --point=-10,2,3)"
        raise _UsageError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m tools.spatial", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", metavar="{locate}", required=True)
    locate = sub.add_parser(
        "locate",
        help="map a point or a slice to a vertebra / disc level",
        description="Print the localization as one JSON object on stdout. K counts slices from 0 "
        "along the slice normal (axial: foot to head). VerSe voxel centroids need --series, "
        "also with --point.",
    )
    arg = locate.add_argument
    arg("--centroids", required=True, type=Path, metavar="FILE", help="centroid JSON (VerSe)")
    arg("--point", metavar="X,Y,Z", help="patient LPS mm; negative: --point=-10,2,3")
    arg("--series", type=Path, metavar="DIR", help="folder of DICOM files (searched recursively)")
    arg("--slice", type=int, dest="slice_index", metavar="K", help="slice index along the normal")
    arg("--series-uid", metavar="UID", help="SeriesInstanceUID when DIR holds several series")
    return parser


def _run(args: argparse.Namespace, log: IO[str]) -> BaseModel:
    if (args.point is None) == (args.slice_index is None):
        raise _UsageError("give exactly one of --point or --slice")
    if args.slice_index is not None and args.series is None:
        raise _UsageError("--slice needs --series")
    centroids = Centroids.from_json(args.centroids)
    series = load_series(args.series, args.series_uid, log) if args.series else None
    if args.slice_index is not None:
        assert series is not None
        return locate_slice(series, args.slice_index, centroids)
    try:
        point = [float(v) for v in args.point.split(",")]
    except ValueError:
        raise _UsageError(f"--point must be X,Y,Z numbers, got {args.point!r}") from None
    if len(point) != 3:
        raise _UsageError(f"--point must be X,Y,Z numbers, got {args.point!r}")
    return locate_point(point, centroids, series)


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point; returns 0, or 2 after one ``error:`` line on stderr."""
    try:
        result = _run(_parser().parse_args(argv), sys.stderr)
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 2
    except Exception as exc:  # the CLI contract is one line, never a traceback
        message = " ".join(str(exc).split()) or type(exc).__name__
        if not isinstance(exc, SpatialError | _UsageError | OSError):
            message = f"{type(exc).__name__}: {message}"
        print(f"error: {message}", file=sys.stderr)
        return 2
    print(result.model_dump_json(indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
