"""The final edit and the answer: what the patient reads.

After the bounded revision rounds, whatever the reviewer still faults is fixed here the way a
clinician edits a text before signing it, by deletion and quotation only (never new claims):
the sentences the findings point at (doses, certainty, wrong levels, unsupported or uncited
claims) are cut by their spans, identifiers are scrubbed, repeated sentences go, and a
plain-language part that is degenerate (a phrase said over and over, words that share almost
nothing with the question and the sources, an alarming word such as "lethal" that no source uses)
is struck whole. A part that does not survive is filled with the source sentences that best
answer the question (:mod:`agents.extract`), quoted with their numbers.

The answer is kept as structure, :class:`Answer`: the lead (what to do now, when triage found red
flags), the parts (for you, what the evidence says, next steps), the numbered sources and the
educational notice. The chat text, the UI's stream and the evaluations all render from it.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field, field_validator

from agents import prompts
from agents.extract import Bm25Ranker, EmbeddingRanker, PartKind, Quote, Ranker, extract
from agents.question import Kind
from agents.retriever import Evidence
from agents.reviewer import (
    CITATION,
    Finding,
    Review,
    RevisionRound,
    read_draft,
    sections,
    sentences,
)
from tools.deid import deidentify_text
from tools.embedding import EmbeddingError
from tools.tokens import language_of, tokenize

if TYPE_CHECKING:
    from tools.settings import Settings

__all__ = [
    "Answer",
    "AnswerPart",
    "Citation",
    "Quote",
    "compose",
    "degenerate",
    "final_edit",
    "finalize",
]

STRUCK = ("levels_agree", "claims_cited", "claims_supported", "red_flags_addressed", "no_overreach")
_NO_WORDS = re.compile(r"^[\W_]*$")
REPEAT_WORDS = 6  # a run of this many words said twice in a plain part: the model is looping
REPEAT_CHARS = 12  # the same for Chinese text: characters (digits and letters included)
SAID_OVER = 5  # a word said this often, a quarter of all the words: a list that loops
ON_TOPIC_MIN = 0.2  # share of a plain part's words found in the question or the sources
ALARMING = re.compile(
    r"\b(?:lethal|fatal|deadly|death|die|dies|dying|terminal|incurable|life[- ]threatening"
    r"|paraly[sz]ed for life|crippl\w*|won'?t survive)\b"
    r"|致命|致死|死亡|绝症|不治之症|终身瘫痪|活不过|活不长|会死|危及生命|丧命|送命",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_RENDERED = re.compile(r"^“(?P<text>.*)” \[(?P<n>\d+)\]$", re.DOTALL)


class Citation(BaseModel):
    """A numbered source of the answer."""

    n: int = Field(description="the number the answer cites, [n]")
    chunk_id: str
    title: str
    section: str
    citation: str = Field(description="the public source: organisation, year, title, DOI/URL")
    cited: bool = Field(description="the answer's text cites it")
    excerpt: str = Field(description="the chunk's text, for a side panel")
    page: int | None = None


class AnswerPart(BaseModel):
    """One part of the answer under its heading; ``quotes`` are source sentences, one a line."""

    kind: Literal["patient", "evidence", "next", "clinician"]
    heading: str = Field(description="as the reader sees it, e.g. 'For you:' ('' for none)")
    text: str
    quotes: list[Quote] = Field(default_factory=list, description="source sentences, as is")

    @field_validator("quotes", mode="before")
    @classmethod
    def _rendered(cls, value: Any) -> Any:
        """A checkpoint from before quotes were structure holds them rendered: “…” [n]."""
        if not isinstance(value, list):
            return value
        found = []
        for q in value:
            m = _RENDERED.match(q) if isinstance(q, str) else None
            found.append({"text": m["text"], "n": int(m["n"])} if m else q)
        return found

    def render(self) -> str:
        head = f"{self.heading} {self.text}".strip()
        return "\n\n".join(b for b in [head, *(f"- {q.render()}" for q in self.quotes)] if b)


class Answer(BaseModel):
    """What the patient reads, as parts; :attr:`text` is the chat message."""

    lang: str
    lead: str = Field("", description="what to do now, when triage found red flags")
    parts: list[AnswerPart]
    sources: list[Citation] = Field(default_factory=list)
    notice: str = Field("", description="the educational notice")

    def _said(self) -> list[str]:
        return [b for b in [self.lead, *(p.render() for p in self.parts)] if b]

    def blocks(self) -> list[str]:
        """The paragraphs of the message in order (lead, parts, sources, notice)."""
        blocks = self._said()
        if sources := self.sources:
            heading = prompts.SECTION_HEADINGS[self.lang]["sources"]
            lines = [f"[{c.n}] {c.title} — {_sentence(c.section)} {c.citation}" for c in sources]
            blocks.append("\n".join([f"**{heading}**", *lines]))
        blocks.append(f"_{self.notice}_" if self.notice else "")
        return [b for b in blocks if b]

    @property
    def text(self) -> str:
        return "\n\n".join(self.blocks())

    @property
    def body(self) -> str:
        """The lead and the parts: the answer without its sources and notice (for metrics)."""
        return "\n\n".join(self._said())

    @classmethod
    def by_clinician(cls, text: str, lang: str) -> Answer:
        """The answer a clinician wrote instead: their words only."""
        return cls(lang=lang, parts=[AnswerPart(kind="clinician", heading="", text=text)])


def _cut(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` without the given character spans (overlaps allowed)."""
    kept, at = [], 0
    for start, end in sorted(spans):
        if start > at:
            kept.append(text[at:start])
        at = max(at, end)
    return "".join(kept) + text[at:]


