"""API v1 of disaster relief: standards, applications (with their workflow), objections and disbursements.

Identity numbers and phones are masked for roles without the personal-data grant, in lists and details alike.
``POST /relief-applications/{id}/transitions`` body ``{"action": "review"|"publish"|"approve"|"disburse"|"return"|
"resubmit"|"reject", "reason": "...", "funds": "123.00", "batch": id, "quantity": n}``."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Router
from ninja.responses import Status

from yingji.core.api_support import ERRORS, Id, InSchema, Phone, Schema, ShortText, Text
from yingji.core.crud import Crud, Output, contextual, patch_of
from yingji.standards import relief as rules

from . import surfaces_relief as surfaces
from .choices_relief import HouseDamage, ReliefKind
from .services import relief as services

router = Router(tags=["disasters"])
TAGS = ["disasters"]


def _lit(choice_set):
    return Literal[tuple(choice_set.values())]  # type: ignore[valid-type]


class ReliefStandardOut(Schema):
    id: int
    region_code: str
    year: int
    kind: str
    per_person: Decimal
    per_household: Decimal
    unit: str
    source: str
    verified: bool


class ReliefStandardIn(InSchema):
    region_code: ShortText(12, 6)
    year: int = Field(ge=1900, le=2100)
    kind: _lit(ReliefKind)
    per_person: Decimal = Field(default=Decimal(0), ge=0, max_digits=10, decimal_places=2)
    per_household: Decimal = Field(default=Decimal(0), ge=0, max_digits=10, decimal_places=2)
    unit: ShortText(100) = ""
    source: ShortText(300, 1)
    verified: bool = False


ReliefStandardPatch = patch_of(ReliefStandardIn, "ReliefStandardPatch")

(Crud(router, surfaces.STANDARDS, "/relief-standards", out=ReliefStandardOut, module=__name__, tags=TAGS,
      in_schema=ReliefStandardIn, patch_schema=ReliefStandardPatch)
 .list("list_relief_standards", summary="Relief amounts per year and kind (editable data)")
 .get("get_relief_standard")
 .create("create_relief_standard")
 .update("update_relief_standard"))


@contextual
def _id_number(obj, view) -> str:
    return obj.id_number if view.reveal else rules.mask_id_number(obj.id_number)


class ReliefObjectionOut(Schema):
    id: int
    raised_by: str
    content: str
    state: str
    resolution: str
    raised_at: datetime.datetime
    handled_at: datetime.datetime | None


class ReliefApplicationOut(Schema):
    id: int
    event_id: int
    household_id: int | None
    kind: str
    region_code: str
    head_name: str
    id_number: str
    phone: str
    address: str
    members: int
    damage: str
    need: str
    units: int
    amount: Decimal
    state: str
    version: int
    notice_from: datetime.date | None
    notice_until: datetime.date | None
    note: str
    objections: list[ReliefObjectionOut] = []


def _objections(app) -> list[dict]:
    return [ReliefObjectionOut.from_orm(o).model_dump() for o in app.objections.all()]


class ReliefApplicationIn(InSchema):
    event_id: Id
    household_id: Id | None = None
    kind: _lit(ReliefKind)
    region_code: ShortText(12) = ""
    head_name: ShortText(50) = ""
    id_number: ShortText(18, 18)
    phone: Phone = ""
    address: ShortText(200) = ""
    members: int | None = Field(default=None, ge=1, le=50)
    damage: _lit(HouseDamage) = "none"
    need: Text = ""
    units: int = Field(default=1, ge=1, le=366)
    note: ShortText(500) = ""


ReliefApplicationPatch = patch_of(ReliefApplicationIn, "ReliefApplicationPatch", exclude=("event_id",))


class ReliefTransitionIn(InSchema):
    action: Literal[tuple(services.WORKFLOW.actions)]  # type: ignore[valid-type]
    reason: ShortText(500) = ""
    note: ShortText(200) = ""
    funds: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    batch: Id | None = None
    quantity: int | None = Field(default=None, ge=0, le=2**31 - 1)


def _act(user, app, payload):
    data = payload.model_dump(exclude_none=True)
    data = {k: v for k, v in data.items() if v != ""}
    return services.act(user, app, data.pop("action"), data)


(Crud(router, surfaces.APPLICATIONS, "/relief-applications", out=ReliefApplicationOut, module=__name__, tags=TAGS,
      in_schema=ReliefApplicationIn, patch_schema=ReliefApplicationPatch,
      output=Output(ReliefApplicationOut, phones=("phone",), resolvers={"id_number": _id_number,
                                                                        "objections": _objections},
                    detail_only=("objections",)))
 .list("list_relief_applications", summary="Households' relief applications in your area")
 .get("get_relief_application")
 .create("create_relief_application", write=lambda user, p: services.create_application(
     user, {k: v for k, v in p.model_dump().items() if v not in (None, "")}))
 .update("update_relief_application")
 .transitions("act_on_relief_application", allowed_name="list_relief_application_transitions",
              workflow=services.WORKFLOW, body=ReliefTransitionIn, act=_act,
              summary="Review, put on notice, approve, disburse, return, resubmit or reject an application"))


class ReliefObjectionIn(InSchema):
    raised_by: ShortText(50, 1)
    content: Text = Field(min_length=1, max_length=2000)


class ReliefObjectionHandleIn(InSchema):
    decision: Literal["upheld", "dismissed"]
    resolution: Text = Field(min_length=1, max_length=2000)


@router.post("/relief-applications/{id}/objections", response={201: ReliefObjectionOut, **ERRORS}, tags=TAGS,
             summary="Record an objection raised during the public notice")
def create_relief_objection(request, id: Id, payload: ReliefObjectionIn):
    app = surfaces.APPLICATIONS.get(request.auth, id, "change")
    return Status(201, ReliefObjectionOut.from_orm(services.raise_objection(request.auth, app,
                                                                           payload.model_dump())).model_dump())


@router.post("/relief-objections/{id}/handle", response={200: ReliefObjectionOut, **ERRORS}, tags=TAGS,
             summary="Uphold or dismiss an objection, saying how it was checked")
def handle_relief_objection(request, id: Id, payload: ReliefObjectionHandleIn):
    from yingji.core import policy

    from .models.relief import ReliefObjection

    objection = policy.get_object(request.auth, ReliefObjection, id, "change")
    return ReliefObjectionOut.from_orm(services.handle_objection(request.auth, objection,
                                                                 payload.model_dump())).model_dump()


class ReliefDisbursementOut(Schema):
    id: int
    application_id: int
    event_id: int
    kind: str
    id_number: str
    region_code: str
    funds: Decimal
    batch_id: int | None
    quantity: int
    movement_id: int | None
    paid_at: datetime.datetime
    note: str


(Crud(router, surfaces.DISBURSEMENTS, "/relief-disbursements", out=ReliefDisbursementOut, module=__name__,
      tags=TAGS, output=Output(ReliefDisbursementOut, resolvers={"id_number": _id_number}))
 .list("list_relief_disbursements", summary="Relief funds and goods handed to households")
 .get("get_relief_disbursement"))


class ReliefNoticeRowOut(Schema):
    name: str
    id_number: str
    region_code: str
    kind: str
    members: int
    damage: str
    amount: Decimal
    notice_from: datetime.date | None
    notice_until: datetime.date | None


@router.get("/relief-notice/{id}", response={200: list[ReliefNoticeRowOut], **ERRORS}, tags=TAGS,
            summary="An event's relief list on public notice, masked as published")
def relief_public_notice(request, id: Id):
    from .surfaces_reports import EVENTS

    event = EVENTS.get(request.auth, id)
    return [{**row, "kind": str(row["kind"]), "damage": str(row["damage"])} for row in services.public_notice(event)]
