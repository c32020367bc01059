"""Memory per process group for `make bench-load`, read from /proc at the end of the load:
each process's resident set (VmRSS, /proc/<pid>/status) and its proportional share (Pss,
/proc/<pid>/smaps_rollup: shared pages divided among the processes that map them, so
that a group's sum is what it really occupies; a forked gateway worker's or a PostgreSQL
backend's RSS counts the shared pages again). Groups as benchmarks/load_cpu.py: the stack's
process trees, then every process of the machine's services."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from benchmarks.load_cpu import SERVICES, descendants, read_processes, service_of

PROC = Path("/proc")


@dataclass(frozen=True)
class Memory:
    rss_mb: float
    pss_mb: float


def kilobytes(text: str, field: str) -> float:
    """The value of a "<field>:  <n> kB" line of a /proc file; 0 when absent."""
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name == field:
            return float(value.split()[0])
    return 0.0


def process_memory(pid: int, proc: Path = PROC) -> Memory:
    """One process's RSS and PSS in MB; zero for a process gone meanwhile (a kernel thread
    has no RSS either). Without smaps_rollup (an old kernel), its PSS is its RSS."""
    try:
        rss = kilobytes((proc / str(pid) / "status").read_text(), "VmRSS")
    except OSError:
        return Memory(0.0, 0.0)
    try:
        pss = kilobytes((proc / str(pid) / "smaps_rollup").read_text(), "Pss")
    except OSError:
        pss = rss
    return Memory(round(rss / 1024, 1), round(pss / 1024, 1))


def group_memory(
    trees: Mapping[str, Iterable[int]], proc: Path = PROC
) -> dict[str, dict[str, float]]:
    """Per group: the sum of its processes' PSS ("pss_mb", what the group occupies) and the
    largest RSS of one of its root processes with its children ("largest_rss_mb": one Rasa
    replica, the gateway with its workers)."""
    processes = read_processes(proc)
    taken: dict[str, dict[str, float]] = {}
    for group, roots in trees.items():
        per_root = [
            [process_memory(pid, proc) for pid in descendants(processes, [root])] for root in roots
        ]
        taken[group] = {
            "pss_mb": round(sum(m.pss_mb for tree in per_root for m in tree), 1),
            "largest_rss_mb": round(
                max((sum(m.rss_mb for m in tree) for tree in per_root), default=0.0), 1
            ),
        }
    for group in SERVICES:
        members = [process_memory(p.pid, proc) for p in processes if service_of(p.name) == group]
        taken[group] = {
            "pss_mb": round(sum(m.pss_mb for m in members), 1),
            "largest_rss_mb": max((m.rss_mb for m in members), default=0.0),
        }
    return taken
