"""`postcode` and `proximity` of /service_at_locations: distances on the locations'
latitude and longitude (HSDS location fields, kept in the stored documents).

The reference measures `proximity` from "the centroid of the postcode". The repository holds
no postcode geometry, so the centroid is that of the directory's own located places with
that postal code; a postcode with none has no known centroid (a 422 says so)."""

from __future__ import annotations

import math

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory.models import Location

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)
Point = tuple[float, float]  # latitude, longitude in degrees


def distance_m(a: Point, b: Point) -> float:
    """Great-circle (haversine) distance in metres."""
    lat_a, lat_b = math.radians(a[0]), math.radians(b[0])
    d_lat, d_lon = lat_b - lat_a, math.radians(b[1] - a[1])
    h = math.sin(d_lat / 2) ** 2 + math.cos(lat_a) * math.cos(lat_b) * math.sin(d_lon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _point(document: dict[str, object]) -> Point | None:
    lat, lon = document.get("latitude"), document.get("longitude")
    if not isinstance(lat, (int, float)) or not isinstance(lon, (int, float)):
        return None
    return (float(lat), float(lon)) if -90 <= lat <= 90 and -180 <= lon <= 180 else None


def located(db: Session) -> dict[str, tuple[Point, str | None]]:
    """location id -> (its point, its postal code), for the locations that have a point."""
    found = {}
    for location_id, postal_code, document in db.execute(
        select(Location.id, Location.postal_code, Location.document)
    ):
        if (point := _point(document)) is not None:
            found[location_id] = (point, postal_code)
    return found


def centroid(points: list[Point]) -> Point | None:
    if not points:
        return None
    return (
        sum(point[0] for point in points) / len(points),
        sum(point[1] for point in points) / len(points),
    )


def within(db: Session, postcode: str, metres: float) -> set[str] | None:
    """Ids of the locations within `metres` of the postcode's centroid; None when the
    postcode has no known centroid."""
    places = located(db)
    centre = centroid([point for point, code in places.values() if code == postcode])
    if centre is None:
        return None
    return {
        location_id
        for location_id, (point, _) in places.items()
        if distance_m(centre, point) <= metres
    }
