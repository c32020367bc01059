"""Prometheus metrics of the gateway (GET /metrics): messages in and out per channel,
handoffs, the outbox's depth and latency histograms. Counts only: no text, no address, no
pseudonym in any label.

With several gateway workers (GATEWAY_WORKERS), prometheus_client's multiprocess mode adds
up every worker's counts (PROMETHEUS_MULTIPROC_DIR, set by `python -m bot.gateway`); the
outbox's gauges (depth; failed messages, which never reached their tenant; messages left
`sending` past their lease, whose worker stopped) are read from the shared database at
scrape time, so they need no adding up."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15)


OUTBOX_GAUGES = {
    "failed": ("gateway_outbox_failed", "Outbox messages given up on (never reached the tenant)"),
    "sending_past_lease": (
        "gateway_outbox_sending_past_lease",
        "Outbox messages left sending past their lease (their worker stopped)",
    ),
}


class OutboxDepth(Collector):
    """The outbox depth and, given `read_states` (a mapping with "failed" and
    "sending_past_lease"), the outbox's other gauges, read at each scrape."""

    def __init__(
        self,
        read: Callable[[], float],
        read_states: Callable[[], Mapping[str, float]] | None = None,
    ) -> None:
        self.read = read
        self.read_states = read_states

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield GaugeMetricFamily(
            "gateway_outbox_depth", "Outbox messages waiting to be sent", value=self.read()
        )
        if self.read_states is None:
            return
        states = self.read_states()
        for key, (name, documentation) in OUTBOX_GAUGES.items():
            yield GaugeMetricFamily(name, documentation, value=float(states.get(key, 0.0)))


class Metrics:
    def __init__(
        self,
        outbox_depth: Callable[[], float],
        outbox_states: Callable[[], Mapping[str, float]] | None = None,
    ) -> None:
        self.registry = CollectorRegistry()
        self.messages_in = Counter(
            "gateway_messages_in", "Tenant messages received", ["channel"], registry=self.registry
        )
        self.messages_out = Counter(
            "gateway_messages_out",
            "Messages sent to tenants",
            ["channel", "way"],
            registry=self.registry,
        )
        self.handoffs = Counter(
            "gateway_handoffs_opened", "Handoffs opened", ["urgent"], registry=self.registry
        )
        self.webhook_latency = Histogram(
            "gateway_webhook_seconds",
            "Webhook handling time",
            ["channel"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.rasa_latency = Histogram(
            "gateway_rasa_seconds",
            "Rasa turn time",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.outbox_depth = OutboxDepth(outbox_depth, outbox_states)
        self.registry.register(self.outbox_depth)

    def exposition(self) -> bytes:
        """The text format of every metric, all workers' counts added up."""
        if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        registry.register(self.outbox_depth)
        return generate_latest(registry)
