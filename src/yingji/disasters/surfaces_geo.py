"""The declared surfaces of geological hazard points, their patrols and earthquake intensity reports."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

from yingji.core import policy
from yingji.core.surfaces import Badge, Column, Computed, Coordinates, Phone, Region, Surface, When, register
from yingji.standards import geohazards as rules

from . import filters_forest as filters
from . import forms_forest as forms
from .choices_geo import GeoHazardKind, GeoPatrolFinding, GeoPointState, GeoScale, WriteOffReason
from .models.geo import EarthquakeReport, GeoHazardPoint, GeoPatrol
from .services import geo as services
from .surfaces_forest import workflow_context


def _links(request) -> dict:
    return {"links": [(reverse("geohazard_point_list"), _l("Geological hazard points")),
                      (reverse("geohazard_patrol_list"), _l("Hazard point patrols")),
                      (reverse("earthquake_report_list"), _l("Earthquake intensity reports"))]}


def _point_detail(request, point, view) -> dict:
    return {**workflow_context(services.POINT_WORKFLOW, "geohazard_point_act")(request, point, view),
            "reasons": WriteOffReason.choices(),
            "patrols": GeoPatrol.objects.for_user(request.user).filter(point=point)[:20],
            "stations": point.stations.all()}


POINTS = Surface(
    model=GeoHazardPoint, prefix="geohazard_point", title=_l("Geological hazard points"),
    singular=_l("Geological hazard point"), export_name="geohazard-points",
    subtitle=_l("The county register of geological hazard points: what they threaten, who watches them, which "
                "stations monitor them."),
    filterset=filters.GeoPointFilterSet, form=forms.GeoPointForm,
    create=services.create_point, update=services.update_point,
    create_title=_l("New hazard point"), edit_title=_l("Edit hazard point"),
    queryset=lambda: GeoHazardPoint.objects.prefetch_related("stations"),
    columns=[
        Column("code", _l("Register number")),
        Column("name", pgettext_lazy("hazard point", "Name"), link="self"), Badge("kind", _l("Kind"), GeoHazardKind),
        Badge("scale", _l("Scale"), GeoScale), Region(label=_l("Village")),
        Column("households", _l("Households threatened")), Column("people", _l("People threatened")),
        Column("property_wan", _l("Property threatened (10,000 yuan)"), table=False),
        Badge("threat_grade", _l("Danger grade"), GeoScale),
        Column("monitor_name", _l("Group monitor")), Phone("monitor_phone", _l("Monitor's phone")),
        Computed("stations_text", _l("Monitoring stations"), lambda p: "、".join(s.name for s in p.stations.all()),
                 table=False),
        Column("measures", _l("Prevention measures"), table=False),
        Badge("state", _l("State"), GeoPointState), Coordinates(),
    ],
    list_context=_links, detail_template="disasters/workflow_detail.html", detail_context=_point_detail,
)

PATROLS = Surface(
    model=GeoPatrol, prefix="geohazard_patrol", title=_l("Hazard point patrols"), singular=_l("Hazard point patrol"),
    export_name="geohazard-patrols",
    subtitle=_l("Patrols of the hazard points by their group monitors."),
    filterset=filters.GeoPatrolFilterSet, form=forms.GeoPatrolForm,
    create=services.create_patrol, update=services.update_patrol,
    create_title=_l("New patrol record"), edit_title=_l("Edit patrol record"),
    queryset=lambda: GeoPatrol.objects.select_related("point"),
    columns=[
        When("patrolled_at", _l("Patrolled"), link="self"),
        Column("point", _l("Hazard point"), link="point", export_path="point.name"), Region(label=_l("Village")),
        Column("patroller_name", _l("Patroller")), Badge("finding", _l("Finding"), GeoPatrolFinding),
        Column("crack_mm", _l("Crack width (mm)")), Column("rain_mm", _l("Rain in the last 24 h (mm)")),
        Column("note", _l("Note")),
    ],
    list_context=_links,
)


def _felt(report) -> str:
    return "，".join(f"{r['region_code']} {rules.intensity_label(r['intensity'])}" for r in report.intensities or [])


def _quake_detail(request, report, view) -> dict:
    from yingji.incidents.models import Incident

    may = policy.can(request.user, "add", Incident) and policy.can(request.user, "change", report)
    label = _l("Send to the incident (follow-up report)") if report.incident_id else _l("Open the incident")
    return {"actions": [{"action": "incident", "label": label,
                         "url": reverse("earthquake_incident", args=[report.pk])}] if may else []}


QUAKES = Surface(
    model=EarthquakeReport, prefix="earthquake_report", title=_l("Earthquake intensity reports"),
    singular=_l("Earthquake intensity report"), export_name="earthquake-reports",
    subtitle=_l("Quick reports of earthquakes felt in the county, with the intensity in each township."),
    filterset=filters.QuakeFilterSet, form=forms.QuakeForm,
    create=services.create_quake, update=services.update_quake,
    create_title=_l("New intensity report"), edit_title=_l("Edit intensity report"),
    columns=[
        When("occurred_at", _l("Origin time"), link="self"), Column("magnitude", _l("Magnitude")),
        Column("epicentre", _l("Epicentre")), Column("depth_km", _l("Depth (km)")),
        Computed("max_intensity_text", _l("Highest intensity"),
                 lambda r: rules.intensity_label(r.max_intensity) if r.max_intensity else ""),
        Computed("intensities_text", _l("Intensity by township"), _felt, table=False),
        Column("source", _l("Source"), table=False),
        Column("incident", _l("Incident"), link="incident", export_path="incident.title"), Coordinates(),
    ],
    list_context=_links, detail_template="disasters/workflow_detail.html", detail_context=_quake_detail,
)


def register_all() -> None:
    register(POINTS, PATROLS, QUAKES)
