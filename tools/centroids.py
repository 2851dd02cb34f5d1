"""Vertebral centroids (VerSe JSON or patient points), the level vocabulary, and localization of
a patient-space point along the centroid polyline.

Split out of :mod:`tools.spatial`, which re-exports everything callers need. Canonical levels are
``C1``..``C7``, ``T1``..``T12``, ``L1``..``L5``, ``S1``; the transitional ``T13`` and ``L6`` keep
their geometry but never become levels.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from pydantic import BaseModel, Field

from tools.levels import SEGMENTS, VERTEBRAE

Vec3 = tuple[float, float, float]

CANONICAL_VERTEBRAE = VERTEBRAE
TRANSITIONAL_VERTEBRAE = frozenset({"T13", "L6"})
COCCYX_LABEL = 27

# VerSe integer labels; 26 is the whole sacrum, reported as S1 because that is the level
# clinicians name.
VERSE_LABELS: dict[int, str] = {
    **{n: f"C{n}" for n in range(1, 8)},
    **{n: f"T{n - 7}" for n in range(8, 20)},
    **{n: f"L{n - 19}" for n in range(20, 25)},
    25: "L6",
    26: "S1",
    28: "T13",
}
VERSE_NUMBERS: dict[str, int] = {name: number for number, name in VERSE_LABELS.items()}

# Cranio-caudal rank; the transitional vertebrae sit between their neighbours.
_RANK: dict[str, float] = {name: float(i) for i, name in enumerate(CANONICAL_VERTEBRAE)}
_RANK["T13"] = _RANK["T12"] + 0.5
_RANK["L6"] = _RANK["L5"] + 0.5

AXIS_CODES = "LRAPSI"
# The anatomical axis (x, y, z) each orientation code lies on.
_AXIS_OF = {"L": 0, "R": 0, "P": 1, "A": 1, "S": 2, "I": 2}

# Projection parameter band between two centroids that counts as the disc: discs are roughly a
# third of the centroid-to-centroid distance in the lumbar spine.
DISC_ZONE = (0.3, 0.7)
FAR_FROM_SPINE_MM = 40.0
# Axes farther than this from an anatomical axis cannot be matched by orientation code.
AXIS_MATCH_MAX_DEG = 30.0


class VoxelGrid(Protocol):
    """What voxel-space centroids need of their series (:class:`tools.spatial.SeriesGeometry`)."""

    @property
    def shape(self) -> tuple[int, int, int]: ...

    @property
    def axis_codes(self) -> tuple[str, str, str]: ...

    @property
    def axis_obliquity_deg(self) -> tuple[float, float, float]: ...

    def voxel_to_patient(self, i: float, j: float, k: float) -> Vec3: ...


class SpatialError(ValueError):
    """Bad geometry or labels; the message is one line, fit for a CLI ``error:`` line."""


def level_rank(label: str) -> float:
    """Cranio-caudal rank of a vertebra label (smaller is more cranial)."""
    return _RANK[label]


def adjacent_segment(upper: str, lower: str) -> str | None:
    """Canonical disc level between two vertebrae, or None unless they are canonical neighbours."""
    name = f"{upper}-{lower}"
    return name if name in SEGMENTS else None


@dataclass(frozen=True)
class VertebraCentroid:
    """One labelled vertebra: name, VerSe number, position and whether it is transitional."""

    label: str
    number: int
    position: Vec3
    transitional: bool


def _vec(values: Iterable[float]) -> Vec3:
    x, y, z = (float(v) for v in values)
    return (x, y, z)


def _fail(message: str) -> SpatialError:
    return SpatialError(" ".join(message.split()))


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(f"{what} must be a finite number, got {value!r:.40}")
    return float(value)


def _vertebra(label: str, position: Vec3) -> VertebraCentroid:
    return VertebraCentroid(label, VERSE_NUMBERS[label], position, label in TRANSITIONAL_VERTEBRAE)


@dataclass(frozen=True)
class Centroids:
    """Vertebral centroids, in a labelled volume's voxel coordinates or in patient (LPS) mm.

    ``direction`` is set for voxel coordinates (one orientation code per voxel axis, the
    direction in which that axis increases) and None for patient coordinates.
    """

    vertebrae: tuple[VertebraCentroid, ...]
    direction: tuple[str, str, str] | None
    warnings: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, source: str | Path | Sequence[Any] | Mapping[str, Any]) -> Centroids:
        """Read centroids from a JSON file path or already-parsed JSON.

        Accepted: the VerSe list ``[{"direction": ["P","I","R"]}, {"label": 20, "X": ..,
        "Y": .., "Z": ..}, ...]``; the same as an object ``{"direction": [...], "centroids":
        [...]}``; and patient-space points ``{"L4": [x, y, z], ...}`` (LPS mm).

        Raises:
            SpatialError: unreadable file, malformed JSON or bad entries.
        """
        data: Any = source
        if isinstance(source, str | Path):
            try:
                data = json.loads(Path(source).read_text(encoding="utf-8"))
            except OSError as exc:
                raise _fail(f"cannot read centroid file {source}: {exc.strerror or exc}") from exc
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise _fail(f"centroid file {source} is not valid JSON: {exc}") from exc
        if isinstance(data, Mapping):
            if "direction" not in data:
                return cls._from_patient_mapping(data)
            entries = data.get("centroids", data.get("vertebrae"))
            if not isinstance(entries, list):
                raise _fail("centroid object needs a 'centroids' list next to 'direction'")
            return cls._from_verse(data["direction"], entries)
        if isinstance(data, Sequence) and not isinstance(data, str):
            if not data or not isinstance(data[0], Mapping) or "direction" not in data[0]:
                raise _fail("VerSe centroid list must start with {'direction': [...]}")
            return cls._from_verse(data[0]["direction"], list(data[1:]))
        raise _fail(f"centroid JSON must be a list or an object, got {type(data).__name__}")

    @classmethod
    def from_patient_points(cls, points: Mapping[str, Sequence[float]]) -> Centroids:
        """Centroids already in patient coordinates, e.g. ``{"L4": (x, y, z)}`` (LPS mm)."""
        return cls._from_patient_mapping(points)

    @classmethod
    def _from_patient_mapping(cls, points: Mapping[str, Any]) -> Centroids:
        vertebrae = []
        warnings = []
        for raw, value in points.items():
            label = str(raw).strip().upper()
            if label not in VERSE_NUMBERS:
                raise _fail(f"unknown vertebra {raw!r:.20} (expected C1..C7, T1..T13, L1..L6, S1)")
            if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != 3:
                raise _fail(f"{label} needs three coordinates [x, y, z]")
            xyz = tuple(_number(v, f"{label} coordinate") for v in value)
            vertebrae.append(_vertebra(label, (xyz[0], xyz[1], xyz[2])))
            if label in TRANSITIONAL_VERTEBRAE:
                warnings.append(f"{label} is a transitional vertebra: no canonical level")
        return cls._build(vertebrae, None, warnings)

    @classmethod
    def _from_verse(cls, direction: Any, entries: list[Any]) -> Centroids:
        codes = cls._direction(direction)
        vertebrae: list[VertebraCentroid] = []
        warnings: list[str] = []
        for n, entry in enumerate(entries, start=1):
            if not isinstance(entry, Mapping):
                raise _fail(f"centroid entry {n} is not an object")
            missing = [key for key in ("label", "X", "Y", "Z") if key not in entry]
            if missing:
                raise _fail(f"centroid entry {n} lacks {', '.join(missing)}")
            number = entry["label"]
            if isinstance(number, float) and number.is_integer():
                number = int(number)
            if isinstance(number, bool) or not isinstance(number, int):
                raise _fail(f"centroid entry {n}: label must be an integer, got {number!r:.20}")
            xyz = tuple(_number(entry[key], f"centroid entry {n} {key}") for key in "XYZ")
            if number == COCCYX_LABEL:
                warnings.append("label 27 (coccyx) ignored")
                continue
            if number not in VERSE_LABELS:
                warnings.append(f"unknown VerSe label {number} ignored")
                continue
            label = VERSE_LABELS[number]
            if label in TRANSITIONAL_VERTEBRAE:
                warnings.append(f"{label} is a transitional vertebra: no canonical level")
            vertebrae.append(_vertebra(label, (xyz[0], xyz[1], xyz[2])))
        return cls._build(vertebrae, codes, warnings)

    @staticmethod
    def _direction(direction: Any) -> tuple[str, str, str]:
        if (
            not isinstance(direction, Sequence)
            or isinstance(direction, str)
            or len(direction) != 3
            or not all(isinstance(c, str) and len(c) == 1 and c in AXIS_CODES for c in direction)
        ):
            raise _fail(f"direction must be three codes from {AXIS_CODES}, got {direction!r:.40}")
        if len({_AXIS_OF[c] for c in direction}) != 3:
            raise _fail(f"direction {list(direction)} repeats an anatomical axis")
        return (direction[0], direction[1], direction[2])

    @classmethod
    def _build(
        cls,
        vertebrae: list[VertebraCentroid],
        direction: tuple[str, str, str] | None,
        warnings: list[str],
    ) -> Centroids:
        if not vertebrae:
            raise _fail("no vertebra centroids")
        seen: set[str] = set()
        for v in vertebrae:
            if v.label in seen:
                raise _fail(f"vertebra {v.label} is labelled twice")
            seen.add(v.label)
        ordered = sorted(vertebrae, key=lambda v: level_rank(v.label))
        return cls(tuple(ordered), direction, tuple(warnings))

    def to_patient(self, series: VoxelGrid | None = None) -> list[VertebraCentroid]:
        """Centroids in patient coordinates (LPS mm), ordered cranio-caudally.

        Voxel centroids are matched to ``series`` axis by anatomical axis, flipping an axis whose
        code is opposite (``idx = n - 1 - idx``).

        Raises:
            SpatialError: voxel centroids without a series, series axes too oblique to match,
                or a centroid outside the series volume.
        """
        if self.direction is None:
            return list(self.vertebrae)
        if series is None:
            raise _fail("voxel-space centroids need a series to map into patient coordinates")
        series_codes = series.axis_codes
        worst = max(series.axis_obliquity_deg)
        if worst > AXIS_MATCH_MAX_DEG:
            raise _fail(
                f"series axes {''.join(series_codes)} are {worst:.0f} deg oblique; cannot match "
                f"centroid axes {''.join(self.direction)}"
            )
        shape = series.shape
        # For each centroid axis: the series axis it lies on and whether it runs the other way.
        mapping: list[tuple[int, bool]] = []
        for code in self.direction:
            hits = [b for b, s in enumerate(series_codes) if _AXIS_OF[s] == _AXIS_OF[code]]
            if len(hits) != 1:
                raise _fail(f"cannot match centroid axes to series axes {''.join(series_codes)}")
            mapping.append((hits[0], series_codes[hits[0]] != code))
        out = []
        for v in self.vertebrae:
            ijk = [0.0, 0.0, 0.0]
            for value, (axis, flip) in zip(v.position, mapping, strict=True):
                ijk[axis] = (shape[axis] - 1) - value if flip else value
            # VerSe centroids come from masks of the labelled image itself, so one outside the
            # grid means the file belongs to another series (and a flip would be meaningless).
            if any(not -1 <= x <= n for x, n in zip(ijk, shape, strict=True)):
                voxel = ", ".join(f"{x:.1f}" for x in ijk)
                raise _fail(
                    f"{v.label} centroid lies outside the series volume (voxel {voxel} of "
                    f"{shape}); were the centroids made for another series?"
                )
            position = series.voxel_to_patient(ijk[0], ijk[1], ijk[2])
            out.append(VertebraCentroid(v.label, v.number, position, v.transitional))
        return out


class Localization(BaseModel):
    """Where a patient-space point lies along the labelled spine."""

    point: Vec3 = Field(description="The localized point, patient LPS mm.")
    levels: list[str] = Field(
        description="Canonical levels: [segment] or [vertebra]; empty when none can be named."
    )
    segment: str | None = Field(description="Disc level such as 'L4-L5' when in the disc zone.")
    vertebra: str | None = Field(description="Canonical vertebra when not in a disc zone.")
    nearest_vertebra: str = Field(
        description="Label of the nearer end of the spine piece; may be transitional (L6, T13)."
    )
    between: tuple[str, str] = Field(
        description="Labels (upper, lower) of the centroid-polyline piece the point projects on."
    )
    t: float = Field(
        description="Projection parameter from upper (0) to lower (1); beyond [0, 1] past the ends."
    )
    distance_mm: float = Field(description="Distance from the point to the centroid polyline.")
    warnings: list[str] = Field(default_factory=list, description="Caveats, one line each.")


def patient_centroids(
    centroids: Centroids | Sequence[VertebraCentroid], series: VoxelGrid | None = None
) -> tuple[list[VertebraCentroid], list[str]]:
    """Centroids in patient coordinates, cranio-caudal, with their parsing warnings.

    Raises:
        SpatialError: no centroids, or voxel centroids without a matching series.
    """
    if isinstance(centroids, Centroids):
        return centroids.to_patient(series), list(centroids.warnings)
    if not centroids:
        raise SpatialError("no vertebra centroids")
    return sorted(centroids, key=lambda v: level_rank(v.label)), []


def beyond_labels(what: str, vertebra: str, above: bool) -> str:
    """Warning for a point or slice beyond the end ``vertebra`` of the labelled spine."""
    if above:
        end = "C1" if vertebra == "C1" else f"the highest labelled vertebra ({vertebra})"
        return f"{what} lies above {end}"
    return f"{what} lies below the lowest labelled vertebra ({vertebra})"


def locate_point(
    point: Sequence[float],
    centroids: Centroids | Sequence[VertebraCentroid],
    series: VoxelGrid | None = None,
) -> Localization:
    """Localize a patient-space point (LPS mm) against the centroid polyline.

    Args:
        point: (x, y, z) in patient LPS mm.
        centroids: labelled centroids; voxel-space ``Centroids`` also need ``series``.
        series: the series voxel-space centroids refer to.

    Raises:
        SpatialError: no centroids, or voxel centroids without a matching series.
    """
    verts, warnings = patient_centroids(centroids, series)
    p = np.array(point, dtype=float)
    if p.shape != (3,) or not np.isfinite(p).all():
        raise SpatialError(f"point must be three finite numbers, got {list(point)!r:.60}")
    pos = [np.array(v.position) for v in verts]
    best = (0, 0.0, float(np.linalg.norm(p - pos[0])))
    if len(verts) > 1:
        last = len(verts) - 2
        candidates = []
        for n in range(last + 1):
            ab = pos[n + 1] - pos[n]
            length2 = float(ab @ ab)
            t_raw = float((p - pos[n]) @ ab) / length2 if length2 > 0 else 0.0
            t_clamped = min(max(t_raw, 0.0), 1.0)
            distance = float(np.linalg.norm(p - (pos[n] + t_clamped * ab)))
            # Past the ends the unclamped t says how far beyond the last label the point lies.
            past_end = (n == 0 and t_raw < 0) or (n == last and t_raw > 1)
            candidates.append((distance, n, t_raw if past_end else t_clamped))
        distance, n, t = min(candidates, key=lambda c: c[0])
        best = (n, t, distance)
    n, t, distance = best
    upper, lower = verts[n], verts[min(n + 1, len(verts) - 1)]
    nearest = upper if t < 0.5 else lower
    segment = vertebra = None
    in_disc = DISC_ZONE[0] <= t <= DISC_ZONE[1] and upper is not lower
    transitional_pair = upper.transitional or lower.transitional
    adjacent = adjacent_segment(upper.label, lower.label)
    gap = upper is not lower and not transitional_pair and adjacent is None
    if in_disc and adjacent:
        segment = adjacent
    elif in_disc and transitional_pair:
        warnings.append(
            f"point lies at the {upper.label}/{lower.label} disc next to a transitional "
            "vertebra: no canonical level"
        )
    elif nearest.transitional:
        warnings.append(f"nearest vertebra {nearest.label} is transitional: no canonical level")
    else:
        vertebra = nearest.label
    if gap and 0 < t < 1:
        warnings.append(
            f"no label between {upper.label} and {lower.label}: reporting the nearest vertebra, "
            "no disc level"
        )
    if t < -1e-9:
        warnings.append(beyond_labels("point", upper.label, above=True))
    elif t > 1 + 1e-9:
        warnings.append(beyond_labels("point", lower.label, above=False))
    if distance > FAR_FROM_SPINE_MM:
        warnings.append(f"point is {distance:.0f} mm from the labelled spine")
    return Localization(
        point=_vec(p),
        levels=[segment] if segment else [vertebra] if vertebra else [],
        segment=segment,
        vertebra=vertebra,
        nearest_vertebra=nearest.label,
        between=(upper.label, lower.label),
        t=t,
        distance_mm=distance,
        warnings=warnings,
    )
