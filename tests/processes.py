"""Starting the real services for tests: free loopback ports, waiting until they answer,
and the gateway (its own virtual environment) serving the sample directory."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GATEWAY_PYTHON = ROOT / ".venv-gateway" / "bin" / "python"
SAMPLE_DIRECTORY = ROOT / "data" / "activities" / "sample-directory.json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check: Callable[[], bool], seconds: float, what: str,
               process: subprocess.Popen, log: Path) -> None:  # fmt: skip
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited early:\n{log.read_text()[-3000:]}")
        try:
            if check():
                return
        except (OSError, ValueError):  # not listening yet, or half-started
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{what} did not start in {seconds}s:\n{log.read_text()[-3000:]}")


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:  # 503 from /healthz is an answer
        return True


@contextmanager
def running_gateway(workdir: Path, rasa_url: str = "http://127.0.0.1:9",
                    extra_env: dict[str, str] | None = None) -> Iterator[str]:  # fmt: skip
    """The real gateway on a free port with the sample directory imported; yields its URL."""
    if not GATEWAY_PYTHON.exists():
        raise RuntimeError(f"{GATEWAY_PYTHON} is missing: run `make setup`")
    port = free_port()
    database = f"sqlite:///{workdir / 'gateway.db'}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": database,
           "GATEWAY_PORT": str(port), "RASA_URL": rasa_url, **(extra_env or {})}  # fmt: skip
    subprocess.run([str(GATEWAY_PYTHON), "-m", "bot.directory", "import", str(SAMPLE_DIRECTORY)],
                   cwd=ROOT, env=env, check=True, capture_output=True)  # fmt: skip
    log = workdir / "gateway.log"
    process = subprocess.Popen([str(GATEWAY_PYTHON), "-m", "bot.gateway"], cwd=workdir, env=env,
                               stdout=log.open("w"), stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: answers(f"{url}/healthz"), 60, "gateway", process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
