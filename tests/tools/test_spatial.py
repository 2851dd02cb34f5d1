"""Spatial localization on synthetic DICOM series and VerSe-style centroids."""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pydicom.dataset import Dataset
from pydicom.uid import CTImageStorage, generate_uid

from tests.dicom_factory import image_dataset
from tools.spatial import (
    Centroids,
    SeriesGeometry,
    SliceGeometry,
    SpatialError,
    VertebraCentroid,
    locate_point,
    locate_slice,
    main,
)

REPO = Path(__file__).resolve().parents[2]
AXIAL = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)
SAGITTAL = (0.0, 1.0, 0.0, 0.0, 0.0, -1.0)
ROWS, COLUMNS = 8, 10
PIXEL_SPACING = (40.0, 32.0)  # (between rows, between columns): unequal to catch a swap
SLICE_MM = 3.0

# A lumbar spine in patient LPS mm: ~30-35 mm apart cranio-caudally, lordotic in y (anterior
# is -y), a little scoliosis in x.
SPINE: dict[str, tuple[float, float, float]] = {
    "T12": (0.0, 12.0, 102.0),
    "L1": (1.0, 6.0, 72.0),
    "L2": (1.5, 0.0, 39.0),
    "L3": (1.0, -5.0, 6.0),
    "L4": (0.0, -7.0, -27.0),
    "L5": (-1.0, -3.0, -60.0),
    "S1": (-1.0, 10.0, -93.0),
}
VERSE_NUMBER = {"T12": 19, "L1": 20, "L2": 21, "L3": 22, "L4": 23, "L5": 24, "S1": 26}
ORDER = list(SPINE)

Voxel = tuple[float, float, float]
Shape = tuple[int, int, int]
# VerSe coordinates (X, Y, Z) from series voxel (i, j, k) for a series whose axes are (L, P, S),
# written out per direction so the tests do not reuse the code under test.
TO_VERSE: dict[tuple[str, str, str], Callable[[Voxel, Shape], Voxel]] = {
    ("P", "I", "R"): lambda v, n: (v[1], n[2] - 1 - v[2], n[0] - 1 - v[0]),
    ("R", "A", "S"): lambda v, n: (n[0] - 1 - v[0], n[1] - 1 - v[1], v[2]),
    ("L", "P", "S"): lambda v, n: v,
}


def _dataset(
    position: Sequence[float],
    orientation: Sequence[float],
    series_uid: str,
    *,
    rows: int = ROWS,
    columns: int = COLUMNS,
    thickness: float = SLICE_MM,
) -> Dataset:
    return image_dataset(
        np.zeros((rows, columns), dtype=np.uint16),
        sop_class=CTImageStorage,
        modality="CT",
        series_uid=series_uid,
        ImagePositionPatient=[round(float(v), 4) for v in position],
        ImageOrientationPatient=[round(float(v), 6) for v in orientation],
        PixelSpacing=list(PIXEL_SPACING),
        SliceThickness=thickness,
    )


def _write(folder: Path, datasets: list[Dataset], seed: int = 0) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    shuffled = list(datasets)
    random.Random(seed).shuffle(shuffled)  # file order must not matter
    for n, ds in enumerate(shuffled):
        ds.save_as(folder / f"IM{n:04d}.dcm", enforce_file_format=True)


def _axial_positions(n: int = 80) -> list[tuple[float, float, float]]:
    return [(-150.0, -160.0, -120.0 + SLICE_MM * k) for k in range(n)]


def _axial_voxel(p: Sequence[float]) -> Voxel:
    return ((p[0] + 150.0) / 32.0, (p[1] + 160.0) / 40.0, (p[2] + 120.0) / SLICE_MM)


def _verse(direction: tuple[str, str, str], voxels: dict[str, Voxel], shape: Shape) -> list[Any]:
    entries: list[Any] = [{"direction": list(direction)}]
    for label, v in voxels.items():
        x, y, z = TO_VERSE[direction](v, shape)
        entries.append({"label": VERSE_NUMBER[label], "X": x, "Y": y, "Z": z})
    return entries


def _oblique(tilt_deg: float) -> tuple[list[float], np.ndarray, np.ndarray]:
    """IOP tilted about x, the origin of slice 0, and the voxel-to-patient matrix."""
    a = math.radians(tilt_deg)
    row, col = np.array([1.0, 0.0, 0.0]), np.array([0.0, math.cos(a), math.sin(a)])
    normal = np.cross(row, col)
    origin = np.array([-150.0, 0.0, 0.0]) - 160.0 * col - 120.0 * normal
    matrix = np.column_stack([PIXEL_SPACING[1] * row, PIXEL_SPACING[0] * col, SLICE_MM * normal])
    return [*row, *col], origin, matrix


