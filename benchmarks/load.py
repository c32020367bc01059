"""`make bench-load`: the production profile under load, on this machine.

1,000 simulated SMS tenants x 10 turns (signed Twilio webhooks, loopback only) through the
gateway (PostgreSQL, 2 workers) to 2 Rasa replicas (PostgreSQL trackers, Redis locks,
RabbitMQ events) and, in the same run, to 1 replica. Reports throughput, p50/p95/p99
latency per turn, lost and duplicated messages (webhook answers and outbox) and the tracker
store's check (each tenant message stored once, in order); the CPU time per answered
message of each process group during the load (benchmarks/load_cpu.py); and, on fresh
1-replica stacks, the latency one message at a time (concurrency 1) with our Rasa and with
stock Rasa (TENANT_ASSISTANT_STOCK_RASA=1, bot/nlu/rasa_speedups.py). Writes
var/bench/load.json and publishes benchmarks/figures/load.md (benchmarks/figures_io.py).

Bounded: --conversations, --concurrency and --max-seconds per configuration."""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.figures_io import publish
from benchmarks.load_cpu import ms_per_message, snapshot, split_rows
from bot.devtools.load import run_load
from bot.devtools.load_checks import check_delivery, check_tracker
from bot.devtools.loopback import FakeTwilio, running
from bot.devtools.stack import PSEUDONYM_KEY, PUBLIC_URL, TWILIO_TOKEN, Stack, production_stack

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "var" / "bench"
GOAL_RATE, GOAL_P95_MS = 40.0, 250.0
GATEWAY_WORKERS = 2
SERIAL_CONVERSATIONS = 20  # one message at a time: 20 tenants x 10 turns, one after another
STOCK_RASA = {"TENANT_ASSISTANT_STOCK_RASA": "1"}


def process_trees(stack: Stack) -> dict[str, list[int]]:
    """The stack's own processes, as root pids of process trees (the gateway's master has
    its workers as children)."""
    return {
        "Rasa": [server.process.pid for server in stack.replicas if server.process],
        "gateway": [stack.gateway_process.process.pid],
        "action server": [stack.actions.process.pid] if stack.actions.process else [],
    }


def measure(
    replicas: int,
    conversations: int,
    concurrency: int,
    max_seconds: float,
    rasa_extra_env: dict[str, str] | None = None,
) -> dict[str, Any]:
    twilio = FakeTwilio()
    with (
        tempfile.TemporaryDirectory() as workdir,
        running(twilio),
        production_stack(
            Path(workdir),
            twilio.url,
            replicas=replicas,
            gateway_workers=GATEWAY_WORKERS,
            rasa_extra_env=rasa_extra_env,
        ) as stack,
    ):
        asyncio.run(run_load(stack.gateway, PUBLIC_URL, 4, 2, 120, auth_token=TWILIO_TOKEN))

        def sms_received(number: str) -> int:  # a late answer is awaited, as tenants do
            return sum(1 for sent in twilio.sent() if sent["To"] == number)

        trees = process_trees(stack)
        before = snapshot(trees)
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
        after = snapshot(trees)
        delivery = check_delivery(result, twilio)
        tracker = check_tracker(result, stack.tracker_connection(), PSEUDONYM_KEY)
    return {
        "replicas": replicas,
        "gateway_workers": GATEWAY_WORKERS,
        "concurrency": concurrency,
        "stock_rasa": bool(rasa_extra_env),
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
        "cpu_seconds_before": before,
        "cpu_seconds_after": after,
        "cpu": split_rows(ms_per_message(before, after, delivery.answered))
        if delivery.answered
        else [],
    }


def markdown_table(header: list[str], rows: list[list[Any]], right_from: int = 1) -> str:
    """A markdown table; columns from `right_from` on are right-aligned (figures)."""
    align = ["---" if i < right_from else "---:" for i in range(len(header))]
    lines = [header, align, *[[str(cell) for cell in row] for row in rows]]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)


def throughput_table(rows: list[dict[str, Any]]) -> str:
    header = ["replicas", "messages", "msg/s", "p50 ms", "p95 ms", "p99 ms", "lost", "dup"]
    header.append("tracker miss/dup/order")
    return markdown_table(
        header,
        [
            [
                row["replicas"],
                row["messages"],
                row["messages_per_second"],
                row["p50_ms"],
                row["p95_ms"],
                row["p99_ms"],
                row["lost"],
                row["duplicated"],
                f"{row['tracker_missing']}/{row['tracker_duplicated']}/"
                f"{row['tracker_out_of_order']}",
            ]
            for row in rows
        ],
    )


