"""API v1 of monitoring: stations, reading ingestion, alarms and their transitions."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import Prefetch
from ninja import Body, Field, Query, Router, Status

from yingji.core import policy
from yingji.core.api_support import (
    ERRORS,
    Id,
    InSchema,
    PageParams,
    Schema,
    ShortText,
    TextPolicyParser,
    apply_filters,
    filter_params,
    page_of,
    paginate,
)
from yingji.core.errors import ValidationFailed

from . import links, rules, services
from .choices import AlarmLevel, RuleKind, StationStatus, StationType
from .filters import AlarmFilterSet, RuleFilterSet, StationFilterSet
from .models import WINDOW_HOURS, Alarm, Rule, Sensor, Station

router = Router(tags=["monitoring"])

Lat = Annotated[Decimal, Field(ge=-90, le=90, max_digits=9, decimal_places=6)]
Lon = Annotated[Decimal, Field(ge=-180, le=180, max_digits=9, decimal_places=6)]
RegionCode = Annotated[str, Field(pattern=r"^\d{6}(\d{3}(\d{3})?)?$", description="6, 9 or 12 digits")]
Finite = Annotated[float, Field(allow_inf_nan=False, ge=-1e12, le=1e12)]


# --- stations -----------------------------------------------------------------------------------------------


class SensorIn(InSchema):
    key: Annotated[str, Field(pattern=r"^[-a-zA-Z0-9_]{1,32}$")]
    name: ShortText(100) = ""
    unit: ShortText(16) = ""
    valid_min: Finite | None = None
    valid_max: Finite | None = None
    cumulative: bool = Field(False, description="readings are increments summed over rolling windows (rain)")


class SensorOut(Schema):
    key: str
    name: str
    unit: str
    valid_min: float | None
    valid_max: float | None
    cumulative: bool
    latest_value: float | None
    latest_at: datetime | None


class StationOut(Schema):
    id: int
    code: str
    name: str
    type: str
    lat: float | None
    lon: float | None
    region_code: str
    enterprise_id: int | None
    status: str
    expected_interval: int
    last_reading_at: datetime | None
    video_url: str
    warning_level: float | None = Field(None, description="警戒水位 (m), rivers")
    guarantee_level: float | None = Field(None, description="保证水位 (m), rivers")
    flood_limit_level: float | None = Field(None, description="汛限水位 (m), reservoirs")
    sensors: list[SensorOut]


class StationIn(InSchema):
    code: Annotated[str, Field(pattern=r"^[-A-Za-z0-9_.]{1,32}$")]
    name: ShortText(100, 1)
    type: Literal[tuple(StationType.values())]  # type: ignore[valid-type]
    lat: Lat | None = None
    lon: Lon | None = None
    region_code: RegionCode
    enterprise_id: Id | None = None
    status: Literal[tuple(StationStatus.values())] = StationStatus.ACTIVE  # type: ignore[valid-type]
    expected_interval: Annotated[int, Field(ge=10, le=7 * 86400)] = 300
    video_url: ShortText(200) = ""
    warning_level: Annotated[float, Field(ge=-500, le=9000)] | None = None
    guarantee_level: Annotated[float, Field(ge=-500, le=9000)] | None = None
    flood_limit_level: Annotated[float, Field(ge=-500, le=9000)] | None = None
    sensors: Annotated[list[SensorIn], Field(max_length=50)] = []


class StationPatch(InSchema):
    name: ShortText(100, 1) | None = None
    lat: Lat | None = None
    lon: Lon | None = None
    status: Literal[tuple(StationStatus.values())] | None = None  # type: ignore[valid-type]
    expected_interval: Annotated[int, Field(ge=10, le=7 * 86400)] | None = None
    video_url: ShortText(200) | None = None
    warning_level: Annotated[float, Field(ge=-500, le=9000)] | None = None
    guarantee_level: Annotated[float, Field(ge=-500, le=9000)] | None = None
    flood_limit_level: Annotated[float, Field(ge=-500, le=9000)] | None = None
    sensors: Annotated[list[SensorIn], Field(max_length=50)] | None = None


def _stations():
    return Station.objects.prefetch_related(
        Prefetch("sensors", queryset=Sensor.objects.select_related("latest").order_by("key")))


def _station_out(s: Station) -> dict:
    sensors = []
    for sensor in s.sensors.all():
        latest = getattr(sensor, "latest", None) if hasattr(sensor, "latest") else None
        sensors.append({"key": sensor.key, "name": sensor.name, "unit": sensor.unit, "valid_min": sensor.valid_min,
                        "valid_max": sensor.valid_max, "cumulative": sensor.cumulative,
                        "latest_value": latest.value if latest else None, "latest_at": latest.ts if latest else None})
    return {"id": s.pk, "code": s.code, "name": s.name, "type": s.type,
            "lat": float(s.lat) if s.lat is not None else None, "lon": float(s.lon) if s.lon is not None else None,
            "region_code": s.region_code, "enterprise_id": s.enterprise_id, "status": s.status,
            "expected_interval": s.expected_interval, "last_reading_at": s.last_reading_at,
            "video_url": s.video_url, "warning_level": s.warning_level, "guarantee_level": s.guarantee_level,
            "flood_limit_level": s.flood_limit_level, "sensors": sensors}


def _enterprise(request, data: dict) -> dict:
    if data.get("enterprise_id") is not None:
        from yingji.enterprises.models import Enterprise

        policy.get_in_scope_or_field_error(Enterprise, data["enterprise_id"], request.auth, "enterprise_id")
    return data


@router.get("/stations", response={200: page_of(StationOut), **ERRORS}, tags=["monitoring"],
            summary="List monitoring stations in your scope, with their sensors' latest values")
def list_stations(request, filters: Query[filter_params(StationFilterSet)], page: Query[PageParams]):
    qs = _stations().filter(pk__in=Station.objects.for_user(request.auth).values("pk"))
    return paginate(apply_filters(StationFilterSet, request, qs), page, _station_out)


@router.get("/stations/{id}", response={200: StationOut, **ERRORS}, tags=["monitoring"])
def get_station(request, id: Id):
    return _station_out(policy.get_object(request.auth, Station, id, queryset=_stations()))


@router.post("/stations", response={201: StationOut, **ERRORS}, tags=["monitoring"])
def create_station(request, payload: StationIn):
    data = _enterprise(request, payload.model_dump())
    station = services.create_station(request.auth, data)
    return Status(201, _station_out(_stations().get(pk=station.pk)))


@router.patch("/stations/{id}", response={200: StationOut, **ERRORS}, tags=["monitoring"])
def update_station(request, id: Id, payload: StationPatch):
    station = policy.get_object(request.auth, Station, id, "change")
    data = payload.model_dump(exclude_unset=True)
    for key, value in data.items():
        if value is None and key not in ("lat", "lon"):
            raise ValidationFailed.from_dict({key: ["This field cannot be null"]})
    services.update_station(request.auth, station, data)
    return _station_out(_stations().get(pk=station.pk))


# --- readings -----------------------------------------------------------------------------------------------

# services.ingest holds each reading to the text policy itself and rejects only the bad ones, by index.
TextPolicyParser.ITEMWISE_BODIES.add("/api/v1/readings")


class Rejection(Schema):
    index: int
    reason: str


class IngestOut(Schema):
    accepted: int
    duplicates: int
    rejected: list[Rejection]


@router.post("/readings", response={200: IngestOut, **ERRORS}, tags=["monitoring"],
             summary="Ingest a batch of readings (at most 10,000)")
def post_readings(request, payload: Body[Annotated[list[Any], Field(max_length=services.MAX_BATCH)]]):
    """Body: a JSON array of ``{"station": code, "sensor": key, "ts": ISO-8601, "value": number, "id": optional
    client message id}``. Invalid items are rejected with their index and reason and never stored; the valid
    rest is stored once (re-sending the same batch counts them as duplicates). Rules are evaluated on what was
    stored."""
    return services.ingest(request.auth, payload).as_dict()


# --- alarms -----------------------------------------------------------------------------------------------------


class AlarmEventOut(Schema):
    time: datetime
    kind: str
    actor: str
    level: str
    value: float | None
    note: str


class AlarmOut(Schema):
    id: int
    station_id: int
    station_code: str
    station_name: str
    sensor: str | None
    rule_id: int
    rule: str
    region_code: str
    level: str
    state: str
    version: int
    message: str
    first_value: float | None
    first_at: datetime
    last_value: float | None
    value_text: str = Field(description="The last value with its unit as the rule measures it, e.g. '0.84 m/h'")
    last_at: datetime
    trigger_count: int
    raised_at: datetime
    acknowledged_at: datetime | None
    closed_at: datetime | None
    incident_id: int | None = None


class AlarmDetailOut(AlarmOut):
    events: list[AlarmEventOut]


class AlarmTransitionIn(InSchema):
    action: Literal[tuple(services.ALARM_WORKFLOW.actions)]  # type: ignore[valid-type]
    note: ShortText(2000) = ""


class TransitionOption(Schema):
    action: str
    label: str
    target: str


class AlarmTransitionsOut(Schema):
    state: str
    version: int
    available: list[TransitionOption]


def _alarms():
    return Alarm.objects.select_related("station", "rule", "sensor")


def _alarm_out(a: Alarm, events: bool = False) -> dict:
    out = {"id": a.pk, "station_id": a.station_id, "station_code": a.station.code, "station_name": a.station.name,
           "sensor": a.sensor.key if a.sensor_id else None, "rule_id": a.rule_id, "rule": a.rule.name,
           "region_code": a.region_code, "level": a.level, "state": a.state, "version": a.version,
           "message": a.message, "first_value": a.first_value, "first_at": a.first_at,
           "last_value": a.last_value, "value_text": a.value_text, "last_at": a.last_at,
           "trigger_count": a.trigger_count,
           "raised_at": a.raised_at, "acknowledged_at": a.acknowledged_at, "closed_at": a.closed_at,
           "incident_id": a.incident_id}
    if events:
        out["events"] = [{"time": e.time, "kind": e.kind, "actor": e.actor_name,
                          "level": e.level, "value": e.value, "note": e.note} for e in a.events.all()]
    return out


@router.get("/alarms", response={200: page_of(AlarmOut), **ERRORS}, tags=["monitoring"],
            summary="List alarms in your scope (most severe first, then newest)")
def list_alarms(request, filters: Query[filter_params(AlarmFilterSet)], page: Query[PageParams]):
    qs = Alarm.objects.for_user(request.auth).select_related("station", "rule", "sensor")
    return paginate(apply_filters(AlarmFilterSet, request, qs), page, _alarm_out)


@router.get("/alarms/{id}", response={200: AlarmDetailOut, **ERRORS}, tags=["monitoring"])
def get_alarm(request, id: Id):
    return _alarm_out(policy.get_object(request.auth, Alarm, id, queryset=_alarms()), events=True)


@router.get("/alarms/{id}/transitions", response={200: AlarmTransitionsOut, **ERRORS}, tags=["monitoring"],
            summary="The actions you may take on the alarm now")
def list_alarm_transitions(request, id: Id):
    alarm = policy.get_object(request.auth, Alarm, id, queryset=_alarms())
    return {"state": alarm.state, "version": alarm.version,
            "available": [{"action": t.action, "label": str(t.label), "target": t.target}
                          for t in services.ALARM_WORKFLOW.available(alarm, request.auth)]}


@router.post("/alarms/{id}/transitions", response={200: AlarmDetailOut, **ERRORS}, tags=["monitoring"],
             summary="Acknowledge or close an alarm (close needs a note)")
def apply_alarm_transition(request, id: Id, payload: AlarmTransitionIn):
    alarm = policy.get_object(request.auth, Alarm, id, queryset=_alarms())
    services.transition_alarm(request.auth, alarm, payload.action, payload.note)
    return _alarm_out(_alarms().get(pk=alarm.pk), events=True)


class IncidentLinkOut(Schema):
    alarm_id: int
    incident_id: int
    incident_url: str


class IncidentFromAlarmIn(InSchema):
    event_type: ShortText(48) | None = Field(None, description="incident type; by default from the station type")
    title: ShortText(200) | None = None
    description: ShortText(2000) | None = None


@router.post("/alarms/{id}/incident", response={201: IncidentLinkOut, **ERRORS}, tags=["monitoring"],
             summary="Open an incident from the alarm (pre-filled from it; the alarm keeps the link)")
def open_incident_from_alarm(request, id: Id, payload: IncidentFromAlarmIn):
    from django.urls import reverse

    incident = links.open_incident(request.auth, id, payload.model_dump(exclude_none=True))
    return Status(201, {"alarm_id": id, "incident_id": incident.pk,
                        "incident_url": reverse("incident_detail", args=[incident.pk])})


# --- rules --------------------------------------------------------------------------------------------------

Window = Literal[tuple(WINDOW_HOURS)]  # type: ignore[valid-type]


class RuleOut(Schema):
    id: int
    name: str
    kind: str
    station_type: str
    station_id: int | None
    station_code: str | None
    sensor_key: str
    window_hours: int | None
    threshold: float | None
    level: str
    enabled: bool


class RuleIn(InSchema):
    name: ShortText(100, 1)
    kind: Literal[tuple(RuleKind.values())]  # type: ignore[valid-type]
    station_type: Literal[("", *StationType.values())] = ""  # type: ignore[valid-type]
    station_id: Id | None = Field(None, description="one station (instead of a station type)")
    sensor_key: Annotated[str, Field(pattern=r"^[-a-zA-Z0-9_]{0,32}$")] = ""
    window_hours: Window | None = Field(None, description="rolling accumulation only: 1, 3, 6, 12 or 24")
    threshold: Finite | None = Field(None, description="above/below: the value; rolling: the sum; rate: change "
                                                       "per hour; no data: missed intervals")
    level: Literal[("", *AlarmLevel.values())] = ""  # type: ignore[valid-type]
    enabled: bool = True


class RulePatch(InSchema):
    name: ShortText(100, 1) | None = None
    kind: Literal[tuple(RuleKind.values())] | None = None  # type: ignore[valid-type]
    station_type: Literal[("", *StationType.values())] | None = None  # type: ignore[valid-type]
    station_id: Id | None = None
    sensor_key: Annotated[str, Field(pattern=r"^[-a-zA-Z0-9_]{0,32}$")] | None = None
    window_hours: Window | None = None
    threshold: Finite | None = None
    level: Literal[("", *AlarmLevel.values())] | None = None  # type: ignore[valid-type]
    enabled: bool | None = None


def _rule_out(r: Rule) -> dict:
    return {"id": r.pk, "name": r.name, "kind": r.kind, "station_type": r.station_type, "station_id": r.station_id,
            "station_code": r.station.code if r.station_id else None, "sensor_key": r.sensor_key,
            "window_hours": r.window_hours, "threshold": r.threshold, "level": r.level, "enabled": r.enabled}


@router.get("/rules", response={200: page_of(RuleOut), **ERRORS}, tags=["monitoring"],
            summary="Alarm rules in your scope (county-wide rules by station type, and your stations' rules)")
def list_rules(request, filters: Query[filter_params(RuleFilterSet)], page: Query[PageParams]):
    qs = Rule.objects.for_user(request.auth).select_related("station")
    return paginate(apply_filters(RuleFilterSet, request, qs), page, _rule_out)


@router.post("/rules", response={201: RuleOut, **ERRORS}, tags=["monitoring"], summary="Create an alarm rule")
def create_rule(request, payload: RuleIn):
    rule = rules.create_rule(request.auth, payload.model_dump())
    return Status(201, _rule_out(rule))


@router.get("/rules/{id}", response={200: RuleOut, **ERRORS}, tags=["monitoring"])
def get_rule(request, id: Id):
    return _rule_out(policy.get_object(request.auth, Rule, id, queryset=Rule.objects.select_related("station")))


@router.patch("/rules/{id}", response={200: RuleOut, **ERRORS}, tags=["monitoring"],
              summary="Change an alarm rule; {\"enabled\": false} disables it")
def update_rule(request, id: Id, payload: RulePatch):
    rule = policy.get_object(request.auth, Rule, id, "change")
    data = payload.model_dump(exclude_unset=True)
    for key, value in data.items():
        if value is None and key not in ("station_id", "window_hours", "threshold"):
            raise ValidationFailed.from_dict({key: ["This field cannot be null"]})
    return _rule_out(rules.update_rule(request.auth, rule, data))
