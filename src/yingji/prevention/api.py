"""API v1: risk points and grading, hazards and their closed loop, the risk calculator."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.db.models import F
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Status
from ninja.files import UploadedFile

from yingji.core import attachments, policy
from yingji.core.api import Lat, Lon, RegionCode
from yingji.core.api_support import (
    ERRORS,
    Date,
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
from yingji.core.crud import Crud, Output, patch_of
from yingji.core.errors import ValidationFailed
from yingji.core.surfaces import reveal_phones
from yingji.enterprises.models import Enterprise
from yingji.standards import major_hazards

from . import services, stats, surfaces
from .choices import (
    AccidentType,
    AssessmentMethod,
    AttachmentPurpose,
    ControlTier,
    HazardLevel,
    HazardSource,
    HazardState,
    PlaceKind,
    ProgrammeStage,
)
from .filters import HazardFilterSet
from .models import Hazard, RiskPoint, grade_of
from .surfaces import RISK_POINTS

router = Router(tags=["prevention"])

ScaleValue = Annotated[float, Field(allow_inf_nan=False, ge=0, le=1000)]
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
LongText = ShortText(services.MAX_TEXT)


def _literal(values):
    return Literal[tuple(values)]  # type: ignore[valid-type]


def _num(value) -> float | None:
    return float(value) if value is not None else None


# --- calculator ------------------------------------------------------------------------------------------------


class RiskAssessmentIn(InSchema):
    method: _literal(AssessmentMethod.values())
    l: ScaleValue = Field(description="L: LEC 10/6/3/1/0.5/0.2/0.1, or LS 1-5")  # noqa: E741
    e: ScaleValue | None = Field(None, description="E (LEC only): 10/6/3/2/1/0.5")
    c: ScaleValue | None = Field(None, description="C (LEC only): 100/40/15/7/3/1")
    s: ScaleValue | None = Field(None, description="S (LS only): 1-5")


class RiskAssessmentOut(Schema):
    method: str
    score: float
    level: int
    color: str
    label_zh: str
    control_tier: str


def _grade(method: str, l_value, e_value, c_value, s_value):  # noqa: E741
    try:
        return grade_of(method, l_value, e_value, c_value, s_value)
    except ValueError as exc:
        text = str(exc)
        field = {"L": "l", "E": "e", "C": "c", "S": "s"}.get(text[:1], "")
        raise ValidationFailed.from_dict({field: [text]}) from None


@router.post("/tools/risk-assessment", response={200: RiskAssessmentOut, **ERRORS}, tags=["tools"],
             summary="Grade a risk by LEC or LS (saves nothing)")
def risk_assessment(request, payload: RiskAssessmentIn):
    grade = _grade(payload.method, payload.l, payload.e, payload.c, payload.s)
    return {"method": payload.method, "score": float(grade.score), "level": grade.level, "color": grade.color,
            "label_zh": grade.label_zh, "control_tier": grade.control_tier}


# --- risk points -----------------------------------------------------------------------------------------------


class RiskPointOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    region_code: str
    name: str
    location: str
    accident_type: str
    method: str
    l: float  # noqa: E741
    e: float | None
    c: float | None
    s: int | None
    score: float
    level: int
    colour: str
    control_tier: str
    engineering_measures: str
    management_measures: str
    ppe_measures: str
    emergency_measures: str
    responsible_tier: str
    responsible_person: str
    responsible_phone: str
    review_date: datetime.date | None
    updated_at: datetime.datetime


class RiskPointIn(InSchema):
    enterprise_id: Id | None = Field(None, description="Defaults to your own enterprise for enterprise accounts")
    name: ShortText(200, 1)
    location: ShortText(200) = ""
    accident_type: _literal(AccidentType.values())
    method: _literal(AssessmentMethod.values())
    l: ScaleValue  # noqa: E741
    e: ScaleValue | None = None
    c: ScaleValue | None = None
    s: ScaleValue | None = None
    engineering_measures: LongText = ""
    management_measures: LongText = ""
    ppe_measures: LongText = ""
    emergency_measures: LongText = ""
    responsible_tier: _literal(ControlTier.values())
    responsible_person: ShortText(50, 1)
    responsible_phone: Phone = ""
    review_date: Date | None = None


class RiskPointPatch(InSchema):
    name: ShortText(200, 1) | None = None
    location: ShortText(200) | None = None
    accident_type: _literal(AccidentType.values()) | None = None
    method: _literal(AssessmentMethod.values()) | None = None
    l: ScaleValue | None = None  # noqa: E741
    e: ScaleValue | None = None
    c: ScaleValue | None = None
    s: ScaleValue | None = None
    engineering_measures: LongText | None = None
    management_measures: LongText | None = None
    ppe_measures: LongText | None = None
    emergency_measures: LongText | None = None
    responsible_tier: _literal(ControlTier.values()) | None = None
    responsible_person: ShortText(50, 1) | None = None
    responsible_phone: Phone | None = None
    review_date: Date | None = None


class RiskDistributionRow(Schema):
    key: str
    label: str
    red: int
    orange: int
    yellow: int
    blue: int
    total: int


class RiskDistributionTotal(Schema):
    red: int
    orange: int
    yellow: int
    blue: int
    total: int


class RiskDistributionOut(Schema):
    group_by: str
    rows: list[RiskDistributionRow]
    total: RiskDistributionTotal


_INPUT_FIELDS = {"l": "likelihood", "e": "exposure", "c": "consequence", "s": "severity"}
_NULLABLE = {"e", "c", "s", "review_date"}


RISK_OUTPUT = Output(RiskPointOut, resolvers={
    "enterprise_name": lambda p: p.enterprise.name, "l": lambda p: float(p.likelihood),
    "e": lambda p: _num(p.exposure), "c": lambda p: _num(p.consequence), "s": lambda p: p.severity,
    "score": lambda p: float(p.score)}, phones=("responsible_phone",))


def _risk_data(data: dict) -> dict:
    result = {}
    for key, value in data.items():
        if value is None and key not in _NULLABLE:
            raise ValidationFailed.from_dict({key: ["This field cannot be null"]})
        if key in _INPUT_FIELDS:
            if key == "s" and value is not None:
                if value != int(value):
                    raise ValidationFailed.from_dict({"s": ["S must be an integer 1-5"]})
                value = int(value)
            elif value is not None:
                value = Decimal(str(value))
            result[_INPUT_FIELDS[key]] = value
        else:
            result[key] = value
    return result


def _field_names(exc: ValidationFailed) -> ValidationFailed:
    back = {v: k for k, v in _INPUT_FIELDS.items()}
    for error in exc.errors:
        error["field"] = back.get(error["field"], error["field"])
    return exc


def _create_risk(user, payload: RiskPointIn) -> RiskPoint:
    data = _risk_data(payload.model_dump(exclude_unset=True))
    data["enterprise_id"] = payload.enterprise_id
    try:
        return services.create_risk_point(user, data)
    except ValidationFailed as exc:
        raise _field_names(exc) from None


def _update_risk(user, point: RiskPoint, data: dict) -> RiskPoint:
    try:
        return services.update_risk_point(user, point, _risk_data(data))
    except ValidationFailed as exc:
        raise _field_names(exc) from None


RISKS = (Crud(router, RISK_POINTS, "/risks", out=RiskPointOut, module=__name__, tags=["risks"], output=RISK_OUTPUT,
              in_schema=RiskPointIn, patch_schema=RiskPointPatch,
              nullable=tuple(sorted(_NULLABLE)))
         .list("list_risks", summary="List risk points"))


@router.get("/risks/distribution", response={200: RiskDistributionOut, **ERRORS}, tags=["risks"],
            summary="Four-colour distribution of risk points by township, industry or enterprise")
def risk_distribution(request, group_by: _literal(stats.RISK_GROUPS) = "township"):
    points = RiskPoint.objects.for_user(request.auth)
    table = stats.risk_distribution(points, group_by)
    return {"group_by": group_by, "rows": table.rows, "total": table.total}


RISKS.get("get_risk").create(
    "create_risk", write=_create_risk, summary="Create a risk point (score, level and colour are computed)").update(
    "update_risk", write=_update_risk)


@router.delete("/risks/{id}", response={204: None, **ERRORS}, tags=["risks"])
def delete_risk(request, id: Id):
    point = policy.get_object(request.auth, RiskPoint, id, "delete")
    services.delete_risk_point(request.auth, point)
    return Status(204, None)


# --- hazards ---------------------------------------------------------------------------------------------------


class HazardOut(Schema):
    id: int
    enterprise_id: int | None = Field(description="The enterprise the hazard belongs to; null for a place's hazard")
    enterprise_name: str
    place_id: int | None = Field(description="The place (GET /hazard-places/{id}) a hazard of no enterprise belongs to")
    place_name: str
    region_code: str
    risk_point_id: int | None
    title: str
    description: str
    location: str
    source: str
    reporter: str
    found_at: datetime.datetime
    state: str
    level: str
    criterion: str
    criterion_citation: str
    supervised: bool
    due_at: datetime.datetime | None
    overdue: bool
    escalation_level: int
    responsible_person: str
    responsible_phone: str
    responsible_user_id: int | None
    measures: str
    funds: float | None
    interim_measures: str
    confirmed_at: datetime.datetime | None
    rectification: str
    rectified_at: datetime.datetime | None
    verified_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    version: int
    available_actions: list[str]


class HazardIn(InSchema):
    enterprise_id: Id | None = Field(None, description="Defaults to your own enterprise for enterprise accounts")
    place_id: Id | None = Field(None, description=(
        "Instead of enterprise_id: the place (GET /hazard-places) of a hazard no registered enterprise owns"))
    title: ShortText(200, 1)
    description: ShortText(services.MAX_TEXT, 1)
    location: ShortText(200) = ""
    source: _literal(HazardSource.values()) | None = Field(None, description="Defaults by your role")
    found_at: DateTime | None = Field(None, description="Defaults to now")
    risk_point_id: Id | None = None
    criterion: ShortText(16) = Field("", description=(
        "The code of the item of the sector's major hazard criteria the hazard matches (GET "
        "/hazards/criteria?enterprise_id=); a hazard that matches one is major"))


class HazardTransitionIn(InSchema):
    action: _literal(services.ACTIONS)
    note: LongText | None = None
    reason: LongText | None = Field(None, description="reject, extend: required")
    level: _literal(HazardLevel.values()) | None = Field(None, description="confirm: general or major")
    criterion: ShortText(16) | None = Field(None, description=(
        "confirm: the matching major hazard criterion ('' for none; absent keeps the reported one); a hazard "
        "that matches one cannot be general"))
    due_at: ShortText(40) | None = Field(
        None, description="confirm, extend: the deadline, a date (end of that day) or an ISO 8601 date-time")
    responsible_person: ShortText(50) | None = None
    responsible_phone: Phone | None = None
    responsible_user_id: Id | None = None
    measures: LongText | None = Field(None, description="confirm: required for a major hazard")
    funds: Money | None = Field(None, description="confirm: CNY, required for a major hazard")
    interim_measures: LongText | None = None
    description: LongText | None = Field(None, description="rectify: what was done (required)")


class HazardTransitionOption(Schema):
    action: str
    label: str
    target: str


class HazardTransitionsOut(Schema):
    state: str
    version: int
    available: list[HazardTransitionOption]


class HazardEventOut(Schema):
    id: int
    time: datetime.datetime
    actor: str
    action: str
    from_state: str
    to_state: str
    note: str
    data: dict


class HazardAttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    purpose: str
    uploaded_by: str
    uploaded_at: datetime.datetime
    url: str


def _figure(name: str):
    return Field(description=stats.HAZARD_FIGURES[name])


class HazardStatisticsTotal(Schema):
    found: int = _figure("found")
    rectified: int = _figure("rectified")
    closed: int = _figure("closed")
    overdue: int = _figure("overdue")
    major: int = _figure("major")
    major_closed: int = _figure("major_closed")
    funds: float = _figure("funds")
    closure_rate: float | None = _figure("closure_rate")


class HazardStatisticsRow(HazardStatisticsTotal):
    key: str
    label: str


class HazardStatisticsOut(Schema):
    group_by: str
    since: datetime.date | None
    until: datetime.date | None
    rows: list[HazardStatisticsRow]
    total: HazardStatisticsTotal


#: The hazard's enterprise's and place's names as columns of its row, for lists.
HAZARD_NAMES = {"enterprise_label": F("enterprise__name"), "place_label": F("place__name")}


def _hazard_out(h: Hazard, user, *, reveal: bool | None = None) -> dict:
    """A hazard as the API answers it; the responsible person's phone is masked without the ``view_pii`` grant."""
    if reveal is None:
        reveal = policy.reveal_pii(user, Hazard)
    phone = h.responsible_phone if reveal else policy.mask_phone(h.responsible_phone)
    if hasattr(h, "enterprise_label"):  # the list read the names with the row (HAZARD_NAMES)
        names = (h.enterprise_label or "", h.place_label or "")
    else:
        names = (h.enterprise.name if h.enterprise_id else "", h.place.name if h.place_id else "")
    return {
        "id": h.pk, "enterprise_id": h.enterprise_id, "enterprise_name": names[0],
        "place_id": h.place_id, "place_name": names[1],
        "region_code": h.region_code, "risk_point_id": h.risk_point_id, "title": h.title,
        "description": h.description, "location": h.location, "source": h.source, "reporter": h.reporter_name,
        "found_at": h.found_at, "state": h.state, "level": h.level, "criterion": h.criterion,
        "criterion_citation": h.criterion_citation, "supervised": h.supervised, "due_at": h.due_at,
        "overdue": h.is_overdue, "escalation_level": h.escalation_level,
        "responsible_person": h.responsible_person, "responsible_phone": phone,
        "responsible_user_id": h.responsible_user_id, "measures": h.measures, "funds": _num(h.funds),
        "interim_measures": h.interim_measures, "confirmed_at": h.confirmed_at, "rectification": h.rectification,
        "rectified_at": h.rectified_at, "verified_at": h.verified_at, "closed_at": h.closed_at,
        "version": h.version, "available_actions": services.available_actions(h, user),
    }


