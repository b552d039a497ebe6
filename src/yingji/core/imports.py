"""The one spreadsheet import engine: reading an uploaded .xlsx or .csv safely, matching its header row to a
declared list of columns, parsing cells, reporting every problem with its row and column, and the template
workbook. Apps declare their columns and what a row writes (``resources.importing``, ``enterprises.importing``,
``duty.roster_import``); core imports no domain app.

What every import gets from here:

- limits in one place: file size, data rows, columns read, and a zip-bomb guard (an .xlsx is a zip package: its
  inflated size and compression ratio are checked with ``zipfile`` before openpyxl opens it);
- .xlsx read with openpyxl (read-only, formulas as written) or .csv in UTF-8 (with or without BOM) or GB 18030;
- formulas refused, cell by cell (a formula cell, or text starting with ``=``): the value must be typed;
- the header matched by Chinese title (a trailing ``*`` marks a required column) or field name, every problem of
  the header reported at once;
- cell parsers (text with the platform's text policy, numbers, dates as ISO text, 2026年6月30日 or Excel dates,
  phones, region codes, 是/否, choices by code or Chinese label) raising ``RowError`` with a plain message;
- one error shape (``ImportFailed``): ``{field: "rows.<row>.<key>", message, row, column}``, row numbers as
  Excel shows them (the header is row 1). Importers check every row before writing anything.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from . import textpolicy
from . import values as value_rules
from .errors import ValidationFailed

#: Limits shared by every import (an app may pass smaller ones).
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
#: An .xlsx package inflating beyond this, or by more than ``MAX_RATIO`` times its size, is refused unread.
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_RATIO = 200
#: Columns read beyond the declared ones (so an unknown extra column is reported, not silently dropped).
EXTRA_COLUMNS = 20
#: Encodings a CSV file is tried in, in order: UTF-8 (with or without the BOM Excel writes), then GB 18030, the
#: superset of GBK that Chinese Excel and older office systems save "CSV" in.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
XLSX_MAGIC = b"PK\x03\x04"


class RowError(Exception):
    """A cell's value cannot be used; the message says why in plain words."""


@dataclass(frozen=True)
class Column:
    """One column of an import: its field ``key``, the Chinese ``header`` of the template, the cell parser."""

    key: str
    header: str
    parse: Callable[[Any], Any]
    required: bool = False
    example: Any = ""
    width: int = 14


class ImportFailed(ValidationFailed):
    """Rows are bad; each error carries ``row`` and ``column`` besides ``field`` and ``message``."""

    def __init__(self, detail: str, row_errors: list[dict]):
        super().__init__(detail)
        self.errors = [{"field": f"rows.{e['row']}.{e['key']}" if e.get("key") else f"rows.{e['row']}",
                        "message": e["message"], "row": e["row"], "column": e["column"]} for e in row_errors]


def refuse_file(message: str, detail: str | None = None) -> ValidationFailed:
    return ValidationFailed.from_dict({"file": [message]}, detail or gettext("The file cannot be imported"))


# --- cell parsers ----------------------------------------------------------------------------------------------


def as_text(value: Any) -> str:
    """A cell as text (an integral number without ``.0``); refuses dates and text the text policy refuses."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        raise RowError(gettext("Expected text, found a date"))
    text = str(value).strip()
    reason = textpolicy.problem(text)
    if reason:
        raise RowError(reason)
    return text


def text(max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        found = as_text(value)
        if len(found) > max_length:
            raise RowError(gettext("At most %(max)d characters (this has %(found)d)") % {"max": max_length,
                                                                                      "found": len(found)})
        return found

    return parse


def digits(value: Any) -> str | None:
    """A numeric cell (Excel stores long digit strings as numbers) as its digits; None for anything else,
    including the non-finite floats a crafted file can carry."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return str(int(value))
    return None


def phone(value: Any) -> str:
    found = digits(value)
    return found if found is not None else text(32)(value)


def region_code(value: Any) -> str:
    found = digits(value)
    code = found if found is not None else as_text(value)
    if not re.fullmatch(r"\d{6}(\d{3}(\d{3})?)?", code):
        raise RowError("A region code has 6, 9 or 12 digits")
    return code


def decimal(low: Decimal, high: Decimal, places: int) -> Callable[[Any], Decimal]:
    def parse(value: Any) -> Decimal:
        if isinstance(value, bool):
            raise RowError(gettext("Expected a number"))
        try:
            number = Decimal(as_text(value))
        except InvalidOperation:
            raise RowError(gettext("Expected a number")) from None
        if not number.is_finite() or not low <= number <= high:
            raise RowError(gettext("Expected a number from %(low)s to %(high)s") % {"low": low, "high": high})
        return round(number, places)

    return parse


