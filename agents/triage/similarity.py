"""The similarity net of triage: each clause against exemplar sentences of every red flag.

A rule fires only on wording someone wrote a rule for. The net reads the same text another way:
every clause is compared with a bank of short red-flag sentences (``exemplars.json``: positives
per code, and near misses that must not fire — negated, resolved, worried, a relative's) and a
clause that is close to a red flag, and closer to it than to any near miss by a margin, raises
that flag with the clause as evidence. English clauses are compared by MiniLM sentence embeddings
(the bundled model, cosine similarity); Chinese ones by character-bigram cosine (MiniLM reads
English only), unless ``SPINE_EMBEDDING_LANGUAGES`` says the configured model reads Chinese.
A clause that is hypothetical or asked about, denies a symptom, is a worry, or says the
symptom went away or is long-standing is no evidence (``engine.asserts_present``). The
thresholds were chosen on a development set (README, Triage); the net only ever adds flags.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agents.triage.engine import asserts_present, clause_spans, is_hypothetical
from agents.triage.models import CODES, RedFlag, flag
from tools.files import atomic_write

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["Exemplars", "SimilarityNet", "Thresholds", "load_exemplars"]

_CJK = re.compile(r"[\u3400-\u9fff]")
# Flags that need two facts (an injury and the tingling; fragile bones and the fall): one clause
# like an exemplar is not enough, so the net leaves them to the rules.
_TWO_FACTS = frozenset({"neck_injury_paraesthesia", "minor_trauma_fragility"})
_WORDS = re.compile(r"[a-z']+")


@dataclass(frozen=True)
class Thresholds:
    """When a clause raises a flag: similarity to the code's nearest exemplar at least ``floor``
    and above the nearest near miss by at least ``margin``."""

    floor: float
    margin: float


# Chosen on the development set (tests/agents/data/triage_vignettes_v3_dev.jsonl); see README.
EN = Thresholds(floor=0.60, margin=0.05)
ZH = Thresholds(floor=0.30, margin=0.05)


@dataclass(frozen=True)
class Exemplars:
    """The bank: positive sentences per code and language, near misses per language."""

    positive: dict[str, dict[str, list[str]]]
    negative: dict[str, list[str]]


def load_exemplars() -> Exemplars:
    """The bundled bank (``agents/triage/exemplars.json``), checked against the known codes."""
    raw = json.loads((files("agents.triage") / "exemplars.json").read_text("utf-8"))
    unknown = sorted(set(raw["positive"]) - set(CODES))
    if unknown:
        raise ValueError(f"exemplars.json: unknown code(s) {', '.join(unknown)}")
    return Exemplars(positive=raw["positive"], negative=raw["negative"])


def _bigrams(text: str) -> Counter[str]:
    chars = "".join(_CJK.findall(text))
    return Counter(chars[i : i + 2] for i in range(len(chars) - 1)) or Counter(chars)


def _cosine(a: Counter[str] | dict[str, float], b: Counter[str] | dict[str, float]) -> float:
    dot = sum(v * b[k] for k, v in a.items() if k in b)
    if not dot:
        return 0.0
    return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))


class SimilarityNet:
    """Clause-level nearest-exemplar matching; thread-safe, loads its model on first use."""

    def __init__(
        self,
        embedder: Any,
        *,
        exemplars: Exemplars | None = None,
        embed_zh: bool = False,
        en: Thresholds = EN,
        zh: Thresholds = ZH,
        cache_dir: Path | None = None,
    ) -> None:
        self.embedder = embedder
        self.bank = exemplars or load_exemplars()
        self.cache_dir = cache_dir
        self.embed_zh = embed_zh
        self.thresholds = {"en": en, "zh": zh}
        self._lock = threading.Lock()
        self._cache: dict[str, npt.NDArray[np.float32]] = {}

    @cached_property
    def _labels(self) -> dict[str, list[str | None]]:
        """Per language, the code of each bank row (None: a near miss)."""
        out: dict[str, list[str | None]] = {}
        for lang in ("en", "zh"):
            rows: list[str | None] = []
            for code, by_lang in self.bank.positive.items():
                rows += [code] * len(by_lang.get(lang, []))
            rows += [None] * len(self.bank.negative.get(lang, []))
            out[lang] = rows
        return out

    def _texts(self, lang: str) -> list[str]:
        texts = [t for by_lang in self.bank.positive.values() for t in by_lang.get(lang, [])]
        return texts + list(self.bank.negative.get(lang, []))

    def _bank_vectors(self, lang: str) -> npt.NDArray[np.float32]:
        """The bank's vectors, embedded once per model and bank (kept in ``cache_dir``)."""
        import numpy as np

        texts = self._texts(lang)
        if self.cache_dir is None:
            return self.embedder.embed(texts)  # type: ignore[no-any-return]
        key = hashlib.sha256(json.dumps([self.embedder.name, texts]).encode()).hexdigest()[:16]
        path = self.cache_dir / f"exemplars-{lang}-{key}.npy"
        try:
            vectors = np.load(path)
            if vectors.shape[0] == len(texts):
                return vectors  # type: ignore[no-any-return]
        except (OSError, ValueError):
            pass  # absent or unreadable: embed again
        vectors = self.embedder.embed(texts)
        buffer = io.BytesIO()
        np.save(buffer, vectors)
        try:
            atomic_write(path, buffer.getvalue())
        except OSError:
            pass  # a read-only home still triages, only more slowly at start
        return vectors  # type: ignore[no-any-return]

    @cached_property
    def _en_matrix(self) -> npt.NDArray[np.float32]:
        return self._bank_vectors("en")

    @cached_property
    def _zh_matrix(self) -> npt.NDArray[np.float32]:
        return self._bank_vectors("zh")

    @cached_property
    def _idf(self) -> dict[str, float]:
        """Bigram weights over the Chinese bank: words every exemplar shares (腰痛, 最近) count
        little, the ones that name a red flag count most."""
        grams = [_bigrams(t) for t in self._texts("zh")]
        df = Counter(g for c in grams for g in c)
        return {g: math.log((1 + len(grams)) / (1 + n)) + 1 for g, n in df.items()}

    @cached_property
    def _unseen_weight(self) -> float:
        return max(self._idf.values(), default=1.0)  # a bigram no exemplar has

    def _weighted(self, text: str) -> dict[str, float]:
        idf, unseen = self._idf, self._unseen_weight
        return {g: n * idf.get(g, unseen) for g, n in _bigrams(text).items()}

    @cached_property
    def _zh_grams(self) -> list[dict[str, float]]:
        return [self._weighted(t) for t in self._texts("zh")]

    def _embed(self, clauses: Sequence[str]) -> npt.NDArray[np.float32]:
        """Clause vectors, each clause embedded once per process (earlier turns come back)."""
        import numpy as np

        with self._lock:
            new = [c for c in dict.fromkeys(clauses) if c not in self._cache]
            if new:
                for clause, vector in zip(new, self.embedder.embed(new), strict=True):
                    if len(self._cache) > 4096:
                        self._cache.clear()
                    self._cache[clause] = vector
            return np.stack([self._cache[c] for c in clauses])

    def scores(self, clause_texts: Sequence[str], lang: str) -> list[list[float]]:
        """Similarity of each clause to every bank row of ``lang`` (rows as in ``_labels``)."""
        if not clause_texts:
            return []
        if lang == "en" or self.embed_zh:
            with self._lock:
                matrix = self._en_matrix if lang == "en" else self._zh_matrix
            return (self._embed(clause_texts) @ matrix.T).tolist()  # type: ignore[no-any-return]
        grams = self._zh_grams
        weighted = [self._weighted(c) for c in clause_texts]
        return [[_cosine(w, g) for g in grams] for w in weighted]

    def find(self, text: str) -> list[RedFlag]:
        """Red flags whose exemplars some clause of ``text`` is close to (one per code)."""
        by_lang: dict[str, list[tuple[int, int]]] = {"en": [], "zh": []}
        for start, end in clause_spans(text):
            clause = text[start:end]
            is_zh = bool(_CJK.search(clause))
            if len(_CJK.findall(clause)) < 5 if is_zh else len(_WORDS.findall(clause.lower())) < 4:
                continue
            if is_hypothetical(text, start, end):
                continue
            by_lang["zh" if is_zh else "en"].append((start, end))
        best: dict[str, RedFlag] = {}
        for lang, spans in by_lang.items():
            limits = self.thresholds[lang]
            labels = self._labels[lang]
            for (start, end), row in zip(
                spans, self.scores([text[s:e] for s, e in spans], lang), strict=True
            ):
                near_miss = max((v for v, c in zip(row, labels, strict=True) if c is None),
                                default=0.0)  # fmt: skip
                top: dict[str, float] = {}
                for value, code in zip(row, labels, strict=True):
                    if code is not None and value > top.get(code, -1.0):
                        top[code] = value
                for code, value in top.items():
                    if (
                        code in _TWO_FACTS
                        or value < limits.floor
                        or value - near_miss < limits.margin
                    ):
                        continue
                    if asserts_present(text, start, end, code):
                        found = flag(code, text, start, end, layer="similarity",
                                     score=round(value, 3))  # fmt: skip
                        if code not in best or (best[code].score or 0) < value:
                            best[code] = found
        return list(best.values())
