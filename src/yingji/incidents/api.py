"""API of incidents: logging, follow-up reports, the reporting clock, transitions, the accident-grade calculator."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Annotated, Literal

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from ninja import Field, File, Query, Router, Status
from ninja.files import UploadedFile

from yingji.core import attachments, policy
from yingji.core.api_support import (
    ERRORS,
    DateTime,
    Id,
    InSchema,
    PageParams,
    Phone,
    Schema,
    ShortText,
    apply_filters,
    filter_params,
    page_of,
    paginate,
)
from yingji.core.crud import Crud
from yingji.core.errors import NotFound

from . import grading, services
from . import plans as plans_module
from .choices import (
    AccidentGrade,
    HealthKind,
    InformationSource,
    PlanKind,
    ReportingLevel,
    ResponseLevel,
)
from .filters import IncidentFilterSet
from .models import Activation, Incident, ReportingDeadline, Sitrep, Task
from .surfaces import PLANS

router = Router(tags=["incidents"])

Count = Annotated[int, Field(ge=0, le=1_000_000)]
Money = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2)]
Level = Literal[tuple(ReportingLevel.values())]  # type: ignore[valid-type]
RegionCode = Annotated[str, Field(pattern=r"^\d{6}(\d{3}(\d{3})?)?$")]
TownshipCode = Annotated[str, Field(pattern=r"^\d{9}$")]
VillageCode = Annotated[str, Field(pattern=r"^\d{12}$")]
Latitude = Annotated[Decimal, Field(ge=-90, le=90, max_digits=9, decimal_places=6)]
Longitude = Annotated[Decimal, Field(ge=-180, le=180, max_digits=9, decimal_places=6)]


class DeadlineOut(Schema):
    level: str
    due_at: datetime.datetime
    status: str
    seconds_left: int | None
    reported_at: datetime.datetime | None
    reported_by: str | None
    method: str
    reported_to: str


class IncidentOut(Schema):
    id: int
    title: str
    category: str
    event_type: str
    region_code: str
    township_code: str
    village_code: str
    enterprise_id: int | None
    occurred_at: datetime.datetime
    received_at: datetime.datetime
    address: str
    lat: float | None
    lon: float | None
    deaths: int
    missing: int
    serious_injuries: int
    minor_injuries: int
    trapped: int
    direct_loss_yuan: float
    cases: int = Field(description="People taken ill or poisoned (public-health events)")
    health_kind: str = Field(description="Public-health kind (food_poisoning, occupational_poisoning, "
                             "infectious_disease, other) or empty")
    declared_grade: str = Field(description="The grade the competent department determined, or empty")
    grading_scheme: str = Field(description="The rules the grade and the reporting chain follow: work_safety, "
                                "natural_disaster, public_health or social_security (by the category)")
    grade: str
    description: str
    reporter_name: str
    reporter_phone: str
    source: str
    state: str
    summary: str
    version: int
    deadlines: list[DeadlineOut]
    available_actions: list[str]


class ReportOut(Schema):
    seq: int
    kind: str
    reported_at: datetime.datetime
    reported_by: str | None
    deaths: int
    missing: int
    serious_injuries: int
    minor_injuries: int
    trapped: int
    direct_loss_yuan: float
    cases: int
    grade: str
    note: str


class EventOut(Schema):
    time: datetime.datetime
    actor: str
    kind: str
    text: str
    data: dict


class IncidentDetailOut(IncidentOut):
    reports: list[ReportOut]
    timeline: list[EventOut]


class IncidentIn(InSchema):
    category: ShortText(32) | None = None
    event_type: ShortText(48, 1)
    title: ShortText(200, 1)
    occurred_at: DateTime
    received_at: DateTime | None = None
    township_code: TownshipCode | None = Field(None, description="The township (乡镇/街道) where it happened")
    village_code: VillageCode | None = Field(None, description="The village (村/社区); it must lie in the township")
    region_code: RegionCode | None = Field(None, description="Older way to give the place, any level")
    enterprise_id: Id | None = None
    address: ShortText(200) = ""
    lat: Latitude | None = Field(None, description="Left empty: taken from the enterprise, village or township")
    lon: Longitude | None = None
    deaths: Count = 0
    missing: Count = 0
    serious_injuries: Count = 0
    minor_injuries: Count = 0
    trapped: Count = 0
    direct_loss_yuan: Money = Decimal(0)
    cases: Count = Field(0, description="People taken ill or poisoned (public-health events)")
    health_kind: Literal[("", *HealthKind.values())] = ""  # type: ignore[valid-type]
    declared_grade: Literal[("", *AccidentGrade.values())] = ""  # type: ignore[valid-type]
    description: ShortText(10000) = ""
    reporter_name: ShortText(50) = ""
    reporter_phone: Phone = ""
    source: Literal[tuple(InformationSource.values())]  # type: ignore[valid-type]


class IncidentPatch(InSchema):
    """The facts and place an edit may correct; give only what changes, with the version you read. Figures,
    grade and state are refused here (follow-up reports and transitions change them)."""

    version: int = Field(ge=0, description="The incident version the edit is based on (409 if stale)")
    title: ShortText(200, 1) | None = None
    event_type: ShortText(48, 1) | None = None
    occurred_at: DateTime | None = None
    township_code: TownshipCode | Literal[""] | None = None
    village_code: VillageCode | Literal[""] | None = None
    region_code: RegionCode | None = Field(None, description="Older way to give the place, any level")
    enterprise_id: Id | None = None
    address: ShortText(200) | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None
    description: ShortText(10000) | None = None
    reporter_name: ShortText(50) | None = None
    reporter_phone: Phone | None = None
    source: Literal[tuple(InformationSource.values())] | None = None  # type: ignore[valid-type]


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    uploaded_by: str
    uploaded_at: datetime.datetime
    url: str


class RecommendedOut(Schema):
    located: bool
    capability: str | None
    teams: list[dict]
    warehouses: list[dict]
    shelters: list[dict]


class ReportIn(InSchema):
    deaths: Count | None = None
    missing: Count | None = None
    serious_injuries: Count | None = None
    minor_injuries: Count | None = None
    trapped: Count | None = None
    direct_loss_yuan: Money | None = None
    cases: Count | None = None
    health_kind: Literal[("", *HealthKind.values())] | None = None  # type: ignore[valid-type]
    declared_grade: Literal[("", *AccidentGrade.values())] | None = None  # type: ignore[valid-type]
    note: ShortText(2000) = ""
    version: int | None = Field(None, ge=0, description="The incident version the figures are based on (409 if stale)")


class ReportedIn(InSchema):
    method: ShortText(100, 1)
    reported_to: ShortText(100, 1)
    reported_at: DateTime | None = None


class IncidentTransitionIn(InSchema):
    action: ShortText(32, 1)
    summary: ShortText(10000) | None = None
    reason: ShortText(2000) | None = None
    note: ShortText(2000) | None = None
    version: int | None = Field(None, ge=0, description="The incident version the action is based on (409 if stale)")


class GradeIn(InSchema):
    deaths: Count = 0
    serious_injuries: Count = 0
    direct_loss_yuan: Money = Decimal(0)
    occurred_at: DateTime


class GradeDeadline(Schema):
    level: str
    due_at: datetime.datetime


class GradeOut(Schema):
    grade: str
    deadlines: list[GradeDeadline]


def _deadline_out(d: ReportingDeadline, now) -> dict:
    return {"level": d.level, "due_at": d.due_at, "status": d.status(now),
            "seconds_left": None if d.reported_at else int((d.due_at - now).total_seconds()),
            "reported_at": d.reported_at, "reported_by": str(d.reported_by) if d.reported_by_id else None,
            "method": d.method, "reported_to": d.reported_to}


def _incident_out(i: Incident, user, detail: bool = False) -> dict:
    now = timezone.now()
    out = {f: getattr(i, f) for f in ("id", "title", "category", "event_type", "region_code", "township_code",
                                      "village_code", "enterprise_id",
                                      "occurred_at", "received_at", "address", "deaths", "missing",
                                      "serious_injuries", "minor_injuries", "trapped", "cases", "health_kind",
                                      "declared_grade", "grade", "description", "reporter_name", "reporter_phone",
                                      "source", "state", "summary", "version")}
    out.update(lat=float(i.lat) if i.lat is not None else None, lon=float(i.lon) if i.lon is not None else None,
               direct_loss_yuan=float(i.direct_loss_yuan), grading_scheme=grading.scheme(i.category),
               deadlines=[_deadline_out(d, now) for d in i.deadlines.all()],
               available_actions=services.available_actions(i, user))
    if not policy.reveal_pii(user, Incident):
        out["reporter_phone"] = policy.mask_phone(i.reporter_phone)
    if detail:
        out["reports"] = [_report_out(r) for r in i.reports.all()]
        out["timeline"] = [{"time": e.time, "actor": e.actor_name, "kind": e.kind, "text": e.note, "data": e.params}
                           for e in i.events.all()]
    return out


def _report_out(r) -> dict:
    return {"seq": r.seq, "kind": r.kind, "reported_at": r.reported_at,
            "reported_by": str(r.reported_by) if r.reported_by_id else None, "deaths": r.deaths,
            "missing": r.missing, "serious_injuries": r.serious_injuries, "minor_injuries": r.minor_injuries,
            "trapped": r.trapped, "direct_loss_yuan": float(r.direct_loss_yuan), "cases": r.cases, "grade": r.grade,
            "note": r.note}


def _queryset(detail: bool = False):
    qs = Incident.objects.prefetch_related(
        Prefetch("deadlines", queryset=ReportingDeadline.objects.select_related("reported_by")))
    if detail:
        qs = qs.prefetch_related("reports__reported_by", "events")
    return qs


def _incident(request, id: int, action: str = "view", detail: bool = False) -> Incident:
    return policy.get_object(request.auth, Incident, id, action, queryset=_queryset(detail))


@router.post("/tools/accident-grade", response={200: GradeOut, **ERRORS}, tags=["tools"],
             summary="Grade an accident and list its reporting deadlines (saves nothing)")
def accident_grade(request, payload: GradeIn):
    """By 《生产安全事故报告和调查处理条例》 Articles 3, 9-11."""
    grade, chain = services.grade_and_deadlines(payload.deaths, payload.serious_injuries,
                                                payload.direct_loss_yuan, payload.occurred_at)
    return {"grade": grade, "deadlines": [{"level": lv, "due_at": due} for lv, due in chain]}


@router.get("/incidents", response={200: page_of(IncidentOut), **ERRORS}, summary="List incidents")
def list_incidents(request, filters: Query[filter_params(IncidentFilterSet)], page: Query[PageParams]):
    policy.require(request.auth, "view", Incident)
    qs = _queryset().filter(policy.scope_q(request.auth, Incident))
    return paginate(apply_filters(IncidentFilterSet, request, qs), page, lambda i: _incident_out(i, request.auth))


@router.post("/incidents", response={201: IncidentDetailOut, **ERRORS}, summary="Log an incident (initial report)")
def create_incident(request, payload: IncidentIn):
    incident = services.create_incident(request.auth, payload.model_dump(exclude_none=True))
    return Status(201, _incident_out(_queryset(True).get(pk=incident.pk), request.auth, detail=True))


@router.get("/incidents/{id}", response={200: IncidentDetailOut, **ERRORS},
            summary="One incident with its figures' versions, reporting clock and timeline")
def get_incident(request, id: Id):
    return _incident_out(_incident(request, id, detail=True), request.auth, detail=True)


@router.patch("/incidents/{id}", response={200: IncidentDetailOut, **ERRORS},
              summary="Correct an incident's basic facts and place (version-checked, audited, on the timeline)")
def update_incident(request, id: Id, payload: IncidentPatch):
    """Fields left out keep their value; ``lat``/``lon`` null, or a new township, village or enterprise without
    coordinates, take the point of the place. Figures change through follow-up reports and the state through
    transitions: sending them answers 422."""
    incident = _incident(request, id, "change")
    data = payload.model_dump(exclude_unset=True)
    # Fields the schema does not know are not dropped silently: the service names why each is refused.
    data.update(dict.fromkeys(set(_json_keys(request)) - set(IncidentPatch.model_fields)))
    services.update_incident(request.auth, incident, data)
    return _incident_out(_queryset(True).get(pk=incident.pk), request.auth, detail=True)


def _json_keys(request) -> list[str]:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return []
    return [str(k) for k in body] if isinstance(body, dict) else []


def _attachment_out(a) -> dict:
    return {"id": a.pk, "name": a.original_name, "content_type": a.content_type, "size": a.size,
            "uploaded_by": str(a.uploaded_by or ""), "uploaded_at": a.uploaded_at,
            "url": reverse("attachment_download", args=[a.pk])}


@router.get("/incidents/{id}/attachments", response={200: list[AttachmentOut], **ERRORS},
            summary="Photos and files attached to the incident")
def list_attachments(request, id: Id):
    incident = _incident(request, id)
    return [_attachment_out(a) for a in attachments.for_object(incident).select_related("uploaded_by")
            .order_by("uploaded_at", "id")]


@router.post("/incidents/{id}/attachments", response={201: AttachmentOut, **ERRORS},
             summary="Attach a photo (JPEG, PNG, WebP) or a PDF (multipart: file; at most 10 MB)")
def upload_attachment(request, id: Id, file: File[UploadedFile]):
    incident = _incident(request, id, "change")
    return Status(201, _attachment_out(services.add_attachment(request.auth, incident, file)))


@router.get("/incidents/{id}/recommendations", response={200: RecommendedOut, **ERRORS},
            summary="Rescue teams, stocked warehouses and shelters nearest to the incident (within your scope)")
def recommendations(request, id: Id):
    """Computed from the incident's point whenever asked, so they follow every move of the incident."""
    incident = _incident(request, id)
    result = services.recommended_resources(request.auth, incident)
    return {k: result.get(k) for k in ("located", "capability", "teams", "warehouses", "shelters")}