def _attachment_out(a) -> dict:
    return {"id": a.pk, "name": a.original_name, "content_type": a.content_type, "size": a.size,
            "purpose": a.purpose, "uploaded_by": str(a.uploaded_by), "uploaded_at": a.uploaded_at,
            "url": reverse("attachment_download", args=[a.pk])}


def _hazard(request, id: int) -> Hazard:
    return policy.get_object(request.auth, Hazard, id, queryset=Hazard.objects.select_related("enterprise", "place"))


@router.get("/hazards", response={200: page_of(HazardOut), **ERRORS}, tags=["hazards"], summary="List hazards")
def list_hazards(request, filters: Query[filter_params(HazardFilterSet)], page: Query[PageParams]):
    # The enterprise's and the place's names read as two columns of the row: whole enterprise and place rows
    # (select_related) were a third of a page's time.
    qs = Hazard.objects.for_user(request.auth).annotate(**HAZARD_NAMES)
    reveal = policy.reveal_pii(request.auth, Hazard)
    return paginate(apply_filters(HazardFilterSet, request, qs), page,
                    lambda h: _hazard_out(h, request.auth, reveal=reveal))


class CriterionOut(Schema):
    code: str
    clause: str
    text: str
    citation: str


class CriteriaListOut(Schema):
    key: str
    title: str
    document: str
    complete: bool = Field(description="False where the shipped list holds only part of the standard's items")
    verified: bool = Field(description="Whether the items were checked against the official text")
    note: str
    items: list[CriterionOut]


