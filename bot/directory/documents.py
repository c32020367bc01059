"""What an HSDS 3.0 JSON document holds, told by its shape, and the services in it.

The rule, first match wins:
  a JSON list                            items of one kind (a list of services, of organizations...)
  {"contents": [...], ...}               an API page (total_items, total_pages...) of such items
  {"services": [...]} without "id"       a collection of services (our sample file), its
                                         other keys being metadata
  {"openapi_url": ..., "version": ...}   the root of an HSDS API (base.json): no service
  keys all ending in ".csv"              the tabular package as JSON (tabular.json)
and for one object with an "id":
  "service" is an object                 a service-at-location: its service, at this location
  taxonomy_detail, term_uri, parent_id,  a taxonomy term (no service)
  code, taxonomy or taxonomy_id
  version                                a taxonomy (no service)
  "services" is a list                   an organization: its services, each embedding the
                                         organization
  status, or a key only services have    a service
  a key only organizations have          an organization without services: kept alone
  (website, legal_status, ...)
  a key only locations have (latitude,   a location (no service)
  addresses, location_type...)
  anything else                          a service, so that a broken one is checked and its
                                         problems reported (not "unknown document")
A list or page takes the kind of its items; items of a kind that holds no service make the
document refused (NoServiceError), like a lone location: nothing of it is imported."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

# tabular.py's typing of cells and assembly of rows, shared with the CSV reader (not copied)
from bot.directory.tabular import TABLES, assembled_services, typed_row

PAGE_FIELDS = ("total_items", "total_pages", "page_number", "size", "first_page", "last_page")
TERM_KEYS = {"taxonomy_detail", "term_uri", "parent_id", "code", "taxonomy", "taxonomy_id"}
ORGANIZATION_KEYS = {
    "services",
    "website",
    "tax_status",
    "tax_id",
    "year_incorporated",
    "legal_status",
    "logo",
    "uri",
    "parent_organization_id",
    "organization_identifiers",
    "locations",
    "programs",
}
SERVICE_KEYS = {
    "status",
    "organization",
    "organization_id",
    "program_id",
    "service_at_locations",
    "service_areas",
    "cost_options",
    "required_documents",
    "eligibility_description",
    "assured_date",
    "fees_description",
    "application_process",
}
LOCATION_KEYS = {
    "location_type",
    "latitude",
    "longitude",
    "addresses",
    "transportation",
    "accessibility",
    "external_identifier",
    "external_identifier_type",
}
PLURALS = {"location": "locations", "taxonomy": "taxonomies", "taxonomy term": "taxonomy terms"}
PLURALS["API root"] = "API roots"
NO_SERVICE = {  # kind -> what to import instead
    "location": "import the service or organization that uses it",
    "taxonomy": "the directory's taxonomies are the Brussels profile's",
    "taxonomy term": "the directory's taxonomies are the Brussels profile's",
    "API root": "give its URL to import the services it serves",
}


class NoServiceError(ValueError):
    """A readable HSDS document of a kind that holds no service."""


class DocumentError(ValueError):
    """JSON that is not an HSDS document this importer knows."""


@dataclass
class Document:
    kind: str  # "service", "list of organization", "page of service_at_location"...
    records: list[Any]  # services, and organizations that come without any
    metadata: dict[str, Any] = field(default_factory=dict)
    unused: list[str] = field(default_factory=list)  # tables of a tabular package


def read_document(content: Any, name: str) -> Document:
    """The records to import from parsed JSON; `name` is used in messages."""
    if isinstance(content, list):
        kind = _items_kind(content, name, "list")
        return Document(f"list of {kind}", _records(kind, content))
    if not isinstance(content, dict):
        raise DocumentError(f"{name}: expected an HSDS object, list or page")
    if isinstance(content.get("contents"), list):
        kind = _items_kind(content["contents"], name, "page")
        metadata = {key: content[key] for key in PAGE_FIELDS if key in content}
        return Document(f"page of {kind}", _records(kind, content["contents"]), metadata)
    if isinstance(content.get("services"), list) and "id" not in content:
        metadata = dict(content.get("metadata", {}))
        return Document("collection of service", content["services"], metadata)
    if "openapi_url" in content and "version" in content and "id" not in content:
        _refuse("API root", name, "an HSDS API root")
    if content and all(str(key).endswith(".csv") for key in content):
        return _tabular(content, name)
    if "id" not in content:
        raise DocumentError(f"{name}: expected an HSDS object, list or page (no 'id')")
    kind = kind_of(content)
    if kind in NO_SERVICE:
        _refuse(kind, name, f"an HSDS {kind}")
    return Document(kind, _records(kind, [content]))


def kind_of(record: Any) -> str:
    """The kind of one object, by the rule above."""
    if not isinstance(record, dict):
        return "service"  # checked, and rejected, as a service
    keys = set(record)
    if isinstance(record.get("service"), dict):
        return "service_at_location"
    if keys & TERM_KEYS:
        return "taxonomy term"
    if "version" in keys:
        return "taxonomy"
    if isinstance(record.get("services"), list):
        return "organization"
    if keys & SERVICE_KEYS:  # before the organization's keys: a service is never taken for one
        return "service"
    if keys & ORGANIZATION_KEYS:
        return "organization"
    if keys & LOCATION_KEYS:
        return "location"
    return "service"


def _items_kind(items: list[Any], name: str, container: str) -> str:
    kinds = list(dict.fromkeys(kind_of(item) for item in items)) or ["service"]
    if len(kinds) > 1:
        raise DocumentError(f"{name}: a {container} that mixes {', '.join(kinds)}")
    (kind,) = kinds
    if kind in NO_SERVICE:
        _refuse(kind, name, f"a {container} of HSDS {PLURALS[kind]}")
    return kind


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _refuse(kind: str, name: str, what: str) -> None:
    raise NoServiceError(f"{name}: {what} holds no service; nothing to import ({NO_SERVICE[kind]})")


def _records(kind: str, items: list[Any]) -> list[Any]:
    if kind == "organization":
        return [record for item in items for record in _organization(item)]
    if kind == "service_at_location":
        return _services_at_locations(items)
    return list(items)


def _organization(organization: dict[str, Any]) -> list[dict[str, Any]]:
    """Its services, each embedding the organization (without the list of services);
    the organization itself when it comes without services (an organization list item)."""
    services = organization.get("services") or []
    own = {key: value for key, value in organization.items() if key != "services"}
    if not services:
        return [own]
    found = []
    for service in services:
        record = copy.deepcopy(service)
        if isinstance(record, dict) and "organization" not in record:
            record["organization"] = copy.deepcopy(own)
        found.append(record)
    return found


def _services_at_locations(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each service once, with every service-at-location of the document that names it."""
    services: dict[str, dict[str, Any]] = {}
    given: dict[str, tuple[str, dict[str, Any]]] = {}  # service id -> (first place, service)
    for item in items:
        service_id = str(item["service"].get("id"))
        first_place, first = given.setdefault(service_id, (str(item.get("id")), item["service"]))
        if item["service"] != first:
            raise DocumentError(
                f"service '{service_id}' differs between the service-at-locations "
                f"'{first_place}' and '{item.get('id')}'; nothing imported"
            )
        service = services.setdefault(service_id, copy.deepcopy(item["service"]))
        place = {key: value for key, value in item.items() if key != "service"}
        places = service.setdefault("service_at_locations", [])
        if not any(isinstance(p, dict) and p.get("id") == place["id"] for p in places):
            places.append(place)
    return list(services.values())


def _tabular(content: dict[str, Any], name: str) -> Document:
    """The tabular package given as JSON: one list of rows per CSV file name."""
    kinds = {file_name: kind for kind, file_name in TABLES.items()}
    # Typed as CSV cells are, by the official schemas: the example itself gives a string
    # field (external_identifier) as a number, which the schema check would reject.
    rows = {
        kinds[file_name]: [
            typed_row(kinds[file_name], {key: _cell(value) for key, value in row.items()})
            for row in table
            if isinstance(row, dict)
        ]
        for file_name, table in content.items()
        if file_name in kinds and isinstance(table, list)
    }
    if "service" not in rows:
        raise DocumentError(f"{name}: a tabular package without {TABLES['service']}")
    unused = sorted(file_name for file_name in content if file_name not in kinds)
    return Document("tabular package", assembled_services(rows), unused=unused)
