"""The directory's HSDS 3.0 API, read-only: every endpoint of the API reference (one module
per resource), `/profile`, and `/openapi.json`, this API's own OpenAPI description (the
reference's with our extensions; FastAPI's own description is another document)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.hsds_api import organizations, service_at_locations, services, taxonomies
from bot.hsds_api.openapi import encoded
from bot.hsds_profile import TIME_ZONE

router = APIRouter(prefix="/hsds", tags=["directory (HSDS 3.0)"])
for resource in (services, service_at_locations, organizations, taxonomies):
    router.include_router(resource.router)


def _base(request: Request) -> str:
    return f"{request.app.state.settings.public_url.rstrip('/')}/hsds"


@router.get("/")
async def api_info(request: Request) -> dict[str, str]:
    base = _base(request)
    return {
        "version": "3.0",
        "profile": f"{base}/profile",
        "openapi_url": f"{base}/openapi.json",
    }


@router.get("/profile")
async def profile_info() -> dict[str, Any]:
    return {
        "name": "Brussels tenants' activities",
        "languages": ["fr", "nl"],
        "translations": "Dutch texts in the extension property translations.nl.<field>",
        "time_zone": str(TIME_ZONE),
        "taxonomies": ["bxl-activity-categories", "bxl-audiences"],
    }


@router.get("/openapi.json")
async def openapi_description(request: Request) -> Response:
    return Response(encoded(_base(request)), media_type="application/json")