@router.get("/hazards/criteria", response={200: list[CriteriaListOut], **ERRORS}, tags=["hazards"],
            summary="The major hazard criteria that apply to an enterprise (重大事故隐患判定标准)")
def hazard_criteria(request, enterprise_id: Id):
    """The sector standards' items that make a hazard of this enterprise major, by list, with each list's source,
    completeness and verification state."""
    enterprise = policy.get_object(request.auth, Enterprise, enterprise_id)
    return [{"key": lst.key, "title": lst.title, "document": lst.document, "complete": lst.complete,
             "verified": lst.verified, "note": lst.note,
             "items": [{"code": i.code, "clause": i.clause, "text": i.text, "citation": i.citation}
                       for i in lst.items]}
            for lst in major_hazards.lists_for(enterprise.sector)]


@router.get("/hazards/statistics", response={200: HazardStatisticsOut, **ERRORS}, tags=["hazards"],
            summary="Found, closed, overdue and closure rate by township, industry, source or period")
def hazard_statistics(request, group_by: _literal(stats.HAZARD_GROUPS) = "township", since: Date | None = None,
                      until: Date | None = None):
    """``since`` and ``until`` are dates of finding, both included. Every figure is of the hazards found in the
    period: found; rectified (now rectified, verified or closed); closed; overdue (deadline passed while confirmed
    or being rectified); major; major closed (eliminated); funds (CNY set at confirmation); closure rate."""
    start = services.as_datetime(since, "since", end_of_day=False) if since else None
    end = services.as_datetime(until + datetime.timedelta(days=1), "until", end_of_day=False) if until else None
    table = stats.hazard_statistics(Hazard.objects.for_user(request.auth), group_by, since=start, until=end)
    return {"group_by": group_by, "since": since, "until": until, "rows": table.rows, "total": table.total}


