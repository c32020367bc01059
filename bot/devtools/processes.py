"""Starting the real services for tests and benchmarks: free loopback ports, waiting until
they answer, the gateway (its own virtual environment) serving the sample directory, and
the Rasa server with its action server (the Rasa environment)."""

from __future__ import annotations

import contextlib
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

from bot.dev_defaults import DEV_ACTION_SERVER_TOKEN, DEV_RASA_TOKEN

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "tenant-assistant.tar.gz"
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
RASA_STARTUP_SECONDS = 240
GATEWAY_PYTHON = ROOT / ".venv-gateway" / "bin" / "python"
SAMPLE_DIRECTORY = ROOT / "data" / "activities" / "sample-directory.json"


class GatewayUrl(str):
    """The gateway's public URL, which also knows its private listener's (`.internal`: the
    internal API and the metrics), so that what starts the action server finds both."""

    internal: str

    def __new__(cls, public: str, internal: str) -> GatewayUrl:
        url = super().__new__(cls, public)
        url.internal = internal
        return url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(
    check: Callable[[], bool], seconds: float, what: str, process: subprocess.Popen, log: Path
) -> None:
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


# The gateway's own secrets: never handed on to Rasa or the action server, even when the
# caller's environment (a developer's shell, a .env) holds them. Whoever holds the action
# server's environment must not be able to compute or reverse the sender ids.
GATEWAY_ONLY_SECRETS = frozenset(
    {
        "PSEUDONYM_KEY",
        "GATEWAY_SECRET",  # the pseudonym key's former name
        "CONSOLE_SECRET",
        "TWILIO_AUTH_TOKEN",
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_SECRET_TOKEN",
    }
)


def rasa_env(gateway_url: str, actions_url: str, extra_env: dict[str, str] | None) -> dict:
    """The Rasa side's environment: the gateway's public URL (the directory) and its private
    listener's (the internal API; `GatewayUrl.internal`), never the gateway's own secrets."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "GATEWAY_URL": gateway_url,
        "GATEWAY_INTERNAL_URL": getattr(gateway_url, "internal", gateway_url),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "RASA_TELEMETRY_ENABLED": "false",  # no usage data or crash reports leave
        "ACTION_SERVER_URL": actions_url,
        **(extra_env or {}),
    }
    return {name: value for name, value in env.items() if name not in GATEWAY_ONLY_SECRETS}


def stop_process(process: subprocess.Popen, seconds: float = 20) -> None:
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class ActionServer:
    """The real action server on a free port; can be stopped and started again on the same
    port (the fault tests do)."""

    def __init__(
        self, workdir: Path, gateway_url: str, extra_env: dict[str, str] | None = None
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/webhook"
        self.env = rasa_env(gateway_url, self.url, extra_env)
        self.log = workdir / f"actions-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [str(RASA_PYTHON), "-m", "actions.server", "--port", str(self.port)],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
        )
        wait_until(
            lambda: answers(f"http://127.0.0.1:{self.port}/health"),
            RASA_STARTUP_SECONDS,
            "action server",
            self.process,
            self.log,
        )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            stop_process(self.process)


@contextmanager
def running_actions(
    workdir: Path, gateway_url: str, extra_env: dict[str, str] | None = None
) -> Iterator[ActionServer]:
    """The real action server on a free port (its webhook URL is `.url`)."""
    server = ActionServer(workdir, gateway_url, extra_env)
    try:
        server.start()
        yield server
    finally:
        server.stop()


class RasaServer:
    """One Rasa server process serving the trained model; can be killed and started again
    on the same port (the fault tests do)."""

    def __init__(
        self,
        workdir: Path,
        port: int,
        endpoints: Path,
        env: dict[str, str],
        model: Path = MODEL,
        project: Path = ROOT,  # another project (the load benchmark's starter bot): its own
    ) -> None:  # credentials.yml, and its directory as the working directory
        if not model.exists():
            raise RuntimeError(f"{model} is missing: run `make train` (make test does it)")
        self.port, self.endpoints, self.env = port, endpoints, env
        self.model, self.project = model, project
        self.url = f"http://127.0.0.1:{port}"
        self.token = env.get("RASA_TOKEN", DEV_RASA_TOKEN)
        self.log = workdir / f"rasa-{port}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                str(RASA),
                "run",
                "--enable-api",
                "--interface",
                "127.0.0.1",
                "--auth-token",
                self.token,
                "--port",
                str(self.port),
                "--model",
                str(self.model),
                "--endpoints",
                str(self.endpoints),
                "--credentials",
                str(self.project / "credentials.yml"),
            ],
            cwd=self.project,
            env=self.env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
        )
        wait_until(
            lambda: bool(json_from(f"{self.url}/status?token={self.token}").get("model_id")),
            RASA_STARTUP_SECONDS,
            "Rasa server",
            self.process,
            self.log,
        )

    def kill(self) -> None:
        """As a crash would: no clean shutdown."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            stop_process(self.process)


@contextmanager
def running_rasa(
    workdir: Path,
    rasa_port: int,
    gateway_url: str,
    endpoints_file: Path | None = None,
    extra_env: dict[str, str] | None = None,
    actions_url: str | None = None,
) -> Iterator[str]:
    """The trained model served by a real Rasa server and its own action server (or the
    given one), with a throwaway SQLite tracker store and SQL event broker (events.db), or
    the given endpoints file (e.g. the production profile's, whose ${...} come from
    `extra_env`); yields Rasa's URL."""
    with contextlib.ExitStack() as stack:
        if actions_url is None:
            actions_url = stack.enter_context(running_actions(workdir, gateway_url, extra_env)).url
        endpoints = endpoints_file or workdir / "endpoints.yml"
        if endpoints_file is None:
            endpoints.write_text(
                f'action_endpoint:\n  url: "{actions_url}"\n'
                f'  headers:\n    Authorization: "Bearer {DEV_ACTION_SERVER_TOKEN}"\n'
                f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n'
                f'  db: "{workdir / "tracker.db"}"\n'
                # as endpoints.yml: the signals' end-to-end test reads it
                f'event_broker:\n  type: SQL\n  dialect: "sqlite"\n'
                f'  db: "{workdir / "events.db"}"\n'
            )
        server = RasaServer(
            workdir, rasa_port, endpoints, rasa_env(gateway_url, actions_url, extra_env)
        )
        stack.callback(server.stop)
        server.start()
        yield server.url
