"""TwiML for the phone line, through the twilio library's VoiceResponse: `<Say>` with the
language's voice (SSML for numbers, pauses and the slow safety numbers), and `<Gather>`
with the language's speech recogniser, keypad and speech together, and hints.

Voices and recognisers (Settings; README, "Phone line"): Amazon Polly's neural voices of
Belgium through Twilio, Isabelle (fr-BE) and Lisa (nl-BE); Twilio's speech recognition in
nl-BE and, as it offers no fr-BE, fr-FR."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from twilio.twiml.voice_response import Gather, Say, VoiceResponse

from bot.channels.voice_speech import Segment, Sentence
from bot.core.settings import Settings

GATHER_TIMEOUT_SECONDS = 6  # silence before the gather gives up (then "silence" handling)


@dataclass(frozen=True)
class VoiceSetup:
    """Per language: the `<Say>` voice and language, and the `<Gather>` recogniser."""

    say_voice: dict[str, str]
    say_language: dict[str, str]
    listen_language: dict[str, str]


def voice_setup(settings: Settings) -> VoiceSetup:
    return VoiceSetup(
        {"fr": settings.voice_say_fr, "nl": settings.voice_say_nl},
        {"fr": settings.voice_say_language_fr, "nl": settings.voice_say_language_nl},
        {"fr": settings.voice_listen_fr, "nl": settings.voice_listen_nl},
    )


def say(
    parent: VoiceResponse | Gather,
    sentences: Iterable[Sentence],
    language: str,
    setup: VoiceSetup,
    slow: bool = False,
) -> Say:
    """One `<Say>` in the language's voice; sentences end with a short pause; `slow`
    (safety numbers) reads at a slow rate."""
    element = parent.say(voice=setup.say_voice[language], language=setup.say_language[language])
    target = element.prosody(rate="slow") if slow else element
    for index, sentence in enumerate(sentences):
        for place, segment in enumerate(sentence):
            if index and not place and segment.words and not segment.kind:
                # a space between sentences: the text reads as sentences (tests, logs)
                segment = Segment(" " + segment.words)
            _add(target, segment)
        target.break_(time="400ms")
    return element


def _add(target: Any, segment: Segment) -> None:
    if segment.pause_ms:
        target.break_(time=f"{segment.pause_ms}ms")
    elif segment.kind:
        target.say_as(segment.words, interpret_as=segment.kind)
    elif segment.words:
        target.nest(segment.words)


def gather(
    response: VoiceResponse,
    action: str,
    language: str,
    setup: VoiceSetup,
    hints: Iterable[str] = (),
    speech: bool = True,
) -> Gather:
    """Keypad (one key ends the input) and, unless `speech` is off, speech in the language;
    an empty result still calls `action` (silence is handled there)."""
    options: dict[str, object] = {
        "action": action,
        "method": "POST",
        "input": "dtmf speech" if speech else "dtmf",
        "num_digits": 1,
        "timeout": GATHER_TIMEOUT_SECONDS,
        "action_on_empty_result": True,
    }
    if speech:
        options["language"] = setup.listen_language[language]
        options["speech_timeout"] = "auto"
        hint_list = list(dict.fromkeys(hints))
        if hint_list:
            options["hints"] = ", ".join(hint_list)[:4000]
    return response.gather(**options)
