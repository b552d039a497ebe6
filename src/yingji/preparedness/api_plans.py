"""API v1 of plan documents (mounted on the preparedness router):

- ``POST /plan-documents``: a new plan document in drafting (an enterprise account: its own enterprise's);
- ``/plans/{id}/transitions``: the plan's life-cycle actions (submit_review, return_draft, publish,
  start_evaluation; filing and evaluation conclusions go through their records);
- ``GET /plans/coverage``: obliged units and whether each has a current plan of each required kind, gaps listed;
- ``GET /plan-filing-checklist``: the completeness checklist of a plan kind (data file, with sources);
- ``/plan-versions``, ``/plan-reviews``, ``/plan-evaluations``: list, get, create;
- ``/plan-filings``: list, get, create (the enterprise), ``/{id}/transitions`` (receive, return, resubmit).
"""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Field, Query, Router
from ninja.responses import Status

from yingji.core import policy
from yingji.core.api_support import ERRORS, Date, Id, InSchema, Schema, ShortText
from yingji.core.crud import Crud, Output
from yingji.incidents.choices import PlanDocKind, PlanLevel
from yingji.incidents.models import Plan
from yingji.incidents.surfaces import PLANS
from yingji.standards import emergency_plans as rules

from . import surfaces_plans as surfaces
from .choices_plans import EvaluationConclusion, ReviewConclusion
from .services import plans as services

router = Router(tags=["plans"])
#: ``/plans/coverage`` is mounted ahead of the incidents router (``yingji.api``), whose ``/plans/{id}`` would
#: otherwise take the path.
coverage_router = Router(tags=["plans"])
TAGS = ["plans"]
Text = ShortText(5000)


class PlanDocumentOut(Schema):
    id: int
    name: str
    region_code: str
    level: str
    doc_kind: str
    owner_id: int | None
    enterprise_id: int | None
    state: str
    version: int
    doc_version: int
    is_active: bool
    published_on: datetime.date | None
    last_evaluated_on: datetime.date | None
    evaluation_due: datetime.date | None
    filing_due: datetime.date | None


def _due(function):
    return lambda plan: function(plan) if plan.state in services.IN_FORCE_STATES else None


PLAN_OUTPUT = Output(PlanDocumentOut, resolvers={"evaluation_due": _due(services.evaluation_due),
                                                 "filing_due": _due(services.filing_due)})


class PlanDocumentIn(InSchema):
    name: ShortText(200, 1)
    level: Literal[tuple(PlanLevel.values())] | None = None  # type: ignore[valid-type]
    doc_kind: Literal[tuple(PlanDocKind.values())]  # type: ignore[valid-type]
    region_code: ShortText(12) = ""
    owner: Id | None = None


class PlanCoverageCellOut(Schema):
    doc_kind: str
    status: str
    plan_id: int | None


class PlanCoverageRowOut(Schema):
    unit_type: str
    name: str
    region_code: str
    complete: bool
    required: list[PlanCoverageCellOut]


class PlanCoverageTotalOut(Schema):
    units: int
    complete: int


class PlanCoverageOut(Schema):
    today: datetime.date
    totals: dict[str, PlanCoverageTotalOut]
    rows: list[PlanCoverageRowOut]
    gaps: list[PlanCoverageRowOut]


@coverage_router.get("/plans/coverage", response={200: PlanCoverageOut, **ERRORS}, tags=TAGS,
            summary="Obliged townships, departments and enterprises: a current plan of each required kind?")
def plan_coverage(request):
    """Townships (总体应急预案), 安委会 member units (部门应急预案) and enterprises of the unit kinds the 办法 obliges
    (综合、专项、现场处置) in your scope: for each required kind whether a current plan (in force, evaluation not
    overdue) exists; ``gaps`` lists the units missing one."""
    result = services.coverage(request.auth)

    def row(r):
        return {"unit_type": r["unit_type"], "name": r["name"], "region_code": r["region_code"],
                "complete": r["complete"],
                "required": [{"doc_kind": c["doc_kind"], "status": c["status"],
                              "plan_id": c["plan"].pk if c["plan"] else None} for c in r["required"]]}

    return {"today": result["today"], "totals": result["totals"],
            "rows": [row(r) for r in result["rows"]], "gaps": [row(r) for r in result["gaps"]]}


