"""Enterprises on the home pages (issue 12 §2): enterprises in scope, licences expiring within 30/60/90 days, and for
an enterprise account its major hazard units by level and its units — counted through the lists' own surfaces
(``core.home.surface_count``), each number linking to its filtered list."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yingji.core import policy, rollup
from yingji.core.home import Part, Tile, register_panel, register_tile, surface_count

from .choices import MajorHazardLevel, UnitKind
from .models import Enterprise, Licence, Unit
from .surfaces import ENTERPRISES, LICENCES, MAJOR_HAZARDS

#: The windows of the licence tile (days).
EXPIRY_WINDOWS = (30, 60, 90)
PANEL_UNITS = 10


def enterprise_tile(user, now):
    if not policy.can(user, "view", Enterprise) or user.enterprise_id:
        return None
    value, url = surface_count(ENTERPRISES, user)
    return Tile(_("Enterprises"), value, url, group="standing")


def licence_tile(user, now):
    if not policy.can(user, "view", Licence):
        return None
    parts = []
    for days in EXPIRY_WINDOWS:
        value, url = surface_count(LICENCES, user, expiring_within_days=days)
        parts.append(Part(_("Within %(days)s days") % {"days": days}, value, url,
                          colour="danger" if days == EXPIRY_WINDOWS[0] and value else ""))
    return Tile(_("Licences expiring"), parts[-1].value, parts[-1].url, parts=parts,
                colour="danger" if parts[0].value else "")


def major_hazard_tile(user, now):
    if not policy.can(user, "view", Unit):
        return None
    total, url = surface_count(MAJOR_HAZARDS, user)
    parts = []
    for level, label in MajorHazardLevel.choices():
        value, level_url = surface_count(MAJOR_HAZARDS, user, level=level)
        parts.append(Part(str(label), value, level_url))
    return Tile(_("Major hazard sources"), total, url, parts=parts, group="standing")


def units_panel(user, now):
    """An enterprise's production and storage units with their major hazard level."""
    if not user.enterprise_id or not policy.can(user, "view", Unit):
        return None
    units = list(Unit.objects.for_user(user).order_by("level", "kind", "name")[:PANEL_UNITS])
    return {"rows": [{"unit": u, "kind": UnitKind.label(u.kind),
                      "level": MajorHazardLevel.label(u.level) if u.is_major and u.level else ""} for u in units],
            "enterprise_id": user.enterprise_id}


def register() -> None:
    register_tile("enterprises", enterprise_tile, audiences=("desk",), order=70,
                  group="standing")
    register_tile("licences", licence_tile, audiences=("section", "local", "enterprise"), order=40)
    register_tile("major_hazards", major_hazard_tile, audiences=("section", "enterprise"), order=65,
                  group="standing")
    register_panel("units", units_panel, template="enterprises/home_units.html", audiences=("enterprise",),
                   order=60)
    # The figures by area (core.rollup): a city's counties, a county's townships side by side.
    rollup.register_indicator(rollup.surface_indicator("enterprises", gettext_lazy("Enterprises"), ENTERPRISES,
                                                       order=10))
    rollup.register_indicator(rollup.surface_indicator("major_hazards", gettext_lazy("Major hazard sources"),
                                                       MAJOR_HAZARDS, region_field="enterprise__region_code",
                                                       order=20))
