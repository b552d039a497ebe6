"""Risk census (自然灾害综合风险普查): the import checks every row before writing anything (errors by row and column),
is keyed on the census id (a re-import of the same file changes nothing, a changed row updates its record), works
from the page, the API and the command line; a township never sees another township's census records (pages, API,
the command map's layer); the danger zone's page lists its bodies."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from yingji.core.audit import AuditRecord
from yingji.core.imports import ImportFailed
from yingji.core.models import Region, User
from yingji.disasters.models import CensusBody, DangerZone, GeoHazardPoint, HazardSource, RiskZone
from yingji.disasters.services import census as services

HEADER = "普查编号,承灾体类型,名称,所在乡镇（村）代码,结构类型,层数,人数,面临灾种,风险等级,经度,纬度,所在危险区"


def _user(name: str) -> User:
    return User.objects.get(username=name)


def _csv(*lines: str, header: str = HEADER) -> SimpleUploadedFile:
    return SimpleUploadedFile("census.csv", ("\n".join([header, *lines]) + "\n").encode("utf-8"))


@pytest.fixture
def places(demo_county):
    own = Region.objects.filter(parent__code=demo_county["township"], level="village").order_by("code")
    other = Region.objects.filter(parent__code=demo_county["township2"], level="village").order_by("code").first()
    return {"village": own[0].code, "village_b": own[1].code, "other": other.code,
            "township": demo_county["township"], "township2": demo_county["township2"]}


def _rows(places) -> list[str]:
    v = places["village"]
    return [f"T-0001,学校,测试村小学,{v},砖混结构,2,210,洪水、地震,较高,113.45,33.21,",
            f"T-0002,房屋,测试农房,{v},土木结构,1,4,洪水,高,113.451,33.211,",
            f"T-0003,医院,测试卫生室,{v},钢筋混凝土结构,3,12,地震,中,,,"]


# --- the import ----------------------------------------------------------------------------------------------------


def test_import_creates_then_the_same_file_changes_nothing(places):
    actor = _user("township1")
    result = services.import_census(actor, "bodies", _csv(*_rows(places)))
    assert (result.rows, result.created, result.updated, result.unchanged) == (3, 3, 0, 0)
    school = CensusBody.objects.get(census_id="T-0001")
    assert (school.kind, school.structure, school.occupants, school.hazards, school.risk_level) == (
        "school", "brick_concrete", 210, ["flood", "earthquake"], "mid_high")
    audits = AuditRecord.objects.count()
    again = services.import_census(actor, "bodies", _csv(*_rows(places)))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert AuditRecord.objects.count() == audits  # nothing written, nothing audited
    changed = _rows(places)
    changed[0] = changed[0].replace(",210,", ",260,")
    third = services.import_census(actor, "bodies", _csv(*changed))
    assert (third.created, third.updated, third.unchanged) == (0, 1, 2)
    assert CensusBody.objects.get(census_id="T-0001").occupants == 260
    assert CensusBody.objects.filter(census_id__startswith="T-").count() == 3


def test_an_empty_cell_keeps_the_stored_value(places):
    actor = _user("township1")
    services.import_census(actor, "bodies", _csv(*_rows(places)))
    v = places["village"]
    services.import_census(actor, "bodies", _csv(f"T-0001,学校,测试村小学,{v},,,300,,,,,"))
    school = CensusBody.objects.get(census_id="T-0001")
    assert (school.occupants, school.structure, school.risk_level, school.floors) == (300, "brick_concrete",
                                                                                       "mid_high", 2)


def test_every_row_is_checked_and_nothing_is_written(places):
    v, other = places["village"], places["other"]
    before = CensusBody.objects.count()
    bad = [
        f"T-0001,学校,好的一行,{v},砖混结构,2,210,洪水,较高,113.45,33.21,",   # row 2: fine
        f"T-0002,城堡,名称,{v},,,,,,,,",                                       # row 3: kind
        f"T-0003,房屋,外乡的房,{other},,,,,,,,",                               # row 4: outside jurisdiction
        f"T-0001,房屋,重复编号,{v},,,,,,,,",                                   # row 5: repeated census id
        f"T-0005,房屋,只有经度,{v},,,,,,113.4,,",                              # row 6: lat without lon
        f"T-0006,房屋,无此危险区,{v},,,,,,,,不存在的危险区",                   # row 7: unknown zone
        f"T-0007,房屋,坏层数,{v},,零,,台风,极高,,,",                           # row 8: floors, hazards, risk
        f"T-0008,房屋,,{v},,,,,,,,",                                           # row 9: name missing
        "T-0009,房屋,无此村,410481999999,,,,,,,,",                            # row 10: unknown region
    ]
    with pytest.raises(ImportFailed) as caught:
        services.import_census(_user("township1"), "bodies", _csv(*bad))
    found = {(e["row"], e["field"].split(".")[-1]) for e in caught.value.errors}
    assert {(3, "kind"), (4, "region_code"), (5, "census_id"), (6, "lat"), (7, "danger_zone"),
            (8, "floors"), (8, "hazards"), (8, "risk_level"), (9, "name"), (10, "region_code")} <= found, found
    assert not any(row == 2 for row, _key in found)
    for error in caught.value.errors:
        assert error["field"] == f"rows.{error['row']}.{error['field'].split('.')[-1]}" and error["column"]
    assert CensusBody.objects.count() == before


def test_a_census_id_of_another_township_is_refused(places):
    services.import_census(_user("township2"), "bodies",
                           _csv(f"T-0100,房屋,乙乡农房,{places['other']},,,,,,,,"))
    with pytest.raises(ImportFailed) as caught:
        services.import_census(_user("township1"), "bodies",
                               _csv(f"T-0100,房屋,改到甲乡,{places['village']},,,,,,,,"))
    assert caught.value.errors[0]["row"] == 2 and caught.value.errors[0]["field"] == "rows.2.census_id"
    assert CensusBody.objects.get(census_id="T-0100").region_code == places["other"]


def test_a_body_is_linked_to_its_danger_zone_by_name(places):
    zone = DangerZone.objects.filter(region_code__startswith=places["township"]).order_by("id").first()
    services.import_census(_user("township1"), "bodies",
                           _csv(f"T-0200,房屋,危险区内农房,{zone.region_code},土木结构,1,3,洪水,高,,,{zone.name}"))
    assert CensusBody.objects.get(census_id="T-0200").danger_zone == zone


def test_sources_link_their_hazard_point_and_zones_need_a_level(places):
    point = GeoHazardPoint.objects.filter(region_code__startswith=places["township2"]).order_by("id").first() \
        or GeoHazardPoint.objects.order_by("id").first()
    header = "普查编号,灾种,名称,所在乡镇（村）代码,风险等级,隐患点编号"
    admin = _user("admin")
    services.import_census(admin, "sources", _csv(f"S-1,地质灾害,{point.name},{point.region_code},高,{point.code}",
                                                   header=header))
    assert HazardSource.objects.get(census_id="S-1").geohazard_point == point
    with pytest.raises(ImportFailed) as caught:
        services.import_census(admin, "sources", _csv(f"S-2,洪水,河段,{point.region_code},高,{point.code}",
                                                       header=header))
    assert caught.value.errors[0]["field"] == "rows.2.geohazard_point"
    with pytest.raises(ImportFailed) as caught:
        services.import_census(admin, "zones", _csv(f"Z-1,综合,某乡综合风险区,{places['township']},",
                                                     header="普查编号,灾种,名称,所在乡镇（村）代码,风险等级"))
    assert caught.value.errors[0]["field"] == "rows.2.risk_level"
    result = services.import_census(admin, "zones", _csv(f"Z-1,综合,某乡综合风险区,{places['township']},较高",
                                                          header="普查编号,灾种,名称,所在乡镇（村）代码,风险等级"))
    assert result.created == 1 and RiskZone.objects.get(census_id="Z-1").hazard == ""


def test_a_header_that_is_not_the_template_is_refused(places):
    from yingji.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        services.import_census(_user("township1"), "bodies", _csv("x,y", header="编号,名字"))
    assert caught.value.errors[0]["field"] == "file"


def test_the_template_reads_back(places):
    from openpyxl import load_workbook

    for kind in services.COLUMNS:
        wb = load_workbook(io.BytesIO(services.template_workbook(kind)))
        headers = [c.value for c in wb.worksheets[0][1]]
        assert headers[0] == "普查编号*" and len(headers) == len(services.COLUMNS[kind])


def test_grid_members_and_enterprises_cannot_import(places):
    from yingji.core.errors import NotAllowed

    for name in ("grid1", "enterprise1", "observer"):
        with pytest.raises(NotAllowed):
            services.import_census(_user(name), "bodies", _csv(*_rows(places)))


# --- the page, the API and the command line ----------------------------------------------------------------------


def test_the_import_page(web, places):
    client = web("township1")
    page = client.get(reverse("census_import"))
    assert page.status_code == 200 and "普查编号" in page.content.decode()
    checked = client.post(reverse("census_import"), {"kind": "bodies", "file": _csv(*_rows(places)),
                                                     "dry_run": "on"})
    assert checked.status_code == 200 and not CensusBody.objects.filter(census_id="T-0001").exists()
    done = client.post(reverse("census_import"), {"kind": "bodies", "file": _csv(*_rows(places))})
    assert done.status_code == 302 and CensusBody.objects.filter(census_id__startswith="T-").count() == 3
    bad = client.post(reverse("census_import"), {"kind": "bodies",
                                                 "file": _csv(f"T-9,城堡,x,{places['village']},,,,,,,,")})
    assert bad.status_code == 422 and "城堡" not in [c.name for c in CensusBody.objects.all()]
    template = client.get(reverse("census_import_template", args=["sources"]))
    assert template.status_code == 200 and template.content.startswith(b"PK")
    assert web("grid1").get(reverse("census_import")).status_code == 403


def test_the_import_api(api, places):
    client = api("township1")
    url = "/api/v1/census-imports/bodies"
    answer = client.client.post(url, {"file": _csv(*_rows(places))}, headers=client.headers)
    assert answer.status_code == 200, answer.content
    assert answer.json() | {} == {"kind": "bodies", "rows": 3, "created": 3, "updated": 0, "unchanged": 0,
                                  "dry_run": False}
    again = client.client.post(url, {"file": _csv(*_rows(places))}, headers=client.headers)
    assert again.json()["unchanged"] == 3
    bad = client.client.post(url, {"file": _csv(f"T-9,城堡,x,{places['village']},,,,,,,,")},
                             headers=client.headers)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "rows.2.kind" and bad.json()["errors"][0]["row"] == 2


def test_the_command_line(places, tmp_path):
    path = tmp_path / "bodies.csv"
    path.write_bytes(_csv(*_rows(places)).read())
    out = io.StringIO()
    call_command("import_census", "bodies", str(path), "--user", "township1", stdout=out)
    assert "3 new" in out.getvalue()
    call_command("import_census", "bodies", str(path), "--user", "township1", stdout=out)
    assert "3 unchanged" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv(f"T-9,城堡,x,{places['village']},,,,,,,,").read())
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_census", "bodies", str(bad), "--user", "township1", stdout=out, stderr=err)
    assert "row 2" in err.getvalue()


def test_api_create_patch_and_scope(api, places):
    township1, township2 = api("township1"), api("township2")
    made = township1.post("/api/v1/census-bodies", {
        "census_id": "A-1", "kind": "school", "name": "接口小学", "region_code": places["village"],
        "hazards": ["flood"], "risk_level": "high", "occupants": 300, "lat": "33.2", "lon": "113.4"})
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert township1.patch(f"/api/v1/census-bodies/{pk}", {"occupants": 320}).json()["occupants"] == 320
    assert township2.get(f"/api/v1/census-bodies/{pk}").status_code == 404
    assert township2.patch(f"/api/v1/census-bodies/{pk}", {"occupants": 1}).status_code == 404
    outside = township1.post("/api/v1/census-bodies", {
        "census_id": "A-2", "kind": "house", "name": "外乡", "region_code": places["other"]})
    assert outside.status_code in (403, 422)
    for path in ("/api/v1/census-bodies", "/api/v1/census-hazard-sources", "/api/v1/census-risk-zones"):
        items = township1.get(path, limit=500).json()["items"]
        assert items and all(i["region_code"].startswith(places["township"]) for i in items), path
    assert api("enterprise1").get("/api/v1/census-bodies").status_code == 403


# --- scope on pages and the map --------------------------------------------------------------------------------


def test_a_township_never_sees_another_townships_census_records(web, places):
    client = web("township1")
    for model, prefix in ((CensusBody, "census_body"), (HazardSource, "census_source"), (RiskZone, "census_zone")):
        theirs = model.objects.filter(region_code__startswith=places["township2"]).first()
        ours = model.objects.filter(region_code__startswith=places["township"]).first()
        assert theirs is not None and ours is not None, model
        listing = client.get(reverse(f"{prefix}_list")).content.decode()
        assert ours.census_id in listing and theirs.census_id not in listing
        assert client.get(reverse(f"{prefix}_detail", args=[theirs.pk])).status_code == 404
        assert client.get(reverse(f"{prefix}_detail", args=[ours.pk])).status_code == 200
        export = client.get(reverse(f"{prefix}_list"), {"export": "csv"})
        if export.status_code == 200:
            assert theirs.census_id.encode() not in b"".join(export.streaming_content)


def test_the_map_layer_holds_the_census_in_scope(web, places):
    layers = web("township1").get(reverse("resource_map_layers")).json()["layers"]
    census = layers["census"]
    kinds = {p["kind"] for p in census}
    assert kinds == {"census_body", "census_source"}
    ids = {(p["kind"], p["id"]) for p in census}
    theirs = CensusBody.objects.filter(region_code__startswith=places["township2"], lat__isnull=False)
    assert not any(("census_body", b.pk) in ids for b in theirs)
    school = CensusBody.objects.filter(region_code__startswith=places["township"], kind="school").first()
    point = next(p for p in census if p["kind"] == "census_body" and p["id"] == school.pk)
    assert point["url"] == reverse("census_body_detail", args=[school.pk]) and point["risk"] in (
        "red", "orange", "yellow", "blue")
    # Ordinary low-risk houses stay off the map (only weak houses are drawn among the houses).
    shown_houses = CensusBody.objects.filter(pk__in=[i for k, i in ids if k == "census_body"], kind="house")
    assert all(h.risk_level in ("high", "mid_high") for h in shown_houses)
    page = web("township1").get(reverse("resource_map")).content.decode()
    assert 'data-layer="census"' in page and "data-census_body=" in page


def test_the_zone_page_lists_its_bodies(web, places):
    body = CensusBody.objects.filter(region_code__startswith=places["township"], danger_zone__isnull=False).first()
    page = web("township1").get(reverse("danger_zone_detail", args=[body.danger_zone_id])).content.decode()
    assert body.name in page


def test_the_transfer_page_lists_the_zones_bodies(web):
    from yingji.disasters.models import Transfer

    transfer = Transfer.objects.filter(zone__census_bodies__isnull=False).order_by("pk").first()
    assert transfer is not None
    body = CensusBody.objects.filter(danger_zone=transfer.zone).first()
    page = web("admin").get(reverse("zone_transfer_detail", args=[transfer.pk])).content.decode()
    assert 'id="yj-census-bodies"' in page and body.name in page