def count(value: Any) -> int:
    """A whole number, zero or more (``25`` or ``25.0``), up to the largest integer column."""
    if isinstance(value, bool):
        raise RowError(gettext("Expected a whole number"))
    try:
        number = Decimal(as_text(value))
    except InvalidOperation:
        raise RowError(gettext("Expected a whole number")) from None
    if not number.is_finite() or number != number.to_integral_value() or not 0 <= number <= 2**31 - 1:
        raise RowError(gettext("Expected a whole number of at least 0"))
    return int(number)


def positive_count(value: Any) -> int:
    number = count(value)
    if number < 1:
        raise RowError(gettext("Expected a whole number of at least 1"))
    return number


def parse_date(value: Any) -> datetime.date:
    """An Excel date cell, or text such as 2026-06-30, 2026/6/30, 2026.6.30 or 2026年6月30日."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", as_text(value))
    if match:
        try:
            return datetime.date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    raise RowError(gettext("Expected a date such as 2027-06-30"))


def date(value: Any) -> datetime.date:
    """A date inside the range the platform accepts (``core.values``)."""
    try:
        return value_rules.check_date(parse_date(value))
    except value_rules.ValueRejected as exc:
        raise RowError(str(exc)) from None


YES = {"是", "有", "y", "yes", "true", "1", "√", "✓"}
NO = {"否", "无", "n", "no", "false", "0", "×", "✗"}


def yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    found = as_text(value).lower()
    if found in YES:
        return True
    if found in NO:
        return False
    raise RowError(gettext("Use 是 or 否"))


def labels_of(choices) -> dict[str, str]:
    """A ChoiceSet's (or a ``{code: label}`` mapping's) labels in the default language (the file's language)."""
    if isinstance(choices, Mapping):
        return dict(choices)
    with translation.override(settings.LANGUAGE_CODE):
        return {str(code): str(label) for code, label in choices.choices()}


def choice(choices, aliases: Mapping[str, str] | None = None) -> Callable[[Any], str]:
    """A code of ``choices`` (a ChoiceSet or a ``{code: label}`` mapping) given by its code, its Chinese label or
    one of the ``aliases`` (``{word: code}``)."""
    labels = labels_of(choices)
    lookup = {label: code for code, label in labels.items()} | {code: code for code in labels} | dict(aliases or {})

    def parse(value: Any) -> str:
        found = as_text(value)
        if found not in lookup:
            raise RowError(gettext("Use one of: %(labels)s") % {"labels": "、".join(labels.values())})
        return lookup[found]

    return parse


def choice_list(choices, aliases: Mapping[str, str] | None = None) -> Callable[[Any], list[str]]:
    """Several codes in one cell, separated by 、 , ; or spaces (repeats dropped, order kept)."""
    one = choice(choices, aliases)

    def parse(value: Any) -> list[str]:
        parts = [p for p in re.split(r"[,，、;；\s]+", as_text(value)) if p]
        return list(dict.fromkeys(one(p) for p in parts))

    return parse


LAT = decimal(Decimal(-90), Decimal(90), 6)
LON = decimal(Decimal(-180), Decimal(180), 6)


# --- reading ---------------------------------------------------------------------------------------------------


def read_upload(uploaded, *, max_bytes: int = MAX_BYTES) -> bytes:
    """The uploaded file's bytes; refused when empty or larger than ``max_bytes``."""
    size = getattr(uploaded, "size", None)
    if size is not None and not size:
        raise refuse_file(gettext("The file is empty"))
    if size is not None and size > max_bytes:
        raise refuse_file(gettext("The file is larger than %(mb)d MB") % {"mb": max_bytes // (1024 * 1024)})
    data = uploaded.read(max_bytes + 1)
    if not data:
        raise refuse_file(gettext("The file is empty"))
    if len(data) > max_bytes:
        raise refuse_file(gettext("The file is larger than %(mb)d MB") % {"mb": max_bytes // (1024 * 1024)})
    return data


class PackageRefused(ValidationFailed):
    """An .xlsx package refused before it is opened: ``damaged`` (not a readable zip) or too large unpacked."""

    def __init__(self, damaged: bool):
        self.damaged = damaged
        message = (gettext("The workbook cannot be read (damaged package)") if damaged
                   else gettext("The workbook is too large once unpacked"))
        super().__init__(gettext("The file cannot be imported"))
        self.errors = [{"field": "file", "message": message}]


def check_package(data: bytes, *, max_uncompressed: int = MAX_UNCOMPRESSED_BYTES, max_ratio: int = MAX_RATIO) -> None:
    """Refuse an .xlsx (zip) package that is damaged or would inflate too far (a zip bomb: by total size or by
    compression ratio), before any XML of it is parsed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            inflated = sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise PackageRefused(damaged=True) from None
    if inflated > max_uncompressed or inflated > max_ratio * max(len(data), 1):
        raise PackageRefused(damaged=False)


def _xlsx_cells(data: bytes, *, max_rows: int, max_cols: int, sheet: str | None) -> list[list[tuple[Any, str]]]:
    from openpyxl import load_workbook

    check_package(data)
    limit = 2 * max_rows + 1  # trailing blank rows are common; content this far down is not
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            if not wb.worksheets:
                raise refuse_file(gettext("The workbook has no sheet"))
            ws = wb[sheet] if sheet and sheet in wb.sheetnames else wb.worksheets[0]
            rows = []
            for number, row in enumerate(ws.iter_rows(max_col=max_cols), start=1):
                if number > limit:
                    raise refuse_file(gettext("More than %(rows)d rows: split the file") % {"rows": max_rows},
                                      gettext("The file is too long"))
                rows.append([(cell.value, getattr(cell, "data_type", "n")) for cell in row])
        finally:
            wb.close()
    except ValidationFailed:
        raise
    except Exception as exc:  # openpyxl raises many types for damaged or hostile files
        raise refuse_file(gettext("The workbook cannot be read (%(error)s)")
                          % {"error": exc.__class__.__name__}) from None
    return rows


def _csv_cells(data: bytes, *, max_rows: int, max_cols: int) -> list[list[tuple[Any, str]]]:
    if b"\x00" in data[:4096] or data[:4] in (b"\xd0\xcf\x11\xe0", b"%PDF"):
        raise refuse_file(gettext("Not an Excel .xlsx workbook or a CSV file: download the template and fill it in"))
    for encoding in CSV_ENCODINGS:
        try:
            decoded = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    else:
        raise refuse_file(gettext("The CSV file is neither UTF-8 nor GBK text: save it as “CSV UTF-8” or as an "
                                  ".xlsx workbook"))
    if any(ch < " " and ch not in "\t\r\n" for ch in decoded[:4096]):
        raise refuse_file(gettext("Not an Excel .xlsx workbook or a CSV text file"))
    limit = 2 * max_rows + 1
    rows = []
    try:
        for number, record in enumerate(csv.reader(io.StringIO(decoded, newline="")), start=1):
            if number > limit:
                raise refuse_file(gettext("More than %(rows)d rows: split the file") % {"rows": max_rows},
                                      gettext("The file is too long"))
            rows.append([(value, "s") for value in record[:max_cols]])
    except csv.Error as exc:
        raise refuse_file(gettext("The CSV file cannot be read: %(error)s") % {"error": exc}) from None
    return rows


def read_cells(data: bytes, *, columns: int, max_rows: int = MAX_ROWS, csv_allowed: bool = True,
               sheet: str | None = None) -> list[list[tuple[Any, str]]]:
    """The first sheet's (or ``sheet``'s) rows as ``(value, data type)`` cells ("f" marks a formula); a CSV file
    gives text cells. Raises ValidationFailed (field ``file``) for anything that is not a readable table."""
    max_cols = columns + EXTRA_COLUMNS
    if data.startswith(XLSX_MAGIC):
        return _xlsx_cells(data, max_rows=max_rows, max_cols=max_cols, sheet=sheet)
    if not csv_allowed:
        raise refuse_file(gettext("Not an Excel .xlsx workbook (wrong file type or text encoding); download the "
                                  "template and fill it in"))
    return _csv_cells(data, max_rows=max_rows, max_cols=max_cols)


def header_key(value: Any) -> str:
    return "" if value is None else str(value).strip().rstrip("*＊").strip()


def match_header(header_row: Iterable[tuple[Any, str]], columns: Iterable[Column], *,
                 by_key: bool = False) -> list[Column | None]:
    """The declared column under each header cell, matched by Chinese title (or, ``by_key``, also by field
    name); every problem (unknown, repeated, missing required) is reported at once."""
    columns = list(columns)
    by_header = {c.header: c for c in columns} | ({c.key: c for c in columns} if by_key else {})
    headers = [header_key(value) for value, _type in header_row]
    while headers and not headers[-1]:
        headers.pop()
    problems, found = [], []
    for name in headers:
        column = by_header.get(name)
        if not name:
            problems.append(gettext("An empty header cell sits between columns"))
        elif column is None:
            problems.append(gettext("Unknown column “%(name)s”") % {"name": name})
        elif column in found:
            problems.append(gettext("Column “%(name)s” appears twice") % {"name": name})
        found.append(column)
    missing = [c.header for c in columns if c.required and c not in found]
    if missing:
        problems.append(gettext("Missing required column(s): %(columns)s") % {"columns": "、".join(missing)})
    if problems:
        raise ValidationFailed.from_dict({"file": problems}, gettext("The header row does not match the template"))
    return found


def is_formula(value: Any, data_type: str) -> bool:
    return data_type == "f" or (isinstance(value, str) and value.startswith("="))


FORMULA_REFUSED = gettext_lazy("Formulas are not accepted: enter the value itself")


def data_rows(cells: list[list[tuple[Any, str]]], columns: list[Column | None], *,
              max_rows: int = MAX_ROWS) -> list[tuple[int, dict[str, Any], list[dict]]]:
    """The non-empty rows under the header as ``(row number, {key: raw value}, formula errors)``."""
    parsed = []
    for number, row in enumerate(cells[1:], start=2):
        raw, formulas = {}, []
        for column, (value, data_type) in zip(columns, row, strict=False):
            if column is None or value is None or (isinstance(value, str) and not value.strip()):
                continue
            if is_formula(value, data_type):
                formulas.append({"row": number, "column": column.header, "key": column.key,
                                 "message": str(FORMULA_REFUSED)})
                continue
            raw[column.key] = value
        if not raw and not formulas:
            continue
        if len(parsed) >= max_rows:
            raise refuse_file(gettext("More than %(rows)d rows: split the file") % {"rows": max_rows},
                                      gettext("The file is too long"))
        parsed.append((number, raw, formulas))
    return parsed


def read_table(uploaded, columns: list[Column], *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS,
               sheet: str | None = None) -> list[tuple[int, dict[str, Any], list[dict]]]:
    """An uploaded file's data rows, checked against the declared columns (see the module's docstring)."""
    cells = read_cells(read_upload(uploaded, max_bytes=max_bytes), columns=len(columns), max_rows=max_rows,
                       sheet=sheet)
    if not cells:
        raise refuse_file(gettext("The first sheet is empty"))
    rows = data_rows(cells, match_header(cells[0], columns), max_rows=max_rows)
    if not rows:
        raise refuse_file(gettext("The workbook has no data rows"))
    return rows


def parse_row(number: int, raw: Mapping[str, Any], columns: Iterable[Column], errors: list[dict],
              skip: Iterable[str] = ()) -> dict[str, Any]:
    """The row's parsed values; each bad or missing required cell adds an error (``skip``: keys already
    reported, e.g. formula cells)."""
    skip = set(skip)
    values = {}
    for column in columns:
        if column.key in skip:
            continue
        if column.key not in raw:
            if column.required:
                errors.append({"row": number, "column": column.header, "key": column.key,
                               "message": gettext("This cell is required")})
            continue
        try:
            values[column.key] = column.parse(raw[column.key])
        except RowError as exc:
            errors.append({"row": number, "column": column.header, "key": column.key, "message": str(exc)})
    return values


def failed(errors: list[dict], rows: int | None = None) -> ImportFailed:
    bad = len({e["row"] for e in errors})
    of = f" of {rows}" if rows is not None else ""
    return ImportFailed(f"{bad}{of} row(s) have errors; nothing was imported", errors)


# --- the template ----------------------------------------------------------------------------------------------


def template_workbook(columns: list[Column], title: str, *, lists: Mapping[str, Iterable[str]] | None = None,
                      notes: Mapping[str, str] | None = None, max_rows: int = MAX_ROWS) -> bytes:
    """The import template: the header row (required columns marked * and shaded), one example row, drop-down
    lists for the choice columns, and a sheet explaining the columns."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    lists, notes = dict(lists or {}), dict(notes or {})
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFE699")
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index, value=column.header + ("*" if column.required else ""))
        cell.font = bold
        if column.required:
            cell.fill = required_fill
        example = ws.cell(row=2, column=index, value=column.example)
        example.number_format = "yyyy-mm-dd" if isinstance(column.example, datetime.date) else "@"
        ws.column_dimensions[cell.column_letter].width = column.width
        values = lists.get(column.key)
        if values is not None:
            formula = '"' + ",".join(values) + '"'
            if len(formula) <= 255:  # Excel's limit for an inline list; longer lists stay on the help sheet
                validation = DataValidation(type="list", formula1=formula, allow_blank=True)
                validation.add(f"{cell.column_letter}2:{cell.column_letter}{max_rows + 1}")
                ws.add_data_validation(validation)
    ws.freeze_panes = "A2"
    help_sheet = wb.create_sheet("填写说明")
    help_sheet.append(["列", "必填", "说明"])
    for column in columns:
        note = notes.get(column.key) or ("、".join(lists[column.key]) if column.key in lists else "")
        help_sheet.append([column.header, "是" if column.required else "", note])
    help_sheet.append([])
    help_sheet.append(["", "", f"每次最多导入 {max_rows} 行；不接受公式；任何一行有错误时全部不导入。"])
    for letter, width in (("A", 22), ("B", 6), ("C", 90)):
        help_sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
