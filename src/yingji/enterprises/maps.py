"""Major hazard sources on the command map (一张图): enterprises holding a major hazard source (重大危险源), coloured
by their highest level (GB 18218-2018 Table 6: 一级 red … 四级 blue). Scoped by ``Enterprise.objects.for_user``."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from yingji.core import policy

from .choices import MajorHazardLevel
from .models import Enterprise

#: Level → the colour of the four-colour scheme (一级 most severe).
LEVEL_COLOURS = {1: "red", 2: "orange", 3: "yellow", 4: "blue"}


def major_hazard_points(user) -> list[dict]:
    if not policy.can(user, "view", Enterprise):
        return []
    rows = (Enterprise.objects.for_user(user).filter(major_hazard_level__isnull=False, lat__isnull=False)
            .only("id", "name", "lat", "lon", "address", "major_hazard_level").order_by("major_hazard_level", "id"))
    return [{"kind": "major_hazard", "id": e.pk, "name": e.name, "lat": float(e.lat), "lon": float(e.lon),
             "url": reverse("enterprise_detail", args=[e.pk]), "risk": LEVEL_COLOURS.get(e.major_hazard_level, ""),
             "fields": [[_("Highest major hazard level"), MajorHazardLevel.label(e.major_hazard_level)],
                        [_("Address"), e.address]]} for e in rows[:2000]]
