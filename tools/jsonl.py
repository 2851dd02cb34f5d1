"""Append-only JSONL files that survive ``kill -9``, and their reader: the one log format of
the project (synthesis records and rejections, SpineBench predictions and judgements, consult
revisions).

The torn-line rule: a line is whole when it ends in a newline. Writers append whole lines under
an exclusive ``flock`` and ``fsync`` them, so the only damage a kill can do is to cut the last
line short (Linux may stop a write of more than a page part-way). Readers skip such a torn tail;
the next writer, once it holds the lock, cuts it back to the last newline (``repair``) before it
writes, so a new line is never glued onto a torn one. A whole line that is not a JSON object
(another tool's line) is skipped by readers and left in place by writers.

Two writers: ``append`` writes one line and returns (the UI's revisions, a few a minute);
``AppendLog`` holds the lock for a whole run and queues lines for one flusher task, which writes
each batch with one ``write`` and one ``fsync`` in a thread so the event loop never waits on the
disk. Lines queued but not yet written are "in flight": a kill loses them, and a resumed run makes
them again under the same deterministic ids.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any


class LogError(Exception):
    """The output cannot be opened or written; one line."""


def repair(path: Path) -> int:
    """Cut a torn final line (no trailing newline) off ``path``; returns the bytes removed."""
    if not path.is_file():
        return 0
    size = path.stat().st_size
    if size == 0:
        return 0
    with path.open("rb+") as handle:
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return 0
        step, end = 65536, size
        while end > 0:  # scan back for the last newline
            start = max(0, end - step)
            handle.seek(start)
            block = handle.read(end - start)
            cut = block.rfind(b"\n")
            if cut >= 0:
                keep = start + cut + 1
                break
            end = start
        else:
            keep = 0
        handle.truncate(keep)
        handle.flush()
        os.fsync(handle.fileno())
    return size - keep


def read_lines(path: Path) -> Iterator[dict[str, Any]]:
    """The JSON objects of a JSONL file (none for an absent file); a torn tail and a line that
    is not a JSON object are skipped."""
    if not path.is_file():
        return
    with path.open("rb") as handle:
        for raw in handle:
            if not raw.endswith(b"\n"):
                return  # torn tail: not a record yet
            try:
                value = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
            if isinstance(value, dict):
                yield value


def _line(row: Mapping[str, Any]) -> bytes:
    return (json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        done = os.write(fd, view)
        view = view[done:]
    os.fsync(fd)


def append(path: Path, row: Mapping[str, Any]) -> None:
    """Append ``row`` as one line: whole, under the lock (waiting for it), synced."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # per open file: threads of one process wait too
        repair(path)
        _write_all(fd, _line(row))
    finally:
        os.close(fd)  # and the lock with it


class AppendLog:
    """One append-only JSONL file, written by a background flusher (``async with``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = -1
        self._pending: list[bytes] = []
        self._wake = asyncio.Event()
        self._closing = False
        self._task: asyncio.Task[None] | None = None
        self._error: BaseException | None = None

    async def __aenter__(self) -> AppendLog:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as exc:
            raise LogError(f"cannot open {self.path}: {exc.strerror}") from None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self._fd)
            raise LogError(f"another run is writing {self.path}") from None
        repair(self.path)  # only with the lock held: another writer's line is never cut
        self._task = asyncio.create_task(self._flusher())
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._closing = True
        self._wake.set()
        if self._task is not None:
            await self._task
        os.close(self._fd)
        if self._error is not None and exc_info[0] is None:
            raise LogError(f"cannot write {self.path}: {self._error}")

    def put(self, record: dict[str, Any]) -> None:
        """Queue one record (written whole, in order, by the flusher)."""
        if self._error is not None:
            raise LogError(f"cannot write {self.path}: {self._error}")
        self._pending.append(_line(record))
        self._wake.set()

    async def _flusher(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._pending = self._pending, []
            if batch:
                try:
                    await asyncio.to_thread(_write_all, self._fd, b"".join(batch))
                except OSError as exc:
                    self._error = exc
                    return
            if self._closing and not self._pending:
                return
