"""Excel import of experts, equipment, warehouses and stock (the same machinery as teams and shelters): templates,
every row checked first, nothing written on any error, problems by row and column; malformed files (wrong
header, formulas, garbage bytes, repeated rows); and property tests of each parser."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from tests.conftest import assert_error_shape
from yingji.core.errors import ValidationFailed
from yingji.core.models import AuditRecord, User
from yingji.resources import importing
from yingji.resources.models import Equipment, Expert, StockBatch, StockMovement, SupplyItem, Team, Warehouse


def _xlsx(headers, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _headers(kind: str) -> list[str]:
    return [c.header + ("*" if c.required else "") for c in importing.KINDS[kind][1]]


def _post(client, path, data: bytes, **params):
    upload = SimpleUploadedFile("import.xlsx", data, content_type="application/octet-stream")
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.client.post(f"{path}?{query}" if query else path, {"file": upload}, headers=client.headers)


def _row_errors(response) -> list[dict]:
    assert response.status_code == 422, response.content[:500]
    errors = response.json()["errors"]
    assert errors and all(set(e) == {"field", "message", "row", "column"} for e in errors)
    return errors


def _upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("import.xlsx", data)


ENDPOINTS = {"experts": "/api/v1/experts/import", "equipment": "/api/v1/equipment/import",
             "warehouses": "/api/v1/warehouses/import", "stock": "/api/v1/stock/import"}


@pytest.mark.parametrize("kind", sorted(ENDPOINTS))
def test_templates_are_the_import_format(api, kind):
    response = api("township1").get(f"{ENDPOINTS[kind]}/template")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == _headers(kind)
    assert_error_shape(api("observer").get(f"{ENDPOINTS[kind]}/template"), 403)


def _own(model, demo_county):
    return model.objects.filter(region_code__startswith=demo_county["township"]).order_by("pk").first()


def _other(model, demo_county):
    return model.objects.filter(region_code__startswith=demo_county["township2"]).order_by("pk").first()


def test_expert_import_all_or_nothing(api, demo_county):
    client = api("township1")
    code = demo_county["township"]
    headers = ["姓名*", "专业领域*", "区划代码*", "职称", "联系电话", "是否可用"]
    good = [["导入专家甲", "防汛抗旱", code, "高级工程师", 13712345678, "是"],
            ["导入专家乙", "地质灾害", int(code), "", "", "否"]]
    bad = good + [["导入专家丙", "做饭", code, "", "", "也许"]]
    errors = _row_errors(_post(client, ENDPOINTS["experts"], _xlsx(headers, bad)))
    assert {(e["row"], e["column"]) for e in errors} == {(4, "专业领域"), (4, "是否可用")}
    assert not Expert.objects.filter(name__startswith="导入专家").exists()
    done = _post(client, ENDPOINTS["experts"], _xlsx(headers, good))
    assert done.json() == {"rows": 2, "dry_run": False}
    second = Expert.objects.get(name="导入专家乙")
    assert second.field == "geological" and second.available is False and second.region_code == code
    assert AuditRecord.objects.filter(object_type="resources.expert", object_id=str(second.pk)).exists()


def test_warehouse_import_checks_region_scope(api, demo_county):
    client = api("township1")
    headers = ["仓库名称*", "级别*", "区划代码*", "管理人", "联系电话", "面积(㎡)"]
    rows = [["导入仓库一", "乡镇储备", demo_county["township"], "赵敏", "13612345678", 120],
            ["导入仓库二", "乡镇储备", demo_county["township2"], "", "", ""],
            ["导入仓库三", "县城", demo_county["township"], "", "", -5]]
    errors = _row_errors(_post(client, ENDPOINTS["warehouses"], _xlsx(headers, rows)))
    assert {(e["row"], e["column"]) for e in errors} == {(3, "区划代码"), (4, "级别"), (4, "面积(㎡)")}
    assert not Warehouse.objects.filter(name__startswith="导入仓库").exists()
    assert _post(client, ENDPOINTS["warehouses"], _xlsx(headers, rows[:1])).status_code == 200
    assert Warehouse.objects.get(name="导入仓库一").area_m2 == 120


def test_equipment_import_finds_the_holder_in_scope(api, demo_county):
    client = api("township1")
    team, other_team = _own(Team, demo_county), _other(Team, demo_county)
    warehouse = _own(Warehouse, demo_county)
    headers = ["装备名称*", "型号", "数量*", "持有类型*", "持有者名称*", "区划代码", "状态", "最近检查日期"]
    rows = [["对讲机", "DP4400", 12, "队伍", team.name, "", "在用", datetime.date(2026, 5, 1)],
            ["发电机", "", 2, "仓库", warehouse.name, "", "维修", "2026-04-30"],
            ["水泵", "", 1, "单位", "柏庄乡水利站", demo_county["township"], "", ""]]
    bad = rows + [["卫星电话", "", 1, "队伍", other_team.name, "", "", ""],
                  ["无人机", "", 0, "单位", "某单位", "", "", "昨天"]]
    before = Equipment.objects.count()
    errors = _row_errors(_post(client, ENDPOINTS["equipment"], _xlsx(headers, bad)))
    assert {(e["row"], e["column"]) for e in errors} == {(5, "持有者名称"), (6, "数量"), (6, "最近检查日期")}
    assert Equipment.objects.count() == before
    done = _post(client, ENDPOINTS["equipment"], _xlsx(headers, rows))
    assert done.status_code == 200, done.content
    radios = Equipment.objects.get(team=team, model_name="DP4400")
    assert radios.count == 12 and radios.region_code == team.region_code and radios.lat == team.lat
    assert radios.last_checked == datetime.date(2026, 5, 1)
    assert Equipment.objects.get(warehouse=warehouse, item="generator", status="repair")
    assert Equipment.objects.get(holder_name="柏庄乡水利站").region_code == demo_county["township"]


def test_unit_holder_needs_a_region(api, demo_county):
    headers = ["装备名称*", "数量*", "持有类型*", "持有者名称*"]
    errors = _row_errors(_post(api("township1"), ENDPOINTS["equipment"],
                               _xlsx(headers, [["水泵", 1, "单位", "某站"]])))
    assert [(e["row"], e["column"]) for e in errors] == [(2, "区划代码")]


def test_stock_import_receives_batches(api, demo_county):
    client = api("township1")
    warehouse = _own(Warehouse, demo_county)
    other = _other(Warehouse, demo_county)
    item = SupplyItem.objects.order_by("pk").first()
    headers = ["仓库名称*", "物资编码*", "批次号*", "数量*", "有效期至", "备注"]
    rows = [[warehouse.name, item.code, "IMP-1", 40, "2028-06-30", "采购"],
            [warehouse.name, item.code, "IMP-2", 5, "", ""]]
    bad = rows + [[other.name, item.code, "IMP-3", 1, "", ""], [warehouse.name, "NOPE", "IMP-4", 1, "", ""],
                  [warehouse.name, item.code, "IMP-5", -3, "", ""]]
    errors = _row_errors(_post(client, ENDPOINTS["stock"], _xlsx(headers, bad)))
    assert {(e["row"], e["column"]) for e in errors} == {(4, "仓库名称"), (5, "物资编码"), (6, "数量")}
    assert not StockBatch.objects.filter(batch_no__startswith="IMP-").exists()
    assert _post(client, ENDPOINTS["stock"], _xlsx(headers, rows)).status_code == 200
    batch = StockBatch.objects.get(warehouse=warehouse, batch_no="IMP-1")
    assert batch.quantity == 40 and batch.expires_on == datetime.date(2028, 6, 30)
    assert StockMovement.objects.filter(batch=batch, kind="receipt", change=40).exists()
    # the same batch again adds to it, but must keep its expiry date
    again = _post(client, ENDPOINTS["stock"], _xlsx(headers, [[warehouse.name, item.code, "IMP-1", 10,
                                                               "2029-01-01", ""]]))
    assert [(e["row"], e["column"]) for e in _row_errors(again)] == [(2, "有效期至")]
    assert _post(client, ENDPOINTS["stock"], _xlsx(headers, [[warehouse.name, item.code, "IMP-1", 10, "",
                                                              ""]])).status_code == 200
    batch.refresh_from_db()
    assert batch.quantity == 50
    assert_error_shape(_post(api("observer"), ENDPOINTS["stock"], _xlsx(headers, rows)), 403)


# --- malformed files -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(importing.KINDS))
def test_malformed_files_write_nothing(api, kind):
    client = api("township1")
    path = f"/api/v1/{kind}/import"
    counts = {m: m.objects.count() for m in (Team, Expert, Equipment, Warehouse, StockBatch)}
    for garbage in (b"", b"\x00\xff" * 500, b"PK\x03\x04 not really a zip", "名称,类型\n".encode()):
        body = assert_error_shape(_post(client, path, garbage), 422)
        assert body["errors"][0]["field"] == "file"
    wrong = assert_error_shape(_post(client, path, _xlsx(["名称", "随便"], [["a", "b"]])), 422)
    assert wrong["errors"][0]["field"] == "file"
    first = importing.KINDS[kind][1][0]
    formula_row = ["=HYPERLINK(\"http://x\")"] + [None] * (len(_headers(kind)) - 1)
    errors = _row_errors(_post(client, path, _xlsx(_headers(kind), [formula_row])))
    assert any(e["column"] == first.header and "Formula" in e["message"] for e in errors)
    assert counts == {m: m.objects.count() for m in counts}


def _example_row(kind: str) -> list:
    return [c.example if c.example != "" else None for c in importing.KINDS[kind][1]]


@pytest.mark.parametrize("kind", ["experts", "warehouses", "teams", "shelters"])
def test_repeated_rows_are_refused(api, demo_county, kind):
    client = api("township1")
    row = _example_row(kind)
    columns = importing.KINDS[kind][1]
    for i, column in enumerate(columns):
        if column.key == "region_code":
            row[i] = demo_county["village"] if kind == "shelters" else demo_county["township"]
    errors = _row_errors(_post(client, f"/api/v1/{kind}/import", _xlsx(_headers(kind), [row, row])))
    assert [e["row"] for e in errors] == [3] and "row 2" in errors[0]["message"]


def test_repeated_stock_rows_are_refused(api, demo_county):
    warehouse = _own(Warehouse, demo_county)
    code = SupplyItem.objects.order_by("pk").first().code
    row = [warehouse.name, code, "DUP-1", 1, None, None, None]
    errors = _row_errors(_post(api("township1"), ENDPOINTS["stock"], _xlsx(_headers("stock"), [row, row])))
    assert [e["row"] for e in errors] == [3]
    assert not StockBatch.objects.filter(batch_no="DUP-1").exists()


def test_import_pages(web, demo_county):
    client = web("township1")
    for kind in importing.KINDS:
        assert client.get(f"/resources/import/{kind}/").status_code == 200
        template = client.get(f"/resources/import/{kind}/template/")
        assert template.status_code == 200
        assert [c.value for c in load_workbook(io.BytesIO(template.content)).active[1]] == _headers(kind)
    assert client.get("/resources/import/nothing/").status_code == 404
    assert web("observer").get("/resources/import/experts/").status_code == 403
    headers = ["姓名*", "专业领域*", "区划代码*"]
    bad = _xlsx(headers, [["页面导入专家", "做饭", demo_county["township"]]])
    response = client.post("/resources/import/experts/", {"file": _upload(bad)})
    assert response.status_code == 422 and response.context["row_errors"][0]["column"] == "专业领域"
    good = _xlsx(headers, [["页面导入专家", "医疗救护", demo_county["township"]]])
    checked = client.post("/resources/import/experts/", {"file": _upload(good), "dry_run": "on"})
    assert checked.context["checked"] == 1 and not Expert.objects.filter(name="页面导入专家").exists()
    done = client.post("/resources/import/experts/", {"file": _upload(good)})
    assert done.status_code == 302 and Expert.objects.get(name="页面导入专家").field == "medical"


# --- parsers: property tests ---------------------------------------------------------------------------------

NAMES = st.text(alphabet="应急救援物资仓库专家甲乙丙丁一二三四五六七八九", min_size=2, max_size=20)
HYPOTHESIS = settings(max_examples=15, deadline=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _dry_run(kind: str, rows: list[list], headers: list[str] | None = None) -> int:
    user = User.objects.get(username="township1")
    return importing.import_rows(user, kind, _upload(_xlsx(headers or _headers(kind), rows)), dry_run=True)


@HYPOTHESIS
@given(names=st.lists(NAMES, min_size=1, max_size=6, unique=True),
       fields=st.lists(st.sampled_from(sorted(importing.CAPABILITIES.values())), min_size=6, max_size=6),
       available=st.lists(st.sampled_from(["是", "否", True, False]), min_size=6, max_size=6),
       phones=st.lists(st.integers(13000000000, 19999999999), min_size=6, max_size=6))
def test_expert_parser_accepts_every_valid_file(demo_county, names, fields, available, phones):
    rows = [[n, fields[i], demo_county["township"], None, None, None, phones[i], available[i], None, None, None]
            for i, n in enumerate(names)]
    assert _dry_run("experts", rows) == len(rows)


@HYPOTHESIS
@given(names=st.lists(NAMES, min_size=1, max_size=6, unique=True),
       levels=st.lists(st.sampled_from(sorted(importing.WAREHOUSE_LEVELS.values())), min_size=6, max_size=6),
       areas=st.lists(st.decimals(0, 99999, places=1), min_size=6, max_size=6),
       lat=st.floats(-90, 90), lon=st.floats(-180, 180))
def test_warehouse_parser_accepts_every_valid_file(demo_county, names, levels, areas, lat, lon):
    rows = [[n, levels[i], demo_county["township"], None, None, float(areas[i]), None, lat, lon]
            for i, n in enumerate(names)]
    assert _dry_run("warehouses", rows) == len(rows)


@HYPOTHESIS
@given(models=st.lists(NAMES, min_size=1, max_size=6, unique=True),
       items=st.lists(st.sampled_from(sorted(importing.EQUIPMENT_ITEMS.values())), min_size=6, max_size=6),
       counts=st.lists(st.integers(1, 2**31 - 1), min_size=6, max_size=6),
       checked=st.dates(datetime.date(2000, 1, 1), datetime.date(2030, 12, 31)))
def test_equipment_parser_accepts_every_valid_file(demo_county, models, items, counts, checked):
    team = _own(Team, demo_county)
    rows = [[items[i], m, counts[i], "队伍", team.name, None, "在用", checked.isoformat(), None, None, None]
            for i, m in enumerate(models)]
    assert _dry_run("equipment", rows) == len(rows)


@HYPOTHESIS
@given(batches=st.lists(st.text(alphabet="ABC-0123456789", min_size=1, max_size=20), min_size=1, max_size=6,
                        unique=True),
       quantities=st.lists(st.integers(1, 10**9), min_size=6, max_size=6),
       expires=st.dates(datetime.date(2020, 1, 1), datetime.date(2040, 12, 31)))
def test_stock_parser_accepts_every_valid_file(demo_county, batches, quantities, expires):
    warehouse = _own(Warehouse, demo_county)
    code = SupplyItem.objects.order_by("pk").first().code
    rows = [[warehouse.name, code, f"H{b}", quantities[i], expires, None, None] for i, b in enumerate(batches)]
    assert _dry_run("stock", rows) == len(rows)


CELLS = st.one_of(st.none(), st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30),
                  st.integers(-10**12, 10**12), st.floats(allow_nan=False, allow_infinity=False),
                  st.booleans(), st.dates())


@HYPOTHESIS
@given(kind=st.sampled_from(["experts", "equipment", "warehouses", "stock"]),
       rows=st.lists(st.lists(CELLS, min_size=11, max_size=11), min_size=1, max_size=4))
def test_any_cell_content_is_either_imported_or_reported_by_row(demo_county, kind, rows):
    width = len(_headers(kind))
    rows = [r[:width] for r in rows]
    try:
        _dry_run(kind, rows)
    except importing.ImportFailed as exc:
        assert exc.errors and all(e["row"] >= 2 and e["message"] for e in exc.errors)
    except ValidationFailed as exc:
        assert exc.errors  # a file-level problem (e.g. a value openpyxl cannot store)
