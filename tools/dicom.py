"""Reading real-world DICOM safely: one-line errors, header facts, series grouping and a CLI.

Every failure surfaces as :class:`DicomError` with a one-line message naming the file; pydicom's
warnings are captured onto the result instead of printed. Reading one file lives in
:mod:`tools.dicom_read`; rendering in :mod:`tools.dicom_render`; de-identification in
:mod:`tools.dicom_deid`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from pydicom.dataset import Dataset

from tools.dicom_read import (
    DicomError,
    DicomFile,
    Plane,
    Series,
    int_or_none,
    read,
    warning_line,
)
from tools.errors import one_line
from tools.files import atomic_write

__all__ = [
    "DicomInfo",
    "SeriesScan",
    "Skipped",
    "inspect",
    "iter_files",
    "load_series",
    "main",
    "plane_of",
    "scan_series",
    "slice_normal",
    "slice_position",
]

_DICOMDIR_SOP_CLASS = "1.2.840.10008.1.3.10"


# ---------------------------------------------------------------------------------------------
# header facts
# ---------------------------------------------------------------------------------------------


def _find(ds: Dataset, keyword: str) -> Any:
    """Top-level value, else the one in the first functional group (enhanced multi-frame)."""
    value = ds.get(keyword)
    if value is not None and value != "":
        return value
    for groups in ("SharedFunctionalGroupsSequence", "PerFrameFunctionalGroupsSequence"):
        seq = ds.get(groups)
        if not seq:
            continue
        for macro in seq[0]:
            if macro.VR == "SQ" and macro.value and keyword in macro.value[0]:
                return macro.value[0].get(keyword)
    return None


def _floats(value: Any, n: int) -> list[float] | None:
    try:
        out = [float(v) for v in (value if isinstance(value, Iterable) else [value])]
    except (TypeError, ValueError):
        return None
    return out if len(out) == n and all(math.isfinite(v) for v in out) else None


def slice_normal(orientation: Sequence[float]) -> tuple[float, float, float] | None:
    """Unit normal (row x column) of an ImageOrientationPatient, or None if degenerate."""
    r, c = orientation[:3], orientation[3:6]
    n = (r[1] * c[2] - r[2] * c[1], r[2] * c[0] - r[0] * c[2], r[0] * c[1] - r[1] * c[0])
    norm = math.sqrt(sum(v * v for v in n))
    return None if norm < 1e-6 else (n[0] / norm, n[1] / norm, n[2] / norm)


def plane_of(orientation: Sequence[float]) -> Plane | None:
    """'axial' | 'sagittal' | 'coronal' within ~35 degrees of the normal, else 'oblique'."""
    n = slice_normal(orientation)
    if n is None:
        return None
    axis = max(range(3), key=lambda i: abs(n[i]))
    if abs(n[axis]) < 0.82:
        return "oblique"
    planes: tuple[Plane, Plane, Plane] = ("sagittal", "coronal", "axial")
    return planes[axis]


def slice_position(orientation: Sequence[float], position: Sequence[float]) -> float | None:
    """Position of a slice along its normal (mm), for sorting."""
    n = slice_normal(orientation)
    return None if n is None else sum(a * b for a, b in zip(n, position, strict=False))


class DicomInfo(BaseModel):
    """What an agent needs to know about one DICOM file (raw UIDs are for in-process use)."""

    path: str = Field(description="File path as given")
    sop_class: str | None = Field(None, description="SOP Class name, e.g. 'MR Image Storage'")
    modality: str | None = Field(None, description="Modality (CT, MR, CR ...)")
    body_part: str | None = Field(None, description="BodyPartExamined")
    series_description: str | None = Field(None, description="SeriesDescription")
    series_number: int | None = Field(None, description="SeriesNumber")
    instance_number: int | None = Field(None, description="InstanceNumber")
    series_uid: str | None = Field(None, description="SeriesInstanceUID (raw; never printed)")
    study_uid: str | None = Field(None, description="StudyInstanceUID (raw; never printed)")
    orientation: list[float] | None = Field(None, description="ImageOrientationPatient (6)")
    plane: Plane | None = Field(None, description="Plane from the slice normal")
    pixel_spacing: list[float] | None = Field(None, description="PixelSpacing row, column (mm)")
    slice_thickness: float | None = Field(None, description="SliceThickness (mm)")
    image_position: list[float] | None = Field(None, description="ImagePositionPatient (mm)")
    slice_position: float | None = Field(None, description="Position along the normal (mm)")
    rows: int | None = Field(None, description="Rows")
    columns: int | None = Field(None, description="Columns")
    frames: int = Field(1, description="NumberOfFrames (1 if absent)")
    samples_per_pixel: int | None = Field(None, description="SamplesPerPixel")
    photometric_interpretation: str | None = Field(None, description="e.g. MONOCHROME2, RGB")
    bits_allocated: int | None = Field(None, description="BitsAllocated")
    transfer_syntax: str | None = Field(None, description="Transfer Syntax UID")
    transfer_syntax_name: str | None = Field(None, description="Transfer Syntax name")
    pixels_decode: bool = Field(False, description="Whether the pixel data actually decoded")
    pixel_error: str | None = Field(None, description="Why pixels did not decode")
    phi_tags_present: list[str] = Field(
        default_factory=list, description="De-identification profile elements with a value"
    )
    private_tags_present: bool = Field(False, description="Whether private tags exist")
    burned_in_annotation: str | None = Field(None, description="BurnedInAnnotation (YES/NO)")
    warnings: list[str] = Field(default_factory=list, description="Reader warnings, one line each")

    def public_json(self) -> str:
        """One-line JSON without the raw UIDs (identifiers stay in-process)."""
        return self.model_dump_json(exclude={"series_uid", "study_uid"})


def _str(value: Any) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def _pixel_status(ds: Dataset, path: Path) -> tuple[bool, str | None]:
    """Whether the pixels decode (the frame a render would show), and why not."""
    from tools.dicom_render import frame_pixels

    try:
        frame_pixels(ds, path=str(path))
    except DicomError as exc:
        return False, exc.reason
    return True, None


def inspect(path: str | os.PathLike[str] | DicomFile) -> DicomInfo:
    """Header facts and a real pixel-decode attempt for one file.

    Raises:
        DicomError: the file cannot be read (see :func:`read`).
    """
    from tools.dicom_deid import phi_elements_present

    f = path if isinstance(path, DicomFile) else read(path)
    ds, notes = f.dataset, list(f.warnings)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            info = _facts(f.path, ds)
            info.pixels_decode, info.pixel_error = _pixel_status(ds, f.path)
            info.phi_tags_present, info.private_tags_present = phi_elements_present(ds)
        except Exception as exc:
            raise DicomError(f.path, f"cannot interpret header: {one_line(exc)}") from None
    notes.extend(warning_line(w.message) for w in caught)
    info.warnings = list(dict.fromkeys(notes))
    return info


def _facts(path: Path, ds: Dataset) -> DicomInfo:
    meta = getattr(ds, "file_meta", None)
    ts = meta.get("TransferSyntaxUID") if meta is not None else None
    sop = ds.get("SOPClassUID")
    orientation = _floats(_find(ds, "ImageOrientationPatient"), 6)
    position = _floats(_find(ds, "ImagePositionPatient"), 3)
    thickness = _floats(_find(ds, "SliceThickness"), 1)
    return DicomInfo(
        path=str(path),
        sop_class=_str(getattr(sop, "name", sop)),
        modality=_str(ds.get("Modality")),
        body_part=_str(ds.get("BodyPartExamined")),
        series_description=_str(ds.get("SeriesDescription")),
        series_number=int_or_none(ds.get("SeriesNumber")),
        instance_number=int_or_none(ds.get("InstanceNumber")),
        series_uid=_str(ds.get("SeriesInstanceUID")),
        study_uid=_str(ds.get("StudyInstanceUID")),
        orientation=orientation,
        plane=plane_of(orientation) if orientation else None,
        pixel_spacing=_floats(_find(ds, "PixelSpacing"), 2),
        slice_thickness=thickness[0] if thickness else None,
        image_position=position,
        slice_position=slice_position(orientation, position) if orientation and position else None,
        rows=int_or_none(ds.get("Rows")),
        columns=int_or_none(ds.get("Columns")),
        frames=int_or_none(ds.get("NumberOfFrames")) or 1,
        samples_per_pixel=int_or_none(ds.get("SamplesPerPixel")),
        photometric_interpretation=_str(ds.get("PhotometricInterpretation")),
        bits_allocated=int_or_none(ds.get("BitsAllocated")),
        transfer_syntax=_str(ts),
        transfer_syntax_name=_str(getattr(ts, "name", None)) if ts else None,
        burned_in_annotation=_str(ds.get("BurnedInAnnotation")),
    )


# ---------------------------------------------------------------------------------------------
# series
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Skipped:
    """A file that was not part of any series, and why."""

    path: Path
    reason: str


@dataclass(frozen=True)
class SeriesScan:
    """Series found under some paths, plus the files skipped on the way."""

    series: list[Series]
    skipped: list[Skipped]


def iter_files(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files named or found (recursively, sorted) under the given paths."""
    items = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    out: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.is_file()))
        else:
            out.append(p)
    return out


