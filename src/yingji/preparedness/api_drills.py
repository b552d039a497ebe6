"""API v1 of drills (mounted on the preparedness router):

- ``/drill-plans``: list, get, create, PATCH;
- ``/drills``: list, get, create, PATCH, ``POST /{id}/problems``;
- ``/drill-problems``: list, get, ``/{id}/transitions`` (submit, accept, return);
- ``/drill-compliance``: each enterprise and township in scope against the required frequency of a year.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from ninja import Field, Query, Router
from ninja.responses import Status

from yingji.core.api_support import ERRORS, Date, Id, InSchema, Schema, ShortText
from yingji.core.crud import Crud, Output, patch_of

from . import surfaces_drills as surfaces
from .services import drills as services

router = Router(tags=["drills"])
TAGS = ["drills"]
Text = ShortText(5000)


class DrillPlanOut(Schema):
    id: int
    organiser_level: str
    region_code: str
    enterprise_id: int | None
    organiser: str
    year: int
    planned_month: int
    kind: str
    plan_type: str
    emergency_plan_id: int | None
    scenario: str
    notes: str


class DrillPlanIn(InSchema):
    organiser_level: ShortText(16) = ""
    township: ShortText(12) = ""
    enterprise: Id | None = None
    organiser: ShortText(200) = ""
    year: int = Field(ge=2000, le=2100)
    planned_month: int = Field(ge=1, le=12)
    kind: ShortText(16, 1)
    plan_type: ShortText(16, 1)
    emergency_plan: Id | None = None
    scenario: ShortText(300, 1)
    notes: Text = ""


DrillPlanPatch = patch_of(DrillPlanIn, "DrillPlanPatch", exclude=("organiser_level", "township", "enterprise",
                                                                  "organiser"))

(Crud(router, surfaces.DRILL_PLANS, "/drill-plans", out=DrillPlanOut, in_schema=DrillPlanIn,
      patch_schema=DrillPlanPatch, module=__name__, tags=TAGS)
 .list("list_drill_plans", summary="Planned drills of the units in your scope")
 .get("get_drill_plan")
 .create("create_drill_plan", write=lambda user, p: services.create_drill_plan(user, p.model_dump()))
 .update("update_drill_plan"))


class DrillOut(Schema):
    id: int
    organiser_level: str
    region_code: str
    enterprise_id: int | None
    organiser: str
    title: str
    drill_plan_id: int | None
    emergency_plan_id: int | None
    kind: str
    plan_type: str
    scenario: str
    date: datetime.date
    place: str
    participants: int
    participant_units: str
    team_ids: list[int]
    equipment_ids: list[int]
    evaluation_worked: str
    evaluation_problems: str
    reported: bool


class DrillIn(InSchema):
    organiser_level: ShortText(16) = ""
    township: ShortText(12) = ""
    enterprise: Id | None = None
    organiser: ShortText(200) = ""
    title: ShortText(200, 1)
    drill_plan: Id | None = None
    emergency_plan: Id | None = None
    kind: ShortText(16, 1)
    plan_type: ShortText(16, 1)
    scenario: Text
    date: Date
    place: ShortText(200, 1)
    participants: int = Field(0, ge=0, le=1_000_000)
    participant_units: Text = ""
    teams: list[Id] = Field(default_factory=list, max_length=100)
    equipment: list[Id] = Field(default_factory=list, max_length=200)
    evaluation_worked: Text = ""
    evaluation_problems: Text = ""
    reported: bool = False


DrillPatch = patch_of(DrillIn, "DrillPatch", exclude=("organiser_level", "township", "enterprise", "organiser"))


def _ids(name):
    return lambda drill: sorted(obj.pk for obj in getattr(drill, name).all())


drills = (Crud(router, surfaces.DRILLS, "/drills", out=DrillOut, in_schema=DrillIn, patch_schema=DrillPatch,
               module=__name__, tags=TAGS,
               output=Output(DrillOut, resolvers={"team_ids": _ids("teams"), "equipment_ids": _ids("equipment")}))
          .list("list_drills", summary="Drills in your scope (one record per drill)")
          .get("get_drill")
          .create("create_drill", write=lambda user, p: services.create_drill(user, p.model_dump()))
          .update("update_drill"))


class DrillProblemOut(Schema):
    id: int
    drill_id: int
    region_code: str
    enterprise_id: int | None
    description: str
    owner: str
    deadline: datetime.date
    state: str
    version: int
    rectification: str
    verification: str
    reminder_level: int


class DrillProblemIn(InSchema):
    description: Text
    owner: ShortText(100, 1)
    deadline: Date
    owner_user: Id | None = None


class ProblemTransitionIn(InSchema):
    action: ShortText(16, 1)
    rectification: Text = ""
    note: Text = ""
    reason: Text = ""
    deadline: Date | None = None


def _act(user, problem, payload: ProblemTransitionIn):
    data = payload.model_dump(exclude_none=True)
    return services.act_on_problem(user, problem, data.pop("action"), data)


problems = (Crud(router, surfaces.PROBLEMS, "/drill-problems", out=DrillProblemOut, module=__name__, tags=TAGS)
            .list("list_drill_problems", summary="Problems found by the drills in your scope")
            .get("get_drill_problem")
            .transitions("act_on_drill_problem", allowed_name="list_drill_problem_transitions",
                         workflow=services.PROBLEM_WORKFLOW, body=ProblemTransitionIn, act=_act,
                         summary="Report rectified (the owner), verify and close or return (the organiser's side)"))


@router.post("/drills/{id}/problems", response={201: DrillProblemOut, **ERRORS}, tags=TAGS,
             summary="Record a problem the drill found, with its owner and deadline")
def create_drill_problem(request, id: Id, payload: DrillProblemIn):
    drill = surfaces.DRILLS.get(request.auth, id, "change")
    problem = services.add_problem(request.auth, drill, payload.model_dump())
    return Status(201, problems.answer(request.auth, surfaces.PROBLEMS.get(request.auth, problem.pk), audited=False))


class PeriodOut(Schema):
    requirement: str
    start: datetime.date
    end: datetime.date
    held: int
    status: str


class EnterpriseComplianceOut(Schema):
    enterprise_id: int
    name: str
    region_code: str
    unit_kind: str
    held: int
    status: str
    periods: list[PeriodOut]


class TownshipComplianceOut(Schema):
    code: str
    name: str
    held: int
    status: str
    enterprises: int
    enterprises_met: int
    enterprises_pending: int
    enterprises_missed: int


class ComplianceOut(Schema):
    year: int
    source: str
    enterprises: list[EnterpriseComplianceOut]
    townships: list[TownshipComplianceOut]
    statistics: dict


class ComplianceParams(Schema):
    year: int | None = Field(None, ge=2000, le=2100)


def _periods(periods) -> list[dict]:
    return [{"requirement": p.requirement.key, "start": p.start, "end": p.end, "held": p.held, "status": p.status}
            for p in periods]


@router.get("/drill-compliance", response={200: ComplianceOut, **ERRORS}, tags=TAGS,
            summary="Each enterprise and township in your scope against the required drill frequency of a year")
def drill_compliance(request, params: Query[ComplianceParams]):
    from yingji.core import policy
    from yingji.standards import drills as rules

    from .models.drills import Drill

    policy.require(request.auth, "view", Drill)
    today = timezone.localdate()
    year = params.year or today.year
    as_of = min(today, datetime.date(year, 12, 31) + datetime.timedelta(days=1))
    rows = services.enterprise_compliance(request.auth, year, as_of)
    township_rows = services.township_compliance(request.auth, year, as_of, enterprise_rows=rows)
    enterprises = [{"enterprise_id": r["enterprise"].pk, "name": r["enterprise"].name,
                    "region_code": r["enterprise"].region_code, "unit_kind": r["unit_kind"], "held": r["held"],
                    "status": r["status"], "periods": _periods(r["periods"])} for r in rows]
    townships = [{"code": r["township"].code, "name": r["township"].name, "held": r["held"], "status": r["status"],
                  "enterprises": r["enterprises"], "enterprises_met": r["enterprises_met"],
                  "enterprises_pending": r["enterprises_pending"], "enterprises_missed": r["enterprises_missed"]}
                 for r in township_rows]
    stats = services.statistics(request.auth, year, as_of, enterprise_rows=rows, township_rows=township_rows)
    stats["by_level"] = [{k: (str(v) if k == "label" else v) for k, v in row.items()} for row in stats["by_level"]]
    return {"year": year, "source": rules.SOURCE, "enterprises": enterprises, "townships": townships,
            "statistics": stats}
