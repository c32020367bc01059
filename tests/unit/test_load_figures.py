"""The pure parts of `make bench-load`'s figures (benchmarks/load.py, benchmarks/load_cpu.py):
the tables rendered from given rows, the CPU arithmetic over fake snapshots and the
grouping of the machine's service processes by name. No load is run."""

from __future__ import annotations

import os
from typing import Any

import pytest

from benchmarks import load, load_cpu
from benchmarks.load_cpu import ProcessCpu


def row(replicas: int, **figures: Any) -> dict[str, Any]:
    base = {
        "replicas": replicas,
        "messages": 1000,
        "messages_per_second": 10.0,
        "p50_ms": 700.0,
        "p95_ms": 1500.0,
        "p99_ms": 2000.0,
        "lost": 0,
        "duplicated": 0,
        "tracker_missing": 0,
        "tracker_duplicated": 0,
        "tracker_out_of_order": 0,
        "conversations_finished": 100,
        "cpu": [],
    }
    return {**base, **figures}


def table_lines(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("|")]


def test_service_processes_are_grouped_by_name():
    assert load_cpu.service_of("postgres") == "PostgreSQL"
    assert load_cpu.service_of("beam.smp") == "RabbitMQ"
    assert load_cpu.service_of("epmd") == "RabbitMQ"
    assert load_cpu.service_of("redis-server") == "Redis"
    assert load_cpu.service_of("python") is None
    assert load_cpu.service_of("postgres-exporter") is None


def test_a_stat_line_gives_name_parent_and_cpu_with_waited_children():
    # fields after the name: state, ppid, ..., utime (14), stime (15), cutime, cstime (17)
    stat = "4242 (redis-server) S 1 4242 4242 0 -1 4194560 100 0 0 0 150 50 30 20 20 0 5"
    assert load_cpu.parse_stat(4242, stat, 100.0) == ProcessCpu(4242, 1, "redis-server", 2.5)


def test_a_name_with_spaces_and_parentheses_is_read_whole():
    stat = "7 (a (b) c) R 3 0 0 0 0 0 0 0 0 0 1 1 0 0"
    assert load_cpu.parse_stat(7, stat, 1.0) == ProcessCpu(7, 3, "a (b) c", 2.0)


PROCESSES = [
    ProcessCpu(1, 0, "init", 50.0),
    ProcessCpu(10, 1, "python", 2.0),  # the gateway's master
    ProcessCpu(11, 10, "python", 3.0),  # its workers
    ProcessCpu(12, 10, "python", 4.0),
    ProcessCpu(13, 12, "python", 0.5),  # a worker's child
    ProcessCpu(20, 1, "rasa", 7.0),
    ProcessCpu(21, 1, "rasa", 8.0),
    ProcessCpu(30, 1, "postgres", 1.5),  # the postmaster: closed backends' time too
    ProcessCpu(31, 30, "postgres", 0.25),
    ProcessCpu(40, 1, "beam.smp", 3.0),
    ProcessCpu(41, 40, "erl_child_setup", 0.5),
    ProcessCpu(42, 1, "epmd", 0.5),
    ProcessCpu(50, 1, "redis-server", 1.0),
    ProcessCpu(60, 1, "python", 100.0),  # something else on the machine
]


def test_process_trees_hold_every_descendant():
    assert load_cpu.descendants(PROCESSES, [10]) == {10, 11, 12, 13}
    assert load_cpu.descendants(PROCESSES, [20, 21, 999]) == {20, 21}  # 999: gone


def test_groups_sum_trees_and_every_process_of_a_service():
    taken = load_cpu.group_cpu(PROCESSES, {"Rasa": [20, 21], "gateway": [10], "actions": []})
    assert taken == {
        "Rasa": 15.0,
        "gateway": 9.5,
        "actions": 0.0,
        "PostgreSQL": 1.75,
        "RabbitMQ": 4.0,
        "Redis": 1.0,
    }


def test_this_machine_can_be_read():
    processes = load_cpu.read_processes()
    assert os.getpid() in {process.pid for process in processes}
    assert all(process.cpu_seconds >= 0 for process in processes)


