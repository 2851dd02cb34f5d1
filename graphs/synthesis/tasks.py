"""The four tasks: what the generator is asked for (draft schemas and messages) and how a draft
becomes a record payload. Draft schemas are lenient on purpose (an answer is free text, sections
may be empty) so that a bad draft reaches the reviewer and the validator and is rejected *with a
reason*, instead of dying as a schema error.
"""

from __future__ import annotations

import hashlib
import random
import re
from typing import Any

from pydantic import BaseModel, Field

from agents.llm.types import ImagePart, Message, system, user

from . import prompts as P
from .sources import Source

SOURCE_CHARS = {"compact": 1700, "full": 12000}  # the embedded model has a 4k-token window
MAX_TOKENS = {"mcq": 400, "open_qa": 450, "report": 1100}  # a draft longer than this is looping
_LETTER_PREFIX = re.compile(r"^\s*\(?[A-Ea-e][).:]\s+")


def _hash(*texts: str) -> str:
    return hashlib.sha256("\x1e".join(texts).encode()).hexdigest()[:12]


PROMPT_VERSION = _hash(
    *(v for k, v in vars(P).items() if k.isupper() and isinstance(v, str)),
    *(
        x
        for k, v in vars(P).items()
        if k.isupper() and isinstance(v, dict)
        for x in map(str, v.values())
    ),
)


# ---- draft schemas (what the model fills in) -------------------------------------------------


class MCQDraft(BaseModel):
    question: str = Field(description="the question stem")
    options: list[str] = Field(min_length=4, max_length=5, description="answer options, no letters")
    answer: str = Field(max_length=60, description="letter of the one correct option (A-E)")
    rationale: str = Field(description="why the answer is correct, from the source")


class OpenQADraft(BaseModel):
    question: str
    answer: str = Field(description="reference answer, two to four sentences")
    key_points: list[str] = Field(min_length=2, max_length=6, description="points to make")


class ReportDraft(BaseModel):
    structured_findings: str
    diagnosis: str
    treatment_patient_friendly: str
    treatment_evidence_based: str
    risk_prognosis: str
    postoperative_management: str
    diagnostic_basis: str


class ClosingDraft(BaseModel):
    reply: str = Field(description="the doctor's last message")
    assessment: str
    plan: str


DRAFTS: dict[str, type[BaseModel]] = {
    "mcq": MCQDraft,
    "open_qa": OpenQADraft,
    "report": ReportDraft,
}


# ---- messages -------------------------------------------------------------------------------


def source_text(source: Source, compact: bool) -> str:
    limit = SOURCE_CHARS["compact" if compact else "full"]
    text = source.text if len(source.text) <= limit else source.text[:limit].rsplit(" ", 1)[0]
    return P.SOURCE_BLOCK.format(title=source.title, text=text)


def focus(rng: random.Random) -> str:
    return rng.choice(P.FOCUS)


def request(task: str, lang: str, rng: random.Random, caption: str | None = None) -> str:
    language = P.LANGUAGE_LINE[lang]
    if task == "mcq" and caption:
        return P.IMAGE_MCQ_REQUEST.format(caption=caption, focus=focus(rng), language=language)
    if task == "mcq":
        return P.MCQ_REQUEST.format(focus=focus(rng), language=language)
    if task == "open_qa":
        return P.OPEN_QA_REQUEST.format(focus=focus(rng), language=language)
    return P.REPORT_REQUEST.format(language=language)


def draft_messages(block: str, ask: str, image: ImagePart | None = None) -> list[Message]:
    """System prompt (shared by all calls), then the source ``block`` (:func:`source_text`),
    then the request: the longest shared prefix first, so a vLLM prefix cache reuses it across
    tasks and languages."""
    return [system(P.SYNTH_SYSTEM), user(block + "\n" + ask, [image] if image else [])]


def revise_messages(
    base: list[Message], draft: dict[str, Any], problems: list[str], lang: str
) -> list[Message]:
    import json

    from agents.llm.types import assistant

    ask = P.REVISE_REQUEST.format(
        problems="\n".join(f"- {p}" for p in problems), language=P.LANGUAGE_LINE[lang]
    )
    return [*base, assistant(json.dumps(draft, ensure_ascii=False)), user(ask)]


# ---- drafts to payloads ------------------------------------------------------------------------


def to_payload(
    task: str, draft: dict[str, Any], modality: str = "text", case: str = ""
) -> dict[str, Any]:
    """The record payload (a dict, unvalidated) for a model's draft."""
    from agents.data_reviewer import LETTERS

    if task == "mcq":
        options = [_LETTER_PREFIX.sub("", str(o)).strip() for o in draft["options"]]
        return {
            "modality": modality,
            "question": str(draft["question"]).strip(),
            "options": dict(zip(LETTERS, options, strict=False)),
            "answer": str(draft["answer"]).strip(),
            "rationale": str(draft["rationale"]).strip(),
        }
    if task == "open_qa":
        return {
            "question": str(draft["question"]).strip(),
            "answer": str(draft["answer"]).strip(),
            "key_points": [str(p).strip() for p in draft["key_points"] if str(p).strip()],
        }
    if task == "report":
        return {
            "case": case,
            "structured_findings": draft["structured_findings"].strip(),
            "diagnosis": draft["diagnosis"].strip(),
            "treatment": {
                "patient_friendly": draft["treatment_patient_friendly"].strip(),
                "evidence_based": draft["treatment_evidence_based"].strip(),
            },
            "risk_prognosis": draft["risk_prognosis"].strip(),
            "postoperative_management": draft["postoperative_management"].strip(),
            "diagnostic_basis": draft["diagnostic_basis"].strip(),
        }
    return dict(draft)  # a consultation is assembled turn by turn, already in payload form


_AGE = re.compile(r"\d{1,3}[- ]year[- ]old|\d{1,3}\s*岁")


def persona(lang: str, rng: random.Random, story: str = "") -> str:
    """The simulated patient: the person the story describes (age and sex stay the story's), or
    a drawn one when the story names nobody (a labelled dataset study)."""
    if _AGE.search(story):
        who = P.STORY_PERSON[lang]
    else:
        sex, job = rng.choice(P.PERSONA_SEX[lang]), rng.choice(P.PERSONA_JOBS[lang])
        who = P.DRAWN_PERSON[lang].format(age=rng.randint(24, 82), sex=sex, job=job)
    return rng.choice(P.PERSONAS[lang]).format(who=who)
