"""API v1: the enterprise registry (一企一码一档), licences, production and storage units, major hazard sources
(GB 18218-2018) and the major-hazard calculator."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, File, Query, Router, Status
from ninja.files import UploadedFile

from yingji.core import policy
from yingji.core.api_support import (
    ERRORS,
    Date,
    ErrorOut,
    FieldError,
    Id,
    InSchema,
    PageParams,
    Phone,
    Schema,
    ShortText,
    page_of,
    paginate,
)
from yingji.core.crud import Crud, Output, patch_data, patch_of
from yingji.core.surfaces import View

from . import importing, industries, qrcodes, registers, services, surfaces
from .choices import FLAG_FIELDS, EnterpriseScale, EnterpriseStatus, LicenceKind, Sector, UnitKind
from .models import Enterprise, MajorHazardAssessment, Unit

router = Router(tags=["enterprises"])

Lat = Annotated[Decimal, Field(ge=-90, le=90, max_digits=9, decimal_places=6)]
Lon = Annotated[Decimal, Field(ge=-180, le=180, max_digits=9, decimal_places=6)]
StatusKey = Literal[tuple(EnterpriseStatus.values())]  # type: ignore[valid-type]
SectorKey = Literal[tuple(Sector.values()) + ("",)]  # type: ignore[valid-type]
ScaleKey = Literal[tuple(EnterpriseScale.values()) + ("",)]  # type: ignore[valid-type]
DivisionKey = Literal[tuple(industries.DIVISIONS) + ("",)]  # type: ignore[valid-type]
SectionKey = Literal[tuple(industries.SECTIONS) + ("",)]  # type: ignore[valid-type]
LicenceKindKey = Literal[tuple(LicenceKind.values())]  # type: ignore[valid-type]
UnitKindKey = Literal[tuple(UnitKind.values())]  # type: ignore[valid-type]
Count = Annotated[int, Field(ge=0, le=10**7)]
Tonnes = Annotated[Decimal, Field(ge=0, le=10**9, max_digits=14, decimal_places=4)]
Positive = Annotated[Decimal, Field(gt=0, le=10**9, max_digits=14, decimal_places=4)]
Beta = Annotated[Decimal, Field(gt=0, le=1000, max_digits=6, decimal_places=2)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _binary(content_type: str, description: str) -> dict:
    return {"responses": {200: {"description": description,
                                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}}}}}


def _float(value) -> float | None:
    return float(value) if value is not None else None


# --- enterprises -------------------------------------------------------------------------------------------------


class EnterpriseOut(Schema):
    id: int
    name: str
    credit_code: str
    region_code: str
    address: str
    lat: float | None
    lon: float | None
    industry: str
    industry_section: str
    industry_division: str
    sector: str
    supervising_unit_id: int | None
    supervising_unit_name: str | None
    scale: str
    legal_representative: str
    legal_representative_phone: str
    principal: str
    principal_phone: str
    safety_manager: str
    safety_manager_phone: str
    employee_count: int | None
    status: str
    hazchem_production: bool
    hazchem_business: bool
    hazchem_use: bool
    fireworks: bool
    non_coal_mine: bool
    tailings_pond: bool
    metallurgy: bool
    ammonia_refrigeration: bool
    combustible_dust: bool
    confined_space: bool
    major_hazard: bool = Field(description="Derived: some unit is a major hazard source (GB 18218 S ≥ 1)")
    major_hazard_level: int | None = Field(description="Derived: the highest level (1 is the highest) of its units")


class _EnterpriseFields(InSchema):
    address: ShortText(200) | None = None
    lat: Lat | None = None
    lon: Lon | None = None
    industry: ShortText(100) | None = None
    industry_section: SectionKey | None = None
    industry_division: DivisionKey | None = None
    sector: SectorKey | None = None
    supervising_unit_id: Id | None = Field(None, description="The bureau or a safety-committee member unit")
    scale: ScaleKey | None = None
    legal_representative: ShortText(50) | None = None
    legal_representative_phone: Phone | None = None
    principal: ShortText(50) | None = None
    principal_phone: Phone | None = None
    safety_manager: ShortText(50) | None = None
    safety_manager_phone: Phone | None = None
    employee_count: Count | None = None
    hazchem_production: bool | None = None
    hazchem_business: bool | None = None
    hazchem_use: bool | None = None
    fireworks: bool | None = None
    non_coal_mine: bool | None = None
    tailings_pond: bool | None = None
    metallurgy: bool | None = None
    ammonia_refrigeration: bool | None = None
    combustible_dust: bool | None = None
    confined_space: bool | None = None


class EnterpriseIn(_EnterpriseFields):
    name: ShortText(200, 1)
    credit_code: ShortText(18, 18)
    region_code: Annotated[str, Field(pattern=r"^\d{6}(\d{3}(\d{3})?)?$")]
    status: StatusKey = EnterpriseStatus.OPERATING


class EnterprisePatch(_EnterpriseFields):
    name: ShortText(200, 1) | None = None
    credit_code: ShortText(18, 18) | None = None
    region_code: Annotated[str, Field(pattern=r"^\d{6}(\d{3}(\d{3})?)?$")] | None = None
    status: StatusKey | None = None


#: The fields a PATCH may clear with null (the other optional fields only skip a value on create).
NULLABLE = ("employee_count", "lat", "lon", "supervising_unit_id")


def _create_enterprise(user, payload: EnterpriseIn) -> Enterprise:
    data = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None or k in NULLABLE}
    return services.create_enterprise(user, data)


ENTERPRISE_OUTPUT = Output(EnterpriseOut, phones=Enterprise.PHONE_FIELDS, resolvers={
    "lat": lambda e: _float(e.lat), "lon": lambda e: _float(e.lon),
    "supervising_unit_name": lambda e: e.supervising_unit.name if e.supervising_unit_id else None})


class EnterpriseImportOut(Schema):
    rows: int
    created: int
    updated: int
    licences: int
    dry_run: bool


class EnterpriseImportRowError(FieldError):
    row: int | None = Field(None, description="The row as Excel numbers it (the header is row 1)")
    column: str | None = Field(None, description="The column's header in the template")


class EnterpriseImportErrorOut(ErrorOut):
    errors: list[EnterpriseImportRowError] = []


ENTERPRISES = (Crud(router, surfaces.ENTERPRISES, "/enterprises", out=EnterpriseOut, module=__name__,
                   tags=["enterprises"], output=ENTERPRISE_OUTPUT, in_schema=EnterpriseIn, patch_schema=EnterprisePatch,
                   nullable=NULLABLE)
               .list("list_enterprises").create("create_enterprise", write=_create_enterprise))


@router.post("/enterprises/import", response={200: EnterpriseImportOut, **ERRORS, 422: EnterpriseImportErrorOut},
             summary="Import enterprises from the Excel template",
             description="An .xlsx workbook, or a CSV file with the same columns (UTF-8, with or without BOM, or "
                         "GBK). Checks every row first; if any row is bad nothing is written and the 422 answer lists "
                         "each problem with its row and column. An existing credit code updates that enterprise "
                         "(non-empty cells only); a new one creates it. `dry_run` checks without writing.")
def import_enterprises(request, file: File[UploadedFile], dry_run: bool = False):
    result = importing.import_enterprises(request.auth, file, dry_run=dry_run)
    return {"rows": result.rows, "created": result.created, "updated": result.updated,
            "licences": result.licences, "dry_run": result.dry_run}


@router.get("/enterprises/import/template", response=ERRORS, summary="Download the Excel import template",
            openapi_extra=_binary(XLSX, "The .xlsx template with Chinese column headers"))
def import_template(request):
    policy.require(request.auth, "add", Enterprise)
    response = HttpResponse(importing.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''enterprise-import-template.xlsx"
    return response


# After the import paths, so that ``/enterprises/import`` is not read as an id.
ENTERPRISES.get("get_enterprise").update("update_enterprise")


@router.get("/enterprises/{id}/qrcode.png", response=ERRORS, summary="The enterprise's QR code",
            description="A PNG QR code encoding the absolute address of the enterprise's archive page.",
            openapi_extra=_binary("image/png", "PNG image"))
def enterprise_qrcode(request, id: Id):
    enterprise = policy.get_object(request.auth, Enterprise, id)
    response = HttpResponse(qrcodes.png(qrcodes.archive_url(request, enterprise.pk)), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- licences ----------------------------------------------------------------------------------------------------


class EnterpriseLicenceOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    kind: str
    number: str
    issuer: str
    holder: str
    licensed_scope: str
    issued_on: date | None
    expires_on: date | None
    state: str = Field(description="valid, expiring (within 60 days) or expired")
    days_left: int | None


class EnterpriseLicenceIn(InSchema):
    kind: LicenceKindKey
    number: ShortText(64, 1)
    issuer: ShortText(100) = ""
    holder: ShortText(50) = ""
    licensed_scope: ShortText(300) = ""
    issued_on: Date | None = None
    expires_on: Date | None = None


class EnterpriseLicencePatch(InSchema):
    kind: LicenceKindKey | None = None
    number: ShortText(64, 1) | None = None
    issuer: ShortText(100) | None = None
    holder: ShortText(50) | None = None
    licensed_scope: ShortText(300) | None = None
    issued_on: Date | None = None
    expires_on: Date | None = None


LICENCE_OUTPUT = Output(EnterpriseLicenceOut, resolvers={"enterprise_name": lambda licence: licence.enterprise.name,
                                                         "state": lambda licence: licence.current_state})
LICENCES = Crud(router, surfaces.LICENCES, "/licences", out=EnterpriseLicenceOut, module=__name__, tags=["licences"],
                output=LICENCE_OUTPUT, patch_schema=EnterpriseLicencePatch, nullable=("expires_on", "issued_on"))
LICENCES.list("list_licences",
              summary="Licences and certificates in your scope (filter expiring_within_days for renewals)")


@router.get("/enterprises/{id}/licences", response={200: page_of(EnterpriseLicenceOut), **ERRORS}, tags=["licences"])
def list_enterprise_licences(request, id: Id, page: Query[PageParams]):
    enterprise = surfaces.ENTERPRISES.get(request.auth, id)
    licences = surfaces.LICENCES.visible(request.auth).filter(enterprise=enterprise)
    view = View(request.auth)
    return paginate(licences, page, lambda licence: LICENCE_OUTPUT(licence, view))


@router.post("/enterprises/{id}/licences", response={201: EnterpriseLicenceOut, **ERRORS}, tags=["licences"])
def create_licence(request, id: Id, payload: EnterpriseLicenceIn):
    enterprise = surfaces.ENTERPRISES.get(request.auth, id)
    licence = services.create_licence(request.auth, enterprise, payload.model_dump())
    return Status(201, LICENCES.answer(request.auth, licence, audited=False))


LICENCES.get("get_licence").update("update_licence")


@router.delete("/licences/{id}", response={204: None, **ERRORS}, tags=["licences"])
def delete_licence(request, id: Id):
    licence = surfaces.LICENCES.get(request.auth, id, "delete")
    services.delete_licence(request.auth, licence)
    return Status(204, None)


# --- units and major hazard sources ----------------------------------------------------------------------------


class UnitChemicalIn(InSchema):
    """One hazardous chemical: exactly one of ``name`` (GB 18218 Table 1), ``cas`` or ``category`` (Table 2)."""

    name: ShortText(100) | None = Field(None, description="Chinese name as in GB 18218 Table 1, e.g. 液氯 → 氯")
    cas: ShortText(20) | None = None
    category: ShortText(10) | None = Field(None, description="GB 18218 Table 2 hazard category, e.g. W5.3")
    quantity_t: Tonnes = Field(description="Maximum quantity present in tonnes")
    critical_t: Positive | None = Field(None, description="Override of the critical quantity Q (t)")
    beta: Beta | None = Field(None, description="Override of the correction factor β")


class UnitChemicalOut(Schema):
    id: int
    name: str
    cas: str
    category: str
    quantity_t: float
    critical_t: float | None
    beta: float | None


class EnterpriseUnitOut(Schema):
    id: int
    enterprise_id: int
    kind: str
    name: str
    description: str
    exposed_population: int
    chemicals: list[UnitChemicalOut]
    sum_ratio: float = Field(description="S = Σ q/Q")
    is_major: bool = Field(description="A major hazard source: S ≥ 1")
    r_value: float | None = Field(description="R = α Σ β q/Q (major hazard sources only)")
    level: int | None = Field(description="1 (highest) to 4 (major hazard sources only)")
    assessed_at: datetime | None


class EnterpriseUnitIn(InSchema):
    kind: UnitKindKey
    name: ShortText(100, 1)
    description: ShortText(300) = ""
    exposed_population: Count = Field(0, description="People outside the plant within 500 m (for α)")
    chemicals: list[UnitChemicalIn] = Field([], max_length=200)


class EnterpriseUnitPatch(InSchema):
    kind: UnitKindKey | None = None
    name: ShortText(100, 1) | None = None
    description: ShortText(300) | None = None
    exposed_population: Count | None = None
    chemicals: list[UnitChemicalIn] | None = Field(None, max_length=200,
                                                description="When given, replaces the unit's whole list")


class MajorHazardSourceOut(Schema):
    unit_id: int
    unit_name: str
    unit_kind: str
    enterprise_id: int
    enterprise_name: str
    region_code: str
    sum_ratio: float
    r_value: float | None
    level: int | None
    exposed_population: int
    assessed_at: datetime | None


class MajorHazardItemOut(Schema):
    source: str = Field(description="table1 (a named chemical) or table2 (a hazard category)")
    seq: int | None = Field(description="Table 1 row number")
    name_zh: str
    category: str | None
    quantity_t: float
    critical_t: float
    ratio: float
    beta: float
    beta_source: str


class MajorHazardAssessmentOut(Schema):
    sum_ratio: float
    is_major: bool
    r_value: float | None
    level: int | None
    alpha: float
    exposed_population: int
    items: list[MajorHazardItemOut]


class MajorHazardRecordOut(Schema):
    id: int
    unit_id: int | None
    unit_name: str
    computed_at: datetime
    computed_by: str | None
    reason: str
    inputs: list[dict]
    exposed_population: int
    sum_ratio: float
    is_major: bool
    alpha: float | None
    r_value: float | None
    level: int | None
    results: list[dict]


class MajorHazardAssessIn(InSchema):
    items: list[UnitChemicalIn] = Field(max_length=200)
    exposed_population: Count = Field(description="People outside the plant within 500 m (for α)")


def _chemicals(unit: Unit) -> list[dict]:
    return [{"id": c.pk, "name": c.name, "cas": c.cas, "category": c.category, "quantity_t": float(c.quantity_t),
             "critical_t": _float(c.critical_t), "beta": _float(c.beta)} for c in unit.chemicals.all()]


UNIT_OUTPUT = Output(EnterpriseUnitOut, resolvers={"chemicals": _chemicals})
MAJOR_OUTPUT = Output(MajorHazardSourceOut, resolvers={
    "unit_id": lambda unit: unit.pk, "unit_name": lambda unit: unit.name, "unit_kind": lambda unit: unit.kind,
    "enterprise_name": lambda unit: unit.enterprise.name})


def _unit_out(unit: Unit) -> dict:
    return UNIT_OUTPUT(unit, View(None))  # a unit shows no personal data: the viewer changes nothing


def _record_out(record: MajorHazardAssessment) -> dict:
    return {"id": record.pk, "unit_id": record.unit_id, "unit_name": record.unit_name,
            "computed_at": record.computed_at,
            "computed_by": record.computed_by.get_username() if record.computed_by_id else None,
            "reason": record.reason, "inputs": record.items, "exposed_population": record.exposed_population,
            "sum_ratio": record.sum_ratio, "is_major": record.is_major, "alpha": record.alpha,
            "r_value": record.r_value, "level": record.level, "results": record.results}


def _units():
    return Unit.objects.prefetch_related("chemicals")


def _chemical_dicts(items: list[UnitChemicalIn] | None) -> list[dict] | None:
    return None if items is None else [item.model_dump() for item in items]


@router.get("/enterprises/{id}/units", response={200: page_of(EnterpriseUnitOut), **ERRORS}, tags=["major hazards"])
def list_units(request, id: Id, page: Query[PageParams]):
    enterprise = policy.get_object(request.auth, Enterprise, id)
    return paginate(Unit.objects.for_user(request.auth).filter(enterprise=enterprise).prefetch_related("chemicals"),
                    page, _unit_out)


@router.post("/enterprises/{id}/units", response={201: EnterpriseUnitOut, **ERRORS}, tags=["major hazards"],
             summary="Record a production or storage unit and its chemicals (assessed under GB 18218)")
def create_unit(request, id: Id, payload: EnterpriseUnitIn):
    enterprise = policy.get_object(request.auth, Enterprise, id)
    data = payload.model_dump(exclude={"chemicals"})
    unit = services.create_unit(request.auth, enterprise, data, _chemical_dicts(payload.chemicals))
    return Status(201, _unit_out(_units().get(pk=unit.pk)))


@router.get("/enterprises/{id}/major-hazards", response={200: page_of(MajorHazardSourceOut), **ERRORS},
            tags=["major hazards"], summary="The enterprise's units that are major hazard sources")
def list_enterprise_major_hazards(request, id: Id, page: Query[PageParams]):
    enterprise = surfaces.ENTERPRISES.get(request.auth, id)
    qs = surfaces.MAJOR_HAZARDS.visible(request.auth).filter(enterprise=enterprise).order_by("level", "name")
    view = View(request.auth)
    return paginate(qs, page, lambda unit: MAJOR_OUTPUT(unit, view))


Crud(router, surfaces.MAJOR_HAZARDS, "/major-hazards", out=MajorHazardSourceOut, module=__name__,
     tags=["major hazards"], output=MAJOR_OUTPUT).list("list_major_hazards",
                                                      summary="Major hazard sources in your scope, by level")


@router.get("/units/{id}", response={200: EnterpriseUnitOut, **ERRORS}, tags=["major hazards"])
def get_unit(request, id: Id):
    return _unit_out(policy.get_object(request.auth, Unit, id, queryset=_units()))


@router.patch("/units/{id}", response={200: EnterpriseUnitOut, **ERRORS}, tags=["major hazards"],
              summary="Change a unit; a change of its chemicals or exposed population is assessed again")
def update_unit(request, id: Id, payload: EnterpriseUnitPatch):
    unit = policy.get_object(request.auth, Unit, id, "change")
    data = patch_data(payload, ("chemicals",))
    chemicals = data.pop("chemicals", None)
    services.update_unit(request.auth, unit, data, chemicals)
    return _unit_out(_units().get(pk=unit.pk))


@router.delete("/units/{id}", response={204: None, **ERRORS}, tags=["major hazards"])
def delete_unit(request, id: Id):
    unit = policy.get_object(request.auth, Unit, id, "delete", queryset=Unit.objects.select_related("enterprise"))
    services.delete_unit(request.auth, unit)
    return Status(204, None)


@router.get("/units/{id}/assessments", response={200: page_of(MajorHazardRecordOut), **ERRORS},
            tags=["major hazards"], summary="The unit's assessment history, newest first")
def list_unit_assessments(request, id: Id, page: Query[PageParams]):
    unit = policy.get_object(request.auth, Unit, id)
    return paginate(services.unit_history(unit), page, _record_out)


@router.post("/tools/major-hazard-assessment", response={200: MajorHazardAssessmentOut, **ERRORS}, tags=["tools"],
             summary="GB 18218-2018 identification and grading of one unit (saves nothing)")
def major_hazard_assessment(request, payload: MajorHazardAssessIn):
    items = [{k: v for k, v in item.model_dump().items() if v is not None} for item in payload.items]
    return services.assessment_as_dict(services.assess(items, payload.exposed_population))


__all__ = ["FLAG_FIELDS", "router"]


# --- high-risk registers: tailings ponds and non-coal mines ----------------------------------------------------


class TailingsPondOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    region_code: str
    name: str
    grade: int | None = Field(description="1 (一等, highest) to 5, from the design capacity and dam height")
    design_capacity: float = Field(description="10⁴ m³")
    current_capacity: float = Field(description="10⁴ m³")
    design_dam_height: float = Field(description="m")
    current_dam_height: float = Field(description="m")
    severe_downstream: bool
    head_top: bool
    downstream_villages: str
    downstream_population: int
    status: str
    online_monitoring: bool
    monitoring_required: bool = Field(description="Grade 3 or higher, or a head-top pond")
    registered_on: date
    closed_on: date | None
    closed_out_on: date | None


class TailingsPondIn(InSchema):
    enterprise_id: Id
    name: ShortText(100, 1)
    design_capacity: Annotated[Decimal, Field(gt=0, max_digits=10, decimal_places=2)]
    current_capacity: Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)] = Decimal(0)
    design_dam_height: Annotated[Decimal, Field(gt=0, max_digits=6, decimal_places=1)]
    current_dam_height: Annotated[Decimal, Field(ge=0, max_digits=6, decimal_places=1)] = Decimal(0)
    severe_downstream: bool = False
    head_top: bool = False
    downstream_villages: ShortText(300) = ""
    downstream_population: Annotated[int, Field(ge=0, le=10**7)] = 0
    status: Literal["operating", "stopped", "closed", "closed_out"] = "operating"
    online_monitoring: bool = False
    registered_on: Date
    closed_on: Date | None = None
    closed_out_on: Date | None = None


class MineOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    region_code: str
    name: str
    mineral: str
    licence_no: str
    licence_expires: date
    licence_state: str = Field(description="valid, expiring (within 60 days) or expired")
    method: str
    scale: str
    design_output: float = Field(description="10⁴ t a year")
    service_life_years: int
    production_started: date | None
    service_ends: date | None
    status: str
    online_monitoring: bool


class MineIn(InSchema):
    enterprise_id: Id
    name: ShortText(100, 1)
    mineral: ShortText(50, 1)
    licence_no: ShortText(64, 1)
    licence_expires: Date
    method: Literal["open_pit", "underground", "both"]
    scale: Literal["large", "medium", "small"]
    design_output: Annotated[Decimal, Field(gt=0, max_digits=8, decimal_places=2)]
    service_life_years: Annotated[int, Field(ge=1, le=200)]
    production_started: Date | None = None
    status: Literal["producing", "construction", "suspended", "closed"] = "producing"
    online_monitoring: bool = False


def _of_enterprise(**more):
    return {"enterprise_name": lambda o: o.enterprise.name, "region_code": lambda o: o.enterprise.region_code,
            **more}


class TailingsFiguresOut(Schema):
    baseline: date
    by_status: dict[str, int] = Field(description=(
        "Ponds of the register by status now (operating, stopped, closed, closed_out; closed-out ones included)"))
    existing: int = Field(description="Ponds now (not closed out)")
    existing_at_baseline: int = Field(description="Ponds on the baseline date")
    change: int = Field(description="existing − existing_at_baseline: must not be positive")
    operating: int
    head_top: int
    monitored: int
    monitored_rate: float | None = Field(description="Existing ponds with online monitoring ÷ existing ponds")
    required: int = Field(description="Existing ponds that must have online monitoring (grade 3+, head-top)")
    required_monitored: int
    required_rate: float | None
    closed_out_since_baseline: int


@router.get("/tailings-ponds/figures", response={200: TailingsFiguresOut, **ERRORS}, tags=["registers"],
            summary="The tailings register's figures: the number against a baseline, online monitoring coverage")
def tailings_figures(request, baseline: Date | None = None):
    """``baseline`` defaults to the first day of this year."""
    day = baseline or timezone.localdate().replace(month=1, day=1)
    return registers.tailings_figures(surfaces.TAILINGS.visible(request.auth), day)


TAILINGS = (Crud(router, surfaces.TAILINGS, "/tailings-ponds", out=TailingsPondOut, module=__name__,
                 tags=["registers"], in_schema=TailingsPondIn,
                 patch_schema=patch_of(TailingsPondIn, "TailingsPondPatch", exclude=("enterprise_id",)),
                 nullable=("closed_on", "closed_out_on"),
                 output=Output(TailingsPondOut, resolvers=_of_enterprise()))
            .list("list_tailings_ponds", summary="Tailings ponds (尾矿库) in your scope")
            .get("get_tailings_pond").create("create_tailings_pond").update("update_tailings_pond"))

MINES = (Crud(router, surfaces.MINES, "/mines", out=MineOut, module=__name__, tags=["registers"], in_schema=MineIn,
              patch_schema=patch_of(MineIn, "MinePatch", exclude=("enterprise_id",)),
              nullable=("production_started",), output=Output(MineOut, resolvers=_of_enterprise()))
         .list("list_mines", summary="Non-coal mines (非煤矿山) in your scope")
         .get("get_mine").create("create_mine").update("update_mine"))


# --- major hazard filings and custodian checks ------------------------------------------------------------------


class MajorHazardFilingOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    unit_id: int
    unit_name: str
    level: int | None
    filing_no: str
    filed_on: date
    principal: str
    principal_phone: str
    technical: str
    technical_phone: str
    operational: str
    operational_phone: str
    principal_duty: str = Field(description="This quarter's check: done, due, or missed (last quarter had none)")
    technical_duty: str = Field(description="This month's check: done, due or missed")
    operational_duty: str = Field(description="This week's check: done, due or missed")


class MajorHazardFilingIn(InSchema):
    unit_id: Id
    filing_no: ShortText(64, 1)
    filed_on: Date
    principal: ShortText(50, 1)
    principal_phone: Phone = ""
    technical: ShortText(50, 1)
    technical_phone: Phone = ""
    operational: ShortText(50, 1)
    operational_phone: Phone = ""


class CustodianCheckOut(Schema):
    id: int
    filing_id: int
    unit_name: str
    enterprise_id: int
    role: str
    date: date
    person: str
    findings: str
    hazards_found: int


class CustodianCheckIn(InSchema):
    filing_id: Id
    role: Literal["principal", "technical", "operational"]
    date: Date
    person: ShortText(50, 1)
    findings: ShortText(5000) = ""
    hazards_found: Annotated[int, Field(ge=0, le=1000)] = 0


FILINGS = (Crud(router, surfaces.FILINGS, "/major-hazard-filings", out=MajorHazardFilingOut, module=__name__,
                tags=["major hazards"], in_schema=MajorHazardFilingIn,
                patch_schema=patch_of(MajorHazardFilingIn, "MajorHazardFilingPatch", exclude=("unit_id",)),
                output=Output(MajorHazardFilingOut, phones=("principal_phone", "technical_phone",
                                                            "operational_phone"),
                              resolvers={"enterprise_name": lambda f: f.enterprise.name,
                                         "unit_name": lambda f: f.unit.name, "level": lambda f: f.unit.level}))
           .list("list_major_hazard_filings", summary="Filed major hazard sources, their custodians and their checks")
           .get("get_major_hazard_filing")
           .create("create_major_hazard_filing", write=lambda user, payload: services.create_filing(
               user, payload.model_dump()))
           .update("update_major_hazard_filing"))

CHECKS = (Crud(router, surfaces.CHECKS, "/custodian-checks", out=CustodianCheckOut, module=__name__,
               tags=["major hazards"], in_schema=CustodianCheckIn,
               output=Output(CustodianCheckOut, resolvers={"unit_name": lambda c: c.filing.unit.name}))
          .list("list_custodian_checks", summary="Checks recorded by the custodians of major hazard sources")
          .get("get_custodian_check")
          .create("create_custodian_check", write=lambda user, payload: services.record_custodian_check(
              user, payload.model_dump())))
