"""A PostgreSQL server of the test's own (initdb in a temporary directory, a free port), so
that a test can restart it without touching the machine's server that other tests use."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.devtools.processes import free_port

BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"))


@dataclass
class PrivatePostgres:
    directory: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def connection_args(self) -> dict[str, Any]:
        """psycopg2.connect's arguments for its `postgres` database."""
        return {"host": "127.0.0.1", "port": self.port, "user": "postgres", "dbname": "postgres"}

    def pg_ctl(self, *args: str) -> None:
        """PostgreSQL refuses to run as root: its own user runs it. The server's output goes
        to a file (a pipe would be held open by the server and never end)."""
        log = self.directory / "server.log"  # written by the server, as postgres
        with (self.directory / "pg_ctl.out").open("a") as output:
            subprocess.run(
                [
                    "runuser",
                    "-u",
                    "postgres",
                    "--",
                    str(BIN[-1] / "pg_ctl"),
                    "-D",
                    str(self.directory / "data"),
                    "-l",
                    str(log),
                    "-w",
                    *args,
                ],
                check=True,
                stdout=output,
                stderr=output,
                timeout=60,
            )

    @property
    def options(self) -> str:
        return f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"

    def start(self) -> None:
        self.pg_ctl("-o", self.options, "start")

    def restart(self, down_seconds: float) -> None:
        """Stopped (its connections cut), down for a while, started again."""
        self.pg_ctl("-m", "fast", "stop")
        time.sleep(down_seconds)
        self.start()


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    if not BIN:
        raise RuntimeError("PostgreSQL's server binaries are missing (/usr/lib/postgresql)")
    directory = Path(tempfile.mkdtemp(prefix="private-pg-"))
    shutil.chown(directory, "postgres")
    server = PrivatePostgres(directory, free_port())
    subprocess.run(
        [
            "runuser",
            "-u",
            "postgres",
            "--",
            str(BIN[-1] / "initdb"),
            "-D",
            str(directory / "data"),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    server.start()
    try:
        yield server
    finally:
        try:
            server.pg_ctl("-m", "immediate", "stop")
        finally:
            shutil.rmtree(directory, ignore_errors=True)
