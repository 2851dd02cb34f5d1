"""One user turn, read once: the facts every agent of the consult graph works from.

The graph's first step reads the turn with :func:`read_turn` and keeps the result in the state as
``facts``; triage, the localizer, the retriever, the generator, the reviewer, the final edit, the
revision records and the UI all read it from there, so no agent parses the messages again, and an
upload is scanned and rendered once per turn.

- ``number``, ``text``, ``texts``: the turn number (from 1), the newest user text (the question)
  and every user text so far (what triage reads);
- ``query``: the question as asked (a short follow-up carries the previous user turn);
- ``kind``: what kind of answer it asks for (:mod:`agents.question`: what to do now, the
  options, the prognosis, the cause) and ``search``: what the retriever searches (the query and
  the kind's words);
- ``lang``: the language the answer is written in (the question's);
- ``mentions`` and ``warnings``: the levels this turn names (in the text, a report, a DICOM
  series description, a slice mapped through vertebral centroids) and the one-line warnings of
  reading them (including a report or image that disagrees with the text);
- ``series``: each DICOM series of the turn, as de-identified metadata and a rendered preview.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, Field

from agents.localizer import Attachment, LevelEvidence, Series, read_levels
from agents.question import Kind, question_kind, search_words
from tools.tokens import language_of

__all__ = ["TurnFacts", "build_query", "read_turn", "role_and_text", "user_texts"]

FOLLOW_UP_WORDS = 8


def role_and_text(message: Any) -> tuple[str, str]:
    """The role and the text of a LangChain message or a role/content dict."""
    if isinstance(message, Mapping):
        role, content = str(message.get("role", "")), message.get("content", "")
    else:  # a LangChain message
        role, content = str(getattr(message, "type", "")), getattr(message, "content", "")
    if isinstance(content, list):  # multimodal content parts
        content = " ".join(
            str(part["text"]) for part in content if isinstance(part, Mapping) and "text" in part
        )
    return role, str(content)


def user_texts(messages: Sequence[Any]) -> list[str]:
    """The text of every user turn, oldest first."""
    texts = []
    for message in messages:
        role, content = role_and_text(message)
        if role in ("human", "user"):
            texts.append(content)
    return texts


def build_query(texts: Sequence[str]) -> str:
    """The newest user text; a short follow-up also carries the previous user turn."""
    said = [t.strip() for t in texts if t.strip()]
    if not said:
        return ""
    if len(said) > 1 and len(said[-1].split()) < FOLLOW_UP_WORDS and len(said[-1]) < 40:
        return f"{said[-2]}\n{said[-1]}"
    return said[-1]


class TurnFacts(BaseModel):
    """What one user turn says and carries, computed once at the start of the turn."""

    number: int = Field(description="user turn number, from 1")
    text: str = Field(description="the newest user text: the question")
    texts: list[str] = Field(description="every user text so far, oldest first")
    query: str = Field(description="the question, with the previous turn for a short follow-up")
    kind: Kind = Field("general", description="the kind of answer the question asks for")
    search: str = Field("", description="what the retriever searches: the query and kind words")
    lang: str = Field(description="the answer's language: en or zh")
    attachments: list[Attachment] = Field(default_factory=list)
    mentions: list[LevelEvidence] = Field(
        default_factory=list, description="the levels this turn names, with where and how"
    )
    warnings: list[str] = Field(default_factory=list, description="one line each")
    series: list[Series] = Field(default_factory=list, description="this turn's DICOM series")


def read_turn(
    messages: Sequence[Any], attachments: Sequence[Attachment | Mapping[str, Any]] = ()
) -> TurnFacts:
    """The facts of the newest user turn (blocking: attachments are read here; run it in a
    thread). Nothing raises for a bad attachment: it becomes a warning."""
    texts = user_texts(messages)
    text = texts[-1] if texts else ""
    number = max(len(texts), 1)
    files = [a if isinstance(a, Attachment) else Attachment.model_validate(a) for a in attachments]
    mentions, warnings, series = read_levels(text, files, number)
    query, lang = build_query(texts), language_of(text)
    kind = question_kind(text)
    if kind == "general" and query != text:  # "and surgery?" asks about the previous turn
        kind = question_kind(query)
    search = "\n".join(filter(None, [query, search_words(kind, lang)]))
    return TurnFacts(
        number=number,
        text=text,
        texts=texts,
        query=query,
        kind=kind,
        search=search,
        lang=lang,
        attachments=files,
        mentions=mentions,
        warnings=warnings,
        series=series,
    )