# Declared before /hazards/{id}, which would take the word for an id.
class CoverageRowOut(Schema):
    key: str = Field(description="Township code or supervision sector")
    label: str
    obliged: int
    identified: int
    working: int
    coverage: float | None = Field(description="working ÷ obliged")
    creating: int
    pilot: int
    demonstration: int


class CoverageTotalOut(Schema):
    obliged: int
    identified: int
    working: int
    coverage: float | None
    creating: int
    pilot: int
    demonstration: int


class EnterpriseQualityOut(Schema):
    id: int
    name: str
    region_code: str
    sector: str
    stage: str = Field(description="The enterprise's latest programme step; empty when never named")
    risk_points: int
    reviews_overdue: int
    self_checks: int = Field(description="Hazards the enterprise's own checks found in the period")
    found: int = Field(description="Hazards found in the period, by anyone")
    closed: int = Field(description="Hazards with a deadline closed in the period")
    closed_on_time: int
    on_time_rate: float | None
    overdue: int = Field(description="Hazards past their deadline now")
    identified: bool
    working: bool


class ProgrammeOut(Schema):
    group_by: str
    since: datetime.date
    until: datetime.date
    definitions: dict[str, str]
    coverage: list[CoverageRowOut]
    total: CoverageTotalOut
    enterprises: list[EnterpriseQualityOut]


