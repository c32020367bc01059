"""Prometheus metrics of the gateway (GET /metrics): messages in and out per channel,
handoffs, the outbox's depth and latency histograms. Counts only: no text, no address, no
pseudonym in any label. One registry per app (with several gateway processes, scrape each
one, or run prometheus_client's multiprocess mode)."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15)


class Metrics:
    def __init__(self, outbox_depth: Callable[[], float]) -> None:
        self.registry = CollectorRegistry()
        self.messages_in = Counter("gateway_messages_in", "Tenant messages received",
                                   ["channel"], registry=self.registry)  # fmt: skip
        self.messages_out = Counter("gateway_messages_out", "Messages sent to tenants",
                                    ["channel", "way"], registry=self.registry)  # fmt: skip
        self.handoffs = Counter("gateway_handoffs_opened", "Handoffs opened", ["urgent"],
                                registry=self.registry)  # fmt: skip
        self.webhook_latency = Histogram(
            "gateway_webhook_seconds", "Webhook handling time", ["channel"],
            buckets=LATENCY_BUCKETS, registry=self.registry)  # fmt: skip
        self.rasa_latency = Histogram("gateway_rasa_seconds", "Rasa turn time",
                                      buckets=LATENCY_BUCKETS, registry=self.registry)  # fmt: skip
        depth = Gauge("gateway_outbox_depth", "Outbox messages waiting to be sent",
                      registry=self.registry)  # fmt: skip
        depth.set_function(outbox_depth)
