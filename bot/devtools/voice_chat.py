"""`make chat CHANNEL=voice`: the terminal is the caller of the phone line
(bot/channels/voice.py), against the running gateway, the way Twilio Voice would call it.

A call posts a signed incoming-call webhook, then follows the TwiML the gateway answers as
Twilio does: each `<Say>` is printed as `[fr-BE Polly.Isabelle-Neural] text` (the SSML's
words; slow prosody marked "(slowly)", numbers read digit by digit written 0-8-0-0, short
pauses as commas); a `<Gather>` asks for a line: one key (0-9, * or #) is sent as Digits,
other text as SpeechResult (Confidence 0.9), an empty line as silence. A `<Dial>` shows the
transfer and asks how it ended; `<Redirect>` is followed; `<Hangup>` ends the call.
Webhooks are signed over PUBLIC_URL exactly as Twilio signs them, and posted to the local
gateway (bot/devtools/voice_caller.py). Ctrl-D ends.

`--speak` also says each text with a local synthesiser (espeak-ng or espeak, fr / nl
voice), or writes WAV files to `--audio-dir`, so that a person can hear the rhythm."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.settings import Settings
from bot.devtools.voice_caller import Caller, CallerError, Utterance, gather_answer, utterance

Ask = Callable[[str], str]
Show = Callable[[str], None]

# How the transfer ended (Twilio's DialCallStatus), as the caller may type it.
DIAL_OUTCOMES = {"completed": "completed", "c": "completed", "1": "completed"}
DIAL_OUTCOMES |= {"no-answer": "no-answer", "n": "no-answer", "2": "no-answer"}
ENDED = "[the call ends]"


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


@dataclass
class Call(Caller):
    """One phone call from the terminal: what the caller hears is printed (and said by
    `speaker`), what they say or key in is typed."""

    ask: Ask = field(default=lambda prompt: input(prompt))  # input as it is when asked
    show: Show = print
    speaker: Speaker | None = None


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
    heard = gather_answer(
        gather, call.ask(f"({listening} speech or a key) > " if listening else "(a key) > ")
    )
    if heard is None:
        call.show("[only keys are listened to here: Twilio hears silence]")
        return {}
    return heard


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
    except CallerError as error:
        print(f"[{error}]")
        return 1
