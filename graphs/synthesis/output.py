"""What a synthesis run writes and remembers: the records file and the rejected file (append
logs, ``tools.jsonl``), the de-duplicator over the records accepted so far, and the counts the
summary reports. The graph's ``record`` step says what an item became (an ``Outcome``);
``Output.settle`` de-duplicates it against every record accepted so far and keeps it. On a Ray
cluster the workers' outcomes stream back to the driver's one ``Output``, so de-duplication is
dataset-wide and there is one writer (``graphs.synthesis.cluster``).

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
from typing import Protocol

from agents.llm.base import Meter
from tools.files import atomic_write
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
class Outcome:
    """What one work item became, before de-duplication: a validated record and its fingerprint,
    or a rejection and why. ``images`` carries the record's image bytes (by path relative to the
    output) when a remote worker made them; ``worker`` names the worker (the summary counts
    duplicates across workers)."""

    item_id: str
    record: Record | None = None
    fingerprint: Fingerprint | None = None
    rejected: Rejected | None = None
    why: list[Rejection] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)
    meter: Meter | None = None
    worker: str = ""


class Sink(Protocol):
    """Where the graph's ``record`` step sends an item's outcome."""

    @property
    def images_dir(self) -> Path: ...

    def settle(self, outcome: Outcome) -> str: ...


@dataclass
class Stats:
    """What the run did, for the progress bar and the summary."""

    accepted: Counter[str] = field(default_factory=Counter)  # task/lang
    subfields: Counter[str] = field(default_factory=Counter)
    rejected: Counter[str] = field(default_factory=Counter)  # task/lang
    reasons: Counter[str] = field(default_factory=Counter)  # Rejection.key
    duplicates: int = 0
    duplicates_across_workers: int = 0  # the kept record came from another worker or run
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
        self._made_by: dict[str, str] = {}  # accepted id -> worker, this run
        self._records: AppendLog | None = None
        self._rejects: AppendLog | None = None

    @property
    def full(self) -> bool:
        return self.limit is not None and self.accepted_total >= self.limit

    def settle(self, outcome: Outcome) -> str:
        """Keep ``outcome``: write a rejection; drop a duplicate of an accepted record (written
        as a rejection naming it) or a record past ``--limit``; else append the record. Returns
        ``rejected``, ``duplicate``, ``surplus`` or ``accepted``."""
        made, fp = outcome.record, outcome.fingerprint
        if made is None or fp is None:
            assert outcome.rejected is not None
            self.reject(outcome.rejected, outcome.why)
            return "rejected"
        duplicate = self.dedup.check(fp)
        if duplicate is not None:
            kind, other = duplicate
            why = [Rejection(check="duplicate", criterion=kind, detail=other)]
            self.reject(_duplicate(made, why), why)
            self.stats.duplicates += 1
            if self._made_by.get(other) != outcome.worker:
                self.stats.duplicates_across_workers += 1
            return "duplicate"
        if self.full:
            self.stats.surplus += 1
            return "surplus"
        for rel, data in outcome.images.items():  # before the record that names them
            target = self.path.parent / rel
            if not target.exists():  # named by content hash: the same name is the same image
                atomic_write(target, data)
        self.accept(made, fp)
        self._made_by[made.id] = outcome.worker
        return "accepted"

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


def _duplicate(record: Record, why: list[Rejection]) -> Rejected:
    """The rejection of a record that duplicates an accepted one (its first draft kept)."""
    return Rejected.model_validate(
        {
            "id": record.id,
            "task": record.task,
            "lang": record.lang,
            "source_id": record.provenance.source_id,
            "stage": why[0].stage,
            "reasons": [str(r) for r in why],
            "draft": record.revision.draft,
            "notes": [],
        }
    )
