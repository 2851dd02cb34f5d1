"""Small synthetic DICOM images for tests (uncompressed, written with pydicom)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, MRImageStorage, generate_uid


def image_dataset(
    pixels: Any,
    *,
    color: bool = False,
    frames: int | None = None,
    sop_class: str = MRImageStorage,
    modality: str = "MR",
    study_uid: str = "1.2.826.0.1.3680043.8.498.1",
    series_uid: str = "1.2.826.0.1.3680043.8.498.2",
    **attrs: Any,
) -> Dataset:
    """An image dataset; ``pixels`` is (rows, cols[, 3]) or (frames, rows, cols).

    The patient is "Doe^John", MRN123456, so de-identification has something to remove; any
    other attribute is set from ``attrs`` (keyword=value).
    """
    arr = np.asarray(pixels)
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = sop_class
    ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID, ds.SeriesInstanceUID = study_uid, series_uid
    ds.Modality = modality
    ds.PatientName = "Doe^John"
    ds.PatientID = "MRN123456"
    ds.Rows, ds.Columns = (arr.shape[-3], arr.shape[-2]) if color else arr.shape[-2:]
    ds.SamplesPerPixel = 3 if color else 1
    ds.PhotometricInterpretation = "RGB" if color else "MONOCHROME2"
    if color:
        ds.PlanarConfiguration = 0
    bits = arr.dtype.itemsize * 8
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = bits, bits, bits - 1
    ds.PixelRepresentation = 1 if arr.dtype.kind == "i" else 0
    if frames is not None:
        ds.NumberOfFrames = frames
    for key, value in attrs.items():
        setattr(ds, key, value)
    ds.PixelData = arr.tobytes()
    return ds


def write_image(path: Path, pixels: Any, **attrs: Any) -> Path:
    """Write :func:`image_dataset` to ``path`` (parents created)."""
    ds = image_dataset(pixels, **attrs)
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.save_as(path, enforce_file_format=True)
    return path