def scan_series(
    paths_or_dir: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
) -> SeriesScan:
    """Read every file, group by SeriesInstanceUID and sort slices along the slice normal.

    Files lacking a SeriesInstanceUID are grouped by (folder, StudyInstanceUID, SeriesNumber,
    Modality). Slices sort by position along the normal when every slice has geometry, else by
    InstanceNumber, then path. Non-DICOM files and DICOMDIR indexes are skipped with a reason.
    """
    groups: dict[str, list[tuple[DicomInfo, Dataset]]] = {}
    skipped: list[Skipped] = []
    for p in iter_files(paths_or_dir):
        try:
            f = read(p)
            ds = f.dataset
            if str(ds.get("SOPClassUID", "")) == _DICOMDIR_SOP_CLASS:
                skipped.append(Skipped(p, "DICOMDIR index, not an image"))
                continue
            info = _facts(p, ds)
        except DicomError as exc:
            skipped.append(Skipped(p, exc.reason))
            continue
        except Exception as exc:
            skipped.append(Skipped(p, f"cannot interpret header: {one_line(exc)}"))
            continue
        key = info.series_uid or "|".join(
            [
                "no-uid",
                str(p.parent),
                info.study_uid or "",
                str(info.series_number),
                info.modality or "",
            ]
        )
        groups.setdefault(key, []).append((info, ds))
    return SeriesScan(series=[_build(k, v) for k, v in groups.items()], skipped=skipped)


