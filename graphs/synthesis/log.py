"""Append-only JSONL files that survive ``kill -9``.

Lines are queued and written by one flusher task: each batch is one ``write`` of whole lines,
then ``fsync``, in a thread so the event loop never waits on the disk. A kill can only cut the
last line short (Linux may stop a write of more than a page part-way); ``repair`` cuts such a
torn tail back to the last newline when the file is opened again, so every line is whole.
Records queued but not yet written are the ones "in flight": a kill loses them and a resumed
run makes them again under the same deterministic ids.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
from collections.abc import Iterator
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
    """The JSON objects of a JSONL file; a line that is not one (a torn tail) is skipped."""
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


class AppendLog:
    """One append-only JSONL file, written by a background flusher (``async with``)."""

    def __init__(self, path: Path, *, lock: bool = True) -> None:
        self.path = path
        self._lock = lock
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
        if self._lock:
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
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        self._pending.append(line.encode())
        self._wake.set()

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            done = os.write(self._fd, view)
            view = view[done:]
        os.fsync(self._fd)

    async def _flusher(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._pending = self._pending, []
            if batch:
                try:
                    await asyncio.to_thread(self._write, b"".join(batch))
                except OSError as exc:
                    self._error = exc
                    return
            if self._closing and not self._pending:
                return
