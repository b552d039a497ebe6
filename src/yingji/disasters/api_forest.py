"""API v1 of forest fire prevention and geological hazards.

Workflows: ``GET/POST /fire-permits/{id}/transitions`` (approve, reject with a note, cancel, complete),
``/forest-fires/{id}/transitions`` (extinguish with ``area_burned_ha``, guard, withdraw, rekindle with a note),
``/geohazard-points/{id}/transitions`` (write_off with ``reason`` and ``note``, restore with a note); 409 when
the state has moved on or someone else acted first. ``POST /forest-patrols`` is the ranger's check-in: the same
``client_id`` sent again answers the first check-in (200) instead of creating another (201)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Router
from ninja.responses import Status

from yingji.core import policy
from yingji.core.api_support import ERRORS, Date, DateTime, Id, InSchema, Phone, Schema, ShortText, Text
from yingji.core.crud import Crud, Output, patch_of

from . import surfaces_forest as forest
from . import surfaces_geo as geo
from .choices_forest import CheckpointKind, PatrolFinding, PermitPurpose, Phenology, ViolationKind
from .choices_geo import GeoHazardKind, GeoPatrolFinding, GeoScale
from .models.forest import ForestArea
from .services import forest as services
from .services import geo as geo_services


def _lit(choice_set):
    return Literal[tuple(choice_set.values())]  # type: ignore[valid-type]


Lat = Field(default=None, ge=-90, le=90, decimal_places=6)
Lon = Field(default=None, ge=-180, le=180, decimal_places=6)
Hectares = Field(ge=0, le=100_000_000, decimal_places=2)

router = Router(tags=["disasters"])
TAGS = ["disasters"]


class ForestGeoStepIn(InSchema):
    action: ShortText(32, 1)
    note: ShortText(500) = ""
    area_burned_ha: Decimal | None = Field(default=None, ge=0, le=100_000_000, decimal_places=2)
    reason: ShortText(16) = ""


def _step(act):
    def run(user, obj, payload: ForestGeoStepIn):
        data = {k: v for k, v in payload.model_dump().items() if v not in (None, "") and k != "action"}
        return act(user, obj, payload.action, data)
    return run


# --- forest areas -------------------------------------------------------------------------------------------------


class ForestAreaOut(Schema):
    id: int
    name: str
    region_code: str
    area_ha: Decimal
    forest_type: str
    lat: Decimal | None
    lon: Decimal | None
    geometry: dict | None
    responsible_unit: str
    responsible_name: str
    responsible_phone: str
    danger_level: str
    danger_index: int | None
    danger_reasons: str
    danger_at: datetime.datetime | None


class ForestAreaIn(InSchema):
    name: ShortText(200, 1)
    region_code: ShortText(12, 9)
    area_ha: Decimal = Hectares
    forest_type: ShortText(100) = ""
    lat: Decimal | None = Lat
    lon: Decimal | None = Lon
    geometry: dict | None = None
    responsible_unit: ShortText(200, 1)
    responsible_name: ShortText(50, 1)
    responsible_phone: Phone = ""


ForestAreaPatch = patch_of(ForestAreaIn, "ForestAreaPatch")


class ForestDangerIn(InSchema):
    day: Date
    max_temp_c: Decimal = Field(ge=-60, le=60)
    min_humidity_pct: Decimal = Field(ge=0, le=100)
    dry_days: int = Field(ge=0, le=365)
    wind_force: int = Field(ge=0, le=12)
    phenology: _lit(Phenology) = "dormant"


class ForestDangerOut(Schema):
    level: int
    name: str
    index: int
    weather_level: int
    reasons: list[str]
    scores: dict[str, int]
    areas: int


@router.post("/forest-areas/danger", response={200: ForestDangerOut, **ERRORS}, tags=TAGS,
             summary="Compute the day's 森林火险等级 from the weather and set it on the forest areas in your scope")
def set_forest_danger(request, payload: ForestDangerIn):
    policy.require(request.auth, "change", ForestArea)
    areas = list(ForestArea.objects.for_user(request.auth, "change"))
    data = payload.model_dump()
    result = services.set_danger(request.auth, areas, data.pop("day"), data)
    return {"level": result.level, "name": result.name, "index": result.index,
            "weather_level": result.weather_level, "reasons": list(result.reasons), "scores": result.scores,
            "areas": len(areas)}


(Crud(router, forest.AREAS, "/forest-areas", out=ForestAreaOut, module=__name__, tags=TAGS,
      in_schema=ForestAreaIn, patch_schema=ForestAreaPatch, output=Output(ForestAreaOut, phones=("responsible_phone",)))
 .list("list_forest_areas", summary="Forest areas (林区) with their fire-danger level")
 .get("get_forest_area").create("create_forest_area").update("update_forest_area"))


class ForestCheckpointOut(Schema):
    id: int
    area_id: int
    region_code: str
    name: str
    kind: str
    lat: Decimal | None
    lon: Decimal | None
    staffed_by: str


class ForestCheckpointIn(InSchema):
    area_id: Id
    name: ShortText(200, 1)
    kind: _lit(CheckpointKind)
    lat: Decimal | None = Lat
    lon: Decimal | None = Lon
    staffed_by: ShortText(200) = ""


ForestCheckpointPatch = patch_of(ForestCheckpointIn, "ForestCheckpointPatch")

(Crud(router, forest.CHECKPOINTS, "/forest-checkpoints", out=ForestCheckpointOut, module=__name__, tags=TAGS,
      in_schema=ForestCheckpointIn, patch_schema=ForestCheckpointPatch)
 .list("list_forest_checkpoints", summary="Fire checkpoints, watchtowers and mountain entrances")
 .get("get_forest_checkpoint").create("create_forest_checkpoint").update("update_forest_checkpoint"))


class ForestPatrolOut(Schema):
    id: int
    area_id: int
    checkpoint_id: int | None
    region_code: str
    ranger_name: str
    checked_at: datetime.datetime
    lat: Decimal | None
    lon: Decimal | None
    finding: str
    note: str


class ForestPatrolIn(InSchema):
    area_id: Id
    checkpoint_id: Id | None = None
    ranger_name: ShortText(50) = ""
    checked_at: DateTime | None = None
    lat: Decimal = Field(ge=-90, le=90, decimal_places=6)
    lon: Decimal = Field(ge=-180, le=180, decimal_places=6)
    finding: _lit(PatrolFinding) = "normal"
    note: ShortText(500) = ""
    client_id: ShortText(64) = ""


_patrols = Crud(router, forest.PATROLS, "/forest-patrols", out=ForestPatrolOut, module=__name__, tags=TAGS)
_patrols.list("list_forest_patrols", summary="Ranger check-ins (护林员签到) with their location")


@router.post("/forest-patrols", response={200: ForestPatrolOut, 201: ForestPatrolOut, **ERRORS}, tags=TAGS,
             summary="Check in on patrol (idempotent by client_id for the phone's offline queue)")
def create_forest_patrol(request, payload: ForestPatrolIn):
    data = {k: v for k, v in payload.model_dump().items() if v not in (None, "")}
    patrol, created = services.check_in(request.auth, data)
    return Status(201 if created else 200, _patrols.answer(request.auth, patrol, audited=False))


_patrols.get("get_forest_patrol")


# --- permits and violations ---------------------------------------------------------------------------------------


class FirePermitOut(Schema):
    id: int
    region_code: str
    area_id: int | None
    applicant_name: str
    applicant_phone: str
    purpose: str
    place: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    safety_measures: str
    guards: int
    state: str
    decision_note: str
    decided_at: datetime.datetime | None
    version: int


class FirePermitIn(InSchema):
    region_code: ShortText(12, 12)
    area_id: Id | None = None
    applicant_name: ShortText(50, 1)
    applicant_phone: Phone
    purpose: _lit(PermitPurpose)
    place: ShortText(200, 1)
    starts_at: DateTime
    ends_at: DateTime
    safety_measures: Text
    guards: int = Field(ge=1, le=500)


FirePermitPatch = patch_of(FirePermitIn, "FirePermitPatch")

(Crud(router, forest.PERMITS, "/fire-permits", out=FirePermitOut, module=__name__, tags=TAGS,
      in_schema=FirePermitIn, patch_schema=FirePermitPatch, output=Output(FirePermitOut, phones=("applicant_phone",)))
 .list("list_fire_permits", summary="Field fire permits (野外用火审批)")
 .get("get_fire_permit").create("create_fire_permit").update("update_fire_permit")
 .transitions("transition_fire_permit", allowed_name="list_fire_permit_transitions",
              workflow=services.PERMIT_WORKFLOW, act=_step(services.act_on_permit), body=ForestGeoStepIn,
              summary="Approve, reject (with a note), cancel or complete a permit; 409 when someone acted first"))


class FireViolationOut(Schema):
    id: int
    region_code: str
    area_id: int | None
    kind: str
    occurred_at: datetime.datetime
    place: str
    offender_name: str
    description: str
    handling: str
    fine_yuan: Decimal
    patrol_id: int | None


class FireViolationIn(InSchema):
    region_code: ShortText(12, 9)
    area_id: Id | None = None
    kind: _lit(ViolationKind)
    occurred_at: DateTime
    place: ShortText(200, 1)
    offender_name: ShortText(50) = ""
    description: Text = ""
    handling: ShortText(500) = ""
    fine_yuan: Decimal = Field(default=Decimal(0), ge=0, le=10_000_000, decimal_places=2)
    patrol_id: Id | None = None


FireViolationPatch = patch_of(FireViolationIn, "FireViolationPatch")

(Crud(router, forest.VIOLATIONS, "/fire-violations", out=FireViolationOut, module=__name__, tags=TAGS,
      in_schema=FireViolationIn, patch_schema=FireViolationPatch)
 .list("list_fire_violations", summary="Field fire-source violations")
 .get("get_fire_violation").create("create_fire_violation").update("update_fire_violation"))


# --- fires --------------------------------------------------------------------------------------------------------


class ForestFireEventOut(Schema):
    at: datetime.datetime
    action: str
    from_state: str
    to_state: str
    note: str


class ForestFireOut(Schema):
    id: int
    region_code: str
    area_id: int | None
    place: str
    lat: Decimal | None
    lon: Decimal | None
    discovered_at: datetime.datetime
    reported_by: str
    cause: str
    area_burned_ha: Decimal
    forest_damaged_ha: Decimal
    team_ids: list[int]
    people_sent: int
    forces_note: str
    state: str
    extinguished_at: datetime.datetime | None
    guarded_at: datetime.datetime | None
    withdrawn_at: datetime.datetime | None
    version: int
    timeline: list[ForestFireEventOut] | None = None


class ForestFireIn(InSchema):
    region_code: ShortText(12, 9)
    area_id: Id | None = None
    place: ShortText(200, 1)
    lat: Decimal | None = Lat
    lon: Decimal | None = Lon
    discovered_at: DateTime
    reported_by: ShortText(100) = ""
    cause: ShortText(200) = ""
    area_burned_ha: Decimal = Field(default=Decimal(0), ge=0, le=100_000_000, decimal_places=2)
    forest_damaged_ha: Decimal = Field(default=Decimal(0), ge=0, le=100_000_000, decimal_places=2)
    team_ids: list[Id] = Field(default=[], max_length=50)
    people_sent: int = Field(default=0, ge=0, le=100_000)
    forces_note: ShortText(500) = ""


ForestFirePatch = patch_of(ForestFireIn, "ForestFirePatch")


def _timeline(fire) -> list[dict]:
    return [{"at": e.at, "action": e.action, "from_state": e.from_state, "to_state": e.to_state, "note": e.note}
            for e in fire.events.all()]


(Crud(router, forest.FIRES, "/forest-fires", out=ForestFireOut, module=__name__, tags=TAGS,
      in_schema=ForestFireIn, patch_schema=ForestFirePatch,
      output=Output(ForestFireOut, resolvers={"team_ids": lambda f: [t.pk for t in f.teams.all()],
                                              "timeline": _timeline}, detail_only=("timeline",)))
 .list("list_forest_fires", summary="Forest fire reports (火情)")
 .get("get_forest_fire").create("create_forest_fire").update("update_forest_fire")
 .transitions("transition_forest_fire", allowed_name="list_forest_fire_transitions",
              workflow=services.FIRE_WORKFLOW, act=_step(services.act_on_fire), body=ForestGeoStepIn,
              summary="明火 → 扑灭 (with the area burned) → 看守 → 撤离, or rekindled; 409 when someone acted first"))


# --- geological hazard points ------------------------------------------------------------------------------------


class GeoHazardPointOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    scale: str
    region_code: str
    lat: Decimal
    lon: Decimal
    volume_m3: int | None
    households: int
    people: int
    property_wan: Decimal
    threat_grade: str
    monitor_name: str
    monitor_phone: str
    station_ids: list[int]
    measures: str
    state: str
    write_off_reason: str
    written_off_at: datetime.datetime | None
    version: int


class GeoHazardPointIn(InSchema):
    code: ShortText(32, 1)
    name: ShortText(200, 1)
    kind: _lit(GeoHazardKind)
    scale: _lit(GeoScale)
    region_code: ShortText(12, 12)
    lat: Decimal = Field(ge=-90, le=90, decimal_places=6)
    lon: Decimal = Field(ge=-180, le=180, decimal_places=6)
    volume_m3: int | None = Field(default=None, ge=0, le=2_000_000_000)
    households: int = Field(default=0, ge=0, le=100_000)
    people: int = Field(default=0, ge=0, le=1_000_000)
    property_wan: Decimal = Field(default=Decimal(0), ge=0, le=10_000_000_000, decimal_places=2)
    monitor_name: ShortText(50, 1)
    monitor_phone: Phone
    station_ids: list[Id] = Field(default=[], max_length=50)
    measures: Text = ""


GeoHazardPointPatch = patch_of(GeoHazardPointIn, "GeoHazardPointPatch")

(Crud(router, geo.POINTS, "/geohazard-points", out=GeoHazardPointOut, module=__name__, tags=TAGS,
      in_schema=GeoHazardPointIn, patch_schema=GeoHazardPointPatch,
      output=Output(GeoHazardPointOut, phones=("monitor_phone",),
                    resolvers={"station_ids": lambda p: [s.pk for s in p.stations.all()]}))
 .list("list_geohazard_points", summary="Geological hazard points (地质灾害隐患点)")
 .get("get_geohazard_point").create("create_geohazard_point").update("update_geohazard_point")
 .transitions("transition_geohazard_point", allowed_name="list_geohazard_point_transitions",
              workflow=geo_services.POINT_WORKFLOW, act=_step(geo_services.act_on_point), body=ForestGeoStepIn,
              summary="Write a point off the register (核销, with the reason) or put it back"))


class GeoPatrolOut(Schema):
    id: int
    point_id: int
    region_code: str
    patrolled_at: datetime.datetime
    patroller_name: str
    finding: str
    crack_mm: Decimal | None
    rain_mm: Decimal | None
    note: str


class GeoPatrolIn(InSchema):
    point_id: Id
    patrolled_at: DateTime | None = None
    patroller_name: ShortText(50) = ""
    finding: _lit(GeoPatrolFinding) = "normal"
    crack_mm: Decimal | None = Field(default=None, ge=0, le=100_000, decimal_places=1)
    rain_mm: Decimal | None = Field(default=None, ge=0, le=10_000, decimal_places=1)
    note: ShortText(500) = ""


GeoPatrolPatch = patch_of(GeoPatrolIn, "GeoPatrolPatch", exclude=("point_id",))

(Crud(router, geo.PATROLS, "/geohazard-patrols", out=GeoPatrolOut, module=__name__, tags=TAGS,
      in_schema=GeoPatrolIn, patch_schema=GeoPatrolPatch)
 .list("list_geohazard_patrols", summary="Patrols of the hazard points by their group monitors")
 .get("get_geohazard_patrol")
 .create("create_geohazard_patrol",
         write=lambda user, p: geo_services.create_patrol(
             user, {k: v for k, v in p.model_dump().items() if v not in (None, "")}))
 .update("update_geohazard_patrol"))


class EarthquakeIntensityIn(InSchema):
    region_code: ShortText(9, 9)
    intensity: int = Field(ge=1, le=12)


class EarthquakeIntensityOut(Schema):
    region_code: str
    intensity: int


class EarthquakeReportOut(Schema):
    id: int
    region_code: str
    occurred_at: datetime.datetime
    magnitude: Decimal
    epicentre: str
    lat: Decimal
    lon: Decimal
    depth_km: Decimal
    source: str
    intensities: list[EarthquakeIntensityOut]
    max_intensity: int | None
    incident_id: int | None


class EarthquakeReportIn(InSchema):
    region_code: ShortText(6, 6)
    occurred_at: DateTime
    magnitude: Decimal = Field(ge=0, le=10, decimal_places=1)
    epicentre: ShortText(200, 1)
    lat: Decimal = Field(ge=-90, le=90, decimal_places=6)
    lon: Decimal = Field(ge=-180, le=180, decimal_places=6)
    depth_km: Decimal = Field(ge=0, le=700, decimal_places=1)
    source: ShortText(100) = "中国地震台网速报"
    intensities: list[EarthquakeIntensityIn] = Field(default=[], max_length=100)


EarthquakeReportPatch = patch_of(EarthquakeReportIn, "EarthquakeReportPatch")


def _quake_data(data: dict) -> dict:
    if data.get("intensities") is not None:
        data["intensities"] = [dict(r) for r in data["intensities"]]
    return data


_quakes = (Crud(router, geo.QUAKES, "/earthquake-reports", out=EarthquakeReportOut, module=__name__, tags=TAGS,
                in_schema=EarthquakeReportIn, patch_schema=EarthquakeReportPatch)
           .list("list_earthquake_reports", summary="Earthquake intensity reports (烈度速报)")
           .get("get_earthquake_report")
           .create("create_earthquake_report",
                   write=lambda user, p: geo_services.create_quake(user, _quake_data(p.model_dump())))
           .update("update_earthquake_report",
                   write=lambda user, r, data: geo_services.update_quake(user, r, _quake_data(data))))


@router.post("/earthquake-reports/{id}/incident", response={200: EarthquakeReportOut, **ERRORS}, tags=TAGS,
             summary="Open the earthquake's natural-disaster incident, or feed the linked one with a 续报")
def earthquake_incident(request, id: Id):
    from yingji.incidents.models import Incident

    report = geo.QUAKES.get(request.auth, id, "change")
    policy.require(request.auth, "add", Incident)
    geo_services.feed_incident(request.auth, report)
    return _quakes.answer(request.auth, geo.QUAKES.get(request.auth, id), audited=False)
