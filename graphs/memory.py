"""The consult graph's memory: one LangGraph checkpointer per process, SQLite or PostgreSQL.

By default the checkpoints live in ``SPINE_HOME/checkpoints/consult.sqlite`` (WAL mode, so the
Chainlit server and a CLI can use the same file at once). ``SPINE_CHECKPOINT_URL`` switches to
a PostgreSQL server (``postgresql://user:pass@host:5432/db``) shared by several workers, or to a
named SQLite file (``sqlite:///abs/path.sqlite``; a relative path is taken under SPINE_HOME).

The LangGraph backends are imported inside :func:`open_checkpointer` so that importing this
module (and ``python -m graphs.consult --help``) stays fast.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from pydantic import SecretStr

from tools.settings import Settings, get_settings

if TYPE_CHECKING:
    from langgraph.checkpoint.base import BaseCheckpointSaver
    from psycopg import AsyncConnection
    from psycopg.rows import DictRow

__all__ = ["CheckpointError", "describe", "open_checkpointer"]

CONNECT_TIMEOUT_S = 5
"""Seconds to reach the PostgreSQL server (libpq ``connect_timeout``)."""
POOL_MAX_SIZE = 8
"""Connections one process keeps to the PostgreSQL server at most."""
SQLITE_BUSY_TIMEOUT_S = 15.0
"""Seconds a SQLite write waits for another process's write lock."""
SETUP_WAIT_S = 60.0
"""Seconds to wait while another process creates or migrates the PostgreSQL tables."""
_SETUP_LOCK_KEY = 0x5350494E45  # "SPINE": serialises concurrent schema migrations

_PG_SCHEMES = ("postgresql://", "postgres://")
_SQLITE_SCHEME = "sqlite://"


class CheckpointError(Exception):
    """The checkpoint store cannot be opened; the message is one line without secrets."""


def _raw_url(settings: Settings) -> str | None:
    # ``checkpoint_url`` may be a plain string or a SecretStr; blank means "not set"
    value = getattr(settings, "checkpoint_url", None)
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    text = str(value).strip() if value is not None else ""
    return text or None


def _sqlite_path(settings: Settings, url: str | None) -> Path:
    if url is None:
        return settings.home / "checkpoints" / "consult.sqlite"
    rest = url[len(_SQLITE_SCHEME) :].split("?", 1)[0]
    if rest.startswith("//"):  # sqlite:////abs/path
        rest = rest[1:]
    if not rest:
        raise CheckpointError(f"checkpoint URL {url!r} names no SQLite file")
    path = Path(unquote(rest)).expanduser()
    return path if path.is_absolute() else settings.home / path


def _kind(url: str | None) -> str:
    if url is None or url.lower().startswith(_SQLITE_SCHEME):
        return "sqlite"
    if url.lower().startswith(_PG_SCHEMES):
        return "postgres"
    scheme = url.split("://", 1)[0] if "://" in url else url[:20]
    raise CheckpointError(
        f"unsupported checkpoint URL scheme {scheme!r}: use postgresql://user@host:port/db "
        "or sqlite:///path/to/file.sqlite"
    )


def _describe_postgres(url: str) -> str:
    parts = urlsplit(url)
    userinfo, _, hosts = parts.netloc.rpartition("@")
    user = userinfo.split(":", 1)[0]
    single = hosts and "," not in hosts
    if single and not re.search(r":\d+$", hosts):  # show the default port
        hosts += ":5432"
    shown = f"{user}@{hosts}" if user else hosts
    return f"postgresql://{shown}{parts.path}"


def describe(settings: Settings | None = None) -> str:
    """Where the checkpoints go, in one line for logs and the UI; never shows a password."""
    settings = settings or get_settings()
    url = _raw_url(settings)
    try:
        if _kind(url) == "postgres":
            return _describe_postgres(url or "")
        return f"sqlite:{_sqlite_path(settings, url)}"
    except CheckpointError:
        return "invalid checkpoint URL (see SPINE_CHECKPOINT_URL)"


def _secrets(url: str) -> list[str]:
    """The password of ``url`` (raw and decoded) and any ``password=`` query value."""
    found: list[str] = []
    parts = urlsplit(url)
    userinfo = parts.netloc.rpartition("@")[0]
    if ":" in userinfo:
        found.append(userinfo.split(":", 1)[1])
    found += re.findall(r"(?:^|&)password=([^&]*)", parts.query)
    found = [s for s in found if s]
    return [*found, *(unquote(s) for s in found)]


