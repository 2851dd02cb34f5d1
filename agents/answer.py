"""The final edit and the answer: what the patient reads.

After the bounded revision rounds, whatever the reviewer still faults is fixed here the way a
clinician edits a text before signing it, by deletion and quotation only (never new claims):
identifiers are scrubbed, sentences with doses, certainty, wrong levels or unsupported or uncited
claims are struck, and when no evidence sentence survives, the opening sentences of the best
sources are quoted with their numbers. The answer then leads with what to do now when triage
found red flags, lists the numbered sources and ends with the educational notice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, Field

from agents import prompts
from agents.localizer import user_texts
from agents.retriever import Evidence
from agents.reviewer import CITATION, Finding, Review, RevisionRound, sections, sentences
from tools.deid import deidentify_text
from tools.tokens import tokenize

__all__ = ["Citation", "compose", "final_edit", "finalize"]

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


def _drop_repeats(text: str) -> tuple[str, int]:
    """Strike sentences said before (small models loop); the first saying stays."""
    seen: set[str] = set()
    dropped = 0
    for sentence in sentences(text):
        key = " ".join(sentence.lower().split())
        if key in seen and text.count(sentence) > 1:
            at = text.rfind(sentence)
            text = text[:at] + text[at + len(sentence) :]
            dropped += 1
        seen.add(key)
    return text, dropped


def final_edit(
    draft: str, verdict: Review, evidence: Sequence[Evidence], lang: str, question: str = ""
) -> tuple[str, list[str]]:
    """The draft with what the reviewer still faults struck out; and a line per edit."""
    heads = prompts.SECTION_HEADINGS[lang]
    edits: list[str] = []
    failed: dict[str, Finding] = {f.criterion: f for f in verdict.failed}
    text = draft
    if "deidentified" in failed:
        text = deidentify_text(text).text
        edits.append("identifiers replaced by tags")
    for criterion in STRUCK:
        finding = failed.get(criterion)
        for quote in finding.quotes if finding else []:
            if quote in text:
                text = text.replace(quote, "", 1)
                edits.append(f"struck ({criterion}): {quote}")
    text = "\n".join(line for line in text.splitlines() if not _NO_WORDS.match(line.strip(" -*•>")))
    text, repeats = _drop_repeats(text)
    if repeats:
        edits.append(f"struck {repeats} repeated sentence(s)")
    parts = sections(text)
    patient = " ".join(filter(None, [parts.get("preamble", ""), parts.get("patient", "")]))
    body = []
    if patient.strip():
        body.append(f"{heads['patient']} {patient.strip()}")
    said = sentences(parts.get("evidence", ""))
    if said:
        body.append(f"{heads['evidence']} {' '.join(said)}")
    elif evidence:
        body.append(f"{heads['evidence']} {prompts.EVIDENCE_FALLBACK[lang]}")
        body.extend(f"- {q}" for q in _quote(evidence, question))
        edits.append(f"quoted the top {min(len(evidence), QUOTED_SOURCES)} source(s)")
    else:
        body.append(f"{heads['evidence']} {prompts.NO_EVIDENCE[lang]}")
    if parts.get("next"):
        body.append(f"{heads['next']} {parts['next']}")
    return "\n\n".join(body), edits


def _citations(body: str, evidence: Sequence[Evidence]) -> list[Citation]:
    cited = {int(n) for n in CITATION.findall(body)}
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
    body: str, *, triage: Any, evidence: Sequence[Evidence], lang: str
) -> tuple[str, list[Citation]]:
    """Lead (red flags) + body + numbered sources + the educational notice."""
    parts = []
    if triage is not None and triage.level in prompts.TRIAGE_LEADS:
        parts.append(prompts.TRIAGE_LEADS[triage.level][lang].format(reasons=triage.named(lang)))
    parts.append(body.strip())
    citations = _citations(body, evidence)
    if citations:
        lines = [f"**{prompts.SECTION_HEADINGS[lang]['sources']}**"]
        lines += [f"[{c.n}] {c.title} — {_sentence(c.section)} {c.citation}" for c in citations]
        parts.append("\n".join(lines))
    parts.append(f"_{prompts.EDUCATIONAL_NOTICES[lang]}_")
    return "\n\n".join(parts), citations


async def finalize(state: Mapping[str, Any]) -> dict[str, Any]:
    """LangGraph node: the final edit of the reviewed draft and the composed answer."""
    lang = state.get("lang") or "en"
    evidence = [Evidence.model_validate(e) for e in state.get("evidence") or []]
    verdict: Review = state["review"]
    texts = user_texts(state.get("messages") or [])
    question = state.get("retrieval_query") or (texts[-1] if texts else "")
    body, edits = final_edit(state.get("draft") or "", verdict, evidence, lang, question)
    answer, citations = compose(body, triage=state.get("triage"), evidence=evidence, lang=lang)
    entry = RevisionRound(
        turn=int(state.get("turn") or 1),
        round=verdict.round,
        stage="final_edit",
        draft=body,
        findings=verdict.failed,
        edits=edits,
    )
    return {"answer": answer, "citations": citations, "revision_log": [entry]}
