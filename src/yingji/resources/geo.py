"""Nearest-point search on plain lat/lon columns (no GIS database).

The search draws a latitude/longitude box around the query point that certainly contains the spherical cap of
radius ``r`` (the set of points within great-circle distance ``r``), asks the database only for rows inside the
box (served by the ``(lat, lon)`` index), computes the exact great-circle distance of those in Python and keeps
those within ``r``. When fewer than ``limit`` lie within ``r`` it doubles ``r`` and asks again, until either
``limit`` points lie within ``r`` — then no point outside the cap can be nearer than they are, so they are
exactly the nearest — or the cap covers the sphere.

Box of a cap (Bulirsch/Chamberlain, "Finding points within a distance of a latitude/longitude"): with angular
radius δ = r/R, latitudes span φ ± δ; if a pole lies within the cap all longitudes qualify, otherwise the
longitudes span λ ± asin(sin δ / cos φ), wrapping across the antimeridian into two ranges.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from yingji.core.geo import EARTH_RADIUS_KM, haversine_km

HALF_CIRCUMFERENCE_KM = math.pi * EARTH_RADIUS_KM
#: Widen boxes a little so that rounding of stored six-decimal degrees never drops a point on the edge.
MARGIN_DEG = 1e-5


@dataclass(frozen=True)
class Box:
    """Latitude range and one or two longitude ranges (two when the box crosses the antimeridian)."""

    lat_min: float
    lat_max: float
    lon_ranges: tuple[tuple[float, float], ...]

    @property
    def is_whole_sphere(self) -> bool:
        return self.lat_min <= -90 and self.lat_max >= 90 and self.lon_ranges == ((-180.0, 180.0),)

    def contains(self, lat: float, lon: float) -> bool:
        return self.lat_min <= lat <= self.lat_max and any(lo <= lon <= hi for lo, hi in self.lon_ranges)


def bounding_box(lat: float, lon: float, radius_km: float) -> Box:
    """A box containing every point within ``radius_km`` of (lat, lon)."""
    if radius_km >= HALF_CIRCUMFERENCE_KM:
        return Box(-90.0, 90.0, ((-180.0, 180.0),))
    delta = radius_km / EARTH_RADIUS_KM
    delta_deg = math.degrees(delta)
    lat_min, lat_max = lat - delta_deg - MARGIN_DEG, lat + delta_deg + MARGIN_DEG
    if lat_max >= 90 or lat_min <= -90:
        return Box(max(lat_min, -90.0), min(lat_max, 90.0), ((-180.0, 180.0),))
    ratio = math.sin(delta) / math.cos(math.radians(lat))
    if ratio >= 1:
        return Box(lat_min, lat_max, ((-180.0, 180.0),))
    dlon = math.degrees(math.asin(ratio)) + MARGIN_DEG
    lo, hi = lon - dlon, lon + dlon
    if lo < -180:
        ranges = ((lo + 360, 180.0), (-180.0, hi))
    elif hi > 180:
        ranges = ((lo, 180.0), (-180.0, hi - 360))
    else:
        ranges = ((lo, hi),)
    return Box(lat_min, lat_max, ranges)


Row = tuple  # (key, lat, lon, *extra)


def nearest(fetch: Callable[[Box], Iterable[Row]], lat: float, lon: float, limit: int,
            radius_km: float | None = None, start_km: float = 5.0,
            count: Callable[[], int] | None = None) -> list[tuple[float, Row]]:
    """The ``limit`` rows nearest to (lat, lon) as (distance_km, row), ordered by (distance, key).

    ``fetch(box)`` returns the candidate rows inside a box (any superset is fine). With ``radius_km`` only rows
    within that distance are answered. ``count()``, the number of candidates in all, lets the search stop growing
    once a box holds every one of them (a county's few teams of a capability were searched for up to the
    antipode, box after box, 14 queries): it is asked once, when the first box holds too few.
    """
    if limit <= 0:
        return []
    cap = HALF_CIRCUMFERENCE_KM if radius_km is None else min(radius_km, HALF_CIRCUMFERENCE_KM)
    r = min(start_km, cap)
    total = None
    while True:
        box = bounding_box(lat, lon, r)
        if box.is_whole_sphere:
            r = cap  # every row is fetched: the cap itself is the only bound left
        rows = list(fetch(box))
        found = []
        for row in rows:
            d = haversine_km(lat, lon, float(row[1]), float(row[2]))
            if d <= r:
                found.append((d, row))
        if len(found) >= limit or r >= cap or box.is_whole_sphere:
            found.sort(key=lambda pair: (pair[0], pair[1][0]))
            return found[:limit]
        if count is not None and total is None:
            total = count()
        if total is not None and len(rows) >= total:
            # The box holds every candidate: none outside it can be nearer; only the cap bounds them.
            everything = sorted(((haversine_km(lat, lon, float(row[1]), float(row[2])), row) for row in rows),
                                key=lambda pair: (pair[0], pair[1][0]))
            return [pair for pair in everything if pair[0] <= cap][:limit]
        # Grow towards the radius the density seen so far suggests (fewer round trips), at least by half.
        grow = max(1.5, 1.2 * math.sqrt(limit / len(found))) if found else 4.0
        r = min(r * grow, cap)
