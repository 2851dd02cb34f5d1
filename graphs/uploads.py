"""What a user attaches to a turn, checked before the graph sees it (CLI ``--attach``, UI upload).

The kind comes from the bytes, not the name: DICOM by its ``DICM`` preamble (or a folder of
them), PNG/JPEG by their signatures, radiology reports as UTF-8 text, vertebral centroids as
VerSe JSON. Anything else, an empty file, or one over ``SPINE_UPLOAD_MAX_MB`` is refused with one
readable line (:class:`UploadError`), so a garbage upload never reaches a model.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path

from agents.localizer import Attachment

__all__ = ["UploadError", "attachment_for"]

_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
TEXT_SUFFIXES = {".txt", ".md", ".report"}


class UploadError(ValueError):
    """An attachment that cannot be used; the message is one line for the user."""


def _is_dicom(head: bytes, path: Path) -> bool:
    if head[128:132] == b"DICM":
        return True
    if path.suffix.lower() not in (".dcm", ".dicom"):
        return False
    # a preamble-less (raw) DICOM file: let pydicom decide
    from tools.dicom_read import DicomError, read

    try:
        read(path)
    except DicomError:
        return False
    return True


def attachment_for(path: str | Path, name: str | None = None, *, max_mb: float) -> Attachment:
    """An :class:`Attachment` for a file or DICOM folder, or :class:`UploadError` saying why not."""
    path = Path(path)
    shown = name or path.name
    if not path.exists():
        raise UploadError(f"{shown}: no such file or folder")
    if path.is_dir():
        if not any(p.is_file() for p in path.rglob("*")):
            raise UploadError(f"{shown}: the folder is empty")
        return Attachment(path=str(path), kind="dicom", name=shown)
    size = path.stat().st_size
    if size == 0:
        raise UploadError(f"{shown}: the file is empty")
    if size > max_mb * 1_000_000:
        raise UploadError(
            f"{shown}: {size / 1e6:.1f} MB is over the {max_mb:g} MB limit (SPINE_UPLOAD_MAX_MB)"
        )
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if _is_dicom(head, path):
        return Attachment(path=str(path), kind="dicom", name=shown)
    if head.startswith(_PNG) or head.startswith(_JPEG):
        return Attachment(path=str(path), kind="image", name=shown)
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise UploadError(f"{shown}: not valid JSON ({exc.__class__.__name__})") from None
        if isinstance(data, list):
            return Attachment(path=str(path), kind="centroids", name=shown)
        raise UploadError(f"{shown}: JSON but not a VerSe centroid list")
    if path.suffix.lower() in TEXT_SUFFIXES or not path.suffix:
        try:  # an incremental decoder accepts a character cut at the end of the 4 KB head
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        except UnicodeDecodeError:
            raise UploadError(f"{shown}: not UTF-8 text") from None
        if b"\x00" in head:
            raise UploadError(f"{shown}: binary data, not a text report")
        return Attachment(path=str(path), kind="report", name=shown)
    raise UploadError(f"{shown}: not a DICOM file, PNG/JPEG image, text report or centroid JSON")
