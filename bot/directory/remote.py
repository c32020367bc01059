"""Read the services of another HSDS 3.0 API, page by page, before anything is written.

Given `https://host/base` or `https://host/base/services`, it asks
`/services?full=true&page=N&per_page=...` until the page says `last_page` (or `page_number`
reaches `total_pages`). Any failure (unreachable, an HTTP error, an answer that is not an
HSDS page of services) is a RemoteError, raised before the import starts: nothing written."""

from __future__ import annotations

from typing import Any

import httpx

from bot.directory.documents import Document, kind_of

PER_PAGE = 100  # the HSDS reference's usual maximum; ours too
MAX_PAGES = 10_000  # a server that ignores `page` must not keep us asking forever
# Our own gateway's annotation of a search hit (bot/hsds_api): about the query, not the
# service; dropped so that a service read from an API is the service.
QUERY_ANNOTATIONS = ("search_result",)


class RemoteError(ValueError):
    """The API cannot be read as HSDS."""


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def services_endpoint(url: str) -> str:
    base = url.split("?", 1)[0].rstrip("/")
    return base if base.endswith("/services") else f"{base}/services"


def fetch_services(
    url: str, *, per_page: int = PER_PAGE, client: httpx.Client | None = None
) -> Document:
    """Every service the API lists, fully nested, as one document."""
    endpoint = services_endpoint(url)
    own_client = client is None
    http = client or httpx.Client(timeout=30.0, follow_redirects=True)
    try:
        records: list[Any] = []
        seen: set[str] = set()
        first: dict[str, Any] = {}
        for page in range(1, MAX_PAGES + 1):
            body = _page(http, endpoint, page, per_page)
            first = first or body
            items = [_without_annotations(item) for item in body["contents"]]
            new = [item for item in items if str(item.get("id")) not in seen]
            if items and not new:
                raise RemoteError(f"{endpoint}: page {page} repeats the previous ones")
            seen.update(str(item.get("id")) for item in new)
            records += new
            if _last(body, page):
                break
        else:
            raise RemoteError(f"{endpoint}: more than {MAX_PAGES} pages")
    finally:
        if own_client:
            http.close()
    metadata = {"source": endpoint, "total_items": first.get("total_items", len(records))}
    return Document("API", records, metadata)


def _page(http: httpx.Client, endpoint: str, page: int, per_page: int) -> dict[str, Any]:
    params: dict[str, str | int] = {"full": "true", "page": page, "per_page": per_page}
    try:
        response = http.get(endpoint, params=params, headers={"Accept": "application/json"})
    except httpx.HTTPError as error:
        raise RemoteError(
            f"{endpoint}: unreachable ({str(error) or type(error).__name__})"
        ) from error
    if response.status_code != 200:
        raise RemoteError(f"{endpoint}: answered HTTP {response.status_code} (page {page})")
    try:
        body = response.json()
    except ValueError as error:
        raise RemoteError(f"{endpoint}: not an HSDS API (the answer is not JSON)") from error
    if not isinstance(body, dict) or not isinstance(body.get("contents"), list):
        raise RemoteError(f"{endpoint}: not an HSDS API (no page of services with 'contents')")
    kinds = {kind_of(item) for item in body["contents"] if isinstance(item, dict)}
    if any(not isinstance(item, dict) or "id" not in item for item in body["contents"]):
        raise RemoteError(f"{endpoint}: not an HSDS API (an item without an id)")
    if kinds - {"service"}:
        listed = ", ".join(sorted(kinds - {"service"}))
        raise RemoteError(f"{endpoint}: not an HSDS API of services (it lists {listed})")
    return body


def _last(body: dict[str, Any], page: int) -> bool:
    if not body["contents"] or body.get("last_page") is True:
        return True
    total_pages = body.get("total_pages")
    if isinstance(total_pages, int):
        return page >= total_pages
    return "last_page" not in body  # no paging fields: one page is all there is


def _without_annotations(item: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if key not in QUERY_ANNOTATIONS}
