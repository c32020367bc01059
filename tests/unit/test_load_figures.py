"""The pure parts of `make bench-load`'s figures (benchmarks/load.py, load_cpu.py,
load_memory.py, load_goals.py): the tables rendered from given rows, the CPU arithmetic over
fake snapshots, memory read from a fake /proc, the goals met or not, and the grouping of the
machine's service processes by name. No load is run."""

from __future__ import annotations

import os
from typing import Any

import pytest

from benchmarks import load, load_cpu, load_goals, load_memory
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


def test_cpu_table_without_a_reference_or_memory_shows_dashes():
    cpu = load_cpu.split_rows({"Rasa": 60.0, "gateway": 40.0})
    lines = table_lines(load.cpu_table([row(1, cpu=cpu)]))
    assert lines == [
        "| replicas | process group | CPU ms per message | share | x stock turn | PSS MB |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
        "| 1 | Rasa | 60.0 | 60% | - | - |",
        "| 1 | gateway | 40.0 | 40% | - | - |",
        "| 1 | total | 100.0 | 100% | - | - |",
    ]


def reference(**figures: Any) -> dict[str, Any]:
    base = {
        "conversations": 100,
        "concurrency": 8,
        "messages": 1000,
        "answered": 1000,
        "failed": 0,
        "messages_per_second": 20.0,
        "p50_ms": 90.0,
        "p95_ms": 200.0,
        "cpu": load_cpu.split_rows({"Rasa": 30.0, "PostgreSQL": 10.0}),
        "memory": {"Rasa": {"pss_mb": 400.0, "largest_rss_mb": 420.0}},
    }
    return {**base, **figures}


def test_cpu_table_gives_each_part_over_one_stock_turn_and_its_memory():
    cpu = load_cpu.split_rows({"Rasa": 60.0, "gateway": 20.0})
    memory = {"Rasa": {"pss_mb": 500.5, "largest_rss_mb": 300.0}, "gateway": {"pss_mb": 99.5}}
    lines = table_lines(load.cpu_table([row(2, cpu=cpu, memory=memory)], reference()))
    assert lines[2:] == [  # the stock turn costs 40 ms in all
        "| 2 | Rasa | 60.0 | 75% | 1.50 | 500.5 |",
        "| 2 | gateway | 20.0 | 25% | 0.50 | 99.5 |",
        "| 2 | total | 80.0 | 100% | 2.00 | 600.0 |",
    ]


def test_reference_table_is_the_stock_turn_per_process():
    lines = table_lines(load.reference_table(reference()))
    assert lines[0] == "| stock Rasa, starter bot | CPU ms per turn | share | PSS MB |"
    assert lines[2:] == [
        "| Rasa | 30.0 | 75% | 400.0 |",
        "| PostgreSQL | 10.0 | 25% | - |",
        "| total | 40.0 | 100% | 400.0 |",
    ]


def test_serial_table_gives_ours_over_stock_at_p50():
    lines = table_lines(
        load.serial_table(row(1, p50_ms=150.0, p95_ms=200.0), row(1, p50_ms=300.0, p95_ms=500.0))
    )
    assert lines[0] == "| Rasa | p50 ms | p95 ms | ratio to stock |"
    assert lines[2] == "| ours (bot/nlu/rasa_speedups.py) | 150.0 | 200.0 | 0.50 |"
    assert lines[3] == "| stock (TENANT_ASSISTANT_STOCK_RASA=1) | 300.0 | 500.0 | 1.00 |"


def test_report_starts_with_its_origin_and_holds_every_table():
    rows = [row(1, cpu=load_cpu.split_rows({"Rasa": 1.0})), row(2)]
    command = 'make bench-load ARGS="--conversations 100"'
    markdown = load.report("2026-12-03", command, 100, 8, rows, row(1), row(1), reference())
    assert markdown.startswith(
        'Generated by `make bench-load ARGS="--conversations 100"` (benchmarks/load.py) on '
        "2026-12-03, 100 conversations"
    )
    headers = [line for line in table_lines(markdown) if line.startswith("| replicas |")]
    assert len(headers) == 2
    assert "| Rasa | p50 ms | p95 ms | ratio to stock |" in markdown
    assert "| stock Rasa, starter bot | CPU ms per turn | share | PSS MB |" in markdown
    assert "| goal (2 replicas) | target | measured | met | measured / target |" in markdown
    assert "shared with anything else" in markdown


