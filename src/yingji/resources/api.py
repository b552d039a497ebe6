"""API v1 of resources: teams, experts, equipment, warehouses, the supply catalogue, stock and its movements,
transfers and their transitions, reserve standards and shortfalls, shelters, and the nearby search."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import Prefetch
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from yingji.core import policy
from yingji.core.api import Lat, Lon, RegionCode
from yingji.core.api_support import (
    ERRORS,
    Date,
    Id,
    InSchema,
    PageParams,
    Phone,
    ShortText,
    apply_filters,
    filter_params,
    page_of,
    paginate,
)
from yingji.core.errors import NotFound, ValidationFailed
from yingji.core.services import create_object, update_object

from . import services
from .choices import (
    ActivityKind,
    Capability,
    EquipmentItem,
    EquipmentStatus,
    Facility,
    HolderKind,
    Readiness,
    ShelterKind,
    ShelterLevel,
    ShelterSpace,
    ShelterStatus,
    SupplyCategory,
    TeamKind,
    WarehouseLevel,
)
from .filters import (
    EquipmentFilterSet,
    ExpertFilterSet,
    MovementFilterSet,
    ShelterFilterSet,
    StockFilterSet,
    SupplyItemFilterSet,
    TeamActivityFilterSet,
    TeamFilterSet,
    TransferFilterSet,
    WarehouseFilterSet,
)
from .models import (
    Equipment,
    Expert,
    ReserveStandard,
    Shelter,
    StockBatch,
    StockMovement,
    SupplyItem,
    Team,
    TeamActivity,
    TeamMember,
    Transfer,
    Warehouse,
)

router = Router(tags=["resources"])


# --- Excel import: registered before the /{id} routes, which would take "import" for an id ---------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportOut(Schema):
    rows: int
    dry_run: bool


class RowErrorOut(Schema):
    field: str
    message: str
    row: int | None = None
    column: str | None = None


class ImportErrorOut(Schema):
    detail: str
    errors: list[RowErrorOut] = []


def _import(request, kind: str, file, dry_run: bool):
    from . import importing

    return {"rows": importing.import_rows(request.auth, kind, file, dry_run=dry_run), "dry_run": dry_run}


def _template(request, kind: str, model):
    from django.http import HttpResponse

    from . import importing

    policy.require(request.auth, "add", model)
    response = HttpResponse(importing.template_workbook(kind), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{kind}-import-template.xlsx"
    return response


def _binary(content_type: str, description: str) -> dict:
    return {"responses": {200: {"description": description,
                                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}}}}}


IMPORT_DESCRIPTION = ("Checks every row first; if any row is bad nothing is written and the 422 answer lists each "
                      "problem with its row and column. Rows create new records. `dry_run` checks without writing.")


#: (path segment, importer kind and tag; model; import summary; template noun) of every registry import.
IMPORTS = [
    ("teams", Team, "Import rescue teams from the Excel template", "team"),
    ("shelters", Shelter, "Import shelters from the Excel template", "shelter"),
    ("experts", Expert, "Import experts from the Excel template", "expert"),
    ("equipment", Equipment, "Import equipment from the Excel template", "equipment"),
    ("warehouses", Warehouse, "Import warehouses from the Excel template", "warehouse"),
    ("stock", StockBatch, "Receive stock (入库) from the Excel template", "stock"),
]


def _add_import_endpoints(kind: str, model, summary: str, noun: str) -> None:
    """``POST /{kind}/import`` and ``GET /{kind}/import/template`` for one registry."""

    def import_file(request, file: File[UploadedFile], dry_run: bool = False):
        return _import(request, kind, file, dry_run)

    def template(request):
        return _template(request, kind, model)

    router.post(f"/{kind}/import", response={200: ImportOut, **ERRORS, 422: ImportErrorOut}, tags=[kind],
                summary=summary, description=IMPORT_DESCRIPTION,
                operation_id=f"yingji_resources_api_import_{kind}")(import_file)
    router.get(f"/{kind}/import/template", response=ERRORS, tags=[kind],
               summary=f"The {noun} import template (.xlsx)", operation_id=f"yingji_resources_api_{noun}_template",
               openapi_extra=_binary(XLSX, "The .xlsx template with Chinese column headers"))(template)


for _kind, _model, _summary, _noun in IMPORTS:
    _add_import_endpoints(_kind, _model, _summary, _noun)


def _lit(choice_set):
    return Literal[tuple(choice_set.values())]  # type: ignore[valid-type]


Count = Annotated[int, Field(ge=0, le=2**31 - 1)]
Quantity = Annotated[int, Field(ge=1, le=2**31 - 1)]
TextList = Annotated[list[ShortText(100, 1)], Field(max_length=50)]


def _masked(value: str, reveal: bool) -> str:
    return value if reveal else policy.mask_phone(value)


def _detail_reveal(user, obj, model, phones: dict[str, str]) -> bool:
    """Full personal phone numbers for roles granted "view_pii" (audited when any is shown), masked otherwise."""
    reveal = policy.reveal_pii(user, model)
    if reveal:
        services.record_contact_view(user, obj, [name for name, value in phones.items() if value])
    return reveal


def _f(value) -> float | None:
    return float(value) if value is not None else None


def _located(obj) -> dict:
    return {"id": obj.pk, "region_code": obj.region_code, "address": obj.address, "lat": _f(obj.lat),
            "lon": _f(obj.lon)}


def _patch(payload: Schema, nullable: tuple[str, ...] = ()) -> dict[str, Any]:
    """PATCH: an explicit null clears a nullable field; other fields cannot be null."""
    data = payload.model_dump(exclude_unset=True)
    bad = {k: ["This field cannot be null"] for k, v in data.items() if v is None and k not in nullable}
    if bad:
        raise ValidationFailed.from_dict(bad)
    return data


LOCATED_NULLABLE = ("lat", "lon")


class LocatedOut(Schema):
    id: int
    region_code: str
    address: str
    lat: float | None
    lon: float | None


# --- teams -----------------------------------------------------------------------------------------------------


class MemberIn(InSchema):
    name: ShortText(50, 1)
    position: ShortText(50) = ""
    phone: Phone = ""
    skills: TextList = []
    certificates: TextList = []


class MemberOut(Schema):
    id: int
    name: str
    position: str
    phone: str
    skills: list[str]
    certificates: list[str]


class TeamOut(LocatedOut):
    name: str
    kind: str
    capabilities: list[str]
    leader: str
    leader_phone: str
    duty_phone: str
    headcount: int
    readiness: str
    notes: str
    members: list[MemberOut] | None = None


class TeamIn(InSchema):
    name: ShortText(200, 1)
    kind: _lit(TeamKind)
    region_code: RegionCode
    address: ShortText(200) = ""
    lat: Lat | None = None
    lon: Lon | None = None
    capabilities: list[_lit(Capability)] = []
    leader: ShortText(50) = ""
    leader_phone: Phone = ""
    duty_phone: Phone = ""
    headcount: Count | None = None
    readiness: _lit(Readiness) = Readiness.STANDBY
    notes: ShortText(2000) = ""
    members: Annotated[list[MemberIn], Field(max_length=500)] | None = None


class TeamPatch(InSchema):
    name: ShortText(200, 1) | None = None
    kind: _lit(TeamKind) | None = None
    region_code: RegionCode | None = None
    address: ShortText(200) | None = None
    lat: Lat | None = None
    lon: Lon | None = None
    capabilities: list[_lit(Capability)] | None = None
    leader: ShortText(50) | None = None
    leader_phone: Phone | None = None
    duty_phone: Phone | None = None
    headcount: Count | None = None
    readiness: _lit(Readiness) | None = None
    notes: ShortText(2000) | None = None
    members: Annotated[list[MemberIn], Field(max_length=500)] | None = None


def _team_out(t: Team, members: bool = False, reveal: bool = True) -> dict:
    out = _located(t) | {"name": t.name, "kind": t.kind, "capabilities": t.capabilities, "leader": t.leader,
                         "leader_phone": _masked(t.leader_phone, reveal), "duty_phone": t.duty_phone,
                         "headcount": t.headcount,
                         "readiness": t.readiness, "notes": t.notes}
    if members:
        out["members"] = [{"id": m.pk, "name": m.name, "position": m.position, "phone": _masked(m.phone, reveal),
                           "skills": m.skills, "certificates": m.certificates} for m in t.members.all()]
    return out


@router.get("/teams", response={200: page_of(TeamOut), **ERRORS}, tags=["teams"])
def list_teams(request, filters: Query[filter_params(TeamFilterSet)], page: Query[PageParams]):
    qs = Team.objects.for_user(request.auth)
    reveal = policy.reveal_pii(request.auth, Team)
    return paginate(apply_filters(TeamFilterSet, request, qs), page, lambda t: _team_out(t, reveal=reveal))


@router.get("/teams/{id}", response={200: TeamOut, **ERRORS}, tags=["teams"])
def get_team(request, id: Id):
    qs = Team.objects.prefetch_related(Prefetch("members", queryset=TeamMember.objects.order_by("id")))
    team = policy.get_object(request.auth, Team, id, queryset=qs)
    reveal = _detail_reveal(request.auth, team, Team, {"leader_phone": team.leader_phone}
                            | {f"members.{m.pk}.phone": m.phone for m in team.members.all()})
    return _team_out(team, members=True, reveal=reveal)


def _split_members(data: dict):
    members = data.pop("members", None)
    if data.get("headcount") is None:
        data.pop("headcount", None)
    return data, members


@router.post("/teams", response={201: TeamOut, **ERRORS}, tags=["teams"])
def create_team(request, payload: TeamIn):
    data, members = _split_members(payload.model_dump())
    team = services.create_team(request.auth, data, members)
    return Status(201, _team_out(team, members=True))


@router.patch("/teams/{id}", response={200: TeamOut, **ERRORS}, tags=["teams"])
def update_team(request, id: Id, payload: TeamPatch):
    team = policy.get_object(request.auth, Team, id, "change")
    data, members = _split_members(_patch(payload, LOCATED_NULLABLE + ("members",)))
    return _team_out(services.update_team(request.auth, team, data, members), members=True)


# --- drills and deployments ------------------------------------------------------------------------------------


class TeamActivityOut(Schema):
    id: int
    team_id: int
    team: str
    kind: str
    date: datetime.date
    incident_id: int | None
    notes: str
    region_code: str


class TeamActivityIn(InSchema):
    team_id: Id
    kind: _lit(ActivityKind)
    date: Date
    incident_id: Id | None = None
    notes: ShortText(2000) = ""


ACTIVITY_QS = TeamActivity.objects.select_related("team")


def _activity_out(a: TeamActivity) -> dict:
    return {"id": a.pk, "team_id": a.team_id, "team": a.team.name, "kind": a.kind, "date": a.date,
            "incident_id": a.incident_id, "notes": a.notes, "region_code": a.region_code}


@router.get("/team-activities", response={200: page_of(TeamActivityOut), **ERRORS}, tags=["teams"],
            summary="Drills and deployments of the teams in your scope")
def list_team_activities(request, filters: Query[filter_params(TeamActivityFilterSet)], page: Query[PageParams]):
    qs = ACTIVITY_QS.for_user(request.auth)
    return paginate(apply_filters(TeamActivityFilterSet, request, qs), page, _activity_out)


@router.get("/team-activities/{id}", response={200: TeamActivityOut, **ERRORS}, tags=["teams"])
def get_team_activity(request, id: Id):
    return _activity_out(policy.get_object(request.auth, TeamActivity, id, queryset=ACTIVITY_QS))


@router.post("/team-activities", response={201: TeamActivityOut, **ERRORS}, tags=["teams"],
             summary="Record a drill or deployment a team took part in")
def create_team_activity(request, payload: TeamActivityIn):
    policy.require(request.auth, "add", TeamActivity)
    team = policy.get_in_scope_or_field_error(Team, payload.team_id, request.auth, "team_id")
    data = payload.model_dump(exclude={"team_id"})
    activity = services.record_activity(request.auth, team, data)
    return Status(201, _activity_out(ACTIVITY_QS.get(pk=activity.pk)))


# --- experts ---------------------------------------------------------------------------------------------------


class ExpertOut(LocatedOut):
    name: str
    field: str
    specialty: str
    title: str
    unit: str
    phone: str
    available: bool


class ExpertIn(InSchema):
    name: ShortText(50, 1)
    field: _lit(Capability)
    region_code: RegionCode
    specialty: ShortText(200) = ""
    title: ShortText(100) = ""
    unit: ShortText(200) = ""
    phone: Phone = ""
    available: bool = True
    address: ShortText(200) = ""
    lat: Lat | None = None
    lon: Lon | None = None


class ExpertPatch(InSchema):
    name: ShortText(50, 1) | None = None
    field: _lit(Capability) | None = None
    region_code: RegionCode | None = None
    specialty: ShortText(200) | None = None
    title: ShortText(100) | None = None
    unit: ShortText(200) | None = None
    phone: Phone | None = None
    available: bool | None = None
    address: ShortText(200) | None = None
    lat: Lat | None = None
    lon: Lon | None = None


def _expert_out(e: Expert, reveal: bool = True) -> dict:
    return _located(e) | {"name": e.name, "field": e.field, "specialty": e.specialty, "title": e.title,
                          "unit": e.unit, "phone": _masked(e.phone, reveal), "available": e.available}


@router.get("/experts", response={200: page_of(ExpertOut), **ERRORS}, tags=["experts"])
def list_experts(request, filters: Query[filter_params(ExpertFilterSet)], page: Query[PageParams]):
    qs = Expert.objects.for_user(request.auth)
    reveal = policy.reveal_pii(request.auth, Expert)
    return paginate(apply_filters(ExpertFilterSet, request, qs), page, lambda e: _expert_out(e, reveal))


@router.get("/experts/{id}", response={200: ExpertOut, **ERRORS}, tags=["experts"])
def get_expert(request, id: Id):
    expert = policy.get_object(request.auth, Expert, id)
    return _expert_out(expert, _detail_reveal(request.auth, expert, Expert, {"phone": expert.phone}))


@router.post("/experts", response={201: ExpertOut, **ERRORS}, tags=["experts"])
def create_expert(request, payload: ExpertIn):
    return Status(201, _expert_out(create_object(request.auth, Expert, payload.model_dump())))


@router.patch("/experts/{id}", response={200: ExpertOut, **ERRORS}, tags=["experts"])
def update_expert(request, id: Id, payload: ExpertPatch):
    expert = policy.get_object(request.auth, Expert, id, "change")
    return _expert_out(update_object(request.auth, expert, _patch(payload, LOCATED_NULLABLE)))


# --- equipment -------------------------------------------------------------------------------------------------


class EquipmentOut(LocatedOut):
    item: str
    model_name: str
    count: int
    holder_kind: str
    team_id: int | None
    warehouse_id: int | None
    holder_name: str
    status: str
    last_checked: datetime.date | None


class EquipmentIn(InSchema):
    item: _lit(EquipmentItem)
    model_name: ShortText(100) = ""
    count: Quantity = 1
    holder_kind: _lit(HolderKind)
    team_id: Id | None = None
    warehouse_id: Id | None = None
    holder_name: ShortText(200) = ""
    status: _lit(EquipmentStatus) = EquipmentStatus.IN_USE
    last_checked: Date | None = None
    region_code: RegionCode | None = Field(None, description="Taken from the team or warehouse holding it")
    address: ShortText(200) = ""
    lat: Lat | None = None
    lon: Lon | None = None


class EquipmentPatch(InSchema):
    model_name: ShortText(100) | None = None
    count: Count | None = None
    status: _lit(EquipmentStatus) | None = None
    last_checked: Date | None = None
    holder_name: ShortText(200) | None = None
    address: ShortText(200) | None = None
    lat: Lat | None = None
    lon: Lon | None = None


class EquipmentSummaryOut(Schema):
    item: str
    count: int
    lines: int


def _equipment_out(e: Equipment) -> dict:
    return _located(e) | {"item": e.item, "model_name": e.model_name, "count": e.count,
                          "holder_kind": e.holder_kind, "team_id": e.team_id, "warehouse_id": e.warehouse_id,
                          "holder_name": e.holder_name, "status": e.status, "last_checked": e.last_checked}


@router.get("/equipment", response={200: page_of(EquipmentOut), **ERRORS}, tags=["equipment"])
def list_equipment(request, filters: Query[filter_params(EquipmentFilterSet)], page: Query[PageParams]):
    qs = Equipment.objects.for_user(request.auth)
    return paginate(apply_filters(EquipmentFilterSet, request, qs), page, _equipment_out)


@router.get("/equipment/summary", response={200: list[EquipmentSummaryOut], **ERRORS}, tags=["equipment"],
            summary="Pieces in service by item across your scope (e.g. radios, satellite phones)")
def equipment_summary(request, region_code: RegionCode | None = None):
    return services.equipment_summary(request.auth, region_code)


@router.get("/equipment/{id}", response={200: EquipmentOut, **ERRORS}, tags=["equipment"])
def get_equipment(request, id: Id):
    return _equipment_out(policy.get_object(request.auth, Equipment, id))


@router.post("/equipment", response={201: EquipmentOut, **ERRORS}, tags=["equipment"])
def create_equipment(request, payload: EquipmentIn):
    data = payload.model_dump()
    if data["region_code"] is None:
        if data["holder_kind"] == HolderKind.UNIT:
            raise ValidationFailed.from_dict({"region_code": ["Give the region of the unit holding it"]})
        data.pop("region_code")
    return Status(201, _equipment_out(services.create_equipment(request.auth, data)))


@router.patch("/equipment/{id}", response={200: EquipmentOut, **ERRORS}, tags=["equipment"])
def update_equipment(request, id: Id, payload: EquipmentPatch):
    equipment = policy.get_object(request.auth, Equipment, id, "change")
    data = _patch(payload, LOCATED_NULLABLE + ("last_checked",))
    return _equipment_out(services.update_equipment(request.auth, equipment, data))


# --- warehouses ------------------------------------------------------------------------------------------------


class WarehouseOut(LocatedOut):
    name: str
    level: str
    manager: str
    phone: str
    area_m2: float | None


class WarehouseIn(InSchema):
    name: ShortText(200, 1)
    level: _lit(WarehouseLevel)
    region_code: RegionCode
    manager: ShortText(50) = ""
    phone: Phone = ""
    area_m2: Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=1)] | None = None
    address: ShortText(200) = ""
    lat: Lat | None = None
    lon: Lon | None = None


class WarehousePatch(InSchema):
    name: ShortText(200, 1) | None = None
    level: _lit(WarehouseLevel) | None = None
    manager: ShortText(50) | None = None
    phone: Phone | None = None
    area_m2: Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=1)] | None = None
    address: ShortText(200) | None = None
    lat: Lat | None = None
    lon: Lon | None = None


def _warehouse_out(w: Warehouse, reveal: bool = True) -> dict:
    return _located(w) | {"name": w.name, "level": w.level, "manager": w.manager,
                          "phone": _masked(w.phone, reveal),
                          "area_m2": _f(w.area_m2)}


@router.get("/warehouses", response={200: page_of(WarehouseOut), **ERRORS}, tags=["warehouses"])
def list_warehouses(request, filters: Query[filter_params(WarehouseFilterSet)], page: Query[PageParams]):
    qs = Warehouse.objects.for_user(request.auth)
    reveal = policy.reveal_pii(request.auth, Warehouse)
    return paginate(apply_filters(WarehouseFilterSet, request, qs), page, lambda w: _warehouse_out(w, reveal))


@router.get("/warehouses/{id}", response={200: WarehouseOut, **ERRORS}, tags=["warehouses"])
def get_warehouse(request, id: Id):
    warehouse = policy.get_object(request.auth, Warehouse, id)
    return _warehouse_out(warehouse, _detail_reveal(request.auth, warehouse, Warehouse, {"phone": warehouse.phone}))


@router.post("/warehouses", response={201: WarehouseOut, **ERRORS}, tags=["warehouses"])
def create_warehouse(request, payload: WarehouseIn):
    return Status(201, _warehouse_out(create_object(request.auth, Warehouse, payload.model_dump())))


@router.patch("/warehouses/{id}", response={200: WarehouseOut, **ERRORS}, tags=["warehouses"])
def update_warehouse(request, id: Id, payload: WarehousePatch):
    warehouse = policy.get_object(request.auth, Warehouse, id, "change")
    data = _patch(payload, LOCATED_NULLABLE + ("area_m2",))
    return _warehouse_out(update_object(request.auth, warehouse, data))


# --- supply catalogue ------------------------------------------------------------------------------------------


class SupplyOut(Schema):
    id: int
    code: str
    category: str
    name: str
    spec: str
    unit: str


class SupplyIn(InSchema):
    code: ShortText(20, 1)
    category: _lit(SupplyCategory)
    name: ShortText(100, 1)
    spec: ShortText(100) = ""
    unit: ShortText(16, 1)


class SupplyPatch(InSchema):
    category: _lit(SupplyCategory) | None = None
    name: ShortText(100, 1) | None = None
    spec: ShortText(100) | None = None
    unit: ShortText(16, 1) | None = None


def _supply_out(s: SupplyItem) -> dict:
    return {"id": s.pk, "code": s.code, "category": s.category, "name": s.name, "spec": s.spec, "unit": s.unit}


def _supply(user, pk: int, action: str = "view") -> SupplyItem:
    policy.require(user, "view", SupplyItem)
    item = SupplyItem.objects.filter(pk=pk).first()
    if item is None:
        raise NotFound(f"supply item {pk} not found")
    policy.require(user, action, SupplyItem)
    return item


@router.get("/supplies", response={200: page_of(SupplyOut), **ERRORS}, tags=["supplies"])
def list_supplies(request, filters: Query[filter_params(SupplyItemFilterSet)], page: Query[PageParams]):
    policy.require(request.auth, "view", SupplyItem)
    return paginate(apply_filters(SupplyItemFilterSet, request, SupplyItem.objects.all()), page, _supply_out)


@router.get("/supplies/{id}", response={200: SupplyOut, **ERRORS}, tags=["supplies"])
def get_supply(request, id: Id):
    return _supply_out(_supply(request.auth, id))


@router.post("/supplies", response={201: SupplyOut, **ERRORS}, tags=["supplies"])
def create_supply(request, payload: SupplyIn):
    return Status(201, _supply_out(create_object(request.auth, SupplyItem, payload.model_dump())))


@router.patch("/supplies/{id}", response={200: SupplyOut, **ERRORS}, tags=["supplies"])
def update_supply(request, id: Id, payload: SupplyPatch):
    item = _supply(request.auth, id, "change")
    return _supply_out(update_object(request.auth, item, _patch(payload)))


# --- stock -----------------------------------------------------------------------------------------------------


class StockOut(Schema):
    id: int
    warehouse_id: int
    warehouse: str
    item_id: int
    item: str
    unit: str
    batch_no: str
    quantity: int
    received_on: datetime.date
    expires_on: datetime.date | None
    inspect_on: datetime.date | None
    region_code: str
    lat: float | None
    lon: float | None


class ReceiptIn(InSchema):
    warehouse_id: Id
    item_id: Id
    batch_no: ShortText(50, 1)
    quantity: Quantity
    expires_on: Date | None = None
    inspect_on: Date | None = None
    reason: ShortText(500) = ""


class StockPatch(InSchema):
    expires_on: Date | None = None
    inspect_on: Date | None = None


class MovementIn(InSchema):
    kind: Literal["issue", "loss", "count"]
    quantity: Quantity | None = Field(None, description="Units taken (issue, loss)")
    counted: Count | None = Field(None, description="Units counted (count)")
    expected: Count | None = Field(None, description="Units the batch held when counted (count)")
    reason: ShortText(500) = ""


class MovementOut(Schema):
    id: int
    batch_id: int
    kind: str
    change: int
    balance_after: int
    transfer_id: int | None
    reason: str
    actor: str | None
    at: datetime.datetime


def _stock_out(b: StockBatch) -> dict:
    w = b.warehouse
    return {"id": b.pk, "warehouse_id": w.pk, "warehouse": w.name, "item_id": b.item_id, "item": str(b.item),
            "unit": b.item.unit, "batch_no": b.batch_no, "quantity": b.quantity, "received_on": b.received_on,
            "expires_on": b.expires_on, "inspect_on": b.inspect_on, "region_code": b.region_code,
            "lat": _f(w.lat), "lon": _f(w.lon)}


def _movement_out(m: StockMovement) -> dict:
    return {"id": m.pk, "batch_id": m.batch_id, "kind": m.kind, "change": m.change,
            "balance_after": m.balance_after, "transfer_id": m.transfer_id, "reason": m.reason,
            "actor": m.actor.username if m.actor_id else None, "at": m.at}


STOCK_QS = StockBatch.objects.select_related("warehouse", "item")


@router.get("/stock", response={200: page_of(StockOut), **ERRORS}, tags=["stock"])
def list_stock(request, filters: Query[filter_params(StockFilterSet)], page: Query[PageParams]):
    qs = STOCK_QS.for_user(request.auth)
    return paginate(apply_filters(StockFilterSet, request, qs), page, _stock_out)


class ShortfallOut(Schema):
    standard_id: int
    item_id: int
    item: str
    unit: str
    warehouse_id: int | None
    warehouse: str | None
    region_code: str
    required: int
    held: int
    gap: int


@router.get("/stock/shortfalls", response={200: list[ShortfallOut], **ERRORS}, tags=["stock"],
            summary="Reserve standards in your scope that current unexpired stock does not meet")
def stock_shortfalls(request, all: bool = False):
    return services.shortfalls(request.auth, only_gaps=not all)


@router.get("/stock/{id}", response={200: StockOut, **ERRORS}, tags=["stock"])
def get_stock(request, id: Id):
    return _stock_out(policy.get_object(request.auth, StockBatch, id, queryset=STOCK_QS))


@router.post("/stock", response={201: StockOut, **ERRORS}, tags=["stock"], summary="Receive stock (入库)")
def receive_stock(request, payload: ReceiptIn):
    policy.require(request.auth, "move", StockBatch)
    warehouse = policy.get_in_scope_or_field_error(Warehouse, payload.warehouse_id, request.auth, "warehouse_id")
    item = policy.get_in_scope_or_field_error(SupplyItem, payload.item_id, request.auth, "item_id")
    movement = services.receive_stock(request.auth, warehouse, item, payload.quantity, batch_no=payload.batch_no,
                                      expires_on=payload.expires_on, inspect_on=payload.inspect_on,
                                      reason=payload.reason)
    return Status(201, _stock_out(STOCK_QS.get(pk=movement.batch_id)))


@router.patch("/stock/{id}", response={200: StockOut, **ERRORS}, tags=["stock"])
def update_stock(request, id: Id, payload: StockPatch):
    batch = policy.get_object(request.auth, StockBatch, id, "change", queryset=STOCK_QS)
    update_object(request.auth, batch, payload.model_dump(exclude_unset=True))
    return _stock_out(STOCK_QS.get(pk=batch.pk))


@router.get("/stock/{id}/movements", response={200: page_of(MovementOut), **ERRORS}, tags=["stock"])
def list_movements(request, id: Id, filters: Query[filter_params(MovementFilterSet)], page: Query[PageParams]):
    batch = policy.get_object(request.auth, StockBatch, id)
    qs = StockMovement.objects.for_user(request.auth).filter(batch=batch).select_related("actor")
    return paginate(apply_filters(MovementFilterSet, request, qs), page, _movement_out)


@router.post("/stock/{id}/movements", response={201: MovementOut, **ERRORS}, tags=["stock"],
             summary="Issue (出库), write off (报损) or count (盘点) a batch")
def move_stock(request, id: Id, payload: MovementIn):
    batch = policy.get_object(request.auth, StockBatch, id, "move", queryset=STOCK_QS)
    if payload.kind == "count":
        missing = {k: ["Required for a count"] for k in ("counted", "expected") if getattr(payload, k) is None}
        if missing:
            raise ValidationFailed.from_dict(missing)
        movement = services.count_stock(request.auth, batch, payload.counted, expected=payload.expected,
                                        reason=payload.reason)
    else:
        if payload.quantity is None:
            raise ValidationFailed.from_dict({"quantity": ["Required for an issue or a write-off"]})
        movement = services.take_stock(request.auth, batch, payload.quantity, kind=payload.kind,
                                       reason=payload.reason)
    return Status(201, _movement_out(movement))


# --- reserve standards -----------------------------------------------------------------------------------------


class StandardOut(Schema):
    id: int
    item_id: int
    warehouse_id: int | None
    region_code: str
    required_quantity: int


class StandardIn(InSchema):
    item_id: Id
    warehouse_id: Id | None = None
    region_code: RegionCode | None = None
    required_quantity: Quantity


def _standard_out(s: ReserveStandard) -> dict:
    return {"id": s.pk, "item_id": s.item_id, "warehouse_id": s.warehouse_id, "region_code": s.region_code,
            "required_quantity": s.required_quantity}


@router.get("/reserve-standards", response={200: page_of(StandardOut), **ERRORS}, tags=["stock"])
def list_standards(request, page: Query[PageParams]):
    return paginate(ReserveStandard.objects.for_user(request.auth), page, _standard_out)


@router.post("/reserve-standards", response={201: StandardOut, **ERRORS}, tags=["stock"])
def create_standard(request, payload: StandardIn):
    data = payload.model_dump()
    if data["warehouse_id"] is None:
        data.pop("warehouse_id")
        if data["region_code"] is None:
            raise ValidationFailed.from_dict({"region_code": ["Give a warehouse or a region"]})
    elif data["region_code"] is None:
        data.pop("region_code")
    policy.get_in_scope_or_field_error(SupplyItem, data["item_id"], request.auth, "item_id")
    return Status(201, _standard_out(services.create_standard(request.auth, data)))


# --- transfers -------------------------------------------------------------------------------------------------


class TransferOut(Schema):
    id: int
    source_id: int
    source: str
    target_id: int
    target: str
    item_id: int
    item: str
    quantity: int
    state: str
    reason: str
    requested_by: str
    requested_at: datetime.datetime
    dispatched_at: datetime.datetime | None
    received_at: datetime.datetime | None
    region_code: str
    target_region_code: str
    version: int
    actions: list[str]


class TransferIn(InSchema):
    source_id: Id
    target_id: Id
    item_id: Id
    quantity: Quantity
    reason: ShortText(500) = ""


class TransferTransitionIn(InSchema):
    action: ShortText(32, 1)
    note: ShortText(500) = ""


TRANSFER_QS = Transfer.objects.select_related("source", "target", "item", "requested_by")


def _transfer_out(t: Transfer, user) -> dict:
    return {"id": t.pk, "source_id": t.source_id, "source": t.source.name, "target_id": t.target_id,
            "target": t.target.name, "item_id": t.item_id, "item": str(t.item), "quantity": t.quantity,
            "state": t.state, "reason": t.reason, "requested_by": t.requested_by.username if t.requested_by_id else "",
            "requested_at": t.requested_at, "dispatched_at": t.dispatched_at, "received_at": t.received_at,
            "region_code": t.region_code, "target_region_code": t.target_region_code, "version": t.version,
            "actions": [tr.action for tr in services.TRANSFER_WORKFLOW.available(t, user)]}


@router.get("/transfers", response={200: page_of(TransferOut), **ERRORS}, tags=["transfers"])
def list_transfers(request, filters: Query[filter_params(TransferFilterSet)], page: Query[PageParams]):
    qs = TRANSFER_QS.for_user(request.auth)
    return paginate(apply_filters(TransferFilterSet, request, qs), page, lambda t: _transfer_out(t, request.auth))


@router.get("/transfers/{id}", response={200: TransferOut, **ERRORS}, tags=["transfers"])
def get_transfer(request, id: Id):
    return _transfer_out(policy.get_object(request.auth, Transfer, id, queryset=TRANSFER_QS), request.auth)


@router.post("/transfers", response={201: TransferOut, **ERRORS}, tags=["transfers"])
def create_transfer(request, payload: TransferIn):
    policy.require(request.auth, "add", Transfer)
    user = request.auth
    transfer = services.request_transfer(
        user, source=policy.get_in_scope_or_field_error(Warehouse, payload.source_id, user, "source_id"),
        target=policy.get_in_scope_or_field_error(Warehouse, payload.target_id, user, "target_id"),
        item=policy.get_in_scope_or_field_error(SupplyItem, payload.item_id, user, "item_id"),
        quantity=payload.quantity, reason=payload.reason)
    return Status(201, _transfer_out(TRANSFER_QS.get(pk=transfer.pk), request.auth))


@router.post("/transfers/{id}/transitions", response={200: TransferOut, **ERRORS}, tags=["transfers"])
def transition_transfer(request, id: Id, payload: TransferTransitionIn):
    transfer = policy.get_object(request.auth, Transfer, id, queryset=TRANSFER_QS)
    services.transition_transfer(request.auth, transfer, payload.action, {"note": payload.note})
    return _transfer_out(TRANSFER_QS.get(pk=transfer.pk), request.auth)


# --- shelters --------------------------------------------------------------------------------------------------


class ShelterEventOut(Schema):
    at: datetime.datetime
    status_before: str
    status_after: str
    occupancy: int
    note: str


class ShelterOut(LocatedOut):
    name: str
    level: str
    kind: str
    space: str
    area_m2: float
    area_per_person: float
    capacity: int
    standard_capacity: int
    free_capacity: int
    facilities: list[str]
    manager: str
    phone: str
    status: str
    occupancy: int
    events: list[ShelterEventOut] | None = None


class ShelterIn(InSchema):
    name: ShortText(200, 1)
    level: _lit(ShelterLevel)
    kind: _lit(ShelterKind)
    space: _lit(ShelterSpace)
    region_code: RegionCode
    area_m2: Annotated[Decimal, Field(ge=1, max_digits=10, decimal_places=1)]
    area_per_person: Annotated[Decimal, Field(ge=Decimal("0.5"), max_digits=4, decimal_places=1)] = Decimal("1.5")
    capacity: Count
    facilities: list[_lit(Facility)] = []
    manager: ShortText(50) = ""
    phone: Phone = ""
    address: ShortText(200) = ""
    lat: Lat | None = None
    lon: Lon | None = None


class ShelterPatch(InSchema):
    name: ShortText(200, 1) | None = None
    level: _lit(ShelterLevel) | None = None
    kind: _lit(ShelterKind) | None = None
    space: _lit(ShelterSpace) | None = None
    area_m2: Annotated[Decimal, Field(ge=1, max_digits=10, decimal_places=1)] | None = None
    area_per_person: Annotated[Decimal, Field(ge=Decimal("0.5"), max_digits=4, decimal_places=1)] | None = None
    capacity: Count | None = None
    facilities: list[_lit(Facility)] | None = None
    manager: ShortText(50) | None = None
    phone: Phone | None = None
    address: ShortText(200) | None = None
    lat: Lat | None = None
    lon: Lon | None = None


class ShelterStatusIn(InSchema):
    status: _lit(ShelterStatus)
    occupancy: Count | None = None
    note: ShortText(500) = ""


class CoverageOut(Schema):
    region_code: str
    name: str
    shelters: int
    capacity: int
    covered: bool


def _shelter_out(s: Shelter, events: bool = False, reveal: bool = True) -> dict:
    out = _located(s) | {"name": s.name, "level": s.level, "kind": s.kind, "space": s.space,
                         "area_m2": float(s.area_m2), "area_per_person": float(s.area_per_person),
                         "capacity": s.capacity, "standard_capacity": s.standard_capacity,
                         "free_capacity": s.free_capacity, "facilities": s.facilities, "manager": s.manager,
                         "phone": _masked(s.phone, reveal), "status": s.status, "occupancy": s.occupancy}
    if events:
        out["events"] = [{"at": e.at, "status_before": e.status_before, "status_after": e.status_after,
                          "occupancy": e.occupancy, "note": e.note} for e in s.events.all()[:100]]
    return out


@router.get("/shelters", response={200: page_of(ShelterOut), **ERRORS}, tags=["shelters"])
def list_shelters(request, filters: Query[filter_params(ShelterFilterSet)], page: Query[PageParams]):
    qs = Shelter.objects.for_user(request.auth)
    reveal = policy.reveal_pii(request.auth, Shelter)
    return paginate(apply_filters(ShelterFilterSet, request, qs), page, lambda s: _shelter_out(s, reveal=reveal))


@router.get("/shelters/coverage", response={200: list[CoverageOut], **ERRORS}, tags=["shelters"])
def shelter_coverage(request):
    return services.shelter_coverage(request.auth)


@router.get("/shelters/coverage/villages", response={200: list[CoverageOut], **ERRORS}, tags=["shelters"],
            summary="Flood-risk villages in your scope and the shelters inside each (gaps: covered=false)")
def shelter_village_coverage(request):
    policy.require(request.auth, "view", Shelter)
    return services.village_coverage(request.auth)


@router.get("/shelters/{id}", response={200: ShelterOut, **ERRORS}, tags=["shelters"])
def get_shelter(request, id: Id):
    shelter = policy.get_object(request.auth, Shelter, id)
    return _shelter_out(shelter, events=True,
                        reveal=_detail_reveal(request.auth, shelter, Shelter, {"phone": shelter.phone}))


@router.post("/shelters", response={201: ShelterOut, **ERRORS}, tags=["shelters"])
def create_shelter(request, payload: ShelterIn):
    return Status(201, _shelter_out(create_object(request.auth, Shelter, payload.model_dump())))


@router.patch("/shelters/{id}", response={200: ShelterOut, **ERRORS}, tags=["shelters"])
def update_shelter(request, id: Id, payload: ShelterPatch):
    shelter = policy.get_object(request.auth, Shelter, id, "change")
    return _shelter_out(update_object(request.auth, shelter, _patch(payload, LOCATED_NULLABLE)))


@router.post("/shelters/{id}/status", response={200: ShelterOut, **ERRORS}, tags=["shelters"],
             summary="Open, fill or close a shelter, or update its occupancy (recorded)")
def set_shelter_status(request, id: Id, payload: ShelterStatusIn):
    shelter = policy.get_object(request.auth, Shelter, id, "operate")
    shelter = services.set_shelter_status(request.auth, shelter, payload.status, payload.occupancy, payload.note)
    return _shelter_out(shelter, events=True, reveal=policy.reveal_pii(request.auth, Shelter))


# --- nearby ----------------------------------------------------------------------------------------------------


class NearbyOut(Schema):
    kind: str
    id: int
    name: str
    region_code: str
    lat: float
    lon: float
    address: str
    distance_m: float
    match: dict


class NearbyParams(Schema):
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]
    kind: Literal[services.KINDS]  # type: ignore[valid-type]
    limit: Annotated[int, Field(ge=1, le=services.MAX_LIMIT)] = 10
    capability: ShortText(32) | None = None
    item: ShortText(100) | None = None
    min_quantity: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    radius_km: Annotated[float, Field(gt=0, le=20100)] | None = None


@router.get("/resources/nearby", response={200: list[NearbyOut], **ERRORS}, tags=["resources"],
            summary="The nearest in-scope resources of a kind, with great-circle distance and what matches")
def nearby(request, params: Query[NearbyParams]):
    return services.nearby(request.auth, params.lat, params.lon, params.kind, params.limit,
                           capability=params.capability, item=params.item, min_quantity=params.min_quantity,
                           radius_km=params.radius_km)

