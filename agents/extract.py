"""The extractive answer: the sentences of the retrieved sources that best answer the question.

When a part of the draft does not survive review (struck whole, or degenerate), the final edit
(:mod:`agents.answer`) fills it with source sentences, quoted as written with their source
numbers: deletion and quotation only, never a new claim. This module picks them.

Every sentence of every retrieved source (in the question's language when a source in that
language exists) is scored by

- how well it answers the question: cosine similarity of the bundled MiniLM embeddings for a
  language the embedder reads (English), BM25 over the candidate sentences otherwise (Chinese),
  scaled to the same range;
- the kind of question (:mod:`agents.question`): similarity to the kind's words as well, and a
  sentence, or the heading of its section, that carries the kind's cues (treatment words for
  "what are my options", recovery words for "will it get better") ranks higher;
- level agreement: a sentence naming a level of this consultation ranks higher, one naming only
  other levels lower;
- the retriever's order of its source, a little;
- guidance before stories: a case report's sentence ranks lower, and so does one that opens by
  pointing back ("This typically means …").

The best sentence answers "for you", the next ones (from other sources first) are "what the
evidence says", and the best remaining sentence that says what to do ("seek", "refer", 复查 …)
is "next steps". Near-repeats (a translation or a paraphrase of a chosen sentence) are skipped.
Embeddings of source sentences are cached per process: the corpus does not change under a
running consult, so a warm consult embeds only the question.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel, Field

from agents.question import KIND_CUES, NEXT_CUES, Kind, search_words
from agents.retriever import Evidence
from agents.reviewer import agrees
from tools import levels as lv
from tools.tokens import letter_counts, tokenize

if TYPE_CHECKING:
    from tools.embedding import Embedder

__all__ = [
    "Bm25Ranker",
    "Candidate",
    "EmbeddingRanker",
    "Quote",
    "Ranker",
    "candidates",
    "extract",
    "rank",
]

PartKind = Literal["patient", "evidence", "next"]
QUOTE_CHARS = 320
MIN_WORDS = 8  # an English sentence shorter than this says too little to quote alone
MIN_CJK = 12  # a Chinese sentence: characters
PER_PART: dict[PartKind, int] = {"patient": 1, "evidence": 2, "next": 1}
SIMILAR = 0.5  # token Jaccard above which a sentence repeats one already chosen
W_KIND, W_SECTION, W_LEVEL, W_OTHER_LEVEL, W_RANK, W_NEXT = 0.15, 0.1, 0.1, 0.2, 0.05, 0.2
W_CASE = 0.3  # a case report tells one patient's course: guidance answers this patient better
W_ASKED = 0.5  # similarity to the kind's words ("treatment options: …"), against the question's
W_ANAPHOR = 0.1  # "This typically means …" leans on the sentence before it
_ANAPHOR = re.compile(  # also a list item that goes on from a lead-in ("do not offer …")
    r"^(?:[a-z]|(?:This|These|That|Those|It|They|Such|He|She|Its|Their)\b)|^(?:这|此|该|其|他|她|它)"
)
BM25_SCALE = 0.6  # BM25 scores (0..1 after scaling by the best) against MiniLM cosines
_SENTENCE_END = re.compile(r".+?(?:[.!?](?=\s|$)|[。！？]|$)", re.DOTALL)
_LIST_MARK = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_EMPHASIS = re.compile(r"\*\*|__|`|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)")


class Quote(BaseModel):
    """A source sentence as the answer quotes it: the sentence as written and its number."""

    text: str
    n: int = Field(description="the source's number in the answer, [n]")

    def render(self) -> str:
        return f"“{self.text}” [{self.n}]"


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved source."""

    text: str
    n: int  # the source's number (1-based, the evidence order)
    section: str
    levels: tuple[str, ...]
    case: bool  # from a case report


class Ranker(Protocol):
    """Similarity of each sentence to the question, roughly in [0, 1]."""

    def similarity(self, question: str, sentences: Sequence[str]) -> list[float]: ...


class Bm25Ranker:
    """BM25 (bm25s, as the retriever's lexical side: k1 1.5, b 0.75) of the question against the
    candidate sentences as the corpus, scaled by the best score: no model, reads Chinese through
    CJK unigrams and bigrams."""

    def similarity(self, question: str, sentences: Sequence[str]) -> list[float]:
        if not sentences:
            return []
        import bm25s

        model = bm25s.BM25()
        model.index([tokenize(s) or [""] for s in sentences], show_progress=False)
        asked = [t for t in dict.fromkeys(tokenize(question)) if t in model.vocab_dict]
        if not asked:
            return [0.0] * len(sentences)
        scores = model.get_scores(asked)
        top = float(scores.max()) or 1.0
        return [BM25_SCALE * float(s) / top for s in scores]


class EmbeddingRanker:
    """Cosine similarity of sentence embeddings (the bundled MiniLM); source sentences are
    embedded once per process (a bounded cache), the question every time."""

    CACHE = 8192
    _vectors: OrderedDict[tuple[str, str], Any] = OrderedDict()
    _lock = threading.Lock()

    def __init__(self, embedder: Embedder, batch_size: int = 32) -> None:
        self.embedder = embedder
        self.batch_size = batch_size

    def _embed(self, texts: Sequence[str]) -> list[Any]:
        name = self.embedder.name
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if (name, t) not in self._vectors]
        fresh: Any = self.embedder.embed(missing, batch_size=self.batch_size) if missing else []
        with self._lock:
            for text, vector in zip(missing, fresh, strict=True):
                self._vectors[(name, text)] = vector
            found = []
            for t in texts:
                self._vectors.move_to_end((name, t))
                found.append(self._vectors[(name, t)])
            while len(self._vectors) > self.CACHE:
                self._vectors.popitem(last=False)
        return found

    def similarity(self, question: str, sentences: Sequence[str]) -> list[float]:
        if not sentences:
            return []
        asked = self.embedder.embed([question], batch_size=1)[0]
        return [float(asked @ v) for v in self._embed(sentences)]


