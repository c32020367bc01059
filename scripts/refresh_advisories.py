"""Refresh the offline advisory snapshot (security/advisories/) from a copy of the PyPA
advisory database (https://github.com/pypa/advisory-database, OSV records in YAML):

    python scripts/refresh_advisories.py /path/to/advisory-database

Only the records of the packages our lock files pin are kept, with the database's commit
and date in security/advisories/SNAPSHOT.md. Then run `make audit` and review what it
reports (security/allow-list.yml)."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from audit_dependencies import LOCKS, SNAPSHOT, locked_packages, normalized  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path, help="a checkout of pypa/advisory-database")
    parser.add_argument(
        "--git-dir", type=Path, help="its git directory, when apart (a bare mirror's export)"
    )
    args = parser.parse_args(argv)
    vulns = args.database / "vulns"
    if not vulns.is_dir():
        parser.error(f"{vulns} is not there: is this the advisory database?")
    wanted = {normalized(name) for lock in LOCKS for name in locked_packages(ROOT / lock)}
    if SNAPSHOT.exists():
        shutil.rmtree(SNAPSHOT)
    SNAPSHOT.mkdir(parents=True)
    kept = 0
    for package_dir in sorted(vulns.iterdir()):
        if normalized(package_dir.name) in wanted:
            shutil.copytree(package_dir, SNAPSHOT / package_dir.name)
            kept += len(list(package_dir.glob("*.yaml")))
    commit, date = subprocess.run(
        [
            "git",
            f"--git-dir={args.git_dir or args.database / '.git'}",
            "log",
            "-1",
            "--format=%H %cs",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    (SNAPSHOT / "SNAPSHOT.md").write_text(
        "# Advisory snapshot\n\n"
        "OSV records of the PyPA advisory database "
        "(https://github.com/pypa/advisory-database) for the packages our lock files pin,\n"
        f"taken from its commit {commit} ({date}): {kept} records.\n\n"
        "Refresh: `python scripts/refresh_advisories.py /path/to/advisory-database` "
        "(a recent clone), then `make audit`.\n"
    )
    print(f"{kept} advisories of {len(wanted)} locked packages kept in {SNAPSHOT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
