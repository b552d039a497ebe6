"""The risk census results (自然灾害综合风险普查): the writes of bodies, hazard sources and risk zones (their links
to danger zones and hazard points checked inside the writer's scope), the spreadsheet import of the census tables
and what the platform draws from them (the command map's layer, a danger zone's bodies).

The import (``import_census``) reads one census table (bodies, sources or zoning) as .xlsx or .csv, checks every
row first (cells, regions inside the importer's jurisdiction, census ids repeated in the file or belonging to a
record outside the jurisdiction, the danger zone and hazard point named, the model's own rules) and writes nothing
unless all rows pass; then every row is written in one transaction. It is keyed on the census id: a known id updates
its record (non-empty cells overwrite, empty cells keep the stored value), an unknown id creates one, and a row
equal to what is stored writes nothing (no audit record) — importing the same file twice changes nothing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext

from yingji.core import imports, policy
from yingji.core.choices import RegionLevel
from yingji.core.errors import ValidationFailed
from yingji.core.models import Region
from yingji.core.services import create_object, update_object

from ..choices_census import BodyKind, CensusHazard, CensusImportKind, CensusRisk, Structure
from ..models.census import CensusBody, HazardSource, RiskZone
from ..models.geo import GeoHazardPoint
from ..models.zones import DangerZone

# --- writes ------------------------------------------------------------------------------------------------------


def _region(data: Mapping[str, Any]) -> None:
    code = data.get("region_code")
    if code is not None and not Region.objects.filter(
            code=code, level__in=(RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)).exists():
        raise ValidationFailed.from_dict({"region_code": [gettext("Choose a township or village of the county.")]})


def _links(actor, data: Mapping[str, Any]) -> dict:
    data = dict(data)
    _region(data)
    for name, model in (("danger_zone", DangerZone), ("geohazard_point", GeoHazardPoint)):
        for key in (name, f"{name}_id"):
            if key in data:
                value = data.pop(key)
                data[name] = (policy.get_in_scope_or_field_error(model, value, actor, name)
                              if value not in (None, "") else None)
    return data


def create_body(actor, data: Mapping[str, Any]) -> CensusBody:
    return create_object(actor, CensusBody, _links(actor, data))


def update_body(actor, body: CensusBody, data: Mapping[str, Any]) -> CensusBody:
    return update_object(actor, body, _links(actor, data))


def create_source(actor, data: Mapping[str, Any]) -> HazardSource:
    return create_object(actor, HazardSource, _links(actor, data))


def update_source(actor, source: HazardSource, data: Mapping[str, Any]) -> HazardSource:
    return update_object(actor, source, _links(actor, data))


def create_zone(actor, data: Mapping[str, Any]) -> RiskZone:
    return create_object(actor, RiskZone, _links(actor, data))


def update_zone(actor, zone: RiskZone, data: Mapping[str, Any]) -> RiskZone:
    return update_object(actor, zone, _links(actor, data))


# --- the import --------------------------------------------------------------------------------------------------

# The census tables speak Chinese whatever the interface language: the words of the census forms as aliases.
BODY_WORDS = {"房屋": BodyKind.HOUSE, "农村房屋": BodyKind.HOUSE, "城镇房屋": BodyKind.HOUSE, "住房": BodyKind.HOUSE,
              "公共建筑": BodyKind.PUBLIC_BUILDING, "公共服务设施": BodyKind.PUBLIC_BUILDING,
              "学校": BodyKind.SCHOOL, "医院": BodyKind.HOSPITAL, "医疗卫生机构": BodyKind.HOSPITAL,
              "卫生院": BodyKind.HOSPITAL, "重要设施": BodyKind.KEY_FACILITY, "重要基础设施": BodyKind.KEY_FACILITY}
STRUCTURE_WORDS = {"钢筋混凝土结构": Structure.REINFORCED_CONCRETE, "钢筋混凝土": Structure.REINFORCED_CONCRETE,
                   "框架结构": Structure.REINFORCED_CONCRETE, "砖混结构": Structure.BRICK_CONCRETE,
                   "砖混": Structure.BRICK_CONCRETE, "砌体结构": Structure.MASONRY, "砖石结构": Structure.MASONRY,
                   "土木结构": Structure.EARTH_WOOD, "土木": Structure.EARTH_WOOD, "钢结构": Structure.STEEL,
                   "其他": Structure.OTHER, "其它": Structure.OTHER}
HAZARD_WORDS = {"洪水": CensusHazard.FLOOD, "洪涝": CensusHazard.FLOOD, "水旱灾害": CensusHazard.FLOOD,
                "地质灾害": CensusHazard.GEOLOGICAL, "地质": CensusHazard.GEOLOGICAL,
                "森林火灾": CensusHazard.FOREST_FIRE, "森林草原火灾": CensusHazard.FOREST_FIRE,
                "地震": CensusHazard.EARTHQUAKE, "地震灾害": CensusHazard.EARTHQUAKE}
RISK_WORDS = {"高": CensusRisk.HIGH, "高风险": CensusRisk.HIGH, "Ⅰ级": CensusRisk.HIGH, "I级": CensusRisk.HIGH,
              "较高": CensusRisk.MID_HIGH, "较高风险": CensusRisk.MID_HIGH, "Ⅱ级": CensusRisk.MID_HIGH,
              "II级": CensusRisk.MID_HIGH, "中": CensusRisk.MEDIUM, "中风险": CensusRisk.MEDIUM,
              "Ⅲ级": CensusRisk.MEDIUM, "III级": CensusRisk.MEDIUM, "低": CensusRisk.LOW,
              "低风险": CensusRisk.LOW, "Ⅳ级": CensusRisk.LOW, "IV级": CensusRisk.LOW}
#: Lists in the template: the census's own words for each choice.
LISTS = {"kind": ["房屋", "公共建筑", "学校", "医院", "重要设施"],
         "structure": ["钢筋混凝土结构", "砖混结构", "砌体结构", "土木结构", "钢结构", "其他"],
         "hazard": ["洪水", "地质灾害", "森林火灾", "地震"],
         "risk_level": ["高", "较高", "中", "低"]}

C = imports.Column
CENSUS_ID = C("census_id", "普查编号", imports.text(40), required=True, example="410481101201-FW-0001", width=22)
REGION = C("region_code", "所在乡镇（村）代码", imports.region_code, required=True, example="410481101201", width=18)
LON = C("lon", "经度", imports.LON, example=113.4521)
LAT = C("lat", "纬度", imports.LAT, example=33.2112)
RISK = C("risk_level", "风险等级", imports.choice(CensusRisk, RISK_WORDS), example="较高")
NOTE = C("note", "备注", imports.text(500), width=20)

COLUMNS: dict[str, list[imports.Column]] = {
    CensusImportKind.BODIES: [
        CENSUS_ID,
        C("kind", "承灾体类型", imports.choice(BodyKind, BODY_WORDS), required=True, example="学校"),
        C("name", "名称", imports.text(200), required=True, example="尚店镇中心小学", width=24),
        REGION, C("address", "地址", imports.text(200), example="尚店镇府前街6号", width=24), LON, LAT,
        C("structure", "结构类型", imports.choice(Structure, STRUCTURE_WORDS), example="砖混结构"),
        C("floors", "层数", imports.positive_count, example=3),
        C("built_year", "建成年份", imports.count, example=1998),
        C("floor_area_m2", "建筑面积（平方米）", imports.decimal(Decimal(0), Decimal("99999999"), 1), example=2400),
        C("occupants", "人数", imports.count, example=620),
        C("seismic_fortified", "是否抗震设防", imports.yes_no, example="否"),
        C("hazards", "面临灾种", imports.choice_list(CensusHazard, HAZARD_WORDS), example="洪水、地震", width=18),
        RISK,
        C("danger_zone", "所在危险区", imports.text(200), example="", width=22),
        C("geohazard_point", "威胁隐患点编号", imports.text(32), example=""),
        NOTE,
    ],
    CensusImportKind.SOURCES: [
        CENSUS_ID,
        C("hazard", "灾种", imports.choice(CensusHazard, HAZARD_WORDS), required=True, example="地质灾害"),
        C("name", "名称", imports.text(200), required=True, example="庙街村后山滑坡", width=24),
        REGION, LON, LAT, RISK,
        C("geohazard_point", "隐患点编号", imports.text(32), example="", width=16),
        C("description", "描述", imports.text(2000), example="", width=30), NOTE,
    ],
    CensusImportKind.ZONES: [
        CENSUS_ID,
        C("hazard", "灾种", imports.choice(CensusHazard, HAZARD_WORDS | {"综合": ""}), example="综合"),
        C("name", "名称", imports.text(200), required=True, example="尚店镇综合风险区", width=24),
        REGION, C("risk_level", "风险等级", imports.choice(CensusRisk, RISK_WORDS), required=True, example="较高"),
        C("area_km2", "面积（平方千米）", imports.decimal(Decimal(0), Decimal("99999999"), 2), example=86.5),
        C("population", "人口", imports.count, example=31000), NOTE,
    ],
}
MODELS = {CensusImportKind.BODIES: CensusBody, CensusImportKind.SOURCES: HazardSource,
          CensusImportKind.ZONES: RiskZone}
TITLES = {CensusImportKind.BODIES: "承灾体", CensusImportKind.SOURCES: "致灾因子", CensusImportKind.ZONES: "风险区划"}
NOTES = {"census_id": "普查成果中的编号；已导入的编号将更新该记录，空白单元格保持原值不变",
         "region_code": "所在乡镇（9位）或村（12位）的行政区划代码，须在您的辖区内",
         "hazards": "可填多个，用顿号分隔：洪水、地质灾害、森林火灾、地震",
         "danger_zone": "承灾体所在的山洪、地质灾害等危险区名称（同一村内）",
         "geohazard_point": "地质灾害隐患点的统一编号",
         "hazard": "洪水、地质灾害、森林火灾、地震；风险区划留空或填“综合”表示综合风险"}


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list = field(default_factory=list)


def template_workbook(kind: str) -> bytes:
    columns = COLUMNS[kind]
    lists = {c.key: LISTS[c.key] for c in columns if c.key in LISTS}
    if kind == CensusImportKind.ZONES:
        lists["hazard"] = ["综合", *LISTS["hazard"]]
    return imports.template_workbook(columns, TITLES[kind], lists=lists,
                                     notes={c.key: NOTES[c.key] for c in columns if c.key in NOTES})


def _differs(obj, values: Mapping[str, Any]) -> bool:
    return any(getattr(obj, key) != value for key, value in values.items())


def _plan(actor, kind: str, rows) -> tuple[list[tuple[int, dict, Any]], list[dict]]:
    """Every row checked: ``[(row, values, existing record or None)]`` and the errors found."""
    model, columns = MODELS[kind], COLUMNS[kind]
    header = {c.key: c.header for c in columns}
    errors: list[dict] = []

    def bad(row: int, key: str, message: str) -> None:
        errors.append({"row": row, "column": header.get(key, key), "key": key, "message": message})

    parsed, seen = [], {}
    for number, raw, formulas in rows:
        errors.extend(formulas)
        values = imports.parse_row(number, raw, columns, errors, skip=[e["key"] for e in formulas])
        census_id = values.get("census_id")
        if census_id in seen:
            bad(number, "census_id", f"The same census id is already in row {seen[census_id]}")
        elif census_id:
            seen[census_id] = number
        parsed.append((number, values))

    existing = {o.census_id: o for o in model.objects.filter(census_id__in=list(seen))}
    regions = set(Region.objects.filter(code__in={v["region_code"] for _n, v in parsed if "region_code" in v},
                                        level__in=(RegionLevel.TOWNSHIP, RegionLevel.VILLAGE))
                  .values_list("code", flat=True))
    zones = {(z.region_code, z.name): z for z in DangerZone.objects.filter(policy.scope_q(actor, DangerZone))}
    points = {p.code: p for p in GeoHazardPoint.objects.filter(policy.scope_q(actor, GeoHazardPoint))}
    scope = "" if actor.enterprise_id else (actor.scope_prefix or "")
    plans = []
    for number, values in parsed:
        record = existing.get(values.get("census_id"))
        if record is not None and not (scope and record.region_code.startswith(scope)):
            bad(number, "census_id", "This census id belongs to a record outside your jurisdiction")
            continue
        region = values.get("region_code")
        if region:
            if region not in regions:
                bad(number, "region_code", f"No township or village has code {region}")
            elif not scope or not region.startswith(scope):
                bad(number, "region_code", f"Region {region} is outside your jurisdiction")
        if "danger_zone" in values:
            zone = zones.get((values.get("region_code") or (record.region_code if record else ""),
                              values["danger_zone"]))
            if zone is None:
                bad(number, "danger_zone", "No danger zone of this name in that village (in your jurisdiction)")
            values["danger_zone"] = zone
        if "geohazard_point" in values:
            point = points.get(values["geohazard_point"])
            if point is None:
                bad(number, "geohazard_point", "No geological hazard point has this number (in your jurisdiction)")
            values["geohazard_point"] = point
        plans.append((number, values, record))

    failed_rows = {e["row"] for e in errors}
    for number, values, record in plans:
        if number not in failed_rows:
            _check_model(model, number, values, record, header, errors)
    return plans, errors


def _check_model(model, number: int, values: dict, record, header: dict, errors: list) -> None:
    """The model's field validators and checks on the row as it would be stored, so the write cannot fail."""
    candidate = model()
    if record is not None:
        for f in model._meta.concrete_fields:
            setattr(candidate, f.attname, getattr(record, f.attname))
    for key, value in values.items():
        setattr(candidate, key, value)
    found: dict[str, list[str]] = {}
    try:
        candidate.clean_fields(exclude=["danger_zone", "geohazard_point"])
    except ValidationError as exc:
        found.update(exc.message_dict)
    try:
        candidate.clean()
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            found.setdefault(key, []).extend(messages)
    for key, messages in found.items():
        key = key if key in header else "census_id"
        for message in messages:
            errors.append({"row": number, "column": header[key], "key": key, "message": str(message)})


