"""One DICOM file read safely: one-line errors, the dataset with its reader warnings, refusal of
absurd headers; and the :class:`Series` type that groups files. Shared by :mod:`tools.dicom`
(header facts, series scans, the CLI) and :mod:`tools.dicom_render`, so neither imports the other.
"""

from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydicom import dcmread
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError

from tools.errors import one_line

__all__ = [
    "DicomError",
    "DicomFile",
    "Plane",
    "Series",
    "check_dimensions",
    "int_or_none",
    "read",
    "warning_line",
]

DEFAULT_MAX_BYTES = 1 << 30
#: Refuse headers claiming more than this many pixels per frame or in total (before decoding).
MAX_SIDE = 16384
MAX_TOTAL_PIXELS = 1 << 30
_UNDEFINED_LENGTH = 0xFFFFFFFF

Plane = Literal["axial", "sagittal", "coronal", "oblique"]


class DicomError(Exception):
    """A file that cannot be used; ``str()`` is one user-readable line naming the file."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = str(path)
        self.reason = " ".join(str(reason).split()) or "unknown error"
        super().__init__(f"{Path(self.path).name}: {self.reason}")


@dataclass(frozen=True)
class DicomFile:
    """A dataset read from ``path`` and the warnings pydicom raised while reading it."""

    path: Path
    dataset: Dataset
    warnings: tuple[str, ...] = ()


def warning_line(message: Warning | str) -> str:
    text = " ".join(str(message).split())
    text = re.sub(r"\s*Please see <[^>]*>.*$", "", text)  # pydicom's long VR-table pointer
    return text if len(text) <= 300 else text[:297] + "..."


def _sane_forced(ds: Dataset) -> bool:
    # force=True parses anything; only trust it when a real group 0008 element came out
    for tag in ds.keys():
        if tag.group == 0x0008 and tag.element > 0:
            try:
                return bool(ds[tag].keyword)
            except Exception:
                return False
    return False


def _truncation(ds: Dataset) -> str | None:
    for tag in ds.keys():
        raw = ds.get_item(tag)
        if not isinstance(raw, RawDataElement) or raw.value is None:
            continue
        if raw.length != _UNDEFINED_LENGTH and len(raw.value) < raw.length:
            return f"truncated file: element {tag} has {len(raw.value)} of {raw.length} bytes"
    return None


def read(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> DicomFile:
    """Read one DICOM file, refusing anything unsafe or broken.

    Args:
        path: the file.
        max_bytes: refuse larger files before reading them.

    Raises:
        DicomError: missing, empty, oversized, non-DICOM, truncated or unparsable files, and
            headers claiming absurd image dimensions (see :func:`check_dimensions`).
    """
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise DicomError(p, f"cannot open: {exc.strerror or one_line(exc)}") from None
    if not p.is_file():
        raise DicomError(p, "not a regular file")
    if size == 0:
        raise DicomError(p, "empty file")
    if size > max_bytes:
        raise DicomError(p, f"file is {size} bytes, over the {max_bytes}-byte limit")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            try:
                ds = dcmread(p, force=False)
            except InvalidDicomError:
                ds = dcmread(p, force=True)
                if not _sane_forced(ds):
                    raise DicomError(
                        p, "not a DICOM file (no DICM preamble and no valid group 0008 element)"
                    ) from None
            problem = _truncation(ds)
            if problem is None and any("end of file" in str(w.message).lower() for w in caught):
                problem = "truncated file: unexpected end of file"
            if problem is not None:
                raise DicomError(p, problem)
            if len(ds) == 0:
                raise DicomError(p, "no data elements after the file meta information")
            check_dimensions(ds, p)  # an absurd header is refused before anyone decodes it
            for _ in ds:  # convert raw elements now so value errors surface here
                pass
        except DicomError:
            raise
        except Exception as exc:
            raise DicomError(p, f"unreadable DICOM: {one_line(exc)}") from None
    notes = tuple(dict.fromkeys(warning_line(w.message) for w in caught))
    return DicomFile(path=p, dataset=ds, warnings=notes)


def check_dimensions(ds: Dataset, path: str | os.PathLike[str] = "<dataset>") -> None:
    """Refuse absurd image sizes before anything is decoded.

    Raises:
        DicomError: Rows/Columns over ``MAX_SIDE`` or pixels in total over ``MAX_TOTAL_PIXELS``.
    """
    rows, cols = int_or_none(ds.get("Rows")) or 0, int_or_none(ds.get("Columns")) or 0
    frames = int_or_none(ds.get("NumberOfFrames")) or 1
    samples = int_or_none(ds.get("SamplesPerPixel")) or 1
    if rows > MAX_SIDE or cols > MAX_SIDE:
        raise DicomError(path, f"image of {rows}x{cols} is over the {MAX_SIDE}-pixel side limit")
    if rows * cols * frames * samples > MAX_TOTAL_PIXELS:
        raise DicomError(path, f"{frames} frames of {rows}x{cols}x{samples} is too many pixels")


def int_or_none(value: Any) -> int | None:
    try:
        return None if value is None or value == "" else int(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Series:
    """Slices of one series in spatial order (paths; pixels are read on demand)."""

    key: str
    uid: str | None
    description: str | None
    modality: str | None
    plane: Plane | None
    paths: tuple[Path, ...]
    positions: tuple[float | None, ...]
    instance_numbers: tuple[int | None, ...]
    #: headers in the same order, pixel data dropped (geometry without reading files again)
    headers: tuple[Dataset, ...] = field(repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.paths)

    @property
    def middle(self) -> Path:
        """The middle slice, the one a quick look should show."""
        return self.paths[len(self.paths) // 2]