@router.get("/incidents/{id}/reports", response={200: list[ReportOut], **ERRORS},
            summary="Every version of the figures")
def list_reports(request, id: Id):
    incident = _incident(request, id)
    return [_report_out(r) for r in incident.reports.select_related("reported_by")]


@router.post("/incidents/{id}/reports", response={201: IncidentDetailOut, **ERRORS},
             summary="File a follow-up report (new figures; the grade and reporting chain are recomputed)")
def file_report(request, id: Id, payload: ReportIn):
    incident = _incident(request, id, "change")
    services.file_report(request.auth, incident, payload.model_dump(exclude_none=True))
    return Status(201, _incident_out(_queryset(True).get(pk=incident.pk), request.auth, detail=True))


@router.post("/incidents/{id}/deadlines/{level}/reported", response={200: IncidentOut, **ERRORS},
             summary="Mark a level of the reporting chain as reported (who, when, how, to whom)")
def mark_reported(request, id: Id, level: Level, payload: ReportedIn):
    incident = _incident(request, id, "report_up")
    services.mark_reported(request.auth, incident, level, payload.model_dump(exclude_none=True))
    return _incident_out(_queryset().get(pk=incident.pk), request.auth)


@router.post("/incidents/{id}/transitions", response={200: IncidentOut, **ERRORS},
             summary="Change the incident's state: respond, close (needs a summary) or reopen (needs a reason)")
