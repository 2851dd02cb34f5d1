"""tools.dicom / tools.dicom_render: real files never crash, synthetic ones render exactly."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pydicom
import pydicom.data
import pytest
from PIL import Image

from tests.dicom_factory import write_image
from tools.dicom import DicomInfo, inspect, load_series, main, plane_of, scan_series
from tools.dicom_read import DicomError, read
from tools.dicom_render import render_png, window_to_uint8

REPO = Path(__file__).resolve().parents[2]
_ROOT = Path(pydicom.data.__file__).parent / "test_files"
PYDICOM_FILES = sorted(
    {p for p in _ROOT.rglob("*") if p.is_file()}
    | {Path(p) for p in pydicom.data.get_testdata_files() if Path(p).is_file()}
)
AXIAL = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
SAGITTAL = [0.0, 1.0, 0.0, 0.0, 0.0, -1.0]


def png_array(data: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(data))
    image.load()
    return np.asarray(image)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tools.dicom", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )


# --- every pydicom test file -------------------------------------------------------------------


@pytest.mark.parametrize("path", PYDICOM_FILES, ids=lambda p: str(p.relative_to(_ROOT)))
def test_every_pydicom_file_inspects_and_renders_or_fails_cleanly(path: Path) -> None:
    try:
        info = inspect(path)
    except DicomError as exc:
        assert "\n" not in str(exc) and str(exc).startswith(path.name)
        return
    assert isinstance(info, DicomInfo)
    assert all("\n" not in w for w in info.warnings)
    if info.pixels_decode:
        try:
            data = render_png(path, max_size=64)
        except DicomError as exc:
            assert "\n" not in str(exc)
            return
        image = Image.open(io.BytesIO(data))
        assert image.format == "PNG" and max(image.size) <= 64
    else:
        assert info.pixel_error


def test_cli_inspect_over_all_pydicom_files_prints_no_traceback() -> None:
    proc = run_cli("inspect", *map(str, PYDICOM_FILES))
    assert "Traceback" not in proc.stderr
    errors = proc.stderr.splitlines()
    assert all(line.startswith("error: ") for line in errors)
    lines = proc.stdout.splitlines()
    assert len(lines) + len(errors) == len(PYDICOM_FILES)
    assert proc.returncode == (2 if errors else 0)
    for line in lines:
        row = json.loads(line)
        assert "series_uid" not in row and "study_uid" not in row


# --- bad input ---------------------------------------------------------------------------------


def _huge(path: Path) -> None:
    write_image(path, np.zeros((2, 2), dtype=np.uint16))
    ds = pydicom.dcmread(path)
    ds.Rows = ds.Columns = 60000
    ds.save_as(path)


BAD_FILES: dict[str, Any] = {
    "empty": lambda p: p.write_bytes(b""),
    "random": lambda p: p.write_bytes(random.Random(7).randbytes(4096)),
    "truncated": lambda p: p.write_bytes(
        Path(pydicom.data.get_testdata_file("CT_small.dcm") or "").read_bytes()[:20000]
    ),
    "text": lambda p: p.write_text("Patient has back pain.\nL4/5 disc bulge.\n" * 20),
    "huge": _huge,
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_files_raise_one_line_error_and_cli_exits_2(kind: str, tmp_path: Path) -> None:
    path = tmp_path / f"{kind}.dcm"
    BAD_FILES[kind](path)
    with pytest.raises(DicomError) as info:
        inspect(path)
    assert "\n" not in str(info.value) and str(info.value).startswith(f"{kind}.dcm: ")
    with pytest.raises(DicomError):
        render_png(path)
    proc = run_cli("inspect", str(path))
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: ")


def test_read_refuses_oversized_and_missing(tmp_path: Path) -> None:
    path = write_image(tmp_path / "a.dcm", np.zeros((4, 4), dtype=np.uint16))
    with pytest.raises(DicomError, match="over the 100-byte limit"):
        read(path, max_bytes=100)
    with pytest.raises(DicomError, match="cannot open"):
        read(tmp_path / "missing.dcm")


def test_inspect_facts(tmp_path: Path) -> None:
    path = write_image(
        tmp_path / "x.dcm",
        np.arange(16, dtype=np.uint16).reshape(4, 4),
        ImageOrientationPatient=SAGITTAL,
        ImagePositionPatient=[12.5, -3.0, 40.0],
        PixelSpacing=[0.5, 0.6],
        SliceThickness=4,
        BodyPartExamined="LSPINE",
        SeriesDescription="SAG T2",
    )
    info = inspect(path)
    assert info.plane == "sagittal" and info.slice_position == pytest.approx(-12.5)  # normal is -x
    assert info.pixel_spacing == [0.5, 0.6] and info.slice_thickness == 4.0
    assert (info.rows, info.columns, info.frames) == (4, 4, 1)
    assert info.pixels_decode and info.pixel_error is None
    assert {"PatientName", "PatientID"} <= set(info.phi_tags_present)
    assert info.transfer_syntax_name == "Explicit VR Little Endian"
    assert "series_uid" not in json.loads(info.public_json())


@pytest.mark.parametrize(
    ("orientation", "plane"),
    [
        (AXIAL, "axial"),
        (SAGITTAL, "sagittal"),
        ([1, 0, 0, 0, 0, -1], "coronal"),
        ([1, 0, 0, 0, 0.94, -0.34], "axial"),  # 20 degrees tilted: still axial
        ([1, 0, 0, 0, 0.707, -0.707], "oblique"),
        ([0, 0, 0, 0, 0, 0], None),
    ],
)
def test_plane_of(orientation: list[float], plane: str | None) -> None:
    assert plane_of(orientation) == plane


# --- rendering ---------------------------------------------------------------------------------

RAMP = np.array([[0, 100, 200, 300]], dtype=np.uint16)


@pytest.mark.parametrize(
    ("attrs", "window", "expected"),
    [
        # rescale -100 then the dataset window 50/100 -> [0, 100]
        ({"RescaleIntercept": -100, "RescaleSlope": 1, "WindowCenter": 50, "WindowWidth": 100},
         None, [0, 0, 255, 255]),
        # explicit window wins over the dataset's
        ({"RescaleIntercept": -100, "RescaleSlope": 1, "WindowCenter": 50, "WindowWidth": 100},
         (50.0, 200.0), [0, 64, 191, 255]),
        # multi-valued window: the first pair is used
        ({"WindowCenter": [150, 0], "WindowWidth": [300, 10]}, None, [0, 85, 170, 255]),
        # slope 2 doubles values before windowing
        ({"RescaleSlope": 2, "RescaleIntercept": 0}, (300.0, 600.0), [0, 85, 170, 255]),
        # MONOCHROME1 is inverted
        ({"PhotometricInterpretation": "MONOCHROME1"}, (150.0, 300.0), [255, 170, 85, 0]),
        # no window at all: percentiles stretch to the full range
        ({}, None, [0, 85, 170, 255]),
    ],
)  # fmt: skip
def test_render_windowing(
    attrs: dict[str, Any], window: tuple[float, float] | None, expected: list[int], tmp_path: Path
) -> None:
    path = write_image(tmp_path / "r.dcm", RAMP, **attrs)
    out = png_array(render_png(path, window=window))
    assert out.shape == (1, 4)
    # the percentile stretch clips 0.5% at each end; allow a small tolerance there only
    tol = 3 if not attrs and window is None else 0
    assert np.abs(out[0].astype(int) - expected).max() <= tol


def test_window_to_uint8_edge_cases() -> None:
    flat = window_to_uint8(np.full((2, 2), 7.0), None)
    assert flat.dtype == np.uint8 and not flat.any()
    assert window_to_uint8(np.array([[0.0, np.nan]]), (0.0, 2.0)).tolist() == [[128, 0]]


def test_render_rgb_multiframe_downscale_and_determinism(tmp_path: Path) -> None:
    rgb = np.zeros((2, 3, 3), dtype=np.uint8)
    rgb[..., 0] = 200
    out = png_array(render_png(write_image(tmp_path / "c.dcm", rgb, color=True)))
    assert out.shape == (2, 3, 3) and (out[..., 0] == 200).all() and not out[..., 1:].any()

    stack = np.stack([np.full((4, 4), v, dtype=np.uint16) for v in (10, 20, 30)])
    mf = write_image(tmp_path / "m.dcm", stack, frames=3)
    assert png_array(render_png(mf, window=(20.0, 20.0)))[0, 0] == 128  # middle frame (20)
    assert png_array(render_png(mf, window=(20.0, 20.0), frame=0))[0, 0] == 0
    with pytest.raises(DicomError, match="out of range"):
        render_png(mf, frame=3)

    big = write_image(tmp_path / "b.dcm", np.arange(5000, dtype=np.uint16).reshape(50, 100))
    data = render_png(big, max_size=32)
    assert Image.open(io.BytesIO(data)).size == (32, 16)
    assert data == render_png(big, max_size=32)


# --- series ------------------------------------------------------------------------------------


def _write_series(root: Path) -> list[float]:
    zs = [-20.0, -10.0, 0.0, 10.0, 20.0]
    shuffled = zs[:]
    random.Random(3).shuffle(shuffled)
    for i, z in enumerate(shuffled):
        write_image(
            root / "ax" / f"f{i}.dcm",
            np.full((4, 4), int(z) + 100, dtype=np.uint16),
            ImageOrientationPatient=AXIAL,
            ImagePositionPatient=[0.0, 0.0, z],
            InstanceNumber=10 - i,  # deliberately unrelated to the position
            SeriesDescription="AX T2 DOE",  # free text naming the patient
        )
    for i in range(3):
        write_image(
            root / "sag" / f"s{i}.dcm",
            np.zeros((4, 4), dtype=np.uint16),
            series_uid="1.2.826.0.1.3680043.8.498.3",
            InstanceNumber=3 - i,
        )
    (root / "notes.txt").write_text("not dicom")
    return zs


def test_series_grouping_and_sorting(tmp_path: Path) -> None:
    zs = _write_series(tmp_path)
    scan = scan_series(tmp_path)
    assert [s.reason for s in scan.skipped] == [
        "not a DICOM file (no DICM preamble and no valid group 0008 element)"
    ]
    by_desc = {s.description: s for s in scan.series}
    ax = by_desc["AX T2 DOE"]
    assert ax.plane == "axial" and list(ax.positions) == zs and len(ax) == 5
    sag = by_desc[None]
    assert sag.instance_numbers == (1, 2, 3)  # no geometry: InstanceNumber order
    assert len(load_series([tmp_path / "ax"])) == 1
    middle = png_array(render_png(ax, window=(100.0, 50.0)))
    assert middle[0, 0] == 128  # the z=0 slice (value 100) is in the middle


def test_cli_series_render_deid(tmp_path: Path) -> None:
    _write_series(tmp_path / "in")
    proc = run_cli("series", str(tmp_path / "in"))
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert sorted(r["n_slices"] for r in rows) == [3, 5]
    assert "1.2.826.0.1.3680043.8.498" not in proc.stdout  # raw UIDs never printed
    assert "DOE" not in proc.stdout and "AX T2 [NAME]" in proc.stdout
    assert proc.stderr.startswith("skipped: ")

    proc = run_cli("inspect", str(tmp_path / "in" / "ax"))
    positions = [json.loads(line)["slice_position"] for line in proc.stdout.splitlines()]
    assert "DOE" not in proc.stdout
    assert proc.returncode == 0 and positions == sorted(positions)

    out = tmp_path / "o" / "x.png"
    assert run_cli("render", str(tmp_path / "in" / "ax"), "--out", str(out)).returncode == 0
    assert Image.open(out).size == (4, 4)

    src = tmp_path / "in" / "ax" / "f0.dcm"
    dst = tmp_path / "deid" / "f0.dcm"
    proc = run_cli("deid", str(src), str(dst))
    assert proc.returncode == 0, proc.stderr
    assert pydicom.dcmread(dst).PatientName == "" and pydicom.dcmread(src).PatientName
    assert [p.name for p in dst.parent.iterdir()] == ["f0.dcm"]  # no temp file left
    proc = run_cli("deid", str(src), str(src))
    assert proc.returncode == 2 and proc.stderr.startswith("error: ")


def test_cli_arguments(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0 and "inspect" in capsys.readouterr().out
    for argv in (["render", "x.dcm"], ["render", "x", "--out", "y", "--window", "1"], []):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
    capsys.readouterr()
    assert main(["render", str(tmp_path / "none.dcm"), "--out", str(tmp_path / "o.png")]) == 2
    assert capsys.readouterr().err.startswith("error: ")
