"""Paging and output format of the list endpoints (HSDS 3.0 API reference, "Lists").

A list answers a Page: the reference's paging header and `contents`. `format=ndjson` answers
every result instead, one JSON object a line, without paging (the reference's `format`)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Query
from fastapi.responses import JSONResponse, Response

from bot.hsds_api.errors import bad_parameter

MAX_PER_PAGE = 100
FORMATS = ("json", "ndjson")
NDJSON = "application/x-ndjson"
T = TypeVar("T")


@dataclass(frozen=True)
class Paging:
    page: int
    per_page: int | None  # None: not asked for
    default_per_page: int
    ndjson: bool

    def size(self, total: int, everything: bool = False) -> int:
        """Items a page holds; `everything` (minimal=true) makes one page of all results
        unless per_page was asked for, as the reference advises."""
        if self.per_page is not None:
            return self.per_page
        return max(total, 1) if everything else self.default_per_page

    def window(self, items: Sequence[T], everything: bool = False) -> Sequence[T]:
        if self.ndjson:
            return items
        size = self.size(len(items), everything)
        start = (self.page - 1) * size
        return items[start : start + size]


def paging(default_per_page: int) -> Callable[..., Paging]:
    """A dependency reading page, per_page and format; out-of-range values are a 422."""

    def read(
        page: Annotated[int | None, Query(description="Page number, from 1.")] = None,
        per_page: Annotated[
            int | None, Query(description=f"Results a page, 1 to {MAX_PER_PAGE}.")
        ] = None,
        format_: Annotated[str | None, Query(alias="format", description="json or ndjson")] = None,
    ) -> Paging:
        if page is not None and page < 1:
            raise bad_parameter(f"page must be 1 or more, not {page}")
        if per_page is not None and not 1 <= per_page <= MAX_PER_PAGE:
            raise bad_parameter(f"per_page must be between 1 and {MAX_PER_PAGE}, not {per_page}")
        chosen = (format_ or "json").strip().lower()
        if chosen not in FORMATS:
            raise bad_parameter(f"format must be one of {', '.join(FORMATS)}, not {format_!r}")
        return Paging(page or 1, per_page, default_per_page, chosen == "ndjson")

    return read


def respond(
    paging: Paging,
    total: int,
    contents: list[dict[str, Any]],
    everything: bool = False,
    extra: dict[str, Any] | None = None,
) -> Response:
    """`contents` is the window chosen by `paging.window` (every item for ndjson)."""
    if paging.ndjson:
        lines = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in contents)
        return Response(lines, media_type=NDJSON)
    size = paging.size(total, everything)
    pages = max(1, math.ceil(total / size))
    body = {
        "total_items": total,
        "total_pages": pages,
        "page_number": paging.page,
        "size": len(contents),
        "first_page": paging.page == 1,
        "last_page": paging.page >= pages,
        "empty": not contents,
        "contents": contents,
        **(extra or {}),
    }
    return JSONResponse(body)