def test_the_short_report_has_no_stock_run_of_our_bot_but_its_goals():
    markdown = load.report(
        "2026-12-03", "make bench-load-short", 30, 8, [row(2)], row(1), None, reference()
    )
    assert "ratio to stock |" not in markdown
    assert "One message at a time (concurrency 1, 1000 messages, 1 replica): p50 700.0" in markdown
    assert "| throughput under load | >= 25 msg/s | 10 | NOT met | 0.40 |" in markdown


def test_goals_say_met_or_by_how_much_not():
    cpu = load_cpu.split_rows({"Rasa": 100.0, "gateway": 10.0, "PostgreSQL": 8.0})
    memory = {"Rasa": {"pss_mb": 1200.0, "largest_rss_mb": 650.0}}
    production = row(2, cpu=cpu, memory=memory, messages_per_second=30.0, p95_ms=1200.0)
    alone = row(1, p50_ms=80.0, duplicated=1)
    rows = {line[0]: line[1:] for line in load_goals.goals_rows(production, alone)}
    assert rows["CPU per message, total"] == ["<= 80 ms", "118", "NOT met", "1.48"]
    assert rows["CPU per message, gateway"] == ["<= 15 ms", "10", "met", "0.67"]
    assert rows["CPU per message, Rasa"] == ["<= 50 ms", "100", "NOT met", "2.00"]
    assert rows["CPU per message, PostgreSQL"] == ["<= 8 ms", "8", "met", "1.00"]
    assert rows["throughput under load"] == [">= 25 msg/s", "30", "met", "1.20"]
    assert rows["p95 latency under load"] == ["<= 1000 ms", "1200", "NOT met", "1.20"]
    assert rows["one message alone, p50"] == ["<= 80 ms", "80", "met", "1.00"]
    assert rows["RSS of one Rasa replica"] == ["<= 700 MB", "650", "met", "0.93"]
    assert rows["lost or duplicated messages"] == ["<= 0", "1", "NOT met", "-"]


def test_a_goal_the_run_did_not_measure_is_left_out():
    names = [line[0] for line in load_goals.goals_rows(row(2), row(1))]
    assert "CPU per message, Rasa" not in names and "RSS of one Rasa replica" not in names
    assert "throughput under load" in names


def fake_process(proc, pid: int, ppid: int, name: str, rss_kb: int, pss_kb: int | None) -> None:
    folder = proc / str(pid)
    folder.mkdir()
    (folder / "stat").write_text(f"{pid} ({name}) S {ppid} 0 0 0 0 0 0 0 0 0 1 1 0 0")
    (folder / "status").write_text(f"Name:\t{name}\nVmRSS:\t  {rss_kb} kB\nThreads:\t1\n")
    if pss_kb is not None:
        (folder / "smaps_rollup").write_text(f"Rss:  {rss_kb} kB\nPss:  {pss_kb} kB\n")


def test_memory_sums_pss_and_gives_the_largest_tree_rss(tmp_path):
    fake_process(tmp_path, 10, 1, "python", 102400, 51200)  # gateway master: 100 MB, 50 PSS
    fake_process(tmp_path, 11, 10, "python", 102400, 25600)  # a worker sharing its pages
    fake_process(tmp_path, 20, 1, "rasa", 614400, 614400)  # replicas of 600 and 500 MB
    fake_process(tmp_path, 21, 1, "rasa", 512000, 512000)
    fake_process(tmp_path, 30, 1, "postgres", 20480, None)  # no smaps_rollup: PSS = RSS
    taken = load_memory.group_memory({"gateway": [10], "Rasa": [20, 21]}, tmp_path)
    assert taken["gateway"] == {"pss_mb": 75.0, "largest_rss_mb": 200.0}
    assert taken["Rasa"] == {"pss_mb": 1100.0, "largest_rss_mb": 600.0}
    assert taken["PostgreSQL"] == {"pss_mb": 20.0, "largest_rss_mb": 20.0}
    assert taken["Redis"] == {"pss_mb": 0.0, "largest_rss_mb": 0.0}


def test_a_process_gone_meanwhile_has_no_memory(tmp_path):
    assert load_memory.process_memory(4242, tmp_path) == load_memory.Memory(0.0, 0.0)


def test_this_process_has_memory():
    memory = load_memory.process_memory(os.getpid())
    assert memory.rss_mb > 1 and 0 < memory.pss_mb <= memory.rss_mb


def test_anything_lost_or_duplicated_is_not_clean():
    assert load.clean(row(1))
    for figure in ("lost", "duplicated", "tracker_missing", "tracker_out_of_order"):
        assert not load.clean(row(1, **{figure: 1}))