def _build(key: str, members: list[tuple[DicomInfo, Dataset]]) -> Series:
    first = next((i for i, _ in members if i.orientation), members[0][0])
    positions: list[float | None] = []
    for info, _ in members:
        if first.orientation and info.image_position:
            positions.append(slice_position(first.orientation, info.image_position))
        else:
            positions.append(None)
    order = list(range(len(members)))
    big = float("inf")
    if all(p is not None for p in positions):
        order.sort(
            key=lambda i: (positions[i], members[i][0].instance_number or 0, members[i][0].path)
        )
    else:
        order.sort(key=lambda i: (members[i][0].instance_number or big, members[i][0].path))
    return Series(
        key=key,
        uid=first.series_uid,
        description=first.series_description,
        modality=first.modality,
        plane=first.plane,
        paths=tuple(Path(members[i][0].path) for i in order),
        positions=tuple(positions[i] for i in order),
        instance_numbers=tuple(members[i][0].instance_number for i in order),
        headers=tuple(_header(members[i][1]) for i in order),
    )


def _header(ds: Dataset) -> Dataset:
    """``ds`` without its pixel data: a series keeps geometry and tags, not megabytes of pixels."""
    for keyword in ("PixelData", "FloatPixelData", "DoubleFloatPixelData"):
        if keyword in ds:
            del ds[keyword]
    return ds


def load_series(
    paths_or_dir: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
) -> list[Series]:
    """The series under ``paths_or_dir`` (see :func:`scan_series`; skipped files dropped)."""
    return scan_series(paths_or_dir).series


# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------


def _window_arg(text: str) -> tuple[float, float]:
    try:
        center, width = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError("expected CENTER,WIDTH, e.g. 40,400") from None
    if not width > 0:
        raise argparse.ArgumentTypeError("window width must be > 0")
    return center, width


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.dicom", description="Inspect, group, render and de-identify DICOM."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("inspect", help="one JSON line per file (directories in series order)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p = sub.add_parser("series", help="one JSON line per series found under DIR")
    p.add_argument("directory", metavar="DIR")
    p = sub.add_parser("render", help="write a windowed 8-bit PNG of a file or series")
    p.add_argument("path", metavar="PATH")
    p.add_argument("--out", required=True, metavar="FILE.png")
    p.add_argument("--frame", type=int, default=None, metavar="N")
    p.add_argument("--window", type=_window_arg, default=None, metavar="C,W")
    p.add_argument("--max-size", type=int, default=512, metavar="N")
    p = sub.add_parser("deid", help="write a de-identified copy of a file (or a directory)")
    p.add_argument("src", metavar="IN")
    p.add_argument("dst", metavar="OUT")
    p.add_argument("--keep-descriptions", action="store_true", help="keep scrubbed descriptions")
    return parser


def _err(message: str) -> None:
    print(f"error: {' '.join(message.split())}", file=sys.stderr)