def _drop_repeats(text: str) -> tuple[str, int]:
    """Strike sentences said before (small models loop); the first saying stays."""
    seen: set[str] = set()
    repeats = []
    for sentence in read_draft(text):
        key = " ".join(sentence.text.lower().split())
        if key in seen:
            repeats.append((sentence.start, sentence.end))
        seen.add(key)
    return _cut(text, repeats), len(repeats)


def _lines(text: str) -> str:
    """``text`` without the blank lines that struck sentences leave behind."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _repeated_phrase(text: str) -> str | None:
    """A run of words (of Chinese text's characters) said at least twice in ``text``, or None."""
    words = _WORD.findall(text.lower())
    seen: set[tuple[str, ...]] = set()
    for i in range(len(words) - REPEAT_WORDS + 1):
        gram = tuple(words[i : i + REPEAT_WORDS])
        if gram in seen:
            return " ".join(gram)
        seen.add(gram)
    counted = Counter(w for w in words if len(w) > 3 and not w.isdigit())
    if counted and len(words) >= 2 * SAID_OVER:
        word, times = counted.most_common(1)[0]
        if times >= SAID_OVER and times * 4 >= len(words):
            return f"{word} ×{times}"
    if _CJK_RUN.search(text):
        chars = "".join(text.split())
        for i in range(len(chars) - REPEAT_CHARS + 1):
            run = chars[i : i + REPEAT_CHARS]
            if _CJK_RUN.search(run) and chars.find(run, i + REPEAT_CHARS) >= 0:
                return run
    return None


def degenerate(text: str, question: str, evidence: Sequence[Evidence]) -> str | None:
    """Why a plain-language part is not fit for the patient (None when it is): a phrase said
    over and over, words that share almost nothing with the question and the sources, or an
    alarming word that no source uses."""
    if not text.strip():
        return None
    if phrase := _repeated_phrase(text):
        return f"a phrase repeated: “{phrase}”"
    sources = " ".join(e.text for e in evidence)
    if not ALARMING.search(sources):  # a source that uses such words allows them
        alarming = sorted({m.group(0).lower() for m in ALARMING.finditer(text)})
        if alarming:
            return f"an alarming word no source uses: {', '.join(alarming)}"
    lang = language_of(text)
    if any(e.lang == lang for e in evidence):  # words compare within one language only
        words = set(tokenize(CITATION.sub("", text)))
        known = set(tokenize(question)).union(*(e.words for e in evidence))
        if len(words) >= 4 and len(words & known) / len(words) < ON_TOPIC_MIN:
            return "it shares almost nothing with the question and the sources"
    return None


def final_edit(
    draft: str,
    verdict: Review,
    evidence: Sequence[Evidence],
    lang: str,
    question: str = "",
    *,
    kind: Kind = "general",
    levels: Sequence[str] = (),
    ranker: Ranker | None = None,
) -> tuple[list[AnswerPart], list[str]]:
    """The draft's parts with what the reviewer still faults struck out, a part that did not
    survive quoted from the sources (``ranker``: sentence similarity, BM25 when None); and a
    line per edit."""
    heads = prompts.SECTION_HEADINGS[lang]
    edits: list[str] = []
    failed: dict[str, Finding] = {f.criterion: f for f in verdict.failed}
    struck: list[tuple[int, int]] = []
    for criterion in STRUCK:
        finding = failed.get(criterion)
        said_again: Counter[str] = Counter()  # a looping model says one sentence many times
        for start, end in finding.sentences if finding else []:
            if (start, end) not in struck:
                struck.append((start, end))
                said_again[draft[start:end]] += 1
        for sentence, times in said_again.items():
            edits.append(f"struck ({criterion}){f' ×{times}' if times > 1 else ''}: {sentence}")
    text = _cut(draft, struck)
    if "deidentified" in failed:
        text = deidentify_text(text).text
        edits.insert(0, "identifiers replaced by tags")
    text = "\n".join(line for line in text.splitlines() if not _NO_WORDS.match(line.strip(" -*•>")))
    text, repeats = _drop_repeats(text)
    if repeats:
        edits.append(f"struck {repeats} repeated sentence(s)")
    found = sections(text)
    said: dict[PartKind, str] = {
        "patient": " ".join(filter(None, [found.get("preamble", ""), found.get("patient", "")])),
        "evidence": " ".join(sentences(found.get("evidence", ""))),
        "next": found.get("next", ""),
    }
    said = {part: _lines(words) for part, words in said.items()}
    plain: tuple[PartKind, ...] = ("patient", "next")
    for part in plain:
        if reason := degenerate(said[part], question, evidence):
            edits.append(f"struck the {heads[part].rstrip(':：')} part ({reason}): {said[part]}")
            said[part] = ""
    missing = [p for p, words in said.items() if not words.strip()]
    quotes: dict[PartKind, list[Quote]] = {}
    if missing and evidence:
        ranker = ranker or Bm25Ranker()
        quotes = extract(question, kind, levels, evidence, lang, ranker, missing)
        if quotes:
            counted = ", ".join(f"{heads[p].rstrip(':：')} {len(q)}" for p, q in quotes.items())
            edits.append(f"quoted source sentences for the parts that did not survive: {counted}")
    parts = []
    noted = False
    for part in said:
        if said[part].strip():
            parts.append(AnswerPart(kind=part, heading=heads[part], text=said[part].strip()))
        elif part in quotes:
            note = "" if noted else prompts.QUOTED_NOTE[lang]
            noted = True
            parts.append(AnswerPart(kind=part, heading=heads[part], text=note, quotes=quotes[part]))
        elif part == "evidence":
            parts.append(AnswerPart(kind=part, heading=heads[part], text=prompts.NO_EVIDENCE[lang]))
    return parts, edits


def _citations(parts: Sequence[AnswerPart], evidence: Sequence[Evidence]) -> list[Citation]:
    cited = {int(n) for p in parts for n in CITATION.findall(p.render())}
    return [
        Citation(
            n=n,
            chunk_id=e.chunk_id,
            title=e.title,
            section=e.section,
            citation=e.citation,
            cited=n in cited,
            excerpt=e.text,
            page=e.page,
        )
        for n, e in enumerate(evidence, 1)
    ]


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!", "。", "？")) else f"{text}."


def compose(
    parts: Sequence[AnswerPart], *, triage: Any, evidence: Sequence[Evidence], lang: str
) -> Answer:
    """The answer: the lead (red flags), the parts, the numbered sources and the notice."""
    lead = ""
    if triage is not None and triage.level in prompts.TRIAGE_LEADS:
        lead = prompts.TRIAGE_LEADS[triage.level][lang].format(reasons=triage.named(lang))
    return Answer(
        lang=lang,
        lead=lead,
        parts=list(parts),
        sources=_citations(parts, evidence),
        notice=prompts.EDUCATIONAL_NOTICES[lang],
    )


async def finalize(state: Mapping[str, Any], settings: Settings | None = None) -> dict[str, Any]:
    """LangGraph node: the final edit of the reviewed draft and the answer (``settings``: which
    embedder ranks source sentences, for the languages it reads; BM25 otherwise)."""
    facts = state["facts"]
    evidence = state.get("evidence") or []
    verdict: Review = state["review"]
    draft = state.get("draft") or ""
    ranker: Ranker | None = None
    if settings is not None and facts.lang in settings.embedding_languages:
        from tools.embedding import get_embedder

        embedder = get_embedder(settings.embedding_model)
        ranker = EmbeddingRanker(embedder, settings.embedding_batch_size)
    edit = partial(
        final_edit,
        draft,
        verdict,
        evidence,
        facts.lang,
        facts.query,
        kind=facts.kind,
        levels=list(state.get("levels") or []),
    )
    try:
        parts, edits = await asyncio.to_thread(edit, ranker=ranker)
    except EmbeddingError as exc:  # the sentences are ranked by BM25 instead
        parts, edits = await asyncio.to_thread(edit)
        edits.append(f"sentences ranked by BM25: {exc}")
    answer = compose(parts, triage=state.get("triage"), evidence=evidence, lang=facts.lang)
    entry = RevisionRound(
        turn=facts.number,
        round=verdict.round,
        stage="final_edit",
        draft=draft,
        findings=verdict.failed,
        edits=edits,
    )
    return {"answer": answer, "revision_log": [entry]}
