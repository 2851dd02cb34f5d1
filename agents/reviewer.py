"""The reviewer agent: checks a draft the way a spine surgeon revises a junior's answer.

The criteria are explicit and versioned (``REVIEW_VERSION``; bump it when a rule changes) and
checked deterministically, so the same draft always gets the same findings:

- ``levels_agree``: the levels the draft names agree with the localized levels;
- ``claims_cited``: every sentence of the evidence part cites a source that exists;
- ``claims_supported``: a cited sentence is backed by the words of the source it cites;
- ``red_flags_addressed``: an urgent or emergency triage is acted on, never played down;
- ``advice_separated``: plain advice for the patient and the evidence are separate parts;
- ``no_overreach``: no drug doses and no surgical certainty beyond the evidence;
- ``deidentified``: no names, record numbers, dates or other identifiers.

``review`` is the node that writes the findings; ``revise`` is the node that asks the model to
rewrite a faulted draft (the graph bounds the rounds). What the model could not fix, the
final edit (:mod:`agents.answer`) fixes by deletion and quotation, never by new claims.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypedDict, TypeVar

from pydantic import BaseModel, Field

from agents import prompts
from agents.generator import (
    COMPACT_EVIDENCE_CHARS,
    EVIDENCE_CHARS,
    LANGUAGES,
    numbered_sources,
    stream_to_graph,
)
from agents.llm import ChatModel, LLMError, system, user
from agents.retriever import Evidence
from tools import levels as lv
from tools.deid import deidentify_text
from tools.tokens import tokenize

__all__ = [
    "CERTAIN",
    "CITATION",
    "CRITERIA",
    "DOSE",
    "REVIEW_VERSION",
    "Criterion",
    "Finding",
    "Review",
    "RevisionRound",
    "Sentence",
    "Verdict",
    "agrees",
    "check",
    "deidentified",
    "read_draft",
    "review",
    "revise",
    "sections",
    "sentences",
]

REVIEW_VERSION = "1"
SUPPORT_MIN = 0.45  # share of a cited sentence's words found in the cited source
PLAIN_SUPPORT_MIN = 0.3  # a plain-words sentence for the patient: found in any source
Criterion = Literal[
    "levels_agree",
    "claims_cited",
    "claims_supported",
    "red_flags_addressed",
    "advice_separated",
    "no_overreach",
    "deidentified",
]
CRITERIA: dict[str, str] = {
    "levels_agree": "the levels named agree with the levels localized for this consultation",
    "claims_cited": "every evidence sentence cites one of the numbered sources",
    "claims_supported": "every cited sentence is supported by the source it cites",
    "red_flags_addressed": "red flags found by triage are acted on and not played down",
    "advice_separated": "patient-friendly advice and evidence-based statements are separate",
    "no_overreach": "no drug dosing and no surgical certainty beyond the evidence",
    "deidentified": "no names, record numbers, dates, addresses or other identifiers",
}


class Verdict(BaseModel):
    """The verdict on one criterion, as every reviewer (consult, synthesis) gives it."""

    criterion: str
    passed: bool
    severity: Literal["major", "minor"] = Field(description="major findings must be fixed")
    detail: str = Field(description="one line: what is wrong (or right)")


class Finding(Verdict):
    """The verdict on one consult criterion, pointing at the draft's offending sentences."""

    criterion: Criterion
    sentences: list[tuple[int, int]] = Field(
        default_factory=list,
        description="the offending sentences: (start, end) character spans in the draft reviewed",
    )

    def quoted(self, draft: str) -> list[str]:
        """The offending sentences' text (``draft``: the text this finding was made on)."""
        return [draft[start:end] for start, end in self.sentences]


class Review(BaseModel):
    """The reviewer's findings on one draft."""

    version: str = REVIEW_VERSION
    round: int = Field(description="0 = the first draft, n = after n revisions")
    findings: list[Finding]

    @property
    def failed(self) -> list[Finding]:
        return [f for f in self.findings if not f.passed]

    @property
    def passed(self) -> bool:
        return not any(f.severity == "major" for f in self.failed)


class RevisionRound(BaseModel):
    """One entry of the revision log, kept in the graph state and shown in the UI."""

    turn: int
    round: int
    stage: Literal["review", "final_edit", "clinician"]
    draft: str = Field(description="the text reviewed (for final_edit, the draft it edited)")
    findings: list[Finding] = Field(default_factory=list)
    edits: list[str] = Field(default_factory=list, description="what the final edit changed")


class ReviewUpdate(TypedDict):
    review: Review
    revision_log: list[RevisionRound]


