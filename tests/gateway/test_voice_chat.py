"""`make chat CHANNEL=voice` (bot/devtools/voice_chat.py): the terminal plays the caller
against the real gateway (scripted Rasa, the phone-line company of tests/data/companies),
its webhooks signed over PUBLIC_URL as Twilio signs them. The calls are driven as a
function: typed lines in, printed lines out; the posts go through the gateway's test
client. One call goes the whole way as `make chat CHANNEL=voice` does (the command's
`main`, real HTTP to the gateway served by uvicorn on a free loopback port), and one finds
no gateway there."""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.devtools import chat
from bot.devtools.voice_caller import CallerError
from bot.devtools.voice_chat import ENDED, Call, Speaker, run_call
from bot.sms_rules import MENU_PAYLOAD
from tests.gateway.channel_fixtures import PUBLIC_URL, Channels
from tests.gateway.served import served_gateway
from tests.gateway.test_voice_channel import _line

CALLER = "+32470000000"  # the chat tool's default, a made-up Belgian mobile
ISABELLE = "[fr-BE Polly.Isabelle-Neural]"
LISA = "[nl-BE Polly.Lisa-Neural]"


@pytest.fixture
def line(tmp_path: Path) -> Iterator[Channels]:
    """The gateway with the open phone line of voice_open.yml and a scripted Rasa that
    opens handoffs as the action server does."""
    yield from _line(tmp_path, "voice_open.yml")


@dataclass
class Phone:
    """What the caller typed, what the terminal printed, what the gateway was posted."""

    typed: list[str]
    printed: list[str] = field(default_factory=list)
    posted: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    hung_up_by_caller: bool = False

    def ask(self, prompt: str) -> str:
        if not self.typed:
            raise EOFError  # Ctrl-D
        return self.typed.pop(0)

    @property
    def output(self) -> str:
        return "\n".join(self.printed)

    @property
    def forms(self) -> list[dict[str, str]]:
        return [form for _, form in self.posted]


