"""Warnings in force on the command map (一张图): each drawn as its area — the CAP polygons and circles it was
published with and the boundaries of the regions it names — in its level's colour, with a pin at the area's
first point. Scoped by ``Warning.objects.for_user``; at most 200 warnings."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yingji.core import policy
from yingji.core.geo import regular_ring
from yingji.core.models import Region

from . import cap
from .choices import WarningLevel
from .models import Warning  # noqa: A004
from .services import in_force_q

MAX_WARNINGS = 200


def _polygon(text: str) -> list | None:
    """A CAP polygon ("lat,lon lat,lon …") as a GeoJSON ring of [lon, lat]; None when unreadable."""
    try:
        return [[lon, lat] for lat, lon in cap.parse_polygon(text)]
    except ValueError:
        return None


def _circle(text: str, sides: int = 32) -> list | None:
    """A CAP circle ("lat,lon radius_km") as a 32-sided GeoJSON ring; None when unreadable."""
    try:
        lat, lon, km = cap.parse_circle(text)
    except ValueError:
        return None
    return regular_ring(lat, lon, km, sides)


def warning_areas(user) -> list[dict]:
    if not policy.can(user, "view", Warning):
        return []
    warnings = list(Warning.objects.for_user(user).filter(in_force_q()).order_by("-effective", "-pk")
                    [:MAX_WARNINGS])
    codes = {code for w in warnings for code in (w.area_codes or [])}
    regions = {r.code: r for r in Region.objects.filter(code__in=codes).only("code", "name", "lat", "lon",
                                                                              "boundary")}
    points = []
    for w in warnings:
        polygons = [[ring] for ring in (_polygon(p) for p in (w.polygons or [])) if ring]
        polygons += [[ring] for ring in (_circle(c) for c in (w.circles or [])) if ring]
        for code in w.area_codes or []:
            region = regions.get(code)
            boundary = region.boundary if region is not None else None
            if boundary and boundary.get("type") == "Polygon":
                polygons.append(boundary["coordinates"])
            elif boundary and boundary.get("type") == "MultiPolygon":
                polygons += boundary["coordinates"]
        anchor = next((r for r in (regions.get(c) for c in w.area_codes or []) if r and r.lat is not None), None)
        if anchor is not None:
            lat, lon = float(anchor.lat), float(anchor.lon)
        elif polygons:
            lon, lat = polygons[0][0][0]
        else:
            continue
        points.append({
            "kind": "warning", "id": w.pk, "name": w.headline, "lat": lat, "lon": lon,
            "url": reverse("warning_detail", args=[w.pk]), "level": w.level,
            "area": {"type": "MultiPolygon", "coordinates": polygons} if polygons else None,
            "fields": [[_("Level"), WarningLevel.label(w.level)],
                       [_("Area"), w.area_desc or "、".join(regions[c].name for c in w.area_codes or []
                                                           if c in regions)],
                       [_("Expires"), timezone.localtime(w.expires).strftime("%m-%d %H:%M")]]})
    return points
