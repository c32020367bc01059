"""`make bench` (channels part): what the gateway adds to a tenant's wait on SMS and WhatsApp.

The same scripted conversations run, in this process and against the same real Rasa server
and action server, as signed Twilio SMS webhooks through the gateway (webhook to TwiML,
with signature check, dedup, contact lookup, digit mapping and SMS rendering), as signed
Twilio WhatsApp webhooks (/webhooks/whatsapp, `whatsapp:` addresses and WhatsApp's form
fields; WhatsApp's rendering and 24-hour window bookkeeping), and as direct calls to Rasa's
REST channel, at 1, 10 and 50 concurrent conversations. Reports p50/p95 latency per turn
and each channel's p95 ratio to direct Rasa (goal <= 1.3), the SMS segments per reply, and
WhatsApp's characters per message and messages per turn (one is the goal: a turn is one
WhatsApp message). Writes var/bench/channels.json.

`--rounds 1 --concurrency 1 10` makes a short run."""

from __future__ import annotations

import argparse
import asyncio
import html
import itertools
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp
from twilio.request_validator import RequestValidator

from bot.dev_defaults import DEV_TWILIO_AUTH_TOKEN
from bot.devtools.gateway_process import running_gateway
from bot.devtools.loopback import FakeTelegram, FakeTwilio, running
from bot.devtools.processes import free_port, running_rasa
from bot.devtools.stats import percentile
from bot.devtools.whatsapp_form import whatsapp_form
from bot.sms_rules import measure

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "var" / "bench"
PUBLIC_URL = "https://assistant.example.org"
CONCURRENCY = (1, 10, 50)
ROUNDS = 2  # conversations per concurrent tenant slot
WHATSAPP_SENDER = "whatsapp:+32460000000"  # Settings.twilio_whatsapp_number's default
GOAL_P95_RATIO = 1.3
# (what the tenant types on SMS, what the same tenant's choice is on Rasa's REST channel)
SCRIPT = [
    ("bonjour", "bonjour"),
    ("1", "/find_activity"),
    ("Schaerbeek", "Schaerbeek"),
    ("2", '/inform{"activity_category": "sport"}'),
    ("9", "/more_results"),
    ("merci", "merci"),
]
_ids = itertools.count(1)


async def twilio_turns(
    session: aiohttp.ClientSession,
    gateway: str,
    path: str,
    form_of: Callable[[str, str], dict[str, str]],
    latencies: list[float],
) -> list[list[str]]:
    """The script posted, signed, to the gateway's Twilio webhook at `path` (`form_of(sid,
    typed)` gives the fields); each turn's messages as the tenant reads them."""
    validator = RequestValidator(DEV_TWILIO_AUTH_TOKEN)
    turns = []
    for typed, _ in SCRIPT:
        params = form_of(f"SM{next(_ids):032x}", typed)
        signature = validator.compute_signature(f"{PUBLIC_URL}{path}", params)
        start = time.perf_counter()
        async with session.post(
            f"{gateway}{path}", data=params, headers={"X-Twilio-Signature": signature}
        ) as response:
            body = await response.text()
        latencies.append((time.perf_counter() - start) * 1000)
        turns.append(
            [html.unescape(part.split("</Message>")[0]) for part in body.split("<Message>")[1:]]
        )
    return turns


async def sms_conversation(
    session: aiohttp.ClientSession,
    gateway: str,
    number: str,
    latencies: list[float],
    segments: list[int],
) -> None:
    def form(sid: str, typed: str) -> dict[str, str]:
        return {
            "MessageSid": sid,
            "From": number,
            "Body": typed,
            "To": "+32460000000",
            "NumMedia": "0",
            "AccountSid": "AC" + "3" * 32,
        }

    for turn in await twilio_turns(session, gateway, "/webhooks/sms", form, latencies):
        segments.extend(measure(message).segments for message in turn)


async def whatsapp_conversation(
    session: aiohttp.ClientSession,
    gateway: str,
    number: str,
    latencies: list[float],
    characters: list[int],
    messages: list[int],
) -> None:
    """The same script as WhatsApp messages: Twilio's WhatsApp webhook fields, signed."""

    def form(sid: str, typed: str) -> dict[str, str]:
        return whatsapp_form(sid, number, WHATSAPP_SENDER, typed, "AC" + "3" * 32, "Bench")

    for turn in await twilio_turns(session, gateway, "/webhooks/whatsapp", form, latencies):
        messages.append(len(turn))
        characters.extend(len(message) for message in turn)


async def rasa_conversation(
    session: aiohttp.ClientSession, rasa: str, sender: str, latencies: list[float]
) -> None:
    for _, choice in SCRIPT:
        body = {"sender": sender, "message": choice, "metadata": {"channel": "sms"}}
        start = time.perf_counter()
        async with session.post(f"{rasa}/webhooks/rest/webhook", json=body) as response:
            await response.json()
        latencies.append((time.perf_counter() - start) * 1000)