@pytest.fixture(scope="module")
def axial_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("axial")
    uid = generate_uid()
    _write(folder, [_dataset(p, AXIAL, uid) for p in _axial_positions()])
    return folder


@pytest.fixture(scope="module")
def axial(axial_dir: Path) -> SeriesGeometry:
    import pydicom

    return SeriesGeometry.from_datasets(pydicom.dcmread(p) for p in sorted(axial_dir.iterdir()))


@pytest.fixture(scope="module")
def axial_centroids(axial: SeriesGeometry) -> Centroids:
    voxels = {label: _axial_voxel(p) for label, p in SPINE.items()}
    return Centroids.from_json(_verse(("P", "I", "R"), voxels, axial.shape))


def _k(z: float) -> int:
    return round((z + 120.0) / SLICE_MM)


def _mid(a: str, b: str) -> tuple[float, float, float]:
    pa, pb = np.array(SPINE[a]), np.array(SPINE[b])
    x, y, z = (pa + pb) / 2
    return (float(x), float(y), float(z))


# --- geometry ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iop", "pixel", "expected"),
    [
        (AXIAL, (0, 0), (10.0, 20.0, 30.0)),
        (AXIAL, (4, 3), (10.0 + 4 * 0.5, 20.0 + 3 * 2.0, 30.0)),
        (SAGITTAL, (4, 3), (10.0, 20.0 + 4 * 0.5, 30.0 - 3 * 2.0)),
    ],
)
def test_pixel_to_patient_uses_row_and_column_spacing(
    iop: Sequence[float], pixel: tuple[int, int], expected: Voxel
) -> None:
    ds = _dataset((10, 20, 30), iop, "1.2.3")
    ds.PixelSpacing = [2.0, 0.5]  # 2 mm between rows, 0.5 mm between columns
    geometry = SliceGeometry.from_dataset(ds)
    assert geometry.pixel_to_patient(*pixel) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("iop", "codes", "plane"),
    [
        (AXIAL, ("L", "P", "S"), "axial"),
        ((-1, 0, 0, 0, 1, 0), ("R", "P", "I"), "axial"),
        (SAGITTAL, ("P", "I", "R"), "sagittal"),
        ((1, 0, 0, 0, 0, -1), ("L", "I", "P"), "coronal"),
        ((1, 0, 0, 0, math.cos(0.26), math.sin(0.26)), ("L", "P", "S"), "axial"),
        ((1, 0, 0, 0, math.cos(0.79), math.sin(0.79)), ("L", "S", "A"), "oblique"),
    ],
)
def test_axis_codes_and_plane(iop: Sequence[float], codes: tuple[str, ...], plane: str) -> None:
    series = SeriesGeometry.from_datasets([_dataset((0, 0, 0), iop, "1.2.3")])
    assert series.axis_codes == codes
    assert series.plane == plane


def test_series_sorts_along_the_normal_and_round_trips(axial: SeriesGeometry) -> None:
    assert axial.shape == (COLUMNS, ROWS, 80)
    assert axial.slice_spacing == pytest.approx(SLICE_MM)
    assert [s.position[2] for s in axial.slices] == sorted(s.position[2] for s in axial.slices)
    assert sorted(axial.order) == list(range(80)) and list(axial.order) != list(range(80))
    assert axial.voxel_to_patient(2, 3, 10) == pytest.approx((-150 + 64, -160 + 120, -90))
    for ijk in [(0.0, 0.0, 0.0), (2.5, 7.25, 41.5), (-1.0, 9.0, 79.0)]:
        assert axial.patient_to_voxel(axial.voxel_to_patient(*ijk)) == pytest.approx(ijk)


def _missing(tag: str) -> Callable[[Dataset], None]:
    return lambda ds: delattr(ds, tag)