def goal_line(rows: list[dict[str, Any]]) -> str:
    two, one = rows[-1], rows[0]
    met = two["messages_per_second"] >= GOAL_RATE and two["p95_ms"] < GOAL_P95_MS
    scaling = two["messages_per_second"] / max(one["messages_per_second"], 0.01)
    return (
        f"{two['replicas']} replicas / {one['replicas']} replica throughput: {scaling:.2f}x; "
        f"goal >= {GOAL_RATE:g} msg/s with p95 < {GOAL_P95_MS:g} ms: "
        f"{'met' if met else 'NOT met'}"
    )


def cpu_table(rows: list[dict[str, Any]]) -> str:
    """Per replicas configuration: each process group's CPU ms per answered message."""
    return markdown_table(
        ["replicas", "process group", "CPU ms per message", "share"],
        [
            [
                row["replicas"],
                cpu["group"],
                f"{cpu['cpu_ms_per_message']:.1f}",
                f"{cpu['share']:.0%}",
            ]
            for row in rows
            for cpu in row["cpu"]
        ],
        right_from=2,
    )


def serial_table(ours: dict[str, Any], stock: dict[str, Any]) -> str:
    """One message at a time: p50 and p95 with our Rasa and stock Rasa, and ours / stock
    at p50."""
    return markdown_table(
        ["Rasa", "p50 ms", "p95 ms", "ratio to stock"],
        [
            [
                "ours (bot/nlu/rasa_speedups.py)",
                ours["p50_ms"],
                ours["p95_ms"],
                f"{ours['p50_ms'] / max(stock['p50_ms'], 0.01):.2f}",
            ],
            ["stock (TENANT_ASSISTANT_STOCK_RASA=1)", stock["p50_ms"], stock["p95_ms"], "1.00"],
        ],
    )


def report(
    date: str,
    conversations: int,
    concurrency: int,
    rows: list[dict[str, Any]],
    ours: dict[str, Any],
    stock: dict[str, Any],
) -> str:
    return "\n".join(
        [
            f"Generated by `make bench-load` (benchmarks/load.py) on {date}, {conversations} "
            f"conversations x 10 turns, {concurrency} at a time, per configuration.",
            "",
            f"Production profile under load: signed SMS webhooks -> gateway (PostgreSQL, "
            f"{GATEWAY_WORKERS} workers) -> Rasa replicas (PostgreSQL, Redis, RabbitMQ).",
            "",
            throughput_table(rows),
            "",
            goal_line(rows),
            "",
            "CPU time (user + system) per answered message during the load, per process "
            "group: Rasa is all replicas, the gateway its master and workers. PostgreSQL, "
            "RabbitMQ and Redis are the machine's services, all their processes counted: "
            "they are shared with anything else running on the machine, whose use of them "
            "meanwhile is counted too.",
            "",
            cpu_table(rows),
            "",
            f"One message at a time (concurrency 1, {ours['conversations_finished']} "
            f"conversations x 10 turns, {ours['messages']} and {stock['messages']} messages), "
            f"1 replica, each on a fresh stack; ratio to stock: p50 ours / p50 stock.",
            "",
            serial_table(ours, stock),
            "",
        ]
    )


def clean(row: dict[str, Any]) -> bool:
    return (
        row["lost"]
        == row["duplicated"]
        == row["tracker_missing"]
        == row["tracker_duplicated"]
        == row["tracker_out_of_order"]
        == 0
    )


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
    ours = measure(1, SERIAL_CONVERSATIONS, 1, args.max_seconds)
    stock = measure(1, SERIAL_CONVERSATIONS, 1, args.max_seconds, rasa_extra_env=STOCK_RASA)
    data = {"load": rows, "one_at_a_time": {"ours": ours, "stock": stock}}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "load.json").write_text(json.dumps(data, indent=1))
    date = datetime.date.today().isoformat()
    markdown = report(date, args.conversations, args.concurrency, rows, ours, stock)
    publish("load", markdown, data)
    print(markdown)
    return 0 if all(clean(row) for row in [*rows, ours, stock]) else 1


if __name__ == "__main__":
    sys.exit(main())
