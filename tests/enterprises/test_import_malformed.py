"""The enterprise import with the files a bureau really receives: CSV from other systems (UTF-8, UTF-8 with BOM,
GBK), wrong columns, bad encodings and garbage bytes, formula cells, huge files, duplicate rows — each answered by
a clear report, and nothing written unless every row is good. Plus property tests: whatever the workbook or the
bytes, the importer raises nothing but ValidationFailed and never writes part of a file."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tests.conftest import assert_error_shape
from tests.enterprises.conftest import new_credit_code
from tests.enterprises.test_import import HEADERS, row, upload, workbook
from yingji.core.errors import ValidationFailed
from yingji.core.models import AuditRecord, User
from yingji.enterprises import importing
from yingji.enterprises.models import Enterprise, Licence


def csv_bytes(rows, headers=HEADERS, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for r in rows:
        writer.writerow(["" if v is None else v for v in r])
    return buffer.getvalue().encode(encoding)


def row_errors(response) -> dict:
    """A 422 with row errors: each with row, column, field and message."""
    assert response.status_code == 422, response.content[:500]
    body = response.json()
    assert body["detail"] and all({"row", "column", "field", "message"} <= set(e) for e in body["errors"])
    return body


def counts() -> tuple[int, int, int]:
    """What an import writes: enterprises, licences and their audit records (a token's own audit is not one)."""
    return (Enterprise.objects.count(), Licence.objects.count(),
            AuditRecord.objects.filter(object_type__startswith="enterprises.").count())


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_with_or_without_bom_and_in_gbk_imports(api, demo_county, encoding):
    codes = [new_credit_code(), new_credit_code()]
    names = ["舞钢市编码测试一有限公司", "舞钢市编码测试二有限公司"]
    content = csv_bytes([row(codes[0], name=names[0]), row(codes[1], name=names[1])], encoding=encoding)
    if encoding == "gbk":
        with pytest.raises(UnicodeDecodeError):
            content.decode("utf-8")
    response = upload(api("section"), content, name="enterprises.csv")
    assert response.status_code == 200, response.content[:500]
    assert response.json()["created"] == 2
    stored = dict(Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", "name"))
    assert stored == dict(zip(codes, names, strict=True))
    created = Enterprise.objects.get(credit_code=codes[0])
    assert created.employee_count == 35 and created.principal_phone == "13812345678" and created.ammonia_refrigeration


def test_csv_with_a_bad_row_writes_nothing_and_reports_row_and_column(api, demo_county):
    before = counts()
    content = csv_bytes([row(), row(employees="many"), row(region="999999")])
    body = row_errors(upload(api("section"), content, name="e.csv"))
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(3, "从业人员数"), (4, "行政区划代码")]
    assert counts() == before


@pytest.mark.parametrize("content, message", [
    (b"\x80\xff\xfe\xff\x81\xff" * 50, "neither UTF-8 nor GBK"),
    (b"\xff\xfe" + "统一社会信用代码*,企业名称*".encode("utf-16-le"), "Not an Excel .xlsx workbook or a CSV"),
    (bytes(range(256)) * 4, "Not an Excel .xlsx workbook or a CSV file"),
    (b"%PDF-1.7 not a table", "Not an Excel .xlsx workbook or a CSV file"),
])
def test_bad_encodings_and_garbage_bytes_are_a_clear_report(api, demo_county, content, message):
    before = counts()
    body = assert_error_shape(upload(api("section"), content, name="e.csv"), 422)
    assert body["errors"][0]["field"] == "file" and message in body["errors"][0]["message"]
    assert counts() == before


def test_csv_with_wrong_columns_is_refused(api, demo_county):
    body = assert_error_shape(upload(api("section"), csv_bytes([["1", "2"]], headers=["名称", "代码"]),
                                     name="e.csv"), 422)
    messages = " ".join(e["message"] for e in body["errors"])
    assert "Unknown column “名称”" in messages and "Missing required column" in messages
    body = assert_error_shape(upload(api("section"), csv_bytes([], headers=HEADERS), name="e.csv"), 422)
    assert "no data rows" in body["errors"][0]["message"]


def test_csv_formula_cells_are_row_errors(api, demo_county):
    before = counts()
    rows = [row(), row()]
    rows[1][3] = "=HYPERLINK(\"http://x\",\"y\")"
    body = row_errors(upload(api("section"), csv_bytes(rows), name="e.csv"))
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(3, "详细地址")]
    assert "Formulas" in body["errors"][0]["message"] and counts() == before


def test_huge_files_are_refused_before_parsing(api, demo_county, monkeypatch):
    monkeypatch.setattr(importing, "MAX_BYTES", 2000)
    content = csv_bytes([row() for _ in range(30)])
    assert len(content) > 2000
    body = assert_error_shape(upload(api("section"), content, name="e.csv"), 422)
    assert "larger than" in body["errors"][0]["message"]


