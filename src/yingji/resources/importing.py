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

from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from yingji.core import imports, policy
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
Column = imports.Column


# The file format speaks Chinese whatever the interface language: fixed text, not gettext.
TEAM_KINDS = {TeamKind.FIRE_RESCUE: "综合性消防救援", TeamKind.PROFESSIONAL: "专业", TeamKind.ENTERPRISE: "企业",
              TeamKind.VOLUNTEER: "社会志愿", TeamKind.MILITIA: "民兵", TeamKind.TOWNSHIP: "乡镇",
              TeamKind.FOREST_VOLUNTEER: "森林义务消防"}
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


def _choice(choices, words: dict[str, str]):
    """A choice given by its code, its Chinese label or the word the template uses (``words``)."""
    return imports.choice(choices, {word: code for code, word in words.items()})


def _choices(choices, words: dict[str, str]):
    return imports.choice_list(choices, {word: code for code, word in words.items()})


TEAM_COLUMNS = [
    Column("name", "队伍名称", imports.text(200), True, "柏庄乡应急救援队"),
    Column("kind", "队伍类型", _choice(TeamKind, TEAM_KINDS), True, "乡镇"),
    Column("region_code", "区划代码", imports.region_code, True, "410481201"),
    Column("address", "地址", imports.text(200), example="柏庄乡政府路1号"),
    Column("lat", "纬度", imports.LAT, example=33.2),
    Column("lon", "经度", imports.LON, example=113.4),
    Column("capabilities", "擅长事件类型", _choices(Capability, CAPABILITIES), example="防汛抗旱、森林火灾"),
    Column("leader", "负责人", imports.text(50), example="王伟"),
    Column("leader_phone", "负责人电话", imports.phone, example="13812345678"),
    Column("duty_phone", "24小时值班电话", imports.phone, example="0375-8123456"),
    Column("headcount", "人数", imports.count, example=25),
    Column("readiness", "状态", _choice(Readiness, READINESS), example="待命"),
]
SHELTER_COLUMNS = [
    Column("name", "场所名称", imports.text(200), True, "柏庄乡中心小学"),
    Column("level", "级别", _choice(ShelterLevel, SHELTER_LEVELS), True, "乡镇级"),
    Column("kind", "类型", _choice(ShelterKind, SHELTER_KINDS), True, "学校"),
    Column("space", "室内室外", _choice(ShelterSpace, SPACES), True, "室内"),
    Column("region_code", "区划代码", imports.region_code, True, "410481201"),
    Column("area_m2", "有效面积(㎡)", imports.decimal(Decimal(1), Decimal("99999999"), 1), True, 1500),
    Column("area_per_person", "人均面积(㎡)", imports.decimal(Decimal("0.5"), Decimal("99"), 1), example=1.5),
    Column("capacity", "容纳人数", imports.count, True, 1000),
    Column("facilities", "设施", _choices(Facility, FACILITIES), example="供水、供电、厕所"),
    Column("manager", "管理人", imports.text(50), example="李娜"),
    Column("phone", "联系电话", imports.phone, example="13912345678"),
    Column("address", "地址", imports.text(200), example="柏庄乡学府路2号"),
    Column("lat", "纬度", imports.LAT, example=33.21),
    Column("lon", "经度", imports.LON, example=113.41),
]

EXPERT_COLUMNS = [
    Column("name", "姓名", imports.text(50), True, "张强"),
    Column("field", "专业领域", _choice(Capability, CAPABILITIES), True, "防汛抗旱"),
    Column("region_code", "区划代码", imports.region_code, True, "410481"),
    Column("specialty", "专长", imports.text(200), example="水利工程抢险"),
    Column("title", "职称", imports.text(100), example="高级工程师"),
    Column("unit", "单位", imports.text(200), example="市水利局"),
    Column("phone", "联系电话", imports.phone, example="13712345678"),
    Column("available", "是否可用", imports.yes_no, example="是"),
    Column("address", "地址", imports.text(200), example="市政府路8号"),
    Column("lat", "纬度", imports.LAT, example=33.3),
    Column("lon", "经度", imports.LON, example=113.5),
]
WAREHOUSE_COLUMNS = [
    Column("name", "仓库名称", imports.text(200), True, "柏庄乡应急物资储备库"),
    Column("level", "级别", _choice(WarehouseLevel, WAREHOUSE_LEVELS), True, "乡镇储备"),
    Column("region_code", "区划代码", imports.region_code, True, "410481201"),
    Column("manager", "管理人", imports.text(50), example="赵敏"),
    Column("phone", "联系电话", imports.phone, example="13612345678"),
    Column("area_m2", "面积(㎡)", imports.decimal(Decimal(0), Decimal("999999999"), 1), example=300),
    Column("address", "地址", imports.text(200), example="柏庄乡仓储路3号"),
    Column("lat", "纬度", imports.LAT, example=33.22),
    Column("lon", "经度", imports.LON, example=113.42),
]
EQUIPMENT_COLUMNS = [
    Column("item", "装备名称", _choice(EquipmentItem, EQUIPMENT_ITEMS), True, "对讲机"),
    Column("model_name", "型号", imports.text(100), example="DP4400"),
    Column("count", "数量", imports.positive_count, True, 10),
    Column("holder_kind", "持有类型", _choice(HolderKind, HOLDER_KINDS), True, "队伍"),
    Column("holder", "持有者名称", imports.text(200), True, "柏庄乡应急救援队"),
    Column("region_code", "区划代码", imports.region_code, example=""),
    Column("status", "状态", _choice(EquipmentStatus, EQUIPMENT_STATUSES), example="在用"),
    Column("last_checked", "最近检查日期", imports.date, example="2026-05-01"),
    Column("address", "地址", imports.text(200), example=""),
    Column("lat", "纬度", imports.LAT, example=""),
    Column("lon", "经度", imports.LON, example=""),
]
STOCK_COLUMNS = [
    Column("warehouse", "仓库名称", imports.text(200), True, "柏庄乡应急物资储备库"),
    Column("item", "物资编码", imports.text(20), True, "SH-001"),
    Column("batch_no", "批次号", imports.text(50), True, "2026-06-A"),
    Column("quantity", "数量", imports.positive_count, True, 100),
    Column("expires_on", "有效期至", imports.date, example="2028-06-30"),
    Column("inspect_on", "下次检验日期", imports.date, example="2026-12-31"),
    Column("reason", "备注", imports.text(500), example="年度采购入库"),
]

