"""The whole activities directory in and out of the console, through the importer and the
exporter the command line uses (python -m bot.directory).

Every curator may export it (HSDS JSON, or the tabular package zipped); only a regional
curator imports, since an import replaces services of every housing company. An upload is
HSDS JSON or a .zip of the tabular package (datapackage.json and its CSV files), unpacked
with care: no absolute path, no "..", a cap on the number of files and on their unpacked
size. A file that cannot be read as either is refused whole (422) and nothing is stored;
otherwise each service is checked, the good ones imported and the bad ones named with
their field. A dry run stores nothing. A real import records a version ("imported") of
every service it imported, and both exports and imports are in the audit trail (no
tenant data is involved)."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import tempfile
import zipfile
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from bot.console.access import audit
from bot.console.deps import CSRF, CURATORS, REGIONAL_CURATORS, Staff, require_role
from bot.console.pages import render
from bot.core.db import transaction_slots
from bot.core.deps import ServicesDep, UnitOfWorkDep
from bot.core.unit_of_work import SLOT_WAIT_SECONDS, DatabaseBusy
from bot.curation import versions
from bot.directory.exporter import export_services
from bot.directory.importer import ImportReport, SourceError, import_records, parse
from bot.directory.models import Service
from bot.directory.tabular import read_package, write_package
from bot.hsds_profile import TIME_ZONE

router = APIRouter(prefix="/console")
Curator = Annotated[
    Staff, Depends(require_role(*CURATORS, refusal="only curators move the directory"))
]
RegionalCurator = Annotated[
    Staff,
    Depends(
        require_role(*REGIONAL_CURATORS, refusal="only a regional curator imports the directory")
    ),
]

PAGE = "/console/directory/transfer"
IMPORT_PATH = "/console/directory/import"  # allowed MAX_UPLOAD_BYTES by the body limit (app.py)
# As `python -m bot.directory export --tabular` describes its package.
PACKAGE_METADATA = {"name": "tenant-assistant-directory", "profile": "tabular-data-package"}
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # also the body limit of IMPORT_PATH (bot/gateway/app.py)
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # a zip's files, unpacked, all together
MAX_ZIP_FILES = 200
MAX_LISTED_PROBLEMS = 200
ZIP_MAGIC = b"PK\x03\x04"
Source = tuple[dict[str, Any], list[Any]]  # (metadata, records)


def _page(
    request: Request, staff: Staff, count: int, status_code: int = 200, **context: Any
) -> Response:
    return render(
        request,
        "directory_transfer.html",
        staff,
        status_code=status_code,
        count=count,
        may_import=staff.role in REGIONAL_CURATORS,
        **context,
    )


def service_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Service)) or 0


@router.get("/directory/transfer", response_class=HTMLResponse)
async def transfer_page(request: Request, staff: Curator, work: UnitOfWorkDep) -> Response:
    return _page(request, staff, await work.run(service_count))


# --- export -----------------------------------------------------------------------------


def _exported(session: Session, staff: Staff, form: str) -> list[dict[str, Any]]:
    services = export_services(session)
    audit(session, staff, "directory_export", detail=f"{form}, {len(services)} services")
    return services


def _attachment(content: bytes, media_type: str, extension: str) -> Response:
    day = datetime.now(timezone.utc).astimezone(TIME_ZONE).strftime("%Y-%m-%d")
    name = f"directory-{day}.{extension}"
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/directory/export.json")
async def export_json(staff: Curator, work: UnitOfWorkDep) -> Response:
    """The whole directory as `python -m bot.directory export` writes it."""
    services = await work.run(_exported, staff, "json")
    content = await run_in_threadpool(
        lambda: json.dumps(services, ensure_ascii=False, indent=1).encode("utf-8")
    )
    return _attachment(content, "application/json", "json")


def zipped_package(services: list[dict[str, Any]]) -> bytes:
    """The tabular package (tabular.write_package) as a zip, its files at the top."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="directory-export-") as directory:
        write_package(services, Path(directory), PACKAGE_METADATA)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(directory).iterdir()):
                archive.write(path, path.name)
    return buffer.getvalue()


@router.get("/directory/export.zip")
async def export_zip(staff: Curator, work: UnitOfWorkDep) -> Response:
    services = await work.run(_exported, staff, "tabular zip")
    content = await run_in_threadpool(zipped_package, services)
    return _attachment(content, "application/zip", "zip")


# --- import -----------------------------------------------------------------------------


class Refused(Exception):
    """An upload that is not a directory file: `key` names the staff's words for why."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(detail or key)
        self.key, self.detail = key, detail


def read_upload(data: bytes, name: str) -> Source:
    """(metadata, records) of an uploaded HSDS JSON file or zipped tabular package."""
    if not data:
        raise Refused("transfer_error_no_file")
    if len(data) > MAX_UPLOAD_BYTES:
        raise Refused("transfer_error_too_large")
    if data.startswith(ZIP_MAGIC) or name.lower().endswith(".zip"):
        return _read_zip(data)
    try:
        content = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise Refused("transfer_error_not_json") from error
    try:
        document = parse(content, name or "upload")
    except (SourceError, RecursionError) as error:
        raise Refused("transfer_error_not_hsds", str(error)) from error
    return document.metadata, document.records


def _safe_parts(member: str) -> tuple[str, ...]:
    """The member's path as parts under the extraction directory (Refused otherwise)."""
    path = member.replace("\\", "/")
    parts = PurePosixPath(path).parts
    if (
        path.startswith("/")
        or ".." in parts
        or any(":" in part or "\0" in part for part in parts)  # C:, alternate streams
        or not parts
    ):
        raise Refused("transfer_error_unsafe_zip", member)
    return tuple(part for part in parts if part != ".")


