"""With several gateway workers the rate limit is counted in Redis (the machine's server):
the workers share one count per sender, and Redis never holds a phone number."""

from __future__ import annotations

import redis

from bot.core.rate_limit import SenderLimiter

DB = 5  # not the lock store's (3) nor the load stack's (4)


def test_two_workers_share_one_count_per_sender_and_redis_holds_no_number():
    client = redis.Redis(host="127.0.0.1", port=6379, db=DB)
    client.flushdb()
    storage = f"redis://127.0.0.1:6379/{DB}"
    first, second = SenderLimiter("4/minute", storage), SenderLimiter("4/minute", storage)
    tenant = "+32470111111"
    counted = [worker.allow("sms", tenant) for worker in (first, second, first, second)]
    assert counted == [True] * 4
    assert not first.allow("sms", tenant) and not second.allow("sms", tenant)
    assert first.allow("sms", "+32470222222")  # another number is not slowed down
    keys = b" ".join(client.keys("*"))
    assert keys and b"32470111111" not in keys and b"32470222222" not in keys
    client.flushdb()
