"""API v1 of the annual plan, supervision classes, campaigns and supervision orders (mounted on the enforcement
router by ``api``).

- ``/inspection-plans``: list, get, create (draws up the plan), ``/{id}/transitions`` (approve, reopen, publish),
  ``/{id}/progress`` (planned against done by township and month);
- ``/supervision-classes``: list, get, PATCH (staff set the class with a reason);
- ``/campaigns``: list, get, create, PATCH, ``POST /{id}/tasks``; ``/campaign-tasks``: list, get,
  ``POST /{id}/reports``;
- ``/supervision-orders``: list, get, create (issue), ``/{id}/transitions`` (reply, accept, return, close).
"""

from __future__ import annotations

import datetime

from ninja import Field, Router
from ninja.responses import Status

from yingji.core.api_support import ERRORS, Date, DateTime, Id, InSchema, Schema, ShortText
from yingji.core.crud import Crud, Output

from . import surfaces
from .services import campaigns as campaign_services
from .services import orders as order_services
from .services import plans as plan_services

router = Router(tags=["enforcement"])
TAGS = ["enforcement"]
Text = ShortText(5000)


# --- supervision classes ---------------------------------------------------------------------------------------


class SupervisionClassOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    year: int
    region_code: str
    supervision_class: str
    computed_class: str
    computed_reason: str
    reason: str
    inputs: dict
    override_class: str
    override_reason: str
    overridden_at: datetime.datetime | None


class SupervisionClassPatch(InSchema):
    override_class: ShortText(1) | None = None
    override_reason: Text | None = None


(Crud(router, surfaces.CLASSES, "/supervision-classes", out=SupervisionClassOut, module=__name__, tags=TAGS,
      patch_schema=SupervisionClassPatch, nullable=(),
      output=Output(SupervisionClassOut, resolvers={"enterprise_name": lambda r: r.enterprise.name}))
 .list("list_supervision_classes", summary="Supervision classes (分类分级) of the enterprises, per year")
 .get("get_supervision_class")
 .update("update_supervision_class", summary="Set (or clear, with an empty class) the class, with a reason"))


# --- annual inspection plans -----------------------------------------------------------------------------------


class InspectionPlanOut(Schema):
    id: int
    year: int
    region_code: str
    title: str
    state: str
    note: str
    version: int
    items: int
    distribution: dict[str, int]
    approved_at: datetime.datetime | None
    published_at: datetime.datetime | None


class InspectionPlanIn(InSchema):
    year: int = Field(ge=2000, le=2999)
    region_code: ShortText(12, 6)
    title: ShortText(200) = ""
    note: Text = ""


class PlanTransitionIn(InSchema):
    action: ShortText(16, 1)
    reason: Text = ""


def _distribution(plan) -> dict[str, int]:
    from yingji.standards import supervision_class as rules

    return rules.distribution(plan.items.values_list("supervision_class", flat=True))


(Crud(router, surfaces.PLANS, "/inspection-plans", out=InspectionPlanOut, module=__name__, tags=TAGS,
      in_schema=InspectionPlanIn,
      output=Output(InspectionPlanOut, resolvers={"items": lambda p: p.items.count(), "distribution": _distribution}))
 .list("list_inspection_plans", summary="Annual inspection plans (年度监督检查计划) you may see")
 .create("create_inspection_plan", summary="Draw up a plan: class every operating enterprise and plan its visits",
         write=lambda user, payload: plan_services.create_plan(user, payload.model_dump()))
 .get("get_inspection_plan")
 .transitions("act_on_inspection_plan", allowed_name="list_inspection_plan_transitions",
              workflow=plan_services.PLAN_WORKFLOW, body=PlanTransitionIn,
              act=lambda user, plan, payload: plan_services.act_on_plan(user, plan, payload.action,
                                                                        {"reason": payload.reason}),
              summary="Approve, reopen (with a reason) or publish the plan"))


class CellOut(Schema):
    month: int
    planned: int
    done: int


class ProgressRowOut(Schema):
    code: str
    name: str
    enterprises: int
    planned: int
    done: int
    cells: list[CellOut]


class ProgressOut(Schema):
    planned: int
    done: int
    rate: int | None
    key_visits: int
    random_visits: int
    enterprises: int
    distribution: dict[str, int]
    rows: list[ProgressRowOut]
    totals: list[CellOut]


@router.get("/inspection-plans/{id}/progress", response={200: ProgressOut, **ERRORS}, tags=TAGS,
            summary="Planned against done by township and month (your jurisdiction's part of the plan)")
def inspection_plan_progress(request, id: Id):
    plan = surfaces.PLANS.get(request.auth, id)
    return plan_services.progress(plan, request.auth)


# --- campaigns ----------------------------------------------------------------------------------------------


class CampaignOut(Schema):
    id: int
    title: str
    kind: str
    basis: str
    starts_on: datetime.date
    ends_on: datetime.date
    industries: list[str]
    townships: list[str]
    lead_org_id: int | None
    region_code: str
    description: str


class CampaignIn(InSchema):
    title: ShortText(200, 1)
    kind: ShortText(24, 1)
    basis: ShortText(300, 1)
    starts_on: Date
    ends_on: Date
    industries: list[ShortText(32)] = Field(default_factory=list, max_length=20)
    townships: list[ShortText(12)] = Field(default_factory=list, max_length=100)
    lead_org: Id | None = None
    description: Text = ""


