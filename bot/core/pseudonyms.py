"""The sender id Rasa sees: an HMAC of "channel:address" with the gateway's secret. Without
the secret nobody can go from the id back to the phone number or chat id; the gateway maps
it back through its contact table."""

from __future__ import annotations

import hashlib
import hmac


def pseudonym(secret: str, channel: str, address: str) -> str:
    digest = hmac.new(secret.encode(), f"{channel}:{address}".encode(), hashlib.sha256)
    return f"{channel}-{digest.hexdigest()[:32]}"
