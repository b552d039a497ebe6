"""Excel import of rescue teams, experts, equipment, warehouses, stock and shelters, and their templates.

The file is the template's first sheet: one header row of Chinese column titles (a trailing ``*`` marks a
required column and is ignored when reading), then one team or shelter per row. Every row is checked first —
required cells, numbers, choice values, coordinates, the region code (it must exist and lie inside the
importer's jurisdiction) and the model's own rules (e.g. a shelter's capacity against its area). If any row is
bad nothing is written and the answer lists each problem as ``{row, column, message}`` (row numbers as Excel
shows them, the header being row 1). A row repeating an earlier row's key (e.g. the same team name in the same
region) is an error too. Otherwise every row is created through the services (each audited) in one
transaction. Import creates (stock rows are receipts, 入库, into a new or existing batch); changing existing
records goes through the pages or the API. Equipment and stock name their team or warehouse by its name,
which must match exactly one in the importer's jurisdiction.
"""

from __future__ import annotations

import datetime
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from yingji.core import policy, textpolicy
from yingji.core import values as value_rules
from yingji.core.errors import ServiceError, ValidationFailed
from yingji.core.models import Region
from yingji.core.services import create_object

from . import services
from .choices import (
    Capability,
    EquipmentItem,
    EquipmentStatus,
    Facility,
    HolderKind,
    Readiness,
    ShelterKind,
    ShelterLevel,
    ShelterSpace,
    TeamKind,
    WarehouseLevel,
)
from .models import Equipment, Expert, Shelter, StockBatch, SupplyItem, Team, Warehouse

MAX_ROWS = 2000
MAX_BYTES = 5 * 1024 * 1024


class RowError(Exception):
    pass


# The file format speaks Chinese whatever the interface language: fixed text, not gettext.
TEAM_KINDS = {TeamKind.FIRE_RESCUE: "综合性消防救援", TeamKind.PROFESSIONAL: "专业", TeamKind.ENTERPRISE: "企业",
              TeamKind.VOLUNTEER: "社会志愿", TeamKind.MILITIA: "民兵", TeamKind.TOWNSHIP: "乡镇"}
READINESS = {Readiness.STANDBY: "待命", Readiness.DEPLOYED: "出动", Readiness.RESTING: "休整"}
CAPABILITIES = {Capability.FLOOD: "防汛抗旱", Capability.FOREST_FIRE: "森林火灾", Capability.FIRE: "火灾",
                Capability.EARTHQUAKE: "地震", Capability.GEOLOGICAL: "地质灾害", Capability.HAZCHEM: "危险化学品",
                Capability.MINING: "矿山", Capability.TRAFFIC: "道路交通", Capability.BUILDING_COLLAPSE: "建筑坍塌",
                Capability.WATER_RESCUE: "水域救援", Capability.MEDICAL: "医疗救护"}
SHELTER_LEVELS = {ShelterLevel.COUNTY: "县级", ShelterLevel.TOWNSHIP: "乡镇级", ShelterLevel.VILLAGE: "村级"}
SHELTER_KINDS = {ShelterKind.SCHOOL: "学校", ShelterKind.GYM: "体育馆", ShelterKind.SQUARE: "广场",
                 ShelterKind.PARK: "公园", ShelterKind.COMMUNITY_CENTRE: "党群服务中心", ShelterKind.OTHER: "其他"}
SPACES = {ShelterSpace.INDOOR: "室内", ShelterSpace.OUTDOOR: "室外"}
FACILITIES = {Facility.WATER: "供水", Facility.POWER: "供电", Facility.TOILETS: "厕所", Facility.MEDICAL: "医疗",
              Facility.SUPPLIES: "物资"}
WAREHOUSE_LEVELS = {WarehouseLevel.COUNTY: "县级储备", WarehouseLevel.TOWNSHIP: "乡镇储备",
                    WarehouseLevel.ENTERPRISE: "企业储备", WarehouseLevel.SOCIAL: "社会储备"}
