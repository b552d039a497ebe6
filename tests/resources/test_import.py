"""Excel import of teams and shelters: every row checked first, nothing written on any error, each problem
reported with its row, column and reason."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from tests.conftest import assert_error_shape
from yingji.core.models import AuditRecord
from yingji.resources.importing import SHELTER_COLUMNS, TEAM_COLUMNS
from yingji.resources.models import Shelter, Team


def _xlsx(headers, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _post(client, path, data: bytes, **params):
    upload = SimpleUploadedFile("import.xlsx", data, content_type="application/octet-stream")
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.client.post(f"{path}?{query}" if query else path, {"file": upload}, headers=client.headers)


def _row_errors(response) -> dict:
    """A 422 whose errors also name the row and column of each problem."""
    assert response.status_code == 422, response.content[:500]
    body = response.json()
    assert body["detail"] and body["errors"]
    for error in body["errors"]:
        assert set(error) == {"field", "message", "row", "column"} and error["message"]
    return body


TEAM_HEADERS = ["队伍名称*", "队伍类型*", "区划代码*", "纬度", "经度", "擅长事件类型", "24小时值班电话", "人数", "状态"]


def test_template_is_the_import_format(api):
    client = api("township1")
    for kind, columns in (("teams", TEAM_COLUMNS), ("shelters", SHELTER_COLUMNS)):
        response = client.get(f"/api/v1/{kind}/import/template")
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert [c.value.rstrip("*") for c in sheet[1]] == [c.header for c in columns]
    assert_error_shape(api("observer").get("/api/v1/teams/import/template"), 403)


def test_team_import_writes_all_rows_audited(api, demo_county):
    client = api("township1")
    code = demo_county["township"]
    data = _xlsx(TEAM_HEADERS, [
        ["导入一队", "社会志愿", code, 33.3, 113.5, "防汛抗旱、水域救援", "0375-8123456", 30, "待命"],
        ["导入二队", "乡镇", int(code), None, None, "forest_fire", None, None, "休整"],
    ])
    checked = _post(client, "/api/v1/teams/import", data, dry_run="true")
    assert checked.json() == {"rows": 2, "dry_run": True}
    assert not Team.objects.filter(name__startswith="导入").exists()
    done = _post(client, "/api/v1/teams/import", data)
    assert done.status_code == 200, done.content
    first = Team.objects.get(name="导入一队")
    assert first.capabilities == ["flood", "water_rescue"] and first.headcount == 30 and first.kind == "volunteer"
    assert Team.objects.get(name="导入二队").readiness == "resting"
    assert AuditRecord.objects.filter(object_type="resources.team", object_id=str(first.pk)).exists()


def test_team_import_writes_nothing_on_any_bad_row(api, demo_county):
    client = api("township1")
    code = demo_county["township"]
    data = _xlsx(TEAM_HEADERS, [
        ["好队", "乡镇", code, 33.3, 113.5, "", "", 10, "待命"],
        ["", "乡镇", code, 33.3, 113.5, "", "", 10, "待命"],
        ["坏类型", "海军", code, 33.3, 113.5, "", "", 10, "待命"],
        ["越界", "乡镇", demo_county["township2"], 33.3, 113.5, "", "", 10, "待命"],
        ["坐标", "乡镇", code, 95, None, "做饭", "abc", -1, "待命"],
        ["公式", "乡镇", code, "=1+1", 113.5, "", "", 10, "待命"],
    ])
    body = _row_errors(_post(client, "/api/v1/teams/import", data))
    problems = {(e["row"], e["column"]) for e in body["errors"]}
    assert {(3, "队伍名称"), (4, "队伍类型"), (5, "区划代码"), (6, "纬度"), (6, "擅长事件类型"), (6, "人数"),
            (7, "纬度")} <= problems
    assert all(e["row"] != 2 for e in body["errors"])
    assert all(e["field"].startswith(f"rows.{e['row']}") for e in body["errors"])
    assert not Team.objects.filter(name__in=["好队", "坏类型", "越界", "坐标", "公式"]).exists()


def test_shelter_import_checks_capacity_against_area(api, demo_county):
    client = api("township1")
    headers = ["场所名称*", "级别*", "类型*", "室内室外*", "区划代码*", "有效面积(㎡)*", "容纳人数*", "设施",
               "纬度", "经度"]
    code = demo_county["village"]
    good = ["导入小学", "村级", "学校", "室内", code, 300, 200, "供水、供电", 33.3, 113.5]
    too_full = ["导入广场", "村级", "广场", "室外", code, 300, 201, "", 33.3, 113.5]
    body = _row_errors(_post(client, "/api/v1/shelters/import", _xlsx(headers, [good, too_full])))
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(3, "容纳人数")]
    assert not Shelter.objects.filter(name__startswith="导入").exists()
    done = _post(client, "/api/v1/shelters/import", _xlsx(headers, [good]))
    assert done.status_code == 200, done.content
    assert Shelter.objects.get(name="导入小学").facilities == ["water", "power"]


def test_import_refuses_bad_files_and_roles(api):
    client = api("township1")
    assert_error_shape(_post(client, "/api/v1/teams/import", b"not a workbook"), 422)
    body = assert_error_shape(_post(client, "/api/v1/teams/import", _xlsx(["名称", "队伍类型*"], [])), 422)
    assert body["errors"][0]["field"] == "file"
    assert_error_shape(_post(api("observer"), "/api/v1/teams/import", _xlsx(TEAM_HEADERS, [])), 403)
