"""API v1 of the assessment (issue 17 §2): ``/assessment/rubrics`` (list, get; ``/{id}/ranking``),
``/assessment/assessments`` (list, get with item rows, ``/{id}/transitions``: score, publish, appeal, decide,
finalize). Every list is scoped: a township's staff see only their own township's published assessments."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Router

from yingji.core.api_support import ERRORS, Id, InSchema, Schema, Text
from yingji.core.crud import Crud, Output

from . import services, surfaces

router = Router(tags=["assessment"])
TAGS = ["assessment"]
P = "/assessment"


class AssessmentRubricItemOut(Schema):
    id: int
    position: int
    section: str
    name: str
    points: Decimal
    kind: str
    metric: str
    rule: dict
    effect: str
    evidence: str


class AssessmentRubricOut(Schema):
    id: int
    year: int
    target: str
    title: str
    region_code: str
    state: str
    bands: list[dict]
    source: str
    items: list[AssessmentRubricItemOut]


class AssessmentItemRowOut(Schema):
    id: int
    rubric_item_id: int
    name: str
    kind: str
    points: Decimal
    value: Decimal | None
    value_text: str
    score: Decimal | None
    triggered: bool
    reason: str
    appeal_state: str
    appeal_reason: str
    decision_reason: str


class AssessmentOut(Schema):
    id: int
    rubric_id: int
    year: int
    region_code: str
    organisation_id: int
    state: str
    total: Decimal | None
    grade: str
    vetoed: bool
    rank: int | None
    published_at: datetime.datetime | None
    items: list[AssessmentItemRowOut]


class AppealDecisionIn(InSchema):
    item: Id
    outcome: Literal["upheld", "rejected"]
    score: Decimal | None = Field(default=None, ge=0, le=100)
    reason: Text = Field(min_length=1)


class AssessmentActionIn(InSchema):
    action: Literal["score", "publish", "appeal", "decide", "finalize"]
    reason: Text = ""
    items: list[Id] = Field(default_factory=list, max_length=100)
    decisions: list[AppealDecisionIn] = Field(default_factory=list, max_length=100)


class RankingRowOut(Schema):
    rank: int | None
    assessment_id: int
    unit: str
    region_code: str
    total: Decimal | None
    grade: str
    vetoed: bool


def _rubric_items(rubric):
    return [AssessmentRubricItemOut(**{k: getattr(i, k) for k in AssessmentRubricItemOut.model_fields})
            for i in rubric.items.all()]


def _rows(assessment):
    return [{"id": r.pk, "rubric_item_id": r.rubric_item_id, "name": r.rubric_item.name,
             "kind": r.rubric_item.kind, "points": r.rubric_item.points, "value": r.value,
             "value_text": r.value_text, "score": r.score, "triggered": r.triggered, "reason": r.reason,
             "appeal_state": r.appeal_state, "appeal_reason": r.appeal_reason, "decision_reason": r.decision_reason}
            for r in assessment.items.select_related("rubric_item").order_by("rubric_item__position", "id")]


(Crud(router, surfaces.RUBRICS, f"{P}/rubrics", out=AssessmentRubricOut, module=__name__, tags=TAGS,
      output=Output(AssessmentRubricOut, resolvers={"items": _rubric_items}))
 .list("list_assessment_rubrics", summary="Assessment rubrics (考核细则) with their items")
 .get("get_assessment_rubric"))


def _act(user, assessment, payload: AssessmentActionIn):
    data = payload.model_dump()
    data["decisions"] = [dict(d) for d in data["decisions"]]
    return services.act(user, assessment, payload.action, data)


(Crud(router, surfaces.ASSESSMENTS, f"{P}/assessments", out=AssessmentOut, module=__name__, tags=TAGS,
      output=Output(AssessmentOut, resolvers={"items": _rows, "year": lambda a: a.rubric.year}))
 .list("list_assessments", summary="Assessments of townships and member units")
 .get("get_assessment")
 .transitions("act_on_assessment", allowed_name="list_assessment_transitions", workflow=services.WORKFLOW,
              act=_act, body=AssessmentActionIn,
              summary="Take an assessment action: score, publish, appeal (items, reason), decide (decisions), "
                      "finalize"))


@router.get(f"{P}/rubrics/{{id}}/ranking", response={200: list[RankingRowOut], **ERRORS}, tags=TAGS,
            summary="The rubric's published assessments by rank (equal totals share a rank; the next skips)")
def get_assessment_ranking(request, id: Id):
    rubric = surfaces.RUBRICS.get(request.auth, id)
    return [{"rank": a.rank, "assessment_id": a.pk, "unit": str(a.organisation), "region_code": a.region_code,
             "total": a.total, "grade": a.grade, "vetoed": a.vetoed}
            for a in services.ranking(request.auth, rubric)]