def test_cpu_per_message_is_the_difference_over_the_messages():
    before = {"Rasa": 10.0, "gateway": 5.0, "PostgreSQL": 100.0}
    after = {"Rasa": 30.0, "gateway": 16.0, "PostgreSQL": 102.0, "Redis": 1.0}
    per_message = load_cpu.ms_per_message(before, after, 200)
    assert per_message == pytest.approx({"Rasa": 100.0, "gateway": 55.0, "PostgreSQL": 10.0})
    assert list(per_message) == ["Rasa", "gateway", "PostgreSQL"]  # after's order


def test_cpu_per_message_needs_messages():
    with pytest.raises(ValueError):
        load_cpu.ms_per_message({"Rasa": 0.0}, {"Rasa": 1.0}, 0)


def test_split_rows_give_shares_and_a_total():
    rows = load_cpu.split_rows({"Rasa": 75.0, "gateway": 25.0})
    assert rows == [
        {"group": "Rasa", "cpu_ms_per_message": 75.0, "share": 0.75},
        {"group": "gateway", "cpu_ms_per_message": 25.0, "share": 0.25},
        {"group": "total", "cpu_ms_per_message": 100.0, "share": 1.0},
    ]


def test_split_rows_of_no_cpu_have_no_share():
    assert load_cpu.split_rows({"Redis": 0.0})[0]["share"] == 0.0


def test_throughput_table():
    lines = table_lines(load.throughput_table([row(1), row(2, lost=1, tracker_missing=2)]))
    assert lines[0] == (
        "| replicas | messages | msg/s | p50 ms | p95 ms | p99 ms | lost | dup "
        "| tracker miss/dup/order |"
    )
    assert lines[1] == "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    assert lines[2] == "| 1 | 1000 | 10.0 | 700.0 | 1500.0 | 2000.0 | 0 | 0 | 0/0/0 |"
    assert lines[3] == "| 2 | 1000 | 10.0 | 700.0 | 1500.0 | 2000.0 | 1 | 0 | 2/0/0 |"


def test_goal_line_compares_the_last_configuration_with_the_first():
    line = load.goal_line([row(1), row(2, messages_per_second=12.5)])
    assert line.startswith("2 replicas / 1 replica throughput: 1.25x;")
    assert line.endswith("NOT met")
    assert load.goal_line([row(1), row(2, messages_per_second=40.0, p95_ms=200.0)]).endswith(
        ": met"
    )


def test_cpu_table():
    cpu = load_cpu.split_rows({"Rasa": 60.0, "gateway": 40.0})
    lines = table_lines(load.cpu_table([row(1, cpu=cpu)]))
    assert lines == [
        "| replicas | process group | CPU ms per message | share |",
        "| --- | --- | ---: | ---: |",
        "| 1 | Rasa | 60.0 | 60% |",
        "| 1 | gateway | 40.0 | 40% |",
        "| 1 | total | 100.0 | 100% |",
    ]


def test_serial_table_gives_ours_over_stock_at_p50():
    lines = table_lines(
        load.serial_table(row(1, p50_ms=150.0, p95_ms=200.0), row(1, p50_ms=300.0, p95_ms=500.0))
    )
    assert lines[0] == "| Rasa | p50 ms | p95 ms | ratio to stock |"
    assert lines[2] == "| ours (bot/nlu/rasa_speedups.py) | 150.0 | 200.0 | 0.50 |"
    assert lines[3] == "| stock (TENANT_ASSISTANT_STOCK_RASA=1) | 300.0 | 500.0 | 1.00 |"


def test_report_starts_with_its_origin_and_holds_the_three_tables():
    rows = [row(1, cpu=load_cpu.split_rows({"Rasa": 1.0})), row(2)]
    markdown = load.report("2026-12-03", 100, 8, rows, row(1), row(1))
    assert markdown.startswith(
        "Generated by `make bench-load` (benchmarks/load.py) on 2026-12-03, 100 conversations"
    )
    headers = [line for line in table_lines(markdown) if line.startswith("| replicas |")]
    assert len(headers) == 2
    assert "| Rasa | p50 ms | p95 ms | ratio to stock |" in markdown
    assert "shared with anything else" in markdown


def test_anything_lost_or_duplicated_is_not_clean():
    assert load.clean(row(1))
    for figure in ("lost", "duplicated", "tracker_missing", "tracker_out_of_order"):
        assert not load.clean(row(1, **{figure: 1}))