# ---- reading a draft --------------------------------------------------------------------------

_HEADING = {
    part: re.compile(
        r"^[#>*\s]*(?:"
        + "|".join(re.escape(h[part].rstrip(":：")) for h in heads)
        + r")[*\s]*[:：]",
        re.IGNORECASE | re.MULTILINE,
    )
    for heads in [list(prompts.SECTION_HEADINGS.values())]
    for part in ("patient", "evidence", "next")
}
_SENTENCE = re.compile(r"[^.!?。！？\n]+(?:[.!?。！？]+(?:\s*\[\d+\])*|$)", re.MULTILINE)
_TRIM = " -*•\t"  # list marks and emphasis around a sentence
CITATION = re.compile(r"\[(\d{1,2})\]")  # a source number as the generator writes it: [3]
_ECHO = re.compile(r"^\s*(?:\*\*)?(?:revised )?(?:draft|answer)(?:\*\*)?\s*[:：]\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Sentence:
    """A sentence of a draft, with its trailing citations, where it stands and in which part."""

    start: int
    end: int
    text: str
    part: str  # preamble, patient, evidence or next


def _regions(draft: str) -> list[tuple[str, int, int]]:
    """(part, start, end) of the draft's parts in order; text before any heading is
    ``preamble``, and a heading's own words belong to no part."""
    marks = sorted(
        (m.start(), m.end(), part) for part, rx in _HEADING.items() for m in rx.finditer(draft)
    )
    regions = [("preamble", 0, marks[0][0] if marks else len(draft))]
    for i, (_, end, part) in enumerate(marks):
        regions.append((part, end, marks[i + 1][0] if i + 1 < len(marks) else len(draft)))
    return regions


def _split(text: str, part: str, start: int = 0, end: int | None = None) -> list[Sentence]:
    found = []
    for m in _SENTENCE.finditer(text, start, len(text) if end is None else end):
        raw = m.group(0)
        lead = len(raw) - len(raw.lstrip(_TRIM))
        words = raw.strip(_TRIM)
        if len(tokenize(CITATION.sub("", words))) >= 2:
            found.append(Sentence(m.start() + lead, m.start() + lead + len(words), words, part))
    return found


def read_draft(draft: str, regions: Sequence[tuple[str, int, int]] | None = None) -> list[Sentence]:
    """Every sentence of ``draft`` by part, with its character span (``regions``: the draft's
    parts, when the caller has them already)."""
    regions = _regions(draft) if regions is None else regions
    return [s for part, start, end in regions for s in _split(draft, part, start, end)]


def sections(draft: str) -> dict[str, str]:
    """The draft's parts by heading (``patient``, ``evidence``, ``next``); text before the
    first heading counts as ``preamble``."""
    parts: dict[str, str] = {}
    for part, start, end in _regions(draft):
        parts[part] = (parts.get(part, "") + " " + draft[start:end]).strip()
    return parts


def sentences(text: str) -> list[str]:
    """Sentences with their trailing citations, e.g. ``"... root [1]."``."""
    return [s.text for s in _split(text, "")]


def _support(sentence: str, source_words: frozenset[str]) -> float:
    words = set(tokenize(CITATION.sub("", sentence)))
    return len(words & source_words) / len(words) if words else 1.0


# ---- the criteria ---------------------------------------------------------------------------

DOSE = re.compile(
    r"\b\d+(?:\.\d+)?\s?(?:mg|mcg|µg|g|ml|iu|units?)\b(?!\s*/\s*m)"
    r"|\b(?:once|twice|three times)\s+(?:a|per)\s+day\b|\b(?:bd|tds|qds|bid|tid|qid)\b"
    r"|\d+\s*(?:毫克|微克|片|粒)|每日[一二三两]次",
    re.IGNORECASE,
)
CERTAIN = re.compile(
    r"\b(?:guarantee[sd]?|definitely|certainly|100\s?%|always works|will (?:cure|fix|resolve)"
    r"|(?:you )?(?:must|will) need (?:an? )?(?:surgery|operation|fusion)|no risks?)\b"
    r"|保证|一定(?:能|会)|肯定(?:能|会)|百分之百|必须(?:手术|开刀)|没有(?:任何)?风险",
    re.IGNORECASE,
)
URGENT = re.compile(
    r"emergenc|urgent|a ?& ?e\b|immediately|right away|same[- ]day|today|straight away|at once"
    r"|call (?:an ambulance|911|999|112|120)|as soon as possible|promptly|within (?:a few )?days"
    r"|急诊|立即|立刻|马上|尽快|尽早|紧急|120",
    re.IGNORECASE,
)
PLAY_DOWN = re.compile(
    r"nothing to worry|no need to (?:see|worry)|not serious|harmless|just rest|wait and see"
    r"|不用担心|无需就医|不严重|观察即可",
    re.IGNORECASE,
)


def agrees(named: str, levels: Sequence[str]) -> bool:
    """A disc level must be one of the localized ones (or span a localized vertebra); a vertebra
    (e.g. the L5 root of an L4-L5 disc) must belong to one of them."""
    if named in levels:
        return True
    parts = lv.vertebrae_of(named)
    if len(parts) == 2:
        return any(level in parts for level in levels)
    return any(named in lv.vertebrae_of(level) for level in levels)


def _spans(said: Sequence[Sentence]) -> list[tuple[int, int]]:
    return [(x.start, x.end) for x in said]


def _levels_agree(
    draft: str, said: Sequence[Sentence], levels: Sequence[str], evidence: Sequence[Evidence]
) -> Finding:
    named = lv.find_levels(draft)
    if levels:
        wrong = [x for x in named if not agrees(x, levels)]
        if wrong:
            return Finding(
                criterion="levels_agree",
                passed=False,
                severity="major",
                detail=f"the draft names {', '.join(wrong)} but this consultation is about "
                f"{', '.join(levels)}",
                sentences=_spans([x for x in said if set(lv.find_levels(x.text)) & set(wrong)]),
            )
        if not named:
            return Finding(
                criterion="levels_agree",
                passed=False,
                severity="minor",
                detail=f"the draft does not name the level ({', '.join(levels)})",
            )
        return Finding(criterion="levels_agree", passed=True, severity="major", detail="agree")
    in_sources = {x for e in evidence for x in lv.find_levels(e.text) + list(e.levels)}
    stray = [x for x in named if x not in in_sources]
    if stray:
        return Finding(
            criterion="levels_agree",
            passed=False,
            severity="major",
            detail=f"the draft names {', '.join(stray)}, which neither the patient nor the "
            "sources mention",
            sentences=_spans([x for x in said if set(lv.find_levels(x.text)) & set(stray)]),
        )
    return Finding(criterion="levels_agree", passed=True, severity="major", detail="agree")


def _citations(said: Sequence[Sentence], evidence: Sequence[Evidence]) -> tuple[Finding, Finding]:
    vocab = [e.words for e in evidence]  # tokenized once per source
    cited_part = [x for x in said if x.part == "evidence"]
    uncited, bad_number, unsupported = [], [], []
    for x in cited_part:
        numbers = [int(n) for n in CITATION.findall(x.text)]
        if not numbers:
            uncited.append(x)
        elif any(not 1 <= n <= len(evidence) for n in numbers):
            bad_number.append(x)
        elif max(_support(x.text, vocab[n - 1]) for n in numbers) < SUPPORT_MIN:
            unsupported.append(x)
    for x in said:
        if x.part in ("preamble", "patient"):
            if max((_support(x.text, words) for words in vocab), default=0.0) < PLAIN_SUPPORT_MIN:
                unsupported.append(x)
    cited = Finding(
        criterion="claims_cited",
        passed=not (uncited or bad_number),
        severity="major",
        detail=(
            f"{len(uncited)} evidence sentence(s) cite nothing; {len(bad_number)} cite a source "
            f"that does not exist (there are {len(evidence)})"
            if uncited or bad_number
            else f"{len(cited_part)} evidence sentence(s), all cited"
        ),
        sentences=_spans(uncited + bad_number),
    )
    supported = Finding(
        criterion="claims_supported",
        passed=not unsupported,
        severity="major",
        detail=(
            f"{len(unsupported)} sentence(s) are not backed by the sources (a cited sentence "
            "by the source it cites, a plain one by any)"
            if unsupported
            else "cited sentences are backed by their sources"
        ),
        sentences=_spans(unsupported),
    )
    return cited, supported


def _red_flags(draft: str, said: Sequence[Sentence], triage: Any) -> Finding:
    if triage is None or triage.level == "routine":
        return Finding(
            criterion="red_flags_addressed", passed=True, severity="major", detail="none found"
        )
    played_down = [x for x in said if PLAY_DOWN.search(x.text)]
    acted_on = bool(URGENT.search(draft))
    return Finding(
        criterion="red_flags_addressed",
        passed=acted_on and not played_down,
        severity="major",
        detail=(
            f"{triage.level} red flags ({triage.summary()}) "
            + ("are played down" if played_down else "are addressed" if acted_on else "are ignored")
        ),
        sentences=_spans(played_down),
    )


V = TypeVar("V", bound=Verdict)


def deidentified(
    text: str,
    kind: type[V] = Finding,  # type: ignore[assignment]
    exempt: Callable[[str, str], bool] | None = None,
) -> V:
    """The ``deidentified`` criterion: no identifier that ``tools.deid`` would replace (as a
    consult :class:`Finding`, or as ``kind``: the synthesis reviewer's own finding type). An
    ``exempt`` identifier (its kind and text) is not counted."""
    kinds = sorted(
        {
            f.kind
            for f in deidentify_text(text).findings
            if exempt is None or not exempt(f.kind, text[f.start : f.end])
        }
    )
    return kind(
        criterion="deidentified",
        passed=not kinds,
        severity="major",
        detail=f"identifiers found: {', '.join(kinds)}" if kinds else "no identifiers",
    )


def check(
    draft: str,
    *,
    levels: Sequence[str],
    evidence: Sequence[Evidence],
    triage: Any = None,
) -> list[Finding]:
    """Every criterion's finding for ``draft``, in the order of :data:`CRITERIA`."""
    regions = _regions(draft)
    said = read_draft(draft, regions)
    cited, supported = _citations(said, evidence)
    present = {part for part, start, end in regions if draft[start:end].strip()}
    missing = [p for p in ("patient", "evidence") if p not in present]
    overreach = [x for x in said if DOSE.search(x.text) or CERTAIN.search(x.text)]
    return [
        _levels_agree(draft, said, levels, evidence),
        cited,
        supported,
        _red_flags(draft, said, triage),
        Finding(
            criterion="advice_separated",
            passed=not missing,
            severity="major",
            detail=f"missing part(s): {', '.join(missing)}" if missing else "separate parts",
        ),
        Finding(
            criterion="no_overreach",
            passed=not overreach,
            severity="major",
            detail=f"{len(overreach)} sentence(s) give a dose or promise an outcome"
            if overreach
            else "no dosing or certainty",
            sentences=_spans(overreach),
        ),
        deidentified(draft),
    ]


# ---- the nodes --------------------------------------------------------------------------------


async def review(state: Mapping[str, Any]) -> ReviewUpdate:
    """LangGraph node: the findings on the current draft, logged for this turn."""
    draft = state.get("draft") or ""
    rounds = int(state.get("rounds") or 0)
    findings = check(
        draft,
        levels=list(state.get("levels") or []),
        evidence=state.get("evidence") or [],
        triage=state.get("triage"),
    )
    verdict = Review(round=rounds, findings=findings)
    entry = RevisionRound(
        turn=state["facts"].number, round=rounds, stage="review", draft=draft, findings=findings
    )
    return {"review": verdict, "revision_log": [entry]}


def problems(verdict: Review, draft: str) -> str:
    """The failed findings on ``draft`` as the numbered list the reviser is asked to fix."""
    lines = []
    for n, f in enumerate(verdict.failed, 1):
        quoted = "".join(f'\n   - "{q}"' for q in f.quoted(draft)[:4])
        lines.append(f"{n}. {CRITERIA[f.criterion]}: {f.detail}{quoted}")
    return "\n".join(lines)


async def revise(state: Mapping[str, Any], *, model: ChatModel) -> dict[str, Any]:
    """LangGraph node: the model rewrites the draft to fix the reviewer's findings."""
    lang = state["facts"].lang
    draft = state.get("draft") or ""
    faults = problems(state["review"], draft)
    messages = [
        system(
            prompts.REVISER_SYSTEM.format(language=LANGUAGES[lang])
            + "\n\nSources:\n"
            + numbered_sources(
                state.get("evidence") or [],
                COMPACT_EVIDENCE_CHARS if model.config.embedded else EVIDENCE_CHARS,
            )
        ),
        user(prompts.REVISER_REQUEST.format(draft=draft, problems=faults)),
    ]
    rounds = int(state.get("rounds") or 0) + 1
    try:
        text, generation = await stream_to_graph(model, messages, "revise")
    except LLMError as exc:  # e.g. a looping draft and the sources overflow a small context
        # the reviewed draft stands and the final edit fixes what is faulted; said in one line
        return {"rounds": rounds, "revision_warnings": [f"revision round {rounds} failed: {exc}"]}
    text = _ECHO.sub("", text)
    return {"draft": text or draft, "rounds": rounds, "generation": generation}