EQUIPMENT_ITEMS = {EquipmentItem.RADIO: "对讲机", EquipmentItem.SATELLITE_PHONE: "卫星电话", EquipmentItem.PUMP: "水泵",
                   EquipmentItem.GENERATOR: "发电机", EquipmentItem.BOAT: "冲锋舟", EquipmentItem.DRONE: "无人机",
                   EquipmentItem.LIGHTING: "照明设备", EquipmentItem.CHAINSAW: "油锯",
                   EquipmentItem.FIRE_BLOWER: "风力灭火机", EquipmentItem.VEHICLE: "车辆", EquipmentItem.OTHER: "其他"}
EQUIPMENT_STATUSES = {EquipmentStatus.IN_USE: "在用", EquipmentStatus.REPAIR: "维修", EquipmentStatus.SCRAPPED: "报废"}
HOLDER_KINDS = {HolderKind.TEAM: "队伍", HolderKind.UNIT: "单位", HolderKind.WAREHOUSE: "仓库"}
YES_NO = {"是": True, "否": False, "yes": True, "no": False, "true": True, "false": False, "1": True, "0": False}


def _text(max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = str(value).strip()
        if len(text) > max_length:
            raise RowError(f"At most {max_length} characters")
        reason = textpolicy.problem(text)
        if reason:
            raise RowError(reason)
        return text

    return parse


def _digits(value: Any) -> str | None:
    """A numeric cell (Excel stores long digit strings as numbers) as its digits; None for anything else,
    including the non-finite floats a crafted file can carry."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return str(int(value))
    return None


def _phone(value: Any) -> str:
    digits = _digits(value)
    return digits if digits is not None else _text(32)(value)


def _region_code(value: Any) -> str:
    digits = _digits(value)
    code = digits if digits is not None else str(value).strip()
    if not re.fullmatch(r"\d{6}(\d{3}(\d{3})?)?", code):
        raise RowError("A region code has 6, 9 or 12 digits")
    return code


def _decimal(low: Decimal, high: Decimal, places: int) -> Callable[[Any], Decimal]:
    def parse(value: Any) -> Decimal:
        if isinstance(value, bool):
            raise RowError("Enter a number")
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise RowError("Enter a number") from None
        if not number.is_finite() or not low <= number <= high:
            raise RowError(f"Between {low} and {high}")
        return round(number, places)

    return parse


def _count(value: Any) -> int:
    if isinstance(value, bool):
        raise RowError("Enter a whole number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise RowError("Enter a whole number") from None
    if not number.is_finite() or number != number.to_integral_value() or not 0 <= number <= 2**31 - 1:
        raise RowError("Enter a whole number, zero or more")
    return int(number)


def _date(value: Any) -> datetime.date:
    try:
        return value_rules.check_date(_parse_date(value))
    except value_rules.ValueRejected as exc:
        raise RowError(str(exc)) from None


def _parse_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise RowError("Enter a date such as 2026-06-30") from None


def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text not in YES_NO:
        raise RowError("Use 是 or 否")
    return YES_NO[text]


def _positive_count(value: Any) -> int:
    number = _count(value)
    if number < 1:
        raise RowError("Enter a whole number, one or more")
    return number


def _choice(labels: dict[str, str]) -> Callable[[Any], str]:
    by_text = {v: k for k, v in labels.items()} | {k: k for k in labels}

    def parse(value: Any) -> str:
        text = str(value).strip()
        if text not in by_text:
            raise RowError("Use one of: " + "、".join(labels.values()))
        return by_text[text]

    return parse


def _choices(labels: dict[str, str]) -> Callable[[Any], list[str]]:
    one = _choice(labels)

    def parse(value: Any) -> list[str]:
        parts = [p for p in re.split(r"[,，、;；\s]+", str(value).strip()) if p]
        return list(dict.fromkeys(one(p) for p in parts))

    return parse


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    parse: Callable[[Any], Any]
    required: bool = False
    example: Any = ""


LAT = _decimal(Decimal(-90), Decimal(90), 6)
LON = _decimal(Decimal(-180), Decimal(180), 6)

TEAM_COLUMNS = [
    Column("队伍名称", "name", _text(200), True, "柏庄乡应急救援队"),
    Column("队伍类型", "kind", _choice(TEAM_KINDS), True, "乡镇"),
    Column("区划代码", "region_code", _region_code, True, "410481201"),
    Column("地址", "address", _text(200), example="柏庄乡政府路1号"),
    Column("纬度", "lat", LAT, example=33.2),
    Column("经度", "lon", LON, example=113.4),
    Column("擅长事件类型", "capabilities", _choices(CAPABILITIES), example="防汛抗旱、森林火灾"),
    Column("负责人", "leader", _text(50), example="王伟"),
    Column("负责人电话", "leader_phone", _phone, example="13812345678"),
    Column("24小时值班电话", "duty_phone", _phone, example="0375-8123456"),
    Column("人数", "headcount", _count, example=25),
    Column("状态", "readiness", _choice(READINESS), example="待命"),
]
SHELTER_COLUMNS = [
    Column("场所名称", "name", _text(200), True, "柏庄乡中心小学"),
    Column("级别", "level", _choice(SHELTER_LEVELS), True, "乡镇级"),
    Column("类型", "kind", _choice(SHELTER_KINDS), True, "学校"),
    Column("室内室外", "space", _choice(SPACES), True, "室内"),
    Column("区划代码", "region_code", _region_code, True, "410481201"),
    Column("有效面积(㎡)", "area_m2", _decimal(Decimal(1), Decimal("99999999"), 1), True, 1500),
    Column("人均面积(㎡)", "area_per_person", _decimal(Decimal("0.5"), Decimal("99"), 1), example=1.5),
    Column("容纳人数", "capacity", _count, True, 1000),
    Column("设施", "facilities", _choices(FACILITIES), example="供水、供电、厕所"),
    Column("管理人", "manager", _text(50), example="李娜"),
    Column("联系电话", "phone", _phone, example="13912345678"),
    Column("地址", "address", _text(200), example="柏庄乡学府路2号"),
    Column("纬度", "lat", LAT, example=33.21),
    Column("经度", "lon", LON, example=113.41),
]

EXPERT_COLUMNS = [
    Column("姓名", "name", _text(50), True, "张强"),
    Column("专业领域", "field", _choice(CAPABILITIES), True, "防汛抗旱"),
    Column("区划代码", "region_code", _region_code, True, "410481"),
    Column("专长", "specialty", _text(200), example="水利工程抢险"),
    Column("职称", "title", _text(100), example="高级工程师"),
    Column("单位", "unit", _text(200), example="市水利局"),
    Column("联系电话", "phone", _phone, example="13712345678"),
    Column("是否可用", "available", _yes_no, example="是"),
    Column("地址", "address", _text(200), example="市政府路8号"),
    Column("纬度", "lat", LAT, example=33.3),
    Column("经度", "lon", LON, example=113.5),
]
WAREHOUSE_COLUMNS = [
    Column("仓库名称", "name", _text(200), True, "柏庄乡应急物资储备库"),
    Column("级别", "level", _choice(WAREHOUSE_LEVELS), True, "乡镇储备"),
    Column("区划代码", "region_code", _region_code, True, "410481201"),
    Column("管理人", "manager", _text(50), example="赵敏"),
    Column("联系电话", "phone", _phone, example="13612345678"),
    Column("面积(㎡)", "area_m2", _decimal(Decimal(0), Decimal("999999999"), 1), example=300),
    Column("地址", "address", _text(200), example="柏庄乡仓储路3号"),
    Column("纬度", "lat", LAT, example=33.22),
    Column("经度", "lon", LON, example=113.42),
]
EQUIPMENT_COLUMNS = [
    Column("装备名称", "item", _choice(EQUIPMENT_ITEMS), True, "对讲机"),
    Column("型号", "model_name", _text(100), example="DP4400"),
    Column("数量", "count", _positive_count, True, 10),
    Column("持有类型", "holder_kind", _choice(HOLDER_KINDS), True, "队伍"),
    Column("持有者名称", "holder", _text(200), True, "柏庄乡应急救援队"),
    Column("区划代码", "region_code", _region_code, example=""),
    Column("状态", "status", _choice(EQUIPMENT_STATUSES), example="在用"),
    Column("最近检查日期", "last_checked", _date, example="2026-05-01"),
    Column("地址", "address", _text(200), example=""),
    Column("纬度", "lat", LAT, example=""),
    Column("经度", "lon", LON, example=""),
]
STOCK_COLUMNS = [
    Column("仓库名称", "warehouse", _text(200), True, "柏庄乡应急物资储备库"),
    Column("物资编码", "item", _text(20), True, "SH-001"),
    Column("批次号", "batch_no", _text(50), True, "2026-06-A"),
    Column("数量", "quantity", _positive_count, True, 100),
    Column("有效期至", "expires_on", _date, example="2028-06-30"),
    Column("下次检验日期", "inspect_on", _date, example="2026-12-31"),
    Column("备注", "reason", _text(500), example="年度采购入库"),
]

KINDS = {"teams": (Team, TEAM_COLUMNS, "救援队伍"), "shelters": (Shelter, SHELTER_COLUMNS, "避难场所"),
         "experts": (Expert, EXPERT_COLUMNS, "专家"), "warehouses": (Warehouse, WAREHOUSE_COLUMNS, "物资仓库"),
         "equipment": (Equipment, EQUIPMENT_COLUMNS, "装备"), "stock": (StockBatch, STOCK_COLUMNS, "库存入库")}

#: What makes two rows of a file the same record (a repeated row is refused, never imported twice).
ROW_KEYS = {"teams": ("name", "region_code"), "shelters": ("name", "region_code"),
            "experts": ("name", "field", "unit"), "warehouses": ("name", "region_code"),
            "equipment": ("holder_kind", "holder", "item", "model_name"), "stock": ("warehouse", "item", "batch_no")}


class ImportFailed(ValidationFailed):
    """Rows are bad; each error carries ``row`` and ``column`` besides ``field`` and ``message``."""

    def __init__(self, detail: str, row_errors: list[dict]):
        super().__init__(detail)
        self.errors = [{"field": f"rows.{e['row']}.{e['key']}" if e.get("key") else f"rows.{e['row']}",
                        "message": e["message"], "row": e["row"], "column": e["column"]} for e in row_errors]


def template_workbook(kind: str) -> bytes:
    from openpyxl import Workbook

    _model, columns, title = KINDS[kind]
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append([c.header + ("*" if c.required else "") for c in columns])
    ws.append([c.example for c in columns])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _read(kind: str, uploaded) -> list[tuple[int, dict[str, Any]]]:
    from openpyxl import load_workbook

    columns = KINDS[kind][1]
    if getattr(uploaded, "size", 0) > MAX_BYTES:
        raise ValidationFailed.from_dict({"file": [gettext("The file is larger than 5 MB")]}, "The file is too large")
    try:
        wb = load_workbook(io.BytesIO(uploaded.read()), read_only=True, data_only=False)
        try:
            rows = [[(c.value, getattr(c, "data_type", "n")) for c in row]
                    for row in wb.worksheets[0].iter_rows(max_row=2 * MAX_ROWS + 1, max_col=len(columns) + 10)]
        finally:
            wb.close()
    except Exception as exc:  # openpyxl raises many types for damaged or hostile files
        raise ValidationFailed.from_dict({"file": [f"The workbook cannot be read ({exc.__class__.__name__})"]},
                                         "The file cannot be imported") from None
    if not rows:
        raise ValidationFailed.from_dict({"file": [gettext("The first sheet is empty")]}, "The file cannot be imported")
    by_header = {c.header: c for c in columns}
    positions: dict[int, Column] = {}
    for i, (value, _type) in enumerate(rows[0]):
        header = "" if value is None else str(value).strip().rstrip("*＊").strip()
        if not header:
            continue
        column = by_header.get(header)
        if column is None or column in positions.values():
            raise ValidationFailed.from_dict({"file": [f"Unknown or repeated column {header!r}"]},
                                             "The header row does not match the template")
        positions[i] = column
    missing = [c.header for c in columns if c.required and c not in positions.values()]
    if missing:
        raise ValidationFailed.from_dict({"file": [f"Missing column {h!r}" for h in missing]},
                                         "The header row does not match the template")
    data = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {positions[i]: cell for i, cell in enumerate(row) if i in positions}
        if all(v is None or str(v).strip() == "" for v, _t in cells.values()):
            continue
        data.append((number, cells))
    if len(data) > MAX_ROWS:
        raise ValidationFailed.from_dict({"file": [f"More than {MAX_ROWS} rows: split the file"]},
                                         "The file is too long")
    return data


def _field_header(columns: list[Column], key: str) -> str:
    return next((c.header for c in columns if c.key == key), "")


def _by_name(actor, model, name: str):
    """The one object of ``model`` in the actor's scope with this exact name, or a RowError."""
    found = list(model.objects.filter(policy.scope_q(actor, model), name=name)[:2])
    if not found:
        raise RowError(f"No {model._meta.model_name} named {name!r} in your jurisdiction")
    if len(found) > 1:
        raise RowError(f"Several {model._meta.verbose_name_plural} are named {name!r}; rename one first")
    return found[0]


def _resolve_equipment(actor, values: dict, bad) -> dict:
    """Name → holder: a team or warehouse (its region and point) or a unit (the row's region)."""
    holder = values.pop("holder", None)
    kind = values.get("holder_kind")
    if holder is None or kind is None:
        return values
    if kind == HolderKind.UNIT:
        values["holder_name"] = holder
        if not values.get("region_code"):
            bad("region_code", "A unit holder needs the region code")
        return values
    model = Team if kind == HolderKind.TEAM else Warehouse
    try:
        found = _by_name(actor, model, holder)
    except RowError as exc:
        bad("holder", str(exc))
        return values
    values[kind] = found
    values["holder_name"] = found.name
    values["region_code"] = found.region_code
    if values.get("lat") is None and values.get("lon") is None:
        values["lat"], values["lon"] = found.lat, found.lon
    return values


def _resolve_stock(actor, values: dict, bad) -> dict:
    """Name → warehouse in scope, code → supply item; an existing batch must keep its expiry date."""
    warehouse = item = None
    if values.get("warehouse"):
        try:
            warehouse = _by_name(actor, Warehouse, values["warehouse"])
        except RowError as exc:
            bad("warehouse", str(exc))
    if values.get("item"):
        item = SupplyItem.objects.filter(code=values["item"]).first()
        if item is None:
            bad("item", f"No supply item has code {values['item']}")
    if warehouse is not None and item is not None and values.get("batch_no"):
        batch = StockBatch.objects.filter(warehouse=warehouse, item=item, batch_no=values["batch_no"]).first()
        if batch is not None and values.get("expires_on") and batch.expires_on \
                and batch.expires_on != values["expires_on"]:
            bad("expires_on", f"Batch {batch.batch_no} already expires on {batch.expires_on}")
        if batch is not None and batch.quantity + values.get("quantity", 0) > services.MAX_QUANTITY:
            bad("quantity", "The batch would exceed the largest quantity; use a new batch")
    return {**values, "warehouse": warehouse, "item": item}


RESOLVERS: dict[str, Callable] = {"equipment": _resolve_equipment, "stock": _resolve_stock}


def _model_values(kind: str, values: dict) -> dict | None:
    """The values to run the model's own rules on (None: the kind is checked by its resolver only)."""
    if kind == "stock":
        return None
    if kind == "equipment":
        return {k: v for k, v in values.items() if k != "holder"}
    return values


def _write(actor, kind: str, values: dict) -> None:
    if kind == "teams":
        services.create_team(actor, values)
    elif kind == "equipment":
        data = {k: v for k, v in values.items() if k not in ("team", "warehouse")}
        for name in ("team", "warehouse"):
            if values.get(name) is not None:
                data[f"{name}_id"] = values[name].pk
        services.create_equipment(actor, data)
    elif kind == "stock":
        services.receive_stock(actor, values["warehouse"], values["item"], values["quantity"],
                               batch_no=values["batch_no"], expires_on=values.get("expires_on"),
                               inspect_on=values.get("inspect_on"), reason=values.get("reason", "") or "import")
    else:
        create_object(actor, KINDS[kind][0], values)


def _key(kind: str, values: dict) -> tuple | None:
    fields = ROW_KEYS[kind]
    key = tuple(values.get(f) if not isinstance(values.get(f), str) else values[f].casefold() for f in fields)
    return None if any(k is None for k in key[:1]) else key


def import_rows(actor, kind: str, uploaded, *, dry_run: bool = False) -> int:
    """Check every row, then create them all (or, with any bad row, nothing). Returns the rows imported."""
    if kind not in KINDS:
        raise ValidationFailed.from_dict({"kind": [f"Use one of: {', '.join(KINDS)}"]})
    model, columns, _title = KINDS[kind]
    policy.require(actor, "add", model)
    if model is StockBatch:
        policy.require(actor, "move", model)
    errors: list[dict] = []
    plans: list[tuple[int, dict]] = []
    seen: dict[tuple, int] = {}
    regions = set(Region.objects.values_list("code", flat=True))
    for number, cells in _read(kind, uploaded):
        values: dict[str, Any] = {}

        def bad(column: Column | str, message: str, number=number) -> None:
            header = column.header if isinstance(column, Column) else _field_header(columns, column)
            key = column.key if isinstance(column, Column) else column
            errors.append({"row": number, "column": header, "key": key, "message": message})

        for column in columns:
            value, data_type = cells.get(column, (None, "n"))
            if data_type == "f" or (isinstance(value, str) and value.startswith("=")):
                bad(column, "Formulas are not accepted: enter the value")
                continue
            if value is None or str(value).strip() == "":
                if column.required:
                    bad(column, "This column is required")
                continue
            try:
                values[column.key] = column.parse(value)
            except RowError as exc:
                bad(column, str(exc))
        key = _key(kind, values)
        if key is not None and key in seen:
            bad(ROW_KEYS[kind][0], f"Repeats row {seen[key]}")
        elif key is not None:
            seen[key] = number
        if kind in RESOLVERS and not any(e["row"] == number for e in errors):
            values = RESOLVERS[kind](actor, values, bad)
        code = values.get("region_code")
        if code and code not in regions:
            bad("region_code", f"No region has code {code}")
        elif code and (actor.enterprise_id or not code.startswith(actor.scope_region_code)):
            bad("region_code", f"Region {code} is outside your jurisdiction")
        checked = _model_values(kind, values)
        if checked is not None and not any(e["row"] == number for e in errors):
            instance = model(**checked)
            try:
                instance.full_clean()
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    for message in messages:
                        bad(field if field != "__all__" else "", message)
        plans.append((number, values))
    if errors:
        raise ImportFailed(f"{len({e['row'] for e in errors})} row(s) are invalid; nothing was imported", errors)
    if dry_run:
        return len(plans)
    with transaction.atomic():
        for number, values in plans:
            try:
                _write(actor, kind, values)
            except ServiceError as exc:
                raise ImportFailed("A row could not be written; nothing was imported", [
                    {"row": number, "column": _field_header(columns, e["field"]), "key": e["field"],
                     "message": e["message"]} for e in (exc.errors or [{"field": "", "message": exc.detail}])
                ]) from None
    return len(plans)