class CampaignPatch(InSchema):
    title: ShortText(200, 1) | None = None
    basis: ShortText(300, 1) | None = None
    starts_on: Date | None = None
    ends_on: Date | None = None
    industries: list[ShortText(32)] | None = Field(None, max_length=20)
    townships: list[ShortText(12)] | None = Field(None, max_length=100)
    description: Text | None = None


(Crud(router, surfaces.CAMPAIGNS, "/campaigns", out=CampaignOut, module=__name__, tags=TAGS, in_schema=CampaignIn,
      patch_schema=CampaignPatch, nullable=())
 .list("list_campaigns", summary="Campaigns (专项整治 / 安全生产大检查) you may see")
 .create("create_campaign", write=lambda user, payload: campaign_services.create_campaign(user, payload.model_dump()))
 .get("get_campaign")
 .update("update_campaign"))


class CampaignTaskOut(Schema):
    id: int
    campaign_id: int
    region_code: str
    organisation_id: int | None
    assignee: str
    content: str
    deadlines: list[str]
    due_on: datetime.date | None
    state: str


class CampaignTaskIn(InSchema):
    township: ShortText(12) = ""
    organisation: Id | None = None
    content: Text
    deadlines: list[Date] = Field(min_length=1, max_length=24)


_TASK_OUTPUT = Output(CampaignTaskOut, resolvers={"assignee": lambda t: t.assignee_name})
tasks = (Crud(router, surfaces.TASKS, "/campaign-tasks", out=CampaignTaskOut, module=__name__, tags=TAGS,
              output=_TASK_OUTPUT)
         .list("list_campaign_tasks", summary="Campaign tasks (a township's staff: their own)")
         .get("get_campaign_task"))


@router.post("/campaigns/{id}/tasks", response={201: CampaignTaskOut, **ERRORS}, tags=TAGS,
             summary="Give a township or a department a task of the campaign with its report deadlines")
def create_campaign_task(request, id: Id, payload: CampaignTaskIn):
    campaign = surfaces.CAMPAIGNS.get(request.auth, id, "change")
    task = campaign_services.add_task(request.auth, campaign, payload.model_dump())
    return Status(201, tasks.answer(request.auth, surfaces.TASKS.get(request.auth, task.pk), audited=False))


class CampaignReportIn(InSchema):
    period: ShortText(50) = ""
    enterprises_checked: int = Field(ge=0, le=1_000_000)
    hazards_found: int = Field(ge=0, le=1_000_000)
    hazards_rectified: int = Field(ge=0, le=1_000_000)
    major_hazards: int = Field(ge=0, le=1_000_000)
    text: Text


class CampaignReportOut(Schema):
    id: int
    task_id: int
    due_on: datetime.date
    period: str
    enterprises_checked: int
    hazards_found: int
    hazards_rectified: int
    major_hazards: int
    text: str
    submitted_at: datetime.datetime
    late: bool


@router.post("/campaign-tasks/{id}/reports", response={201: CampaignReportOut, **ERRORS}, tags=TAGS,
             summary="The assignee's progress report for the task's next deadline (late after that day)")
def create_campaign_report(request, id: Id, payload: CampaignReportIn):
    task = surfaces.TASKS.get(request.auth, id)
    report = campaign_services.submit_report(request.auth, task, payload.model_dump())
    return Status(201, {name: getattr(report, name) for name in CampaignReportOut.model_fields})


# --- supervision orders --------------------------------------------------------------------------------------


class SupervisionOrderOut(Schema):
    id: int
    number: str
    kind: str
    title: str
    matter: str
    region_code: str
    organisation_id: int | None
    assignee: str
    hazard_id: int | None
    enterprise_id: int | None
    deadline: datetime.datetime
    state: str
    version: int
    reply: str
    replied_at: datetime.datetime | None
    verification: str
    verified_at: datetime.datetime | None
    escalation_level: int
    issued_at: datetime.datetime


class SupervisionOrderIn(InSchema):
    kind: ShortText(16, 1)
    title: ShortText(200, 1)
    matter: Text
    township: ShortText(12) = ""
    organisation: Id | None = None
    hazard: Id | None = None
    enterprise: Id | None = None
    deadline: DateTime


class OrderTransitionIn(InSchema):
    action: ShortText(16, 1)
    reply: Text = ""
    note: Text = ""
    reason: Text = ""
    deadline: DateTime | None = None


def _act_on_order(user, order, payload: OrderTransitionIn):
    data = payload.model_dump(exclude_none=True)
    return order_services.act_on_order(user, order, data.pop("action"), data)


(Crud(router, surfaces.ORDERS, "/supervision-orders", out=SupervisionOrderOut, module=__name__, tags=TAGS,
      in_schema=SupervisionOrderIn,
      output=Output(SupervisionOrderOut, resolvers={"assignee": lambda o: o.assignee_name}))
 .list("list_supervision_orders", summary="Supervision orders (交办单 / 督办单) you may see")
 .create("create_supervision_order", summary="Issue an order to a township or a department",
         write=lambda user, payload: order_services.issue_order(user, payload.model_dump()))
 .get("get_supervision_order")
 .transitions("act_on_supervision_order", allowed_name="list_supervision_order_transitions",
              workflow=order_services.ORDER_WORKFLOW, body=OrderTransitionIn, act=_act_on_order,
              summary="Reply (the assignee), accept or return (the issuer, a reason), close"))