def import_census(actor, kind: str, uploaded, *, dry_run: bool = False) -> ImportResult:
    """Check every row of one census table, then write all of them in one transaction (or none); see the module's
    docstring. ``uploaded`` is an uploaded file or any object with ``read`` (and ``size``)."""
    if kind not in MODELS:
        raise ValidationFailed.from_dict({"kind": [gettext("Choose a census table.")]})
    model = MODELS[kind]
    policy.require(actor, "add", model)
    policy.require(actor, "change", model)
    rows = imports.read_table(uploaded, COLUMNS[kind])
    plans, errors = _plan(actor, kind, rows)
    if errors:
        order = {c.key: i for i, c in enumerate(COLUMNS[kind])}
        errors.sort(key=lambda e: (e["row"], order.get(e.get("key"), len(order))))
        raise imports.failed(errors, len(rows))
    result = ImportResult(kind=kind, rows=len(plans), dry_run=dry_run)
    with transaction.atomic():
        for _number, values, record in plans:
            if record is None:
                result.created += 1
                if not dry_run:
                    create_object(actor, model, values)
            elif _differs(record, values):
                result.updated += 1
                if not dry_run:
                    update_object(actor, record, values)
            else:
                result.unchanged += 1
    return result


# --- what the platform draws from the census ---------------------------------------------------------------------


