"""Small geometry helpers on WGS-84/CGCS2000 lat/lon (no GIS database needed)."""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two points given in decimal degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _check_ring(ring, where: str) -> None:
    if not isinstance(ring, list) or len(ring) < 4:
        raise ValueError(f"{where}: a linear ring needs at least 4 positions")
    for position in ring:
        if (not isinstance(position, list | tuple) or len(position) < 2
                or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position[:2])):
            raise ValueError(f"{where}: each position is [longitude, latitude]")
        lon, lat = position[0], position[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValueError(f"{where}: position {position[:2]} is outside longitude/latitude bounds")
    if list(ring[0][:2]) != list(ring[-1][:2]):
        raise ValueError(f"{where}: a linear ring must end where it starts")


def validate_geojson_polygon(geometry) -> None:
    """Accept a GeoJSON Polygon or MultiPolygon geometry (RFC 7946 §3.1.6-3.1.7); raise ValueError otherwise."""
    if not isinstance(geometry, dict):
        raise ValueError("The boundary must be a GeoJSON geometry object")
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        polygons = [coords]
    elif kind == "MultiPolygon":
        if not isinstance(coords, list) or not coords:
            raise ValueError("A MultiPolygon needs at least one polygon")
        polygons = coords
    else:
        raise ValueError("The boundary must be a Polygon or MultiPolygon")
    for i, polygon in enumerate(polygons):
        if not isinstance(polygon, list) or not polygon:
            raise ValueError(f"polygon {i}: needs at least one ring")
        for j, ring in enumerate(polygon):
            _check_ring(ring, f"polygon {i} ring {j}")


def regular_ring(lat: float, lon: float, radius_km: float, sides: int, start_degrees: float = 0) -> list:
    """A closed GeoJSON ring ([lon, lat], 6 decimals) of a regular polygon of ``sides`` around a centre, its first
    corner ``start_degrees`` counter-clockwise from east (a circle drawn as many sides, a hexagon as six)."""
    ring = []
    for k in range(sides):
        angle = math.radians(start_degrees + 360 * k / sides)
        dlat = radius_km * math.sin(angle) / 111.32
        dlon = radius_km * math.cos(angle) / (111.32 * math.cos(math.radians(lat)))
        ring.append([round(lon + dlon, 6), round(lat + dlat, 6)])
    ring.append(ring[0])
    return ring


def hexagon(lat: float, lon: float, radius_km: float) -> dict:
    """A closed hexagonal Polygon around a centre (used for generated demo boundaries)."""
    return {"type": "Polygon", "coordinates": [regular_ring(lat, lon, radius_km, 6, 30)]}


def tile_host(url: str) -> str:
    """``scheme://host[:port]`` of a map tile URL template (``{s}`` subdomains widened to a wildcard), or '' when
    the URL is empty or not http(s): the one origin a map page's CSP lets images load from."""
    from urllib.parse import urlsplit

    if not url:
        return ""
    parts = urlsplit(url.replace("{s}", "*"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


# --- the offline base map and the demo's regions inside it ---------------------------------------------------

def point_in_ring(lon: float, lat: float, ring: list) -> bool:
    """Whether (lon, lat) lies inside a closed ring (even-odd rule; a point on an edge may go either way)."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def clip_to_half_plane(ring: list, a: tuple[float, float], b: tuple[float, float]) -> list:
    """The part of a closed ring nearer to point ``a`` than to ``b`` (Sutherland-Hodgman against the perpendicular
    bisector of a-b); [] when nothing is left. Lon/lat are treated as planar, fine at a county's scale."""
    (ax, ay), (bx, by) = a, b
    nx, ny = bx - ax, by - ay
    c = (bx * bx + by * by - ax * ax - ay * ay) / 2

    def keep(p) -> bool:
        return p[0] * nx + p[1] * ny <= c

    def cross(p, q):
        dp, dq = p[0] * nx + p[1] * ny - c, q[0] * nx + q[1] * ny - c
        t = dp / (dp - dq)
        return [round(p[0] + t * (q[0] - p[0]), 6), round(p[1] + t * (q[1] - p[1]), 6)]

    points = ring[:-1] if ring and ring[0] == ring[-1] else ring
    out = []
    for i, current in enumerate(points):
        previous = points[i - 1]
        if keep(current):
            if not keep(previous):
                out.append(cross(previous, current))
            out.append(list(current))
        elif keep(previous):
            out.append(cross(previous, current))
    if len(out) < 3:
        return []
    return out + [out[0]]


def voronoi_cells(ring: list, sites: list[tuple[float, float]]) -> list[list]:
    """Each site's cell of the area inside ``ring``: the points nearer to it than to any other site (lon, lat)."""
    cells = []
    for i, site in enumerate(sites):
        cell = ring
        for j, other in enumerate(sites):
            if i != j and cell:
                cell = clip_to_half_plane(cell, site, other)
        cells.append(cell)
    return cells


def pull_inside(lon: float, lat: float, ring: list, towards: tuple[float, float], margin: float = 0.15
                ) -> tuple[float, float]:
    """The point moved along the line to ``towards`` (a point inside the ring) until it is inside, then a further
    ``margin`` of the way, so that it does not sit on the boundary. Points already inside stay."""
    if point_in_ring(lon, lat, ring):
        return lon, lat
    tx, ty = towards
    for step in range(1, 21):
        t = step / 20
        x, y = lon + t * (tx - lon), lat + t * (ty - lat)
        if point_in_ring(x, y, ring):
            t = min(1.0, t + margin)
            return lon + t * (tx - lon), lat + t * (ty - lat)
    return tx, ty


@cache
def _base_map_text() -> str:
    return (Path(__file__).parent / "data" / "base_map.geojson").read_text(encoding="utf-8")


def base_map() -> dict:
    """The offline base of the command map (``core/data/base_map.geojson``): the county and its neighbours as
    GeoJSON, with the source and licence (see scripts/extract-boundaries.py). A fresh copy each call."""
    return json.loads(_base_map_text())


def county_ring(code: str) -> list | None:
    """The outer ring of a county's real boundary in the base map (the largest polygon), None when absent."""
    for feature in base_map()["features"]:
        if feature["properties"]["code"] == code:
            geometry = feature["geometry"]
            polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
            return max((p[0] for p in polygons), key=len)
    return None
