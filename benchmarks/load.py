"""`make bench-load`: the production profile under load, on this machine.

1,000 simulated SMS tenants x 10 turns (signed Twilio webhooks, loopback only) through the
gateway (PostgreSQL, 2 workers) to 2 Rasa replicas (PostgreSQL trackers, Redis locks,
RabbitMQ events) and, in the same run, to 1 replica. Reports throughput, p50/p95/p99
latency per turn, lost and duplicated messages (webhook answers and outbox) and the tracker
store's check (each tenant message stored once, in order). Writes var/bench/load.json.

Bounded: --conversations, --concurrency and --max-seconds per configuration."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path

from bot.devtools.load import run_load
from bot.devtools.load_checks import check_delivery, check_tracker
from bot.devtools.loopback import FakeTwilio, running
from bot.devtools.stack import PSEUDONYM_KEY, PUBLIC_URL, TWILIO_TOKEN, production_stack

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "var" / "bench"
GOAL_RATE, GOAL_P95_MS = 40.0, 250.0


def measure(replicas: int, conversations: int, concurrency: int, max_seconds: float) -> dict:
    with (
        tempfile.TemporaryDirectory() as workdir,
        running(FakeTwilio()) as twilio,
        production_stack(Path(workdir), twilio.url, replicas=replicas) as stack,
    ):
        asyncio.run(run_load(stack.gateway, PUBLIC_URL, 4, 2, 120, auth_token=TWILIO_TOKEN))

        def sms_received(number: str) -> int:  # a late answer is awaited, as tenants do
            return sum(1 for sent in twilio.sent() if sent["To"] == number)

        result = asyncio.run(
            run_load(
                stack.gateway,
                PUBLIC_URL,
                conversations,
                concurrency,
                max_seconds,
                auth_token=TWILIO_TOKEN,
                late_replies=sms_received,
            )
        )
        delivery = check_delivery(result, twilio)
        tracker = check_tracker(result, stack.tracker_connection(), PSEUDONYM_KEY)
    return {
        "replicas": replicas,
        "gateway_workers": 2,
        "concurrency": concurrency,
        "conversations_finished": len({t.number for t in result.turns if t.index == 9}),
        "messages": len(result.turns),
        "seconds": round(result.seconds, 1),
        "messages_per_second": round(result.messages_per_second, 1),
        "p50_ms": round(result.percentile_ms(0.50), 1),
        "p95_ms": round(result.percentile_ms(0.95), 1),
        "p99_ms": round(result.percentile_ms(0.99), 1),
        "answered": delivery.answered,
        "lost": len(delivery.lost),
        "duplicated": len(delivery.duplicated),
        "http_errors": delivery.http_errors,
        "tracker_missing": tracker.missing,
        "tracker_duplicated": tracker.duplicated,
        "tracker_out_of_order": tracker.out_of_order,
        "client_errors": dict(result.errors),
    }


def table(rows: list[dict]) -> str:
    lines = [
        "Production profile under load: signed SMS webhooks -> gateway (PostgreSQL, "
        "2 workers) -> Rasa replicas (PostgreSQL, Redis, RabbitMQ)",
        f"{'replicas':>8} {'messages':>8} {'msg/s':>6} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'lost':>5} {'dup':>4} {'tracker miss/dup/order':>23}",
    ]
    for row in rows:
        tracker = (
            f"{row['tracker_missing']}/{row['tracker_duplicated']}/{row['tracker_out_of_order']}"
        )
        lines.append(
            f"{row['replicas']:>8} {row['messages']:>8} "
            f"{row['messages_per_second']:>6} {row['p50_ms']:>7} {row['p95_ms']:>7} "
            f"{row['p99_ms']:>7} {row['lost']:>5} {row['duplicated']:>4} "
            f"{tracker:>23}"
        )
    two, one = rows[-1], rows[0]
    met = two["messages_per_second"] >= GOAL_RATE and two["p95_ms"] < GOAL_P95_MS
    scaling = two["messages_per_second"] / max(one["messages_per_second"], 0.01)
    lines.append(
        f"2 replicas / 1 replica throughput: {scaling:.2f}x; goal >= {GOAL_RATE:g} "
        f"msg/s with p95 < {GOAL_P95_MS:g} ms: {'met' if met else 'NOT met'}"
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-seconds", type=float, default=900)
    args = parser.parse_args()
    rows = [
        measure(replicas, args.conversations, args.concurrency, args.max_seconds)
        for replicas in (1, 2)
    ]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "load.json").write_text(json.dumps(rows, indent=1))
    print(table(rows))
    clean = all(
        row["lost"]
        == row["duplicated"]
        == row["tracker_missing"]
        == row["tracker_duplicated"]
        == row["tracker_out_of_order"]
        == 0
        for row in rows
    )
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