def _set(tag: str, value: Any) -> Callable[[Dataset], None]:
    return lambda ds: setattr(ds, tag, value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_missing("ImagePositionPatient"), "missing ImagePositionPatient"),
        (_missing("ImageOrientationPatient"), "missing ImageOrientationPatient"),
        (_missing("PixelSpacing"), "missing PixelSpacing"),
        (_missing("Rows"), "Rows"),
        (_set("ImageOrientationPatient", [1, 0, 0, 0, 1]), "needs 6 values"),
        (_set("ImageOrientationPatient", [1, 0, 0, 0, 1, 0.5]), "not orthonormal"),
        (_set("ImageOrientationPatient", [1, 0, 0, 1, 0, 0]), "not orthonormal"),
        (_set("PixelSpacing", [0, 1]), "must be positive"),
    ],
)
def test_bad_geometry_is_a_one_line_spatial_error(
    change: Callable[[Dataset], None], message: str
) -> None:
    ds = _dataset((0, 0, 0), AXIAL, "1.2.3")
    change(ds)
    with pytest.raises(SpatialError, match=message) as caught:
        SeriesGeometry.from_datasets([ds])
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("second", "message"),
    [
        (_dataset((0, 0, 3), (1, 0, 0, 0, 0.9, 0.43589), "1"), "not parallel"),
        (_dataset((0, 0, 0), AXIAL, "1"), "share a position"),
        (_dataset((0, 0, 3), AXIAL, "1", rows=4), "different matrix"),
    ],
)
def test_slices_must_form_one_grid(second: Dataset, message: str) -> None:
    with pytest.raises(SpatialError, match=message):
        SeriesGeometry.from_datasets([_dataset((0, 0, 0), AXIAL, "1"), second])


# --- centroids --------------------------------------------------------------------------------


@pytest.mark.parametrize("direction", list(TO_VERSE))
def test_centroid_directions_map_to_the_same_patient_points(
    axial: SeriesGeometry, direction: tuple[str, str, str]
) -> None:
    voxels = {label: _axial_voxel(p) for label, p in SPINE.items()}
    centroids = Centroids.from_json(_verse(direction, voxels, axial.shape))
    mapped = centroids.to_patient(axial)
    assert [v.label for v in mapped] == ORDER
    for v in mapped:
        assert v.position == pytest.approx(SPINE[v.label], abs=1e-6)
        assert v.number == VERSE_NUMBER[v.label] and not v.transitional


def test_dict_variant_and_file_path_read_alike(tmp_path: Path, axial: SeriesGeometry) -> None:
    entries = _verse(("P", "I", "R"), {"L4": (1.0, 2.0, 3.0)}, axial.shape)
    path = tmp_path / "ctd.json"
    path.write_text(json.dumps(entries))
    as_dict = Centroids.from_json({"direction": entries[0]["direction"], "centroids": entries[1:]})
    assert Centroids.from_json(path) == as_dict == Centroids.from_json(entries)


def test_labels_outside_the_canonical_set_warn() -> None:
    entries = [{"direction": ["L", "P", "S"]}] + [
        {"label": n, "X": 0.0, "Y": 0.0, "Z": float(n)} for n in (24, 25, 26, 27, 28, 99)
    ]
    centroids = Centroids.from_json(entries)
    assert [v.label for v in centroids.vertebrae] == ["T13", "L5", "L6", "S1"]
    assert [v.transitional for v in centroids.vertebrae] == [True, False, True, False]
    text = " | ".join(centroids.warnings)
    for needle in ("coccyx", "unknown VerSe label 99", "L6 is a transitional", "T13 is a trans"):
        assert needle in text


def _entry(**changes: Any) -> list[Any]:
    entry = {"label": 20, "X": 1.0, "Y": 2.0, "Z": 3.0, **changes}
    return [{"direction": ["P", "I", "R"]}, {k: v for k, v in entry.items() if v is not None}]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (42, "must be a list or an object"),
        ([], "must start with"),
        ([{"label": 20, "X": 1, "Y": 2, "Z": 3}], "must start with"),
        ([{"direction": ["P", "I"]}], "three codes"),
        ([{"direction": ["P", "I", "X"]}], "three codes"),
        ([{"direction": "PIR"}], "three codes"),
        ([{"direction": ["P", "A", "S"]}], "repeats an anatomical axis"),
        ([{"direction": ["P", "I", "R"]}], "no vertebra centroids"),
        (_entry(Z=None), "lacks Z"),
        (_entry(label="L1"), "label must be an integer"),
        (_entry(label=True), "label must be an integer"),
        (_entry(X="abc"), "X must be a finite number"),
        (_entry(Y=float("nan")), "Y must be a finite number"),
        ([{"direction": ["P", "I", "R"]}, 7], "not an object"),
        (_entry() + _entry()[1:], "labelled twice"),
        ({"direction": ["P", "I", "R"]}, "needs a 'centroids' list"),
        ({"Q9": [1, 2, 3]}, "unknown vertebra"),
        ({"L4": [1, 2]}, "three coordinates"),
    ],
)
def test_malformed_centroids_are_one_line_spatial_errors(data: Any, message: str) -> None:
    with pytest.raises(SpatialError, match=message) as caught:
        Centroids.from_json(data)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(("text", "message"), [("{not json", "not valid JSON"), (None, "cannot")])