def _sentences(body: str) -> list[str]:
    """The prose sentences of a chunk: list items count, headings, tables and notes do not."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in body.splitlines():
        text = line.strip()
        item = _LIST_MARK.match(line)
        skipped = not text or text[0] in "#|>!"
        if (skipped or item) and current:
            paragraphs.append(" ".join(current))
            current = []
        if not skipped:
            current.append(_EMPHASIS.sub("", _LIST_MARK.sub("", text) if item else text))
    if current:
        paragraphs.append(" ".join(current))
    return [
        m.group(0).strip()
        for paragraph in paragraphs
        for m in _SENTENCE_END.finditer(" ".join(paragraph.split()))
        if m.group(0).strip()
    ]


def _long_enough(sentence: str) -> bool:
    cjk, _ = letter_counts(sentence)
    return cjk >= MIN_CJK if cjk else len(sentence.split()) >= MIN_WORDS


def _clip(sentence: str) -> str:
    if len(sentence) <= QUOTE_CHARS:
        return sentence
    cut = sentence[:QUOTE_CHARS]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + " …"


def candidates(evidence: Sequence[Evidence], lang: str) -> list[Candidate]:
    """Every quotable sentence of the sources, from those in ``lang`` when there are any."""
    own = [e.lang == lang for e in evidence]
    found = []
    for n, e in enumerate(evidence, 1):
        if any(own) and not own[n - 1]:
            continue
        for sentence in _sentences(e.body):
            if _long_enough(sentence) and not sentence.rstrip().endswith(("?", "？")):
                named = tuple(lv.find_levels(sentence))
                found.append(Candidate(_clip(sentence), n, e.section, named, e.kind == "case"))
    return found


@dataclass(frozen=True)
class _Scored:
    candidate: Candidate
    score: float
    words: frozenset[str]


def _agreement(named: Sequence[str], levels: Sequence[str]) -> float:
    if not named or not levels:
        return 0.0
    return W_LEVEL if any(agrees(n, levels) for n in named) else -W_OTHER_LEVEL


def rank(
    question: str,
    kind: Kind,
    levels: Sequence[str],
    evidence: Sequence[Evidence],
    lang: str,
    ranker: Ranker,
) -> list[_Scored]:
    """The candidate sentences, best answer first."""
    found = candidates(evidence, lang)
    if not found:
        return []
    texts = [c.text for c in found]
    similarity = ranker.similarity(question, texts)
    if asked := search_words(kind, lang):
        for i, sim in enumerate(ranker.similarity(asked, texts)):
            similarity[i] += W_ASKED * sim
    cue = KIND_CUES[kind]
    total = max(len(evidence), 1)
    scored = []
    for c, sim in zip(found, similarity, strict=True):
        score = sim + W_RANK * (1 - (c.n - 1) / total) - W_ANAPHOR * bool(_ANAPHOR.match(c.text))
        score += W_KIND * bool(cue.search(c.text)) + W_SECTION * bool(cue.search(c.section))
        score += _agreement(c.levels, levels) - W_CASE * c.case
        scored.append(_Scored(c, score, frozenset(tokenize(c.text))))
    return sorted(scored, key=lambda s: -s.score)


def _repeats(words: frozenset[str], chosen: Sequence[_Scored]) -> bool:
    return any(
        len(words & c.words) / max(len(words | c.words), 1) > SIMILAR for c in chosen if words
    )


def extract(
    question: str,
    kind: Kind,
    levels: Sequence[str],
    evidence: Sequence[Evidence],
    lang: str,
    ranker: Ranker,
    parts: Sequence[PartKind] = ("patient", "evidence", "next"),
) -> dict[PartKind, list[Quote]]:
    """The quotes for each of ``parts`` (a part with no fitting sentence is left out)."""
    ranked = rank(question, kind, levels, evidence, lang, ranker)
    chosen: list[_Scored] = []
    quotes: dict[PartKind, list[Quote]] = {}

    def take(pool: Sequence[_Scored], count: int) -> list[Quote]:
        taken: list[Quote] = []
        for s in pool:
            if len(taken) == count:
                break
            if s in chosen or _repeats(s.words, chosen):
                continue
            chosen.append(s)
            taken.append(Quote(text=s.candidate.text, n=s.candidate.n))
        return taken

    first: tuple[PartKind, ...] = ("patient", "evidence")
    for part in first:
        if part in parts:
            pool = ranked
            if part == "evidence":  # other sources first, so the evidence adds to "for you"
                used = {c.candidate.n for c in chosen}
                pool = sorted(ranked, key=lambda s: s.candidate.n in used)
            if taken := take(pool, PER_PART[part]):
                quotes[part] = taken
    if "next" in parts:
        now = KIND_CUES["now"]
        acting = [
            s for s in ranked if NEXT_CUES.search(s.candidate.text) or now.search(s.candidate.text)
        ]
        acting.sort(key=lambda s: -(s.score + W_NEXT * bool(NEXT_CUES.search(s.candidate.text))))
        if taken := take(acting, PER_PART["next"]):
            quotes["next"] = taken
    return {p: quotes[p] for p in parts if p in quotes}
