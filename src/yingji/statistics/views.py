"""The annual report page (``/statistics/annual/``) and its exports: Excel (a sheet per section), Word and PDF."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext as _

from yingji.core import audit, exports, pdf
from yingji.core import charts as core_charts
from yingji.core.choices import AuditAction
from yingji.core.errors import NotAllowed, ValidationFailed
from yingji.core.filters import flat_region_choices
from yingji.preparedness import statistics as preparedness_statistics

from . import report as annual_report

PRINT_CSS = Path(__file__).parent / "static" / "statistics" / "annual_print.css"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(request, report: dict, content: bytes, content_type: str, suffix: str) -> HttpResponse:
    name = f"annual-statistics-{report['region_code']}-{report['year']}"
    audit.record(AuditAction.EXPORT, None, object_type="statistics", object_repr=f"{name}.{suffix}",
                 message=request.GET.urlencode()[:500], region_code=report["region_code"])
    response = HttpResponse(content, content_type=content_type)
    filename = f"{name}-{timezone.localtime().strftime('%Y%m%d-%H%M')}.{suffix}"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{iri_to_uri(filename)}"
    return response


@login_required
def annual(request):
    """The year's figures with the four years before them and by township; ``export`` = xlsx, csv, docx or pdf."""
    params = request.GET
    errors: dict[str, str] = {}
    try:
        result = annual_report.build(request.user, params.get("year"), params.get("region"))
    except NotAllowed:
        raise PermissionDenied from None
    except ValidationFailed as exc:
        errors = {e["field"]: e["message"] for e in exc.errors}
        result = None
    fmt = params.get("export")
    if result is not None and fmt:
        if fmt == "docx":
            return _download(request, result, annual_report.docx_bytes(result), DOCX, "docx")
        if fmt == "pdf":
            if not pdf.available():
                messages.error(request, _("PDF output is not available on this server; print the page instead."))
                query = params.copy()
                query.pop("export")
                return redirect(f"{request.path}?{query.urlencode()}")
            html = render_to_string("statistics/annual_print.html", _context(result), request)
            return _download(request, result, pdf.render(html, PRINT_CSS, Path(__file__).parent), "application/pdf",
                             "pdf")
        try:
            return exports.export_tables(request, annual_report.sheets(result), fmt,
                                         f"annual-statistics-{result['region_code']}-{result['year']}",
                                         region_code=result["region_code"])
        except ValidationFailed as exc:
            errors = {e["field"]: e["message"] for e in exc.errors}
    low, high = preparedness_statistics.year_bounds()
    query = params.copy()
    query.pop("export", None)
    return render(request, "statistics/annual.html", {
        **(_context(result) if result else {}), "title": _("Annual statistics"), "result": result,
        "errors": errors, "year": params.get("year") or (result["year"] if result else ""),
        "region": params.get("region") or "", "regions": flat_region_choices(request.user),
        "year_low": low, "year_high": high, "query": query.urlencode(),
    }, status=422 if errors else 200)


def _context(result: dict) -> dict:
    """The report with what the page and the print layout show: each row's five cells as text, the bars' widths
    (the year's figure against the largest of the five), the drafted sentences."""
    sentences = annual_report.summary_sentences(result)
    sections = []
    for section in result["sections"]:
        rows = []
        for row in section["rows"]:
            values = [c["computed"] if c["computed"] else (c["entered"] or 0) for c in row["cells"]]
            top = max(values) or 1
            rows.append({**row, "texts": [annual_report.cell_text(c) for c in row["cells"]],
                         "bars": [round(v * 100 / top) for v in values]})
        sections.append({**section, "rows": rows, "sentence": sentences.get(section["key"], ""),
                         "chart": _section_chart(result, section)})
    return {"report": result, "sections": sections, "report_title": annual_report.title(result),
            "has_charts": any(s["chart"] for s in sections)}


#: Sections drawn as a chart beside their table (issue 12 §4): the count as bars, the second figure as a line.
CHART_SECTIONS = ("incidents", "hazards")


def _section_chart(result: dict, section: dict) -> dict | None:
    """The five years of a section's figures: the entered figure where the bureau entered one (its report of a
    whole year before the platform), else the computed one."""
    if section["key"] not in CHART_SECTIONS or not section["available"]:
        return None
    series = []
    for index, row in enumerate(section["rows"]):
        values = [c["entered"] if c["entered"] is not None else (c["computed"] or 0) for c in row["cells"]]
        series.append(core_charts.series(row["label"], values, kind="bar" if index == 0 else "line"))
    return {"id": f"yj-annual-chart-{section['key']}",
            "spec": core_charts.bar([str(y) for y in result["years"]], series, title=section["title"])}
