"""Windowed 8-bit PNG renderings of DICOM images, sized for a vision-language model."""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pydicom.dataset import Dataset

from tools.dicom_read import DicomError, DicomFile, Series, check_dimensions, read
from tools.errors import one_line

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

#: Robust window when the dataset has none: these percentiles of the frame map to 0 and 255.
PERCENTILES = (0.5, 99.5)


def _first(value: Any) -> float | None:
    if value is None or isinstance(value, bytes):
        return None
    if not isinstance(value, str) and isinstance(value, Iterable):
        value = next(iter(value), None)
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def dataset_window(ds: Dataset) -> tuple[float, float] | None:
    """(center, width) from WindowCenter/WindowWidth (first value if several), if usable."""
    center, width = _first(ds.get("WindowCenter")), _first(ds.get("WindowWidth"))
    if center is None or width is None or not width > 0:
        return None
    return center, width


def window_to_uint8(
    values: NDArray[Any], window: tuple[float, float] | None, *, invert: bool = False
) -> NDArray[np.uint8]:
    """Map modality values to 0..255 through a (center, width) window or robust percentiles."""
    import numpy as np

    data = np.asarray(values, dtype=np.float64)
    finite = data[np.isfinite(data)]
    if window is not None:
        low, high = window[0] - window[1] / 2.0, window[0] + window[1] / 2.0
    elif finite.size:
        low, high = (float(v) for v in np.percentile(finite, PERCENTILES))
        if high <= low:
            low, high = float(finite.min()), float(finite.max())
    else:
        low, high = 0.0, 0.0
    if high <= low:
        scaled = np.zeros(data.shape, dtype=np.float64)
    else:
        scaled = np.clip((np.nan_to_num(data, nan=low) - low) / (high - low), 0.0, 1.0)
    out = np.rint(scaled * 255.0).astype(np.uint8)
    return (255 - out).astype(np.uint8) if invert else out


def _color_to_uint8(arr: NDArray[Any], bits: int) -> NDArray[np.uint8]:
    import numpy as np

    if arr.dtype == np.uint8:
        return arr
    top = float((1 << bits) - 1) if bits > 0 else float(arr.max() or 1)
    return np.rint(np.clip(arr.astype(np.float64) / top, 0.0, 1.0) * 255.0).astype(np.uint8)


def _dataset_of(
    source: Dataset | DicomFile | Series | str | os.PathLike[str],
) -> tuple[Dataset, str]:
    if isinstance(source, Dataset):
        return source, str(getattr(source, "filename", None) or "<dataset>")
    if isinstance(source, DicomFile):
        return source.dataset, str(source.path)
    if isinstance(source, Series):
        if not source.paths:
            raise DicomError("<series>", "empty series")
        source = source.middle
    f = read(source)
    return f.dataset, str(f.path)


def frame_pixels(ds: Dataset, *, frame: int | None = None, path: str = "<dataset>") -> NDArray[Any]:
    """Decode one frame (the middle one by default) after checking the claimed dimensions.

    Raises:
        DicomError: no pixel data, absurd dimensions, bad frame index or a decoder failure.
    """
    from pydicom.pixels.utils import pixel_array

    if not any(k in ds for k in ("PixelData", "FloatPixelData", "DoubleFloatPixelData")):
        raise DicomError(path, "no pixel data")
    check_dimensions(ds, path)
    try:
        frames = int(ds.get("NumberOfFrames") or 1)
    except (TypeError, ValueError):
        frames = 1
    index = frames // 2 if frame is None else frame
    if not 0 <= index < max(frames, 1):
        raise DicomError(path, f"frame {index} out of range (the file has {frames})")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pixel_array(ds, index=index if frames > 1 else None)
    except Exception as exc:
        raise DicomError(path, f"cannot decode pixel data: {one_line(exc)}") from None


def render_png(
    source: Dataset | DicomFile | Series | str | os.PathLike[str],
    *,
    frame: int | None = None,
    window: tuple[float, float] | None = None,
    max_size: int = 512,
) -> bytes:
    """A deterministic 8-bit PNG of one frame, windowed for viewing.

    Grayscale goes through the Modality LUT (rescale), then ``window`` (center, width), else the
    dataset's first WindowCenter/WindowWidth, else 0.5-99.5 percentiles; MONOCHROME1 is
    inverted. Color (RGB, or YBR converted by pydicom's decoder via convert_color_space) and
    PALETTE COLOR are rendered as RGB. Multi-frame files show the middle frame unless ``frame``;
    a :class:`~tools.dicom_read.Series` shows its middle slice. The longer side is scaled to at most
    ``max_size`` (aspect kept).

    Raises:
        DicomError: unreadable file, no or undecodable pixels, absurd dimensions.
    """
    import numpy as np
    from PIL import Image

    if max_size < 1:
        raise ValueError("max_size must be >= 1")
    ds, path = _dataset_of(source)
    arr = frame_pixels(ds, frame=frame, path=path)
    photometric = str(ds.get("PhotometricInterpretation", "") or "").strip().upper()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if photometric == "PALETTE COLOR" and arr.ndim == 2:
                from pydicom.pixels.processing import apply_color_lut

                arr = _color_to_uint8(apply_color_lut(arr, ds), 16)
            elif arr.ndim == 3 and arr.shape[-1] in (3, 4):
                arr = _color_to_uint8(arr[..., :3], int(ds.get("BitsStored") or 8))
            else:
                from pydicom.pixels.processing import apply_modality_lut

                if arr.ndim != 2:
                    raise DicomError(path, f"unexpected pixel array shape {arr.shape}")
                values = apply_modality_lut(arr, ds)
                chosen = window if window is not None else dataset_window(ds)
                arr = window_to_uint8(values, chosen, invert=photometric == "MONOCHROME1")
    except DicomError:
        raise
    except Exception as exc:
        raise DicomError(path, f"cannot render pixels: {one_line(exc)}") from None
    image = Image.fromarray(np.ascontiguousarray(arr))
    longest = max(image.size)
    if longest > max_size:
        scale = max_size / longest
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()
