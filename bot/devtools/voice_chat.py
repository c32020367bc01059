"""`make chat CHANNEL=voice`: the terminal is the caller of the phone line
(bot/channels/voice.py), against the running gateway, the way Twilio Voice would call it.

A call posts a signed incoming-call webhook, then follows the TwiML the gateway answers as
Twilio does: each `<Say>` is printed as `[fr-BE Polly.Isabelle-Neural] text` (the SSML's
words; slow prosody marked "(slowly)", numbers read digit by digit written 0-8-0-0, short
pauses as commas); a `<Gather>` asks for a line: one key (0-9, * or #) is sent as Digits,
other text as SpeechResult (Confidence 0.9), an empty line as silence. A `<Dial>` shows the
transfer and asks how it ended; `<Redirect>` is followed; `<Hangup>` ends the call.
Webhooks are signed over PUBLIC_URL exactly as Twilio signs them, and posted to the local
gateway. Ctrl-D ends.

`--speak` also says each text with a local synthesiser (espeak-ng or espeak, fr / nl
voice), or writes WAV files to `--audio-dir`, so that a person can hear the rhythm."""

from __future__ import annotations

import re
import secrets
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from twilio.request_validator import RequestValidator

from bot.core.settings import Settings

# (url, form, headers) -> (HTTP status, body): urllib by default, the test client in tests.
Post = Callable[[str, dict[str, str], dict[str, str]], tuple[int, str]]
Ask = Callable[[str], str]
Show = Callable[[str], None]

KEY = re.compile(r"^\s*([0-9*#])\s*$")
SPEECH_CONFIDENCE = "0.9"  # a typed sentence is what the caller said, well recognised
# How the transfer ended (Twilio's DialCallStatus), as the caller may type it.
DIAL_OUTCOMES = {"completed": "completed", "c": "completed", "1": "completed"}
DIAL_OUTCOMES |= {"no-answer": "no-answer", "n": "no-answer", "2": "no-answer"}
SLOW_RATES = {"slow", "x-slow"}
ENDED = "[the call ends]"


class VoiceChatError(Exception):
    """Something the tool cannot go on with; its message is the one line to print."""


class GatewayUnreachable(VoiceChatError):
    pass


@dataclass(frozen=True)
class Utterance:
    """One `<Say>` as the caller hears it."""

    language: str
    voice: str
    text: str  # the words, numbers as read, no SSML
    slow: bool

    @property
    def line(self) -> str:
        return f"[{self.language} {self.voice}] {'(slowly) ' if self.slow else ''}{self.text}"

    @property
    def speech(self) -> str:
        """The text for a local synthesiser: digits said one by one."""
        return re.sub(r"(?<=\d)-(?=\d)", " ", self.text)


def utterance(say: ElementTree.Element) -> Utterance:
    parts: list[str] = []
    slow = _words(say, parts)
    text = " ".join("".join(parts).split())
    text = re.sub(r"\s+,", ",", text)
    text = re.sub(r",(?:\s*,)+", ",", text).strip(" ,")
    return Utterance(say.get("language", ""), say.get("voice", ""), text, slow)


def _words(element: ElementTree.Element, parts: list[str]) -> bool:
    """Appends what `element` says to `parts`; True when any of it is slow."""
    slow = element.tag == "prosody" and element.get("rate", "") in SLOW_RATES
    if element.tag == "say-as":
        parts.append(_number(element.text or "", element.get("interpret-as", "")))
    elif element.tag == "break":
        # the short pauses between number groups are heard: shown as commas
        parts.append(", " if _milliseconds(element.get("time", "")) < 400 else " ")
    else:
        parts.append(element.text or "")
        for child in element:
            slow = _words(child, parts) or slow
            parts.append(child.tail or "")
    return slow


def _number(text: str, kind: str) -> str:
    if kind in ("digits", "characters", "telephone"):
        return "-".join(character for character in text if not character.isspace())
    return text


def _milliseconds(value: str) -> float:
    found = re.fullmatch(r"\s*([\d.]+)\s*(ms|s)\s*", value)
    if not found:
        return 0.0
    return float(found.group(1)) * (1 if found.group(2) == "ms" else 1000)


