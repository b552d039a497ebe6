"""防汛抗旱形势图 (``/disasters/situation/``): the flood season's situation in the user's scope, every figure linking
to the list it counts (``services.situation``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from yingji.core import charts, policy

from .models import DangerZone
from .services import situation


def rain_chart(data: dict) -> dict:
    rows = data["rain"]["rows"]
    return charts.bar([r["township"] for r in rows],
                      [charts.series(_("Rain since the season began"), [r["rain_mm"] for r in rows], color="blue"),
                       charts.series(_("Normal for the period"), [r["normal_mm"] for r in rows], color="grey")],
                      horizontal=True, unit=_("mm"), title=_("Rain against the normal, by township"))


@login_required
def flood_situation(request):
    if not policy.can(request.user, "view", DangerZone):
        return render(request, "403.html", status=403)
    data = situation.summary(request.user)
    links = {
        "warnings": reverse("warning_list") + "?in_force=true",
        "zones": reverse("danger_zone_list"), "households": reverse("household_list"),
        "transfers": reverse("zone_transfer_list") + "?state=open", "shelters": reverse("shelter_list"),
        "teams": reverse("team_list"), "warehouses": reverse("warehouse_list"),
        "stations": reverse("station_list") + "?type=water_level", "checks": reverse("flood_check_round_list"),
    }
    return render(request, "disasters/situation.html", {
        "data": data, "links": links, "rain_chart": rain_chart(data),
        "classes": situation.flood_season.anomaly_classes()})
