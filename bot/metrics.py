"""Prometheus metrics of one gateway process, served at GET /metrics.

Each application gets its own registry (no process-wide globals), so tests can
build several apps in one process. Names and meanings are listed in
docs/deploy.md; keep both in step.
"""

from __future__ import annotations

from aiohttp import web
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from permits.states import QUEUE_HANDOFF_STATES

LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0)
CONFIDENCE_BUCKETS = (0.3, 0.45, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.received = Counter(
            "tanya_messages_received", "Messages received from users", ["channel"], registry=r
        )
        self.sent = Counter(
            "tanya_messages_sent",
            "Messages delivered to users (outcome: sent|failed)",
            ["channel", "outcome"],
            registry=r,
        )
        self.turn_seconds = Histogram(
            "tanya_turn_seconds",
            "From a message stored to its answer stored",
            ["channel"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.rasa_seconds = Histogram(
            "tanya_rasa_request_seconds",
            "One request to Rasa (NLU, dialogue and actions)",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.confidence = Histogram(
            "tanya_nlu_confidence",
            "Confidence of the intent the NLU chose",
            ["intent"],
            buckets=CONFIDENCE_BUCKETS,
            registry=r,
        )
        self.handoffs_open = Gauge(
            "tanya_handoffs_open",
            "Conversations waiting for or held by agents",
            ["state"],
            registry=r,
        )
        self.errors = Counter(
            "tanya_errors",
            "Failures (rasa_unavailable|turn_failed|delivery_failed|unhandled)",
            ["kind"],
            registry=r,
        )
        self.duplicates = Counter(
            "tanya_duplicates", "Repeated deliveries dropped", ["channel"], registry=r
        )
        self.flood_limited = Counter(
            "tanya_flood_limited",
            "Messages refused by the per-conversation flood limit",
            registry=r,
        )

    def observe_handoffs(self, counts: dict[str, int]) -> None:
        for state in QUEUE_HANDOFF_STATES:
            self.handoffs_open.labels(state).set(counts.get(state, 0))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


METRICS = web.AppKey("metrics", Metrics)