@router.get("/hazards/programme", response={200: ProgrammeOut, **ERRORS}, tags=["hazards"],
            summary="Dual-prevention coverage by township or sector, and each enterprise's operating quality")
def hazard_programme(request, group_by: _literal(stats.PROGRAMME_GROUPS) = "township", since: Date | None = None,
                     until: Date | None = None):
    """The period defaults to the twelve months up to today; both days are included. ``definitions`` states what
    every figure counts."""
    if since and until and since > until:
        raise ValidationFailed.from_dict({"since": ["The period starts after it ends"]})
    since, until = stats.programme_period(since, until)
    rows = stats.programme_quality(
        Enterprise.objects.for_user(request.auth), services.as_datetime(since, "since", end_of_day=False),
        services.as_datetime(until + datetime.timedelta(days=1), "until", end_of_day=False))
    table = stats.programme_coverage(rows, group_by)
    return {"group_by": group_by, "since": since, "until": until,
            "definitions": {k: str(v) for k, v in stats.PROGRAMME_DEFINITIONS.items()},
            "coverage": table.rows, "total": table.total,
            "enterprises": [{**vars(r), "on_time_rate": r.on_time_rate, "identified": r.identified,
                             "working": r.working} for r in rows]}


@router.get("/hazards/{id}", response={200: HazardOut, **ERRORS}, tags=["hazards"])
def get_hazard(request, id: Id):
    hazard = _hazard(request, id)
    return _hazard_out(hazard, request.auth, reveal=reveal_phones(request.auth, hazard, ["responsible_phone"]))


@router.post("/hazards", response={201: HazardOut, **ERRORS}, tags=["hazards"], summary="Report a hazard")
def report_hazard(request, payload: HazardIn):
    data = payload.model_dump(exclude_none=True)
    if "enterprise_id" not in data and "place_id" not in data and request.auth.enterprise_id:
        data["enterprise_id"] = request.auth.enterprise_id
    hazard = services.report_hazard(request.auth, data)
    return Status(201, _hazard_out(Hazard.objects.select_related("enterprise", "place").get(pk=hazard.pk),
                                   request.auth))


