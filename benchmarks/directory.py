"""`make bench` (directory part, in the gateway's environment): import rate and search
latency over a generated directory of 20,000 services on SQLite, like `make run` uses.

Search is measured on the bot's own queries (a commune and a category, sometimes a day or
an audience) and, separately, on region-wide listings (no commune), which must compute the
next session of every match. Goal from issue 3: p95 <= 20 ms for the bot's queries. The
ratio column compares with the same queries straight on the normalised HSDS tables (joins,
no search index), run in this process on the same data. Writes var/bench/directory.json."""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import and_, select

from bot.core.db import make_engine, make_session_factory
from bot.devtools.stats import percentile
from bot.directory.importer import import_records
from bot.directory.models import Attribute, Location, Service, ServiceAtLocation, TaxonomyTerm
from bot.directory.search import Query, search
from bot.directory.synthetic import generated_directory
from bot.gateway.migrate import upgrade_to_head
from bot.hsds_profile import CATEGORY_LINK, TIME_ZONE
from bot.lexicon import categories, communes

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "var" / "bench"
SERVICES = 20_000
QUERIES = 400
GOAL_P95_MS = 20.0
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=TIME_ZONE)


def bot_queries(rng: random.Random) -> list[Query]:
    days = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    queries = []
    for _ in range(QUERIES):
        extra: dict = {}
        if rng.random() < 0.3:
            extra["weekdays"] = frozenset({rng.choice(days)})
        if rng.random() < 0.2:
            extra["audience"] = rng.choice(["children", "seniors", "women", "families"])
        queries.append(
            Query(
                commune=rng.choice(list(communes())),
                category=rng.choice(list(categories())),
                **extra,
            )
        )
    return queries


def timed(sessions, queries: list[Query], run) -> list[float]:  # noqa: ANN001
    times = []
    with sessions() as db:
        run(db, queries[0])  # warm caches
        for query in queries:
            start = time.perf_counter()
            run(db, query)
            times.append((time.perf_counter() - start) * 1000)
    return times


def on_hsds_tables(db, query: Query) -> list:  # noqa: ANN001
    """The baseline: the same filters as joins over the normalised tables."""
    statement = (
        select(Service.id, ServiceAtLocation.id, Location.id)
        .select_from(Location)
        .join(ServiceAtLocation, ServiceAtLocation.location_id == Location.id)
        .join(
            Service,
            and_(
                ServiceAtLocation.owner_kind == "service", ServiceAtLocation.owner_id == Service.id
            ),
        )
        .join(
            Attribute, and_(Attribute.owner_id == Service.id, Attribute.link_type == CATEGORY_LINK)
        )
        .join(TaxonomyTerm, TaxonomyTerm.id == Attribute.taxonomy_term_id)
        .where(Location.commune_id == query.commune, TaxonomyTerm.code == query.category)
    )
    return db.execute(statement).all()


def main() -> int:
    rng = random.Random(2026)
    records = generated_directory(SERVICES)
    with tempfile.TemporaryDirectory() as workdir:
        url = f"sqlite:///{Path(workdir) / 'bench.db'}"
        upgrade_to_head(url)
        sessions = make_session_factory(make_engine(url))
        start = time.perf_counter()
        report = import_records(sessions, records)
        import_seconds = time.perf_counter() - start
        assert report.imported == SERVICES, report.rejected[:3]

        queries = bot_queries(rng)
        ours = timed(sessions, queries, lambda db, q: search(db, q, NOW))
        baseline = timed(sessions, queries, on_hsds_tables)
        region = [Query(category=rng.choice(list(categories()))) for _ in range(40)]
        region_times = timed(sessions, region, lambda db, q: search(db, q, NOW))

    results = {
        "services": SERVICES,
        "import_services_per_second": round(SERVICES / import_seconds, 1),
        "import_seconds": round(import_seconds, 1),
        "bot_search_ms": {
            "p50": round(percentile(ours, 0.5), 2),
            "p95": round(percentile(ours, 0.95), 2),
        },
        "bot_search_filters_only_on_hsds_tables_ms": {
            "p50": round(percentile(baseline, 0.5), 2),
            "p95": round(percentile(baseline, 0.95), 2),
        },
        "region_wide_search_ms": {
            "p50": round(percentile(region_times, 0.5), 1),
            "p95": round(percentile(region_times, 0.95), 1),
        },
        "mean_bot_search_ms": round(statistics.mean(ours), 2),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "directory.json").write_text(json.dumps(results, indent=1))
    print(table(results))
    return 0


def table(results: dict) -> str:
    ours, base = results["bot_search_ms"], results["bot_search_filters_only_on_hsds_tables_ms"]
    region = results["region_wide_search_ms"]
    return "\n".join(
        [
            f"Directory, {results['services']:,} generated services, SQLite",
            f"  import: {results['import_services_per_second']} services/s "
            f"({results['import_seconds']} s)",
            "  search (bot queries: commune + category, some with day or audience), full search",
            f"    incl. next sessions: p50 {ours['p50']} ms, p95 {ours['p95']} ms "
            f"(goal p95 <= {GOAL_P95_MS:g} ms: "
            f"{'met' if ours['p95'] <= GOAL_P95_MS else 'NOT met'})",
            f"    baseline, only the commune+category filter as joins on the HSDS tables: "
            f"p50 {base['p50']} ms, p95 {base['p95']} ms "
            f"(ours/baseline p95: {ours['p95'] / base['p95']:.2f}x)",
            f"  region-wide listing (category only, next session of every match): "
            f"p50 {region['p50']} ms, p95 {region['p95']} ms",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
