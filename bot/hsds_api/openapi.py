"""The OpenAPI description of this API: the reference's file (openapi/openapi.json, HSDS 3.0)
with the Brussels extensions, our server URL and every status code we answer.

Served as one self-contained document: the schemas the reference points to (the directory's
copies in bot/directory/hsds_schemas, by relative path) are copied under
components/schemas, so a client needs nothing else."""

from __future__ import annotations

import copy
import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

from bot.hsds_api.paging import FORMATS, MAX_PER_PAGE, NDJSON
from bot.hsds_api.parameters import MAX_TEXT
from bot.lexicon import WEEKDAY_CODES, communes

OPENAPI_DIR = Path(__file__).parent / "openapi"
REFERENCE = OPENAPI_DIR / "openapi.json"
EXTENSION = "x-brussels-extension"  # marks what the reference does not define
ERROR = {"$ref": "#/components/schemas/Error"}


@cache
def reference() -> dict[str, Any]:
    """The reference's file, its remote $refs pointing at the local copies."""
    loaded: dict[str, Any] = json.loads(REFERENCE.read_text(encoding="utf-8"))
    return loaded


def _component_name(path: str) -> str:
    """compiled/service.json -> hsds_compiled_service (the path below the schemas' folder)."""
    below = path.rsplit("hsds_schemas/", 1)[-1]
    return "hsds_" + re.sub(r"[^A-Za-z0-9]+", "_", below.removesuffix(".json"))


def _bundle(document: dict[str, Any]) -> None:
    """Copy every file schema referenced (transitively) into components/schemas."""
    schemas = document["components"].setdefault("schemas", {})

    def rewrite(node: Any, base: str) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                # relative to the referrer, without "..": one name per file
                path = os.path.normpath(Path(base, ref)) if base else os.path.normpath(ref)
                name = _component_name(path)
                node["$ref"] = f"#/components/schemas/{name}"
                if name not in schemas:
                    schemas[name] = {}  # placeholder first: cycles stop here
                    loaded = json.loads((OPENAPI_DIR / path).read_text(encoding="utf-8"))
                    rewrite(loaded, str(Path(path).parent))
                    schemas[name] = loaded
            for value in node.values():
                rewrite(value, base)
        elif isinstance(node, list):
            for value in node:
                rewrite(value, base)

    rewrite(document["paths"], "")


def _string(description: str, **schema: Any) -> dict[str, Any]:
    return {"type": "string", "maxLength": MAX_TEXT, **schema}


def _extension(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": f"Brussels profile extension: {description}",
        "schema": schema,
        EXTENSION: True,
    }


def _extensions() -> dict[str, list[dict[str, Any]]]:
    day = "(" + "|".join(WEEKDAY_CODES) + ")"
    category = _extension(
        "taxonomy_term", "activity category code (with its sub-categories).", _string("code")
    )
    commune = _extension("commune", "commune id.", {"type": "string", "enum": sorted(communes())})
    return {
        "/services": [
            category,
            commune,
            _extension(
                "postcode",
                "services in that postcode's commune first, then its "
                "neighbours' when it has fewer than 3; a postcode outside Brussels "
                "finds nothing.",
                _string("postcode"),
            ),
            _extension("audience", "audience code (bxl-audiences taxonomy).", _string("code")),
            _extension(
                "weekday",
                "days with a session, e.g. MO,WE.",
                {"type": "string", "pattern": f"^{day}(,{day})*$"},
            ),
            _extension(
                "age",
                "services open to this age.",
                {"type": "integer", "minimum": 0, "maximum": 120},
            ),
            _extension("language", "language code spoken, e.g. ar.", _string("code")),
            _extension("free", "free of charge or not.", {"type": "boolean"}),
            _extension(
                "assured_within_months",
                "services assured this recently (default: the gateway's setting).",
                {"type": "integer", "minimum": 1, "maximum": 120},
            ),
        ],
        "/service_at_locations": [category, commune],
    }


