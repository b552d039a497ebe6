"""The annual report (年度统计): the year's figures beside the four years before it, by township (a city: by
county), with the figures entered by hand for years before the platform shown apart; and its exports (Excel,
Word, PDF)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from yingji.core.textpolicy import for_xml
from yingji.standards import gb2260

from . import annual
from .choices import Indicator, flat
from .models import HistoricalFigure

YEARS = 5
#: The title of each section of the annual answer (translated when shown).
SECTION_TITLES = {
    "teams": _l("Rescue teams"), "drills": _l("Drills"), "training": _l("Training"),
    "publicity": _l("Publicity and education"), "inspections": _l("Inspections"), "hazards": _l("Hazards"),
    "enforcement": _l("Administrative enforcement"), "incidents": _l("Incidents"), "warnings": _l("Warnings"),
    "alarms": _l("Monitoring alarms"), "shelters": _l("Emergency shelters"),
}
#: Sections whose figures are the present state (the records keep no founding dates): computed for the current
#: year only, earlier years show what was entered for them.
PRESENT = ("teams", "shelters")
#: The figures of the by-township table.
TOWNSHIP_INDICATORS = ("drills.count", "training.trainees", "publicity.events", "hazards.found", "hazards.closed",
                       "incidents.count", "warnings.published", "teams.count", "shelters.capacity")


def section_title(key: str) -> str:
    return str(SECTION_TITLES[key])


def indicators_of(section: str) -> list[str]:
    return [key for key in Indicator.values() if key.split(".")[0] == section]


def build(user, year=None, region=None) -> dict:
    """``{year, region_code, region_name, answer, years, sections: [{key, title, rows: [{indicator, label,
    cells: [{computed, entered}]}]}], townships: {headers, rows, county_level, total}}``."""
    year, region = annual.check(user, year, region)
    years = list(range(year - YEARS + 1, year + 1))
    by_year = annual.figures_by_year(user, range(years[0], year + 1), region)
    answer = annual.answer(year, region, by_year[year])
    computed = {y: flat(answer) for y in years[-1:]}
    computed |= {y: flat({key: by_year[y][key] for key in annual.SECTIONS if key not in PRESENT})
                 for y in years[:-1]}
    entered: dict[tuple[int, str], int] = {
        (y, indicator): value for y, indicator, value in HistoricalFigure.objects.filter(
            region_code=region, year__in=years).values_list("year", "indicator", "value")}
    sections = []
    for key in annual.SECTIONS:
        rows = [{"indicator": indicator, "label": Indicator.label(indicator),
                 "cells": [{"year": y, "computed": computed[y].get(indicator), "entered": entered.get((y, indicator))}
                           for y in years]}
                for indicator in indicators_of(key)]
        sections.append({"key": key, "title": section_title(key), "rows": rows,
                         "available": answer[key] is not None})
    return {"year": year, "region_code": region, "region_name": answer["region_name"], "answer": answer,
            "years": years, "sections": sections, "townships": township_table(user, year, region),
            "has_entered": bool(entered)}


def township_table(user, year: int, region: str) -> dict:
    """The year's main figures of each division one level below ``region`` (a county's townships, a city's
    counties); the region's own records (held at its own level) in a row of their own, so that the rows add up to
    the region's total. ``title``, ``headers`` and ``own_label`` name the level."""
    city = gb2260.is_code(region) and gb2260.level(region) in (gb2260.CITY, gb2260.PROVINCE)
    title, own_label = ((_("By county"), _("City level")) if city else (_("By township"), _("County level")))
    headers = [_("County") if city else _("Township")] + [Indicator.label(i) for i in TOWNSHIP_INDICATORS]
    places = annual.subdivisions(user, region)
    empty = {"headers": headers, "rows": [], "county_level": None, "total": None, "title": title,
             "own_label": own_label}
    if len(region) > annual.TOWNSHIP or not places:
        return empty
    by_place, total = annual.area_figures(user, year, region, [code for code, _name in places],
                                          TOWNSHIP_INDICATORS)
    rows = [{"code": code, "name": name, "values": [by_place[code][i] for i in TOWNSHIP_INDICATORS]}
            for code, name in places]
    total_values = [total[i] for i in TOWNSHIP_INDICATORS]
    county_level = None
    if len(region) < annual.TOWNSHIP:
        county_level = [t - sum(r["values"][n] or 0 for r in rows) if t is not None else None
                        for n, t in enumerate(total_values)]
    return {**empty, "rows": rows, "county_level": county_level, "total": total_values}


def cell_text(cell: dict) -> str:
    """A five-year cell as text: the computed figure; an entered one beside it, marked."""
    parts = []
    if cell["computed"] is not None and not (cell["computed"] == 0 and cell["entered"] is not None):
        parts.append(f"{cell['computed']:,}")
    if cell["entered"] is not None:
        parts.append(_("%(value)s (entered)") % {"value": f"{cell['entered']:,}"})
    return " / ".join(parts) or "—"


