"""A real, throw-away PostgreSQL server for tests (Debian ``postgresql`` package binaries).

Register the session fixture in ``tests/conftest.py``::

    from tests.postgres_factory import postgres_url  # noqa: F401

PostgreSQL refuses to run as root, so under root (CI) ``initdb`` and the server run as the
``postgres`` system user through ``runuser`` (or ``setpriv``), in a temporary directory that user
owns. The server listens on 127.0.0.1 on a free port with trust authentication and
``fsync=off``; it is stopped and its directory removed when the session ends.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

REQUIRE_ENV = "SPINE_TEST_REQUIRE_POSTGRES"
INSTALL_HINT = "apt-get install -y postgresql"
DATABASE = "spine_test"
SERVER_USER = "postgres"


def find_bin_dir() -> Path | None:
    """The ``bin`` folder of the newest installed PostgreSQL, or of ``initdb`` on PATH."""

    def complete(folder: Path) -> bool:
        return all((folder / name).is_file() for name in ("initdb", "pg_ctl", "postgres"))

    versions = []
    for folder in Path("/usr/lib/postgresql").glob("*/bin"):
        match = re.fullmatch(r"(\d+)(?:\.(\d+))?", folder.parent.name)
        if match and complete(folder):
            versions.append(((int(match[1]), int(match[2] or 0)), folder))
    if versions:
        return max(versions)[1]
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        folder = Path(initdb).resolve().parent
        if complete(folder):
            return folder
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    bin_dir: Path
    root: Path
    port: int = 0

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def url(self, database: str = DATABASE) -> str:
        return f"postgresql://{SERVER_USER}@127.0.0.1:{self.port}/{database}"

    def _as_server_user(self, *args: str) -> list[str]:
        cmd = [str(self.bin_dir / args[0]), *args[1:]]
        if os.geteuid() != 0:
            return cmd
        if shutil.which("runuser"):
            return ["runuser", "-u", SERVER_USER, "--", *cmd]
        return ["setpriv", "--reuid", SERVER_USER, "--regid", SERVER_USER, "--init-groups", *cmd]

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, LC_ALL="C", LANG="C")
        env.pop("PGDATA", None)
        return subprocess.run(
            self._as_server_user(*args),
            cwd=self.root,  # the server user may not enter the caller's working directory
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def init(self) -> None:
        if os.geteuid() == 0:
            entry = pwd.getpwnam(SERVER_USER)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        os.chmod(self.root, 0o700)
        done = self.run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            SERVER_USER,
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        )
        if done.returncode:
            raise RuntimeError(f"initdb failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")

    def start(self, attempts: int = 3) -> None:
        for _ in range(attempts):
            self.port = _free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            done = self.run(
                "pg_ctl",
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-w",
                "-t",
                "60",
                "-o",
                options,
                "start",
            )
            if done.returncode == 0:
                return
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            if "could not bind" not in log and "already in use" not in log:
                break  # not a port race: do not retry
        raise RuntimeError(f"pg_ctl start failed:\n{done.stderr[-2000:]}\n{log[-3000:]}")

    def create_database(self, name: str = DATABASE) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.url("postgres"), autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")


def _missing(reason: str) -> NoReturn:
    if os.environ.get(REQUIRE_ENV):
        pytest.fail(f"{reason}; {REQUIRE_ENV} is set, so install it: {INSTALL_HINT}")
    pytest.skip("PostgreSQL not installed (Debian package postgresql)")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """``postgresql://postgres@127.0.0.1:PORT/spine_test`` of a server living for the session."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        _missing("PostgreSQL binaries (initdb, pg_ctl, postgres) not found")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            _missing(f"running as root, and there is no {SERVER_USER!r} user to run PostgreSQL")
    # not pytest's tmp_path: its parents are root-only (0700) and the server user must enter
    server = PostgresServer(bin_dir, Path(tempfile.mkdtemp(prefix="spine-pg-")))
    started = time.monotonic()
    try:
        server.init()
        server.start()
        server.create_database()
        elapsed = time.monotonic() - started
        print(f"\nPostgreSQL {bin_dir.parent.name} ready on port {server.port} in {elapsed:.1f} s")
        yield server.url()
    except RuntimeError as exc:
        pytest.fail(f"could not start the test PostgreSQL server: {exc}")
    finally:
        try:
            server.stop()
        finally:
            shutil.rmtree(server.root, ignore_errors=True)
