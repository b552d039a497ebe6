"""API v1 of the pre-flood checks (汛前大排查): rounds, the checks recorded in them (a check with problems registers
them as hazards of the place), the progress by township and the supervision order about an open problem."""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Field, Router
from ninja.responses import Status

from yingji.core import policy
from yingji.core.api_support import ERRORS, Date, DateTime, Id, InSchema, Schema, ShortText, Text
from yingji.core.crud import Crud, Output, patch_of
from yingji.core.errors import NotAllowed
from yingji.prevention.models import Hazard

from . import surfaces_flood_checks as surfaces
from .flood_check_choices import CheckResult
from .services import flood_checks as services

router = Router(tags=["disasters"])


class FloodCheckRoundOut(Schema):
    id: int
    title: str
    year: int
    region_code: str
    basis: str
    starts_on: datetime.date
    ends_on: datetime.date
    rectify_days: int
    description: str
    state: str


class FloodCheckRoundIn(InSchema):
    title: ShortText(200, 1)
    region_code: ShortText(12, 6) | None = None
    basis: ShortText(300) = ""
    starts_on: Date
    ends_on: Date
    rectify_days: int = Field(default=15, ge=1, le=365)
    description: Text = ""


FloodCheckRoundPatch = patch_of(FloodCheckRoundIn, "FloodCheckRoundPatch")


(Crud(router, surfaces.ROUNDS, "/flood-check-rounds", out=FloodCheckRoundOut, module=__name__, tags=["disasters"],
      in_schema=FloodCheckRoundIn, patch_schema=FloodCheckRoundPatch)
 .list("list_flood_check_rounds", summary="Pre-flood check rounds (汛前大排查)")
 .get("get_flood_check_round")
 .create("create_flood_check_round", write=lambda user, p: services.create_round(
     user, {k: v for k, v in p.model_dump().items() if v is not None}))
 .update("update_flood_check_round"))


class FloodCheckRecordOut(Schema):
    id: int
    round_id: int
    place_id: int
    region_code: str
    checked_on: datetime.date
    checked_by_unit: str
    checkers: str
    result: str
    note: str
    hazard_ids: list[int]


(Crud(router, surfaces.RECORDS, "/flood-check-records", out=FloodCheckRecordOut, module=__name__,
      tags=["disasters"],
      output=Output(FloodCheckRecordOut, resolvers={"hazard_ids": lambda r: sorted(h.pk for h in r.hazards.all())}))
 .list("list_flood_check_records", summary="Places checked in pre-flood check rounds")
 .get("get_flood_check_record"))


class FloodFindingIn(InSchema):
    title: ShortText(200, 1)
    description: Text = ""


class FloodCheckRecordIn(InSchema):
    place_id: Id
    checked_on: Date
    checked_by_unit: ShortText(200, 1)
    checkers: ShortText(200, 1)
    result: Literal[tuple(CheckResult.values())]  # type: ignore[valid-type]
    findings: list[FloodFindingIn] = Field(default=[], max_length=services.MAX_FINDINGS)
    note: Text = ""


def _record_out(record) -> dict:
    return {**{f: getattr(record, f) for f in FloodCheckRecordOut.model_fields if f != "hazard_ids"},
            "hazard_ids": sorted(record.hazards.values_list("pk", flat=True))}


@router.post("/flood-check-rounds/{id}/records", response={201: FloodCheckRecordOut, **ERRORS},
             tags=["disasters"], summary="Record one place's check; the problems found become hazards of the place")
def record_flood_check(request, id: Id, payload: FloodCheckRecordIn):
    check_round = surfaces.ROUNDS.get(request.auth, id)
    data = payload.model_dump()
    data["findings"] = [dict(f) for f in data["findings"]]
    return Status(201, _record_out(services.record_check(request.auth, check_round, data)))


class FloodCheckProgressRowOut(Schema):
    code: str
    name: str
    places: int
    checked: int
    records: int
    with_problems: int
    found: int
    closed: int
    open: int
    overdue: int
    major: int
    cleared: bool
    coverage: float | None


class FloodCheckProgressOut(Schema):
    rows: list[FloodCheckProgressRowOut]
    total: FloodCheckProgressRowOut


@router.get("/flood-check-rounds/{id}/progress", response={200: FloodCheckProgressOut, **ERRORS},
            tags=["disasters"], summary="A round's progress by township (found, closed, open, overdue; 清零)")
def flood_check_progress(request, id: Id):
    return services.progress(request.auth, surfaces.ROUNDS.get(request.auth, id))


class FloodCheckPressIn(InSchema):
    hazard_id: Id
    deadline: DateTime


class FloodCheckOrderOut(Schema):
    id: int
    number: str
    hazard_id: int
    region_code: str
    deadline: datetime.datetime


@router.post("/flood-check-rounds/{id}/orders", response={201: FloodCheckOrderOut, **ERRORS}, tags=["disasters"],
             summary="Issue a supervision order (督办单) to the township about an open problem of the round")
def press_flood_check_hazard(request, id: Id, payload: FloodCheckPressIn):
    check_round = surfaces.ROUNDS.get(request.auth, id)
    if not services.may_press(request.auth):
        raise NotAllowed()
    hazard = policy.get_in_scope_or_field_error(Hazard, payload.hazard_id, request.auth, "hazard_id")
    order = services.press(request.auth, check_round, hazard, {"deadline": payload.deadline})
    return Status(201, {"id": order.pk, "number": order.number, "hazard_id": hazard.pk,
                        "region_code": order.region_code, "deadline": order.deadline})

