"""Command line of the directory.

    python -m bot.directory import PATH [--dry-run]   HSDS JSON or a tabular package (dir)
    python -m bot.directory import PATH --if-empty    only into an empty directory (make run:
                                                      curators' changes survive a restart)
    python -m bot.directory import URL [--dry-run]    another HSDS 3.0 API (all its services)
    python -m bot.directory export PATH [--tabular]   HSDS JSON, or CSV + datapackage.json

The database is the gateway's (DATABASE_URL, SQLite under var/ by default), at the schema's
head: `python -m bot.gateway migrate` first (the command refuses an old or missing schema)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tqdm import tqdm

from bot.core.db import make_engine, make_session_factory
from bot.core.schema import require_current_schema
from bot.core.settings import get_settings
from bot.directory.exporter import export_services
from bot.directory.importer import ImportReport, SourceError, import_records, read_source
from bot.directory.models import Service
from bot.directory.remote import RemoteError, fetch_services, is_url
from bot.directory.tabular import TabularError, write_package

MAX_LISTED_PROBLEMS = 50


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    database_url = arguments.database_url or get_settings().database_url
    if arguments.command == "import":
        try:  # a source that cannot be read is reported before the database is looked at
            source = _read(arguments.path, arguments.per_page)
        except (SourceError, TabularError, RemoteError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        require_current_schema(database_url)
        sessions = make_session_factory(make_engine(database_url))
        if arguments.if_empty and _holds_services(sessions):
            print("the directory holds services already: nothing imported (--if-empty)")
            return 0
        return _import(sessions, source, arguments.dry_run)
    require_current_schema(database_url)
    sessions = make_session_factory(make_engine(database_url))
    return _export(sessions, Path(arguments.path), arguments.tabular)


def _read(path: str, per_page: int) -> tuple[dict[str, Any], list[Any], list[str]]:
    if is_url(path):
        document = fetch_services(path, per_page=per_page)
        return document.metadata, document.records, document.unused
    return read_source(Path(path))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.directory")
    parser.add_argument("--database-url", help="default: DATABASE_URL or the gateway's")
    commands = parser.add_subparsers(dest="command", required=True)
    importing = commands.add_parser("import", help="import HSDS JSON or a tabular package")
    importing.add_argument("path", help="a file, a tabular package's directory, or an API URL")
    importing.add_argument("--dry-run", action="store_true", help="check, write nothing")
    importing.add_argument(
        "--if-empty",
        action="store_true",
        help="import only into a directory without services (keeps what curators changed)",
    )
    importing.add_argument(
        "--per-page", type=int, default=100, help="services per request to an API (URL)"
    )
    exporting = commands.add_parser("export", help="export the directory as HSDS")
    exporting.add_argument("path")
    exporting.add_argument("--tabular", action="store_true", help="CSV + datapackage.json")
    return parser


def _holds_services(sessions: sessionmaker[Session]) -> bool:
    with sessions() as session:
        return session.scalar(select(Service.id).limit(1)) is not None


def _import(
    sessions: sessionmaker[Session],
    source: tuple[dict[str, Any], list[Any], list[str]],
    dry_run: bool,
) -> int:
    metadata, records, unused = source
    with tqdm(
        total=len(records), unit="service", disable=len(records) < 200, file=sys.stderr
    ) as bar:
        report = import_records(sessions, records, dry_run=dry_run, progress=bar.update)
    report.metadata, report.unused_tables = metadata, unused
    _print_report(report)
    return 1 if report.rejected else 0


def _print_report(report: ImportReport) -> None:
    verb = "would import" if report.dry_run else "imported"
    print(
        f"{verb} {report.imported} of {report.read} services; rejected {len(report.rejected_ids)}"
    )
    if report.organizations:
        plural = "s" if report.organizations > 1 else ""
        print(f"kept {report.organizations} organization{plural} without services")
    if report.metadata.get("sample"):
        print("note: this is SAMPLE data (fictional), not for referring tenants")
    for table in report.unused_tables:
        print(f"skipped {table}: not used by the directory")
    for problem in report.rejected[:MAX_LISTED_PROBLEMS]:
        print(f"  {problem}", file=sys.stderr)
    if len(report.rejected) > MAX_LISTED_PROBLEMS:
        print(f"  ... and {len(report.rejected) - MAX_LISTED_PROBLEMS} more", file=sys.stderr)


def _export(sessions: sessionmaker[Session], path: Path, tabular: bool) -> int:
    with sessions() as session:
        services = export_services(session)
    if tabular:
        write_package(
            services,
            path,
            {"name": "tenant-assistant-directory", "profile": "tabular-data-package"},
        )
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(services, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"exported {len(services)} services to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
