"""The generator's prompt: sources, levels, triage, language, history and images."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from langchain_core.messages import AIMessage, HumanMessage

from agents.generator import build_messages
from agents.localizer import Attachment
from agents.retriever import Evidence
from agents.triage import assess
from agents.turn import read_turn
from tests.dicom_factory import write_image

SOURCE = Evidence(
    chunk_id="d#s",
    doc_id="d",
    title="Lumbar disc herniation",
    section="Which root",
    text="Lumbar disc herniation › Which root\n\nAn L4-L5 herniation compresses the L5 root.",
    citation="NASS 2014",
    kind="guideline",
    subfield="degenerative_lumbar",
    lang="en",
    levels=["L4-L5"],
    score=0.4,
    level_match="chunk",
)


def state(
    text: str, attachments: list[Attachment] | None = None, **extra: object
) -> dict[str, object]:
    """The graph's state at the generator: the turn read once, levels and evidence."""
    messages = extra.pop("messages", None) or [HumanMessage(text)]
    facts = read_turn(messages, attachments or [])  # type: ignore[arg-type]
    base = {"messages": messages, "facts": facts, "levels": ["L4-L5"], "evidence": [SOURCE]}
    return base | extra


def test_prompt_carries_numbered_sources_levels_and_language() -> None:
    s = state("Which root?")
    messages = build_messages(s, history_turns=2, with_images=False)
    assert s["facts"].lang == "en"  # type: ignore[attr-defined]
    system = messages[0].text
    assert "[1] Lumbar disc herniation — Which root: An L4-L5 herniation" in system
    assert "› Which root" not in system  # the chunk's breadcrumb line is dropped
    assert "levels in this consultation: L4-L5" in system and "For you:" in system
    zh = state("L4-L5突出压迫哪个神经根？")
    assert "Simplified Chinese" in build_messages(zh, history_turns=2, with_images=False)[0].text
    assert zh["facts"].lang == "zh"  # type: ignore[attr-defined]


def test_red_flags_and_history_reach_the_prompt() -> None:
    history = [HumanMessage("first"), AIMessage("earlier answer"), HumanMessage("numb groin")]
    s = state("x", messages=history, triage=assess("my groin is numb and I can't pee"))
    messages = build_messages(s, history_turns=1, with_images=False)
    assert "emergency" in messages[0].text and "warning signs" in messages[0].text
    assert [m.role for m in messages] == ["system", "user", "assistant", "user"]
    assert build_messages(s, history_turns=0, with_images=False)[1].role == "user"


def test_images_go_as_parts_to_a_vlm_and_as_a_note_to_a_text_model(tmp_path: Path) -> None:
    scan = write_image(tmp_path / "s.dcm", np.arange(256, dtype=np.uint16).reshape(16, 16))
    s = state("my MRI", attachments=[Attachment(path=str(scan), kind="dicom", name="s.dcm")])
    vlm = build_messages(s, history_turns=0, with_images=True)
    parts = vlm[-1].images
    assert len(parts) == 1 and parts[0].image_url.url.startswith("data:image/png;base64,")
    text_only = build_messages(s, history_turns=0, with_images=False)
    assert not text_only[-1].images and "reads text only" in text_only[0].text
