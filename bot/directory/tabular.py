"""The HSDS tabular data package (one CSV per object kind + datapackage.json), read into
dereferenced services and written from them.

Cells are typed by the official schemas (numbers, integers, booleans); extension properties
and nested objects that have no table of ours (the profile's `translations`, contacts...) are
JSON text in a column of their own name, so that nothing is lost."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.directory.hsds_schema import validator
from bot.directory.structure import ARRAYS, REFERENCES

# kind -> CSV file name, as in the HSDS 3.0 example package
TABLES = {
    "service": "services.csv",
    "organization": "organizations.csv",
    "location": "locations.csv",
    "address": "addresses.csv",
    "service_at_location": "service_at_location.csv",
    "schedule": "schedules.csv",
    "phone": "phones.csv",
    "language": "languages.csv",
    "cost_option": "cost_options.csv",
    "attribute": "attributes.csv",
    "taxonomy_term": "taxonomy_terms.csv",
    "taxonomy": "taxonomies.csv",
}
# A nested row names its owner with "<owner kind>_id"; attributes use link_id + link_entity.
OWNER_PRIORITY = ("service_at_location", "location", "phone", "service", "organization")


class TabularError(ValueError):
    """The package itself cannot be read (no datapackage.json, no services table)."""


def _field_types(kind: str) -> dict[str, str]:
    schema = validator(kind).schema  # typed bool | Mapping: JSON Schema allows true/false
    if not isinstance(schema, Mapping):
        raise TypeError(f"the HSDS schema of {kind} is not an object schema")
    properties = schema["properties"]
    return {name: spec.get("type", "") for name, spec in properties.items()}


def typed_row(kind: str, row: dict[str, str]) -> dict[str, Any]:
    """A table row (texts) as the record of `kind`, each cell in its schema's type."""
    types = _field_types(kind)
    record: dict[str, Any] = {}
    for column, cell in row.items():
        if column is None or cell is None or cell == "":
            continue
        kind_of = types.get(column)
        if kind_of in ("number", "integer"):
            record[column] = _number(cell)
        elif kind_of == "boolean":
            record[column] = cell.strip().lower() in ("true", "1", "yes")
        elif kind_of in ("string", ""):
            record[column] = _json_or_text(cell) if kind_of == "" else cell
        else:  # arrays/objects with no table of ours: JSON text
            record[column] = _json_or_text(cell)
    return record


def _number(cell: str) -> Any:
    try:
        number = float(cell)
    except ValueError:
        return cell  # left for the schema to reject with the field's name
    return int(number) if number.is_integer() and "." not in cell else number


def _json_or_text(cell: str) -> Any:
    if cell[:1] in "[{":
        try:
            return json.loads(cell)
        except json.JSONDecodeError:
            return cell
    return cell


def read_package(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]]:
    """(package metadata, dereferenced services, names of tables we do not use)."""
    directory = path.parent if path.is_file() else path
    descriptor_path = directory / "datapackage.json"
    if not descriptor_path.exists():
        raise TabularError(f"{directory}: no datapackage.json")
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    files = {
        Path(resource["path"]).name
        for resource in descriptor.get("resources", [])
        if isinstance(resource, dict) and "path" in resource
    }
    files |= {csv_path.name for csv_path in directory.glob("*.csv")}
    if TABLES["service"] not in files:
        raise TabularError(f"{directory}: no {TABLES['service']}")
    rows = {
        kind: _read_csv(directory / name, kind) for kind, name in TABLES.items() if name in files
    }
    unused = sorted(files - set(TABLES.values()))
    metadata = {key: value for key, value in descriptor.items() if key != "resources"}
    return metadata, assembled_services(rows), unused


def _read_csv(path: Path, kind: str) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [typed_row(kind, row) for row in csv.DictReader(handle)]


def assembled_services(rows: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The services, each with the rows of the other tables that belong to it nested."""
    by_id = {
        kind: {str(row.get("id")): row for row in kind_rows} for kind, kind_rows in rows.items()
    }
    children: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for kind, kind_rows in rows.items():
        for row in kind_rows:
            owner = _owner(kind, row)
            if owner:
                children[(owner[0], owner[1], kind)].append(row)

    def build(kind: str, row: dict[str, Any]) -> dict[str, Any]:
        record = dict(row)
        for field, child_kind in ARRAYS.get(kind, {}).items():
            found = children.get((kind, str(row["id"]), child_kind))
            if found:
                record[field] = [build(child_kind, child) for child in found]
        for field, (ref_kind, id_field) in REFERENCES.get(kind, {}).items():
            reference = by_id.get(ref_kind, {}).get(str(row.get(id_field)))
            if reference is not None:
                record[field] = build(ref_kind, reference)
        return record

    return [build("service", row) for row in rows.get("service", [])]


def _owner(kind: str, row: dict[str, Any]) -> tuple[str, str] | None:
    if kind == "attribute":
        entity, link = row.get("link_entity"), row.get("link_id")
        return (str(entity), str(link)) if entity and link else None
    if kind in ("address",):
        return ("location", str(row["location_id"])) if row.get("location_id") else None
    owners = [
        owner
        for owner in OWNER_PRIORITY
        if owner != kind and kind in ARRAYS.get(owner, {}).values()
    ]
    for owner in owners:
        if row.get(f"{owner}_id"):
            return owner, str(row[f"{owner}_id"])
    return None


def write_package(
    services: list[dict[str, Any]], directory: Path, metadata: dict[str, Any]
) -> None:
    """Write dereferenced services as a tabular package that read_package reads back."""
    directory.mkdir(parents=True, exist_ok=True)
    tables: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for service in services:
        _flatten("service", service, None, tables)
    resources = []
    for kind, name in TABLES.items():
        kind_rows = list(tables.get(kind, {}).values())
        if not kind_rows:
            continue
        columns = list(dict.fromkeys(column for row in kind_rows for column in row))
        with open(directory / name, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            for row in kind_rows:
                writer.writerow({column: _cell(row.get(column)) for column in columns})
        resources.append(
            {
                "name": name.removesuffix(".csv"),
                "path": name,
                "format": "csv",
                "mediatype": "text/csv",
            }
        )
    descriptor = {**metadata, "resources": resources}
    (directory / "datapackage.json").write_text(
        json.dumps(descriptor, ensure_ascii=False, indent=1), encoding="utf-8"
    )


def _flatten(
    kind: str,
    record: dict[str, Any],
    owner: tuple[str, str] | None,
    tables: dict[str, dict[str, dict[str, Any]]],
) -> None:
    row = dict(record)
    for field, child_kind in ARRAYS.get(kind, {}).items():
        children = row.pop(field, None)
        if children:
            for child in children:
                _flatten(child_kind, child, (kind, str(record["id"])), tables)
        elif children == []:
            row[field] = []
    for field, (ref_kind, id_field) in REFERENCES.get(kind, {}).items():
        reference = row.pop(field, None)
        if isinstance(reference, dict):
            row.setdefault(id_field, reference.get("id"))
            _flatten(ref_kind, reference, None, tables)
    if owner and kind != "attribute":
        row.setdefault(f"{owner[0]}_id", owner[1])
    tables[kind][str(row["id"])] = row


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
