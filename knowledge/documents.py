"""Source documents: front matter, citations, the sub-field taxonomy, and loading files safely.

A corpus document is Markdown with YAML front matter (``id``, ``title``, ``kind``, ``subfield``,
``levels``, ``citation``, ``license``, ``lang``). Users may also ingest plain text and PDF;
those get their metadata from a sidecar ``NAME.EXT.yaml`` if present, else from the file itself
(with a warning that the citation is only the file name). Anything unreadable raises
:class:`IngestError` with a one-line reason, which the build reports as a skip.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tools import levels as lv

__all__ = [
    "BUNDLED_CORPUS",
    "TAXONOMY_PATH",
    "Citation",
    "DocMeta",
    "Document",
    "IngestError",
    "SUFFIXES",
    "load_document",
    "slugify",
    "taxonomy",
]

Kind = Literal["guideline", "textbook", "consensus", "case"]
Lang = Literal["en", "zh"]

PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED_CORPUS = PACKAGE_DIR / "corpus"
TAXONOMY_PATH = PACKAGE_DIR / "taxonomy.yaml"
MARKDOWN_SUFFIXES = (".md", ".markdown")
TEXT_SUFFIXES = (".txt", ".text")
SUFFIXES = (*MARKDOWN_SUFFIXES, *TEXT_SUFFIXES, ".pdf")
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_ID = r"^[a-z0-9][a-z0-9-]{1,118}[a-z0-9]$"
_CJK = re.compile(r"[\u3400-\u9fff]")


class IngestError(Exception):
    """A file that cannot be ingested; ``str()`` is one line naming the file and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = " ".join(reason.split())
        super().__init__(f"{self.path}: {self.reason}")


@lru_cache(maxsize=1)
def taxonomy() -> dict[str, dict[str, str]]:
    """Sub-field key → ``{"en": name, "zh": name}`` from ``knowledge/taxonomy.yaml``."""
    data = yaml.safe_load(TAXONOMY_PATH.read_text(encoding="utf-8"))
    return {str(k): {str(a): str(b) for a, b in v.items()} for k, v in data["subfields"].items()}


class Citation(BaseModel):
    """The public source a document's facts come from (the sentences are ours)."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=2, description="organisation, or first author et al.")
    year: int | None = Field(None, ge=1800, le=2100)
    title: str = Field(min_length=2)
    doi: str | None = Field(None, pattern=r"^10\.\d{4,9}/\S+$")
    url: str | None = Field(None, pattern=r"^https?://\S+$")

    def text(self) -> str:
        """One-line reference: ``Source (year). Title. doi:… / URL``."""
        parts = [self.source + (f" ({self.year})" if self.year else "") + ".", self.title + "."]
        if self.doi:
            parts.append(f"doi:{self.doi}")
        elif self.url:
            parts.append(self.url)
        return " ".join(parts)


class DocMeta(BaseModel):
    """Front matter of a corpus document."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=_ID, description="stable id; equals the file name for corpus files")
    title: str = Field(min_length=2)
    kind: Kind
    subfield: str | None = Field(description="a key of knowledge/taxonomy.yaml")
    levels: list[str] = Field(default_factory=list, description="canonical levels (tools.levels)")
    citation: Citation
    license: str = Field(min_length=2)
    lang: Lang

    @field_validator("subfield")
    @classmethod
    def _known_subfield(cls, value: str | None) -> str | None:
        if value is not None and value not in taxonomy():
            raise ValueError(f"unknown subfield {value!r} (see knowledge/taxonomy.yaml)")
        return value

    @field_validator("levels")
    @classmethod
    def _canonical_levels(cls, value: list[str]) -> list[str]:
        bad = [level for level in value if not lv.is_level(level)]
        if bad:
            raise ValueError(f"not canonical levels: {', '.join(map(str, bad))}")
        return lv.sort_levels(value)


@dataclass
class Document:
    """A loaded source file: metadata, its full text and where the body starts.

    ``text`` is the whole file as text (PDF: pages joined by blank lines); ``pages`` holds each
    page's ``(start, end)`` offsets in ``text``; ``images`` the PDF's images as (page, name).
    """

    meta: DocMeta
    path: Path
    text: str
    body_start: int
    sha256: str
    fmt: Literal["markdown", "text", "pdf"]
    pages: list[tuple[int, int]] = field(default_factory=list)
    images: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def page_of(self, offset: int) -> int | None:
        """1-based page holding ``offset`` (PDF only)."""
        for number, (start, end) in enumerate(self.pages, 1):
            if start <= offset <= end:
                return number
        return None


