"""Issue 20's goals for `make bench-load`, on this 2-core machine, production profile, 2 Rasa
replicas: each goal's target, what the run measured, whether it is met and, when not, by how
much (measured / target)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Goal:
    name: str
    unit: str
    target: float
    at_most: bool  # met when measured <= target (else >=)

    def met(self, measured: float) -> bool:
        return measured <= self.target if self.at_most else measured >= self.target


CPU_GOALS = {  # process group -> CPU ms per message at most
    "total": 80.0,
    "gateway": 15.0,
    "Rasa": 50.0,
    "PostgreSQL": 8.0,
}
THROUGHPUT = Goal("throughput under load", "msg/s", 25.0, at_most=False)
P95 = Goal("p95 latency under load", "ms", 1000.0, at_most=True)
ALONE_P50 = Goal("one message alone, p50", "ms", 80.0, at_most=True)
REPLICA_RSS = Goal("RSS of one Rasa replica", "MB", 700.0, at_most=True)
LOST_OR_DUPLICATED = Goal("lost or duplicated messages", "", 0.0, at_most=True)


def cpu_of(row: dict[str, Any], group: str) -> float | None:
    return next(
        (cpu["cpu_ms_per_message"] for cpu in row.get("cpu", []) if cpu["group"] == group),
        None,
    )


def measured_goals(production: dict[str, Any], alone: dict[str, Any]) -> list[tuple[Goal, float]]:
    """Each goal with its measured value: CPU, throughput, p95 and memory from the
    production (2 replicas) load, the p50 from the one-at-a-time run; a figure the run
    could not measure is left out."""
    found: list[tuple[Goal, float | None]] = [
        (Goal(f"CPU per message, {group}", "ms", target, at_most=True), cpu_of(production, group))
        for group, target in CPU_GOALS.items()
    ]
    rasa = production.get("memory", {}).get("Rasa", {})
    found += [
        (THROUGHPUT, production["messages_per_second"]),
        (P95, production["p95_ms"]),
        (ALONE_P50, alone["p50_ms"]),
        (REPLICA_RSS, rasa.get("largest_rss_mb")),
        (
            LOST_OR_DUPLICATED,
            production["lost"] + production["duplicated"] + alone["lost"] + alone["duplicated"],
        ),
    ]
    return [(goal, value) for goal, value in found if value is not None]


def goals_rows(production: dict[str, Any], alone: dict[str, Any]) -> list[list[str]]:
    """Rows of (goal, target, measured, met, measured / target)."""
    rows = []
    for goal, value in measured_goals(production, alone):
        sign = "<=" if goal.at_most else ">="
        ratio = f"{value / goal.target:.2f}" if goal.target else "-"
        rows.append(
            [
                goal.name,
                f"{sign} {goal.target:g} {goal.unit}".rstrip(),
                f"{value:g}",
                "met" if goal.met(value) else "NOT met",
                ratio,
            ]
        )
    return rows
