"""List pages and their exports share one FilterSet and the user's scope; list endpoints use bounded queries."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from yingji.core.models import Region, User
from yingji.enterprises.models import Enterprise


def xlsx_rows(response):
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(r) for r in wb.active.iter_rows(values_only=True)]


def test_region_export_honours_filters_and_scope(web, demo_county):
    client = web("township1")
    response = client.get("/regions/", {"level": "village", "export": "xlsx"})
    assert response.status_code == 200
    rows = xlsx_rows(response)
    codes = {r[0] for r in rows[1:]}
    assert codes == set(Region.objects.filter(parent__code=demo_county["township"]).values_list("code", flat=True))
    admin_rows = xlsx_rows(web("admin").get("/regions/", {"level": "village", "q": "社区", "export": "xlsx"}))
    expected = Region.objects.filter(level="village", name__contains="社区")
    assert {r[0] for r in admin_rows[1:]} == set(expected.values_list("code", flat=True))


def test_csv_export_is_excel_friendly_and_neutralises_formulas(web, demo_county):
    enterprise = Enterprise.objects.filter(region_code__startswith=demo_county["township"]).first()
    Enterprise.objects.filter(pk=enterprise.pk).update(address="=HYPERLINK(\"http://x\")")
    response = web("township1").get("/enterprises/", {"export": "csv"})
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    assert text.count("\n") - 1 == Enterprise.objects.filter(region_code__startswith=demo_county["township"]).count()


def test_unknown_export_format_is_a_4xx(web):
    response = web("admin").get("/regions/", {"export": "pdfx"})
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("path", ["/api/v1/regions", "/api/v1/organisations", "/api/v1/users", "/api/v1/audit",
                                  "/api/v1/enterprises"])
def test_list_endpoints_use_a_bounded_number_of_queries(api, path, django_assert_max_num_queries):
    client = api("admin")
    client.get(path, limit=5)  # warm caches (content types, token last-used)
    with django_assert_max_num_queries(8):
        small = client.get(path, limit=5)
    with django_assert_max_num_queries(8):
        large = client.get(path, limit=200)
    assert small.status_code == large.status_code == 200
    assert len(large.json()["items"]) >= len(small.json()["items"])


@pytest.mark.parametrize("path", ["/regions/", "/organisations/", "/users/", "/audit/", "/enterprises/"])
def test_list_pages_render_for_the_admin_with_bounded_queries(web, path, django_assert_max_num_queries):
    client = web("admin")
    client.get(path)
    with django_assert_max_num_queries(25):
        response = client.get(path)
    assert response.status_code == 200


def test_pages_are_chinese_by_default_and_english_on_request(web):
    client = web("admin")
    assert "审计日志" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Audit trail" in client.get("/").content.decode()


def test_user_pages_create_edit_disable(web, demo_county):
    client = web("admin")
    response = client.post("/users/new/", {"username": "liuyang", "password": "Safe@Duty2026", "roles": ["inspector"],
                                           "scope_region_code": demo_county["township"]})
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="liuyang")
    assert user.role_keys == {"inspector"} and user.must_change_password
    response = client.post(f"/users/{user.pk}/edit/", {"roles": ["inspector", "observer"], "display_name": "刘洋",
                                                       "scope_region_code": demo_county["township"]})
    assert response.status_code == 302
    user = User.objects.get(pk=user.pk)
    assert user.role_keys == {"inspector", "observer"} and user.display_name == "刘洋"
    assert client.post(f"/users/{user.pk}/active/", {"active": "0"}).status_code == 302
    assert not User.objects.get(pk=user.pk).is_active
    bad = client.post("/users/new/", {"username": "weakling", "password": "123", "roles": ["inspector"],
                                      "scope_region_code": demo_county["township"]})
    assert bad.status_code == 200 and not User.objects.filter(username="weakling").exists()