def _cmd_inspect(paths: list[str]) -> int:
    from tools.dicom_deid import scrub_description

    failed = False
    for raw in paths:
        targets: list[Path | Skipped]
        if Path(raw).is_dir():
            scan = scan_series(raw)
            targets = [p for s in scan.series for p in s.paths]
            targets += scan.skipped
        else:
            targets = [Path(raw)]
        for target in targets:
            if isinstance(target, Skipped):
                target = target.path  # e.g. a DICOMDIR: not in a series but still inspectable
            try:
                f = read(target)
                info = inspect(f)
                if info.series_description:  # free text: may name the patient
                    info.series_description = scrub_description(info.series_description, f.dataset)
                print(info.public_json(), flush=True)
            except DicomError as exc:
                failed = True
                _err(f"{target}: {exc.reason}")
    return 2 if failed else 0


def _cmd_series(directory: str) -> int:
    from tools.dicom_deid import UidMap, scrub_description

    if not Path(directory).is_dir():
        _err(f"{directory}: not a directory")
        return 2
    scan = scan_series(directory)
    uids = UidMap()
    for s in scan.series:
        known = [p for p in s.positions if p is not None]
        row = {
            "series": uids(s.uid) if s.uid else None,
            "description": scrub_description(s.description, s.headers[len(s) // 2])
            if s.description
            else None,
            "modality": s.modality,
            "plane": s.plane,
            "n_slices": len(s),
            "first_position": known[0] if known else None,
            "last_position": known[-1] if known else None,
        }
        print(json.dumps(row, ensure_ascii=False), flush=True)
    for skip in scan.skipped:
        print(f"skipped: {skip.path}: {skip.reason}", file=sys.stderr)
    if not scan.series:
        _err(f"{directory}: no DICOM series found")
        return 2
    return 0


def _cmd_render(args: argparse.Namespace) -> int:
    from tools.dicom_render import render_png

    src: Path | Series = Path(args.path)
    if Path(args.path).is_dir():
        found = load_series(args.path)
        if not found:
            raise DicomError(args.path, "no DICOM series found")
        src = max(found, key=len)
    data = render_png(src, frame=args.frame, window=args.window, max_size=args.max_size)
    atomic_write(Path(args.out), data)
    return 0


def _deid_bytes(f: DicomFile, uids: Any, keep: bool) -> tuple[bytes, list[str]]:
    from io import BytesIO

    from pydicom import dcmwrite

    from tools.dicom_deid import deidentify

    result = deidentify(f.dataset, uids=uids, keep_descriptions=keep)
    buf = BytesIO()
    try:
        dcmwrite(buf, result.dataset, enforce_file_format=True)
    except Exception:  # no usable file meta to build: write the dataset as it was stored
        buf = BytesIO()
        dcmwrite(buf, result.dataset, enforce_file_format=False)
    return buf.getvalue(), result.warnings


def _cmd_deid(src: str, dst: str, keep: bool) -> int:
    from tools.dicom_deid import UidMap

    s, d = Path(src), Path(dst)
    if d.is_dir() and not s.is_dir():
        d = d / s.name
    if d.exists() and s.exists() and d.resolve() == s.resolve():
        _err(f"{dst}: refusing to overwrite the input")
        return 2
    uids = UidMap()  # one map per run: a whole directory stays internally consistent
    pairs = [(s, d)] if not s.is_dir() else [(p, d / p.relative_to(s)) for p in iter_files(s)]
    failed = False
    for a, b in pairs:
        try:
            data, notes = _deid_bytes(read(a), uids, keep)
            atomic_write(b, data)
        except DicomError as exc:
            failed = True
            _err(f"{a}: {exc.reason}")
            continue
        except Exception as exc:
            failed = True
            _err(f"{a}: cannot de-identify: {one_line(exc)}")
            continue
        for note in notes:
            print(f"warning: {a}: {note}", file=sys.stderr)
    return 2 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit status (0 ok, 2 a file or argument failed)."""
    args = _parser().parse_args(argv)
    try:
        with warnings.catch_warnings():
            # stderr carries only `error:`/`warning:` lines; reader warnings live in the JSON
            warnings.simplefilter("ignore")
            if args.command == "inspect":
                return _cmd_inspect(args.paths)
            if args.command == "series":
                return _cmd_series(args.directory)
            if args.command == "render":
                return _cmd_render(args)
            return _cmd_deid(args.src, args.dst, args.keep_descriptions)
    except BrokenPipeError:  # `| head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except DicomError as exc:
        _err(str(exc) if exc.path == "<dataset>" else f"{exc.path}: {exc.reason}")
        return 2
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except Exception as exc:  # a bug: still one line, never a traceback
        _err(f"internal error: {exc!r}")
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
