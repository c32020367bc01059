"""What the production profile asks of a secret: not a development default, no example
marker from the example env files, at least 32 bytes (256 bits) of entropy, and not the
same value as another secret.

The entropy of a value someone generated is estimated from its length and the alphabet it
is written in: 4 bits a character for hex, 6 for base64, about 6.5 for any printable text.
`openssl rand -hex 32` (64 hex characters) and `python -c "import secrets;
print(secrets.token_urlsafe(32))"` (43 characters) both give 256 bits. A value with fewer
than 10 different characters is refused whatever its length ("aaaa…" is not random)."""

from __future__ import annotations

import math
import string

MIN_ENTROPY_BITS = 256
MIN_DISTINCT_CHARACTERS = 10
# Words the example env files and tutorials put where a secret belongs.
EXAMPLE_MARKERS = (
    "replace",
    "change-me",
    "changeme",
    "change_me",
    "example",
    "placeholder",
    "secret-here",
    "your-",
    "xxxx",
    "dev-",
    "test-",
    "todo",
)
_HEX = set(string.hexdigits)
_BASE64 = set(string.ascii_letters + string.digits + "+/=-_")


def entropy_bits(value: str) -> float:
    """An estimate of the bits of entropy of a generated value (see the module's doc)."""
    characters = set(value)
    if characters <= _HEX:
        per_character = 4.0
    elif characters <= _BASE64:
        per_character = 6.0
    else:
        per_character = math.log2(95)
    return len(value) * per_character


def weakness(value: str, defaults: tuple[str, ...] = (), must_be_random: bool = True) -> str | None:
    """Why this value cannot be a production secret, or None. Third-party credentials
    (Twilio's auth token, Telegram's bot token) are not ours to lengthen:
    `must_be_random=False` checks them only for defaults and example markers."""
    if not value:
        return "is empty"
    if value in defaults:
        return "is the development default"
    lowered = value.lower()
    marker = next((marker for marker in EXAMPLE_MARKERS if marker in lowered), None)
    if marker is not None:
        return f"is a placeholder (it contains {marker!r})"
    if must_be_random and len(set(value)) < MIN_DISTINCT_CHARACTERS:
        return "is not random (too few different characters)"
    if must_be_random and entropy_bits(value) < MIN_ENTROPY_BITS:
        return f"is too short: at least {MIN_ENTROPY_BITS // 8} random bytes (openssl rand -hex 32)"
    return None