def apply_transition(request, id: Id, payload: IncidentTransitionIn):
    incident = _incident(request, id, "change")
    data = payload.model_dump(exclude_none=True)
    services.transition(request.auth, incident, data.pop("action"), data)
    return _incident_out(_queryset().get(pk=incident.pk), request.auth)


# --- plans, activation, tasks ---------------------------------------------------------------------------------


class PlanMatchOut(Schema):
    plan_id: int
    name: str
    kind: str
    hq_id: int | None
    hq_name: str | None
    level: str | None
    reasons: list[str]


class ActivationIn(InSchema):
    plan_id: Id
    level: Literal[tuple(ResponseLevel.ORDER)] | None = None  # type: ignore[valid-type]
    deputy_name: ShortText(50) = ""


class UnitOut(Schema):
    id: int
    name: str
    duty_phone: str


class ActivationOut(Schema):
    plan_id: int
    plan_name: str
    level: str
    hq_id: int | None
    hq_name: str | None
    commander: str | None
    deputy_name: str
    member_units: list[UnitOut]
    reasons: list[str]
    activated_at: datetime.datetime
    tasks: int


class TaskOut(Schema):
    id: int
    incident_id: int
    title: str
    description: str
    unit_id: int | None
    unit_name: str | None
    assignee_id: int | None
    assignee: str | None
    due_at: datetime.datetime | None
    state: str
    overdue: bool
    progress: str
    version: int
    available_actions: list[str]


