"""`make bench-load`: the production profile under load, on this machine.

1,000 simulated SMS tenants x 10 turns (signed Twilio webhooks, loopback only) through the
gateway (PostgreSQL, 2 workers) to 1 and then 2 Rasa replicas (PostgreSQL trackers, Redis
locks, RabbitMQ events). Reports throughput, p50/p95/p99 latency per turn, lost and
duplicated messages (webhook answers and outbox) and the tracker store's check (each tenant
message stored once, in order); per process group, the CPU time per answered message during
the load (benchmarks/load_cpu.py) and the memory at its end (benchmarks/load_memory.py),
each against the reference measured in the same run on the same stores: one REST turn of
stock Rasa on its starter bot (benchmarks/load_reference.py); on fresh 1-replica stacks,
the latency one message at a time with our Rasa and with stock Rasa
(TENANT_ASSISTANT_STOCK_RASA=1, bot/nlu/rasa_speedups.py); and issue 20's goals, met or by
how much not (benchmarks/load_goals.py). Writes var/bench/load.json and publishes
benchmarks/figures/load.md (benchmarks/figures_io.py).

`--short` (`make bench-load-short`, a few minutes, to run before and after a change): the
2-replica load of 30 conversations, 5 one at a time, the reference; printed and written to
var/bench/load-short.json, the README's figures untouched.

Bounded: --conversations, --concurrency and --max-seconds per configuration."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.figures_io import publish
from benchmarks.load_cpu import ms_per_message, snapshot, split_rows
from benchmarks.load_flame import flame_graphs
from benchmarks.load_goals import P95, THROUGHPUT, cpu_of, goals_rows
from benchmarks.load_memory import group_memory
from benchmarks.load_reference import measure_reference
from bot.devtools.load import run_load
from bot.devtools.load_checks import check_delivery, check_tracker
from bot.devtools.loopback import FakeTwilio, running
from bot.devtools.stack import PSEUDONYM_KEY, PUBLIC_URL, TWILIO_TOKEN, Stack, production_stack

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "var" / "bench"
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
    flame: bool = False,
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
        profiler = (
            flame_graphs(trees, f"{replicas}-replicas") if flame else contextlib.nullcontext()
        )
        before = snapshot(trees)
        with profiler:
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
        memory = group_memory(trees)
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
        "memory": memory,
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
    met = THROUGHPUT.met(two["messages_per_second"]) and P95.met(two["p95_ms"])
    scaling = two["messages_per_second"] / max(one["messages_per_second"], 0.01)
    return (
        f"{two['replicas']} replicas / {one['replicas']} replica throughput: {scaling:.2f}x; "
        f"goal >= {THROUGHPUT.target:g} msg/s with p95 <= {P95.target:g} ms: "
        f"{'met' if met else 'NOT met'}"
    )


def memory_of(row: dict[str, Any], group: str) -> float | None:
    """A group's PSS in MB at the end of the run; the total row's is the sum."""
    memory = row.get("memory", {})
    if group == "total":
        return round(sum(m["pss_mb"] for m in memory.values()), 1) if memory else None
    return memory.get(group, {}).get("pss_mb")


def reference_ms(reference: dict[str, Any] | None) -> float | None:
    """The stock starter bot's CPU ms per REST turn, all its processes and stores."""
    return cpu_of(reference, "total") if reference else None


def cpu_table(rows: list[dict[str, Any]], reference: dict[str, Any] | None = None) -> str:
    """Per replicas configuration: each process group's CPU ms per answered message, its
    share, its ratio to one stock Rasa turn (the starter bot's total) and its memory."""
    stock = reference_ms(reference)
    return markdown_table(
        ["replicas", "process group", "CPU ms per message", "share", "x stock turn", "PSS MB"],
        [
            [
                row["replicas"],
                cpu["group"],
                f"{cpu['cpu_ms_per_message']:.1f}",
                f"{cpu['share']:.0%}",
                f"{cpu['cpu_ms_per_message'] / stock:.2f}" if stock else "-",
                memory if (memory := memory_of(row, cpu["group"])) is not None else "-",
            ]
            for row in rows
            for cpu in row["cpu"]
        ],
        right_from=2,
    )


