"""Flame graphs of the stack's processes during a `make bench-load` run (`--flame`): py-spy
(a sampling profiler that reads the processes from outside; the gateway's development
environment has it) records each process group's tree while the load runs and writes one
SVG per group under var/results/. It pauses the processes to sample them, so a run with
flame graphs is for reading where the time goes, not for the figures."""

from __future__ import annotations

import contextlib
import signal
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY_SPY = ROOT / ".venv-gateway" / "bin" / "py-spy"
OUT = ROOT / "var" / "results"
SAMPLES_PER_SECOND = 50


def flame_path(group: str, label: str) -> Path:
    return OUT / f"flame-{label}-{group.replace(' ', '-').lower()}.svg"


@contextlib.contextmanager
def flame_graphs(trees: Mapping[str, list[int]], label: str) -> Iterator[list[Path]]:
    """py-spy records the first root of each group (with its subprocesses) until the block
    ends; yields the SVG paths it will write."""
    if not PY_SPY.exists():
        raise RuntimeError(f"{PY_SPY} is missing: `make setup` installs the gateway's dev tools")
    OUT.mkdir(parents=True, exist_ok=True)
    recorders: list[subprocess.Popen] = []
    paths = []
    for group, roots in trees.items():
        if not roots:
            continue
        path = flame_path(group, label)
        command = [str(PY_SPY), "record", "--pid", str(roots[0]), "--subprocesses"]
        command += ["--rate", str(SAMPLES_PER_SECOND), "--format", "flamegraph"]
        command += ["--output", str(path)]
        recorders.append(
            subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        )
        paths.append(path)
    try:
        yield paths
    finally:
        for recorder in recorders:  # py-spy writes its SVG when interrupted
            recorder.send_signal(signal.SIGINT)
        for recorder in recorders:
            try:
                recorder.wait(timeout=60)
            except subprocess.TimeoutExpired:
                recorder.kill()
