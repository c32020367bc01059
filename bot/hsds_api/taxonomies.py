"""/taxonomies, /taxonomy_terms and one of each by id (the profile's two taxonomies:
activity categories and audiences, every term whether a service uses it or not)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.deps import UnitOfWorkDep
from bot.directory.models import Taxonomy, TaxonomyTerm
from bot.directory.store import load
from bot.hsds_api.paging import Paging, paging, respond
from bot.hsds_api.parameters import matches, text
from bot.hsds_api.single import found_or_404

router = APIRouter()


@router.get("/taxonomies")
async def list_taxonomies(
    work: UnitOfWorkDep,
    pages: Annotated[Paging, Depends(paging(50))],
    search_text: Annotated[str | None, Query(alias="search")] = None,
) -> Response:
    words = text("search", search_text)

    def run(db: Session) -> Response:
        records = load(db, "taxonomy", db.scalars(select(Taxonomy.id).order_by(Taxonomy.id)))
        found = [
            record
            for record in records.values()
            if matches(words, record.get("name"), record.get("description"))
        ]
        return respond(pages, len(found), list(pages.window(found)))

    response: Response = await work.run(run)
    return response


@router.get("/taxonomies/{taxonomy_id}")
async def get_taxonomy(taxonomy_id: str, work: UnitOfWorkDep) -> dict[str, Any]:
    return await _one(work, "taxonomy", taxonomy_id)


@router.get("/taxonomy_terms")
async def list_taxonomy_terms(
    work: UnitOfWorkDep,
    pages: Annotated[Paging, Depends(paging(50))],
    search_text: Annotated[str | None, Query(alias="search")] = None,
    taxonomy_id: str | None = None,
    top_only: Annotated[
        bool, Query(description="only the terms without a parent (the top of the tree)")
    ] = False,
    parent_id: str | None = None,
) -> Response:
    words = text("search", search_text)
    taxonomy, parent = text("taxonomy_id", taxonomy_id), text("parent_id", parent_id)

    def run(db: Session) -> Response:
        statement = select(TaxonomyTerm.id).order_by(TaxonomyTerm.taxonomy, TaxonomyTerm.code)
        terms = [
            term
            for term in load(db, "taxonomy_term", db.scalars(statement)).values()
            if (taxonomy is None or term.get("taxonomy_id") == taxonomy)
            and (parent is None or term.get("parent_id") == parent)
            and not (top_only and term.get("parent_id"))
            and matches(words, term.get("name"), term.get("code"), term.get("description"))
        ]
        return respond(pages, len(terms), list(pages.window(terms)))

    response: Response = await work.run(run)
    return response


@router.get("/taxonomy_terms/{term_id}")
async def get_taxonomy_term(term_id: str, work: UnitOfWorkDep) -> dict[str, Any]:
    return await _one(work, "taxonomy_term", term_id)


async def _one(work: UnitOfWorkDep, kind: str, record_id: str) -> dict[str, Any]:
    def run(db: Session) -> dict[str, Any] | None:
        return load(db, kind, [record_id]).get(record_id)

    return await found_or_404(work, kind.replace("_", " "), record_id, run)