def call(desk: Channels, typed: list[str], speaker: Speaker | None = None) -> Phone:
    """A whole call typed in the terminal; Ctrl-D once the lines run out."""
    phone = Phone(list(typed))

    def post(url: str, form: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        phone.posted.append((url, form))
        answer = desk.client.post(url, data=form, headers=headers)
        return answer.status_code, answer.text

    settings = desk.settings
    the_call = Call(
        settings.public_url,
        "http://testserver",
        settings.twilio_auth_token.get_secret_value(),
        settings.twilio_account_sid,
        CALLER,
        settings.twilio_number,
        post=post,
        ask=phone.ask,
        show=phone.printed.append,
        speaker=speaker,
    )
    try:
        run_call(the_call)
    except EOFError:
        phone.hung_up_by_caller = True
    return phone


def test_choosing_2_speaks_dutch_lines_in_the_dutch_voice(line: Channels) -> None:
    phone = call(line, ["2"])
    assert phone.printed[:2] == [
        f"{ISABELLE} Pour le français, tapez 1.",
        f"{LISA} Voor Nederlands, druk op 2.",
    ]
    greeting = phone.printed[2:]
    assert greeting and all(printed.startswith(LISA) for printed in greeting)
    assert "Hallo. Ik ben een automatische assistent, geen mens." in greeting[0]
    assert "Dit gesprek wordt niet opgenomen." in greeting[0]
    assert phone.forms[1]["Digits"] == "2"


def test_a_typed_sentence_reaches_rasa_as_the_tenants_words_on_the_voice_channel(
    line: Channels,
) -> None:
    phone = call(line, ["1", "Bonjour, mon chauffage est en panne"])
    sent = line.rasa.messages()[-1]
    assert sent["message"] == "Bonjour, mon chauffage est en panne"
    assert sent["metadata"]["channel"] == "voice"
    assert CALLER not in sent["sender"]
    assert f"{ISABELLE} Vous avez dit : Bonjour, mon chauffage est en panne." in phone.output
    speech = phone.forms[-1]
    assert speech["SpeechResult"] == "Bonjour, mon chauffage est en panne"
    assert speech["Confidence"] == "0.9" and "Digits" not in speech
    # one call: the same fresh CallSid, from the chat's number to the development line
    assert len({form["CallSid"] for form in phone.forms}) == 1
    assert re.fullmatch(r"CA[0-9a-f]{32}", speech["CallSid"])
    assert {(form["From"], form["To"]) for form in phone.forms} == {
        (CALLER, line.settings.twilio_number)
    }
    # posted to the local gateway, at the paths the TwiML named under PUBLIC_URL
    assert [url for url, _ in phone.posted] == [
        "http://testserver/webhooks/voice",
        "http://testserver/webhooks/voice/language",
        "http://testserver/webhooks/voice/turn",
    ]


def test_a_digit_is_sent_as_a_key(line: Channels) -> None:
    phone = call(line, ["1", "0"])
    key = phone.forms[-1]
    assert key["Digits"] == "0" and "SpeechResult" not in key
    assert line.rasa.messages()[-1]["message"] == MENU_PAYLOAD
    menu = phone.printed[-1].lower()  # the menu read with its keys (wording: voice_texts)
    assert "tapez 4" in menu and "parler à une personne" in menu


def test_empty_lines_are_silence_and_the_second_ends_the_call_with_a_goodbye(
    line: Channels,
) -> None:
    phone = call(line, ["1", "", ""])
    assert not phone.hung_up_by_caller  # the gateway ended the call
    silent = phone.forms[-2:]
    assert all("Digits" not in form and "SpeechResult" not in form for form in silent)
    assert f"{ISABELLE} Je n'entends rien. Dites votre question." in phone.printed
    # the company's number read in groups, digit by digit where it starts with 0
    goodbye = "Au revoir. Pour parler à une personne, appelez le 0-2, 0-0-0, 0-0, 10."
    assert phone.printed[-2:] == [f"{ISABELLE} {goodbye}", ENDED]
    assert line.rasa.messages() == []


def test_danger_numbers_are_marked_slow_and_read_as_numbers_with_no_ssml(
    line: Channels,
) -> None:
    phone = call(line, ["1", "je ne veux plus vivre"])
    slow = [printed for printed in phone.printed if "(slowly)" in printed]
    assert len(slow) == 2
    for printed in slow:
        assert printed.startswith(f"{ISABELLE} (slowly) Votre vie compte.")
        assert "Appelez le 112." in printed
        assert "Centre de Prévention du Suicide 0-8-0-0, 32, 123." in printed
    assert "Le service social vous rappellera dès que possible." in phone.output
    assert not re.search(r"<|/>|prosody|say-as|break", phone.output)


def test_a_transfer_is_shown_and_its_outcome_chosen_by_the_caller(line: Channels) -> None:
    phone = call(line, ["1", "0", "4", "no-answer"])
    assert "[transfer to +3220000011 shown as +32460000000]" in phone.printed
    url, form = phone.posted[-1]
    assert re.fullmatch(r"http://testserver/webhooks/voice/transferred\?handoff=\d+", url)
    assert form["DialCallStatus"] == "no-answer"
    assert "Personne n'a pu répondre. Le service social vous rappellera." in phone.output
    assert phone.printed[-1] == ENDED and not phone.hung_up_by_caller


def test_without_a_synthesiser_speak_says_so_once_and_goes_on_in_text(
    line: Channels, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    notes: list[str] = []
    speaker = Speaker(notes.append)
    phone = call(line, ["1", "Bonjour"], speaker=speaker)
    assert len(notes) == 1 and "no speech synthesiser" in notes[0]
    assert "espeak-ng or espeak" in notes[0]
    assert f"{ISABELLE} Vous avez dit : Bonjour." in phone.output


def test_speak_writes_each_text_with_the_dutch_voice_to_the_audio_dir(
    line: Channels, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stand-in espeak-ng on PATH: records its arguments, writes the WAV it is asked to."""
    tools, log = tmp_path / "bin", tmp_path / "espeak.log"
    tools.mkdir()
    fake = tools / "espeak-ng"
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> "{log}"\n'
        'while [ "$#" -gt 0 ]; do [ "$1" = -w ] && : > "$2"; shift; done\n'
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    audio = tmp_path / "audio"
    speaker = Speaker(lambda note: None, audio)
    phone = call(line, ["2"], speaker=speaker)
    runs = log.read_text(encoding="utf-8").splitlines()
    assert len(runs) == len(phone.printed) == 3
    assert runs[0].startswith("-v fr ") and "Pour le français, tapez 1." in runs[0]
    assert all(run.startswith("-v nl ") for run in runs[1:])
    assert "Hallo." in runs[2]
    assert sorted(wav.name for wav in audio.iterdir()) == ["001-fr.wav", "002-nl.wav", "003-nl.wav"]


@pytest.fixture
def served(line: Channels) -> Iterator[str]:
    """The same gateway (settings, database, scripted Rasa) listening on a free loopback
    port, as `make run` serves it."""
    with served_gateway(line.settings) as url:
        yield url


def test_make_chat_voice_calls_the_served_gateway_until_ctrl_d(
    line: Channels,
    served: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PUBLIC_URL", PUBLIC_URL)  # the gateway's, as Twilio signs over it
    typed = ["2", "Hallo"]

    def terminal(prompt: str) -> str:
        if not typed:
            raise EOFError
        return typed.pop(0)

    monkeypatch.setattr("builtins.input", terminal)
    code = chat.main(["--channel", "voice", "--gateway", served, "--number", CALLER])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert f"{LISA} Hallo. Ik ben een automatische assistent, geen mens." in printed
    assert f"{LISA} Vous avez dit : Hallo." in printed  # the script's words, the caller's voice
    assert line.rasa.messages()[-1]["message"] == "Hallo"
    assert line.rasa.messages()[-1]["metadata"]["channel"] == "voice"


def test_an_unreachable_gateway_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    code = chat.main(["--channel", "voice", "--gateway", f"http://127.0.0.1:{port}"])
    printed = capsys.readouterr().out.strip().splitlines()
    assert code == 1
    assert printed[-1].startswith(f"[the gateway is not reachable at http://127.0.0.1:{port} (")
    assert printed[-1].endswith("Run `make run`.]")
    assert "Traceback" not in "\n".join(printed)


def test_a_signature_the_gateway_refuses_is_explained(line: Channels) -> None:
    """The tool and the gateway disagree on PUBLIC_URL: the refusal says what to check."""
    settings = line.settings.model_copy(update={"public_url": "http://127.0.0.1:8000"})

    def post(url: str, form: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        answer = line.client.post(url, data=form, headers=headers)
        return answer.status_code, answer.text

    wrong = Call(
        settings.public_url,
        "http://testserver",
        settings.twilio_auth_token.get_secret_value(),
        settings.twilio_account_sid,
        CALLER,
        settings.twilio_number,
        post=post,
    )
    with pytest.raises(CallerError, match="PUBLIC_URL .* TWILIO_AUTH_TOKEN"):
        run_call(wrong)
    assert line.rasa.messages() == []
