"""API v1 of the risk census results: hazard-bearing bodies, hazard sources, risk zoning, and the import of the
census tables (``POST /census-imports/{kind}``: multipart field ``file``; every row checked first, nothing written
when any row is bad — the 422 lists each problem with its row and column; keyed on the census id, so the same file
imported twice changes nothing)."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from ninja import Field, File, Router
from ninja.files import UploadedFile

from yingji.core.api_support import ERRORS, Id, InSchema, Schema, ShortText, Text
from yingji.core.crud import Crud, patch_of

from . import surfaces_census as surfaces
from .choices_census import BodyKind, CensusHazard, CensusImportKind, CensusRisk, Structure
from .services import census as services


def _lit(choice_set, *extra: str):
    return Literal[tuple(choice_set.values()) + extra]  # type: ignore[valid-type]


Lat = Field(default=None, ge=-90, le=90, decimal_places=6)
Lon = Field(default=None, ge=-180, le=180, decimal_places=6)

router = Router(tags=["disasters"])


class CensusBodyOut(Schema):
    id: int
    census_id: str
    kind: str
    name: str
    region_code: str
    address: str
    lat: Decimal | None
    lon: Decimal | None
    structure: str
    floors: int | None
    built_year: int | None
    floor_area_m2: Decimal | None
    occupants: int
    seismic_fortified: bool
    hazards: list[str]
    risk_level: str
    danger_zone_id: int | None
    geohazard_point_id: int | None
    note: str


class CensusBodyIn(InSchema):
    census_id: ShortText(40, 1)
    kind: _lit(BodyKind)
    name: ShortText(200, 1)
    region_code: ShortText(12, 9)
    address: ShortText(200) = ""
    lat: Decimal | None = Lat
    lon: Decimal | None = Lon
    structure: _lit(Structure, "") = ""
    floors: int | None = Field(default=None, ge=1, le=200)
    built_year: int | None = Field(default=None, ge=1800, le=2100)
    floor_area_m2: Decimal | None = Field(default=None, ge=0, le=99999999, decimal_places=1)
    occupants: int = Field(default=0, ge=0, le=1_000_000)
    seismic_fortified: bool = False
    hazards: list[_lit(CensusHazard)] = Field(default=[], max_length=4)
    risk_level: _lit(CensusRisk, "") = ""
    danger_zone_id: Id | None = None
    geohazard_point_id: Id | None = None
    note: ShortText(500) = ""


(Crud(router, surfaces.BODIES, "/census-bodies", out=CensusBodyOut, module=__name__, tags=["disasters"],
      in_schema=CensusBodyIn, patch_schema=patch_of(CensusBodyIn, "CensusBodyPatch"))
 .list("list_census_bodies", summary="Hazard-bearing bodies of the risk census (承灾体)")
 .get("get_census_body")
 .create("create_census_body")
 .update("update_census_body"))


class HazardSourceOut(Schema):
    id: int
    census_id: str
    hazard: str
    name: str
    region_code: str
    lat: Decimal | None
    lon: Decimal | None
    risk_level: str
    geohazard_point_id: int | None
    description: str
    note: str


class HazardSourceIn(InSchema):
    census_id: ShortText(40, 1)
    hazard: _lit(CensusHazard)
    name: ShortText(200, 1)
    region_code: ShortText(12, 9)
    lat: Decimal | None = Lat
    lon: Decimal | None = Lon
    risk_level: _lit(CensusRisk, "") = ""
    geohazard_point_id: Id | None = None
    description: Text = ""
    note: ShortText(500) = ""


(Crud(router, surfaces.SOURCES, "/census-hazard-sources", out=HazardSourceOut, module=__name__,
      tags=["disasters"], in_schema=HazardSourceIn, patch_schema=patch_of(HazardSourceIn, "HazardSourcePatch"))
 .list("list_census_hazard_sources", summary="Hazard sources of the risk census by disaster kind (致灾因子)")
 .get("get_census_hazard_source")
 .create("create_census_hazard_source")
 .update("update_census_hazard_source"))


class RiskZoneOut(Schema):
    id: int
    census_id: str
    hazard: str
    name: str
    region_code: str
    risk_level: str
    area_km2: Decimal | None
    population: int
    note: str


class RiskZoneIn(InSchema):
    census_id: ShortText(40, 1)
    hazard: _lit(CensusHazard, "") = ""
    name: ShortText(200, 1)
    region_code: ShortText(12, 9)
    risk_level: _lit(CensusRisk)
    area_km2: Decimal | None = Field(default=None, ge=0, le=99999999, decimal_places=2)
    population: int = Field(default=0, ge=0, le=2**31 - 1)
    note: ShortText(500) = ""


(Crud(router, surfaces.ZONES, "/census-risk-zones", out=RiskZoneOut, module=__name__, tags=["disasters"],
      in_schema=RiskZoneIn, patch_schema=patch_of(RiskZoneIn, "RiskZonePatch"))
 .list("list_census_risk_zones", summary="Risk zoning of the census by township or village (风险区划)")
 .get("get_census_risk_zone")
 .create("create_census_risk_zone")
 .update("update_census_risk_zone"))


class CensusImportOut(Schema):
    kind: str
    rows: int
    created: int
    updated: int
    unchanged: int
    dry_run: bool


class CensusRowErrorOut(Schema):
    field: str
    message: str
    row: int | None = None
    column: str | None = None


class CensusImportErrorOut(Schema):
    detail: str
    errors: list[CensusRowErrorOut] = []


@router.post("/census-imports/{kind}", response={200: CensusImportOut, **ERRORS, 422: CensusImportErrorOut},
             tags=["disasters"], summary="Import one census table (bodies, sources or zones) from .xlsx or .csv",
             description="Every row is checked first; if any is bad nothing is written and the 422 answer lists each "
                         "problem with its row and column. A known census id updates its record (empty cells keep "
                         "the stored value); the same file imported again changes nothing. `dry_run` only checks.")
def import_census_table(request, kind: _lit(CensusImportKind), file: File[UploadedFile], dry_run: bool = False):
    result = services.import_census(request.auth, kind, file, dry_run=dry_run)
    return {f: getattr(result, f) for f in CensusImportOut.model_fields}
