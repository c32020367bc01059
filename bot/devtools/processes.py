"""Starting the real services for tests and benchmarks: free loopback ports, waiting until
they answer, the gateway (its own virtual environment) serving the sample directory, and
the Rasa server with its action server (the Rasa environment)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "tenant-assistant.tar.gz"
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
RASA_STARTUP_SECONDS = 240
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


def json_from(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=2) as response:
        return json.loads(response.read())


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


@contextmanager
def running_rasa(workdir: Path, rasa_port: int, gateway_url: str,
                 endpoints_file: Path | None = None,
                 extra_env: dict[str, str] | None = None) -> Iterator[str]:  # fmt: skip
    """The trained model served by a real Rasa server and action server, with a throwaway
    SQLite tracker store (or the given endpoints file, e.g. the production profile's, whose
    ${...} come from `extra_env`); yields Rasa's URL."""
    if not MODEL.exists():
        raise RuntimeError(f"{MODEL} is missing: run `make train` (make test does it)")
    actions_port = free_port()
    endpoints = endpoints_file or workdir / "endpoints.yml"
    if endpoints_file is None:
        endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n'
            f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n'
            f'  db: "{workdir / "tracker.db"}"\n'
        )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GATEWAY_URL": gateway_url,
           "TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
           "RASA_TELEMETRY_ENABLED": "false",  # no usage data or crash reports leave
           "ACTION_SERVER_URL": f"http://127.0.0.1:{actions_port}/webhook",
           **(extra_env or {})}  # fmt: skip
    actions_log, rasa_log = workdir / "actions.log", workdir / "rasa.log"
    actions = subprocess.Popen(
        [str(RASA), "run", "actions", "--actions", "actions", "--port", str(actions_port)],
        cwd=ROOT, env=env, stdout=actions_log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    server = subprocess.Popen(
        [str(RASA), "run", "--enable-api", "--port", str(rasa_port), "--model", str(MODEL),
         "--endpoints", str(endpoints), "--credentials", str(ROOT / "credentials.yml")],
        cwd=ROOT, env=env, stdout=rasa_log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{rasa_port}"
    try:
        wait_until(lambda: answers(f"http://127.0.0.1:{actions_port}/health"),
                   RASA_STARTUP_SECONDS, "action server", actions, actions_log)  # fmt: skip
        wait_until(lambda: bool(json_from(f"{url}/status").get("model_id")),
                   RASA_STARTUP_SECONDS, "Rasa server", server, rasa_log)  # fmt: skip
        yield url
    finally:
        for process in (server, actions):
            process.terminate()
        for process in (server, actions):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