def test_unreadable_centroid_files(tmp_path: Path, text: str | None, message: str) -> None:
    path = tmp_path / "ctd.json"
    if text is not None:
        path.write_text(text)
    with pytest.raises(SpatialError, match=message):
        Centroids.from_json(path)


def test_voxel_centroids_need_a_series() -> None:
    with pytest.raises(SpatialError, match="need a series"):
        locate_point((0, 0, 0), Centroids.from_json(_entry()))


# --- slices -----------------------------------------------------------------------------------


def test_axial_slices_map_to_vertebrae_and_discs(
    axial: SeriesGeometry, axial_centroids: Centroids
) -> None:
    for label, (_, _, z) in SPINE.items():
        result = locate_slice(axial, _k(z), axial_centroids)
        assert result.levels == [label], label
        assert result.spine_relation == "transverse" and result.plane == "axial"
        assert not result.warnings
    for upper, lower in [("T12", "L1"), ("L4", "L5"), ("L5", "S1")]:
        result = locate_slice(axial, _k(_mid(upper, lower)[2]), axial_centroids)
        assert result.levels == [f"{upper}-{lower}"]
        assert result.localization is not None and result.localization.distance_mm < 1e-6


@pytest.mark.parametrize(
    ("k", "level", "warning"),
    [(79, "T12", "slice lies above the highest labelled vertebra (T12)"), (0, "S1", "below")],
)
def test_slices_beyond_the_labels_warn(
    axial: SeriesGeometry, axial_centroids: Centroids, k: int, level: str, warning: str
) -> None:
    result = locate_slice(axial, k, axial_centroids)
    assert result.levels == [level]
    assert any(warning in w for w in result.warnings)


def test_directions_give_identical_slice_results(
    axial: SeriesGeometry, axial_centroids: Centroids
) -> None:
    voxels = {label: _axial_voxel(p) for label, p in SPINE.items()}
    for direction in [("R", "A", "S"), ("L", "P", "S")]:
        other = Centroids.from_json(_verse(direction, voxels, axial.shape))
        for k in range(0, 80, 3):
            a, b = locate_slice(axial, k, axial_centroids), locate_slice(axial, k, other)
            assert a.levels == b.levels
            assert a.point == pytest.approx(b.point, abs=1e-6)


def test_oblique_axial_series_still_maps(tmp_path: Path) -> None:
    import pydicom

    iop, origin, matrix = _oblique(15.0)
    uid = generate_uid()
    slices = [_dataset(tuple(origin + matrix @ np.array([0, 0, k])), iop, uid) for k in range(80)]
    _write(tmp_path, slices)
    series = SeriesGeometry.from_datasets(pydicom.dcmread(p) for p in tmp_path.iterdir())
    assert series.plane == "axial" and series.axis_codes == ("L", "P", "S")

    def voxel(p: Sequence[float]) -> Voxel:
        i, j, k = np.linalg.solve(matrix, np.array(p) - origin)
        return (float(i), float(j), float(k))

    voxels = {label: voxel(p) for label, p in SPINE.items()}
    centroids = Centroids.from_json(_verse(("P", "I", "R"), voxels, series.shape))
    for v in centroids.to_patient(series):
        assert v.position == pytest.approx(SPINE[v.label], abs=1e-3)
    for label in SPINE:
        assert locate_slice(series, round(voxels[label][2]), centroids).levels == [label]
    for upper, lower in zip(ORDER, ORDER[1:], strict=False):
        k = round(voxel(_mid(upper, lower))[2])
        assert locate_slice(series, k, centroids).levels == [f"{upper}-{lower}"]


def test_too_oblique_series_cannot_match_centroid_axes() -> None:
    iop, origin, _ = _oblique(40.0)
    series = SeriesGeometry.from_datasets([_dataset(tuple(origin), iop, "1.2.3")])
    with pytest.raises(SpatialError, match="oblique"):
        Centroids.from_json(_entry()).to_patient(series)


def _sagittal(top_z: float = 140.0) -> SeriesGeometry:
    # k ascends along the normal (-x): slice k lies at x = 45 - 3k.
    slices = [_dataset((45.0 - SLICE_MM * m, -160.0, top_z), SAGITTAL, "1") for m in range(31)]
    return SeriesGeometry.from_datasets(slices)


