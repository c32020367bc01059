"""A caller of the phone line as Twilio Voice calls it (bot/channels/voice.py): the
webhooks of one call, with one CallSid, signed over the gateway's PUBLIC_URL exactly as
Twilio signs them and posted to where the gateway really listens; the TwiML it answers
read back: each `<Say>` as the words a caller hears, and what a `<Gather>` posts for a key,
words or silence. Used by `make chat CHANNEL=voice` (bot/devtools/voice_chat.py)."""

from __future__ import annotations

import re
import secrets
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from dataclasses import dataclass, field

from twilio.request_validator import RequestValidator

# (url, form, headers) -> (HTTP status, body): urllib by default, a test client in tests.
Post = Callable[[str, dict[str, str], dict[str, str]], tuple[int, str]]

KEY = re.compile(r"^\s*([0-9*#])\s*$")
SPEECH_CONFIDENCE = "0.9"  # a typed sentence is what the caller said, well recognised
SLOW_RATES = {"slow", "x-slow"}


class CallerError(Exception):
    """Something the call cannot go on with; its message is the one line to print."""


class GatewayUnreachable(CallerError):
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


def gather_answer(gather: ElementTree.Element, line: str) -> dict[str, str] | None:
    """The fields Twilio posts when the caller answers `line` to `gather`: one key (0-9, *
    or #) as Digits, other words as SpeechResult, an empty line as silence ({}). None: words
    where only keys are listened to (Twilio hears silence)."""
    inputs = gather.get("input", "dtmf").split()
    line = line.strip()
    key = KEY.match(line)
    if not line:
        return {}
    if key and "dtmf" in inputs:
        return {"Digits": key.group(1)}
    if "speech" not in inputs:
        return None
    return {"SpeechResult": line, "Confidence": SPEECH_CONFIDENCE}


@dataclass
class Caller:
    """One phone call, as Twilio makes it: the same CallSid from the first webhook on,
    each webhook signed and posted with `post`."""

    public_url: str  # what the gateway believes it is reached at (Twilio signs over it)
    gateway: str  # where it really listens
    auth_token: str
    account_sid: str
    caller: str
    line: str  # the number called
    post: Post = http_post
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
            raise CallerError(
                f"the gateway refused the signature of {path} (403): does PUBLIC_URL "
                f"({self.public_url}) and TWILIO_AUTH_TOKEN match the gateway's?"
            )
        if status != 200:
            raise CallerError(f"the gateway answered {status} to {path}: {body[:200]}")
        try:
            return ElementTree.fromstring(body), public
        except ElementTree.ParseError as error:
            raise CallerError(f"the answer to {path} is not TwiML ({error})") from None

    def public(self, url: str, base: str | None = None) -> str:
        """`url` as Twilio would post to it: absolute, and under PUBLIC_URL (the only place
        the tool can map to the local gateway)."""
        absolute = urllib.parse.urljoin(base or f"{self.public_url}/", url)
        if not absolute.startswith(self.public_url + "/"):
            raise CallerError(f"the TwiML points to {absolute}, not under {self.public_url}")
        return absolute
