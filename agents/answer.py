"""The final edit and the answer: what the patient reads.

After the bounded revision rounds, whatever the reviewer still faults is fixed here the way a
clinician edits a text before signing it, by deletion and quotation only (never new claims):
the sentences the findings point at (doses, certainty, wrong levels, unsupported or uncited
claims) are cut by their spans, identifiers are scrubbed, and when no evidence sentence survives,
the opening sentences of the best sources are quoted with their numbers.

The answer is kept as structure, :class:`Answer`: the lead (what to do now, when triage found red
flags), the parts (for you, what the evidence says, next steps), the numbered sources and the
educational notice. The chat text, the UI's stream and the evaluations all render from it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field

from agents import prompts
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
from tools.tokens import tokenize

__all__ = ["Answer", "AnswerPart", "Citation", "compose", "final_edit", "finalize"]

STRUCK = ("levels_agree", "claims_cited", "claims_supported", "red_flags_addressed", "no_overreach")
QUOTED_SOURCES = 2
QUOTE_CHARS = 320
_SENTENCE_END = re.compile(r".+?(?:[.!?](?=\s|$)|[。！？]|$)", re.DOTALL)
MIN_QUOTE_WORDS = 8
_NO_WORDS = re.compile(r"^[\W_]*$")


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
    quotes: list[str] = Field(default_factory=list, description="“sentence” [n], quoted as is")

    def render(self) -> str:
        head = f"{self.heading} {self.text}".strip()
        return "\n\n".join([head, *(f"- {q}" for q in self.quotes)])


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


def _quote(evidence: Sequence[Evidence], question: str) -> list[str]:
    """From each of the best sources, the sentence that shares most words with the question
    (the earlier one on a tie), with its source number."""
    asked = set(tokenize(question))
    quotes = []
    for n, e in enumerate(evidence[:QUOTED_SOURCES], 1):
        prose = " ".join(
            line for line in e.body.splitlines() if line.strip() and line.lstrip()[0] not in "#|"
        )
        candidates = [m.group(0).strip() for m in _SENTENCE_END.finditer(" ".join(prose.split()))]
        candidates = [c for c in candidates if len(c.split()) >= MIN_QUOTE_WORDS] or candidates
        if not candidates:
            continue
        best = max(candidates, key=lambda c: (len(asked & set(tokenize(c))), -candidates.index(c)))
        if len(best) > QUOTE_CHARS:
            best = best[:QUOTE_CHARS].rsplit(" ", 1)[0] + " …"
        quotes.append(f"“{best}” [{n}]")
    return quotes


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


def final_edit(
    draft: str, verdict: Review, evidence: Sequence[Evidence], lang: str, question: str = ""
) -> tuple[list[AnswerPart], list[str]]:
    """The draft's parts with what the reviewer still faults struck out; and a line per edit."""
    heads = prompts.SECTION_HEADINGS[lang]
    edits: list[str] = []
    failed: dict[str, Finding] = {f.criterion: f for f in verdict.failed}
    struck: list[tuple[int, int]] = []
    for criterion in STRUCK:
        finding = failed.get(criterion)
        for start, end in finding.sentences if finding else []:
            if (start, end) not in struck:
                struck.append((start, end))
                edits.append(f"struck ({criterion}): {draft[start:end]}")
    text = _cut(draft, struck)
    if "deidentified" in failed:
        text = deidentify_text(text).text
        edits.insert(0, "identifiers replaced by tags")
    text = "\n".join(line for line in text.splitlines() if not _NO_WORDS.match(line.strip(" -*•>")))
    text, repeats = _drop_repeats(text)
    if repeats:
        edits.append(f"struck {repeats} repeated sentence(s)")
    found = sections(text)
    patient = " ".join(filter(None, [found.get("preamble", ""), found.get("patient", "")]))
    parts = []
    if patient.strip():
        parts.append(AnswerPart(kind="patient", heading=heads["patient"], text=patient.strip()))
    said = sentences(found.get("evidence", ""))
    if said:
        parts.append(AnswerPart(kind="evidence", heading=heads["evidence"], text=" ".join(said)))
    elif evidence:
        quotes = _quote(evidence, question)
        fallback = prompts.EVIDENCE_FALLBACK[lang]
        parts.append(
            AnswerPart(kind="evidence", heading=heads["evidence"], text=fallback, quotes=quotes)
        )
        edits.append(f"quoted the top {min(len(evidence), QUOTED_SOURCES)} source(s)")
    else:
        parts.append(
            AnswerPart(kind="evidence", heading=heads["evidence"], text=prompts.NO_EVIDENCE[lang])
        )
    if found.get("next"):
        parts.append(AnswerPart(kind="next", heading=heads["next"], text=found["next"]))
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


async def finalize(state: Mapping[str, Any]) -> dict[str, Any]:
    """LangGraph node: the final edit of the reviewed draft and the answer."""
    facts = state["facts"]
    evidence = state.get("evidence") or []
    verdict: Review = state["review"]
    draft = state.get("draft") or ""
    parts, edits = final_edit(draft, verdict, evidence, facts.lang, facts.query)
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