class TaskIn(InSchema):
    title: ShortText(200, 1)
    description: ShortText(5000) = ""
    unit_id: Id | None = None
    assignee_id: Id | None = None
    due_at: DateTime | None = None


class TaskTransitionIn(InSchema):
    action: ShortText(32, 1)
    note: ShortText(5000) | None = None


def _activation_out(a) -> dict:
    return {"plan_id": a.plan_id, "plan_name": a.plan.name, "level": a.level, "hq_id": a.hq_id,
            "hq_name": a.hq.name if a.hq_id else None, "commander": str(a.commander) if a.commander_id else None,
            "deputy_name": a.deputy_name, "reasons": a.reasons, "activated_at": a.activated_at,
            "member_units": [{"id": u.pk, "name": u.name, "duty_phone": u.duty_phone}
                             for u in a.member_units.order_by("name")],
            "tasks": a.incident.tasks.count()}


def _task_out(t: Task, user) -> dict:
    return {"id": t.pk, "incident_id": t.incident_id, "title": t.title, "description": t.description,
            "unit_id": t.unit_id, "unit_name": t.unit.name if t.unit_id else None, "assignee_id": t.assignee_id,
            "assignee": str(t.assignee) if t.assignee_id else None, "due_at": t.due_at, "state": t.state,
            "overdue": t.is_overdue, "progress": t.progress, "version": t.version,
            "available_actions": services.task_actions(t, user)}


