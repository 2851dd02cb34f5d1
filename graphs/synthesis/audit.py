"""``python -m graphs.synthesis review FILE.jsonl [--sources DIR ...]``: the synthesis reviewer
on drafts that already exist (made by another tool, another team, another model).

Each input line is one JSON object: ``id``, ``source`` (a corpus file name, looked up under
``--sources``, default the bundled corpus; or a path), ``task``, ``lang`` and ``payload`` (the
record payload of ``graphs.synthesis.records``); other fields are ignored. Each output line is
one JSON object: ``id``, ``accepted``, ``findings`` (criterion, passed, severity, detail, quotes).
A line that cannot be reviewed (not JSON, a field missing, a source that cannot be read) gets a
one-line error on stderr naming the line, and the run goes on; the exit code is 1 if any line
failed that way.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from agents.llm import ChatModel
from tools import levels as lv

from .records import LANGS, PAYLOADS, DataFinding, DataReview, rejections
from .review import DATA_REVIEW_VERSION, critique, level_finding
from .tasks import TASKS


class LineError(Exception):
    """Why one input line cannot be reviewed (one line of text)."""


@dataclass(frozen=True)
class SourceText:
    """A source document as the reviewer reads it."""

    name: str
    text: str
    lang: str
    levels: tuple[str, ...]


class Sources:
    """Source documents by file name (under the given folders) or path, each read once."""

    def __init__(self, folders: Sequence[Path], max_mb: float = 50.0) -> None:
        self.folders = list(folders)
        self.max_bytes = int(max_mb * 1024 * 1024)
        self._by_name: dict[str, Path] | None = None
        self._read: dict[Path, SourceText] = {}

    def _index(self) -> dict[str, Path]:
        if self._by_name is None:
            found: dict[str, Path] = {}
            for folder in self.folders:
                files = [folder] if folder.is_file() else sorted(folder.rglob("*"))
                for path in files:
                    if path.is_file():
                        found.setdefault(path.name, path)
                        found.setdefault(path.stem, path)
            self._by_name = found
        return self._by_name

    def get(self, name: str) -> SourceText:
        path = Path(name)
        if not path.is_file():
            hit = self._index().get(name) or self._index().get(Path(name).name)
            if hit is None:
                raise LineError(f"source {name!r} is not under {', '.join(map(str, self.folders))}")
            path = hit
        path = path.resolve()
        if path not in self._read:
            self._read[path] = self._load(path)
        return self._read[path]

    def _load(self, path: Path) -> SourceText:
        from knowledge.documents import IngestError, load_document

        try:
            doc = load_document(path, max_bytes=self.max_bytes)
        except IngestError as exc:
            raise LineError(f"source {path.name}: {exc.reason}") from exc
        body = doc.text[doc.body_start :]
        levels = lv.sort_levels([*lv.find_levels(body), *doc.meta.levels])
        return SourceText(path.name, body, doc.meta.lang, tuple(levels))


def _field(row: dict[str, Any], name: str, kind: type) -> Any:
    value = row.get(name)
    if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
        raise LineError(f"field {name!r} is missing or not a {kind.__name__}")
    return value


@dataclass(frozen=True)
class Reviewed:
    """One reviewed input line: what it was and the reviewer's verdict."""

    id: str
    task: str
    lang: str
    payload: dict[str, Any]
    source: SourceText
    verdict: DataReview


def review_row(row: Any, sources: Sources) -> Reviewed:
    """The code's findings on one input object (``LineError`` if it cannot be read)."""
    if not isinstance(row, dict):
        raise LineError("not a JSON object")
    rid = str(_field(row, "id", str))
    task_name = _field(row, "task", str)
    if task_name not in TASKS:
        raise LineError(f"task {task_name!r} is not one of {', '.join(TASKS)}")
    lang = _field(row, "lang", str)
    if lang not in LANGS:
        raise LineError(f"lang {lang!r} is not one of {', '.join(LANGS)}")
    payload = _field(row, "payload", dict)
    source = sources.get(str(_field(row, "source", str)))
    try:
        model = PAYLOADS[task_name].model_validate(payload)
    except ValidationError as exc:
        detail = "; ".join(f"{r.criterion}: {r.detail}" for r in rejections(exc))
        finding = DataFinding(criterion="structure", passed=False, severity="major", detail=detail)
        verdict = DataReview(version=DATA_REVIEW_VERSION, round=0, findings=[finding])
        return Reviewed(rid, task_name, lang, payload, source, verdict)
    task = TASKS[task_name]
    data = model.model_dump()
    texts = task.review_texts(data, distractors=False)
    level = level_finding(texts, source.levels, task.levels_required)
    verdict = critique(
        task,
        data,
        source_text=source.text,
        source_lang=source.lang,
        lang=lang,
        level=level,
        round=0,
        image=data.get("modality") == "image",
    )
    return Reviewed(rid, task_name, lang, data, source, verdict)