@router.get("/hazards/{id}/transitions", response={200: HazardTransitionsOut, **ERRORS}, tags=["hazards"],
            summary="The actions you may take on the hazard now")
def list_transitions(request, id: Id):
    hazard = _hazard(request, id)
    options = []
    by_action = {t.action: t for t in services.HAZARD_WORKFLOW.transitions}
    for action in services.available_actions(hazard, request.auth):
        t = by_action.get(action)
        options.append({"action": action, "label": str(t.label) if t else "Extend the deadline",
                        "target": t.target if t else hazard.state})
    return {"state": hazard.state, "version": hazard.version, "available": options}


@router.post("/hazards/{id}/transitions", response={200: HazardOut, **ERRORS}, tags=["hazards"],
             summary="Take an action: confirm, start, rectify, verify, reject, close or extend")
def apply_transition(request, id: Id, payload: HazardTransitionIn):
    """An action not allowed from the current state answers 409; one your role (or person) may not take, 403."""
    hazard = _hazard(request, id)
    data = payload.model_dump(exclude_none=True)
    action = data.pop("action")
    hazard = services.perform(request.auth, hazard, action, data)
    return _hazard_out(Hazard.objects.select_related("enterprise", "place").get(pk=hazard.pk), request.auth)


@router.get("/hazards/{id}/events", response={200: page_of(HazardEventOut), **ERRORS}, tags=["hazards"],
            summary="The hazard's timeline")
def list_events(request, id: Id, page: Query[PageParams]):
    hazard = _hazard(request, id)
    return paginate(hazard.events.order_by("time", "id"), page, lambda e: {
        "id": e.pk, "time": e.time, "actor": e.actor_name, "action": e.kind, "from_state": e.from_state,
        "to_state": e.to_state, "note": e.note, "data": e.params})


@router.get("/hazards/{id}/attachments", response={200: list[HazardAttachmentOut], **ERRORS}, tags=["hazards"])
def list_attachments(request, id: Id):
    hazard = _hazard(request, id)
    return [_attachment_out(a) for a in attachments.for_object(hazard).select_related("uploaded_by")]


@router.post("/hazards/{id}/attachments", response={201: HazardAttachmentOut, **ERRORS}, tags=["hazards"],
             summary="Upload a photo or PDF (multipart: file, purpose)")
def upload_attachment(request, id: Id, file: File[UploadedFile],
                      purpose: Form[_literal(AttachmentPurpose.values())] = AttachmentPurpose.OTHER):
    hazard = _hazard(request, id)
    attachment = services.add_attachment(request.auth, hazard, file, purpose)
    return Status(201, _attachment_out(attachment))



# --- sample checks of the enterprises' own loop -----------------------------------------------------------------


class HazardSampleOut(Schema):
    id: int
    hazard_id: int
    hazard_title: str
    enterprise_id: int
    enterprise_name: str
    region_code: str
    period: str = Field(description="The month of closures a monthly draw sampled (YYYY-MM); empty when by hand")
    state: str = Field(description="pending, passed or failed")
    drawn_at: datetime.datetime
    drawn_by: str = Field(description="Who drew it; empty for the monthly draw")
    checked_at: datetime.datetime | None
    checked_by: str
    note: str


class HazardSampleIn(InSchema):
    hazard_id: Id
    note: ShortText(services.MAX_TEXT) = ""


class HazardSampleResultIn(InSchema):
    passed: bool
    note: ShortText(services.MAX_TEXT, 1) = Field(description="What the check found")
    due_at: Date | None = Field(None, description="Required when the check fails: the reopened hazard's deadline")


def _name(user) -> str:
    return str(user) if user is not None else ""