TASKS = Task.objects.select_related("unit", "assignee")


@router.get("/incidents/{id}/plans", response={200: list[PlanMatchOut], **ERRORS},
            summary="Plans covering the incident, with the proposed response level and the reasons")
def match_plans(request, id: Id):
    incident = _incident(request, id)
    return [{"plan_id": m["plan"].pk, "name": m["plan"].name, "kind": m["plan"].kind, "hq_id": m["plan"].hq_id,
             "hq_name": m["plan"].hq.name if m["plan"].hq_id else None, "level": m["level"],
             "reasons": m["reasons"]} for m in services.plan_matches(request.auth, incident)]


@router.get("/incidents/{id}/activation", response={200: ActivationOut, **ERRORS},
            summary="The activated plan, response level and command group")
def get_activation(request, id: Id):
    incident = _incident(request, id)
    activation = Activation.objects.filter(incident=incident).select_related("plan", "hq", "commander").first()
    if activation is None:
        raise NotFound("No plan is activated for this incident")
    return _activation_out(activation)


@router.post("/incidents/{id}/activation", response={201: ActivationOut, **ERRORS},
             summary="Activate a plan (commanders): response level, command group, standard tasks")
def activate_plan(request, id: Id, payload: ActivationIn):
    incident = _incident(request, id, "activate")
    activation = services.activate(request.auth, incident, payload.model_dump(exclude_none=True))
    return Status(201, _activation_out(activation))


@router.get("/incidents/{id}/tasks", response={200: list[TaskOut], **ERRORS}, summary="The response's tasks")
def list_tasks(request, id: Id):
    incident = _incident(request, id)
    policy.require(request.auth, "view", Task)
    return [_task_out(t, request.auth) for t in TASKS.filter(incident=incident)]


@router.post("/incidents/{id}/tasks", response={201: TaskOut, **ERRORS},
             summary="Assign a task to a unit and/or a person with a deadline")
