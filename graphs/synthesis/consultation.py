"""A simulated consultation: a patient (persona and story from the source) and the doctor agent
(the generator, with evidence from the retriever), ending with an assessment and a plan."""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field

from agents.generator import numbered_sources
from agents.llm import ChatModel
from agents.llm.types import Message, assistant, system, user
from agents.retriever import Evidence, search
from tools.settings import Settings

from . import prompts as P
from .units import Source

EVIDENCE_CHARS = {"compact": 300, "full": 900}
EVIDENCE_K = {"compact": 2, "full": 4}
_AGE = re.compile(r"\d{1,3}[- ]year[- ]old|\d{1,3}\s*岁")


class ClosingDraft(BaseModel):
    reply: str = Field(description="the doctor's last message")
    assessment: str
    plan: str


def persona(lang: str, rng: random.Random, story: str = "") -> str:
    """The simulated patient: the person the story describes (age and sex stay the story's), or
    a drawn one when the story names nobody (a labelled dataset study)."""
    if _AGE.search(story):
        who = P.STORY_PERSON[lang]
    else:
        sex, job = rng.choice(P.PERSONA_SEX[lang]), rng.choice(P.PERSONA_JOBS[lang])
        who = P.DRAWN_PERSON[lang].format(age=rng.randint(24, 82), sex=sex, job=job)
    return rng.choice(P.PERSONAS[lang]).format(who=who)


async def _evidence(
    settings: Settings, query: str, levels: Sequence[str], k: int
) -> list[Evidence]:
    hits = await asyncio.to_thread(search, settings, query, list(levels) or None)
    return hits[:k]


def _doctor_view(turns: list[dict[str, str]]) -> list[Message]:
    return [
        user(t["content"]) if t["role"] == "patient" else assistant(t["content"]) for t in turns
    ]


def _patient_view(turns: list[dict[str, str]]) -> list[Message]:
    view = [user(P.PATIENT_OPENING)]
    for t in turns:
        if t["role"] == "patient":
            view.append(assistant(t["content"]))
        else:
            view.append(user(P.PATIENT_NEXT.format(doctor=t["content"])))
    return view


def doctor_system(evidence: Sequence[Evidence], lang: str, compact: bool) -> str:
    chars = EVIDENCE_CHARS["compact" if compact else "full"]
    notes = numbered_sources(evidence, chars) if evidence else "(none found)"
    return P.DOCTOR_SYSTEM.format(language=P.LANGUAGE_LINE[lang], evidence=notes)


async def simulate(
    model: ChatModel,
    settings: Settings,
    source: Source,
    vignette: str,
    lang: str,
    turns: int,
    rng: random.Random,
    compact: bool,
) -> tuple[dict[str, Any], list[Evidence]]:
    """Run the conversation (the patient knows the ``vignette``, the source block); returns the
    consultation payload (a dict) and the evidence used."""
    who = persona(lang, rng, source.text)
    patient = system(
        P.PATIENT_SYSTEM.format(persona=who, language=P.LANGUAGE_LINE[lang], vignette=vignette)
    )
    said: list[dict[str, str]] = []
    evidence: list[Evidence] = []
    seen: set[str] = set()
    k = EVIDENCE_K["compact" if compact else "full"]
    closing: ClosingDraft | None = None
    while len(said) < turns:
        if len(said) % 2 == 0:
            reply = await model.complete([patient, *_patient_view(said)], max_tokens=160)
            said.append({"role": "patient", "content": reply.text.strip()})
            continue
        query = " ".join(t["content"] for t in said if t["role"] == "patient")
        found = await _evidence(settings, query, source.levels, k)
        for hit in found:
            if hit.chunk_id not in seen:
                seen.add(hit.chunk_id)
                evidence.append(hit)
        doctor = [system(doctor_system(found, lang, compact)), *_doctor_view(said)]
        if len(said) == turns - 1:
            closing = await model.structured([*doctor, user(P.DOCTOR_CLOSING)], ClosingDraft)
            said.append({"role": "doctor", "content": closing.reply.strip()})
        else:
            reply = await model.complete(doctor, max_tokens=220)
            said.append({"role": "doctor", "content": reply.text.strip()})
    assert closing is not None  # the loop ends on the doctor's closing turn (turns is even)
    payload = {
        "persona": who,
        "vignette": vignette,
        "turns": said,
        "assessment": closing.assessment.strip(),
        "plan": closing.plan.strip(),
    }
    return payload, evidence


async def revise_turns(
    model: ChatModel,
    payload: dict[str, Any],
    problems: list[str],
    quotes: set[str],
    evidence: Sequence[Evidence],
    lang: str,
    compact: bool,
) -> dict[str, Any]:
    """Rewrite the doctor's turns the findings point at (all of them when none is quoted)."""
    turns = [dict(t) for t in payload["turns"]]
    base = system(doctor_system(evidence, lang, compact))
    ask = "\n".join(f"- {p}" for p in problems)
    for i, turn in enumerate(turns):
        if turn["role"] != "doctor" or (quotes and turn["content"] not in quotes):
            continue
        request = P.REVISE_TURN.format(
            problems=ask, language=P.LANGUAGE_LINE[lang], turn=turn["content"]
        )
        reply = await model.complete(
            [base, *_doctor_view(turns[:i]), user(request)], max_tokens=220
        )
        if reply.text.strip():
            turns[i]["content"] = reply.text.strip()
    fixed = {**payload, "turns": turns}
    for name in ("assessment", "plan"):
        if payload[name] in quotes or not quotes:
            request = P.REVISE_TURN.format(
                problems=ask, language=P.LANGUAGE_LINE[lang], turn=payload[name]
            )
            reply = await model.complete([base, user(request)], max_tokens=160)
            fixed[name] = reply.text.strip() or payload[name]
    return fixed