SAMPLES = (Crud(router, surfaces.SAMPLES, "/hazard-samples", out=HazardSampleOut, module=__name__, tags=["hazards"],
                in_schema=HazardSampleIn, output=Output(HazardSampleOut, resolvers={
                    "hazard_title": lambda s: s.hazard.title, "enterprise_id": lambda s: s.hazard.enterprise_id,
                    "enterprise_name": lambda s: s.hazard.enterprise.name,
                    "region_code": lambda s: s.hazard.region_code,
                    "drawn_by": lambda s: _name(s.drawn_by), "checked_by": lambda s: s.checker_name}))
           .list("list_hazard_samples", summary="Sample checks of hazards enterprises closed themselves")
           .get("get_hazard_sample")
           .create("create_hazard_sample", summary="Draw a hazard the enterprise closed itself for a sample check",
                   write=lambda user, payload: services.draw_sample(
                       user, policy.get_in_scope_or_field_error(Hazard, payload.hazard_id, user, "hazard_id"),
                       payload.note)))


@router.post("/hazard-samples/{id}/result", response={200: HazardSampleOut, **ERRORS}, tags=["hazards"],
             summary="Record a sample check's result (a failure reopens the hazard)")
def record_hazard_sample_result(request, id: Id, payload: HazardSampleResultIn):
    sample = surfaces.SAMPLES.get(request.auth, id)
    services.check_sample(request.auth, sample, passed=payload.passed, note=payload.note, due_at=payload.due_at)
    return SAMPLES.answer(request.auth, surfaces.SAMPLES.get(request.auth, id), audited=False)


# --- places hazards belong to when no enterprise does -----------------------------------------------------------


class HazardPlaceOut(Schema):
    id: int
    kind: str = Field(description="dike, reservoir, culvert, flash_flood_gully, geohazard, village_lane, "
                                  "construction_site, public_place or other")
    name: str
    region_code: str
    address: str
    lat: float | None
    lon: float | None
    responsible_unit: str
    responsible_person: str
    responsible_phone: str = Field(description="Masked without the personal-data grant")
    note: str
    open_hazards: int = Field(description="Hazards of the place not yet closed")


class HazardPlaceIn(InSchema):
    kind: _literal(PlaceKind.values())
    name: ShortText(200, 1)
    region_code: RegionCode = Field(description="The township (9 digits) or village (12) the place lies in")
    address: ShortText(200) = ""
    lat: Lat | None = None
    lon: Lon | None = None
    responsible_unit: ShortText(200, 1)
    responsible_person: ShortText(50) = ""
    responsible_phone: Phone = ""
    note: ShortText(services.MAX_TEXT) = ""


def _open_hazards(place) -> int:
    """Counted by the surface's queryset on lists and reads; counted here for a place just written."""
    counted = getattr(place, "open_hazards", None)
    return counted if counted is not None else place.hazards.filter(state__in=HazardState.OPEN).count()


PLACES = (Crud(router, surfaces.PLACES, "/hazard-places", out=HazardPlaceOut, module=__name__, tags=["hazards"],
               in_schema=HazardPlaceIn, patch_schema=patch_of(HazardPlaceIn, "HazardPlacePatch"),
               output=Output(HazardPlaceOut, phones=("responsible_phone",), resolvers={
                   "lat": lambda p: _num(p.lat), "lon": lambda p: _num(p.lon),
                   "open_hazards": _open_hazards}))
          .list("list_hazard_places", summary="Places hazards belong to when no registered enterprise does")
          .get("get_hazard_place").create("create_hazard_place").update("update_hazard_place"))


# --- the dual-prevention programme -------------------------------------------------------------------------------


class ProgrammeStepOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    stage: str = Field(description="creating (创建), pilot (试点) or demonstration (示范)")
    named_on: datetime.date
    accepted_on: datetime.date | None
    note: str


class ProgrammeStepIn(InSchema):
    enterprise_id: Id
    stage: _literal(ProgrammeStage.values())
    named_on: Date
    accepted_on: Date | None = None
    note: ShortText(300) = ""


STEPS = (Crud(router, surfaces.STEPS, "/dual-prevention-steps", out=ProgrammeStepOut, module=__name__,
              tags=["hazards"], in_schema=ProgrammeStepIn,
              patch_schema=patch_of(ProgrammeStepIn, "ProgrammeStepPatch", exclude=("enterprise_id",)),
              output=Output(ProgrammeStepOut, resolvers={"enterprise_name": lambda s: s.enterprise.name}))
         .list("list_dual_prevention_steps", summary="Enterprises named creating, pilot or demonstration enterprises")
         .get("get_dual_prevention_step").create("create_dual_prevention_step")
         .update("update_dual_prevention_step"))
