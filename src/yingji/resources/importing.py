"""Excel import of rescue teams and shelters, and their templates.

The file is the template's first sheet: one header row of Chinese column titles (a trailing ``*`` marks a
required column and is ignored when reading), then one team or shelter per row. Every row is checked first —
required cells, numbers, choice values, coordinates, the region code (it must exist and lie inside the
importer's jurisdiction) and the model's own rules (e.g. a shelter's capacity against its area). If any row is
bad nothing is written and the answer lists each problem as ``{row, column, message}`` (row numbers as Excel
shows them, the header being row 1). Otherwise every row is created through the services (each audited) in
one transaction. Import creates; changing existing records goes through the pages or the API.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from yingji.core import policy
from yingji.core.errors import ServiceError, ValidationFailed
from yingji.core.models import Region
from yingji.core.services import create_object

from . import services
from .choices import Capability, Facility, Readiness, ShelterKind, ShelterLevel, ShelterSpace, TeamKind
from .models import Shelter, Team

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


def _text(max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = str(value).strip()
        if len(text) > max_length:
            raise RowError(f"At most {max_length} characters")
        return text

    return parse


def _phone(value: Any) -> str:
    return str(int(value)) if isinstance(value, int | float) and not isinstance(value, bool) else _text(32)(value)


def _region_code(value: Any) -> str:
    code = str(int(value)) if isinstance(value, int | float) and not isinstance(value, bool) else str(value).strip()
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

KINDS = {"teams": (Team, TEAM_COLUMNS, "救援队伍"), "shelters": (Shelter, SHELTER_COLUMNS, "避难场所")}


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
        raise ValidationFailed.from_dict({"file": ["The file is larger than 5 MB"]}, "The file is too large")
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
        raise ValidationFailed.from_dict({"file": ["The first sheet is empty"]}, "The file cannot be imported")
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


def import_rows(actor, kind: str, uploaded, *, dry_run: bool = False) -> int:
    """Check every row, then create them all (or, with any bad row, nothing). Returns the rows imported."""
    model, columns, _title = KINDS[kind]
    policy.require(actor, "add", model)
    errors: list[dict] = []
    plans: list[tuple[int, dict]] = []
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
        code = values.get("region_code")
        if code and code not in regions:
            bad("region_code", f"No region has code {code}")
        elif code and (actor.enterprise_id or not code.startswith(actor.scope_region_code)):
            bad("region_code", f"Region {code} is outside your jurisdiction")
        if not any(e["row"] == number for e in errors):
            instance = model(**values)
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
                if kind == "teams":
                    services.create_team(actor, values)
                else:
                    create_object(actor, Shelter, values)
            except ServiceError as exc:
                raise ImportFailed("A row could not be written; nothing was imported", [
                    {"row": number, "column": _field_header(columns, e["field"]), "key": e["field"],
                     "message": e["message"]} for e in (exc.errors or [{"field": "", "message": exc.detail}])
                ]) from None
    return len(plans)
