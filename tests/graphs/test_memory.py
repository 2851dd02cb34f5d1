"""The consult graph's checkpointer: SQLite by default, a real PostgreSQL server when set."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any, TypedDict

import pytest
from langchain_core.messages import AIMessage, AnyMessage, HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages
from langgraph.graph.state import CompiledStateGraph

from graphs.memory import CheckpointError, describe, open_checkpointer
from tools.settings import Settings

REPO = Path(__file__).resolve().parents[2]
LEVEL = re.compile(r"\b([CTL]\d{1,2}-[CTLS]\d{1,2})\b")


class TurnState(TypedDict, total=False):
    messages: Annotated[list[AnyMessage], add_messages]
    levels: list[str]


def note_level(state: TurnState) -> dict[str, Any]:
    """Append the level named in the latest question; answer with all levels seen so far."""
    question = str(state["messages"][-1].content)
    found = LEVEL.search(question)
    levels = [*state.get("levels", []), found[1] if found else "unknown"]
    return {"messages": [AIMessage(f"levels so far: {', '.join(levels)}")], "levels": levels}


def build_graph(checkpointer: BaseCheckpointSaver[str]) -> CompiledStateGraph[Any, Any, Any, Any]:
    graph = StateGraph(TurnState)
    graph.add_node("note_level", note_level)
    graph.add_edge(START, "note_level")
    graph.add_edge("note_level", END)
    return graph.compile(checkpointer=checkpointer)


async def turn(
    checkpointer: BaseCheckpointSaver[str], thread: str, question: str
) -> dict[str, Any]:
    config: RunnableConfig = {"configurable": {"thread_id": thread}}
    state: TurnState = {"messages": [HumanMessage(question)]}
    result = await build_graph(checkpointer).ainvoke(state, config)
    return dict(result)


async def saved(checkpointer: BaseCheckpointSaver[str], thread: str) -> dict[str, Any]:
    config: RunnableConfig = {"configurable": {"thread_id": thread}}
    snapshot = await build_graph(checkpointer).aget_state(config)
    return dict(snapshot.values)


def settings_for(home: Path, url: str | None) -> Settings:
    return Settings(home=home, checkpoint_url=url)


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings for each backend; a Postgres test shares the session server, so use fresh
    thread ids."""
    if request.param == "postgres":
        return settings_for(tmp_path / "home", request.getfixturevalue("postgres_url"))
    return Settings(home=tmp_path / "home")


@pytest.fixture
async def fresh_database(postgres_url: str) -> AsyncIterator[str]:
    """A new, empty database on the session's server (no checkpoint tables yet)."""
    import psycopg

    name = f"fresh_{uuid.uuid4().hex[:12]}"
    admin = postgres_url.rsplit("/", 1)[0] + "/postgres"
    async with await psycopg.AsyncConnection.connect(admin, autocommit=True) as conn:
        await conn.execute(f"CREATE DATABASE {name}")
    yield postgres_url.rsplit("/", 1)[0] + f"/{name}"
    async with await psycopg.AsyncConnection.connect(admin, autocommit=True) as conn:
        await conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens once the socket is closed


# --- state accumulates per thread and survives a reopen -------------------------------------


async def test_turns_accumulate_per_thread_and_survive_reopen(backend: Settings) -> None:
    first, other = f"consult-{uuid.uuid4().hex}", f"consult-{uuid.uuid4().hex}"

    async with open_checkpointer(backend) as checkpointer:
        one = await turn(checkpointer, first, "Radicular pain from L4-L5?")
        assert one["levels"] == ["L4-L5"]
        two = await turn(checkpointer, first, "And what about L5-S1?")
        assert two["levels"] == ["L4-L5", "L5-S1"]  # the second turn saw the first
        assert [m.type for m in two["messages"]] == ["human", "ai", "human", "ai"]
        assert two["messages"][-1].content == "levels so far: L4-L5, L5-S1"

        elsewhere = await turn(checkpointer, other, "Cervical myelopathy at C5-C6")
        assert elsewhere["levels"] == ["C5-C6"]  # a different thread starts empty
        assert len(elsewhere["messages"]) == 2
        assert (await saved(checkpointer, first))["levels"] == ["L4-L5", "L5-S1"]

    # a new checkpointer (new connections, as after a restart) reads the same threads back
    async with open_checkpointer(backend) as checkpointer:
        assert (await saved(checkpointer, first))["levels"] == ["L4-L5", "L5-S1"]
        assert (await saved(checkpointer, other))["levels"] == ["C5-C6"]
        assert await saved(checkpointer, f"never-{uuid.uuid4().hex}") == {}
        three = await turn(checkpointer, first, "Is T11-T12 involved?")
        assert three["levels"] == ["L4-L5", "L5-S1", "T11-T12"]
        assert len(three["messages"]) == 6