def test_too_many_csv_rows_are_refused(api, demo_county, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    before = counts()
    body = assert_error_shape(upload(api("section"), csv_bytes([row() for _ in range(4)]), name="e.csv"), 422)
    assert "More than 3 rows" in body["errors"][0]["message"] and counts() == before
    # Thousands of blank lines after the data are not rows, but a file that long is refused outright.
    padded = csv_bytes([row()]) + b",,,\r\n" * (2 * 3 + 2)
    body = assert_error_shape(upload(api("section"), padded, name="e.csv"), 422)
    assert "More than 3 rows" in body["errors"][0]["message"]


@pytest.mark.parametrize("make", [workbook, csv_bytes], ids=["xlsx", "csv"])
def test_duplicate_rows_are_reported_and_nothing_is_written(api, demo_county, make):
    before = counts()
    code = new_credit_code()
    same = row(code)
    body = row_errors(upload(api("section"), make([row(), same, list(same)])))
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(4, "统一社会信用代码")]
    assert "already in row 3" in body["errors"][0]["message"]
    assert counts() == before and not Enterprise.objects.filter(credit_code=code).exists()


def test_import_page_accepts_csv(web, demo_county):
    code = new_credit_code()
    response = web("section").post("/enterprises/import/", {
        "file": SimpleUploadedFile("e.csv", csv_bytes([row(code)], encoding="gbk"))})
    assert response.status_code == 302
    assert Enterprise.objects.filter(credit_code=code).exists()


# --- properties --------------------------------------------------------------------------------------------------

CELL = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12),
    st.floats(allow_nan=True, allow_infinity=True), st.decimals(allow_nan=False, allow_infinity=False, places=4),
    st.text(max_size=40), st.sampled_from(["是", "否", "在营", "规上", "危险化学品", "=1+1", "13", "410481001001",
                                           "2027-06-30", "2027年13月40日", "   ", "\u3000", "-1", "1e9999"]),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 1, 1)),
)
HEADER = st.one_of(st.sampled_from([c.header for c in importing.COLUMNS] + ["统一社会信用代码*", "企业名称*"]),
                   st.text(max_size=12))


def _workbook_bytes(headers, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append([ILLEGAL_CHARACTERS_RE.sub("", h) for h in headers])
    for r in rows:
        # Characters XML cannot hold cannot be in a real workbook either; "=..." text becomes a formula cell.
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in r])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _import_checked(content: bytes, name: str):
    """Import ``content``; assert it either wrote every row or nothing, and raised nothing but ValidationFailed."""
    user = User.objects.get(username="section")
    before = counts()
    try:
        result = importing.import_enterprises(user, SimpleUploadedFile(name, content))
    except ValidationFailed as exc:
        assert exc.errors and all(e.get("message") for e in exc.errors)
        assert counts() == before, "a refused import must write nothing"
        return None
    assert Enterprise.objects.count() == before[0] + result.created
    assert result.created + result.updated == result.rows
    return result


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(headers=st.lists(HEADER, min_size=0, max_size=8),
       rows=st.lists(st.lists(CELL, max_size=10), max_size=6), as_csv=st.booleans())
def test_random_workbooks_raise_only_validation_errors_and_never_write_partially(demo_county, headers, rows, as_csv):
    content = csv_bytes(rows, headers=headers) if as_csv else _workbook_bytes(headers, rows)
    _import_checked(content, "random.csv" if as_csv else "random.xlsx")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(good=st.integers(1, 4), junk=st.lists(st.tuples(st.integers(0, 15), CELL), max_size=3),
       as_csv=st.booleans())
def test_good_rows_mixed_with_random_cells_are_all_written_or_none(demo_county, good, junk, as_csv):
    rows = [row(new_credit_code()) for _ in range(good)]
    for column, value in junk:
        rows[column % len(rows)][column] = value
    content = csv_bytes(rows) if as_csv else _workbook_bytes(HEADERS, rows)
    result = _import_checked(content, "mixed.csv" if as_csv else "mixed.xlsx")
    if not junk:
        assert result is not None and result.created == good


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.one_of(st.binary(min_size=1, max_size=600),
                         st.binary(max_size=300).map(lambda b: b"PK\x03\x04" + b),
                         st.text(max_size=300).map(lambda t: ("统一社会信用代码*,企业名称*,行政区划代码*\n" + t)
                                                   .encode("utf-8"))))
def test_random_bytes_are_refused_with_a_validation_error(demo_county, content):
    _import_checked(content, "random.bin")


@settings(max_examples=200, deadline=None)
@given(value=CELL)
def test_every_cell_parser_returns_or_raises_a_row_error(value):
    for column in importing.COLUMNS:
        try:
            column.parse(value)
        except importing.RowError as exc:
            assert str(exc)
