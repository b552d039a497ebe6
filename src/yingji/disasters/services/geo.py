"""Geological hazard points and earthquake intensity reports: the writes of points (their 险情等级 from
``standards.geohazards``, their monitoring stations through the monitoring app's scoped lookup), the monitors'
patrols, the 核销 workflow (在册 → 已核销, restorable), and intensity reports that open a natural-disaster incident
through the incidents services (or feed the one already opened with a 续报)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _l

from yingji.core import policy
from yingji.core.choices import RegionLevel, Role
from yingji.core.errors import ValidationFailed
from yingji.core.models import Region
from yingji.core.services import create_object, update_object
from yingji.core.workflow import Transition, Workflow, require_fields
from yingji.incidents import services as incident_services
from yingji.incidents.models import Incident
from yingji.monitoring.models import Station
from yingji.standards import geohazards as rules

from ..choices_geo import GeoPointState, WriteOffReason
from ..models.geo import EarthquakeReport, GeoHazardPoint, GeoPatrol


def _fail(field: str, message: str):
    return ValidationFailed.from_dict({field: [message]})


# --- hazard points ------------------------------------------------------------------------------------------------


def _point_fields(actor, data: Mapping[str, Any], point: GeoHazardPoint | None = None) -> dict:
    data = dict(data)
    if "region_code" in data and not Region.objects.filter(code=data["region_code"] or "",
                                                           level=RegionLevel.VILLAGE).exists():
        raise _fail("region_code", gettext("Choose a village of the county."))
    for key in ("stations", "station_ids"):
        if key in data:
            value = data.pop(key)
            village = data.get("region_code") or (point.region_code if point else "")
            data["stations"] = policy.get_many_in_scope_or_field_error(
                Station, [getattr(s, "pk", s) for s in (value or [])], actor, "stations",
                widen=Q(region_code__in=policy.region_ancestors(village)) if village else None)
    return data


def create_point(actor, data: Mapping[str, Any]) -> GeoHazardPoint:
    return create_object(actor, GeoHazardPoint, _point_fields(actor, data))


def update_point(actor, point: GeoHazardPoint, data: Mapping[str, Any]) -> GeoHazardPoint:
    return update_object(actor, point, _point_fields(actor, data, point))


def create_patrol(actor, data: Mapping[str, Any]) -> GeoPatrol:
    data = dict(data)
    value = data.pop("point", data.pop("point_id", None))
    if value in (None, ""):
        raise _fail("point", gettext("Choose the hazard point."))
    point = policy.get_in_scope_or_field_error(GeoHazardPoint, value, actor, "point")
    if point.state != GeoPointState.ACTIVE:
        raise _fail("point", gettext("The hazard point has been written off."))
    if not data.get("patroller_name"):
        data["patroller_name"] = point.monitor_name
    return create_object(actor, GeoPatrol, {**data, "point": point, "region_code": point.region_code,
                                            "patroller": actor})


def update_patrol(actor, patrol: GeoPatrol, data: Mapping[str, Any]) -> GeoPatrol:
    data = {k: v for k, v in data.items() if k not in ("point", "point_id")}
    return update_object(actor, patrol, data)


KEEPERS = frozenset({Role.ADMIN, Role.SECTION_STAFF})


def _write_off(point, actor, payload) -> dict:
    require_fields(payload, ["reason", "note"])
    if payload["reason"] not in WriteOffReason.values():
        raise _fail("reason", gettext("Choose why the point is written off."))
    return {"write_off_reason": payload["reason"], "written_off_at": timezone.now()}


def _restore(point, actor, payload) -> dict:
    require_fields(payload, ["note"])
    return {"write_off_reason": "", "written_off_at": None}


POINT_WORKFLOW = Workflow(GeoHazardPoint, [
    Transition("write_off", (GeoPointState.ACTIVE,), GeoPointState.WRITTEN_OFF, KEEPERS, _l("Write off"),
               check=_write_off),
    Transition("restore", (GeoPointState.WRITTEN_OFF,), GeoPointState.ACTIVE, KEEPERS,
               _l("Back on the register"), check=_restore),
])


def act_on_point(actor, point: GeoHazardPoint, action: str, payload: Mapping[str, Any] | None = None):
    policy.require(actor, "view", point)
    return POINT_WORKFLOW.apply(actor, point, action, payload)


def overdue_points(user, now: datetime.datetime | None = None, days: int = 7):
    """Points on the register not patrolled in ``days`` days (for the flood-season check)."""
    since = (now or timezone.now()) - datetime.timedelta(days=days)
    recent = GeoPatrol.objects.filter(patrolled_at__gte=since).values("point_id")
    return GeoHazardPoint.objects.for_user(user).filter(state=GeoPointState.ACTIVE).exclude(pk__in=recent)


# --- earthquake intensity reports ---------------------------------------------------------------------------------


def _intensities(value) -> tuple[list[dict], int | None]:
    if not isinstance(value, list):
        raise _fail("intensities", gettext("Give the intensity of each township."))
    townships = set(Region.objects.filter(level=RegionLevel.TOWNSHIP).values_list("code", flat=True))
    out, seen = [], set()
    for row in value:
        code = str((row or {}).get("region_code") or "")
        degree = (row or {}).get("intensity")
        if code not in townships:
            raise _fail("intensities", gettext("%(code)s is not a township of the county.") % {"code": code})
        if code in seen:
            raise _fail("intensities", gettext("A township is given twice."))
        if isinstance(degree, bool) or not isinstance(degree, int) or not 1 <= degree <= 12:
            raise _fail("intensities", gettext("An intensity is a degree from 1 to 12."))
        seen.add(code)
        out.append({"region_code": code, "intensity": degree})
    out.sort(key=lambda r: (-r["intensity"], r["region_code"]))
    return out, (out[0]["intensity"] if out else None)


def _quake_fields(data: Mapping[str, Any]) -> dict:
    data = dict(data)
    if "intensities" in data:
        data["intensities"], data["max_intensity"] = _intensities(data["intensities"])
    if "region_code" in data and not Region.objects.filter(code=data["region_code"] or "",
                                                           level=RegionLevel.COUNTY).exists():
        raise _fail("region_code", gettext("Choose the county."))
    return data


def create_quake(actor, data: Mapping[str, Any]) -> EarthquakeReport:
    """Record an intensity report; when it reaches the incident threshold (``standards.geohazards``) and the actor
    may log incidents, open the incident at once."""
    with transaction.atomic():
        report = create_object(actor, EarthquakeReport, _quake_fields(data))
        if rules.opens_incident(report.magnitude, report.max_intensity) and policy.can(actor, "add", Incident):
            feed_incident(actor, report)
    return report


def update_quake(actor, report: EarthquakeReport, data: Mapping[str, Any]) -> EarthquakeReport:
    with transaction.atomic():
        report = update_object(actor, report, _quake_fields(data))
        if report.incident_id and {"intensities", "magnitude"} & set(data):
            feed_incident(actor, report)
    return report


def _summary(report: EarthquakeReport) -> str:
    names = dict(Region.objects.filter(code__in=[r["region_code"] for r in report.intensities])
                 .values_list("code", "name"))
    felt = "，".join(f"{names.get(r['region_code'], r['region_code'])}{rules.intensity_label(r['intensity'])}"
                    for r in report.intensities)
    return (f"{report.occurred_at:%Y-%m-%d %H:%M} {report.epicentre}发生{report.magnitude}级地震，震源深度"
            f"{report.depth_km}千米（{report.source}）。" + (f"烈度：{felt}。" if felt else ""))


def feed_incident(actor, report: EarthquakeReport, incident: Incident | None = None) -> Incident:
    """Open the report's natural-disaster incident (event type 地震灾害) at the township felt most, or feed the
    incident already linked (or the one given) with a 续报 carrying the intensities."""
    target = incident or (Incident.objects.filter(pk=report.incident_id).first() if report.incident_id else None)
    if target is not None:
        incident_services.file_report(actor, target, {"note": _summary(report)})
        if report.incident_id != target.pk:
            EarthquakeReport.objects.filter(pk=report.pk).update(incident=target)
            report.incident = target
        return target
    township = report.intensities[0]["region_code"] if report.intensities else report.region_code
    created = incident_services.create_incident(actor, {
        "event_type": "earthquake", "title": f"{report.epicentre}{report.magnitude}级地震"[:200],
        "description": _summary(report), "source": "superior", "occurred_at": report.occurred_at,
        "township_code": township if len(township) == 9 else None,
        "region_code": township if len(township) != 9 else None,
        "lat": report.lat, "lon": report.lon})
    EarthquakeReport.objects.filter(pk=report.pk).update(incident=created)
    report.incident = created
    return created
