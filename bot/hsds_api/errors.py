"""The API's two error answers, both documented in its OpenAPI description (openapi.py)."""

from __future__ import annotations

from fastapi import HTTPException


def bad_parameter(message: str) -> HTTPException:
    """422: a query parameter the API cannot honour; `detail` says which and why."""
    return HTTPException(422, message)


def not_found(kind: str, record_id: str) -> HTTPException:
    return HTTPException(404, f"no {kind} {record_id!r}")
