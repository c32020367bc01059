"""The gateway's CPU per tenant message, alone (issue 20): the real gateway (production
profile: PostgreSQL, GATEWAY_WORKERS uvicorn workers, signed Twilio webhooks) in front of a
loopback fake of Rasa and its action server, so that only the gateway's own work is counted.

    .venv-gateway/bin/python -m benchmarks.gateway_profile [--conversations 40] [--label x]

The fake Rasa (bot/devtools/loopback.py's ScriptedRasa) answers each turn of
bot/devtools/load.py's SCRIPTS with replies shaped as Rasa's REST channel gives them (text,
buttons as numbered menus) and keeps the `language` slot the gateway reads after a turn.
For the turns where the real action server searches the directory (a category picked,
"more", a new category, commune or day), it makes the action server's calls first, on the
gateway's public port and private listener: GET /hsds/services (as actions/activities.py's
search_parameters: commune, taxonomy_term, weekday, full=true, per_page=30; again without
the weekday when that finds nothing) and POST /internal/directory/shown.

Measured: the CPU seconds of the gateway's process tree (master and workers, from /proc as
benchmarks/load_cpu.py reads them) over the load, per message answered; PostgreSQL's too
(every postgres process on the machine: other users of it are counted). Then, unless
--no-profile, a second load under py-spy (`--subprocesses`) gives the
collapsed stacks and a flame graph in var/results/ (git-ignored), and the top functions by
own time. It samples only threads holding the GIL (`--gil`): without it, py-spy counts a
thread blocked in libpq's wait for PostgreSQL as busy. Its own database (gwprof_<random>)
is created and dropped."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import json
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import redis

from benchmarks.load_cpu import snapshot
from bot.devtools.gateway_process import running_gateway_process
from bot.devtools.load import run_load
from bot.devtools.loopback import FakeTwilio, ScriptedRasa, running

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "var" / "results"
PY_SPY = Path(sys.executable).parent / "py-spy"
MAX_RESULTS, PER_MESSAGE = 30, 3  # actions/activities.py, actions/activity_text.py
ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
# bot/devtools/stack.py's production profile (that module needs the Rasa side's packages)
PUBLIC_URL = "https://assistant.example.org"
INTERNAL_API_TOKEN = secrets.token_hex(32)
TWILIO_TOKEN = "profile-twilio-token-not-a-real-one"
REDIS_LIMITS_DB = 5  # bot/devtools/stack.py uses 3 and 4

# What each scripted turn means to the fake bot: (its reply, the search it makes or None).
# A search is (commune, category, weekday); "more" searches again, as the action does.
TEXTS = {
    "fr": {
        "menu": "Bonjour, je suis l'assistant des locataires. Que puis-je faire pour vous ?",
        "where": "Dans quelle commune cherchez-vous une activité ?",
        "what": "Quel genre d'activité ?",
        "results": "Activités à {commune} :",
        "none": "Je n'ai rien trouvé. Voulez-vous parler à une personne ?",
        "bye": "Avec plaisir ! Écrivez-moi quand vous voulez.",
        "more": "Plus de résultats",
        "remind": "Me le rappeler",
        "back": "Menu",
    },
    "nl": {
        "menu": "Hallo, ik ben de assistent voor huurders. Wat kan ik voor u doen?",
        "where": "In welke gemeente zoekt u een activiteit?",
        "what": "Wat voor activiteit?",
        "results": "Activiteiten in {commune}:",
        "none": "Ik vond niets. Wilt u met iemand spreken?",
        "bye": "Graag gedaan! Schrijf me wanneer u wilt.",
        "more": "Meer resultaten",
        "remind": "Herinner me",
        "back": "Menu",
    },
}
MENU_BUTTONS = [
    ("Trouver une activité / Een activiteit zoeken", "/find_activity"),
    ("Une réparation / Een herstelling", "/report_repair"),
    ("Mon loyer / Mijn huur", "/rent_question"),
    ("Parler à une personne / Met iemand spreken", "/human_handoff"),
]
CATEGORY_BUTTONS = [
    ("Aide aux devoirs / Huiswerk", '/inform{"activity_category":"homework_help"}'),
    ("Sport", '/inform{"activity_category":"sport"}'),
    ("Contacts / Ontmoeting", '/inform{"activity_category":"social_contact"}'),
    ("Numérique / Digitaal", '/inform{"activity_category":"digital_help"}'),
    ("Bricolage / Knutselen", '/inform{"activity_category":"crafts"}'),
]
# per language: the search state each turn leaves (turn index -> (commune, category, day))
SEARCHES = {
    "fr": {
        3: ("schaerbeek", "sport", None),
        4: ("schaerbeek", "sport", None),
        5: ("schaerbeek", "french_courses", None),
        6: ("anderlecht", "french_courses", None),
        7: ("anderlecht", "french_courses", "WE"),
    },
    "nl": {
        3: ("molenbeek-saint-jean", "sport", None),
        4: ("molenbeek-saint-jean", "sport", None),
        5: ("molenbeek-saint-jean", "homework_help", None),
        6: ("jette", "homework_help", None),
        7: ("jette", "homework_help", "WE"),
    },
}


class FakeBot(ScriptedRasa):
    """Rasa and its action server, scripted: the gateway's only counterpart."""

    def __init__(self) -> None:
        self.gateway = ""  # set once the gateway runs
        self.internal = ""
        self.turns: Counter[str] = Counter()
        self.searches = 0
        super().__init__(self._reply)
        # keep-alive, as Rasa's server (Sanic) does: the gateway's client reuses connections
        self.server.RequestHandlerClass.protocol_version = "HTTP/1.1"

    def _reply(self, sender: str, message: str) -> list[dict[str, Any]]:
        index = self.turns[sender] % 10
        self.turns[sender] += 1
        if index == 0:  # the scripts' first words: "bonjour", "hallo"
            self.languages[sender] = "nl" if message.strip().lower() == "hallo" else "fr"
        language = self.languages.get(sender, "fr")
        said = TEXTS[language]
        if index == 0 or message == "/ask_capabilities":
            return [
                {"recipient_id": sender, "text": said["menu"], "buttons": _buttons(MENU_BUTTONS)}
            ]
        if index == 1:
            return [{"recipient_id": sender, "text": said["where"]}]
        if index == 2:
            return [
                {
                    "recipient_id": sender,
                    "text": said["what"],
                    "buttons": _buttons(CATEGORY_BUTTONS),
                }
            ]
        search = SEARCHES[language].get(index)
        if search is not None:
            return self._search(sender, language, *search)
        return [{"recipient_id": sender, "text": said["bye"]}]

    def _answer(self, method: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        status, answer = super()._answer(method, path, body)
        if path.endswith("/tracker") and body.get("include_events") == "NONE":
            answer = {**answer, "events": []}  # as Rasa: the slots without the events
        return status, answer

    def _search(
        self, sender: str, language: str, commune: str, category: str, day: str | None
    ) -> list[dict[str, Any]]:
        """What action_search_activities asks the gateway, and a reply of its shape."""
        params = {"commune": commune, "taxonomy_term": category, "full": "true"}
        params["per_page"] = str(MAX_RESULTS)
        if day:
            params["weekday"] = day
        page = self._get("/hsds/services", params)
        if not page.get("contents") and day:
            page = self._get("/hsds/services", {k: v for k, v in params.items() if k != "weekday"})
        services = page.get("contents") or []
        said = TEXTS[language]
        if not services:
            return [{"recipient_id": sender, "text": said["none"]}]
        shown = services[:PER_MESSAGE]
        self._post_internal(
            "/internal/directory/shown",
            {"sender_id": sender, "service_ids": [service["id"] for service in shown]},
        )
        lines = [said["results"].format(commune=commune)]
        for number, service in enumerate(shown, start=1):
            name = service.get("name", "")
            if language == "nl":
                name = (service.get("translations") or {}).get("nl", {}).get("name", name)
            session = (service.get("search_result") or {}).get("next_session") or {}
            lines.append(f"{number}. {name} {session.get('start', '')[:16]}")
        buttons = [(said["more"], "/more_results"), (said["remind"], "/remind_me")]
        buttons.append((said["back"], "/ask_capabilities"))
        return [{"recipient_id": sender, "text": "\n".join(lines), "buttons": _buttons(buttons)}]

    def _get(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        self.searches += 1
        url = f"{self.gateway}{path}?{urllib.parse.urlencode(params)}"
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.loads(response.read())

    def _post_internal(self, path: str, body: dict[str, Any]) -> None:
        request = urllib.request.Request(
            f"{self.internal}{path}",
            data=json.dumps(body).encode(),
            headers={
                "Authorization": f"Bearer {INTERNAL_API_TOKEN}",
                "Content-Type": "application/json",
            },
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10):
            pass


def _buttons(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"title": title, "payload": payload} for title, payload in pairs]


def _load(gateway: str, conversations: int, concurrency: int) -> tuple[int, int]:
    """(messages answered with 200, messages sent)."""
    result = asyncio.run(
        run_load(
            gateway,
            PUBLIC_URL,
            conversations,
            concurrency,
            max_seconds=600,
            auth_token=TWILIO_TOKEN,
        )
    )
    answered = sum(1 for turn in result.turns if turn.status == 200 and turn.replies)
    return answered, len(result.turns)


@contextlib.contextmanager
def database_named(name: str) -> Iterator[str]:
    """A fresh PostgreSQL database for the run, dropped afterwards; yields its URL."""
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def gateway_env(rasa_url: str, twilio_url: str, database_url: str, workers: int) -> dict[str, str]:
    """As bot/devtools/stack.py's production_gateway_env (docker-compose.yml's profile)."""
    return {
        "PROFILE": "production",
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TELEGRAM_BOT_TOKEN": "123456:profile-telegram-token-not-a-real-one",
        "TELEGRAM_SECRET_TOKEN": secrets.token_urlsafe(32),
        "CONSOLE_SECRET": secrets.token_hex(32),
        "TELEGRAM_API_URL": "http://127.0.0.1:9/bot",
        "DATABASE_URL": database_url,
        "RASA_URL": rasa_url,
        "GATEWAY_WORKERS": str(workers),
        "PSEUDONYM_KEY": secrets.token_hex(32),
        "INTERNAL_API_TOKEN": INTERNAL_API_TOKEN,
        "RASA_TOKEN": secrets.token_hex(32),
        "RATE_LIMIT_STORAGE": f"redis://127.0.0.1:6379/{REDIS_LIMITS_DB}",
        "RASA_TRACKER_STORE_URL": database_url,  # only the retention job reads it
        "TWILIO_API_URL": twilio_url,
        "PUBLIC_URL": PUBLIC_URL,
        "RASA_TIMEOUT_SECONDS": "60",
        "SIGNALS_SOURCE": "rabbitmq",
        "DIRECTORY_CLOCK": "2026-11-26T12:00:00+01:00",  # the sample directory's dates
    }


def _transactions(database: str) -> int:
    """Transactions committed or rolled back on the gateway's database so far (a round-trip
    proxy: each is at least BEGIN ... COMMIT around its statements)."""
    with psycopg.connect(ADMIN) as connection:
        row = connection.execute(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s",
            (database,),
        ).fetchone()
    return int(row[0]) if row else 0


def measure(
    gateway_pid: int, gateway: str, conversations: int, concurrency: int, database: str
) -> dict[str, float]:
    trees = {"gateway": [gateway_pid]}
    transactions = _transactions(database)
    before, started = snapshot(trees), time.monotonic()
    answered, sent = _load(gateway, conversations, concurrency)
    after, seconds = snapshot(trees), time.monotonic() - started
    time.sleep(1.5)  # pg_stat_database is updated by the backends with a delay
    transactions = _transactions(database) - transactions
    if answered != sent:
        print(f"warning: {sent - answered} of {sent} messages not answered", file=sys.stderr)
    return {
        "messages": answered,
        "seconds": round(seconds, 1),
        "gateway_cpu_ms_per_message": round(
            (after["gateway"] - before["gateway"]) * 1000 / answered, 2
        ),
        "postgres_cpu_ms_per_message": round(
            (after["PostgreSQL"] - before["PostgreSQL"]) * 1000 / answered, 2
        ),
        "db_transactions_per_message": round(transactions / answered, 2),
    }


def idle_cpu(gateway_pid: int, seconds: float) -> float:
    """The gateway's CPU milliseconds per second with nothing to do (its pollers)."""
    before = snapshot({"gateway": [gateway_pid]})["gateway"]
    time.sleep(seconds)
    after = snapshot({"gateway": [gateway_pid]})["gateway"]
    return round((after - before) * 1000 / seconds, 2)


def profile(
    gateway_pid: int, gateway: str, conversations: int, concurrency: int, label: str
) -> dict[str, Any]:
    """A load under py-spy: collapsed stacks, a flame graph and the top own-time frames."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    collapsed = RESULTS / f"gateway-profile-{label}.collapsed.txt"
    spy = subprocess.Popen(
        [
            str(PY_SPY),
            "record",
            "--pid",
            str(gateway_pid),
            "--subprocesses",
            "--gil",  # samples of a thread holding the GIL: Python's CPU, not its waits
            "--rate",
            "250",
            "--format",
            "raw",
            "--output",
            str(collapsed),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    time.sleep(2.0)  # attached to every worker before the load
    _load(gateway, conversations, concurrency)
    spy.send_signal(2)  # SIGINT: py-spy writes what it has and stops
    _, error = spy.communicate(timeout=60)
    if not collapsed.exists():
        raise RuntimeError(f"py-spy wrote nothing: {error.decode()[-2000:]}")
    stacks = read_collapsed(collapsed)
    svg = RESULTS / f"gateway-profile-{label}.svg"
    svg.write_text(flame_graph(stacks, f"gateway CPU, {label}"), encoding="utf-8")
    return {"collapsed": str(collapsed), "flame_graph": str(svg), "top": top_frames(stacks)}


def read_collapsed(path: Path) -> dict[tuple[str, ...], int]:
    """py-spy's raw format: `frame;frame;... count` a line (the first frame: the process)."""
    stacks: Counter[tuple[str, ...]] = Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            frames = tuple(stack.split(";")[1:])  # the process: all workers together
            stacks[frames] += int(count)
    return dict(stacks)


def top_frames(stacks: dict[tuple[str, ...], int], count: int = 25) -> dict[str, Any]:
    """Own time of the leaf frames, and inclusive time of our own code's frames (bot/)."""
    total = sum(stacks.values()) or 1
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    for frames, samples in stacks.items():
        if frames:
            own[frames[-1]] += samples
        for frame in set(frames):
            if "bot/" in frame and "devtools" not in frame:
                inclusive[frame] += samples
    return {
        "samples": total,
        "own": [(frame, round(100 * n / total, 1)) for frame, n in own.most_common(count)],
        "ours_inclusive": [
            (frame, round(100 * n / total, 1)) for frame, n in inclusive.most_common(count)
        ],
    }


def flame_graph(stacks: dict[tuple[str, ...], int], title: str) -> str:
    """A plain SVG flame graph (root at the bottom; hover a frame for its share)."""
    tree: dict[str, Any] = {"n": 0, "kids": {}}
    for frames, samples in stacks.items():
        node = tree
        node["n"] += samples
        for frame in frames:
            node = node["kids"].setdefault(frame, {"n": 0, "kids": {}})
            node["n"] += samples
    width, row, total = 1600.0, 16, tree["n"] or 1
    rects: list[str] = []
    depth_max = [0]

    def walk(node: dict[str, Any], x: float, depth: int) -> None:
        depth_max[0] = max(depth_max[0], depth)
        for name, kid in sorted(node["kids"].items()):
            w = kid["n"] / total * width
            if w >= 0.3:
                label = html.escape(name)
                share = 100 * kid["n"] / total
                hue = 20 + (hash(name.split(" ")[0]) % 40)
                text = html.escape(name.split(" (")[0][: int(w / 7)])  # cut, then escaped
                rects.append(
                    f"<g><title>{label} ({kid['n']} samples, {share:.2f}%)</title>"
                    f'<rect x="{x:.1f}" y="{{y{depth}}}" width="{w:.1f}" height="{row - 1}"'
                    f' fill="hsl({hue},90%,60%)"/>'
                    f'<text x="{x + 2:.1f}" y="{{t{depth}}}" font-size="11">{text}</text></g>'
                )
                walk(kid, x, depth + 1)
            x += w

    walk(tree, 0.0, 0)
    height = (depth_max[0] + 3) * row
    body = "\n".join(rects)
    for depth in range(depth_max[0] + 1):
        y = height - (depth + 2) * row
        body = body.replace(f"{{y{depth}}}", str(y)).replace(f"{{t{depth}}}", str(y + 12))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height}"'
        f' font-family="monospace"><text x="4" y="14">{html.escape(title)}'
        f" ({total} samples)</text>\n{body}\n</svg>\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.gateway_profile")
    parser.add_argument("--conversations", type=int, default=40, help="x 10 messages, measured")
    parser.add_argument("--warmup", type=int, default=6, help="conversations before measuring")
    parser.add_argument("--profiled", type=int, default=30, help="conversations under py-spy")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2, help="measured loads (median kept)")
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    parser.add_argument("--label", default=time.strftime("%Y%m%dT%H%M%S"))
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args(argv)
    if not args.no_profile and not PY_SPY.exists():
        parser.error(f"{PY_SPY} is missing: pip install -r requirements/gateway-dev.lock")
    database = f"gwprof_{secrets.token_hex(4)}"
    workdir = Path(tempfile.mkdtemp(prefix="gwprof-"))
    redis.Redis(host="127.0.0.1", port=6379, db=REDIS_LIMITS_DB).flushdb()  # earlier runs' counts
    report: dict[str, Any] = {"label": args.label, "database": "postgresql", **vars(args)}
    try:
        with (
            database_named(database) as database_url,
            running(FakeBot()) as bot,
            running(FakeTwilio()) as twilio,
        ):
            env = gateway_env(bot.url, twilio.url, database_url, args.workers)
            with running_gateway_process(workdir, bot.url, env) as gateway:
                assert isinstance(bot, FakeBot)
                bot.gateway, bot.internal = gateway.url, gateway.internal_url
                gateway.wait_for_workers(args.workers)
                pid = gateway.process.pid
                _load(gateway.url, args.warmup, args.concurrency)
                report["idle_cpu_ms_per_second"] = idle_cpu(pid, args.idle_seconds)
                runs = [
                    measure(pid, gateway.url, args.conversations, args.concurrency, database)
                    for _ in range(args.repeat)
                ]
                report["runs"] = runs
                ordered = sorted(runs, key=lambda run: run["gateway_cpu_ms_per_message"])
                report["median"] = ordered[len(ordered) // 2]
                report["searches"] = bot.searches
                print(json.dumps({"runs": runs, "idle": report["idle_cpu_ms_per_second"]}))
                if not args.no_profile:
                    found = profile(pid, gateway.url, args.profiled, args.concurrency, args.label)
                    report["profile"] = found
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"gateway-profile-{args.label}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(json.dumps({k: v for k, v in report.items() if k != "profile"}, indent=2))
    if "profile" in report:
        top = report["profile"]["top"]
        print(f"\nflame graph: {report['profile']['flame_graph']}")
        print(f"top own time ({top['samples']} samples):")
        for frame, share in top["own"][:20]:
            print(f"  {share:5.1f}%  {frame}")
        print("our code, inclusive:")
        for frame, share in top["ours_inclusive"][:20]:
            print(f"  {share:5.1f}%  {frame}")
    print(f"\nwritten: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
