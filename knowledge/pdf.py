"""PDF text extraction with pypdf: page texts, page offsets and image names, or a one-line error."""

from __future__ import annotations

import io
import logging

__all__ = ["PdfError", "read_pdf"]


class PdfError(Exception):
    """A PDF that gives no text; ``str()`` is the one-line reason."""


def read_pdf(data: bytes) -> tuple[str, list[tuple[int, int]], list[tuple[int, str]]]:
    """Extract ``(text, page spans, images)`` from PDF bytes.

    Pages are joined with a blank line; ``page spans`` are each page's offsets in the text;
    ``images`` are ``(page index, image name)`` for picture-context matching.

    Raises:
        PdfError: not a PDF, broken, encrypted with a password, or no extractable text.
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise PdfError("not a PDF (no %PDF header)")
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its recoverable-damage chatter
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfError("encrypted PDF (a password is required)")
        texts: list[str] = []
        images: list[tuple[int, str]] = []
        for index, page in enumerate(reader.pages):
            texts.append((page.extract_text() or "").strip())
            try:
                images.extend((index, image.name) for image in page.images)
            except Exception:  # noqa: BLE001 - an undecodable image must not lose the page text
                pass
    except PdfError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise PdfError(f"broken PDF ({exc.__class__.__name__}: {exc})") from None
    except RecursionError:
        raise PdfError("broken PDF (object graph too deep)") from None
    if not any(texts):
        raise PdfError("PDF has no extractable text (scanned? run OCR first)")
    spans: list[tuple[int, int]] = []
    parts: list[str] = []
    offset = 0
    for text in texts:
        spans.append((offset, offset + len(text)))
        parts.append(text)
        offset += len(text) + 2
    return "\n\n".join(parts), spans, images
