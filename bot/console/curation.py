"""The curators' pages of the activities directory (issue 23): the list of what needs doing
(places reported closed, services to confirm), every service they keep, the form that adds
or changes one (with its schedule and the next five sessions), "confirmed today", the
versions and their revert. A curator keeps their company's services; a regional curator
every service (403 otherwise, and nothing changes). Every change is audited."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.console.access import audit
from bot.console.deps import CSRF, CURATORS, REGIONAL_CURATORS, Staff, require_role
from bot.console.pages import render
from bot.core.clock import utcnow
from bot.core.deps import ServicesDep, UnitOfWorkDep
from bot.curation import editing, listing, ownership, reports, schedule_form, versions
from bot.curation.changes import Change, differences
from bot.curation.service_form import SPOKEN, ServiceFields, fields_of, problems, write
from bot.handoff.models import HousingCompany
from bot.hsds_profile import AUDIENCE_LABELS, TIME_ZONE
from bot.lexicon import categories, communes

router = APIRouter(prefix="/console/directory")
Curator = Annotated[
    Staff, Depends(require_role(*CURATORS, refusal="only curators keep the directory"))
]
PAGE_SIZE = 100
DONE = ("saved", "created", "confirmed", "reverted")  # what a redirect may say was done


def scope(staff: Staff) -> str | None:
    """The company whose services the staff member keeps (None: every service)."""
    return None if staff.role in REGIONAL_CURATORS else staff.company_id


def today() -> date:
    return utcnow().astimezone(TIME_ZONE).date()


def _window(services: ServicesDep) -> int:
    return int(services.settings.directory_assured_within_months)


def overview(session: Session, staff: Staff, words: str) -> dict[str, Any]:
    day = today()
    rows = listing.curated_rows(session, scope(staff), day)
    mine = {row.id: row for row in rows}
    open_reports = [report for report in reports.open_reports(session) if report.service_id in mine]
    matching = listing.curated_rows(session, scope(staff), day, words) if words else rows
    return {
        "reported": [(mine[report.service_id], report.created_at) for report in open_reports],
        "to_confirm": listing.to_confirm(rows, day)[:PAGE_SIZE],
        "rows": matching[:PAGE_SIZE],
        "more_rows": max(0, len(matching) - PAGE_SIZE),
        "day": day,
    }


@router.get("", response_class=HTMLResponse)
async def directory_page(
    request: Request,
    staff: Curator,
    work: UnitOfWorkDep,
    services: ServicesDep,
    q: str = Query("", max_length=100),
    done: str | None = Query(None),
) -> Response:
    found = await work.run(overview, staff, q.strip())
    window = _window(services)
    past_window = sum(row.past_window(found["day"], window) for row in found["to_confirm"])
    return render(
        request,
        "directory.html",
        staff,
        q=q.strip(),
        done=done if done in DONE else None,
        past_window=past_window,
        window=window,
        communes=communes(),
        **found,
    )


# ----------------------------------------------------------------------------- the form


def _form_context(
    staff: Staff,
    fields: ServiceFields,
    choice: schedule_form.ScheduleChoice | None,
    schedules: list[dict[str, Any]],
    companies: list[tuple[str, str]],
    company_id: str | None,
) -> dict[str, Any]:
    sessions = schedule_form.next_sessions(schedules, utcnow(), 5) if schedules else []
    return {
        "fields": fields,
        "choice": choice,
        "sessions": sessions,
        "communes": sorted(communes().values(), key=lambda commune: commune.name(staff.language)),
        "categories": list(categories().values()),
        "audiences": AUDIENCE_LABELS,
        "spoken": SPOKEN,
        "companies": companies,
        "company_id": company_id,
        "regional": staff.role in REGIONAL_CURATORS,
        "weekday_codes": ("MO", "TU", "WE", "TH", "FR", "SA", "SU"),
    }


def _companies(session: Session) -> list[tuple[str, str]]:
    rows = session.scalars(select(HousingCompany).order_by(HousingCompany.id))
    return [(company.id, company.name) for company in rows]


def _curated(session: Session, staff: Staff, service_id: str) -> dict[str, Any]:
    """The stored service when the staff member keeps it (404 / 403 otherwise)."""
    record = editing.current(session, service_id)
    if record is None:
        raise HTTPException(404, "no such service")
    if not ownership.may_curate(session, staff.role, staff.company_id, service_id):
        raise HTTPException(403, "this service is kept by another housing company")
    return record


def _schedule_ids(stored: dict[str, Any] | None) -> Any:
    kept = [item["id"] for item in (stored or {}).get("schedules") or [] if item.get("id")]
    return lambda index: kept[index] if index < len(kept) else str(uuid.uuid4())


def _chosen_company(staff: Staff, form: dict[str, list[str]], current: str | None) -> str | None:
    if staff.role not in REGIONAL_CURATORS:
        return staff.company_id
    chosen = (form.get("company") or [""])[0]
    return (chosen or None) if "company" in form else current


async def _form_values(request: Request) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for key, value in (await request.form()).multi_items():
        if isinstance(value, str):
            values.setdefault(key, []).append(value)
    return values


@router.get("/new", response_class=HTMLResponse)
async def new_service_page(request: Request, staff: Curator, work: UnitOfWorkDep) -> Response:
    companies = await work.run(_companies)
    context = _form_context(staff, ServiceFields(), None, [], companies, scope(staff))
    return render(request, "directory_service.html", staff, service=None, history=[], **context)


@router.post("/new", dependencies=[CSRF], response_class=HTMLResponse)
async def create_service(request: Request, staff: Curator, work: UnitOfWorkDep) -> Response:
    form = await _form_values(request)
    return await _submit(request, staff, work, form, None)


@router.get("/services/{service_id}", response_class=HTMLResponse)
async def service_page(
    request: Request,
    service_id: str,
    staff: Curator,
    work: UnitOfWorkDep,
    done: str | None = Query(None),
) -> Response:
    def read(session: Session) -> dict[str, Any]:
        record = _curated(session, staff, service_id)
        return {
            "record": record,
            "history": versions.history(session, service_id),
            "companies": _companies(session),
            "company_id": ownership.owner_of(session, service_id),
            "report": reports.open_report(session, service_id),
        }

    found = await work.run(read)
    record = found["record"]
    history = found["history"]  # newest first: each version against the one before it
    changes: dict[int, list[Change]] = {}
    for position, version in enumerate(history):
        earlier = history[position + 1] if position + 1 < len(history) else None
        changes[version.number] = differences(
            earlier.document if earlier else None, version.document, staff.language
        )
    schedules = record.get("schedules") or []
    context = _form_context(
        staff,
        fields_of(record),
        schedule_form.from_hsds_schedules(schedules),
        schedules,
        found["companies"],
        found["company_id"],
    )
    return render(
        request,
        "directory_service.html",
        staff,
        service=record,
        history=history,
        based_on=history[0].number if history else 0,
        changes=changes,
        report=found["report"],
        done=done if done in DONE else None,
        **context,
    )


@router.post("/services/{service_id}", dependencies=[CSRF], response_class=HTMLResponse)
async def change_service(
    request: Request, service_id: str, staff: Curator, work: UnitOfWorkDep
) -> Response:
    form = await _form_values(request)
    return await _submit(request, staff, work, form, service_id)


async def _submit(
    request: Request,
    staff: Staff,
    work: UnitOfWorkDep,
    form: dict[str, list[str]],
    service_id: str | None,
) -> Response:
    """Preview the schedule, or check and save the service (the form again, with each
    problem next to its field, when anything is wrong: nothing is stored then)."""
    fields = ServiceFields.from_form(form)
    choice = schedule_form.choice_from_form(form)
    # A schedule the form cannot show (several rules, other times per day) is kept as it
    # is unless the curator unticks "keep" and chooses a new one.
    keep_schedule = (form.get("keep_schedule") or [""])[0] == "true" and service_id is not None
    wrong = {name: list(pair) for name, pair in problems(fields).items()}
    if not keep_schedule:
        found = schedule_form.choice_problems(choice, today=today())
        wrong.update({name: list(pair) for name, pair in found.items()})
    previewing = (form.get("action") or [""])[0] == "preview"
    confirmed = (form.get("confirmed") or [""])[0] == "true"
    based_on = _number((form.get("based_on") or [""])[0])
    new_id = str(uuid.uuid4())  # a new service's id, which its schedules name

    def run(session: Session) -> dict[str, Any]:
        stored = _curated(session, staff, service_id) if service_id else None
        current_owner = ownership.owner_of(session, service_id) if service_id else scope(staff)
        company_id = _chosen_company(staff, form, current_owner)
        result: dict[str, Any] = {
            "stored": stored,
            "company_id": company_id,
            "companies": _companies(session),
            "based_on": _latest_number(session, service_id) if service_id else 0,
            "history": versions.history(session, service_id) if service_id else [],
        }
        # Saved by someone else since this form was drawn: nothing is overwritten; the
        # curator reads the alert, their typed values kept, and saves again knowingly.
        if based_on is not None and based_on != result["based_on"] and not previewing:
            result["conflict"] = True
        if keep_schedule and stored is not None:
            schedules = list(stored.get("schedules") or [])
        else:
            schedules = _written_schedules(
                choice, stored["id"] if stored else new_id, stored, wrong
            )
        result["schedules"] = schedules
        if previewing or wrong or result.get("conflict"):
            return result
        record = write(fields, schedules, stored, today(), confirmed, new_id)
        if stored is None:
            saved = editing.create(session, record, company_id, staff.id, staff.name)
        else:
            editing.first_version_if_missing(session, record["id"])
            saved = editing.store(session, record, "edited", staff.id, staff.name)
            if not isinstance(saved, editing.Refused):
                ownership.set_owner(session, record["id"], company_id)
                if confirmed or fields.status != "active":
                    reports.resolve(session, record["id"], staff.id)
        if isinstance(saved, editing.Refused):
            session.rollback()
            result["refused"] = saved.problems
            return result
        audit(session, staff, "directory_create" if stored is None else "directory_edit")
        result["saved_id"] = record["id"]
        return result

    outcome = await work.run(run)
    if "saved_id" in outcome:
        done = "created" if service_id is None else "saved"
        return RedirectResponse(
            f"/console/directory/services/{outcome['saved_id']}?done={done}", status_code=303
        )
    index = 1 if staff.language == "nl" else 0
    errors = {name: pair[index] for name, pair in wrong.items()}
    for name, messages in outcome.get("refused", {}).items():
        errors[name or "form"] = "; ".join(messages)
    context = _form_context(
        staff,
        fields,
        choice,
        outcome["schedules"],
        outcome["companies"],
        outcome["company_id"],
    )
    context["keep_schedule"] = keep_schedule
    context["based_on"] = outcome["based_on"]
    conflict = bool(outcome.get("conflict"))  # said even with other problems to mend
    status = 409 if conflict else 200 if previewing and not errors else 422
    return render(
        request,
        "directory_service.html",
        staff,
        status_code=status,
        conflict=conflict,
        service=outcome["stored"],
        history=outcome["history"],
        errors=errors,
        previewing=previewing,
        **context,
    )


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _latest_number(session: Session, service_id: str) -> int:
    latest = versions.latest(session, service_id)
    return latest.number if latest else 0


def _written_schedules(
    choice: schedule_form.ScheduleChoice,
    service_id: str,
    stored: dict[str, Any] | None,
    wrong: dict[str, list[str]],
) -> list[dict[str, Any]]:
    if set(wrong) & set(schedule_form.FIELDS):
        return []
    return schedule_form.to_hsds_schedules(choice, service_id, today(), _schedule_ids(stored))


# ----------------------------------------------------------------- confirm and revert


@router.post("/services/{service_id}/confirm", dependencies=[CSRF])
async def confirm_service(service_id: str, staff: Curator, work: UnitOfWorkDep) -> Response:
    def run(session: Session) -> None:
        _curated(session, staff, service_id)
        editing.first_version_if_missing(session, service_id)
        result = editing.confirm(session, service_id, today(), staff.id, staff.name)
        if isinstance(result, editing.Refused):
            raise HTTPException(422, "; ".join(sum(result.problems.values(), [])))
        audit(session, staff, "directory_confirm")

    await work.run(run)
    return RedirectResponse(
        f"/console/directory/services/{service_id}?done=confirmed", status_code=303
    )


@router.post("/services/{service_id}/revert/{number}", dependencies=[CSRF])
async def revert_service(
    service_id: str, number: int, staff: Curator, work: UnitOfWorkDep
) -> Response:
    def run(session: Session) -> None:
        _curated(session, staff, service_id)
        result = editing.revert(session, service_id, number, staff.id, staff.name)
        if result is None:
            raise HTTPException(404, "no such version")
        if isinstance(result, editing.Refused):
            raise HTTPException(422, "; ".join(sum(result.problems.values(), [])))
        audit(session, staff, "directory_revert", detail=f"to version {number}")

    await work.run(run)
    return RedirectResponse(
        f"/console/directory/services/{service_id}?done=reverted", status_code=303
    )