KINDS = {"teams": (Team, TEAM_COLUMNS, "救援队伍"), "shelters": (Shelter, SHELTER_COLUMNS, "避难场所"),
         "experts": (Expert, EXPERT_COLUMNS, "专家"), "warehouses": (Warehouse, WAREHOUSE_COLUMNS, "物资仓库"),
         "equipment": (Equipment, EQUIPMENT_COLUMNS, "装备"), "stock": (StockBatch, STOCK_COLUMNS, "库存入库")}

#: The drop-down lists of the templates' choice columns.
LISTS = {"teams": {"kind": TEAM_KINDS.values(), "readiness": READINESS.values()},
         "shelters": {"level": SHELTER_LEVELS.values(), "kind": SHELTER_KINDS.values(), "space": SPACES.values()},
         "experts": {"field": CAPABILITIES.values(), "available": ("是", "否")},
         "warehouses": {"level": WAREHOUSE_LEVELS.values()},
         "equipment": {"item": EQUIPMENT_ITEMS.values(), "holder_kind": HOLDER_KINDS.values(),
                       "status": EQUIPMENT_STATUSES.values()}}

#: What makes two rows of a file the same record (a repeated row is refused, never imported twice).
ROW_KEYS = {"teams": ("name", "region_code"), "shelters": ("name", "region_code"),
            "experts": ("name", "field", "unit"), "warehouses": ("name", "region_code"),
            "equipment": ("holder_kind", "holder", "item", "model_name"), "stock": ("warehouse", "item", "batch_no")}


ImportFailed = imports.ImportFailed


def template_workbook(kind: str) -> bytes:
    _model, columns, title = KINDS[kind]
    return imports.template_workbook(columns, title, max_rows=MAX_ROWS, lists=LISTS.get(kind))


def _field_header(columns: list[imports.Column], key: str) -> str:
    return next((c.header for c in columns if c.key == key), "")


def _by_name(actor, model, name: str):
    """The one object of ``model`` in the actor's scope with this exact name, or a RowError."""
    found = list(model.objects.filter(policy.scope_q(actor, model), name=name)[:2])
    if not found:
        raise imports.RowError(f"No {model._meta.model_name} named {name!r} in your jurisdiction")
    if len(found) > 1:
        raise imports.RowError(f"Several {model._meta.verbose_name_plural} are named {name!r}; rename one first")
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
    except imports.RowError as exc:
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
        except imports.RowError as exc:
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
        raise ValidationFailed.from_dict({"kind": [gettext("Use one of: %(labels)s") % {"labels": "、".join(KINDS)}]})
    model, columns, _title = KINDS[kind]
    policy.require(actor, "add", model)
    if model is StockBatch:
        policy.require(actor, "move", model)
    errors: list[dict] = []
    plans: list[tuple[int, dict]] = []
    seen: dict[tuple, int] = {}
    regions = set(Region.objects.values_list("code", flat=True))
    for number, raw, formulas in imports.read_table(uploaded, columns, max_bytes=MAX_BYTES, max_rows=MAX_ROWS):
        errors.extend(formulas)

        def bad(column: imports.Column | str, message: str, number=number) -> None:
            header = column.header if isinstance(column, imports.Column) else _field_header(columns, column)
            key = column.key if isinstance(column, imports.Column) else column
            errors.append({"row": number, "column": header, "key": key, "message": message})

        values = imports.parse_row(number, raw, columns, errors, skip=[f["key"] for f in formulas])
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
        elif code and (actor.enterprise_id or not code.startswith(actor.scope_prefix)):
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
        raise imports.failed(errors)
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
