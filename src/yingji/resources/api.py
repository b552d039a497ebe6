"""API v1 of resources: teams, experts, equipment, warehouses, the supply catalogue, stock and its movements,
transfers and their transitions, reserve standards and shortfalls, shelters, and the nearby search.

The registries' list/get/create/update endpoints are their declared surfaces (``surfaces.py``) served by
``core.crud``; what is written here is their schemas and what goes beyond plain CRUD."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, File, Query, Router, Status
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
    Schema,
    ShortText,
    apply_filters,
    filter_params,
    page_of,
    paginate,
)
from yingji.core.crud import Crud, Output, contextual, patch_of
from yingji.core.errors import ValidationFailed
from yingji.core.services import update_object

from . import services, surfaces
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
    MovementFilterSet,
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
    Transfer,
    Warehouse,
)

router = Router(tags=["resources"])


def _name(path: str):
    """A related object's name (``team`` → ``team.name``)."""
    return lambda obj: getattr(obj, path).name


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


TeamPatch = patch_of(TeamIn, "TeamPatch")


@contextual
def _members(team: Team, view) -> list[dict]:
    return [{"id": m.pk, "name": m.name, "position": m.position,
             "phone": m.phone if view.reveal else policy.mask_phone(m.phone), "skills": m.skills,
             "certificates": m.certificates} for m in team.members.all()]


def _split_members(data: dict):
    members = data.pop("members", None)
    if data.get("headcount") is None:
        data.pop("headcount", None)
    return data, members


teams = Crud(router, surfaces.TEAMS, "/teams", out=TeamOut, in_schema=TeamIn, patch_schema=TeamPatch,
             module=__name__, tags=["teams"], nullable=LOCATED_NULLABLE + ("members",),
             output=Output(TeamOut, resolvers={"members": _members}, phones=("leader_phone",),
                           detail_only=("members",)))
teams.list("list_teams").get("get_team")
teams.create("create_team", write=lambda user, payload: services.create_team(
    user, *_split_members(payload.model_dump())))
teams.update("update_team", write=lambda user, team, data: services.update_team(user, team, *_split_members(data)))


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


def _record_activity(user, payload: TeamActivityIn) -> TeamActivity:
    policy.require(user, "add", TeamActivity)
    team = policy.get_in_scope_or_field_error(Team, payload.team_id, user, "team_id")
    return services.record_activity(user, team, payload.model_dump(exclude={"team_id"}))


activities = Crud(router, surfaces.ACTIVITIES, "/team-activities", out=TeamActivityOut, in_schema=TeamActivityIn,
                  module=__name__, tags=["teams"], output=Output(TeamActivityOut, resolvers={"team": _name("team")}))
activities.list("list_team_activities", summary="Drills and deployments of the teams in your scope")
activities.get("get_team_activity")
activities.create("create_team_activity", write=_record_activity,
                  summary="Record a drill or deployment a team took part in")


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


ExpertPatch = patch_of(ExpertIn, "ExpertPatch")


Crud(router, surfaces.EXPERTS, "/experts", out=ExpertOut, in_schema=ExpertIn, patch_schema=ExpertPatch,
     module=__name__, tags=["experts"], output=Output(ExpertOut, phones=("phone",))) \
    .list("list_experts").get("get_expert").create("create_expert").update("update_expert")


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


def _create_equipment(user, payload: EquipmentIn) -> Equipment:
    data = payload.model_dump()
    if data["region_code"] is None:
        if data["holder_kind"] == HolderKind.UNIT:
            raise ValidationFailed.from_dict({"region_code": ["Give the region of the unit holding it"]})
        data.pop("region_code")
    return services.create_equipment(user, data)


equipment = Crud(router, surfaces.EQUIPMENT, "/equipment", out=EquipmentOut, in_schema=EquipmentIn,
                 patch_schema=EquipmentPatch, module=__name__, tags=["equipment"])
equipment.list("list_equipment")


@router.get("/equipment/summary", response={200: list[EquipmentSummaryOut], **ERRORS}, tags=["equipment"],
            summary="Pieces in service by item across your scope (e.g. radios, satellite phones)")
def equipment_summary(request, region_code: RegionCode | None = None):
    return services.equipment_summary(request.auth, region_code)


equipment.get("get_equipment").create("create_equipment", write=_create_equipment).update("update_equipment")


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


WarehousePatch = patch_of(WarehouseIn, "WarehousePatch", exclude=("region_code",))


Crud(router, surfaces.WAREHOUSES, "/warehouses", out=WarehouseOut, in_schema=WarehouseIn,
     patch_schema=WarehousePatch, module=__name__, tags=["warehouses"],
     output=Output(WarehouseOut, phones=("phone",))) \
    .list("list_warehouses").get("get_warehouse").create("create_warehouse").update("update_warehouse")


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


SupplyPatch = patch_of(SupplyIn, "SupplyPatch", exclude=("code",))


Crud(router, surfaces.SUPPLIES, "/supplies", out=SupplyOut, in_schema=SupplyIn, patch_schema=SupplyPatch,
     module=__name__, tags=["supplies"]).list("list_supplies").get("get_supply").create("create_supply") \
    .update("update_supply")


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


def _movement_out(m: StockMovement) -> dict:
    return {"id": m.pk, "batch_id": m.batch_id, "kind": m.kind, "change": m.change,
            "balance_after": m.balance_after, "transfer_id": m.transfer_id, "reason": m.reason,
            "actor": m.actor.username if m.actor_id else None, "at": m.at}


