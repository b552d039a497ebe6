"""Publicity activities and the preparedness statistics: scope (a township sees and records its own only, on the
pages and the API), the figures by month, township and kind on known data, validation (422 naming the field),
photos and media reports, exports, and the pages in Chinese."""

from __future__ import annotations

import csv
import datetime
import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import assert_error_shape
from yingji.core.choices import OrganisationKind
from yingji.core.errors import NotAllowed, ValidationFailed
from yingji.core.models import Organisation, User
from yingji.preparedness import statistics
from yingji.preparedness.models import PublicityActivity
from yingji.preparedness.services import publicity


def _png(seed: int) -> bytes:
    """A small valid PNG (a band of colour)."""
    width, height = 8, 4
    rows = b"".join(b"\x00" + bytes((seed * 40 % 256, 120, 200)) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


#: A year the demo does not fill, so every figure is of the activities made here.
YEAR = 2031


def user(name: str) -> User:
    return User.objects.get(username=name)


def government(code: str) -> Organisation:
    return Organisation.objects.get(kind=OrganisationKind.TOWNSHIP_GOVERNMENT, region_code=code)


def bureau() -> Organisation:
    return Organisation.objects.get(kind=OrganisationKind.BUREAU)


def activity(actor: str, region_code: str, kind: str, day: datetime.date, participants: int, *,
             materials: int = 0, media: int = 0, industry: str = "", organiser: Organisation | None = None):
    return publicity.create_activity(user(actor), {
        "title": f"{kind} {day}", "kind": kind, "held_on": day, "place": "广场", "region_code": region_code,
        "organiser": (organiser or government(region_code[:9])).pk, "audience": "群众",
        "participants": participants, "materials_count": materials, "industry_division": industry,
        "media": [{"outlet": "融媒体中心", "title": f"报道{i}", "link": "", "date": day} for i in range(media)]})


@pytest.fixture
def known(demo_county):
    """Five activities of YEAR: two of the first township, one of the second, one of the county, one of the first
    township's village (五进 into families)."""
    t1, t2 = demo_county["township"], demo_county["township2"]
    village = demo_county["village"]
    return {
        "a": activity("township1", t1, "safety_month", datetime.date(YEAR, 6, 10), 300, materials=500, media=1),
        "b": activity("township1", t1, "into_enterprises", datetime.date(YEAR, 6, 20), 40, materials=40,
                      industry="26"),
        "c": activity("township2", t2, "disaster_day", datetime.date(YEAR, 5, 12), 120, materials=200),
        "d": activity("section", "410481", "fire_day", datetime.date(YEAR, 11, 9), 900, materials=3000, media=2,
                      organiser=bureau()),
        "e": activity("township1", village, "into_families", datetime.date(YEAR, 1, 8), 25, materials=50),
    }


def _table(section: dict, index: int) -> dict[str, list]:
    return {row[0]: row[1:] for row in section["tables"][index]["rows"]}


# --- scope --------------------------------------------------------------------------------------------------------


def test_a_township_sees_and_records_only_its_own(known, demo_county, api, web):
    own, other = known["a"], known["c"]
    client = api("township1")
    assert client.get(f"/api/v1/preparedness/publicity/{own.pk}").status_code == 200
    assert_error_shape(client.get(f"/api/v1/preparedness/publicity/{other.pk}"), 404)
    listed = {item["id"] for item in client.get("/api/v1/preparedness/publicity", year=YEAR, limit=500)
              .json()["items"]}
    assert listed == {known["a"].pk, known["b"].pk, known["e"].pk}
    page = web("township1")
    assert page.get(reverse("publicity_detail", args=[other.pk])).status_code == 404
    assert page.get(reverse("publicity_edit", args=[other.pk])).status_code == 404
    assert page.get(reverse("publicity_detail", args=[own.pk])).status_code == 200
    body = page.get(reverse("publicity_list"), {"year": YEAR}).content.decode()
    assert own.title in body and other.title not in body
    # Recording another township's activity: the same 422 as an unknown place.
    body = assert_error_shape(client.post("/api/v1/preparedness/publicity", {
        "title": "越界", "kind": "other", "held_on": f"{YEAR}-03-01", "place": "某地",
        "region_code": demo_county["township2"], "organiser": government(demo_county["township"]).pk,
        "audience": "群众", "participants": 10}), 422)
    assert body["errors"][0]["field"] == "region_code"
    # Nor may it name another township's government as organiser.
    body = assert_error_shape(client.post("/api/v1/preparedness/publicity", {
        "title": "越界", "kind": "other", "held_on": f"{YEAR}-03-01", "place": "某地",
        "region_code": demo_county["township"], "organiser": government(demo_county["township2"]).pk,
        "audience": "群众", "participants": 10}), 422)
    assert body["errors"][0]["field"] == "organiser"
    # A grid member sees its village's activity only; an enterprise account none at all.
    grid = {item["id"] for item in api("grid1").get("/api/v1/preparedness/publicity", year=YEAR).json()["items"]}
    assert grid == {known["e"].pk}
    assert api("enterprise1").get("/api/v1/preparedness/publicity").status_code == 403
    with pytest.raises(NotAllowed):
        publicity.create_activity(user("grid1"), {})


def test_township_records_through_the_page(demo_county, web):
    code = demo_county["township"]
    page = web("township1")
    form = page.get(reverse("publicity_create"))
    assert form.status_code == 200
    response = page.post(reverse("publicity_create"), {
        "title": "安全宣传进学校", "kind": "into_schools", "held_on": f"{YEAR}-09-01", "place": "中心小学",
        "region_code": code, "organiser": government(code).pk, "audience": "师生", "participants": "320",
        "materials_count": "400", "media": f"舞钢电视台 | 开学第一课 | https://news.example.cn/1.html | {YEAR}-09-02"})
    assert response.status_code == 302, response.content.decode()[:2000]
    made = PublicityActivity.objects.get(title="安全宣传进学校")
    assert made.region_code == code and made.created_by == user("township1")
    assert made.media == [{"outlet": "舞钢电视台", "title": "开学第一课", "link": "https://news.example.cn/1.html",
                           "date": f"{YEAR}-09-02"}]
    # Outside its township: a form error, nothing stored.
    response = page.post(reverse("publicity_create"), {
        "title": "越界", "kind": "other", "held_on": f"{YEAR}-09-01", "place": "x",
        "region_code": demo_county["township2"], "organiser": government(code).pk, "audience": "x",
        "participants": "1"})
    assert response.status_code == 200 and not PublicityActivity.objects.filter(title="越界").exists()


# --- figures ------------------------------------------------------------------------------------------------------


def test_figures_by_month_township_and_kind(known, demo_county):
    result = statistics.compute(user("section"), YEAR, only="publicity")
    section = result["sections"][0]
    figures = [f["value"] for f in section["figures"]]
    assert figures == [5, 1385, 3790, 3, 2, 2]  # activities, participants, materials, media, 五进, townships
    months = list(_table(section, 0).values())
    assert months[0] == [1, 25, 50, 0] and months[4] == [1, 120, 200, 0] and months[5] == [2, 340, 540, 1]
    assert months[10] == [1, 900, 3000, 2] and months[12] == [5, 1385, 3790, 3]
    assert sum(m[0] for m in months[:12]) == 5
    townships = section["tables"][1]["rows"]
    assert townships[0][1:] == [1, 900, 3000, 2]  # the county's own first
    by_name = {row[0]: row[1:] for row in townships}
    from yingji.core.models import Region

    first = Region.objects.get(code=demo_county["township"]).name
    second = Region.objects.get(code=demo_county["township2"]).name
    assert by_name[first] == [3, 365, 590, 1] and by_name[second] == [1, 120, 200, 0]
    assert len(townships) == 1 + 14 + 1
    kinds = section["tables"][2]["rows"]
    labels = [row[0] for row in kinds]
    from yingji.preparedness.models import PublicityKind

    by_kind = dict(zip(PublicityKind.values(), [row[1:] for row in kinds], strict=False))
    assert by_kind["safety_month"] == [1, 300, 500, 1] and by_kind["fire_day"] == [1, 900, 3000, 2]
    assert by_kind["into_enterprises"] == [1, 40, 40, 0] and by_kind["into_schools"] == [0, 0, 0, 0]
    assert kinds[-2][1:] == [2, 65, 90, 0] and kinds[-1][1:] == [5, 1385, 3790, 3]
    assert len(labels) == len(PublicityKind.values()) + 2


def test_figures_are_scoped_and_filtered(known, demo_county):
    own = statistics.compute(user("township1"), YEAR)["sections"][0]
    assert [f["value"] for f in own["figures"]][:2] == [3, 365]
    assert len(own["tables"][1]["rows"]) == 2  # its township and the total: no other township, no county row
    village = statistics.compute(user("section"), YEAR, region_code=demo_county["village"])["sections"][0]
    assert village["figures"][0]["value"] == 1
    chemicals = statistics.compute(user("section"), YEAR, industry="C")["sections"][0]
    assert chemicals["figures"][0]["value"] == 1  # division 26 lies in section C
    assert statistics.compute(user("section"), YEAR, industry="26")["sections"][0]["figures"][0]["value"] == 1
    assert statistics.compute(user("section"), YEAR, industry="06")["sections"][0]["figures"][0]["value"] == 0
    # A township naming another township's code: the same error as an unknown code.
    with pytest.raises(ValidationFailed) as caught:
        statistics.compute(user("township1"), YEAR, region_code=demo_county["township2"])
    assert caught.value.errors[0]["field"] == "region_code"
    with pytest.raises(NotAllowed):
        statistics.compute(user("enterprise1"), YEAR)


def test_registering_a_section_is_a_few_lines(known):
    def build(user, year, region_code=None, industry=None):
        return {"figures": [{"label": "x", "value": year}], "tables": []}

    statistics.register("probe", "Probe", build)
    try:
        keys = [s["key"] for s in statistics.compute(user("section"), YEAR)["sections"]]
        assert keys[:1] == ["publicity"] and "probe" in keys
    finally:
        statistics._sections.pop("probe")


# --- the API ------------------------------------------------------------------------------------------------------


def test_statistics_api(known, api):
    body = api("section").get("/api/v1/preparedness/statistics", year=YEAR).json()
    assert body["year"] == YEAR
    section = next(s for s in body["sections"] if s["key"] == "publicity")
    assert set(section) == {"key", "title", "figures", "tables"}
    assert section["figures"][0]["value"] == 5
    assert section["tables"][0]["headers"][0] and len(section["tables"][0]["rows"]) == 13
    assert api("township1").get("/api/v1/preparedness/statistics", year=YEAR).json()[
        "sections"][0]["figures"][0]["value"] == 3


@pytest.mark.parametrize("year", ["abc", "1899", "2101", "-1", "20260", "2026.5"])
def test_a_bad_year_is_a_field_error(year, api, demo_county):
    body = assert_error_shape(api("section").get("/api/v1/preparedness/statistics", year=year), 422)
    assert [e["field"] for e in body["errors"]] == ["year"]


@pytest.mark.parametrize(("params", "field"), [({"industry": "ZZ"}, "industry"),
                                               ({"region_code": "999"}, "region_code"),
                                               ({"section": "nope"}, "section")])
def test_other_bad_filters_are_field_errors(params, field, api, demo_county):
    body = assert_error_shape(api("section").get("/api/v1/preparedness/statistics", **params), 422)
    assert [e["field"] for e in body["errors"]] == [field]


def test_statistics_needs_a_login_and_a_grant(api, demo_county):
    assert_error_shape(api(None).get("/api/v1/preparedness/statistics"), 401)
    assert_error_shape(api("enterprise1").get("/api/v1/preparedness/statistics"), 403)


def test_api_create_patch_media_and_photos(demo_county, api):
    code = demo_county["township"]
    client = api("township1")
    made = client.post("/api/v1/preparedness/publicity", {
        "title": "进社区", "kind": "into_communities", "held_on": f"{YEAR}-04-02", "place": "和平社区",
        "region_code": code, "organiser": government(code).pk, "audience": "居民", "participants": 80,
        "media": [{"outlet": "舞钢电视台", "title": "社区宣传", "link": "https://news.example.cn/a.html",
                   "date": f"{YEAR}-04-03"}]})
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert made.json()["media"][0]["date"] == f"{YEAR}-04-03"
    bad = assert_error_shape(client.patch(f"/api/v1/preparedness/publicity/{pk}", {
        "media": [{"outlet": "x", "title": "y", "link": "javascript:alert(1)"}]}), 422)
    assert bad["errors"][0]["field"] == "media.0.link"
    assert_error_shape(client.patch(f"/api/v1/preparedness/publicity/{pk}", {"participants": -1}), 422)
    assert_error_shape(client.patch(f"/api/v1/preparedness/publicity/{pk}", {"kind": "parade"}), 422)
    assert_error_shape(client.patch(f"/api/v1/preparedness/publicity/{pk}", {"held_on": None}), 422)
    changed = client.patch(f"/api/v1/preparedness/publicity/{pk}", {"participants": 95, "media": []})
    assert changed.status_code == 200 and changed.json()["participants"] == 95 and changed.json()["media"] == []
    # Photos: images only, checked by content.
    photo = client.client.post(f"/api/v1/preparedness/publicity/{pk}/photos", headers=client.headers,
                               data={"file": SimpleUploadedFile("a.png", _png(1), content_type="image/png")})
    assert photo.status_code == 201, photo.content
    text = client.client.post(f"/api/v1/preparedness/publicity/{pk}/photos", headers=client.headers,
                              data={"file": SimpleUploadedFile("a.png", b"not an image", content_type="image/png")})
    assert_error_shape(text, 422)
    pdf = client.client.post(f"/api/v1/preparedness/publicity/{pk}/photos", headers=client.headers,
                             data={"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", content_type="application/pdf")})
    assert_error_shape(pdf, 422)
    assert [p["name"] for p in client.get(f"/api/v1/preparedness/publicity/{pk}").json()["photos"]] == ["a.png"]
    # Another township's staff cannot see it, let alone attach to it.
    other = api("township2")
    assert_error_shape(other.client.post(f"/api/v1/preparedness/publicity/{pk}/photos", headers=other.headers,
                                         data={"file": SimpleUploadedFile("b.png", _png(2))}), 404)


