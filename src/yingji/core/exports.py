"""Excel/CSV export of list pages: exactly the rows the page's filters select, inside the user's scope."""

from __future__ import annotations

import csv
import datetime
import io
import json

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext

from . import audit, textpolicy
from .choices import AuditAction
from .errors import ValidationFailed

FORMATS = ("csv", "xlsx")
MAX_ROWS = 200_000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _resolve(obj, path: str):
    value = obj
    for part in path.split("."):
        if value is None:
            return None
        display = getattr(value, f"get_{part}_display", None)
        value = display() if display is not None else getattr(value, part, None)
        if callable(value):
            value = value()
    return value


def cell(value):
    """A safe, readable cell: dates in local time, JSON for structures, formula-looking text neutralised, and no
    character a spreadsheet cannot hold (``textpolicy.for_xml``: rows stored before the text policy)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if timezone.is_aware(value) else str(value)
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, int | float):
        return value
    text = textpolicy.for_xml(str(value))
    if text.startswith(FORMULA_START):
        text = "'" + text
    return text


def _rows(queryset, columns):
    for obj in queryset.iterator(chunk_size=2000) if not queryset._prefetch_related_lookups else queryset:
        yield [cell(path(obj) if callable(path) else _resolve(obj, path)) for path, _label in columns]


class _Echo:
    def write(self, value):
        return value


def export_response(request, queryset, columns, fmt: str, name: str):
    if fmt not in FORMATS:
        raise ValidationFailed.from_dict({"export": [f"Unknown export format {fmt!r}; use csv or xlsx"]})
    count = queryset.count()
    if count > MAX_ROWS:
        raise ValidationFailed.from_dict({"export": [f"{count} rows selected; narrow the filters below {MAX_ROWS}"]})
    audit.record(AuditAction.EXPORT, None, object_type=queryset.model._meta.label_lower,
                 object_repr=f"{name}.{fmt} ({count} rows)", message=request.GET.urlencode()[:500],
                 region_code=request.user.region_code)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{name}-{stamp}.{fmt}"
    headers = [str(label) for _path, label in columns]
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def stream():
            yield "\ufeff"  # BOM: Excel opens UTF-8 Chinese text correctly
            yield writer.writerow(headers)
            for row in _rows(queryset, columns):
                yield writer.writerow(row)

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(name[:31])
        header_cells = []
        for text in headers:
            from openpyxl.cell import WriteOnlyCell

            c = WriteOnlyCell(ws, value=text)
            c.font = Font(bold=True)
            header_cells.append(c)
        ws.append(header_cells)
        for row in _rows(queryset, columns):
            ws.append(row)
        buffer = io.BytesIO()
        wb.save(buffer)
        response = HttpResponse(buffer.getvalue(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{iri_to_uri(filename)}"
    return response


# --- plain tables (statistics pages) ---------------------------------------------------------------------------


def export_tables(request, sheets: list[dict], fmt: str, name: str, *, region_code: str = ""):
    """Export computed tables (``[{"title", "headers", "rows"}]``, e.g. a statistics page's sections): one sheet
    each in Excel; in CSV the tables one after another, each under its title, a blank line between. Cells go
    through ``cell`` like every export; the export is audited."""
    if fmt not in FORMATS:
        raise ValidationFailed.from_dict({"export": [f"Unknown export format {fmt!r}; use csv or xlsx"]})
    audit.record(AuditAction.EXPORT, None, object_type="statistics", object_repr=f"{name}.{fmt}",
                 message=request.GET.urlencode()[:500], region_code=region_code or request.user.region_code)
    filename = f"{name}-{timezone.localtime().strftime('%Y%m%d-%H%M')}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for index, sheet in enumerate(sheets):
            if index:
                writer.writerow([])
            writer.writerow([cell(sheet["title"])])
            writer.writerow([cell(str(h)) for h in sheet["headers"]])
            writer.writerows([cell(v) for v in row] for row in sheet["rows"])
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        wb = Workbook()
        wb.remove(wb.active)
        used: set[str] = set()
        for index, sheet in enumerate(sheets, start=1):
            # Sheet names: at most 31 characters, none of []:*?/\ and unique.
            title = "".join(c for c in str(sheet["title"]) if c not in "[]:*?/\\")[:28] or str(index)
            if title in used:
                title = f"{title[:25]}-{index}"
            used.add(title)
            ws = wb.create_sheet(title)
            ws.append([cell(str(h)) for h in sheet["headers"]])
            for c in ws[1]:
                c.font = Font(bold=True)
            for row in sheet["rows"]:
                ws.append([cell(v) for v in row])
        if not wb.sheetnames:
            wb.create_sheet(name[:31])
        buffer = io.BytesIO()
        wb.save(buffer)
        response = HttpResponse(buffer.getvalue(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{iri_to_uri(filename)}"
    return response


def table_response(request, header: list, rows: list[list], fmt: str, name: str, object_type: str,
                   title: str = ""):
    """A computed table (header and rows, e.g. a statistics page's figures) as CSV or Excel, audited like a list
    export; cells go through :func:`cell` (formula-looking text neutralised). ``title`` is a first line above the
    header."""
    from decimal import Decimal

    if fmt not in FORMATS:
        raise ValidationFailed.from_dict({"export": [f"Unknown export format {fmt!r}; use csv or xlsx"]})
    audit.record(AuditAction.EXPORT, None, object_type=object_type,
                 object_repr=f"{name}.{fmt} ({len(rows)} rows)", message=request.GET.urlencode()[:500],
                 region_code=request.user.region_code)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{name}-{stamp}.{fmt}"
    lines = ([[cell(title)]] if title else []) + [[cell(str(h)) for h in header]]
    lines += [[cell(float(v) if isinstance(v, Decimal) else v) for v in row] for row in rows]
    if fmt == "csv":
        out = io.StringIO()
        out.write("\ufeff")
        csv.writer(out).writerows(lines)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = name[:31]
        for line in lines:
            ws.append(line)
        buffer = io.BytesIO()
        wb.save(buffer)
        response = HttpResponse(buffer.getvalue(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{iri_to_uri(filename)}"
    return response
