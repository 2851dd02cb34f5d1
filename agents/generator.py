"""The SpineGPT generator agent: draft an answer from the evidence, at the localized levels.

A LangGraph node. It reads the turn's facts (question, language, DICOM series), the earlier
messages, the triage, the levels the localizer found and the numbered evidence the retriever
returned, and asks the chat model (SpineGPT on vLLM,
or the embedded SmolLM2) for a three-part draft: plain words for the patient, what the evidence
says with ``[n]`` citations, and next steps. Tokens are streamed to the graph's ``custom`` stream
as they arrive (``{"node": "generate", "token": ...}``) so a UI can show them live.

Images attached to the turn go to a VLM as image parts (a DICOM series as the preview the turn's
reading rendered from its middle slice); a text-only model gets the de-identified metadata and a
note that it did not see them.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypedDict

from pydantic import BaseModel, Field

from agents import prompts
from agents.llm import ChatModel, ImagePart, Message, assistant, system, user
from agents.localizer import Series
from agents.retriever import Evidence
from agents.turn import TurnFacts, role_and_text

__all__ = [
    "Generation",
    "GeneratorUpdate",
    "PROMPT_VERSION",
    "build_messages",
    "numbered_sources",
    "generate",
    "stream_to_graph",
]

EVIDENCE_CHARS = 900  # per source, for a served model
HISTORY_CHARS = 700  # per earlier message, for a served model
# The embedded model reads its prompt on one CPU thread at a few hundred tokens/s: every
# character before the first token is waiting time (benchmarks/consult.py), so it gets less.
COMPACT_EVIDENCE_CHARS = 350
COMPACT_HISTORY_CHARS = 250
LANGUAGES = {"en": "English", "zh": "Simplified Chinese"}


def _version(*texts: str) -> str:
    return hashlib.sha256("\x1f".join(texts).encode()).hexdigest()[:12]


PROMPT_VERSION = _version(
    prompts.GENERATOR_SYSTEM,
    prompts.GENERATOR_CONTEXT,
    prompts.URGENT_INSTRUCTION,
    prompts.REVISER_SYSTEM,
    prompts.REVISER_REQUEST,
)


class Generation(BaseModel):
    """How a draft (or a revision) was produced: stored with the turn for provenance."""

    model: str = Field(description="model name as the backend reports it")
    prompt_version: str = Field(description="hash of the generator and reviser prompts")
    node: str = Field(description="generate or revise")
    ms: float = Field(description="wall time of the model call")
    chars: int = Field(description="length of the text produced")


class GeneratorUpdate(TypedDict):
    draft: str
    generation: Generation


def _stream_writer() -> Callable[[Any], None]:
    """The graph's custom-stream writer, or a no-op outside a graph run."""
    try:
        from langgraph.config import get_stream_writer

        return get_stream_writer()
    except (RuntimeError, KeyError):
        return lambda _chunk: None


async def stream_to_graph(
    model: ChatModel, messages: Sequence[Message], node: str
) -> tuple[str, Generation]:
    """Run the model, forwarding each piece to the graph's custom stream; return the text and
    how it was made."""
    write = _stream_writer()
    pieces: list[str] = []
    started = time.perf_counter()
    write({"node": node, "event": "start"})
    async for piece in model.stream(list(messages)):
        pieces.append(piece)
        write({"node": node, "token": piece})
    text = "".join(pieces).strip()
    generation = Generation(
        model=model.model_name,
        prompt_version=PROMPT_VERSION,
        node=node,
        ms=round((time.perf_counter() - started) * 1000, 1),
        chars=len(text),
    )
    return text, generation


def numbered_sources(evidence: Sequence[Evidence], chars: int = EVIDENCE_CHARS) -> str:
    if not evidence:
        return "(none found: say that the knowledge base has nothing on this, and cite nothing)"
    blocks = []
    for n, e in enumerate(evidence, 1):
        text = " ".join(e.body.split())
        if len(text) > chars:
            text = text[:chars].rsplit(" ", 1)[0] + " …"
        blocks.append(f"[{n}] {e.title} — {e.section}: {text}")
    return "\n".join(blocks)