def bodies_of_zone(user, zone: DangerZone):
    """The census bodies standing in a danger zone (schools, hospitals and weak houses first in the plan)."""
    if not policy.can(user, "view", CensusBody):
        return CensusBody.objects.none()
    return (CensusBody.objects.filter(policy.scope_q(user, CensusBody), danger_zone=zone)
            .order_by("kind", "name"))


def _fields(pairs) -> list[list[str]]:
    return [[str(label), str(value)] for label, value in pairs if value not in (None, "")]


def census_points(user) -> list[dict]:
    """The command map's census layer: the schools, hospitals, public buildings, key facilities and the houses of
    high or fairly high risk in the user's scope, coloured by risk level; and the hazard sources with a point."""
    points = []
    if policy.can(user, "view", CensusBody):
        weak = Q(kind=BodyKind.HOUSE, risk_level__in=(CensusRisk.HIGH, CensusRisk.MID_HIGH))
        rows = (CensusBody.objects.filter(policy.scope_q(user, CensusBody), lat__isnull=False)
                .filter(~Q(kind=BodyKind.HOUSE) | weak).order_by("region_code", "census_id")[:2000])
        for b in rows:
            points.append({
                "kind": "census_body", "id": b.pk, "name": b.name, "lat": float(b.lat), "lon": float(b.lon),
                "url": reverse("census_body_detail", args=[b.pk]),
                "risk": CensusRisk.MAP_COLOUR.get(b.risk_level, ""),
                "fields": _fields([(gettext("Kind"), BodyKind.label(b.kind)),
                                   (gettext("Structure"), Structure.label(b.structure) if b.structure else ""),
                                   (gettext("People in it"), b.occupants or ""),
                                   (gettext("Risk level"), CensusRisk.label(b.risk_level) if b.risk_level else ""),
                                   (gettext("Census id"), b.census_id)])})
    if policy.can(user, "view", HazardSource):
        rows = (HazardSource.objects.filter(policy.scope_q(user, HazardSource), lat__isnull=False)
                .order_by("region_code", "census_id")[:2000])
        for s in rows:
            points.append({
                "kind": "census_source", "id": s.pk, "name": s.name, "lat": float(s.lat), "lon": float(s.lon),
                "url": reverse("census_source_detail", args=[s.pk]),
                "risk": CensusRisk.MAP_COLOUR.get(s.risk_level, ""),
                "fields": _fields([(gettext("Disaster kind"), CensusHazard.label(s.hazard)),
                                   (gettext("Risk level"), CensusRisk.label(s.risk_level) if s.risk_level else ""),
                                   (gettext("Census id"), s.census_id)])})
    return points

