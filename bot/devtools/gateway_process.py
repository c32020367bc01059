"""The real gateway for tests and benchmarks (its own virtual environment): migrated, the
sample directory imported, served, and its worker processes within reach (a fault test
kills one)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.devtools.processes import (
    GATEWAY_PYTHON,
    ROOT,
    SAMPLE_DIRECTORY,
    GatewayUrl,
    answers,
    free_port,
    wait_until,
)


class GatewayProcess:
    """The gateway's uvicorn master process and its URL. With GATEWAY_WORKERS > 1 the
    master serves nothing itself: its worker processes do, and it starts a new worker when
    one dies (the fault tests kill one)."""

    def __init__(self, url: GatewayUrl, process: subprocess.Popen, log: Path) -> None:
        self.url, self.process, self.log = url, process, log

    @property
    def internal_url(self) -> str:
        """The private listener: /internal/* and /metrics."""
        return self.url.internal

    def workers(self) -> list[int]:
        """The process ids of the live worker processes (the master's children that
        multiprocessing spawned; not its resource tracker)."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                cmdline = (stat.parent / "cmdline").read_bytes()
            except OSError:  # gone meanwhile
                continue
            # after the name: state, ppid; a zombie (Z) is dead already
            ours = int(fields[1]) == self.process.pid and fields[0] != "Z"
            if ours and b"spawn_main" in cmdline:
                found.append(int(stat.parent.name))
        return sorted(found)

    def worker_connected_from(self, port: int) -> int | None:
        """The worker whose TCP connection on 127.0.0.1 has this local port, if any (e.g.
        the one sending to a loopback server that saw a request from that port)."""
        sockets = _sockets(lambda local, state: local == port)
        return next((pid for pid in self.workers() if _holds(pid, sockets)), None)

    def busiest_worker(self) -> int:
        """The worker holding the most open connections from clients (requests in
        progress, when clients do not keep idle connections)."""
        port = int(self.url.rsplit(":", 1)[1])
        sockets = _sockets(lambda local, state: local == port and state == "01")  # ESTABLISHED
        return max(self.workers(), key=lambda pid: _holds(pid, sockets))

    def kill_worker(self, pid: int | None = None) -> int:
        """SIGKILL one worker (the first, or `pid`), as a crash would; returns its pid."""
        victim = pid if pid is not None else self.workers()[0]
        os.kill(victim, signal.SIGKILL)
        return victim

    def wait_for_workers(self, count: int, seconds: float = 60) -> list[int]:
        """Until `count` workers run and the gateway answers; their pids."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            pids = self.workers()
            with contextlib.suppress(OSError):  # a worker still starting, a slow check
                if len(pids) >= count and answers(f"{self.url}/healthz"):
                    return pids
            time.sleep(0.2)
        raise TimeoutError(f"{len(self.workers())} of {count} gateway workers after {seconds}s")


def _sockets(wanted: Callable[[int, str], bool]) -> set[str]:
    """The TCP sockets on IPv4 (as their fd link, socket:[inode]) whose local port and
    state (hex, as in /proc/net/tcp) `wanted` accepts."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if wanted(int(fields[1].split(":")[1], 16), fields[3]):
            found.add(f"socket:[{fields[9]}]")
    return found


def _holds(pid: int, sockets: set[str]) -> int:
    """How many of `sockets` the process has open."""
    count = 0
    with contextlib.suppress(OSError):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                count += os.readlink(fd) in sockets
    return count


@contextmanager
def running_gateway_process(
    workdir: Path, rasa_url: str = "http://127.0.0.1:9", extra_env: dict[str, str] | None = None
) -> Iterator[GatewayProcess]:
    """The real gateway on a free port, its database migrated (`python -m bot.gateway
    migrate`, as make run does) and the sample directory imported."""
    if not GATEWAY_PYTHON.exists():
        raise RuntimeError(f"{GATEWAY_PYTHON} is missing: run `make setup`")
    port, internal_port = free_port(), free_port()
    database = f"sqlite:///{workdir / 'gateway.db'}"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database,
        "GATEWAY_PORT": str(port),
        "INTERNAL_PORT": str(internal_port),
        "RASA_URL": rasa_url,
        **(extra_env or {}),
    }
    for setup in (["bot.gateway", "migrate"], ["bot.directory", "import", str(SAMPLE_DIRECTORY)]):
        done = subprocess.run(
            [str(GATEWAY_PYTHON), "-m", *setup], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise RuntimeError(f"`python -m {' '.join(setup)}` failed:\n{done.stderr[-3000:]}")
    log = workdir / "gateway.log"
    process = subprocess.Popen(
        [str(GATEWAY_PYTHON), "-m", "bot.gateway"],
        cwd=workdir,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = GatewayUrl(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{internal_port}")
    try:
        wait_until(lambda: answers(f"{url}/healthz"), 60, "gateway", process, log)
        yield GatewayProcess(url, process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def running_gateway(
    workdir: Path, rasa_url: str = "http://127.0.0.1:9", extra_env: dict[str, str] | None = None
) -> Iterator[GatewayUrl]:
    """The real gateway (running_gateway_process); yields its URL (which knows the private
    listener's, `.internal`)."""
    with running_gateway_process(workdir, rasa_url, extra_env) as gateway:
        yield gateway.url
