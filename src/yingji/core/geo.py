"""Small geometry helpers on WGS-84/CGCS2000 lat/lon (no GIS database needed)."""

from __future__ import annotations

import math

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


def hexagon(lat: float, lon: float, radius_km: float) -> dict:
    """A closed hexagonal Polygon around a centre (used for generated demo boundaries)."""
    ring = []
    for k in range(6):
        angle = math.radians(60 * k + 30)
        dlat = radius_km * math.sin(angle) / 111.32
        dlon = radius_km * math.cos(angle) / (111.32 * math.cos(math.radians(lat)))
        ring.append([round(lon + dlon, 6), round(lat + dlat, 6)])
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


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
