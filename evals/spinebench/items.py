"""SpineBench items: the JSONL format of a data directory, validated with pydantic.

A data directory holds one or more ``*.jsonl`` files; each line is one item. Image paths are
relative to the directory. :func:`load_dir` validates every line and names the file and line of
the first bad one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from tools.levels import is_level

__all__ = ["Item", "ItemError", "McqItem", "ReportItem", "Source", "load_dir", "load_file"]

LETTERS = "ABCDE"


class ItemError(ValueError):
    """A data file or line that is not a valid item (the message names file and line)."""


class Source(BaseModel):
    """Where an item's answer comes from."""

    model_config = ConfigDict(extra="forbid")

    doc: str | None = Field(None, description="id of the bundled corpus document it is drawn from")
    citation: str = Field(
        min_length=10, description="organisation or authors, year, title, DOI or URL"
    )


class _Common(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.:-]+$")
    images: list[str] = Field(default_factory=list, description="paths relative to the data dir")
    subfield: str = Field(min_length=1)
    levels: list[str] = Field(default_factory=list, description="canonical levels it is about")
    lang: Literal["en", "zh"]
    source: Source | None = None

    @model_validator(mode="after")
    def _levels(self) -> _Common:
        bad = [level for level in self.levels if not is_level(level)]
        if bad:
            raise ValueError(f"levels not canonical (e.g. L4-L5, C6): {', '.join(bad)}")
        for image in self.images:
            if Path(image).is_absolute() or ".." in Path(image).parts:
                raise ValueError(f"image path must be relative to the data dir: {image}")
        return self


class McqItem(_Common):
    """A multiple-choice question with one correct letter."""

    type: Literal["mcq"]
    modality: Literal["text", "image"]
    question: str = Field(min_length=5)
    options: dict[str, str] = Field(description="A, B, ... in order, 2 to 5 options")
    answer: str = Field(pattern=r"^[A-E]$")

    @model_validator(mode="after")
    def _mcq(self) -> McqItem:
        keys = list(self.options)
        if not 2 <= len(keys) <= 5 or keys != list(LETTERS[: len(keys)]):
            raise ValueError(f"options must be A.. in order (2-5 of them), got {keys}")
        if any(not text.strip() for text in self.options.values()):
            raise ValueError("an option is empty")
        if self.answer not in self.options:
            raise ValueError(f"answer {self.answer} is not an option")
        if (self.modality == "image") != bool(self.images):
            raise ValueError("image MCQs need images; text MCQs have none")
        return self


class ReportItem(_Common):
    """A report-writing task with a reference report for the judge."""

    type: Literal["report"]
    prompt: str = Field(min_length=20)
    reference: str = Field(min_length=50, description="reference report the judge compares to")


Item = Annotated[McqItem | ReportItem, Field(discriminator="type")]
_ADAPTER: TypeAdapter[McqItem | ReportItem] = TypeAdapter(Item)


def _problem(exc: ValidationError) -> str:
    first = exc.errors()[0]
    loc = [str(p) for p in first["loc"] if not str(p).startswith("function-after")]
    where = ".".join(loc[1:] if loc[:1] in (["mcq"], ["report"]) else loc)  # drop the type tag
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def load_file(path: Path, root: Path | None = None) -> list[McqItem | ReportItem]:
    """Items of one JSONL file; images must exist under ``root`` (default: the file's folder)."""
    root = root or path.parent
    items: list[McqItem | ReportItem] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ItemError(f"{path}: cannot read: {exc}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = _ADAPTER.validate_json(line)
        except ValidationError as exc:
            raise ItemError(f"{path}:{number}: {_problem(exc)}") from None
        missing = [image for image in item.images if not (root / image).is_file()]
        if missing:
            raise ItemError(f"{path}:{number}: image not found: {missing[0]}")
        items.append(item)
    return items


def load_dir(directory: Path) -> list[McqItem | ReportItem]:
    """Every item of every ``*.jsonl`` file in ``directory`` (sorted by file name).

    Raises:
        ItemError: no such directory, no JSONL files, a bad line, or a duplicate id.
    """
    if not directory.is_dir():
        raise ItemError(f"{directory}: not a directory")
    files = sorted(directory.glob("*.jsonl"))
    if not files:
        raise ItemError(f"{directory}: no *.jsonl files")
    items: list[McqItem | ReportItem] = []
    seen: dict[str, Path] = {}
    for path in files:
        for item in load_file(path, directory):
            if item.id in seen:
                raise ItemError(f"{path}: duplicate id {item.id} (also in {seen[item.id].name})")
            seen[item.id] = path
            items.append(item)
    return items