stock = Crud(router, surfaces.STOCK, "/stock", out=StockOut, in_schema=ReceiptIn, patch_schema=StockPatch,
             module=__name__, tags=["stock"], nullable=("expires_on", "inspect_on"),
             output=Output(StockOut, resolvers={"warehouse": _name("warehouse"), "item": lambda b: str(b.item),
                                                "unit": lambda b: b.item.unit, "lat": lambda b: b.warehouse.lat,
                                                "lon": lambda b: b.warehouse.lon}))
stock.list("list_stock")


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


def _receive(user, payload: ReceiptIn) -> StockBatch:
    policy.require(user, "move", StockBatch)
    warehouse = policy.get_in_scope_or_field_error(Warehouse, payload.warehouse_id, user, "warehouse_id")
    item = policy.get_in_scope_or_field_error(SupplyItem, payload.item_id, user, "item_id")
    return services.receive_stock(user, warehouse, item, payload.quantity, batch_no=payload.batch_no,
                                  expires_on=payload.expires_on, inspect_on=payload.inspect_on,
                                  reason=payload.reason).batch


stock.get("get_stock").create("receive_stock", write=_receive, summary="Receive stock (入库)")
stock.update("update_stock", write=lambda user, batch, data: update_object(user, batch, data))


@router.get("/stock/{id}/movements", response={200: page_of(MovementOut), **ERRORS}, tags=["stock"])
def list_movements(request, id: Id, filters: Query[filter_params(MovementFilterSet)], page: Query[PageParams]):
    batch = policy.get_object(request.auth, StockBatch, id)
    qs = StockMovement.objects.for_user(request.auth).filter(batch=batch).select_related("actor")
    return paginate(apply_filters(MovementFilterSet, request, qs), page, _movement_out)


@router.post("/stock/{id}/movements", response={201: MovementOut, **ERRORS}, tags=["stock"],
             summary="Issue (出库), write off (报损) or count (盘点) a batch")
def move_stock(request, id: Id, payload: MovementIn):
    batch = surfaces.STOCK.get(request.auth, id, "move")
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


def _request_transfer(user, payload: TransferIn) -> Transfer:
    return services.request_transfer(user, source=payload.source_id, target=payload.target_id,
                                     item=payload.item_id, quantity=payload.quantity, reason=payload.reason)


@contextual
def _transfer_actions(transfer: Transfer, view) -> list[str]:
    return [t.action for t in services.TRANSFER_WORKFLOW.available(transfer, view.user)]


Crud(router, surfaces.TRANSFERS, "/transfers", out=TransferOut, in_schema=TransferIn, module=__name__,
     tags=["transfers"],
     output=Output(TransferOut, resolvers={
         "source": _name("source"), "target": _name("target"), "item": lambda t: str(t.item),
         "requested_by": lambda t: t.requested_by.username if t.requested_by_id else "",
         "actions": _transfer_actions})) \
    .list("list_transfers").get("get_transfer").create("create_transfer", write=_request_transfer) \
    .transitions("transition_transfer", allowed_name="list_transfer_transitions",
                 workflow=services.TRANSFER_WORKFLOW, body=TransferTransitionIn,
                 act=lambda user, transfer, payload: services.transition_transfer(user, transfer, payload.action,
                                                                                  {"note": payload.note}))


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
    #: 规范化: the date the shelter was accepted as standardised (null: not yet); its video link (监控视频).
    standardised_on: datetime.date | None = None
    video_url: str = ""
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
    standardised_on: Date | None = None
    video_url: Annotated[str, Field(max_length=300)] = ""


ShelterPatch = patch_of(ShelterIn, "ShelterPatch", exclude=("region_code",))


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


def _events(shelter: Shelter) -> list[dict]:
    return [{"at": e.time, "status_before": e.status_before, "status_after": e.status_after,
             "occupancy": e.occupancy, "note": e.note} for e in shelter.events.all()[:100]]


shelters = Crud(router, surfaces.SHELTERS, "/shelters", out=ShelterOut, in_schema=ShelterIn,
                patch_schema=ShelterPatch, module=__name__, tags=["shelters"],
                output=Output(ShelterOut, resolvers={"events": _events}, phones=("phone",), detail_only=("events",)))
shelters.list("list_shelters")


@router.get("/shelters/coverage", response={200: list[CoverageOut], **ERRORS}, tags=["shelters"])
def shelter_coverage(request):
    return services.shelter_coverage(request.auth)


@router.get("/shelters/coverage/villages", response={200: list[CoverageOut], **ERRORS}, tags=["shelters"],
            summary="Flood-risk villages in your scope and the shelters inside each (gaps: covered=false)")
def shelter_village_coverage(request):
    policy.require(request.auth, "view", Shelter)
    return services.village_coverage(request.auth)


shelters.get("get_shelter").create("create_shelter").update("update_shelter")


@router.post("/shelters/{id}/status", response={200: ShelterOut, **ERRORS}, tags=["shelters"],
             summary="Open, fill or close a shelter, or update its occupancy (recorded)")
def set_shelter_status(request, id: Id, payload: ShelterStatusIn):
    shelter = surfaces.SHELTERS.get(request.auth, id, "operate")
    services.set_shelter_status(request.auth, shelter, payload.status, payload.occupancy, payload.note)
    return shelters.answer(request.auth, surfaces.SHELTERS.get(request.auth, id, "operate"), audited=False)


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