def create_task(request, id: Id, payload: TaskIn):
    incident = _incident(request, id)
    task = services.create_task(request.auth, incident, payload.model_dump(exclude_none=True))
    return Status(201, _task_out(TASKS.get(pk=task.pk), request.auth))


@router.get("/tasks/{id}", response={200: TaskOut, **ERRORS}, tags=["tasks"])
def get_task(request, id: Id):
    return _task_out(policy.get_object(request.auth, Task, id, queryset=TASKS), request.auth)


@router.post("/tasks/{id}/transitions", response={200: TaskOut, **ERRORS}, tags=["tasks"],
             summary="Acknowledge, start or complete a task (complete needs a note)")
def task_transition(request, id: Id, payload: TaskTransitionIn):
    task = policy.get_object(request.auth, Task, id, "change", queryset=TASKS)
    data = payload.model_dump(exclude_none=True)
    services.task_transition(request.auth, task, data.pop("action"), data)
    return _task_out(TASKS.get(pk=task.pk), request.auth)


class PlanOut(Schema):
    id: int
    region_code: str
    name: str
    kind: str
    event_types: list[str]
    conditions: dict
    hq_id: int | None
    standard_tasks: list[dict]
    is_active: bool
    # --- the document's life cycle (preparedness: versions, reviews, filings, evaluations) ---
    level: str = ""
    doc_kind: str = ""
    owner_id: int | None = None
    enterprise_id: int | None = None
    state: str = ""
    version: int = 0
    doc_version: int = 0
    published_on: datetime.date | None = None
    last_evaluated_on: datetime.date | None = None


class PlanCondition(InSchema):
    field: Literal[tuple(plans_module.CONDITION_FIELDS)]  # type: ignore[valid-type]
    min: int | float | str


class PlanTaskItem(InSchema):
    title: ShortText(200, 1)
    unit: ShortText(100) = ""
    due_minutes: int | None = Field(None, ge=1, le=43200)


PlanKindValue = Literal[tuple(PlanKind.values())]  # type: ignore[valid-type]
RegionCode = Annotated[str, Field(pattern=r"^\d{6}(\d{3}(\d{3})?)?$")]


class PlanIn(InSchema):
    name: ShortText(200, 1)
    kind: PlanKindValue
    region_code: RegionCode
    event_types: list[ShortText(48, 1)] = Field(min_length=1)
    conditions: dict[Literal[tuple(ResponseLevel.ORDER)], list[PlanCondition]] = {}  # type: ignore[valid-type]
    hq_id: Id | None = None
    standard_tasks: list[PlanTaskItem] = []
    is_active: bool = True


class PlanPatchIn(InSchema):
    name: ShortText(200, 1) | None = None
    kind: PlanKindValue | None = None
    region_code: RegionCode | None = None
    event_types: list[ShortText(48, 1)] | None = Field(None, min_length=1)
    conditions: dict[Literal[tuple(ResponseLevel.ORDER)], list[PlanCondition]] | None = None  # type: ignore[valid-type]
    hq_id: Id | None = None
    standard_tasks: list[PlanTaskItem] | None = None
    is_active: bool | None = None


(Crud(router, PLANS, "/plans", out=PlanOut, module=__name__, tags=["plans"], in_schema=PlanIn,
      patch_schema=PlanPatchIn, nullable=("region_code", "name", "kind", "event_types", "conditions", "hq_id",
                                          "standard_tasks", "is_active"))
 .list("list_plans", summary="Emergency plans")
 .get("get_plan")
 .create("create_plan",
         summary="Create an emergency plan (types covered, activation conditions per level, HQ, standard tasks)")
 .update("update_plan", summary="Change an emergency plan"))


# --- response level ------------------------------------------------------------------------------------------


class ResponseLevelIn(InSchema):
    level: Literal[tuple(ResponseLevel.ORDER)]  # type: ignore[valid-type]
    reason: ShortText(2000, 1)
    version: int | None = Field(None, ge=0, description="The incident version the change is based on (409 if stale)")


@router.post("/incidents/{id}/response-level", response={200: ActivationOut, **ERRORS},
             summary="Raise or lower the response level of the activated plan (commanders), with the reason")