def _imaging_lines(series: Sequence[Series]) -> str:
    lines = []
    for item in (s.summary for s in series):
        facts = ", ".join(
            f"{k}={item[k]}"
            for k in ("modality", "body_part", "description", "plane", "slices", "rows", "columns")
            if item.get(k) not in (None, "")
        )
        lines.append(f"- {item.get('file', 'image')}: {facts}")
    return "Attached imaging (de-identified metadata):\n" + "\n".join(lines) + "\n" if lines else ""


def _triage_line(triage: Any, lang: str) -> str:
    if triage is None or triage.level == "routine":
        return "routine (no red flags found)"
    return f"{triage.level} — {triage.summary(lang)}"


def _images(facts: TurnFacts) -> list[ImagePart]:
    """Image parts for a VLM: PNG/JPEG as they are, DICOM series as their previews."""
    parts = []
    for a in facts.attachments:
        if a.kind == "image":
            try:
                part = ImagePart.from_path(a.path)
            except (OSError, ValueError):  # the upload check let it through; it is gone now
                continue
            parts.append(part.model_copy(update={"label": a.name or Path(a.path).name}))
    parts += [ImagePart.from_bytes(s.preview, label=s.file) for s in facts.series if s.preview]
    return parts


def _history(messages: Sequence[Any], turns: int, chars: int) -> list[Message]:
    """Earlier user/assistant exchanges (not the newest user turn), newest last, trimmed."""
    earlier: list[Message] = []
    for message in list(messages)[:-1]:
        role, text = role_and_text(message)
        text = text if len(text) <= chars else text[:chars] + " …"
        if role in ("human", "user"):
            earlier.append(user(text))
        elif role in ("ai", "assistant"):
            earlier.append(assistant(text))
    return earlier[-2 * turns :] if turns else []


def build_messages(
    state: Mapping[str, Any], *, history_turns: int, with_images: bool, compact: bool = False
) -> list[Message]:
    """The generator's prompt for this turn (``compact``: shorter sources and history, for the
    embedded model); the answer's language is ``facts.lang``."""
    evidence_chars = COMPACT_EVIDENCE_CHARS if compact else EVIDENCE_CHARS
    history_chars = COMPACT_HISTORY_CHARS if compact else HISTORY_CHARS
    facts: TurnFacts = state["facts"]
    lang = facts.lang
    headings = prompts.SECTION_HEADINGS[lang]
    triage = state.get("triage")
    instructions = prompts.GENERATOR_SYSTEM.format(language=LANGUAGES[lang], **headings)
    if triage is not None and triage.level != "routine":
        when = "emergency (today)" if triage.level == "emergency" else "prompt (within days)"
        instructions += "\n" + prompts.URGENT_INSTRUCTION.format(
            reasons=triage.summary(lang), when=when
        )
    context = prompts.GENERATOR_CONTEXT.format(
        triage=_triage_line(triage, lang),
        levels=", ".join(state.get("levels") or []) or "none named",
        imaging=_imaging_lines(facts.series),
        sources=numbered_sources(state.get("evidence") or [], evidence_chars),
    )
    images = _images(facts) if with_images else []
    if not with_images and any(a.kind in ("image", "dicom") for a in facts.attachments):
        names = ", ".join(a.name or Path(a.path).name for a in facts.attachments)
        context += f"\n[Images were attached ({names}) but this model reads text only: say so.]"
    return [
        system(f"{instructions}\n\n{context}"),
        *_history(state.get("messages") or [], history_turns, history_chars),
        user(facts.text, images=images),
    ]


async def generate(
    state: Mapping[str, Any], *, model: ChatModel, history_turns: int = 4
) -> GeneratorUpdate:
    """LangGraph node: the first draft of this turn's answer, streamed as it is written."""
    messages = build_messages(
        state,
        history_turns=history_turns,
        with_images=model.supports_images,
        compact=model.config.embedded,
    )
    draft, generation = await stream_to_graph(model, messages, "generate")
    return {"draft": draft, "generation": generation}
