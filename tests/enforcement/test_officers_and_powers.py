"""The powers list (loaded from the shipped, validated data file) and the officers: certificates, the ten days of
training a year, and who may keep them."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from tests.conftest import assert_error_shape
from yingji.core.models import User
from yingji.enforcement import services
from yingji.enforcement.models import EnforcementItem, Officer
from yingji.standards import enforcement_powers


def test_the_powers_list_is_the_shipped_file(api, demo_county):
    shipped = enforcement_powers.load_powers().items
    assert EnforcementItem.objects.count() == len(shipped)
    assert services.load_powers() == 0  # loading again adds nothing
    item = EnforcementItem.objects.get(code=shipped[0].code)
    assert item.name == shipped[0].name and item.verified is shipped[0].verified
    assert shipped[0].basis[0].article in item.basis
    # The commencement date comes from the source line, never from the day the list was loaded.
    assert "2021-09-01施行" in item.source and item.effective_from == datetime.date(2021, 9, 1)
    listed = api("inspector").get("/api/v1/enforcement-items", kind="coercion", page_size=100).json()
    assert listed["count"] == sum(1 for i in shipped if i.kind == "coercion") and listed["count"] > 0
    got = api("inspector").get(f"/api/v1/enforcement-items/{item.pk}").json()
    assert got["tiers"] == item.tiers and got["code"] == item.code


def test_a_powers_item_page_reads_in_chinese(web, demo_county):
    item = EnforcementItem.objects.filter(kind="penalty").exclude(tiers=[]).order_by("code").first()
    page = web("inspector").get(reverse("power_detail", args=[item.pk])).content.decode()
    assert item.name in page and "责令限期改正" in page and "yj-item-discretion" in page
    assert "order_correction" not in page and "principal" not in page
    listing = web("section").get(reverse("power_list"), {"kind": "inspection"}).content.decode()
    assert "行政检查" in listing


def test_officers_show_certificate_and_training_compliance(api, web, demo_county):
    today = timezone.localdate()
    listed = {o["name"]: o for o in api("section").get("/api/v1/enforcement-officers", page_size=100).json()["items"]}
    statuses = {o["certificate_status"] for o in listed.values()}
    assert {"valid", "expiring", "expired"} <= statuses
    officer = Officer.objects.filter(certificate_expires__gte=today).order_by("id").first()
    owed = api("section").get(f"/api/v1/enforcement-officers/{officer.pk}").json()["training_days_owed"]
    added = api("section").post(f"/api/v1/enforcement-officers/{officer.pk}/training",
                                {"date": today.isoformat(), "days": "2.5", "topic": "执法文书规范培训"})
    assert added.status_code == 201, added.content
    after = api("section").get(f"/api/v1/enforcement-officers/{officer.pk}").json()["training_days_owed"]
    assert Decimal(str(after)) == max(Decimal(0), Decimal(str(owed)) - Decimal("2.5"))
    assert api("inspector").post(f"/api/v1/enforcement-officers/{officer.pk}/training",
                                 {"date": today.isoformat(), "days": 1, "topic": "x"}).status_code == 403
    bad = api("section").post(f"/api/v1/enforcement-officers/{officer.pk}/training",
                              {"date": today.isoformat(), "days": 0, "topic": "x"})
    assert_error_shape(bad, 422)
    page = web("section").get(reverse("officer_list")).content.decode()
    assert "已过期" in page and officer.name in page


def test_an_officer_is_an_account_of_the_jurisdiction(api, demo_county):
    account = User.objects.get(username="duty")
    made = api("section").post("/api/v1/enforcement-officers", {
        "user_id": account.pk, "certificate_no": "豫应急执00000001",
        "certificate_expires": (timezone.localdate() + datetime.timedelta(days=400)).isoformat()})
    assert made.status_code == 201, made.content
    out = made.json()
    assert out["name"] == (account.display_name or account.username) and out["region_code"] == account.scope_region_code
    assert out["certificate_status"] == "valid"
    enterprise_account = User.objects.get(username="enterprise1")
    refused = api("section").post("/api/v1/enforcement-officers", {
        "user_id": enterprise_account.pk, "certificate_no": "豫应急执00000002",
        "certificate_expires": "2030-01-01"})
    assert refused.status_code == 422 and {e["field"] for e in refused.json()["errors"]} == {"user"}
    duplicate = api("section").post("/api/v1/enforcement-officers", {
        "user_id": User.objects.get(username="approver").pk, "certificate_no": "豫应急执00000001",
        "certificate_expires": "2030-01-01"})
    assert duplicate.status_code in (409, 422)
    assert api("inspector").post("/api/v1/enforcement-officers", {
        "user_id": account.pk, "certificate_no": "x", "certificate_expires": "2030-01-01"}).status_code == 403


def test_an_officer_registered_from_the_page_takes_the_accounts_name(web, demo_county):
    account = User.objects.get(username="commander")
    response = web("section").post(reverse("officer_create"), {
        "user": account.pk, "name": "", "region_code": demo_county["county"], "certificate_no": "豫应急执00000009",
        "certificate_expires": "2030-06-30", "is_active": "on"})
    assert response.status_code == 302, response.content.decode()[:1500]
    assert Officer.objects.get(user=account).name == (account.display_name or account.username)
