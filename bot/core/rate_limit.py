"""Per-sender rate limiting: a flood from one number or chat (a loop, a prank, a stuck
phone) slows that sender only. The `limits` library counts in a moving window; its storage
is in memory by default and Redis when several gateway processes share the count
(RATE_LIMIT_STORAGE=redis://...). Counts are kept under a hash of the sender, never the
phone number or chat id itself."""

from __future__ import annotations

import hashlib

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


class SenderLimiter:
    def __init__(self, rate: str, storage_uri: str) -> None:
        self.item = parse(rate)
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))
        self._told: set[str] = set()

    def allow(self, channel: str, sender: str) -> bool:
        """Count one message; False when the sender is over the limit."""
        key = _key(channel, sender)
        allowed = self.limiter.hit(self.item, key)
        if allowed:
            self._told.discard(key)
        return allowed

    def first_refusal(self, channel: str, sender: str) -> bool:
        """True once per flood: the sender is told to slow down, then nothing more."""
        key = _key(channel, sender)
        if key in self._told:
            return False
        self._told.add(key)
        return True


def _key(channel: str, sender: str) -> str:
    return hashlib.blake2b(f"{channel}:{sender}".encode(), digest_size=12).hexdigest()