CHILD = """
import asyncio, json, sys
from pathlib import Path
from graphs.memory import open_checkpointer
from tests.graphs.test_memory import settings_for, turn

async def main(home, url, thread, question):
    async with open_checkpointer(settings_for(Path(home), url)) as checkpointer:
        print(json.dumps((await turn(checkpointer, thread, question))["levels"]))

asyncio.run(main(*json.loads(sys.argv[1])))
"""


async def test_another_process_continues_the_thread_while_this_one_holds_it(
    backend: Settings,
) -> None:
    """The Chainlit server and a CLI share one store: WAL for SQLite, the server for Postgres."""
    thread = f"shared-{uuid.uuid4().hex}"
    url = backend.checkpoint_url.get_secret_value() if backend.checkpoint_url else None
    async with open_checkpointer(backend) as checkpointer:
        await turn(checkpointer, thread, "Start at L3-L4")
        args = json.dumps([str(backend.home), url, thread, "then L4-L5"])
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-c", CHILD, args, cwd=REPO,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(child.communicate(), timeout=120)
        assert child.returncode == 0, err.decode()[-3000:]
        assert json.loads(out.decode().strip().splitlines()[-1]) == ["L3-L4", "L4-L5"]
        # this process, its connection still open, sees the other's turn and goes on
        last = await turn(checkpointer, thread, "finally L5-S1")
        assert last["levels"] == ["L3-L4", "L4-L5", "L5-S1"]


async def test_errors_of_the_body_pass_through(backend: Settings) -> None:
    with pytest.raises(ValueError, match="not a checkpoint problem"):
        async with open_checkpointer(backend):
            raise ValueError("not a checkpoint problem")


# --- SQLite ----------------------------------------------------------------------------------


async def test_default_is_a_wal_sqlite_file_under_spine_home(tmp_path: Path) -> None:
    home = tmp_path / "spine-home"  # SPINE_HOME of the autouse fixture in conftest.py
    async with open_checkpointer() as checkpointer:
        await turn(checkpointer, "t", "L2-L3")
    path = home / "checkpoints" / "consult.sqlite"
    assert path.is_file()
    assert describe() == f"sqlite:{path}"
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT count(*) FROM checkpoints").fetchone()[0] > 0


