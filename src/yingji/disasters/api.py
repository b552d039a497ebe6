"""API v1 of disasters; each area appends its section below."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["disasters"])

# --- disaster reports ---
import datetime  # noqa: E402
from decimal import Decimal  # noqa: E402
from typing import Any, Literal  # noqa: E402

from ninja import Form  # noqa: E402
from ninja.responses import Status  # noqa: E402

from yingji.core.api_support import (  # noqa: E402
    ERRORS,
    DateTime,
    Id,
    InSchema,
    Schema,
    ShortText,
)
from yingji.core.crud import Crud  # noqa: E402
from yingji.core.errors import ValidationFailed  # noqa: E402

from . import surfaces_reports  # noqa: E402
from .choices_reports import HazardKind  # noqa: E402
from .services import reports as report_services  # noqa: E402


class CasualtyIn(InSchema):
    name: str
    kind: str
    gender: str = ""
    age: int | None = None
    cause: str = ""


class DisasterReportIn(InSchema):
    region_code: str
    stage: str
    as_of: str | None = None
    figures: dict[str, Any] = {}
    casualties: list[CasualtyIn] = []
    remarks: str = ""


class DisasterReportOut(Schema):
    id: int
    event: int
    region_code: str
    stage: str
    seq: int
    state: str
    figures: dict[str, Any]
    due_at: str | None
    submitted_at: str | None


def _report_out(report) -> dict:
    return {"id": report.pk, "event": report.event_id, "region_code": report.region_code, "stage": report.stage,
            "seq": report.seq, "state": report.state, "figures": report.figures,
            "due_at": report.due_at.isoformat() if report.due_at else None,
            "submitted_at": report.submitted_at.isoformat() if report.submitted_at else None}


@router.post("/disaster-events/{id}/reports", response={201: DisasterReportOut, **ERRORS}, tags=["disasters"],
             summary="Save the area's draft report (初报/续报/核报) for a disaster event")
def save_disaster_report(request, id: Id, payload: DisasterReportIn):
    event = surfaces_reports.EVENTS.get(request.auth, id)
    report = report_services.save_report(request.auth, event, payload.model_dump())
    return Status(201, _report_out(report))


@router.post("/disaster-reports/{id}/submit", response={200: DisasterReportOut, **ERRORS}, tags=["disasters"],
             summary="Submit a draft disaster report after every check passes")
def submit_disaster_report(request, id: Id):
    report = surfaces_reports.REPORTS.get(request.auth, id, "change")
    return _report_out(report_services.submit_report(request.auth, report))


@router.get("/disaster-events/{id}/rollup", response={200: dict[str, Any], **ERRORS}, tags=["disasters"],
            summary="The sum of the child areas' latest submitted reports at a stage")
def disaster_rollup(request, id: Id, region_code: str, stage: str = "initial"):
    event = surfaces_reports.EVENTS.get(request.auth, id)
    report_services.require_reporter(request.auth, region_code)
    return report_services.rollup(event, region_code, stage)


class DisasterEventOut(Schema):
    id: int
    region_code: str
    incident_id: int | None
    title: str
    hazard: str
    started_at: datetime.datetime
    ended_at: datetime.datetime | None
    major: bool
    relief_level: str


class DisasterReportRowOut(Schema):
    id: int
    event_id: int
    region_code: str
    stage: str
    seq: int
    state: str
    as_of: datetime.datetime
    figures: dict[str, Any]
    due_at: datetime.datetime | None
    submitted_at: datetime.datetime | None


class ReliefThresholdOut(Schema):
    id: int
    region_code: str
    level: str
    indicator: str
    minimum: Decimal
    source: str
    verified: bool


class DisasterEventIn(InSchema):
    title: ShortText(200, 1)
    region_code: ShortText(9, 6)
    hazard: Literal[tuple(HazardKind.values())] = "flood"  # type: ignore[valid-type]
    started_at: DateTime
    major: bool = False
    incident_id: Id | None = None


class EndEventIn(InSchema):
    ended_at: DateTime


def _open_event(user, payload: DisasterEventIn):
    from yingji.core import policy
    from yingji.incidents.models import Incident

    data = payload.model_dump()
    incident_id = data.pop("incident_id", None)
    data["incident"] = (policy.get_in_scope_or_field_error(Incident, incident_id, user, "incident_id")
                        if incident_id else None)
    return report_services.open_event(user, data)


_events = (Crud(router, surfaces_reports.EVENTS, "/disaster-events", out=DisasterEventOut, module=__name__,
                tags=["disasters"], in_schema=DisasterEventIn)
           .list("list_disaster_events", summary="Disaster events being counted").get("get_disaster_event")
           .create("open_disaster_event", write=_open_event,
                   summary="Open a disaster event (灾害过程) for the county or a township"))


@router.post("/disaster-events/{id}/end", response={200: DisasterEventOut, **ERRORS}, tags=["disasters"],
             summary="The disaster is stable (灾情稳定): the verified report's clock starts")
def end_disaster_event(request, id: Id, payload: EndEventIn):
    event = surfaces_reports.EVENTS.get(request.auth, id, "change")
    report_services.end_event(request.auth, event, payload.ended_at)
    return _events.answer(request.auth, surfaces_reports.EVENTS.get(request.auth, id), audited=False)
(Crud(router, surfaces_reports.REPORTS, "/disaster-reports", out=DisasterReportRowOut, module=__name__,
      tags=["disasters"])
 .list("list_disaster_reports", summary="Disaster reports (初报/续报/核报) in the caller's scope")
 .get("get_disaster_report"))
(Crud(router, surfaces_reports.THRESHOLDS, "/relief-thresholds", out=ReliefThresholdOut, module=__name__,
      tags=["disasters"])
 .list("list_relief_thresholds", summary="Start conditions of the county disaster relief plan")
 .get("get_relief_threshold"))
class QuickReportOut(Schema):
    id: int
    event_id: int
    region_code: str
    stage: str
    seq: int
    state: str
    created: bool


@router.post("/disaster-events/{id}/quick-reports", response={200: QuickReportOut, 201: QuickReportOut, **ERRORS},
             tags=["disasters"],
             summary="A village's report from the phone form, saved and submitted at once (multipart: "
                     "submission_key, record)")
def quick_disaster_report(request, id: Id, submission_key: Form[ShortText(64, 1)],
                          record: Form[ShortText(20_000, 2)]):
    """``record`` is JSON: the indicators by key (``affected_people``, ``deaths``, …, strings or numbers),
    ``casualties`` (one person a line: 姓名 死亡|失踪 [性别] [年龄] [原因]), ``remarks``, optionally ``region_code``
    (default: the caller's own area) and ``stage`` (default 初报). Every check of a submission applies (422 keeps
    nothing). The first submission of a key answers 201; the same key again answers 200 and stores nothing."""
    import json

    event = surfaces_reports.EVENTS.get(request.auth, id)
    try:
        body = json.loads(record)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ValidationFailed.from_dict({"record": ["Give the record as a JSON object"]})
    report, created = report_services.quick_report(request.auth, event, submission_key, body)
    return Status(201 if created else 200, {"id": report.pk, "event_id": report.event_id,
                                            "region_code": report.region_code, "stage": report.stage,
                                            "seq": report.seq, "state": report.state, "created": created})


# --- zones (danger zones, households, transfers, shelter coverage) ---
from .api_zones import router as _zones_router  # noqa: E402

router.add_router("", _zones_router)
# --- 防汛抗旱形势图 ---
from .api_situation import router as _situation_router  # noqa: E402

router.add_router("", _situation_router)
# --- flood checks (汛前大排查) ---
from .api_flood_checks import router as _flood_checks_router  # noqa: E402

router.add_router("", _flood_checks_router)
# --- forest fire and geological hazards (issue 16 §2, §3) ---
from .api_forest import router as _forest_router  # noqa: E402

router.add_router("", _forest_router)

# --- relief (灾害救助) ---
from .api_relief import router as _relief_router  # noqa: E402

router.add_router("", _relief_router)

# --- risk census (自然灾害综合风险普查) ---
from .api_census import router as _census_router  # noqa: E402

router.add_router("", _census_router)