def sheets(report: dict) -> list[dict]:
    """One sheet per section (the five years side by side), then the townships."""
    out = []
    for section in report["sections"]:
        out.append({"title": section["title"], "headers": [_("Indicator"), *[str(y) for y in report["years"]]],
                    "rows": [[row["label"], *[_plain(c) for c in row["cells"]]] for row in section["rows"]]})
    towns = report["townships"]
    if towns["rows"]:
        rows = [[r["name"], *r["values"]] for r in towns["rows"]]
        if towns["county_level"] is not None:
            rows.append([towns["own_label"], *towns["county_level"]])
        rows.append([_("Total"), *towns["total"]])
        out.append({"title": towns["title"], "headers": towns["headers"], "rows": rows})
    return out


def _plain(cell: dict):
    """A number where the cell holds only a computed figure (so a spreadsheet can sum it), else the marked text."""
    if cell["entered"] is None:
        return cell["computed"]
    return cell_text(cell)


NUMERALS = "一二三四五六七八九十"


def numeral(n: int) -> str:
    """1 → 一, 11 → 十一 (the numbering of a government document's sections)."""
    if n <= 10:
        return NUMERALS[n - 1]
    return "十" + NUMERALS[n - 11] if n < 20 else str(n)


def summary_sentences(report: dict) -> dict[str, str]:
    """One drafted sentence per section from the year's figures, for staff to edit in the document."""
    a, y = report["answer"], report["year"]
    s: dict[str, str] = {}
    s["teams"] = _("The region has %(count)s rescue teams with %(headcount)s members.") % a["teams"]
    s["drills"] = _("%(count)s drills were held in %(year)s with %(participants)s participants.") % {
        **a["drills"], "year": y}
    s["training"] = _("%(sessions)s training sessions trained %(trainees)s people.") % a["training"]
    s["publicity"] = _("%(events)s publicity activities reached %(participants)s people; %(materials)s materials "
                       "were handed out.") % a["publicity"]
    if a["inspections"] is not None:
        s["inspections"] = _("%(done)s inspections were done against %(planned)s planned visits.") % a["inspections"]
    s["hazards"] = _("%(found)s hazards were found, %(closed)s of them are closed; %(major)s were major and "
                     "%(overdue)s are overdue.") % a["hazards"]
    if a["enforcement"] is not None:
        s["enforcement"] = _("%(cases)s penalty cases were filed; fines of %(fines_yuan)s yuan were decided.") % (
            a["enforcement"])
    s["incidents"] = _("%(count)s incidents occurred, with %(deaths)s deaths.") % a["incidents"]
    schemes = a["incidents"].get("by_scheme") or {}
    if schemes:
        s["incidents"] += _(" Of these, %(accidents)s were work-safety accidents (%(accident_deaths)s deaths), "
                            "%(disasters)s natural disasters, %(health)s public-health and %(security)s "
                            "social-security events.") % {
            "accidents": schemes["work_safety"]["count"], "accident_deaths": schemes["work_safety"]["deaths"],
            "disasters": schemes["natural_disaster"]["count"], "health": schemes["public_health"]["count"],
            "security": schemes["social_security"]["count"]}
    s["warnings"] = _("%(published)s warnings were published to %(recipients)s recipients, %(confirmed)s of whom "
                      "confirmed.") % a["warnings"]
    s["alarms"] = _("Monitoring raised %(count)s alarms.") % a["alarms"]
    s["shelters"] = _("%(count)s emergency shelters can take %(capacity)s people.") % a["shelters"]
    return s


def title(report: dict) -> str:
    return _("%(region)s emergency management statistics %(year)s") % {"region": report["region_name"],
                                                                       "year": report["year"]}


def docx_bytes(report: dict) -> bytes:
    """The report as a Word document laid out as a government work summary: the title, numbered sections each
    with its drafted sentence and its five-year table, then the townships."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "FangSong"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(for_xml(title(report)))
    run.bold = True
    run.font.size = Pt(18)
    run.font.name = "SimHei"
    run.element.rPr.rFonts.set(qn("w:eastAsia"), "黑体")
    sentences = summary_sentences(report)
    number = 0
    for section in report["sections"]:
        if not section["available"]:
            continue
        number += 1
        document.add_heading(for_xml(f"{numeral(number)}、{section['title']}"), level=2)
        if section["key"] in sentences:
            document.add_paragraph(for_xml(sentences[section["key"]]))
        _table(document, [_("Indicator"), *[str(y) for y in report["years"]]],
               [[row["label"], *[cell_text(c) for c in row["cells"]]] for row in section["rows"]])
    towns = report["townships"]
    if towns["rows"]:
        number += 1
        document.add_heading(f"{numeral(number)}、{towns['title']}", level=2)
        rows = [[r["name"], *[_num(v) for v in r["values"]]] for r in towns["rows"]]
        if towns["county_level"] is not None:
            rows.append([towns["own_label"], *[_num(v) for v in towns["county_level"]]])
        rows.append([_("Total"), *[_num(v) for v in towns["total"]]])
        _table(document, towns["headers"], rows)
    if report["has_entered"]:
        document.add_paragraph(_("Figures marked “entered” were entered by hand from the bureau's reports of years "
                                 "before the platform; they are not computed from records."))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _num(value) -> str:
    return "—" if value is None else f"{value:,}"


def _table(document, headers: list, rows: list[list]) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = for_xml(str(text))
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = for_xml(str(value))