# --- pages and exports --------------------------------------------------------------------------------------------


def test_statistics_page_in_chinese_and_exports(known, web):
    page = web("section")
    response = page.get(reverse("preparedness_statistics"), {"year": YEAR})
    body = response.content.decode()
    assert response.status_code == 200
    for words in ("宣传教育", "按月份", "按乡镇", "按类型", "参与人数", "发放资料", "安全生产月"):
        assert words in body, words
    for english in ("Activities", "Participants", "By month", "Publicity and education"):
        assert english not in body
    bad = page.get(reverse("preparedness_statistics"), {"year": "abc"})
    assert bad.status_code == 422 and "年份" in bad.content.decode()
    exported = page.get(reverse("preparedness_statistics"), {"year": YEAR, "export": "csv"})
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0] == ["宣传教育"] and ["活动次数", "5"] in rows
    workbook = load_workbook(io.BytesIO(page.get(reverse("preparedness_statistics"),
                                                 {"year": YEAR, "export": "xlsx"}).content))
    assert len([name for name in workbook.sheetnames if name.startswith("宣传教育")]) == 4
    assert page.get(reverse("preparedness_statistics"), {"year": YEAR, "export": "pdf"}).status_code == 422


def test_list_page_and_export(known, web):
    page = web("township1")
    body = page.get(reverse("publicity_list"), {"year": YEAR}).content.decode()
    assert "宣传教育活动" in body and "统计" in body
    exported = page.get(reverse("publicity_list"), {"year": YEAR, "export": "csv"})
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + 3 and "参与人数" in rows[0]


def test_photo_through_the_page(known, web):
    own = known["a"]
    url = reverse("publicity_photo_add", args=[own.pk])
    response = web("township1").post(url, {"file": SimpleUploadedFile("现场.png", _png(3), content_type="image/png")})
    assert response.status_code == 302
    assert [p.original_name for p in publicity.photos(own)] == ["现场.png"]
    body = web("township1").get(reverse("publicity_detail", args=[own.pk])).content.decode()
    assert "yj-publicity-photo-form" in body and "现场.png" in body
    assert web("township2").post(url, {"file": SimpleUploadedFile("x.png", _png(4))}).status_code == 404
    # Staff who only read (the duty desk) see the photos but no upload form, and cannot post one.
    assert "yj-publicity-photo-form" not in web("duty").get(reverse("publicity_detail", args=[own.pk])).content.decode()
    assert web("duty").post(url, {"file": SimpleUploadedFile("x.png", _png(5))}).status_code == 403
    assert len(publicity.photos(own)) == 1