class PlanChecklistItemOut(Schema):
    key: str
    label: str
    basis: str
    verified: bool


class PlanChecklistParams(Schema):
    kind: Literal[tuple(rules.UNIT_PLAN_KINDS)] = "comprehensive"  # type: ignore[valid-type]
    review_required: bool = True


@router.get("/plan-filing-checklist", response={200: list[PlanChecklistItemOut], **ERRORS}, tags=TAGS,
            summary="The filing completeness checklist of a plan kind (办法 第二十六条, GB/T 29639-2020)")
def plan_filing_checklist(request, params: Query[PlanChecklistParams]):
    policy.require(request.auth, "view", Plan)
    return rules.filing_checklist(params.kind, review_required=params.review_required)


@router.post("/plan-documents", response={201: PlanDocumentOut, **ERRORS}, tags=TAGS,
             summary="Draft a new plan document (enterprise accounts: their own enterprise's)")
def create_plan_document(request, payload: PlanDocumentIn):
    plan = services.create_plan_document(request.auth, payload.model_dump())
    return Status(201, PLAN_OUTPUT(PLANS.get(request.auth, plan.pk), None, detail=True))


class PlanLifecycleTransitionIn(InSchema):
    action: ShortText(32, 1)
    note: Text = ""
    reason: Text = ""
    published_on: Date | None = None


def _act_on_plan(user, plan, payload: PlanLifecycleTransitionIn):
    data = payload.model_dump(exclude_none=True)
    return services.act_on_plan(user, plan, data.pop("action"), data)


(Crud(router, PLANS, "/plans", out=PlanDocumentOut, output=PLAN_OUTPUT, module=__name__, tags=TAGS)
 .transitions("act_on_plan", allowed_name="list_plan_transitions", workflow=services.PLAN_WORKFLOW,
              body=PlanLifecycleTransitionIn, act=_act_on_plan,
              summary="Take a plan life-cycle action (submit for review, back to drafting, publish, start evaluation)"))


# --- versions ----------------------------------------------------------------------------------------------------


class PlanVersionOut(Schema):
    id: int
    plan_id: int
    region_code: str
    enterprise_id: int | None
    number: int
    change_note: str
    created_at: datetime.datetime
    file_ids: list[int]


class PlanVersionIn(InSchema):
    plan: Id
    change_note: Text = ""


def _files(version) -> list[int]:
    from yingji.core import attachments

    return sorted(a.pk for a in attachments.for_object(version))


(Crud(router, surfaces.VERSIONS, "/plan-versions", out=PlanVersionOut, in_schema=PlanVersionIn, module=__name__,
      tags=TAGS, output=Output(PlanVersionOut, resolvers={"file_ids": _files}))
 .list("list_plan_versions", summary="Plan document versions in your scope")
 .get("get_plan_version")
 .create("create_plan_version", write=lambda user, p: services.add_version(user, p.model_dump()),
         summary="Add a document version to a plan being drafted or revised (the file is uploaded on its page)"))


# --- reviews -----------------------------------------------------------------------------------------------------


class PlanReviewOpinionOut(Schema):
    expert_id: int
    expert_name: str
    opinion: str
    agrees: bool


class PlanReviewOut(Schema):
    id: int
    plan_id: int
    region_code: str
    enterprise_id: int | None
    doc_version_id: int | None
    date: datetime.date
    conclusion: str
    summary: str
    opinions: list[PlanReviewOpinionOut]


class PlanReviewOpinionIn(InSchema):
    expert: Id
    opinion: ShortText(5000, 1)
    agrees: bool = True