class Speaker:
    """A local synthesiser saying each text (fr or nl voice), or writing WAV files; when
    none is installed or it fails, says so once and the call goes on in text."""

    def __init__(self, show: Show, audio_dir: Path | None = None) -> None:
        self.show = show
        self.audio_dir = audio_dir
        self.count = 0
        self.program = shutil.which("espeak-ng") or shutil.which("espeak")
        if self.program is None:
            show("[--speak: no speech synthesiser (espeak-ng or espeak) is installed: text only]")
        elif audio_dir is not None:
            audio_dir.mkdir(parents=True, exist_ok=True)
            show(f"[--speak: {Path(self.program).name} writes WAV files to {audio_dir}]")

    def speak(self, said: Utterance) -> None:
        if self.program is None or not said.speech:
            return
        self.count += 1
        voice = "nl" if said.language.lower().startswith("nl") else "fr"
        command = [self.program, "-v", voice, "-s", "120" if said.slow else "160"]
        if self.audio_dir is not None:
            wav = self.audio_dir / f"{self.count:03d}-{voice}.wav"
            command += ["-w", str(wav)]
        try:
            subprocess.run(command + [said.speech], capture_output=True, timeout=120, check=True)
        except (OSError, subprocess.SubprocessError) as error:
            self.show(f"[--speak: {Path(self.program).name} failed ({error}); text only]")
            self.program = None