def _tighten_reference_parameters(parameters: dict[str, Any]) -> None:
    """Our ranges of the reference's parameters (out of range: 422)."""
    parameters["page"]["schema"] = {"type": "integer", "minimum": 1, "default": 1}
    parameters["per_page"]["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}
    parameters["format"]["schema"] = {"type": "string", "enum": list(FORMATS), "default": "json"}
    parameters["modified_after"]["schema"] = {"type": "string", "format": "date-time"}
    parameters["modified_after"]["description"] += (
        " A service's time is its last_modified, else the latest last_action_date of its"
        " metadata; a service with neither is not returned."
    )
    parameters["proximity"]["description"] += (
        " In metres; needs postcode. The centroid is that of the directory's located places"
        " with that postal code (422 when there is none)."
    )
    parameters["minimal"]["description"] += (
        " The items also carry name and status, which the reference's list schema requires;"
        " the date is last_modified. Without per_page, one page holds every result."
    )
    for name in ("search", "taxonomy_term_id", "taxonomy_id", "organization_id", "postcode"):
        parameters[name]["schema"] = _string(name)


def _responses(path: str, operation: dict[str, Any]) -> None:
    responses = operation["responses"]
    if "{id}" in path:
        responses["404"] = _error("No record with this id.")
    if operation.get("parameters"):
        responses["422"] = _error(
            "A parameter the API cannot honour (out of range, malformed, or conflicting):"
            " `detail` says which and why."
        )
    if path in {
        "/services",
        "/taxonomies",
        "/taxonomy_terms",
        "/organizations",
        "/service_at_locations",
    }:
        responses["200"]["content"][NDJSON] = {
            "schema": {"type": "string", "description": "format=ndjson: every item, one a line"}
        }


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR}}}


def _own_paths(document: dict[str, Any]) -> None:
    document["paths"]["/profile"] = {
        "get": {
            "operationId": "getBrusselsProfile",
            "summary": "The HSDS profile of this API (languages, time zone, taxonomies).",
            EXTENSION: True,
            "responses": {
                "200": {
                    "description": "The profile.",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
        }
    }
    document["paths"]["/openapi.json"] = {
        "get": {
            "operationId": "getOpenApiDescription",
            "summary": "This description.",
            EXTENSION: True,
            "responses": {
                "200": {
                    "description": "OpenAPI 3.1 document.",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
        }
    }


@cache
def description(server_url: str) -> dict[str, Any]:
    """This API's OpenAPI description, its server being `server_url` (…/hsds)."""
    document = copy.deepcopy(reference())
    document["info"] = {
        "title": "Brussels tenants' activities directory (HSDS 3.0)",
        "version": "3.0-brussels.1",
        "summary": "Read-only HSDS 3.0 API of the local activities directory.",
        "description": (
            "The HSDS 3.0 API reference (openreferral/specification, tag v3.0) with the"
            f" Brussels profile's extensions, marked `{EXTENSION}`. Texts are French, Dutch"
            " under `translations.nl`. /services items carry the extension `search_result`"
            " and its pages the extension `search`. Query parameters are cumulative (AND)."
        ),
        # derived from the reference (CC BY-SA 4.0): the same licence
        "license": {"name": "CC BY-SA 4.0", "identifier": "CC-BY-SA-4.0"},
    }
    document["servers"] = [{"url": server_url}]
    components = document["components"]
    _tighten_reference_parameters(components["parameters"])
    components.setdefault("schemas", {})["Error"] = {
        "type": "object",
        "required": ["detail"],
        "properties": {"detail": {"description": "A message, or FastAPI's list of problems."}},
    }
    components["schemas"]["Page"]["properties"]["search"] = {
        "type": "object",
        "description": "Extension (/services): the commune searched; neighbours added or not.",
    }
    for path, added in _extensions().items():
        document["paths"][path]["get"]["parameters"] += added
    for path, item in document["paths"].items():
        _responses(path, item["get"])
    _own_paths(document)
    _bundle(document)
    return document


@cache
def encoded(server_url: str) -> bytes:
    """The description as served: encoded once, it is static."""
    return json.dumps(description(server_url), ensure_ascii=False).encode()
