"""API v1 of danger zones, households, transfers and the shelter coverage (三个全覆盖).

``POST /transfer-households/{id}/confirm`` body ``{"state": "moved"|"refused"|"pending", "people_moved": n,
"reason": "...", "version": v}``: ``version`` is the line's version as read; someone else's confirmation in
between answers 409 and nothing is counted twice."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Router

from yingji.core import policy
from yingji.core.api_support import ERRORS, Id, InSchema, Phone, Schema, ShortText, Text
from yingji.core.crud import Crud, Output, contextual, patch_of

from . import surfaces_zones as surfaces
from .models.zones import TransferHousehold
from .services import zones as services
from .zone_choices import HouseholdState, ZoneKind


def _lit(choice_set):
    return Literal[tuple(choice_set.values())]  # type: ignore[valid-type]


Small = Field(default=0, ge=0, le=50)


class ZoneContactOut(Schema):
    name: str
    role: str = ""
    phone: str = ""


class ZoneContactIn(InSchema):
    name: ShortText(50, 1)
    role: ShortText(50) = ""
    phone: Phone


class DangerZoneOut(Schema):
    id: int
    name: str
    kind: str
    region_code: str
    lat: Decimal | None
    lon: Decimal | None
    geometry: dict | None
    description: str
    route: str
    shelter_id: int | None
    responsible_name: str
    responsible_phone: str
    contact_chain: list[ZoneContactOut]
    is_active: bool
    households: int
    people: int


class DangerZoneIn(InSchema):
    name: ShortText(200, 1)
    kind: _lit(ZoneKind)
    region_code: ShortText(12, 12)
    lat: Decimal | None = Field(default=None, ge=-90, le=90, decimal_places=6)
    lon: Decimal | None = Field(default=None, ge=-180, le=180, decimal_places=6)
    geometry: dict | None = None
    description: Text = ""
    route: Text = ""
    shelter_id: Id | None = None
    responsible_name: ShortText(50) = ""
    responsible_phone: Phone = ""
    contact_chain: list[ZoneContactIn] = Field(default=[], max_length=20)
    is_active: bool = True


DangerZonePatch = patch_of(DangerZoneIn, "DangerZonePatch")


@contextual
def _chain(zone, view) -> list[dict]:
    return [{"name": c.get("name", ""), "role": c.get("role", ""),
             "phone": c.get("phone", "") if view.reveal else policy.mask_phone(c.get("phone", ""))}
            for c in zone.contact_chain or [] if isinstance(c, dict)]


def _zone_data(data: dict) -> dict:
    if "contact_chain" in data and data["contact_chain"] is not None:
        data["contact_chain"] = [dict(c) for c in data["contact_chain"]]
    return data


router = Router(tags=["disasters"])

(Crud(router, surfaces.ZONES, "/danger-zones", out=DangerZoneOut, module=__name__, tags=["disasters"],
      in_schema=DangerZoneIn, patch_schema=DangerZonePatch,
      output=Output(DangerZoneOut, phones=("responsible_phone",), resolvers={
          "contact_chain": _chain, "households": lambda z: z.households.count(),
          "people": lambda z: sum(z.households.values_list("people", flat=True))}))
 .list("list_danger_zones", summary="Danger zones (山洪危险区, 地质灾害隐患点, 低洼易涝区, 水库/尾矿库下游)")
 .get("get_danger_zone")
 .create("create_danger_zone", write=lambda user, p: services.create_zone(user, _zone_data(p.model_dump())))
 .update("update_danger_zone", write=lambda user, zone, data: services.update_zone(user, zone, _zone_data(data))))


class HouseholdOut(Schema):
    id: int
    zone_id: int
    region_code: str
    head_name: str
    phone: str
    address: str
    people: int
    elderly_alone: int
    disabled: int
    children: int
    note: str


class HouseholdIn(InSchema):
    zone_id: Id
    head_name: ShortText(50, 1)
    phone: Phone = ""
    address: ShortText(200) = ""
    people: int = Field(ge=1, le=50)
    elderly_alone: int = Small
    disabled: int = Small
    children: int = Small
    note: ShortText(200) = ""


HouseholdPatch = patch_of(HouseholdIn, "HouseholdPatch")

(Crud(router, surfaces.HOUSEHOLDS, "/danger-zone-households", out=HouseholdOut, module=__name__,
      tags=["disasters"], in_schema=HouseholdIn, patch_schema=HouseholdPatch,
      output=Output(HouseholdOut, phones=("phone",)))
 .list("list_danger_zone_households", summary="Households living in danger zones")
 .get("get_danger_zone_household")
 .create("create_danger_zone_household")
 .update("update_danger_zone_household"))


class ZoneTransferOut(Schema):
    id: int
    warning_id: int
    zone_id: int
    region_code: str
    shelter_id: int | None
    state: str
    households_total: int
    people_total: int
    people_moved: int
    households_moved: int
    households_refused: int
    created_at: datetime.datetime
    lines: list[dict] | None = None


@contextual
def _lines(transfer, view) -> list[dict]:
    return [{"id": line.pk, "household_id": line.household_id, "head_name": line.household.head_name,
             "phone": line.household.phone if view.reveal else policy.mask_phone(line.household.phone),
             "people": line.people, "state": line.state, "people_moved": line.people_moved, "reason": line.reason,
             "version": line.version} for line in services.lines_for(view.user, transfer)]


(Crud(router, surfaces.TRANSFERS, "/zone-transfers", out=ZoneTransferOut, module=__name__, tags=["disasters"],
      output=Output(ZoneTransferOut, resolvers={"lines": _lines}, detail_only=("lines",)))
 .list("list_zone_transfers", summary="Transfers of danger-zone households started by warnings")
 .get("get_zone_transfer"))


class ConfirmIn(InSchema):
    state: _lit(HouseholdState)
    people_moved: int | None = Field(default=None, ge=0, le=50)
    reason: ShortText(200) = ""
    version: int = Field(ge=0, le=2**31 - 1)


class TransferLineOut(Schema):
    id: int
    transfer_id: int
    household_id: int
    people: int
    state: str
    people_moved: int
    reason: str
    version: int


@router.post("/transfer-households/{id}/confirm", response={200: TransferLineOut, **ERRORS}, tags=["disasters"],
             summary="Confirm one household of a transfer (moved, refused with a reason, or back to pending)")
def confirm_transfer_household(request, id: Id, payload: ConfirmIn):
    line = policy.get_object(request.auth, TransferHousehold, id)
    line = services.confirm(request.auth, line, payload.state, people_moved=payload.people_moved,
                            reason=payload.reason, version=payload.version)
    return {f: getattr(line, f) for f in TransferLineOut.model_fields}


class TownshipTotalOut(Schema):
    region_code: str
    name: str
    households: int
    people: int
    moved: int
    households_moved: int
    refused: int


class TransferTotalsOut(Schema):
    townships: list[TownshipTotalOut]
    total: dict[str, int]


@router.get("/zone-transfers-totals", response={200: TransferTotalsOut, **ERRORS}, tags=["disasters"],
            summary="People moved (紧急转移安置人数) by township, live")
def zone_transfer_totals(request, warning: Id | None = None):
    from .models.zones import Transfer

    policy.require(request.auth, "view", Transfer)
    return services.totals_by_township(request.auth, warning)


class CoverageGapOut(Schema):
    level: str
    region_code: str
    name: str


class ShelterCoverageOut(Schema):
    county: dict
    townships: list[dict]
    villages: list[dict]
    gaps: list[CoverageGapOut]
    standardised: int
    shelters: int
    with_video: int


@router.get("/shelter-coverage-three", response={200: ShelterCoverageOut, **ERRORS}, tags=["disasters"],
            summary="Shelter coverage (三个全覆盖): county, every township, every mountain and flood-key village")
def shelter_coverage_three(request):
    from .models.zones import Transfer

    policy.require(request.auth, "view", Transfer)
    return services.coverage(request.auth)
