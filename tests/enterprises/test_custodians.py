"""Major hazard filings and their custodians: a filing belongs to a major hazard source of its enterprise, the
custodians' checks are recorded by the enterprise and show as done/due/missed, phones are masked for observers,
and everything stays in scope."""

from __future__ import annotations

import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.conftest import assert_error_shape
from yingji.core import policy
from yingji.core.models import User
from yingji.enterprises.models import CustodianCheck, MajorHazardFiling, Unit


def _unit_of(user):
    unit = Unit.objects.filter(enterprise_id=user.enterprise_id).order_by("pk").first()
    Unit.objects.filter(pk=unit.pk).update(is_major=True, level=3)
    MajorHazardFiling.objects.filter(unit=unit).delete()
    return Unit.objects.get(pk=unit.pk)


def test_file_check_and_see_the_duties(api, demo_county):
    enterprise = User.objects.get(username="enterprise1")
    unit = _unit_of(enterprise)
    with time_machine.travel(timezone.make_aware(datetime.datetime(2026, 12, 3, 9)), tick=False):
        body = {"unit_id": unit.pk, "filing_no": "舞应急危备〔2026〕99号", "filed_on": "2026-01-10",
                "principal": "赵总", "principal_phone": "13912345678", "technical": "钱工", "operational": "孙班长"}
        created = api("enterprise1").post("/api/v1/major-hazard-filings", body)
        assert created.status_code == 201, created.content
        filing = created.json()
        assert filing["enterprise_id"] == enterprise.enterprise_id
        assert (filing["principal_duty"], filing["technical_duty"], filing["operational_duty"]) == \
            ("missed", "missed", "missed")
        for role, day in (("principal", "2026-10-20"), ("technical", "2026-12-01"), ("operational", "2026-11-26")):
            recorded = api("enterprise1").post("/api/v1/custodian-checks", {
                "filing_id": filing["id"], "role": role, "date": day, "person": "赵总", "findings": "正常"})
            assert recorded.status_code == 201, recorded.content
        again = api("section").get(f"/api/v1/major-hazard-filings/{filing['id']}").json()
        assert (again["principal_duty"], again["technical_duty"], again["operational_duty"]) == \
            ("done", "done", "due")
        future = api("enterprise1").post("/api/v1/custodian-checks", {
            "filing_id": filing["id"], "role": "operational", "date": "2026-12-10", "person": "孙班长"})
        assert assert_error_shape(future, 422)["errors"][0]["field"] == "date"
    twice = api("enterprise1").post("/api/v1/major-hazard-filings", {**body, "filing_no": "x"})
    assert assert_error_shape(twice, 409)["errors"][0]["field"] == "unit"  # one filing per source
    assert MajorHazardFiling.objects.filter(unit=unit).count() == 1


def test_only_a_major_hazard_source_is_filed(api, demo_county):
    enterprise = User.objects.get(username="enterprise1")
    unit = _unit_of(enterprise)
    Unit.objects.filter(pk=unit.pk).update(is_major=False, level=None)
    refused = api("section").post("/api/v1/major-hazard-filings", {
        "unit_id": unit.pk, "filing_no": "1", "filed_on": "2026-01-10", "principal": "a", "technical": "b",
        "operational": "c"})
    assert assert_error_shape(refused, 422)["errors"][0]["field"] == "unit"


def test_phones_masked_for_observers_and_scope_kept(api, web, demo_county):
    filing = MajorHazardFiling.objects.order_by("pk").first()
    assert filing is not None  # the demo files its major hazard sources
    observed = api("observer").get(f"/api/v1/major-hazard-filings/{filing.pk}").json()
    assert observed["principal_phone"] == policy.mask_phone(filing.principal_phone)
    assert api("section").get(f"/api/v1/major-hazard-filings/{filing.pk}").json()["principal_phone"] == \
        filing.principal_phone
    township = User.objects.get(username="township1")
    outside = MajorHazardFiling.objects.exclude(enterprise__region_code__startswith=township.scope_region_code)
    for f in outside[:3]:
        assert api("township1").get(f"/api/v1/major-hazard-filings/{f.pk}").status_code == 404
        assert web("township1").get(reverse("filing_detail", args=[f.pk])).status_code == 404
    listed = api("township1").get("/api/v1/custodian-checks", page_size=200).json()["items"]
    assert {c["filing_id"] for c in listed} <= set(MajorHazardFiling.objects.filter(
        enterprise__region_code__startswith=township.scope_region_code).values_list("pk", flat=True))


def test_pages_show_duties_and_prefill_the_check(web, demo_county):
    page = web("section").get(reverse("filing_list")).content.decode()
    assert 'id="yj-custodian-duties"' in page and 'data-figure="unfiled"' in page
    filing = MajorHazardFiling.objects.order_by("pk").first()
    assert CustodianCheck.objects.filter(filing=filing).exists()  # the demo records the custodians' checks
    form = web("section").get(reverse("custodian_check_create"), {"filing": filing.pk}).content.decode()
    assert f'<option value="{filing.pk}" selected' in form