def unpack(data: bytes, directory: Path) -> Path:
    """Extract a zip into `directory`, refusing unsafe paths and bombs; the directory that
    holds its (only) datapackage.json."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise Refused("transfer_error_bad_zip", str(error)) from error
    with archive:
        members = [member for member in archive.infolist() if not member.is_dir()]
        if len(members) > MAX_ZIP_FILES:
            raise Refused("transfer_error_too_many_files", f"{len(members)} > {MAX_ZIP_FILES}")
        paths = [(member, _safe_parts(member.filename)) for member in members]
        if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
            raise Refused("transfer_error_too_large")
        written = 0
        for member, parts in paths:
            if member.flag_bits & 0x1:
                raise Refused("transfer_error_bad_zip", f"{member.filename}: encrypted")
            target = directory.joinpath(*parts)
            try:  # a name that is both a file and a folder fails here too (OSError)
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as source, open(target, "wb") as sink:
                    # counted as it is unpacked: a member's declared size may lie
                    while chunk := source.read(1024 * 1024):
                        written += len(chunk)
                        if written > MAX_UNPACKED_BYTES:
                            raise Refused("transfer_error_too_large")
                        sink.write(chunk)
            except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
                raise Refused("transfer_error_bad_zip", str(error)) from error
    descriptors = [parts for _, parts in paths if parts[-1] == "datapackage.json"]
    if len(descriptors) != 1:
        found = "none" if not descriptors else "several"
        raise Refused("transfer_error_bad_package", f"datapackage.json: {found}")
    return directory.joinpath(*descriptors[0][:-1])


def _read_zip(data: bytes) -> Source:
    with tempfile.TemporaryDirectory(prefix="directory-import-") as directory:
        package = unpack(data, Path(directory))
        try:
            metadata, records, _ = read_package(package)
        except (ValueError, KeyError, TypeError, AttributeError, OSError, csv.Error) as error:
            # TabularError, and broken JSON or UTF-8, are ValueErrors
            detail = str(error).replace(str(directory), "").lstrip("/") or type(error).__name__
            raise Refused("transfer_error_bad_package", detail) from error
    return metadata, list(records)


def _imported(session: Session, staff: Staff, report: ImportReport) -> None:
    """A version of each imported service, as now stored, and the audit line."""
    for service_id in dict.fromkeys(report.imported_ids):
        versions.record(session, service_id, "imported", staff.id, staff.name)
    rejected = len(report.rejected_ids)
    audit(
        session,
        staff,
        "directory_import",
        detail=f"imported {report.imported} of {report.read}, rejected {rejected}",
    )


async def _import_alone(
    sessions: sessionmaker[Session], records: list[Any], dry_run: bool
) -> ImportReport:
    """import_records in its own transaction (it commits, or rolls back a dry run), holding
    one of the database's transaction slots as a unit of work would."""
    slots = transaction_slots(sessions)
    try:
        await asyncio.wait_for(slots.acquire(), SLOT_WAIT_SECONDS)
    except asyncio.TimeoutError as error:
        raise DatabaseBusy("no database transaction came free in time") from error
    try:
        return await run_in_threadpool(lambda: import_records(sessions, records, dry_run=dry_run))
    finally:
        slots.release()


@router.post("/directory/import", dependencies=[CSRF], response_class=HTMLResponse)
async def import_directory(
    request: Request,
    staff: RegionalCurator,
    services: ServicesDep,
    work: UnitOfWorkDep,
    file: Annotated[UploadFile | None, File()] = None,
    dry_run: Annotated[bool, Form()] = False,
) -> Response:
    data = await file.read(MAX_UPLOAD_BYTES + 1) if file is not None else b""
    name = (file.filename or "") if file is not None else ""
    try:
        metadata, records = await run_in_threadpool(read_upload, data, name)
    except Refused as refusal:
        count = await work.run(service_count)
        return _page(
            request, staff, count, 422, error=refusal.key, error_detail=refusal.detail[:500]
        )
    # The importer writes in a transaction of its own: the request's one ends first (on
    # SQLite it would hold the only write lock the import waits for).
    await work.commit()
    report = await _import_alone(services.sessions, records, dry_run)
    if not dry_run:
        await work.run(_imported, staff, report)
    count = await work.run(service_count)
    return _page(
        request,
        staff,
        count,
        report=report,
        sample=bool(metadata.get("sample")),
        problems=report.rejected[:MAX_LISTED_PROBLEMS],
        more_problems=max(len(report.rejected) - MAX_LISTED_PROBLEMS, 0),
    )
