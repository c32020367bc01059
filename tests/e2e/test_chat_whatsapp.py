"""`make chat CHANNEL=whatsapp` as a developer uses it: the tool (its own process, the
gateway's virtual environment) talks to the session's real gateway and Rasa as a WhatsApp
tenant, and prints what its loopback Twilio is asked to send later, free-form or template."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
import urllib.parse
import urllib.request

from bot.devtools.processes import GATEWAY_PYTHON, ROOT, free_port
from tests.conftest import PUBLIC_URL

NUMBER = "+32470666010"


class Terminal:
    """The chat tool in a terminal: lines typed in, everything it printed so far."""

    def __init__(self, gateway: str, twilio_port: int) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
            "PUBLIC_URL": PUBLIC_URL,  # as the gateway checks Twilio's signatures
            "TWILIO_API_URL": f"http://127.0.0.1:{twilio_port}",
        }
        self.process = subprocess.Popen(
            [str(GATEWAY_PYTHON), "-m", "bot.devtools.chat", "--channel", "whatsapp"]
            + ["--gateway", gateway, "--number", NUMBER],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self._output = b""
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while chunk := os.read(self.process.stdout.fileno(), 4096):
            self._output += chunk

    @property
    def output(self) -> str:
        return self._output.decode()

    def wait_for(self, text: str, after: int = 0, seconds: float = 60) -> str:
        """The output from `after` on, once `text` is in it."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if text in self.output[after:]:
                return self.output[after:]
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"{text!r} not printed; the terminal shows:\n{self.output}")

    def type(self, line: str, expect: str) -> str:
        before = len(self.output)
        self.process.stdin.write(f"{line}\n".encode())
        self.process.stdin.flush()
        return self.wait_for(expect, before)


def send_through_twilio(port: int, **fields: str) -> None:
    """A send to the tool's loopback Twilio, as the gateway's outbox posts it."""
    url = f"http://127.0.0.1:{port}/2010-04-01/Accounts/AC{'0' * 32}/Messages.json"
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode())
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201


def test_make_chat_whatsapp_talks_as_a_whatsapp_tenant_and_shows_later_sends(
    assistant, gateway_url
):
    port = free_port()
    terminal = Terminal(gateway_url, port)
    try:
        terminal.wait_for("> ")  # the loopback Twilio is up before the first prompt
        greeting = terminal.type("hallo", "characters]")
        assert "automatische assistent" in greeting
        # one WhatsApp message for the turn, with its menu and its length
        assert greeting.count("[WhatsApp, ") == 1
        assert "\n1 Activiteiten" in greeting
        shown = greeting.split("\n   [WhatsApp, ")[0]
        assert f"[WhatsApp, {len(shown)} characters]" in greeting
        assert "In welke gemeente" in terminal.type("1", "characters]")  # a digit maps back

        before = len(terminal.output)
        send_through_twilio(
            port,
            To=f"whatsapp:{NUMBER}",
            From="whatsapp:+32460000000",
            ContentSid="HX" + "1" * 32,
            ContentVariables=json.dumps(
                {"1": "Huiswerkklas", "2": "donderdag 16.30-18.30", "3": "Vliegerdreef 149"}
            ),
        )
        template = terminal.wait_for("(later WhatsApp template)", before, seconds=10)
        assert f"ContentSid HX{'1' * 32}" in template
        assert '"2": "donderdag 16.30-18.30"' in template

        before = len(terminal.output)
        send_through_twilio(
            port,
            To=f"whatsapp:{NUMBER}",
            From="whatsapp:+32460000000",
            Body="Bonjour, ici Ana. Je regarde votre dossier — à bientôt.",
        )
        free_form = terminal.wait_for("(later WhatsApp)\n", before, seconds=10)
        assert "Je regarde votre dossier — à bientôt.\n   [WhatsApp, 55 characters]" in free_form
    finally:
        terminal.process.stdin.close()
        code = terminal.process.wait(timeout=20)
    assert code == 0, terminal.output
