"""SMS text rules shared by the content tests and the SMS channel: typographic
normalisation to GSM-7, segment counting (smsutil) and the numbered-menu rendering of
buttons. See ../shared/CONTENT.md, "SMS budget"."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import smsutil

MAX_SEGMENTS = 2  # a reply to one tenant message; 3 only when unavoidable
GSM7 = "gsm0338"

# Typographic characters outside GSM-7 that have a plain GSM-7 equivalent.
_TYPOGRAPHY = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "`": "'",
        "´": "'",
        "«": '"',
        "»": '"',
        "“": '"',
        "”": '"',
        "„": '"',
        "–": "-",
        "—": "-",
        "‑": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "…": "...",
    }
)
FORBIDDEN_TYPOGRAPHY = frozenset("’‘«»“”„–—…\u00a0\u202f")


@dataclass(frozen=True)
class SmsSize:
    encoding: str  # "gsm0338" (GSM-7) or "utf_16_be" (UCS-2)
    segments: int

    @property
    def gsm7(self) -> bool:
        return self.encoding == GSM7


def normalise(text: str) -> str:
    """Replace typographic characters by their GSM-7 equivalents."""
    return text.translate(_TYPOGRAPHY)


def measure(text: str) -> SmsSize:
    """Encoding and number of segments the text costs as one SMS."""
    split = smsutil.split(text)
    return SmsSize(split.encoding, len(split.parts))


def numbered_menu(titles: Iterable[str]) -> str:
    """Buttons as an SMS menu: one option per line, digits from 1."""
    return "\n".join(f"{number} {title}" for number, title in enumerate(titles, start=1))


def render(text: str, button_titles: Iterable[str] = ()) -> str:
    """A bot message as the tenant's phone shows it."""
    menu = numbered_menu(button_titles)
    return normalise("\n".join(part for part in (text, menu) if part))
