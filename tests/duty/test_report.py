"""Daily duty report (值班日报): one template as JSON/page, PDF (with an embedded CJK font that draws the Chinese
text) and Excel; scope (a township sees only its subtree), grants, validation, audit of downloads, 503 without
WeasyPrint."""

from __future__ import annotations

import builtins
import datetime
import io
import re
import zlib
from collections import Counter

import pytest
from django.utils import timezone

from tests.conftest import assert_error_shape
from tests.duty.conftest import alarm, incident, log
from yingji.core.models import AuditRecord, User
from yingji.duty import report as daily_report
from yingji.duty.models import DutyLogEntry, Handover
from yingji.incidents.models import Incident, Task

API = "/api/v1/duty/reports/daily"


@pytest.fixture
def day_items(demo_county, window):
    """Items of the report day in the county, in township 1 and in township 2, and some just outside the day."""
    start, end = window
    at = start + datetime.timedelta(hours=3)
    items = {
        "county_entry": log(demo_county["county"], at, "县局接上级通知：防汛值守"),
        "t1_entry": log(demo_county["township"], at + datetime.timedelta(minutes=5), "一号镇来电：厂房起火",
                        source="subordinate", kind="call"),
        "t1_message": log(demo_county["village"], at + datetime.timedelta(minutes=7), "=HYPERLINK(\"x\")村民短信",
                          source="sms", kind="message"),
        "t2_entry": log(demo_county["township2"], at + datetime.timedelta(minutes=9), "二号镇来电：道路塌方"),
        "before": log(demo_county["township"], start - datetime.timedelta(minutes=1), "前一日的来电"),
        "after": log(demo_county["township"], end, "次日的来电"),
        "t1_incident": incident(demo_county["township"], at + datetime.timedelta(minutes=20), "一号镇厂房火灾",
                                deaths=3),
        "t2_incident": incident(demo_county["township2"], at + datetime.timedelta(minutes=30), "二号镇塌方"),
        "t1_alarm": alarm(demo_county["township"], at + datetime.timedelta(hours=1), "red", "一号镇水位超保证"),
        "t2_alarm": alarm(demo_county["township2"], at + datetime.timedelta(hours=1), "orange", "二号镇水位超警戒"),
    }
    items["t1_task"] = Task.objects.create(incident=items["t1_incident"], region_code=demo_county["township"],
                                           title="一号镇疏散群众", due_at=at + datetime.timedelta(hours=2))
    duty = User.objects.get(username="duty")
    items["handover"] = Handover.objects.create(region_code=demo_county["county"], handed_over_by=duty,
                                                handed_over_at=at + datetime.timedelta(hours=8), notes="夜班交接")
    items["handover"].items.create(text="继续跟踪一号镇火灾", log_entry=items["t1_entry"])
    return items


def test_json_report_of_the_county(api, day_items, report_day, window):
    body = api("duty").get(API, date=report_day.isoformat()).json()
    start, end = window
    expected = DutyLogEntry.objects.filter(received_at__gte=start, received_at__lt=end)
    assert sorted(e["id"] for e in body["entries"]) == sorted(expected.values_list("pk", flat=True))
    assert day_items["before"].pk not in [e["id"] for e in body["entries"]]
    assert day_items["after"].pk not in [e["id"] for e in body["entries"]]
    counts = Counter((e.source, e.kind) for e in expected)
    assert sum(c["count"] for c in body["entry_counts"]) == sum(counts.values()) == len(body["entries"])
    assert len(body["entry_counts"]) == len(counts)
    titles = {i["title"] for i in body["incidents"]}
    assert {"一号镇厂房火灾", "二号镇塌方"} <= titles
    assert body["incident_counts"]["received"] == Incident.objects.filter(
        received_at__gte=start, received_at__lt=end).count()
    fire = next(i for i in body["incidents"] if i["title"] == "一号镇厂房火灾")
    assert fire["grade"] == "relatively_large"  # three deaths
    assert [d["level"] for d in fire["deadlines"]] == ["county", "city", "province"]
    assert {a["id"] for a in body["alarms"]} >= {day_items["t1_alarm"].pk, day_items["t2_alarm"].pk}
    assert [t["id"] for t in body["overdue_tasks"]] == [day_items["t1_task"].pk]
    assert [h["items"] for h in body["handovers"]] == [["继续跟踪一号镇火灾"]]


def test_township_sees_only_its_subtree(api, day_items, report_day, demo_county):
    body = api("township1").get(API, date=report_day.isoformat()).json()
    entry_ids = {e["id"] for e in body["entries"]}
    assert entry_ids == {day_items["t1_entry"].pk, day_items["t1_message"].pk}
    assert all(e["region_code"].startswith(demo_county["township"]) for e in body["entries"])
    assert {i["title"] for i in body["incidents"]} == {"一号镇厂房火灾"}
    assert {a["id"] for a in body["alarms"]} == {day_items["t1_alarm"].pk}
    assert body["handovers"] == []  # the county desk's handover is not the township's
    other = api("township2").get(API, date=report_day.isoformat()).json()
    assert {e["id"] for e in other["entries"]} == {day_items["t2_entry"].pk}
    assert {i["title"] for i in other["incidents"]} == {"二号镇塌方"}
    assert "一号镇" not in str(other)


