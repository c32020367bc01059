"""CPU time per tenant message, per process group, for `make bench-load`: cumulative CPU
times (user + system, from /proc/<pid>/stat) taken before and after the load phase, their
difference divided by the messages answered. (Read from /proc as bot/devtools/
gateway_process.py does: psutil is not among the locked requirements.)

The stack's own processes (Rasa replicas, the gateway and its workers, the action server)
are counted as process trees from their root pids. PostgreSQL, RabbitMQ and Redis are the
machine's services: every process of theirs is counted, found by name, so whatever else
uses them meanwhile is counted too. A process's time includes its children's that it
has waited for (a reaped worker, a closed PostgreSQL connection's backend); live children
are counted on their own."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

# The machine's services, by process name (the kernel's comm, at most 15 characters).
SERVICES: dict[str, frozenset[str]] = {
    "PostgreSQL": frozenset({"postgres", "postmaster"}),
    "RabbitMQ": frozenset({"beam.smp", "epmd", "erl_child_setup", "inet_gethost"}),
    "Redis": frozenset({"redis-server"}),
}

Snapshot = dict[str, float]  # process group -> cumulative CPU seconds


@dataclass(frozen=True)
class ProcessCpu:
    pid: int
    ppid: int
    name: str
    cpu_seconds: float  # user + system, its own and its waited-for children's


def parse_stat(pid: int, stat: str, ticks_per_second: float) -> ProcessCpu:
    """One /proc/<pid>/stat line: the name is between the first '(' and the last ')'
    (it may hold either); after it, field 4 is the parent, 14-17 utime, stime, cutime,
    cstime in clock ticks."""
    head, tail = stat.rsplit(")", 1)
    fields = tail.split()  # fields[0] is field 3 (the state)
    ticks = sum(int(fields[n - 3]) for n in (14, 15, 16, 17))
    return ProcessCpu(pid, int(fields[1]), head.split("(", 1)[1], ticks / ticks_per_second)


def read_processes(proc: Path = Path("/proc")) -> list[ProcessCpu]:
    """Every process on the machine now (those gone meanwhile left out)."""
    ticks = float(os.sysconf("SC_CLK_TCK"))
    found = []
    for path in proc.glob("[0-9]*/stat"):
        try:
            found.append(parse_stat(int(path.parent.name), path.read_text(), ticks))
        except (OSError, ValueError, IndexError):
            continue
    return found


def service_of(name: str) -> str | None:
    """The service group a process name belongs to, None for none of them."""
    return next((group for group, names in SERVICES.items() if name in names), None)


def descendants(processes: Iterable[ProcessCpu], roots: Iterable[int]) -> set[int]:
    """The roots and every live process below them."""
    children: dict[int, list[int]] = {}
    known = set()
    for process in processes:
        children.setdefault(process.ppid, []).append(process.pid)
        known.add(process.pid)
    found, todo = set(), [pid for pid in roots if pid in known]
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.add(pid)
            todo.extend(children.get(pid, []))
    return found


def group_cpu(processes: list[ProcessCpu], trees: Mapping[str, Iterable[int]]) -> Snapshot:
    """Each named process tree's (group -> root pids) CPU seconds, then each service's
    (the sum over all its processes)."""
    taken: Snapshot = {}
    for group, roots in trees.items():
        pids = descendants(processes, roots)
        taken[group] = sum(p.cpu_seconds for p in processes if p.pid in pids)
    for group in SERVICES:
        taken[group] = sum(p.cpu_seconds for p in processes if service_of(p.name) == group)
    return taken


def snapshot(trees: Mapping[str, Iterable[int]]) -> Snapshot:
    """Cumulative CPU seconds now, per group (group_cpu)."""
    return group_cpu(read_processes(), trees)


def ms_per_message(before: Snapshot, after: Snapshot, messages: int) -> dict[str, float]:
    """Each group's CPU milliseconds per message between the two snapshots (groups of
    both, in `after`'s order)."""
    if messages <= 0:
        raise ValueError("no message answered: no CPU per message")
    return {
        group: (after[group] - before[group]) * 1000 / messages
        for group in after
        if group in before
    }


def split_rows(per_message: Mapping[str, float]) -> list[dict[str, float | str]]:
    """Rows of (group, ms per message, share of the total), then the total."""
    total = sum(per_message.values())
    rows: list[dict[str, float | str]] = [
        {
            "group": group,
            "cpu_ms_per_message": round(ms, 1),
            "share": round(ms / total, 3) if total else 0.0,
        }
        for group, ms in per_message.items()
    ]
    rows.append({"group": "total", "cpu_ms_per_message": round(total, 1), "share": 1.0})
    return rows
