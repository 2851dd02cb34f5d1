"""De-duplication of records: an exact hash and MinHash-LSH near duplicates (datasketch).

Records compare within one task and language on the text that makes them what they are (the
task's ``key_text``: an MCQ's stem and options, a question, a consultation's opening and
assessment, a report's findings and diagnosis), normalised (case, punctuation, spacing). Near
duplicates share character shingles (5-grams for English, 2-grams for Chinese) with Jaccard >=
``threshold``, estimated by MinHash-LSH (at a lower threshold, so few are missed) and confirmed
exactly on the candidates' shingle hashes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

THRESHOLD = 0.8
LSH_THRESHOLD = 0.6  # candidates: MinHash estimates vary by ~0.05 at 64 permutations
NUM_PERM = 64
_PUNCT = re.compile(r"[^\w\s]+")
_CJK = re.compile(r"[\u3400-\u9fff]")


def normalise(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", text.casefold()).split())


def shingles(text: str) -> set[bytes]:
    """Character n-grams: 5 for English (one changed word moves few of them), 2 for Chinese."""
    n = 2 if _CJK.search(text) else 5
    compact = text.replace(" ", "") if n == 2 else text
    return {compact[i : i + n].encode() for i in range(max(1, len(compact) - n + 1))}


@dataclass
class Fingerprint:
    """What de-duplication compares of one payload, computed once for the check and the add."""

    group: str  # task/lang: records compare within one
    digest: str  # of the normalised text: exact duplicates
    grams: list[bytes]
    minhash: Any = None  # made by the first check or add that needs it

    @cached_property
    def hashes(self) -> Any:
        """Sorted unique uint32 shingle hashes, for the exact Jaccard of LSH candidates."""
        return _hashes(self.grams)


def fingerprint(task: str, lang: str, key_text: str) -> Fingerprint:
    """What de-duplication compares of a record of ``task`` in ``lang`` whose key text is
    ``key_text``."""
    text = normalise(key_text)
    group = f"{task}/{lang}"
    return Fingerprint(group, _digest(group, text), list(shingles(text)))


class Deduper:
    """Remembers what was accepted; ``check`` names the record a new one duplicates."""

    def __init__(self, threshold: float = THRESHOLD, num_perm: int = NUM_PERM) -> None:
        from datasketch import MinHash  # lazy: numpy/scipy import time

        self.threshold = threshold
        self.num_perm = num_perm
        self._template = MinHash(num_perm=num_perm, seed=1)  # its permutations are reused
        self._exact: dict[str, str] = {}
        self._lsh: dict[str, Any] = {}
        self._shingles: dict[str, Any] = {}  # id -> sorted unique uint32 shingle hashes

    def _minhash(self, fp: Fingerprint) -> Any:
        from datasketch import MinHash

        if fp.minhash is not None:
            return fp.minhash
        mh = fp.minhash = MinHash(
            num_perm=self.num_perm,
            seed=1,
            permutations=self._template.permutations,
            scheme=self._template.scheme,
        )
        mh.update_batch(fp.grams)
        return mh

    def prepare(self, fp: Fingerprint) -> Fingerprint:
        """Compute what ``check`` and ``add`` need of ``fp`` now (a Ray worker does, so the
        driver that de-duplicates spends no CPU on it)."""
        self._minhash(fp)
        _ = fp.hashes
        return fp

    def check(self, fp: Fingerprint) -> tuple[str, str] | None:
        """``(kind, id)`` of an accepted record this fingerprint duplicates, else None."""
        exact = self._exact.get(fp.digest)
        if exact is not None:
            return "exact", exact
        lsh = self._lsh.get(fp.group)
        if lsh is None:
            return None
        mh = self._minhash(fp)
        for other in lsh.query(mh):
            if _jaccard(fp.hashes, self._shingles[other]) >= self.threshold:
                return "near", str(other)
        return None

    def add(self, record_id: str, fp: Fingerprint) -> None:
        from datasketch import MinHashLSH

        self._exact[fp.digest] = record_id
        lsh = self._lsh.get(fp.group)
        if lsh is None:
            lsh = self._lsh[fp.group] = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=self.num_perm)
        if record_id in self._shingles:
            return
        self._shingles[record_id] = fp.hashes
        lsh.insert(record_id, self._minhash(fp))

    def __len__(self) -> int:
        return len(self._shingles)


def _hashes(grams: list[bytes]) -> Any:
    import numpy as np

    values = [int.from_bytes(hashlib.blake2b(g, digest_size=4).digest(), "little") for g in grams]
    return np.unique(np.asarray(values, dtype=np.uint32))


def _jaccard(a: Any, b: Any) -> float:
    import numpy as np

    shared = len(np.intersect1d(a, b, assume_unique=True))
    union = len(a) + len(b) - shared
    return shared / union if union else 1.0


def _digest(group: str, text: str) -> str:
    return hashlib.sha256(f"{group}\x1f{text}".encode()).hexdigest()