class PlanReviewIn(InSchema):
    plan: Id
    date: Date
    conclusion: Literal[tuple(ReviewConclusion.values())]  # type: ignore[valid-type]
    summary: Text = ""
    opinions: list[PlanReviewOpinionIn] = Field(min_length=1, max_length=50)


def _opinions(review) -> list[dict]:
    return [{"expert_id": o.expert_id, "expert_name": o.expert.name, "opinion": o.opinion, "agrees": o.agrees}
            for o in review.opinions.all()]


(Crud(router, surfaces.REVIEWS, "/plan-reviews", out=PlanReviewOut, in_schema=PlanReviewIn, module=__name__,
      tags=TAGS, output=Output(PlanReviewOut, resolvers={"opinions": _opinions}))
 .list("list_plan_reviews", summary="Expert reviews of plans in your scope")
 .get("get_plan_review")
 .create("create_plan_review", write=lambda user, p: services.record_review(user, p.model_dump()),
         summary="Record an expert review of a plan under review (experts from the expert pool, their opinions)"))


# --- filings -----------------------------------------------------------------------------------------------------


class PlanFilingOut(Schema):
    id: int
    plan_id: int
    region_code: str
    enterprise_id: int | None
    doc_version: int
    state: str
    version: int
    checklist: list[str]
    missing: list[str]
    submitted_on: datetime.date
    receipt_number: str | None
    handled_on: datetime.date | None
    return_reason: str


class PlanFilingIn(InSchema):
    plan: Id
    checklist: list[ShortText(64, 1)] = Field(default_factory=list, max_length=100)


class PlanFilingTransitionIn(InSchema):
    action: ShortText(16, 1)
    note: Text = ""
    reason: Text = ""
    checklist: list[ShortText(64, 1)] | None = Field(None, max_length=100)


def _act_on_filing(user, filing, payload: PlanFilingTransitionIn):
    data = payload.model_dump(exclude_none=True)
    return services.act_on_filing(user, filing, data.pop("action"), data)


(Crud(router, surfaces.FILINGS, "/plan-filings", out=PlanFilingOut, in_schema=PlanFilingIn, module=__name__,
      tags=TAGS, output=Output(PlanFilingOut, resolvers={
          "missing": lambda f: [item["key"] for item in services.missing_items(f)]}))
 .list("list_plan_filings", summary="Filings of enterprise plans in your scope")
 .get("get_plan_filing")
 .create("create_plan_filing", write=lambda user, p: services.submit_filing(user, p.model_dump()),
         summary="File a published enterprise plan with the bureau (the enterprise), declaring the checklist items")
 .transitions("act_on_plan_filing", allowed_name="list_plan_filing_transitions",
              workflow=services.FILING_WORKFLOW, body=PlanFilingTransitionIn, act=_act_on_filing,
              summary="Receive (receipt number issued, plan filed), return with the reason, or resubmit a filing"))


# --- evaluations -------------------------------------------------------------------------------------------------


class PlanEvaluationOut(Schema):
    id: int
    plan_id: int
    region_code: str
    enterprise_id: int | None
    date: datetime.date
    conclusion: str
    findings: str
    triggers: list[str]
    revision_due: datetime.date | None


class PlanEvaluationIn(InSchema):
    plan: Id
    date: Date
    conclusion: Literal[tuple(EvaluationConclusion.values())]  # type: ignore[valid-type]
    findings: ShortText(5000, 1)
    triggers: list[Literal[tuple(rules.REVISION_TRIGGERS)]] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=10)
    revision_due: Date | None = None


(Crud(router, surfaces.EVALUATIONS, "/plan-evaluations", out=PlanEvaluationOut, in_schema=PlanEvaluationIn,
      module=__name__, tags=TAGS)
 .list("list_plan_evaluations", summary="Periodic evaluations of plans in your scope")
 .get("get_plan_evaluation")
 .create("create_plan_evaluation", write=lambda user, p: services.record_evaluation(user, p.model_dump()),
         summary="Record the periodic evaluation of a plan under evaluation (no revision needed, or revise by a date)"))