def _reason(exc: BaseException, url: str) -> str:
    """A short, single-line, password-free reason from a driver exception."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    for prefix in ("connection failed: ", "connection is bad: "):
        text = text.removeprefix(prefix)
    text = re.sub(r"^connection to server (?:at|on) .*? failed: ", "", text)
    text = re.sub(r"^(?:FATAL|ERROR):\s+", "", text)
    text = text.split(" Is the server running", 1)[0].strip()
    for secret in _secrets(url):
        text = text.replace(secret, "***")
    text = text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text
    return text[:300]


async def _lock_for_setup(conn: AsyncConnection[DictRow], where: str) -> None:
    """Take the session advisory lock that serialises schema setup across processes.

    Polled with ``pg_try_advisory_lock``, not waited for with ``pg_advisory_lock``: a session
    blocked inside that call holds a transaction open, and the ``CREATE INDEX CONCURRENTLY``
    of the lock holder's migration waits for every open transaction, a deadlock.
    """
    deadline = asyncio.get_running_loop().time() + SETUP_WAIT_S
    while True:
        cursor = await conn.execute("SELECT pg_try_advisory_lock(%s) AS ok", (_SETUP_LOCK_KEY,))
        row = await cursor.fetchone()
        if row is not None and row["ok"]:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise CheckpointError(
                f"checkpoint store setup failed: {where} (another process kept the schema "
                f"setup lock for {SETUP_WAIT_S:.0f} s)"
            )
        await asyncio.sleep(0.05)


async def _probe_and_setup(url: str, where: str) -> None:
    """Connect once (a clear error if unreachable), then create/migrate the tables.

    The migration runs under a session advisory lock, so two processes starting at once do
    not race on ``CREATE TABLE``/``CREATE INDEX``; ``setup()`` itself is idempotent.
    """
    import psycopg
    from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
    from psycopg.rows import dict_row

    try:
        conn: AsyncConnection[DictRow] = await asyncio.wait_for(
            psycopg.AsyncConnection.connect(
                url,
                autocommit=True,
                prepare_threshold=0,
                row_factory=dict_row,
                connect_timeout=CONNECT_TIMEOUT_S,
            ),
            timeout=CONNECT_TIMEOUT_S * 2 + 1,
        )
    except TimeoutError:
        raise CheckpointError(
            f"checkpoint store unreachable: {where} (no answer in {CONNECT_TIMEOUT_S} s)"
        ) from None
    except psycopg.Error as exc:
        reason = _reason(exc, url)
        raise CheckpointError(f"checkpoint store unreachable: {where} ({reason})") from None
    try:
        async with conn:
            await _lock_for_setup(conn, where)
            try:
                await AsyncPostgresSaver(conn).setup()
            finally:
                await conn.execute("SELECT pg_advisory_unlock(%s)", (_SETUP_LOCK_KEY,))
    except psycopg.Error as exc:
        reason = _reason(exc, url)
        raise CheckpointError(f"checkpoint store setup failed: {where} ({reason})") from None


@asynccontextmanager
async def _open_postgres(
    url: str, where: str, serde: Any = None
) -> AsyncIterator[BaseCheckpointSaver[str]]:
    from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
    from psycopg import AsyncConnection
    from psycopg.rows import DictRow, dict_row
    from psycopg_pool import AsyncConnectionPool, PoolTimeout

    await _probe_and_setup(url, where)
    pool: AsyncConnectionPool[AsyncConnection[DictRow]] = AsyncConnectionPool(
        url,
        connection_class=AsyncConnection[DictRow],
        kwargs={
            "autocommit": True,
            "prepare_threshold": 0,
            "row_factory": dict_row,
            "connect_timeout": CONNECT_TIMEOUT_S,
        },
        min_size=1,
        max_size=POOL_MAX_SIZE,
        open=False,
        # a server restart must not leave the long-lived UI with dead connections
        check=AsyncConnectionPool.check_connection,
        name="spine-checkpoints",
    )
    try:
        await pool.open(wait=True, timeout=CONNECT_TIMEOUT_S * 2)
    except PoolTimeout:
        await pool.close()
        raise CheckpointError(
            f"checkpoint store unreachable: {where} (no pooled connection in "
            f"{CONNECT_TIMEOUT_S * 2} s)"
        ) from None
    try:
        yield AsyncPostgresSaver(pool, serde=serde)
    finally:
        await pool.close()


@asynccontextmanager
async def _open_sqlite(
    path: Path, where: str, serde: Any = None
) -> AsyncIterator[BaseCheckpointSaver[str]]:
    import sqlite3

    import aiosqlite
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(str(path), timeout=SQLITE_BUSY_TIMEOUT_S)
    except (OSError, sqlite3.Error) as exc:
        raise CheckpointError(f"checkpoint store unusable: {where} ({_reason(exc, '')})") from None
    try:
        saver = AsyncSqliteSaver(conn, serde=serde)
        try:
            # creates the tables and switches the file to WAL (a persistent setting), so
            # readers in one process do not block a writer in another
            await saver.setup()
            async with conn.execute("PRAGMA journal_mode") as cursor:
                row = await cursor.fetchone()
        except sqlite3.Error as exc:
            raise CheckpointError(
                f"checkpoint store unusable: {where} ({_reason(exc, '')})"
            ) from None
        if row is None or str(row[0]).lower() != "wal":
            mode = row[0] if row else "unknown"
            raise CheckpointError(f"checkpoint store unusable: {where} (journal mode {mode})")
        yield saver
    finally:
        await conn.close()


@asynccontextmanager
async def open_checkpointer(
    settings: Settings | None = None, serde: Any = None
) -> AsyncIterator[BaseCheckpointSaver[str]]:
    """SQLite file under settings.home (default) or PostgreSQL when settings.checkpoint_url is set.

    ``serde``: the checkpoint serializer (the consult graph's allows its state's pydantic models).

    The tables are created on first use. Raises :class:`CheckpointError` (one readable line, no
    password) when the store cannot be reached or used; errors raised by the body pass through.
    """
    settings = settings or get_settings()
    url = _raw_url(settings)
    kind = _kind(url)
    where = describe(settings)
    if kind == "postgres":
        assert url is not None
        async with _open_postgres(url, where, serde) as saver:
            yield saver
    else:
        async with _open_sqlite(_sqlite_path(settings, url), where, serde) as saver:
            yield saver