def http_post(url: str, form: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
    data = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")
    except (urllib.error.URLError, OSError) as error:
        where = "{0.scheme}://{0.netloc}".format(urllib.parse.urlsplit(url))
        reason = getattr(error, "reason", error)
        raise GatewayUnreachable(
            f"the gateway is not reachable at {where} ({reason}). Run `make run`."
        ) from None


@dataclass
class Call:
    """One phone call from the terminal: the same CallSid from the first webhook on."""

    public_url: str  # what the gateway believes it is reached at (Twilio signs over it)
    gateway: str  # where it really listens
    auth_token: str
    account_sid: str
    caller: str
    line: str  # the number called
    post: Post = http_post
    ask: Ask = field(default=lambda prompt: input(prompt))  # input as it is when asked
    show: Show = print
    speaker: Speaker | None = None
    call_sid: str = field(default_factory=lambda: "CA" + secrets.token_hex(16))

    def __post_init__(self) -> None:
        self.public_url = self.public_url.rstrip("/")
        self.gateway = self.gateway.rstrip("/")

    def fields(self, **more: str) -> dict[str, str]:
        """The form Twilio posts with every webhook of this call."""
        return {
            "AccountSid": self.account_sid,
            "ApiVersion": "2010-04-01",
            "CallSid": self.call_sid,
            "CallStatus": "in-progress",
            "Direction": "inbound",
            "From": self.caller,
            "To": self.line,
            "Caller": self.caller,
            "Called": self.line,
            **more,
        }

    def webhook(self, url: str, **more: str) -> tuple[ElementTree.Element, str]:
        """Posts the signed webhook to `url` (relative or under PUBLIC_URL); the TwiML and
        the absolute public URL it answered (relative URLs in it resolve against it)."""
        public = self.public(url)
        form = self.fields(**more)
        signature = RequestValidator(self.auth_token).compute_signature(public, form)
        local = self.gateway + public[len(self.public_url) :]
        headers = {
            "X-Twilio-Signature": signature,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        status, body = self.post(local, form, headers)
        path = urllib.parse.urlsplit(public).path
        if status == 403:
            raise VoiceChatError(
                f"the gateway refused the signature of {path} (403): does PUBLIC_URL "
                f"({self.public_url}) and TWILIO_AUTH_TOKEN match the gateway's?"
            )
        if status != 200:
            raise VoiceChatError(f"the gateway answered {status} to {path}: {body[:200]}")
        try:
            return ElementTree.fromstring(body), public
        except ElementTree.ParseError as error:
            raise VoiceChatError(f"the answer to {path} is not TwiML ({error})") from None

    def public(self, url: str, base: str | None = None) -> str:
        """`url` as Twilio would post to it: absolute, and under PUBLIC_URL (the only place
        the tool can map to the local gateway)."""
        absolute = urllib.parse.urljoin(base or f"{self.public_url}/", url)
        if not absolute.startswith(self.public_url + "/"):
            raise VoiceChatError(f"the TwiML points to {absolute}, not under {self.public_url}")
        return absolute


def run_call(call: Call) -> None:
    """One whole call, from the incoming-call webhook to its end."""
    twiml: ElementTree.Element | None
    twiml, url = call.webhook("/webhooks/voice")
    while twiml is not None:
        twiml, url = _execute(call, twiml, url)
    call.show(ENDED)


def _execute(
    call: Call, twiml: ElementTree.Element, url: str
) -> tuple[ElementTree.Element | None, str]:
    """Runs the verbs in order, as Twilio does; the next document, or None: the call ends."""
    for verb in twiml:
        if verb.tag == "Say":
            _speak(call, verb)
        elif verb.tag == "Gather":
            heard = _gather(call, verb)
            if heard or verb.get("actionOnEmptyResult") == "true":
                return call.webhook(call.public(verb.get("action") or url, url), **heard)
        elif verb.tag == "Dial":
            outcome = _dial(call, verb)
            if outcome is None:
                return None, url
            if verb.get("action"):
                return call.webhook(call.public(verb.get("action", ""), url), **outcome)
        elif verb.tag == "Redirect":
            return call.webhook(call.public((verb.text or "").strip(), url))
        elif verb.tag in ("Hangup", "Reject"):
            return None, url
        elif verb.tag == "Pause":
            call.show(f"[pause {verb.get('length', '1')} s]")
        else:
            call.show(f"[<{verb.tag}> is not simulated]")
    return None, url  # the end of a document hangs up


def _speak(call: Call, say: ElementTree.Element) -> None:
    said = utterance(say)
    call.show(said.line)
    if call.speaker is not None:
        call.speaker.speak(said)


def _gather(call: Call, gather: ElementTree.Element) -> dict[str, str]:
    """What the caller answers while (and after) the `<Gather>` speaks: Digits, a
    SpeechResult, or nothing (silence)."""
    for say in gather.iter("Say"):
        _speak(call, say)
    inputs = gather.get("input", "dtmf").split()
    listening = gather.get("language", "") if "speech" in inputs else ""
    line = call.ask(f"({listening} speech or a key) > " if listening else "(a key) > ").strip()
    key = KEY.match(line)
    if not line:
        return {}
    if key and "dtmf" in inputs:
        return {"Digits": key.group(1)}
    if "speech" not in inputs:
        call.show("[only keys are listened to here: Twilio hears silence]")
        return {}
    return {"SpeechResult": line, "Confidence": SPEECH_CONFIDENCE}


def _dial(call: Call, dial: ElementTree.Element) -> dict[str, str] | None:
    """Shows the transfer; how it ended (DialCallStatus), or None: the caller hangs up."""
    number = (dial.findtext("Number") or dial.text or "").strip()
    shown = f" shown as {dial.get('callerId')}" if dial.get("callerId") else ""
    call.show(f"[transfer to {number}{shown}]")
    if not dial.get("action"):
        return {}
    while True:
        line = call.ask("(transfer: completed / no-answer; empty: hang up) > ").strip().lower()
        if not line:
            return None
        if line in DIAL_OUTCOMES:
            status = DIAL_OUTCOMES[line]
            return {
                "DialCallStatus": status,
                "DialCallDuration": "42" if status == "completed" else "0",
            }
        call.show("[type completed or no-answer]")


def main(
    settings: Settings,
    gateway: str,
    caller: str,
    speak: bool = False,
    audio_dir: Path | None = None,
) -> int:
    """Calls again after each call ends, until Ctrl-D; 1 when the gateway cannot be used."""
    print("Vous appelez / U belt: tapez une phrase (parole), un chiffre (touche), ou rien")
    print("(silence). Ctrl-D pour raccrocher / om op te hangen.")
    speaker = Speaker(print, audio_dir) if speak or audio_dir is not None else None
    try:
        while True:
            call = Call(
                settings.public_url,
                gateway,
                settings.twilio_auth_token.get_secret_value(),
                settings.twilio_account_sid,
                caller,
                settings.twilio_number,
                speaker=speaker,
            )
            run_call(call)
            input("[Enter: call again; Ctrl-D: quit] ")
    except (EOFError, KeyboardInterrupt):
        print()
        return 0
    except VoiceChatError as error:
        print(f"[{error}]")
        return 1