def change_response_level(request, id: Id, payload: ResponseLevelIn):
    incident = _incident(request, id, "activate")
    services.change_response_level(request.auth, incident, payload.model_dump(exclude_none=True))
    return _activation_out(Activation.objects.select_related("plan", "hq", "commander").get(incident=incident))


# --- situation reports -----------------------------------------------------------------------------------------


class SitrepOut(Schema):
    id: int
    incident_id: int
    seq: int
    title: str
    situation: str
    casualties: str
    response: str
    tasks_status: str
    resources: str
    next_steps: str
    snapshot: dict
    state: str
    version: int
    created_by: str | None
    created_at: datetime.datetime
    issued_by: str | None
    issued_at: datetime.datetime | None
    available_actions: list[str]


class SitrepPatchIn(InSchema):
    title: ShortText(200, 1) | None = None
    situation: ShortText(20000) | None = None
    casualties: ShortText(20000) | None = None
    response: ShortText(20000) | None = None
    tasks_status: ShortText(20000) | None = None
    resources: ShortText(20000) | None = None
    next_steps: ShortText(20000) | None = None


class SitrepIssueIn(InSchema):
    version: int | None = Field(None, ge=0, description="The report version being issued (409 if stale)")


SITREPS = Sitrep.objects.select_related("created_by", "issued_by")


def _sitrep_out(r: Sitrep, user) -> dict:
    out = {f: getattr(r, f) for f in ("id", "incident_id", "seq", "title", *services.SITREP_TEXT_FIELDS[1:],
                                      "snapshot", "state", "version", "created_at", "issued_at")}
    out.update(created_by=str(r.created_by) if r.created_by_id else None,
               issued_by=str(r.issued_by) if r.issued_by_id else None,
               available_actions=services.sitrep_actions(r, user))
    return out


@router.get("/incidents/{id}/sitreps", response={200: list[SitrepOut], **ERRORS}, tags=["sitreps"],
            summary="The incident's situation reports (情况报告), first to last")
def list_sitreps(request, id: Id):
    incident = _incident(request, id)
    policy.require(request.auth, "view", Sitrep)
    return [_sitrep_out(r, request.auth) for r in SITREPS.filter(incident=incident).filter(
        policy.scope_q(request.auth, Sitrep))]


@router.post("/incidents/{id}/sitreps", response={201: SitrepOut, **ERRORS}, tags=["sitreps"],
             summary="Draft the next situation report, pre-filled from the incident's current state")
def draft_sitrep(request, id: Id):
    incident = _incident(request, id)
    sitrep = services.draft_sitrep(request.auth, incident)
    return Status(201, _sitrep_out(SITREPS.get(pk=sitrep.pk), request.auth))


@router.get("/sitreps/{id}", response={200: SitrepOut, **ERRORS}, tags=["sitreps"])
def get_sitrep(request, id: Id):
    return _sitrep_out(policy.get_object(request.auth, Sitrep, id, queryset=SITREPS), request.auth)


@router.patch("/sitreps/{id}", response={200: SitrepOut, **ERRORS}, tags=["sitreps"],
              summary="Edit a draft situation report (issued reports answer 409)")
def update_sitrep(request, id: Id, payload: SitrepPatchIn):
    sitrep = policy.get_object(request.auth, Sitrep, id, "change", queryset=SITREPS)
    services.update_sitrep(request.auth, sitrep, payload.model_dump(exclude_none=True))
    return _sitrep_out(SITREPS.get(pk=sitrep.pk), request.auth)


@router.post("/sitreps/{id}/issue", response={200: SitrepOut, **ERRORS}, tags=["sitreps"],
             summary="Issue a draft situation report; it is then immutable and on the incident timeline")
def issue_sitrep(request, id: Id, payload: SitrepIssueIn | None = None):
    sitrep = policy.get_object(request.auth, Sitrep, id, "issue", queryset=SITREPS)
    services.issue_sitrep(request.auth, sitrep, payload.model_dump(exclude_none=True) if payload else {})
    return _sitrep_out(SITREPS.get(pk=sitrep.pk), request.auth)