def reference_table(reference: dict[str, Any]) -> str:
    """The stock starter bot's CPU ms per REST turn and memory, per process group."""
    return markdown_table(
        ["stock Rasa, starter bot", "CPU ms per turn", "share", "PSS MB"],
        [
            [
                cpu["group"],
                f"{cpu['cpu_ms_per_message']:.1f}",
                f"{cpu['share']:.0%}",
                memory if (memory := memory_of(reference, cpu["group"])) is not None else "-",
            ]
            for cpu in reference["cpu"]
        ],
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


def goals_table(production: dict[str, Any], alone: dict[str, Any]) -> str:
    return markdown_table(
        ["goal (2 replicas)", "target", "measured", "met", "measured / target"],
        goals_rows(production, alone),
        right_from=2,
    )


def report(
    date: str,
    command: str,
    conversations: int,
    concurrency: int,
    rows: list[dict[str, Any]],
    ours: dict[str, Any],
    stock: dict[str, Any] | None,
    reference: dict[str, Any],
) -> str:
    """The run's markdown: throughput, CPU and memory per process against one stock turn,
    the stock turn itself, one message at a time, and the goals."""
    parts = [
        f"Generated by `{command}` (benchmarks/load.py) on {date}, {conversations} "
        f"conversations x 10 turns, {concurrency} at a time, per configuration.",
        "",
        f"Production profile under load: signed SMS webhooks -> gateway (PostgreSQL, "
        f"{GATEWAY_WORKERS} workers) -> Rasa replicas (PostgreSQL, Redis, RabbitMQ).",
        "",
        throughput_table(rows),
        "",
        *([goal_line(rows), ""] if len(rows) > 1 else []),
        "CPU time (user + system) per answered message during the load, per process "
        "group: Rasa is all replicas, the gateway its master and workers. PostgreSQL, "
        "RabbitMQ and Redis are the machine's services, all their processes counted: "
        "they are shared with anything else running on the machine, whose use of them "
        'meanwhile is counted too. "x stock turn": the part\'s CPU over one REST turn of '
        "stock Rasa's starter bot (below, all its processes). PSS: the group's memory at "
        "the end of the load, shared pages divided among the processes that share them.",
        "",
        cpu_table(rows, reference),
        "",
        f"The reference, in the same run on the same stores: stock Rasa 3.6 serving its "
        f"starter bot (`rasa init`, default pipeline and policies) over REST, "
        f"{reference['conversations']} users x 10 turns, {reference['concurrency']} at a "
        f"time, {reference['messages_per_second']} msg/s, p50 {reference['p50_ms']} ms, "
        f"{reference['failed']} turns unanswered.",
        "",
        reference_table(reference),
        "",
    ]
    if stock is not None:
        parts += [
            f"One message at a time (concurrency 1, {ours['conversations_finished']} "
            f"conversations x 10 turns, {ours['messages']} and {stock['messages']} "
            f"messages), 1 replica, each on a fresh stack; ratio to stock: p50 ours / p50 "
            f"stock.",
            "",
            serial_table(ours, stock),
            "",
        ]
    else:
        parts += [
            f"One message at a time (concurrency 1, {ours['messages']} messages, 1 replica): "
            f"p50 {ours['p50_ms']} ms, p95 {ours['p95_ms']} ms.",
            "",
        ]
    parts += [
        "Issue 20's goals on this 2-core machine: CPU, throughput, p95 and memory of the "
        "2-replica load, p50 of one message at a time.",
        "",
        goals_table(rows[-1], ours),
        "",
    ]
    return "\n".join(parts)


def clean(row: dict[str, Any]) -> bool:
    return (
        row["lost"]
        == row["duplicated"]
        == row["tracker_missing"]
        == row["tracker_duplicated"]
        == row["tracker_out_of_order"]
        == 0
    )


SHORT = {"conversations": 30, "serial_conversations": 5}  # a few minutes, before and after


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=None)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-seconds", type=float, default=900)
    parser.add_argument(
        "--short",
        action="store_true",
        help="2 replicas only, 30 conversations, 5 one at a time, no stock-Rasa run of our "
        "bot; prints and writes var/bench/load-short.json, the README's figures untouched",
    )
    parser.add_argument(
        "--flame",
        action="store_true",
        help="py-spy flame graphs of each process group during the 2-replica load "
        "(var/results/flame-*.svg); it slows the processes: read the graphs, not the figures",
    )
    args = parser.parse_args()
    conversations = args.conversations or (SHORT["conversations"] if args.short else 1000)
    serial = SHORT["serial_conversations"] if args.short else SERIAL_CONVERSATIONS
    reference = measure_reference_run(conversations, args.concurrency, args.max_seconds)
    rows = [
        measure(
            replicas,
            conversations,
            args.concurrency,
            args.max_seconds,
            flame=args.flame and replicas == 2,
        )
        for replicas in ((2,) if args.short else (1, 2))
    ]
    ours = measure(1, serial, 1, args.max_seconds)
    stock = (
        None if args.short else measure(1, serial, 1, args.max_seconds, rasa_extra_env=STOCK_RASA)
    )
    data = {
        "load": rows,
        "one_at_a_time": {"ours": ours, "stock": stock},
        "reference": reference,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / ("load-short.json" if args.short else "load.json")).write_text(
        json.dumps(data, indent=1)
    )
    command = "make bench-load-short" if args.short else "make bench-load"
    if args.conversations and not args.short:
        command += f' ARGS="--conversations {args.conversations}"'
    date = datetime.date.today().isoformat()
    markdown = report(date, command, conversations, args.concurrency, rows, ours, stock, reference)
    if not args.short:
        publish("load", markdown, data)
    print(markdown)
    return 0 if all(clean(row) for row in [*rows, ours, *([stock] if stock else [])]) else 1


def measure_reference_run(conversations: int, concurrency: int, max_seconds: float) -> dict:
    with tempfile.TemporaryDirectory() as workdir:
        return measure_reference(Path(workdir), conversations, concurrency, max_seconds)


if __name__ == "__main__":
    sys.exit(main())