def _sagittal_centroids(top_z: float = 140.0) -> Centroids:
    # The sagittal voxel axes are (P, I, R), exactly VerSe's usual direction.
    voxels = {
        label: ((y + 160.0) / 32.0, (top_z - z) / 40.0, (45.0 - x) / SLICE_MM)
        for label, (x, y, z) in SPINE.items()
    }
    entries: list[Any] = [{"direction": ["P", "I", "R"]}]
    for label, (x, y, z) in voxels.items():
        entries.append({"label": VERSE_NUMBER[label], "X": x, "Y": y, "Z": z})
    return Centroids.from_json(entries)


@pytest.mark.parametrize(
    ("top_z", "k", "vertebrae"),
    [(140.0, 15, ORDER), (140.0, 0, []), (140.0, 30, []), (80.0, 15, ORDER[1:])],
)
def test_sagittal_slice_lists_what_is_in_view(top_z: float, k: int, vertebrae: list[str]) -> None:
    series = _sagittal(top_z)
    assert series.plane == "sagittal" and series.axis_codes == ("P", "I", "R")
    result = locate_slice(series, k, _sagittal_centroids(top_z))
    assert result.spine_relation == "parallel" and result.localization is None
    assert result.vertebrae == vertebrae
    segments = [f"{a}-{b}" for a, b in zip(vertebrae, vertebrae[1:], strict=False)]
    assert result.segments == segments
    levels = [x for n, v in enumerate(vertebrae) for x in ([segments[n - 1]] if n else []) + [v]]
    assert result.levels == levels


def test_slice_index_out_of_range(axial: SeriesGeometry, axial_centroids: Centroids) -> None:
    with pytest.raises(SpatialError, match="out of range"):
        locate_slice(axial, 80, axial_centroids)


# --- points -----------------------------------------------------------------------------------

STRAIGHT = {
    "L2": (0, 0, 90),
    "L3": (0, 0, 60),
    "L4": (0, 0, 30),
    "L5": (0, 0, 0),
    "S1": (0, 0, -30),
}


@pytest.mark.parametrize(
    ("spine", "point", "levels", "nearest", "warning"),
    [
        (STRAIGHT, (0, 0, 30), ["L4"], "L4", None),
        (STRAIGHT, (0, 0, 15), ["L4-L5"], "L5", None),
        (STRAIGHT, (0, 0, -15), ["L5-S1"], "S1", None),
        (STRAIGHT, (0, 0, 24), ["L4"], "L4", None),  # t = 0.2
        (STRAIGHT, (0, 0, 6), ["L5"], "L5", None),  # t = 0.8
        (STRAIGHT, (5, 8, 21), ["L4-L5"], "L4", None),  # t = 0.3, off-axis
        (STRAIGHT, (0, 0, 110), ["L2"], "L2", "above the highest labelled vertebra (L2)"),
        (STRAIGHT, (0, 0, -45), ["S1"], "S1", "below the lowest labelled vertebra (S1)"),
        (STRAIGHT, (60, 0, 15), ["L4-L5"], "L5", "point is 60 mm from the labelled spine"),
        ({"T12": (0, 0, 30), "L1": (0, 0, 0)}, (0, 0, 15), ["T12-L1"], "L1", None),
        ({"C7": (0, 0, 30), "T1": (0, 0, 0)}, (0, 0, 15), ["C7-T1"], "T1", None),
        ({"C1": (0, 0, 30), "C2": (0, 0, 0)}, (0, 0, 40), ["C1"], "C1", "lies above C1"),
        ({"L4": (0, 0, 30), "L5": (0, 0, 0), "L6": (0, 0, -30), "S1": (0, 0, -60)}, (0, 0, -30),
         [], "L6", "L6 is transitional"),
        ({"L4": (0, 0, 30), "L5": (0, 0, 0), "L6": (0, 0, -30), "S1": (0, 0, -60)}, (0, 0, -15),
         [], "L6", "next to a transitional vertebra"),
        ({"L4": (0, 0, 30), "L5": (0, 0, 0), "L6": (0, 0, -30), "S1": (0, 0, -60)}, (0, 0, 0),
         ["L5"], "L5", "L6 is a transitional vertebra"),
        ({"L2": (0, 0, 90), "L4": (0, 0, 30), "L5": (0, 0, 0)}, (0, 0, 62), ["L2"], "L2",
         "no label between L2 and L4"),
        ({"L2": (0, 0, 90), "L4": (0, 0, 30), "L5": (0, 0, 0)}, (0, 0, 58), ["L4"], "L4",
         "no label between L2 and L4"),
    ],
)  # fmt: skip
def test_locate_point(
    spine: dict[str, tuple[float, float, float]],
    point: tuple[float, float, float],
    levels: list[str],
    nearest: str,
    warning: str | None,
) -> None:
    result = locate_point(point, Centroids.from_patient_points(spine))
    assert result.levels == levels
    assert result.nearest_vertebra == nearest
    assert "L6" not in result.levels and "L3" not in " ".join(result.levels)
    if warning is None:
        assert result.warnings == []
    else:
        assert any(warning in w for w in result.warnings), result.warnings


