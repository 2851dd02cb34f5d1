"""Chat history for the Chainlit UI: its SQLAlchemy data layer over SQLite in SPINE_HOME.

Chainlit keeps threads, steps and feedback here (the sidebar's history and resume); the consult
graph's own memory is the LangGraph checkpointer, keyed by the same thread id. Feedback is also
appended to ``SPINE_HOME/revisions/feedback.jsonl`` for the synthesis graph.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path
from typing import Any

from chainlit.data.sql_alchemy import SQLAlchemyDataLayer
from chainlit.types import Feedback as ChainlitFeedback

from graphs.revisions import Feedback, save_feedback
from tools.settings import Settings

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    "id" TEXT PRIMARY KEY, "identifier" TEXT NOT NULL UNIQUE, "metadata" TEXT NOT NULL,
    "createdAt" TEXT);
CREATE TABLE IF NOT EXISTS threads (
    "id" TEXT PRIMARY KEY, "createdAt" TEXT, "name" TEXT, "userId" TEXT, "userIdentifier" TEXT,
    "tags" TEXT, "metadata" TEXT,
    FOREIGN KEY ("userId") REFERENCES users("id") ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS steps (
    "id" TEXT PRIMARY KEY, "name" TEXT NOT NULL, "type" TEXT NOT NULL, "threadId" TEXT NOT NULL,
    "parentId" TEXT, "command" TEXT, "modes" TEXT, "streaming" BOOLEAN NOT NULL,
    "waitForAnswer" BOOLEAN, "isError" BOOLEAN, "metadata" TEXT, "tags" TEXT, "input" TEXT,
    "output" TEXT, "createdAt" TEXT, "start" TEXT, "end" TEXT, "generation" TEXT,
    "showInput" TEXT, "defaultOpen" BOOLEAN, "autoCollapse" BOOLEAN, "language" TEXT,
    "icon" TEXT, "feedback" TEXT,
    FOREIGN KEY ("threadId") REFERENCES threads("id") ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS elements (
    "id" TEXT PRIMARY KEY, "threadId" TEXT, "type" TEXT, "url" TEXT, "chainlitKey" TEXT,
    "name" TEXT NOT NULL, "display" TEXT, "objectKey" TEXT, "size" TEXT, "page" INT,
    "language" TEXT, "forId" TEXT, "mime" TEXT, "props" TEXT, "autoPlay" BOOLEAN,
    "playerConfig" TEXT, "path" TEXT,
    FOREIGN KEY ("threadId") REFERENCES threads("id") ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS feedbacks (
    "id" TEXT PRIMARY KEY, "forId" TEXT NOT NULL, "threadId" TEXT, "value" INT NOT NULL,
    "comment" TEXT);
"""


def database(settings: Settings) -> Path:
    """The UI's SQLite file, with its tables created."""
    path = settings.home / "ui" / "chainlit.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(SCHEMA)
    return path


class SpineDataLayer(SQLAlchemyDataLayer):
    """Chainlit's SQL data layer on SQLite, saving feedback as revision data too."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        super().__init__(conninfo=f"sqlite+aiosqlite:///{database(settings)}")

    async def execute_sql(self, query: str, parameters: dict[str, Any]) -> Any:
        # SQLite binds no lists or dicts: Chainlit passes tags and modes as lists
        encoded = {
            k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in parameters.items()
        }
        return await super().execute_sql(query=query, parameters=encoded)

    async def upsert_feedback(self, feedback: ChainlitFeedback) -> str:
        feedback_id = await super().upsert_feedback(feedback)
        user = None
        try:
            import chainlit as cl

            app_user = cl.user_session.get("user")
            user = getattr(app_user, "identifier", None)
        except Exception:  # noqa: BLE001 - no session outside a request: the user is unknown
            user = None
        save_feedback(
            self.settings.home,
            Feedback(
                id=feedback_id or uuid.uuid4().hex,
                thread_id=feedback.threadId or "",
                message_id=feedback.forId,
                value=int(feedback.value),
                comment=feedback.comment,
                user=user,
            ),
        )
        return str(feedback_id)