async def test_a_sqlite_url_names_the_file(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "mine.sqlite"
    settings = settings_for(tmp_path / "home", f"sqlite://{target}")
    assert describe(settings) == f"sqlite:{target}"
    async with open_checkpointer(settings) as checkpointer:
        await turn(checkpointer, "t", "L1-L2")
    assert target.is_file()
    assert not (tmp_path / "home" / "checkpoints").exists()

    relative = settings_for(tmp_path / "home", "sqlite://relative/cp.sqlite")
    assert describe(relative) == f"sqlite:{tmp_path / 'home' / 'relative' / 'cp.sqlite'}"
    async with open_checkpointer(relative) as checkpointer:
        assert (await saved(checkpointer, "t")) == {}
    assert (tmp_path / "home" / "relative" / "cp.sqlite").is_file()


async def test_an_unusable_sqlite_file_is_a_checkpoint_error(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-db.sqlite"
    bad.write_bytes(b"this is not a database, just some bytes " * 100)
    with pytest.raises(CheckpointError) as caught:
        async with open_checkpointer(settings_for(tmp_path, f"sqlite://{bad}")):
            pass
    message = str(caught.value)
    assert message.startswith(f"checkpoint store unusable: sqlite:{bad} (")
    assert "\n" not in message


async def test_an_unknown_scheme_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="unsupported checkpoint URL scheme 'mysql'"):
        async with open_checkpointer(settings_for(tmp_path, "mysql://u:p@h/db")):
            pass


# --- PostgreSQL --------------------------------------------------------------------------------


async def test_an_unreachable_server_fails_fast_in_one_line_without_the_password(
    tmp_path: Path,
) -> None:
    port = closed_port()
    settings = settings_for(tmp_path, f"postgresql://spine:Sup3r-Secret@127.0.0.1:{port}/consult")
    started = time.monotonic()
    with pytest.raises(CheckpointError) as caught:
        async with open_checkpointer(settings):
            pytest.fail("opened a checkpointer on a closed port")
    assert time.monotonic() - started < 5
    message = str(caught.value)
    assert message.startswith(
        f"checkpoint store unreachable: postgresql://spine@127.0.0.1:{port}/consult ("
    )
    assert "refused" in message.lower()
    assert "\n" not in message and "Traceback" not in message
    assert "Sup3r-Secret" not in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


async def test_a_server_that_never_answers_times_out(tmp_path: Path) -> None:
    """A listener that accepts TCP but never speaks (a hung server, a wrong port): bounded."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        settings = settings_for(tmp_path, f"postgresql://spine:pw-123@127.0.0.1:{port}/consult")
        started = time.monotonic()
        with pytest.raises(CheckpointError) as caught:
            async with open_checkpointer(settings):
                pass
        elapsed = time.monotonic() - started
    assert 4 < elapsed < 12, elapsed
    message = str(caught.value)
    assert message.startswith(f"checkpoint store unreachable: postgresql://spine@127.0.0.1:{port}")
    assert "time" in message and "pw-123" not in message and "\n" not in message


async def test_a_missing_database_is_named_in_the_error(postgres_url: str, tmp_path: Path) -> None:
    url = postgres_url.rsplit("/", 1)[0] + "/no_such_db"
    secret = url.replace("postgres@", "postgres:hunter2@")  # trust auth ignores the password
    with pytest.raises(CheckpointError) as caught:
        async with open_checkpointer(settings_for(tmp_path, secret)):
            pass
    message = str(caught.value)
    assert 'database "no_such_db" does not exist' in message
    assert "hunter2" not in message and "\n" not in message


async def test_concurrent_first_opens_create_the_tables_once(fresh_database: str) -> None:
    """Two workers starting together on an empty database both get a working store."""

    async def worker(index: int) -> list[str]:
        settings = settings_for(Path("/nonexistent"), fresh_database)
        async with open_checkpointer(settings) as checkpointer:
            return list((await turn(checkpointer, f"w{index}", f"L{index}-L{index + 1}"))["levels"])

    assert await asyncio.gather(*(worker(i) for i in range(1, 5))) == [
        ["L1-L2"], ["L2-L3"], ["L3-L4"], ["L4-L5"]
    ]  # fmt: skip


# --- describe() ----------------------------------------------------------------------------------


def test_describe_never_shows_the_password(tmp_path: Path) -> None:
    def shown(url: str) -> str:
        return describe(settings_for(tmp_path, url))

    assert shown("postgresql://alice:s3cr%40t@db.example:6543/spine") == (
        "postgresql://alice@db.example:6543/spine"
    )
    assert shown("postgres://alice:pw@db.example/spine?sslmode=require&password=pw2") == (
        "postgresql://alice@db.example:5432/spine"
    )
    assert shown("postgresql://db.example/spine") == "postgresql://db.example:5432/spine"
    assert shown("postgresql://bob:x@[::1]:5433/spine") == "postgresql://bob@[::1]:5433/spine"
    for url in ("postgresql://alice:s3cr%40t@h/db", "postgresql://u:pw@h/db?password=pw2"):
        assert "s3cr" not in shown(url) and "pw" not in shown(url)
    assert describe(Settings(home=tmp_path)) == f"sqlite:{tmp_path / 'checkpoints/consult.sqlite'}"


def test_importing_the_module_leaves_the_backends_unloaded() -> None:
    code = (
        "import sys, graphs.memory; "
        "print([m for m in sys.modules if m.startswith(('langgraph', 'psycopg', 'aiosqlite'))])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