def test_locate_point_reports_t_and_distance() -> None:
    result = locate_point((3, 4, 21), Centroids.from_patient_points(STRAIGHT))
    assert result.between == ("L4", "L5")
    assert result.t == pytest.approx(0.3)
    assert result.distance_mm == pytest.approx(5.0)
    assert result.segment == "L4-L5" and result.vertebra is None
    beyond = locate_point((0, 0, -60), Centroids.from_patient_points(STRAIGHT))
    assert beyond.t == pytest.approx(2.0)


def test_locate_point_accepts_plain_centroid_lists() -> None:
    vertebrae = [
        VertebraCentroid("L5", 24, (0.0, 0.0, 0.0), False),
        VertebraCentroid("L4", 23, (0.0, 0.0, 30.0), False),
    ]
    assert locate_point((0, 0, 14), vertebrae).levels == ["L4-L5"]


# --- CLI --------------------------------------------------------------------------------------


def _cli(*args: str | Path | int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tools.spatial", *map(str, args)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_locates_a_slice(tmp_path: Path, axial_dir: Path, axial: SeriesGeometry) -> None:
    folder = tmp_path / "study"
    _write(folder / "main", [_dataset(p, AXIAL, "1.2.3.4") for p in _axial_positions()])
    _write(folder / "scout", [_dataset(p, AXIAL, "1.2.3.5") for p in _axial_positions(3)])
    (folder / "notes.txt").write_text("not DICOM")
    voxels = {label: _axial_voxel(p) for label, p in SPINE.items()}
    ctd = tmp_path / "ctd.json"
    ctd.write_text(json.dumps(_verse(("P", "I", "R"), voxels, axial.shape)))
    k = _k(_mid("L4", "L5")[2])

    done = _cli("locate", "--centroids", ctd, "--series", folder, "--slice", k)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["levels"] == ["L4-L5"]
    assert "skipped 1 unreadable" in done.stderr and "using 1.2.3.4" in done.stderr

    chosen = _cli("locate", "--centroids", ctd, "--series", folder, "--series-uid", "1.2.3.4",
                  "--slice", k)  # fmt: skip
    assert chosen.returncode == 0, chosen.stderr
    assert "series found" not in chosen.stderr
    assert json.loads(chosen.stdout)["levels"] == ["L4-L5"]
    scout = _cli("locate", "--centroids", ctd, "--series", folder, "--series-uid", "1.2.3.5",
                 "--slice", 1)  # fmt: skip
    assert scout.returncode == 2 and "outside the series volume" in scout.stderr
    missing = _cli("locate", "--centroids", ctd, "--series", folder, "--series-uid", "9.9",
                   "--slice", k)  # fmt: skip
    assert missing.returncode == 2 and "series 9.9 not found" in missing.stderr


def test_cli_locates_a_point(tmp_path: Path) -> None:
    ctd = tmp_path / "points.json"
    ctd.write_text(json.dumps(STRAIGHT))
    done = _cli("locate", "--centroids", ctd, "--point=0,0,-15")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["levels"] == ["L5-S1"] and out["between"] == ["L5", "S1"]


@pytest.mark.parametrize(
    "args",
    [
        ("--point=0,0,0",),
        ("--point=0,0",),
        ("--slice", "3"),
        (),
    ],
)
def test_cli_errors_are_one_line(tmp_path: Path, args: tuple[str, ...]) -> None:
    ctd = tmp_path / "ctd.json"
    ctd.write_text('[{"direction": ["P", "I", "R"]}, {"label": 20, "X": 1')
    done = _cli("locate", "--centroids", ctd, *args)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), done.stderr
    assert "Traceback" not in done.stderr


def test_main_help_and_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "locate" in capsys.readouterr().out
    assert main(["frobnicate"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and err.count("\n") == 1
