"""API v1 of disasters; each area appends its section below."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["disasters"])

# --- disaster reports ---
import datetime  # noqa: E402
from decimal import Decimal  # noqa: E402
from typing import Any  # noqa: E402

from ninja import Schema  # noqa: E402
from ninja.responses import Status  # noqa: E402

from yingji.core.api_support import ERRORS, Id, InSchema  # noqa: E402
from yingji.core.crud import Crud  # noqa: E402

from . import surfaces_reports  # noqa: E402
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


(Crud(router, surfaces_reports.EVENTS, "/disaster-events", out=DisasterEventOut, module=__name__,
      tags=["disasters"])
 .list("list_disaster_events", summary="Disaster events being counted").get("get_disaster_event"))
(Crud(router, surfaces_reports.REPORTS, "/disaster-reports", out=DisasterReportRowOut, module=__name__,
      tags=["disasters"])
 .list("list_disaster_reports", summary="Disaster reports (初报/续报/核报) in the caller's scope")
 .get("get_disaster_report"))
(Crud(router, surfaces_reports.THRESHOLDS, "/relief-thresholds", out=ReliefThresholdOut, module=__name__,
      tags=["disasters"])
 .list("list_relief_thresholds", summary="Start conditions of the county disaster relief plan")
 .get("get_relief_threshold"))
# --- zones (danger zones, households, transfers, shelter coverage) ---
from .api_zones import router as _zones_router  # noqa: E402

router.add_router("", _zones_router)
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
