"""The chat UI's history store: Chainlit's SQL data layer on SQLite, feedback kept as JSONL."""

from __future__ import annotations

from pathlib import Path

import chainlit as cl
from chainlit.types import Feedback

from graphs.revisions import FEEDBACK
from tools.jsonl import read_lines
from tools.settings import Settings
from ui.data import SpineDataLayer


async def test_threads_steps_and_feedback_round_trip(tmp_path: Path) -> None:
    layer = SpineDataLayer(Settings(home=tmp_path))
    user = await layer.create_user(cl.User(identifier="clinician"))
    assert user is not None
    await layer.update_thread("th-1", name="L4-L5 question", user_id=user.id, tags=["spine"])
    # create_step waits for a user message of a live session; outside one, call what it wraps
    create_step = type(layer).create_step.__wrapped__  # type: ignore[attr-defined]
    await create_step(
        layer,
        {
            "id": "st-1",
            "threadId": "th-1",
            "name": "SpineMed",
            "type": "assistant_message",
            "output": "answer",
            "streaming": False,
            "tags": ["answer"],
        },
    )
    await layer.upsert_feedback(Feedback(forId="st-1", threadId="th-1", value=1, comment="clear"))
    thread = await layer.get_thread("th-1")
    assert thread is not None and thread["name"] == "L4-L5 question"
    assert [s["output"] for s in thread["steps"]] == ["answer"]
    assert thread["steps"][0]["feedback"]["value"] == 1
    saved = list(read_lines(tmp_path / "revisions" / FEEDBACK))
    assert saved[0]["message_id"] == "st-1" and saved[0]["comment"] == "clear"
