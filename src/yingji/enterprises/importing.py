"""Excel (or CSV) import of the enterprise registry, and its template.

The file format is the template's first sheet (or a CSV file with the same columns, in UTF-8 with or without a BOM,
or GBK as Chinese office software saves it): one header row with the Chinese column titles below (a trailing
``*`` marks a required column and is ignored when reading), then one enterprise per row. Only the three required
columns must be present; any other template column may be left out. Rules:

- Every row is checked before anything is written: the credit code (GB 32100), required cells, the region code
  (it must exist and lie inside the importer's jurisdiction), numbers, dates, choice values, duplicate credit
  codes within the file. If any row is bad nothing is written and the answer lists each problem as
  ``{row, column, message}`` (row numbers as Excel shows them, the header being row 1).
- A credit code already in the registry **updates** that enterprise: the non-empty cells overwrite its fields
  and empty cells leave them as they are (an import never clears a field; use the page or the API for that).
  The enterprise must lie inside the importer's jurisdiction. A new credit code **creates** an enterprise.
- The licence columns (type, number, issuer, expiry) are optional; when a number is given, the enterprise's
  licence of that type and number is updated, or created.
- Formulas are refused (a cell's stored value must be what the registry keeps), and so are files that are neither
  .xlsx workbooks nor UTF-8/GBK CSV text, unknown or repeated headers, and more than ``MAX_ROWS`` rows.
- All rows are written in one transaction through the services (each change audited), or none.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from yingji.core import imports, policy
from yingji.core.models import Organisation, Region
from yingji.standards import gb32100

from . import industries, services
from .choices import EnterpriseScale, EnterpriseStatus, LicenceKind, Sector
from .models import SUPERVISOR_KINDS, Enterprise, Licence

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
SHEET_TITLE = "企业名录"

# The file format speaks Chinese whatever the interface language, so these labels are fixed text, not gettext.
STATUS_LABELS = {EnterpriseStatus.OPERATING: "在营", EnterpriseStatus.SUSPENDED: "停产",
                 EnterpriseStatus.CLOSED: "关闭"}
SCALE_LABELS = {EnterpriseScale.ABOVE: "规上", EnterpriseScale.BELOW: "规下"}
SECTOR_LABELS = {
    Sector.HAZARDOUS_CHEMICALS: "危险化学品", Sector.FIREWORKS: "烟花爆竹", Sector.NON_COAL_MINING: "非煤矿山",
    Sector.METALLURGY: "冶金", Sector.NONFERROUS: "有色", Sector.BUILDING_MATERIALS: "建材",
    Sector.MACHINERY: "机械", Sector.LIGHT_INDUSTRY: "轻工", Sector.TEXTILE: "纺织", Sector.TOBACCO: "烟草",
    Sector.COMMERCE: "商贸", Sector.OTHER: "其他",
}
LICENCE_LABELS = {
    LicenceKind.SAFETY_PRODUCTION: "安全生产许可证", LicenceKind.HAZCHEM_BUSINESS: "危险化学品经营许可证",
    LicenceKind.HAZCHEM_USE: "危险化学品安全使用许可证", LicenceKind.FIREWORKS_BUSINESS: "烟花爆竹经营许可证",
    LicenceKind.MINE_SAFETY: "非煤矿山安全生产许可证", LicenceKind.STANDARDISATION: "安全生产标准化证书",
    LicenceKind.PRINCIPAL_TRAINING: "主要负责人安全生产知识和管理能力考核合格证",
    LicenceKind.SAFETY_MANAGER_TRAINING: "安全生产管理人员安全生产知识和管理能力考核合格证",
    LicenceKind.SPECIAL_OPERATION: "特种作业操作证", LicenceKind.OTHER: "其他",
}
FLAG_HEADERS = {
    "hazchem_production": "危化品生产", "hazchem_business": "危化品经营", "hazchem_use": "危化品使用",
    "fireworks": "烟花爆竹", "non_coal_mine": "非煤矿山", "tailings_pond": "尾矿库", "metallurgy": "冶金",
    "ammonia_refrigeration": "涉氨制冷", "combustible_dust": "粉尘涉爆", "confined_space": "有限空间",
}


Column = imports.Column
RowError = imports.RowError
ImportFailed = imports.ImportFailed


def _credit_code(value: Any) -> str:
    code = imports.as_text(value).upper()
    try:
        gb32100.validate_credit_code(code)
    except ValueError as exc:
        raise RowError(str(exc)) from None
    return code


def _division(value: Any) -> str:
    text = imports.as_text(value)
    if text.isdigit() and len(text) == 1:
        text = "0" + text
    code = text[:2] if re.fullmatch(r"\d{2}(\d{1,2})?", text) else text
    if code not in industries.DIVISIONS:
        raise RowError(gettext("Expected a GB/T 4754-2017 division code, 01 to 97"))
    return code


def _choice(choices, words: dict[str, str]):
    """A choice given by its code, its Chinese label or the word the template uses (``words``)."""
    return imports.choice(choices, {word: code for code, word in words.items()})


COLUMNS: tuple[Column, ...] = (
    Column("credit_code", "统一社会信用代码", _credit_code, True, "91410481MA44XK2PXE", 22),
    Column("name", "企业名称", imports.text(200), True, "舞钢市恒通化工有限公司", 28),
    Column("region_code", "行政区划代码", imports.region_code, True, "410481001001", 16),
    Column("address", "详细地址", imports.text(200), False, "舞钢市龙泉街道建设路8号", 28),
    Column("lon", "经度", imports.decimal(Decimal(-180), Decimal(180), 6), False, 113.52),
    Column("lat", "纬度", imports.decimal(Decimal(-90), Decimal(90), 6), False, 33.29),
    Column("industry_division", "行业大类代码", _division, False, "26"),
    Column("industry", "主营业务", imports.text(100), False, "工业气体生产", 20),
    Column("sector", "监管行业", _choice(Sector, SECTOR_LABELS), False, "危险化学品"),
    Column("supervising_unit", "行业主管部门", imports.text(200), False, "应急管理局", 16),
    Column("scale", "企业规模", _choice(EnterpriseScale, SCALE_LABELS), False, "规上"),
    Column("legal_representative", "法定代表人", imports.text(50), False, "张伟"),
    Column("legal_representative_phone", "法定代表人电话", imports.text(32), False, "13837500001", 16),
    Column("principal", "主要负责人", imports.text(50), False, "张伟"),
    Column("principal_phone", "主要负责人电话", imports.text(32), False, "13837500001", 16),
    Column("safety_manager", "安全管理人员", imports.text(50), False, "李娜"),
    Column("safety_manager_phone", "安全管理人员电话", imports.text(11), False, "13937500002", 16),
    Column("employee_count", "从业人员数", imports.count, False, 120),
    Column("status", "经营状态", _choice(EnterpriseStatus, STATUS_LABELS), False, "在营"),
    *(Column(name, header, imports.yes_no, False, "否", 10) for name, header in FLAG_HEADERS.items()),
    Column("licence_kind", "许可证类型", _choice(LicenceKind, LICENCE_LABELS), False, "安全生产许可证", 20),
    Column("licence_number", "许可证编号", imports.text(64), False, "(豫)WH安许证字[2024]000123", 24),
    Column("licence_issuer", "发证机关", imports.text(100), False, "平顶山市应急管理局", 18),
    Column("licence_expires_on", "许可证有效期至", imports.date, False, datetime.date(2027, 6, 30), 16),
)
BY_HEADER = {c.header: c for c in COLUMNS}
LICENCE_KEYS = ("licence_kind", "licence_number", "licence_issuer", "licence_expires_on")


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    licences: int = 0
    dry_run: bool = False


@dataclass
class _Plan:
    row: int
    values: dict
    existing: Enterprise | None = None
    licence: dict | None = None


# --- the template ----------------------------------------------------------------------------------------------


def template_workbook() -> bytes:
    """The import template: the header row (required columns marked *), one example row, drop-down lists for
    the choice columns, and a sheet explaining the columns."""
    lists = {"sector": SECTOR_LABELS.values(), "scale": SCALE_LABELS.values(), "status": STATUS_LABELS.values(),
             "licence_kind": LICENCE_LABELS.values(), **{k: ("是", "否") for k in FLAG_HEADERS}}
    notes = {
        "credit_code": "18位统一社会信用代码（GB 32100）；已登记的代码将更新该企业，空白单元格保持原值不变",
        "region_code": "所在村（社区）或乡镇（街道）的12位或9位行政区划代码，须在您的辖区内",
        "industry_division": "国民经济行业分类（GB/T 4754-2017）大类代码，01-97",
        "supervising_unit": "安委会成员单位名称或简称，如 应急管理局、工信局、市场监管局",
        "scale": "规上（规模以上）或规下",
        "licence_expires_on": "日期，如 2027-06-30",
    }
    return imports.template_workbook(list(COLUMNS), SHEET_TITLE, lists=lists, notes=notes, max_rows=MAX_ROWS)


# --- reading ---------------------------------------------------------------------------------------------------


def read_rows(uploaded) -> tuple[list[Column], list[tuple[int, dict[str, Any], list[dict]]]]:
    """The workbook's columns and its non-empty data rows as ``(row number, {key: cell value}, formula errors)``.
    Raises ValidationFailed (field ``file``) for a file that is not a usable workbook."""
    data = imports.read_upload(uploaded, max_bytes=MAX_BYTES)
    cells = imports.read_cells(data, columns=len(COLUMNS), max_rows=MAX_ROWS)
    columns = imports.match_header(cells[0] if cells else [], COLUMNS)
    rows = imports.data_rows(cells, columns, max_rows=MAX_ROWS)
    if not rows:
        raise imports.refuse_file(gettext("The workbook has no data rows"))
    return columns, rows


# --- checking and writing --------------------------------------------------------------------------------------


def _supervisors() -> dict[str, Organisation]:
    lookup = {}
    for org in Organisation.objects.filter(kind__in=SUPERVISOR_KINDS):
        for key in (org.name, org.short_name):
            if key:
                lookup.setdefault(key, org)
    return lookup


def _plan(actor, rows, columns) -> tuple[list[_Plan], list[dict]]:
    errors: list[dict] = []
    header_of = {c.key: c.header for c in COLUMNS}
    codes_in_file: dict[str, int] = {}
    parsed_rows = []
    for row, raw, formulas in rows:
        errors.extend({"row": row, **f} for f in formulas)
        values = {}
        for column in columns:
            if column.key not in raw:
                if column.required and not any(f["key"] == column.key for f in formulas):
                    errors.append({"row": row, "column": column.header, "key": column.key,
                                   "message": gettext("This cell is required")})
                continue
            try:
                values[column.key] = column.parse(raw[column.key])
            except RowError as exc:
                errors.append({"row": row, "column": column.header, "key": column.key, "message": str(exc)})
        code = values.get("credit_code")
        if code:
            if code in codes_in_file:
                errors.append({"row": row, "column": header_of["credit_code"], "key": "credit_code",
                               "message": f"The same credit code is already in row {codes_in_file[code]}"})
            else:
                codes_in_file[code] = row
        parsed_rows.append((row, values))

    existing = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=list(codes_in_file))}
    regions = set(Region.objects.filter(code__in={v["region_code"] for _r, v in parsed_rows if "region_code" in v})
                  .values_list("code", flat=True))
    supervisors = _supervisors()
    scope = actor.scope_region_code if not actor.enterprise_id else None
    plans = []
    for row, values in parsed_rows:
        def bad(key: str, message: str, row=row) -> None:
            errors.append({"row": row, "column": header_of.get(key, key), "key": key, "message": message})

        enterprise = existing.get(values.get("credit_code"))
        if enterprise is not None and not policy.in_scope(actor, enterprise):
            bad("credit_code", "This credit code is registered to an enterprise outside your jurisdiction")
            continue
        region = values.get("region_code")
        if region:
            if region not in regions:
                bad("region_code", f"No region has code {region}")
            elif scope is None or not region.startswith(scope):
                bad("region_code", f"Region {region} is outside your jurisdiction")
        if "supervising_unit" in values:
            org = supervisors.get(values["supervising_unit"])
            if org is None:
                bad("supervising_unit", "No safety-committee member unit has this name or short name")
            else:
                values["supervising_unit"] = org
        licence = {k.removeprefix("licence_"): values.pop(k) for k in LICENCE_KEYS if k in values}
        if licence:
            if not licence.get("number"):
                bad("licence_number", "Give the licence number with the other licence cells")
            if not licence.get("kind"):
                bad("licence_kind", "Give the licence type with its number")
        if enterprise is not None and {"lat", "lon"} & set(values) and not {"lat", "lon"} <= set(values):
            bad("lat" if "lat" not in values else "lon", "Give both longitude and latitude, or neither")
        plans.append(_Plan(row=row, values=values, existing=enterprise, licence=licence or None))

    for plan in plans:
        if any(e["row"] == plan.row for e in errors):
            continue
        _check_model(plan, errors, header_of)
    return plans, errors


def _check_model(plan: _Plan, errors: list[dict], header_of: dict[str, str]) -> None:
    """Run the model's field validators and its database-free checks on the row's values (the region and the
    supervising department were looked up in bulk by ``_plan``), so the write cannot fail later."""
    candidate = Enterprise()
    if plan.existing is not None:
        for f in Enterprise._meta.concrete_fields:
            setattr(candidate, f.attname, getattr(plan.existing, f.attname))
    for key, value in plan.values.items():
        setattr(candidate, key, value)
    found: dict[str, list[str]] = {}
    try:
        candidate.clean_fields(exclude=["supervising_unit"])
    except ValidationError as exc:
        found.update(exc.message_dict)
    for key, message in candidate.check_values().items():
        found.setdefault(key, []).append(str(message))
    for key, messages in found.items():
        for message in messages:
            errors.append({"row": plan.row, "column": header_of.get(key, key), "key": key, "message": message})
    if plan.licence and plan.licence.get("kind") and plan.licence.get("number"):
        licence = Licence(kind=plan.licence["kind"], number=plan.licence["number"],
                          issuer=plan.licence.get("issuer", ""), expires_on=plan.licence.get("expires_on"))
        try:
            licence.clean_fields(exclude=["enterprise"])
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                key = f"licence_{key}" if f"licence_{key}" in header_of else "licence_number"
                for message in messages:
                    errors.append({"row": plan.row, "column": header_of[key], "key": key, "message": message})


def import_enterprises(actor, uploaded, *, dry_run: bool = False) -> ImportResult:
    """Check every row of an uploaded workbook, then write them all in one transaction (or none)."""
    policy.require(actor, "add", Enterprise)
    policy.require(actor, "change", Enterprise)
    columns, rows = read_rows(uploaded)
    plans, errors = _plan(actor, rows, columns)
    if errors:
        order = {c.key: i for i, c in enumerate(COLUMNS)}
        errors.sort(key=lambda e: (e["row"], order.get(e.get("key"), len(order))))
        raise ImportFailed(f"{len({e['row'] for e in errors})} of {len(rows)} rows have errors; nothing was "
                           f"imported", errors)
    result = ImportResult(rows=len(plans), dry_run=dry_run)
    if dry_run:
        result.created = sum(1 for p in plans if p.existing is None)
        result.updated = len(plans) - result.created
        result.licences = sum(1 for p in plans if p.licence)
        return result
    written = services.write_registry(actor, [services.RegistryRow(values=p.values, existing=p.existing,
                                                                   licence=p.licence) for p in plans])
    result.created, result.licences = written.created, written.licences
    result.updated = len(plans) - written.created
    return result
