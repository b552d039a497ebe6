"""Roster import from Excel (排班导入): the template, every kind of bad input refused with row/column/reason and
nothing written, the happy path through the API and the page, grants; a property test of the parser."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from tests.conftest import assert_error_shape
from yingji.core.models import Contact, User
from yingji.core.services import issue_token
from yingji.duty import roster_import
from yingji.duty.models import DutyShift
from yingji.duty.roster_import import RosterImportError, parse_workbook

HEADER = [title for _key, title in roster_import.COLUMNS]
URL = "/api/v1/duty/rosters/import"


def workbook(rows, header=HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = roster_import.SHEET_TITLE
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def day():
    """A day no demo shift covers."""
    return timezone.localdate() + datetime.timedelta(days=60)


@pytest.fixture
def contact(demo_county):
    contact = Contact.objects.filter(region_code__startswith=demo_county["county"]).exclude(mobile="").first()
    assert contact is not None
    Contact.objects.filter(name=contact.name).exclude(pk=contact.pk).update(name=contact.name + "乙")
    return contact


def upload(username: str, data: bytes, name: str = "roster.xlsx", **params):
    client = Client()
    _token, raw = issue_token(User.objects.get(username=username))
    query = "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
    return client.post(URL + query, {"file": SimpleUploadedFile(name, data)},
                       headers={"Authorization": f"Bearer {raw}"})


def problems(response) -> list[tuple]:
    """The import report: the one error shape, each error also naming its row and column."""
    assert response.status_code == 422, response.content[:500]
    body = response.json()
    assert body["detail"] and body["errors"]
    for error in body["errors"]:
        assert set(error) == {"field", "message", "row", "column"}
        assert error["field"] == "file" if error["row"] is None else error["field"].startswith(f"rows.{error['row']}")
    return [(e["row"], e["column"], e["message"]) for e in body["errors"]]


def test_template_has_the_header_and_is_accepted_back(web, demo_county):
    response = web("duty").get("/duty/rosters/import/template.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb[roster_import.SHEET_TITLE][1]] == HEADER
    with pytest.raises(RosterImportError) as exc:
        parse_workbook(response.content)
    assert exc.value.errors[0]["field"] == "file"  # the empty template: no rows, but the header is right
    assert web("observer").get("/duty/rosters/import/template.xlsx").status_code == 403


def test_import_creates_the_shifts(api, day, contact):
    duty = User.objects.get(username="duty")
    rows = [[day, "白班", "带班领导", contact.name, ""],
            [day, "白班", "值班员", "duty", "13800001111"],
            [day.isoformat(), "夜班", "带班领导", "commander", ""],
            [day.strftime("%Y/%m/%d"), "night", "officer", "duty", ""],
            [None, None, None, None, None]]
    checked = upload("duty", workbook(rows), dry_run="true")
    assert checked.status_code == 200, checked.content
    assert checked.json()["dry_run"] is True and len(checked.json()["shifts"]) == 2
    assert not DutyShift.objects.filter(date=day).exists()
    response = upload("duty", workbook(rows))
    assert response.status_code == 201, response.content
    assert response.json()["created"] == 2
    day_shift = DutyShift.objects.get(date=day, shift="day")
    assert day_shift.leader_name == contact.name and day_shift.leader_id is None
    assert day_shift.leader_phone == contact.mobile
    assert list(day_shift.officers.all()) == [duty]
    assert "13800001111" in day_shift.notes
    night = DutyShift.objects.get(date=day, shift="night")
    assert night.leader.username == "commander" and night.starts_at.hour == 12  # 20:00 Beijing time in UTC
    again = problems(upload("duty", workbook(rows)))  # the same shifts again overlap the roster
    assert {(row, column) for row, column, _m in again} >= {(2, "A"), (4, "A")}
    assert DutyShift.objects.filter(date=day).count() == 2


def test_every_problem_is_reported_and_nothing_written(api, day):
    rows = [[day, "白班", "带班领导", "commander", ""],            # 2: fine on its own
            [day, "白班", "值班员", "nobody-here", ""],              # 3: unknown person
            ["2026-02-30", "白班", "值班员", "duty", ""],           # 4: bad date
            [day, "中班", "值班员", "duty", ""],                    # 5: unknown shift
            [day, "白班", "司机", "duty", ""],                      # 6: unknown role
            [day, "白班", "值班员", "duty", "call me"],            # 7: bad phone
            [day, "白班", "值班员", "duty", "call me"],            # 8: bad phone again (not a duplicate: invalid)
            [day, "白班", "值班员", "section", ""],                 # 9: fine
            [day, "白班", "值班员", "section", ""],                 # 10: duplicate of row 9
            [day, "白班", "值班员", "=A2", ""]]                      # 11: formula
    found = problems(upload("duty", workbook(rows)))
    by_row = {(row, column) for row, column, _m in found}
    assert {(3, "D"), (4, "A"), (5, "B"), (6, "C"), (7, "E"), (8, "E"), (10, ""), (11, "D")} <= by_row
    assert next(m for r, _c, m in found if r == 10).endswith("9")
    assert not DutyShift.objects.filter(date=day).exists()


def test_shift_rules_and_scope_of_people(api, day, demo_county):
    other_day = day + datetime.timedelta(days=1)
    rows = [[day, "白班", "带班领导", "commander", ""],
            [day, "白班", "带班领导", "admin", ""],        # second leader
            [day, "白班", "值班员", "commander", ""],      # same person twice in the shift
            [other_day, "夜班", "值班员", "duty", ""],     # no leader
            [other_day, "白班", "带班领导", "commander", ""]]  # no officer
    found = problems(upload("duty", workbook(rows)))
    assert {(row, column) for row, column, _m in found} >= {(3, "C"), (4, "D"), (5, "C"), (6, "C")}
    rows = [[day, "白班", "带班领导", "township1", ""], [day, "白班", "值班员", "duty", ""]]
    assert upload("township1", workbook(rows)).status_code == 403  # township staff do not keep the roster
    county_only = problems(upload("section", workbook([[day, "白班", "带班领导", "township1", ""],
                                                       [day, "白班", "值班员", "enterprise1", ""]])))
    assert [(r, c) for r, c, _m in county_only] == [(3, "D")]  # an enterprise account is nobody's duty officer
    assert not DutyShift.objects.filter(date__in=[day, other_day]).exists()


def test_bad_files(api, day):
    header = problems(upload("duty", workbook([[day, "白班", "带班领导", "duty", ""]],
                                              header=["date", "班次", "人员", "账号或联系人姓名", "电话"])))
    assert [(r, c) for r, c, _m in header] == [(1, "C")]
    garbage = problems(upload("duty", "日期,班次\n2026-01-01,白班\n".encode("gbk"), name="roster.csv"))
    assert garbage[0][0] is None and "xlsx" in garbage[0][2]
    broken = problems(upload("duty", b"PK\x03\x04" + b"\x00" * 200))
    assert broken[0][0] is None
    big = problems(upload("duty", b"PK\x03\x04" + b"\x00" * (roster_import.MAX_BYTES + 1)))
    assert "too large" in big[0][2]
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/huge.xml", b"\x00" * (roster_import.MAX_UNCOMPRESSED_BYTES + 1))
    assert "unpacked" in problems(upload("duty", bomb.getvalue()))[0][2]
    assert_error_shape(upload("observer", workbook([])), 403)
    assert_error_shape(Client().post(URL, {"file": SimpleUploadedFile("r.xlsx", workbook([]))}), 401)


def test_page_upload(web, day):
    client = web("duty")
    page = client.get("/duty/rosters/import/")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()
    bad = client.post("/duty/rosters/import/", {"file": SimpleUploadedFile(
        "r.xlsx", workbook([[day, "白班", "带班领导", "nobody-here", ""], [day, "白班", "值班员", "duty", ""]]))})
    assert bad.status_code == 422
    assert "nobody-here" in bad.content.decode() and 'id="yj-roster-errors"' in bad.content.decode()
    good = client.post("/duty/rosters/import/", {"file": SimpleUploadedFile(
        "r.xlsx", workbook([[day, "白班", "带班领导", "commander", ""], [day, "白班", "值班员", "duty", ""]]))})
    assert good.status_code == 302
    assert DutyShift.objects.filter(date=day, shift="day", leader__username="commander").exists()
    assert web("township1").get("/duty/rosters/import/").status_code == 403


# --- property: the parser answers rows or RosterImportError, never anything else ------------------------------

CELL = st.one_of(
    st.none(), st.text(max_size=30), st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2200, 1, 1)),
    st.sampled_from(["白班", "夜班", "带班领导", "值班员", "day", "night", "=1+1", "=SUM(A1:A3)", "2026-05-01",
                     "2026/5/1", "13800001111", "\x01", " "]),
)


def _safe(value):
    # openpyxl itself refuses to write control characters; the parser must still cope with what it reads back.
    return value.replace("\x00", "") if isinstance(value, str) else value


def _checked(data: bytes) -> None:
    try:
        rows = parse_workbook(data)
    except RosterImportError as exc:
        assert exc.errors and all(e["message"] for e in exc.errors)
    else:
        assert rows and all(isinstance(r, roster_import.RosterRow) for r in rows)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=st.one_of(st.just(HEADER), st.lists(CELL, max_size=6)),
       rows=st.lists(st.lists(CELL, max_size=7), max_size=8))
def test_parser_never_raises_anything_else_on_random_workbooks(header, rows):
    wb = Workbook()
    ws = wb.active
    try:
        ws.append([_safe(v) for v in header])
        for row in rows:
            ws.append([_safe(v) for v in row])
    except (ValueError, IllegalCharacterError):  # openpyxl refuses to write some values: nothing to parse then
        return
    buffer = io.BytesIO()
    wb.save(buffer)
    _checked(buffer.getvalue())


@settings(max_examples=80, deadline=None)
@given(data=st.one_of(st.binary(max_size=2000), st.binary(max_size=500).map(lambda b: b"PK\x03\x04" + b)))
def test_parser_never_raises_anything_else_on_random_bytes(data):
    _checked(data)


@settings(max_examples=30, deadline=None)
@given(cut=st.integers(min_value=10, max_value=4000), flip=st.integers(min_value=0, max_value=255))
def test_parser_never_raises_anything_else_on_damaged_workbooks(cut, flip):
    data = bytearray(workbook([[datetime.date(2026, 5, 1), "白班", "带班领导", "duty", ""]]))
    position = cut % len(data)
    data[position] = flip
    _checked(bytes(data[: max(cut, 10)]) if cut % 2 else bytes(data))
