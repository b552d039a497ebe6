"""Excel import of the registry: the template, all-or-nothing with row/column errors, update versus create,
scope, malformed files; through the API and the page."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from tests.conftest import assert_error_shape
from tests.enterprises.conftest import new_credit_code
from yingji.core.models import AuditRecord
from yingji.enterprises import importing
from yingji.enterprises.models import Enterprise, Licence

HEADERS = ["统一社会信用代码*", "企业名称*", "行政区划代码*", "详细地址", "行业大类代码", "监管行业", "行业主管部门",
           "企业规模", "主要负责人", "主要负责人电话", "从业人员数", "经营状态", "涉氨制冷", "许可证类型", "许可证编号",
           "许可证有效期至"]


def workbook(rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def row(code=None, name="舞钢市导入测试食品有限公司", region="410481001001", **cells):
    values = {"address": "舞钢市龙泉街道1号", "division": "13", "sector": "轻工", "supervisor": "市场监管局",
              "scale": "规下", "principal": "周杰", "phone": "13812345678", "employees": 35, "status": "在营",
              "ammonia": "是", "licence_kind": "", "licence_number": "", "expires": None} | cells
    return [code or new_credit_code(), name, region, values["address"], values["division"], values["sector"],
            values["supervisor"], values["scale"], values["principal"], values["phone"], values["employees"],
            values["status"], values["ammonia"], values["licence_kind"], values["licence_number"], values["expires"]]


def upload(client, content: bytes, name="enterprises.xlsx", **params):
    query = "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
    return client.client.post(f"/api/v1/enterprises/import{query}", {"file": SimpleUploadedFile(name, content)},
                              headers=client.headers)


def test_template_has_chinese_headers_and_reads_back(api, web):
    response = api("section").get("/api/v1/enterprises/import/template")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    headers = [c.value for c in wb.worksheets[0][1]]
    assert headers[:3] == ["统一社会信用代码*", "企业名称*", "行政区划代码*"]
    assert "涉氨制冷" in headers and "行业主管部门" in headers and "许可证有效期至" in headers
    assert wb.sheetnames[1] == "填写说明"
    page = web("section").get("/enterprises/import/template.xlsx")
    assert page.status_code == 200 and page.content[:2] == b"PK"
    assert_error_shape(api("township1").get("/api/v1/enterprises/import/template"), 403)
    assert web("enterprise1").get("/enterprises/import/template.xlsx").status_code == 403


def test_the_template_itself_imports_its_example_row(api, demo_county):
    content = api("section").get("/api/v1/enterprises/import/template").content
    response = upload(api("section"), content, dry_run="true")
    # The example row's credit code is valid, so the untouched template passes the checks.
    assert response.status_code == 200, response.content
    assert response.json() == {"rows": 1, "created": 1, "updated": 0, "licences": 1, "dry_run": True}
    assert not Enterprise.objects.filter(credit_code="91410481MA44XK2PXE").exists()


def test_import_creates_and_updates_in_one_go(api, own_enterprise, demo_county):
    new_code = new_credit_code()
    rows = [
        row(new_code, licence_kind="安全生产许可证", licence_number="(豫)WH安许证字[2026]123456",
            expires=datetime.datetime(2028, 6, 30)),
        row(own_enterprise.credit_code, name=own_enterprise.name, region=own_enterprise.region_code,
            address="", principal="新负责人", employees=88, ammonia="否"),
    ]
    records_before = AuditRecord.objects.count()
    response = upload(api("section"), workbook(rows))
    assert response.status_code == 200, response.content
    assert response.json() == {"rows": 2, "created": 1, "updated": 1, "licences": 1, "dry_run": False}
    created = Enterprise.objects.get(credit_code=new_code)
    assert created.industry_division == "13" and created.industry_section == "C"
    assert created.sector == "light_industry" and created.supervising_unit.short_name == "市场监管局"
    assert created.ammonia_refrigeration is True and created.employee_count == 35
    licence = Licence.objects.get(enterprise=created)
    assert licence.kind == "safety_production" and licence.expires_on == datetime.date(2028, 6, 30)
    old_address = own_enterprise.address
    own_enterprise.refresh_from_db()
    assert own_enterprise.principal == "新负责人" and own_enterprise.employee_count == 88
    assert own_enterprise.address == old_address  # an empty cell keeps the value
    assert AuditRecord.objects.count() >= records_before + 3  # every write audited


def test_any_bad_row_means_nothing_is_written(api, own_enterprise, demo_county):
    good = row()
    duplicate = row(good[0])
    rows = [
        good,
        row("91410481MA44XK2P0X"),  # wrong check character
        row(name="", region="410481999999"),  # missing name, unknown region
        row(region=demo_county["township2"] + "001", employees="many", status="营业中", ammonia="也许"),
        row(division="99", supervisor="不存在的局", scale="大"),
        duplicate,
        row(licence_number="X-1", expires="明年"),
    ]
    before = Enterprise.objects.count()
    body = assert_error_shape(upload(api("township1"), workbook(rows)), 403)  # township staff cannot import
    response = upload(api("section"), workbook(rows))
    assert response.status_code == 422
    body = response.json()
    assert Enterprise.objects.count() == before
    assert "nothing was imported" in body["detail"]
    found = {(e["row"], e["column"]) for e in body["errors"]}
    assert (3, "统一社会信用代码") in found
    assert {(4, "企业名称"), (4, "行政区划代码")} <= found
    assert {(5, "从业人员数"), (5, "经营状态"), (5, "涉氨制冷")} <= found
    assert {(6, "行业大类代码"), (6, "行业主管部门"), (6, "企业规模")} <= found
    assert (7, "统一社会信用代码") in found
    assert {(8, "许可证有效期至"), (8, "许可证类型")} <= found
    assert all(e["row"] != 2 for e in body["errors"])  # the good row has no complaint
    assert all(set(e) == {"field", "message", "row", "column"} for e in body["errors"])
    assert next(e for e in body["errors"] if e["row"] == 3)["field"] == "rows.3.credit_code"


def test_region_outside_the_importers_jurisdiction_is_a_row_error(api, demo_county):
    from tests.conftest import ApiClient
    from yingji.core.services import create_user

    local = create_user(None, username="isection", roles=["section_staff"], password="Local@staff1",
                        scope_region_code=demo_county["township"])
    outside_enterprise = Enterprise.objects.filter(region_code__startswith=demo_county["township2"]).first()
    rows = [row(region=demo_county["township2"] + "001"),
            row(outside_enterprise.credit_code, region=demo_county["village"])]
    response = upload(ApiClient(local), workbook(rows))
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[0]["row"] == 2 and "outside your jurisdiction" in errors[0]["message"]
    assert errors[1]["row"] == 3 and errors[1]["column"] == "统一社会信用代码"


@pytest.mark.parametrize("content, message", [
    (b"\x00\x01\x02\x03binary junk", "Not an Excel .xlsx workbook or a CSV file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 an old .xls", "Not an Excel .xlsx workbook or a CSV file"),
    (b"name,code\nfoo,bar\n", "Unknown column “name”"),
    (b"PK\x03\x04garbage that is not a zip", "cannot be read"),
    (b"", "empty"),
])
def test_files_that_are_not_workbooks_are_4xx(api, content, message):
    body = assert_error_shape(upload(api("section"), content, name="x.xlsx"), 422)
    assert body["errors"][0]["field"] == "file" and message in body["errors"][0]["message"]


def test_wrong_headers_are_refused(api):
    body = assert_error_shape(upload(api("section"), workbook([["x"]], headers=["名称", "代码"])), 422)
    messages = " ".join(e["message"] for e in body["errors"])
    assert "Unknown column “名称”" in messages and "Missing required column" in messages
    body = assert_error_shape(upload(api("section"), workbook([], headers=HEADERS[:3] + ["企业名称"])), 422)
    assert "appears twice" in body["errors"][0]["message"]
    body = assert_error_shape(upload(api("section"), workbook([], headers=HEADERS)), 422)
    assert "no data rows" in body["errors"][0]["message"]


def test_formulas_are_refused_cell_by_cell(api):
    rows = [row(), row()]
    rows[1][10] = "=SUM(1,2)"
    response = upload(api("section"), workbook(rows))
    assert response.status_code == 422
    body = response.json()
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(3, "从业人员数")]
    assert "Formulas" in body["errors"][0]["message"]


def test_too_many_rows_is_refused(api, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    body = assert_error_shape(upload(api("section"), workbook([row() for _ in range(4)])), 422)
    assert "More than 3 rows" in body["errors"][0]["message"]


def test_real_limit_is_5000_rows():
    assert importing.MAX_ROWS == 5000


def test_oversized_upload_is_refused(api, monkeypatch):
    monkeypatch.setattr(importing, "MAX_BYTES", 100)
    body = assert_error_shape(upload(api("section"), workbook([row()])), 422)
    assert "larger than" in body["errors"][0]["message"]


def test_import_page_shows_row_errors_and_imports(web, demo_county):
    client = web("section")
    assert client.get("/enterprises/import/").status_code == 200
    bad = client.post("/enterprises/import/", {"file": SimpleUploadedFile("a.xlsx", workbook([row(name="")]))})
    assert bad.status_code == 422
    html = bad.content.decode()
    assert "yj-import-errors" in html and "企业名称" in html
    code = new_credit_code()
    checked = client.post("/enterprises/import/", {"file": SimpleUploadedFile("a.xlsx", workbook([row(code)])),
                                                   "dry_run": "on"})
    assert checked.status_code == 200 and "yj-import-checked" in checked.content.decode()
    assert not Enterprise.objects.filter(credit_code=code).exists()
    done = client.post("/enterprises/import/", {"file": SimpleUploadedFile("a.xlsx", workbook([row(code)]))})
    assert done.status_code == 302
    assert Enterprise.objects.filter(credit_code=code).exists()
    not_xlsx = client.post("/enterprises/import/", {"file": SimpleUploadedFile("a.xlsx", b"\x00\x01\x02 binary")})
    assert not_xlsx.status_code == 422 and "不是 Excel .xlsx 工作簿" in not_xlsx.content.decode()
    assert web("enterprise1").get("/enterprises/import/").status_code == 403


def test_export_includes_the_new_columns(web):
    response = web("admin").get("/enterprises/", {"sector": "fireworks", "export": "xlsx"})
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = [list(r) for r in wb.active.iter_rows(values_only=True)]
    header = rows[0]
    assert len(rows) - 1 == Enterprise.objects.filter(sector="fireworks").count()
    from django.conf import settings
    from django.utils import translation

    # The headers speak the request's language (Chinese by default): compare with the translated labels.
    with translation.override(response.get("Content-Language", settings.LANGUAGE_CODE)):
        for msgid in ("Supervision sector", "Supervising department", "Principal responsible person", "Fireworks",
                      "Major hazard source", "Industry division"):
            column = translation.gettext(msgid)
            assert column in header or any(column in str(h) for h in header), column