async def level(concurrency: int, gateway: str, rasa: str, run: int, rounds: int) -> dict:
    results: dict = {}
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        for name in ("direct_rasa", "gateway_sms", "gateway_whatsapp"):
            latencies: list[float] = []
            segments: list[int] = []
            characters: list[int] = []
            messages: list[int] = []
            numbers = (f"+3247{run}{concurrency:03d}{n:04d}" for n in range(concurrency * rounds))
            if name == "gateway_sms":
                conversations = [
                    sms_conversation(session, gateway, number, latencies, segments)
                    for number in numbers
                ]
            elif name == "gateway_whatsapp":
                conversations = [
                    whatsapp_conversation(session, gateway, number, latencies, characters, messages)
                    for number in numbers
                ]
            else:
                conversations = [
                    rasa_conversation(session, rasa, f"bench-{run}-{concurrency}-{n}", latencies)
                    for n in range(concurrency * rounds)
                ]
            for start in range(0, len(conversations), concurrency):
                await asyncio.gather(*conversations[start : start + concurrency])
            results[name] = {
                "p50_ms": round(percentile(latencies, 0.5), 1),
                "p95_ms": round(percentile(latencies, 0.95), 1),
                "turns": len(latencies),
            }
            if segments:
                results["segments_per_reply"] = {
                    "mean": round(statistics.mean(segments), 2),
                    "max": max(segments),
                    "share_within_2": round(sum(s <= 2 for s in segments) / len(segments), 3),
                }
            if messages:
                results["whatsapp_replies"] = {
                    "characters_mean": round(statistics.mean(characters), 1),
                    "characters_max": max(characters),
                    "messages_per_turn_mean": round(statistics.mean(messages), 2),
                    "messages_per_turn_max": max(messages),
                    "share_one_message": round(sum(m == 1 for m in messages) / len(messages), 3),
                }
    direct_p95 = results["direct_rasa"]["p95_ms"]
    results["p95_ratio"] = round(results["gateway_sms"]["p95_ms"] / direct_p95, 2)
    results["p95_ratio_whatsapp"] = round(results["gateway_whatsapp"]["p95_ms"] / direct_p95, 2)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.channels", description=__doc__)
    parser.add_argument(
        "--concurrency", type=int, nargs="+", default=list(CONCURRENCY), help="default: 1 10 50"
    )
    parser.add_argument(
        "--rounds", type=int, default=ROUNDS, help="conversations per concurrent slot"
    )
    args = parser.parse_args(argv)
    rasa_port = free_port()
    with (
        tempfile.TemporaryDirectory() as workdir,
        running(FakeTwilio()) as twilio,
        running(FakeTelegram()) as telegram,
    ):
        env = {
            "TWILIO_API_URL": twilio.url,
            "TELEGRAM_API_URL": f"{telegram.url}/bot",
            "PUBLIC_URL": PUBLIC_URL,
            "SMS_REPLY_DEADLINE_SECONDS": "60",
            "RASA_TRACKER_STORE_URL": f"sqlite:///{Path(workdir) / 'tracker.db'}",
        }
        with (
            running_gateway(Path(workdir), f"http://127.0.0.1:{rasa_port}", env) as gateway,
            running_rasa(Path(workdir), rasa_port, gateway) as rasa,
        ):
            asyncio.run(level(1, gateway, rasa, 0, 1))  # warm-up: models, caches, connections
            results = {
                str(c): asyncio.run(level(c, gateway, rasa, 1, args.rounds))
                for c in args.concurrency
            }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "channels.json").write_text(json.dumps(results, indent=1))
    print(table(results))
    return 0


def table(results: dict) -> str:
    lines = [
        "SMS webhook -> TwiML through the gateway vs direct Rasa REST, same run, ms per turn",
        f"{'concurrent':>10} {'direct p50':>11} {'p95':>7} {'gateway p50':>12} {'p95':>7}"
        f" {'p95 ratio':>10}",
    ]
    for concurrency, row in results.items():
        direct, gateway = row["direct_rasa"], row["gateway_sms"]
        verdict = "ok" if row["p95_ratio"] <= GOAL_P95_RATIO else "over goal"
        lines.append(
            f"{concurrency:>10} {direct['p50_ms']:>11} {direct['p95_ms']:>7} "
            f"{gateway['p50_ms']:>12} {gateway['p95_ms']:>7} "
            f"{row['p95_ratio']:>9}x {verdict}"
        )
    segments = [row["segments_per_reply"] for row in results.values()]
    lines.append(
        f"SMS segments per reply: mean {segments[-1]['mean']}, max "
        f"{max(s['max'] for s in segments)}, within 2 segments "
        f"{min(s['share_within_2'] for s in segments):.0%} (goal p95 ratio <= "
        f"{GOAL_P95_RATIO})"
    )
    lines += [
        "",
        "WhatsApp webhook -> TwiML through the gateway vs direct Rasa REST, same run, ms per turn",
        f"{'concurrent':>10} {'direct p50':>11} {'p95':>7} {'gateway p50':>12} {'p95':>7}"
        f" {'p95 ratio':>10}",
    ]
    for concurrency, row in results.items():
        direct, gateway = row["direct_rasa"], row["gateway_whatsapp"]
        ratio = row["p95_ratio_whatsapp"]
        verdict = "ok" if ratio <= GOAL_P95_RATIO else "over goal"
        lines.append(
            f"{concurrency:>10} {direct['p50_ms']:>11} {direct['p95_ms']:>7} "
            f"{gateway['p50_ms']:>12} {gateway['p95_ms']:>7} {ratio:>9}x {verdict}"
        )
    replies = [row["whatsapp_replies"] for row in results.values()]
    lines.append(
        f"WhatsApp characters per message: mean {replies[-1]['characters_mean']}, max "
        f"{max(r['characters_max'] for r in replies)} (limit 4096); messages per turn: mean "
        f"{replies[-1]['messages_per_turn_mean']}, max "
        f"{max(r['messages_per_turn_max'] for r in replies)}, one message "
        f"{min(r['share_one_message'] for r in replies):.0%} of turns"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