def result_line(reviewed: Reviewed, model: str | None = None) -> dict[str, Any]:
    """The output object of one reviewed line."""
    verdict = reviewed.verdict
    out: dict[str, Any] = {
        "id": reviewed.id,
        "accepted": verdict.passed,
        "findings": [
            {
                "criterion": f.criterion,
                "passed": f.passed,
                "severity": f.severity,
                "detail": f.detail,
                "quotes": f.quotes,
            }
            for f in verdict.findings
        ],
    }
    if model is not None:
        out["model_review"] = model
    return out


def review_lines(lines: Iterator[str], sources: Sources) -> Iterator[Reviewed | str]:
    """For each non-blank line: the reviewed line, or why it cannot be reviewed
    (``line 3: not JSON ...``)."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield f"line {number}: not JSON ({exc.msg} at column {exc.colno})"
            continue
        try:
            yield review_row(row, sources)
        except LineError as exc:
            yield f"line {number}: {exc}"


async def _with_model(reviewed: Reviewed, model: ChatModel) -> Reviewed:
    """The line's verdict with a capable model's faults added (never removed)."""
    if reviewed.verdict.findings[0].criterion == "structure" and not reviewed.verdict.passed:
        return reviewed  # a payload that does not validate is not worth a model call
    from .model_review import model_review

    task = TASKS[reviewed.task]
    verdict, _ = await model_review(
        model, task, reviewed.payload, reviewed.source.text, reviewed.lang, reviewed.verdict
    )
    return replace(reviewed, verdict=verdict)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m graphs.synthesis review",
        description="Review existing synthesis drafts (one JSON object per line: id, source, "
        "task, lang, payload) against their sources with the synthesis reviewer's criteria; "
        "print one JSON object per line: id, accepted, findings.",
    )
    p.add_argument("file", type=Path, help="drafts JSONL ('-' for stdin)")
    p.add_argument(
        "--no-model-review",
        action="store_true",
        help="code checks only, even when a capable model is configured",
    )
    p.add_argument(
        "--sources",
        nargs="+",
        type=Path,
        metavar="DIR",
        help="folders (or files) the 'source' names are looked up in (default: the bundled "
        "corpus); a 'source' that is a path is read as it is",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    folders = args.sources
    if not folders:
        from knowledge.documents import BUNDLED_CORPUS

        folders = [BUNDLED_CORPUS]
    missing = [str(f) for f in folders if not f.exists()]
    if missing:
        print(f"error: --sources {', '.join(missing)}: no such file or folder", file=sys.stderr)
        return 2
    from tools.settings import get_settings, setting_error

    from .model_review import review_model

    try:
        settings = get_settings()
    except ValidationError as exc:
        print(f"error: {setting_error(exc)}", file=sys.stderr)
        return 2
    sources = Sources(folders, max_mb=settings.ingest_max_mb)
    try:
        handle = sys.stdin if str(args.file) == "-" else args.file.open(encoding="utf-8")
    except OSError as exc:
        print(f"error: {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    model = None if args.no_model_review else review_model(settings)
    with handle:
        failed = asyncio.run(_print_all(iter(handle), sources, model))
    return 1 if failed else 0


async def _print_all(lines: Iterator[str], sources: Sources, model: ChatModel | None) -> int:
    failed = 0
    try:
        for out in review_lines(lines, sources):
            if isinstance(out, str):
                failed += 1
                print(out, file=sys.stderr)
                continue
            if model is not None:
                out = await _with_model(out, model)
            line = result_line(out, model.model_name if model is not None else None)
            print(json.dumps(line, ensure_ascii=False), flush=True)
    finally:
        if model is not None:
            await model.aclose()
    return failed
