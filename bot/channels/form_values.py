"""Values of a Twilio webhook's form or query string, read the one forgiving way every
channel needs: Twilio sends numbers as text, and a forged or garbled one must not fail
the request."""

from __future__ import annotations


def int_or_zero(value: str | None) -> int:
    """`value` as an integer; absent, empty or not a number: 0."""
    try:
        return int(value or 0)
    except ValueError:
        return 0