def test_shift_range(api, day_items, report_day, window):
    start, _end = window
    day = api("duty").get(API, date=report_day.isoformat(), shift="day").json()
    night = api("duty").get(API, date=report_day.isoformat(), shift="night").json()
    assert datetime.datetime.fromisoformat(day["start"]) == start
    assert datetime.datetime.fromisoformat(night["start"]) == start + datetime.timedelta(hours=12)
    day_ids = {e["id"] for e in day["entries"]}
    night_ids = {e["id"] for e in night["entries"]}
    assert day["shift"] == "day" and night["shift"] == "night"
    assert day_items["t1_entry"].pk in day_ids and not day_ids & night_ids
    whole = api("duty").get(API, date=report_day.isoformat()).json()
    assert day_ids | night_ids == {e["id"] for e in whole["entries"]}


def test_validation_grants_and_auth(api, demo_county):
    client = api("duty")
    assert assert_error_shape(client.get(API, date="2026-13-01"), 422)["errors"][0]["field"] == "date"
    assert assert_error_shape(client.get(API, shift="noon"), 422)["errors"][0]["field"] == "shift"
    assert_error_shape(client.get(API, format="doc"), 422)
    assert_error_shape(api("enterprise1").get(API), 403)
    assert_error_shape(api(None).get(API), 401)
    assert client.get(API).status_code == 200  # today's duty day by default


def _font_programs(pdf: bytes) -> list[bytes]:
    """The embedded font programs of a PDF written by WeasyPrint (Flate-compressed streams)."""
    fonts = []
    for match in re.finditer(rb"stream\r?\n", pdf):
        end = pdf.find(b"endstream", match.end())
        try:
            data = zlib.decompress(pdf[match.end():end])
        except zlib.error:
            continue
        if data[:4] in (b"OTTO", b"\x00\x01\x00\x00", b"true"):
            fonts.append(data)
    return fonts


def test_pdf_embeds_a_cjk_font_covering_the_text(api, day_items, report_day):
    from fontTools.ttLib import TTFont

    response = api("township1").get(API, date=report_day.isoformat(), format="pdf")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    user = User.objects.get(username="township1")
    text = daily_report.render_body(daily_report.build(user, report_day))
    chinese = {ch for ch in text if "\u4e00" <= ch <= "\u9fff"}
    assert {"一", "号", "镇", "厂", "房", "起", "火"} <= chinese
    covered = set()
    names = []
    for program in _font_programs(pdf):
        font = TTFont(io.BytesIO(program))
        names.append(font["name"].getDebugName(4))
        covered |= {chr(c) for c in font.getBestCmap()}
    assert any("CJK" in (n or "") for n in names), names
    assert chinese <= covered, sorted(chinese - covered)[:20]
    export = AuditRecord.objects.filter(action="export", object_type="duty.dailyreport").latest("id")
    assert export.user == user and report_day.isoformat() in export.object_repr


def test_pdf_answers_503_without_weasyprint(api, web, monkeypatch, report_day):
    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name.startswith("weasyprint"):
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    response = api("duty").get(API, date=report_day.isoformat(), format="pdf")
    assert response.status_code == 503
    body = response.json()
    assert "PDF" in body["detail"] and body["errors"] == []
    page = web("duty").get("/duty/report/", {"date": report_day.isoformat(), "format": "pdf"})
    assert page.status_code == 503
    assert "pango" in page.content.decode()
    assert not AuditRecord.objects.filter(action="export", object_type="duty.dailyreport").exists()


def test_xlsx_contains_the_entries(api, day_items, report_day):
    from openpyxl import load_workbook

    response = api("duty").get(API, date=report_day.isoformat(), format="xlsx")
    assert response.status_code == 200
    assert "duty-report-" in response["Content-Disposition"]
    export = AuditRecord.objects.filter(action="export", object_type="duty.dailyreport").latest("id")
    assert export.user.username == "duty" and export.object_repr.endswith(".xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    cells = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    for key in ("county_entry", "t1_entry", "t2_entry"):
        assert day_items[key].content in cells
    assert "'" + day_items["t1_message"].content in cells  # formula-looking text is neutralised
    assert "一号镇水位超保证" in cells and "一号镇疏散群众" in cells and "继续跟踪一号镇火灾" in " ".join(cells)
    assert day_items["before"].content not in cells
    assert len(wb.worksheets) >= 7
    summary = wb.worksheets[0]
    counts = [row for row in summary.iter_rows(values_only=True) if isinstance(row[-1], int)]
    assert len(day_items) and counts  # numbers stay numbers
    township = load_workbook(io.BytesIO(api("township1").get(API, date=report_day.isoformat(),
                                                              format="xlsx").content))
    township_cells = {str(c.value) for ws in township.worksheets for row in ws.iter_rows() for c in row}
    assert day_items["t1_entry"].content in township_cells
    assert day_items["t2_entry"].content not in township_cells
    assert day_items["county_entry"].content not in township_cells


def test_report_page(web, day_items, report_day):
    response = web("township1").get("/duty/report/", {"date": report_day.isoformat()})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="date"' in html and "format=pdf" in html and "format=xlsx" in html
    assert day_items["t1_entry"].content in html
    assert day_items["t2_entry"].content not in html
    assert "<script>" not in html and "style=" not in html
    download = web("township1").get("/duty/report/", {"date": report_day.isoformat(), "format": "xlsx"})
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxml")
    bad = web("township1").get("/duty/report/", {"date": "yesterday"})
    assert bad.status_code == 422
    assert web("enterprise1").get("/duty/report/").status_code == 403


def test_default_date_is_the_running_duty_day():
    date, shift = daily_report.parse_params(None, None)
    now = timezone.localtime()
    start, end = daily_report.period(date, shift)
    assert start <= now < end
