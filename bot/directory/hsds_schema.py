"""Validation against the official HSDS 3.0 JSON Schemas (hsds_schemas/, Draft 2020-12).

The object schemas refer to each other by file name ("phone.json"); a referencing
registry resolves those names, so a dereferenced service is checked down to its phones,
schedules and locations. Problems name the record's id and the field's path, so that an
import can reject one bad record precisely and keep the good ones."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).parent / "hsds_schemas"


@dataclass(frozen=True)
class SchemaProblem:
    record_id: str
    field: str  # path inside the record, e.g. "phones/0/number"; "" for the record itself
    message: str

    def __str__(self) -> str:
        where = f" field '{self.field}'" if self.field else ""
        return f"record '{self.record_id}'{where}: {self.message}"


@cache
def _registry() -> Registry:
    paths = [*SCHEMA_DIR.glob("*.json"), *SCHEMA_DIR.glob("compiled/*.json")]
    resources = [
        (
            str(path.relative_to(SCHEMA_DIR)),
            Resource.from_contents(
                json.loads(path.read_text(encoding="utf-8")), default_specification=DRAFT202012
            ),
        )
        for path in paths
    ]
    return Registry().with_resources(resources)


@cache
def validator(kind: str) -> Draft202012Validator:
    """The validator of one HSDS object kind ("service", "organization", ...), or of a list
    item ("compiled/service_list": the one-to-one fields the list endpoints return)."""
    schema = _registry().contents(f"{kind}.json")
    # The format checker makes "format: uuid", "email" and "date-time" count, as HSDS means.
    return Draft202012Validator(
        schema, registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def problems(kind: str, record: Any) -> list[SchemaProblem]:
    """Every way in which `record` breaks the HSDS schema of `kind`, in field order."""
    record_id = str(record.get("id", "?")) if isinstance(record, dict) else "?"
    found = [
        SchemaProblem(record_id, "/".join(str(part) for part in error.absolute_path), error.message)
        for error in validator(kind).iter_errors(record)
    ]
    return sorted(found, key=lambda problem: problem.field)