def slugify(text: str, *, keep_cjk: bool = False) -> str:
    """Lower-case ASCII (optionally CJK) words joined by hyphens."""
    text = unicodedata.normalize("NFKC", text).lower()
    allowed = r"a-z0-9\u3400-\u9fff" if keep_cjk else r"a-z0-9"
    return re.sub(rf"[^{allowed}]+", "-", text).strip("-")


def _errors(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(p) for p in err["loc"]) or "front matter"
        parts.append(f"{where}: {err['msg']}")
    return "invalid front matter: " + "; ".join(parts)


def _meta(raw: Any, path: Path) -> DocMeta:
    if not isinstance(raw, dict):
        raise IngestError(path, "front matter is not a YAML mapping")
    try:
        return DocMeta.model_validate(raw)
    except ValidationError as exc:
        raise IngestError(path, _errors(exc)) from None


def _yaml(text: str, path: Path) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise IngestError(
            path, f"front matter is not valid YAML ({exc.__class__.__name__})"
        ) from None


def _default_meta(path: Path, text: str, sha: str) -> DocMeta:
    title = path.stem
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            title = line[:200]
            break
    zh = len(_CJK.findall(text[:20000])) > 0.2 * max(1, len(text[:20000].split()))
    return DocMeta(
        id=(slugify(path.stem)[:100].strip("-") or "doc") + "-" + sha[:8],
        title=title if len(title) >= 2 else path.name,
        kind="textbook",
        subfield=None,
        levels=[],
        citation=Citation(source=path.name, title=title if len(title) >= 2 else path.name),
        license="unknown",
        lang="zh" if zh else "en",
    )


def _decode(data: bytes, path: Path) -> str:
    if b"\x00" in data[:65536]:
        raise IngestError(path, "binary content, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IngestError(path, "not UTF-8 text") from None
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > 0.01 * min(len(text), 65536):
        raise IngestError(path, "binary content, not text")
    return text


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".yaml")


def load_document(path: Path, *, max_bytes: int) -> Document:
    """Read one Markdown, text or PDF file.

    Raises:
        IngestError: unsupported type, empty, too large, binary, encrypted or broken PDF,
            invalid front matter.
    """
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise IngestError(
            path, f"unsupported file type {suffix or '(none)'}; use .md, .txt or .pdf"
        )
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(
                path, f"file is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:.0f} MB limit"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(path, f"cannot read ({exc.strerror or exc.__class__.__name__})") from None
    if not data.strip():
        raise IngestError(path, "empty file")
    sha = hashlib.sha256(data).hexdigest()
    warnings: list[str] = []
    pages: list[tuple[int, int]] = []
    images: list[tuple[int, str]] = []
    if suffix == ".pdf":
        from knowledge.pdf import PdfError, read_pdf  # pypdf only when a PDF is ingested

        try:
            text, pages, images = read_pdf(data)
        except PdfError as exc:
            raise IngestError(path, str(exc)) from None
        fmt: Literal["markdown", "text", "pdf"] = "pdf"
    else:
        text = _decode(data, path)
        fmt = "markdown" if suffix in MARKDOWN_SUFFIXES else "text"
    if not text.strip():
        raise IngestError(path, "no text")
    body_start = 0
    front = _FRONT.match(text) if fmt != "pdf" else None
    if front:
        meta = _meta(_yaml(front.group(1), path), path)
        body_start = front.end()
    elif _sidecar(path).is_file():
        meta = _meta(
            _yaml(_sidecar(path).read_text(encoding="utf-8", errors="replace"), path), path
        )
        sha = hashlib.sha256(data + _sidecar(path).read_bytes()).hexdigest()
    else:
        meta = _default_meta(path, text, sha)
        warnings.append("no front matter: citation is the file name, kind 'textbook'")
    if not text[body_start:].strip():
        raise IngestError(path, "no text after the front matter")
    return Document(meta, path, text, body_start, sha, fmt, pages, images, warnings)
