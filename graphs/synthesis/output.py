"""What a synthesis run writes and remembers: the records file and the rejected file (append
logs, ``tools.jsonl``), the de-duplicator over the records accepted so far, and the counts the
summary reports. The graph's ``record`` step decides what an item becomes; ``Output`` keeps it.

Opening the output (``async with output.open()``) locks and repairs both files and loads what
they already decide, so a resumed run skips those ids and de-duplicates against the accepted
records.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from agents.llm.base import Meter
from tools.jsonl import AppendLog, LogError, read_lines

from .dedup import Deduper, Fingerprint, fingerprint
from .records import Record, Rejected, Rejection, read_records
from .tasks import TASKS


def rejected_path(out: Path) -> Path:
    return out.with_name(out.stem + ".rejected.jsonl")


def summary_path(out: Path) -> Path:
    return out.with_name(out.stem + ".summary.json")


def images_dir(out: Path) -> Path:
    return out.with_name(out.stem + "_images")


@dataclass
class Stats:
    """What the run did, for the progress bar and the summary."""

    accepted: Counter[str] = field(default_factory=Counter)  # task/lang
    subfields: Counter[str] = field(default_factory=Counter)
    rejected: Counter[str] = field(default_factory=Counter)  # task/lang
    reasons: Counter[str] = field(default_factory=Counter)  # Rejection.key
    duplicates: int = 0
    surplus: int = 0
    meters: dict[str, Meter] = field(default_factory=dict)  # per task


class Output:
    """One run's output ``path`` (``--limit`` counts its accepted records, resumed ones too)."""

    def __init__(self, path: Path, *, limit: int | None = None, resume: bool = False) -> None:
        self.path, self.limit, self.resume = path, limit, resume
        self.images_dir = images_dir(path)
        self.stats = Stats()
        self.dedup = Deduper()
        self.done: set[str] = set()  # ids already decided (resume)
        self.accepted_total = 0  # in the file, resumed ones included
        self._records: AppendLog | None = None
        self._rejects: AppendLog | None = None

    @property
    def full(self) -> bool:
        return self.limit is not None and self.accepted_total >= self.limit

    def accept(self, record: Record, fp: Fingerprint) -> None:
        assert self._records is not None
        self._records.put(record.model_dump(mode="json"))
        self.dedup.add(record.id, fp)
        self.accepted_total += 1
        self.stats.accepted[f"{record.task}/{record.lang}"] += 1
        self.stats.subfields[record.subfield or "unclassified"] += 1

    def reject(self, rejected: Rejected, why: Sequence[Rejection]) -> None:
        """Write ``rejected`` (``why`` rendered as its reasons) and count each reason."""
        assert self._rejects is not None
        self._rejects.put(rejected.model_dump(mode="json"))
        self.stats.rejected[f"{rejected.task}/{rejected.lang}"] += 1
        self.stats.reasons.update(r.key for r in why)

    @asynccontextmanager
    async def open(self) -> AsyncIterator[Output]:
        """Both files locked and repaired, and what they already decide loaded."""
        if not self.resume:
            for path in (self.path, rejected_path(self.path)):
                if path.exists() and path.stat().st_size > 0:
                    raise LogError(
                        f"{path} already exists: pass --resume to continue that run, "
                        "or choose another --out"
                    )
        async with AppendLog(self.path) as records, AppendLog(rejected_path(self.path)) as rejects:
            self._records, self._rejects = records, rejects
            self._load_done()
            yield self

    def _load_done(self) -> None:
        """Ids already decided, and the accepted records' texts for de-duplication (both files
        locked and repaired)."""
        for record in read_records(self.path):  # a line not ours is neither counted nor cut
            self.done.add(record.id)
            text = TASKS[record.task].key_text(record.payload.model_dump())
            self.dedup.add(record.id, fingerprint(record.task, record.lang, text))
            self.accepted_total += 1
        for row in read_lines(rejected_path(self.path)):
            if row.get("stage") != "deduplicate":  # a duplicate may not be one any more
                self.done.add(str(row.get("id")))
