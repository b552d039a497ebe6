"""Pages of resources: the command map (一张图) and the JSON its layers load from.

The page carries no inline script or style (CSP): its settings travel in data-attributes, its data comes from
``map_layers`` (the user's scope, through ``policy``) and from the nearby API.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from yingji.core import policy
from yingji.core.models import Region
from yingji.core.views import _require

from .choices import (
    Capability,
    EquipmentItem,
    EquipmentStatus,
    Readiness,
    ShelterKind,
    ShelterLevel,
    ShelterStatus,
    TeamKind,
    WarehouseLevel,
)
from .models import Equipment, Shelter, Team, Warehouse

MAP_CENTRE_FALLBACK = (33.29, 113.52)


def _tile_settings() -> dict:
    """Base tiles are optional: ``YINGJI_MAP_TILE_URL`` (e.g. a 天地图 URL with its key) and an attribution."""
    return {"tile_url": getattr(settings, "YINGJI_MAP_TILE_URL", None) or "",
            "tile_attribution": getattr(settings, "YINGJI_MAP_TILE_ATTRIBUTION", None) or ""}


@login_required
def resource_map(request):
    denied = _require(request, "view", Team)
    if denied:
        return denied
    home = Region.objects.for_user(request.user).filter(lat__isnull=False).order_by("code").first()
    centre = (float(home.lat), float(home.lon)) if home else MAP_CENTRE_FALLBACK
    return render(request, "resources/map.html", {
        **_tile_settings(), "centre": centre, "layers_url": reverse("resource_map_layers"),
        "nearby_url": reverse("api-v1:nearby"),
        "layers": [("boundaries", _("Jurisdictions")), ("teams", _("Rescue teams")),
                   ("warehouses", _("Warehouses")), ("shelters", _("Shelters")),
                   ("equipment", _("Equipment holders")), ("enterprises", _("Enterprises"))],
        "kinds": [("team", _("Rescue teams")), ("warehouse", _("Warehouses")), ("shelter", _("Shelters")),
                  ("equipment", _("Equipment")), ("expert", _("Experts"))],
    })


def _point(obj, kind: str, fields: list[tuple[str, object]], url: str = "") -> dict:
    return {"kind": kind, "id": obj.pk, "name": str(obj), "lat": float(obj.lat), "lon": float(obj.lon),
            "url": url, "fields": [[str(label), str(value)] for label, value in fields if value not in (None, "")]}


def _teams(user) -> list[dict]:
    return [_point(t, "team", [
        (_("Type"), TeamKind.label(t.kind)), (_("Readiness"), Readiness.label(t.readiness)),
        (_("Headcount"), t.headcount), (_("Capabilities"), ", ".join(Capability.label(c) for c in t.capabilities)),
        (_("Leader"), t.leader), (_("24-hour duty phone"), t.duty_phone), (_("Address"), t.address),
    ]) for t in Team.objects.for_user(user).filter(lat__isnull=False)]


def _warehouses(user) -> list[dict]:
    return [_point(w, "warehouse", [
        (_("Level"), WarehouseLevel.label(w.level)), (_("Manager"), w.manager), (_("Phone"), w.phone),
        (_("Address"), w.address),
    ]) for w in Warehouse.objects.for_user(user).filter(lat__isnull=False)]


def _shelters(user) -> list[dict]:
    return [_point(s, "shelter", [
        (_("Level"), ShelterLevel.label(s.level)), (_("Type"), ShelterKind.label(s.kind)),
        (_("Status"), ShelterStatus.label(s.status)), (_("Capacity"), s.capacity),
        (_("Free capacity"), s.free_capacity), (_("Area (m²)"), s.area_m2), (_("Manager"), s.manager),
        (_("Phone"), s.phone),
    ]) for s in Shelter.objects.for_user(user).filter(lat__isnull=False)]


def _equipment_holders(user) -> list[dict]:
    """Equipment grouped by where it is held: one point per holder, listing its pieces by item."""
    holders: dict[tuple, dict] = {}
    counts: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    rows = Equipment.objects.for_user(user).filter(lat__isnull=False).exclude(status=EquipmentStatus.SCRAPPED)
    for e in rows.order_by("id"):
        key = (e.holder_name, e.lat, e.lon)
        holders.setdefault(key, {"kind": "equipment", "id": e.pk, "name": e.holder_name or str(e),
                                 "lat": float(e.lat), "lon": float(e.lon), "url": ""})
        counts[key][e.item] += e.count
    for key, point in holders.items():
        point["fields"] = [[EquipmentItem.label(item), str(n)] for item, n in sorted(counts[key].items())]
    return list(holders.values())


def _enterprises(user) -> list[dict]:
    from yingji.enterprises.models import Enterprise

    if not policy.can(user, "view", Enterprise):
        return []
    points = []
    for e in Enterprise.objects.for_user(user).filter(lat__isnull=False).only("id", "name", "address", "lat",
                                                                               "lon", "region_code"):
        try:
            url = reverse("enterprise_detail", args=[e.pk])
        except NoReverseMatch:
            url = ""
        points.append({"kind": "enterprise", "id": e.pk, "name": e.name, "lat": float(e.lat),
                       "lon": float(e.lon), "url": url, "fields": [[_("Address"), e.address]] if e.address else []})
    return points


def _boundaries(user) -> dict:
    features = []
    regions = Region.objects.for_user(user).exclude(boundary__isnull=True).exclude(level="village")
    for r in regions.only("id", "code", "name", "level", "boundary"):
        features.append({"type": "Feature", "geometry": r.boundary,
                         "properties": {"code": r.code, "name": r.name, "level": r.level}})
    return {"type": "FeatureCollection", "features": features}


@login_required
def map_layers(request):
    """Everything the command map draws, inside the user's scope."""
    denied = _require(request, "view", Team)
    if denied:
        return JsonResponse({"detail": _("You are not allowed to do this"), "errors": []}, status=403)
    user = request.user
    return JsonResponse({
        "boundaries": _boundaries(user),
        "layers": {"teams": _teams(user), "warehouses": _warehouses(user), "shelters": _shelters(user),
                   "equipment": _equipment_holders(user), "enterprises": _enterprises(user)},
    })
