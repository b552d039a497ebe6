"""The high-risk registers: tailings ponds (grade from capacity and height, their life to close-out, the number
against a baseline, online monitoring coverage) and non-coal mines, on declared surfaces and in scope."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.conftest import assert_error_shape
from yingji.enterprises import registers
from yingji.enterprises.models import Enterprise, Mine, TailingsPond
from yingji.standards import tailings

DAY = datetime.date(2026, 6, 1)


@pytest.mark.parametrize("capacity, height, severe, expected", [
    (50, 20, False, 5), (100, 20, False, 4),  # V gives 四等, H 五等: one apart, the higher
    (99.99, 29.9, False, 5), (100, 30, False, 4), (1000, 60, False, 3), (10000, 100, False, 2),
    (10000, 20, False, 3),  # V 二等, H 五等: more than one apart → one below the higher
    (1000, 100, False, 2), (12000, 110, True, 1), (1200, 65, True, 3),  # only a 二等 pond is raised
])
def test_grade_follows_gb50863(capacity, height, severe, expected):
    assert tailings.grade(capacity, height, severe_downstream=severe) == expected


def test_monitoring_is_required_from_grade_3_and_for_head_top_ponds():
    assert tailings.online_monitoring_required(3, head_top=False)
    assert not tailings.online_monitoring_required(4, head_top=False)
    assert tailings.online_monitoring_required(5, head_top=True)
    with pytest.raises(ValueError):
        tailings.grade(-1, 10)


def _pond(enterprise, name, *, registered, status="operating", closed=None, closed_out=None, monitored=True,
          head_top=False, capacity=150, height=40):
    return TailingsPond.objects.create(
        enterprise=enterprise, name=name, design_capacity=Decimal(capacity), design_dam_height=Decimal(height),
        registered_on=registered, status=status, closed_on=closed, closed_out_on=closed_out,
        online_monitoring=monitored, head_top=head_top)


def test_register_figures_against_a_hand_count(db, demo_county):
    TailingsPond.objects.all().delete()
    e = Enterprise.objects.order_by("pk").first()
    _pond(e, "甲", registered=datetime.date(2010, 1, 1))                                        # there all along
    _pond(e, "乙", registered=datetime.date(2012, 1, 1), status="closed_out", closed=datetime.date(2025, 1, 1),
          closed_out=datetime.date(2026, 3, 1))                                                # gone this year
    _pond(e, "丙", registered=datetime.date(2026, 4, 1), monitored=False)                      # new this year
    _pond(e, "丁", registered=datetime.date(2015, 1, 1), monitored=False, head_top=True, capacity=20, height=10)
    _pond(e, "戊", registered=datetime.date(2016, 1, 1), status="closed", closed=datetime.date(2024, 1, 1),
          capacity=2000, height=70)
    figures = registers.tailings_figures(TailingsPond.objects.all(), datetime.date(2026, 1, 1), today=DAY)
    assert figures["existing"] == 4 and figures["existing_at_baseline"] == 4 and figures["change"] == 0
    assert figures["by_status"] == {"operating": 3, "stopped": 0, "closed": 1, "closed_out": 1}
    assert figures["closed_out_since_baseline"] == 1 and figures["head_top"] == 1
    assert (figures["monitored"], figures["monitored_rate"]) == (2, 0.5)
    # Required: 丁 (head-top) and 戊 (grade 3: V 2000, H 70); 甲 and 丙 are grade 4.
    assert (figures["required"], figures["required_monitored"], figures["required_rate"]) == (2, 1, 0.5)


def test_grade_is_computed_and_life_dates_are_checked_through_the_api(api, demo_county):
    e = Enterprise.objects.order_by("pk").first()
    body = {"enterprise_id": e.pk, "name": "测试尾矿库", "design_capacity": "1500", "design_dam_height": "65",
            "registered_on": "2019-05-01"}
    created = api("section").post("/api/v1/tailings-ponds", body)
    assert created.status_code == 201, created.content
    assert created.json()["grade"] == 3 and created.json()["monitoring_required"]
    bad = api("section").patch(f"/api/v1/tailings-ponds/{created.json()['id']}", {"status": "closed"})
    assert assert_error_shape(bad, 422)["errors"][0]["field"] == "closed_on"
    assert TailingsPond.objects.get(pk=created.json()["id"]).status == "operating"
    raised = api("section").patch(f"/api/v1/tailings-ponds/{created.json()['id']}", {"design_dam_height": "101"})
    assert raised.json()["grade"] == 2
    assert api("observer").post("/api/v1/tailings-ponds", {**body, "name": "x"}).status_code == 403


def test_registers_stay_in_scope(api, web, demo_county):
    from yingji.core.models import User

    township = User.objects.get(username="township1").scope_region_code
    listed = api("township1").get("/api/v1/mines", page_size=200).json()["items"]
    assert all(m["region_code"].startswith(township) for m in listed)
    outside = Mine.objects.exclude(enterprise__region_code__startswith=township).first()
    assert outside is not None
    assert api("township1").get(f"/api/v1/mines/{outside.pk}").status_code == 404
    assert web("township1").get(reverse("mine_detail", args=[outside.pk])).status_code == 404
    own = TailingsPond.objects.filter(enterprise__region_code__startswith=township).count()
    figures = api("township1").get("/api/v1/tailings-ponds/figures", baseline="2020-01-01").json()
    assert figures["existing"] == TailingsPond.objects.filter(
        enterprise__region_code__startswith=township, status__in=("operating", "stopped", "closed")).count()
    assert figures["existing"] <= own


def test_the_register_pages_show_their_figures(web, demo_county):
    page = web("section").get(reverse("tailings_list")).content.decode()
    assert 'id="yj-tailings-figures"' in page and 'data-figure="required_rate"' in page
    counts = {status: TailingsPond.objects.filter(status=status).count() for status in ("operating", "closed_out")}
    assert f"运行 {counts['operating']} ·" in page and f"已销库 {counts['closed_out']}</div>" in page
    assert 'id="yj-mine-figures"' in web("section").get(reverse("mine_list")).content.decode()
    assert Mine.objects.exists() and TailingsPond.objects.exists()  # the demo county carries the registers


def test_an_enterprise_account_sees_only_its_own_register_entries(api, own_enterprise, demo_county):
    """enterprise1 lists, reads and counts only its own enterprise's ponds and mines, whatever the demo holds."""
    other = Enterprise.objects.exclude(pk=own_enterprise.pk).order_by("pk").first()
    own_pond = _pond(own_enterprise, "自有尾矿库", registered=datetime.date(2018, 1, 1), status="closed",
                     closed=datetime.date(2025, 6, 1))
    foreign_pond = _pond(other, "他家尾矿库", registered=datetime.date(2018, 1, 1))
    client = api("enterprise1")
    listed = client.get("/api/v1/tailings-ponds", page_size=200).json()["items"]
    assert listed and {p["id"] for p in listed} == set(
        TailingsPond.objects.filter(enterprise=own_enterprise).values_list("pk", flat=True))
    assert client.get(f"/api/v1/tailings-ponds/{foreign_pond.pk}").status_code == 404
    assert client.get(f"/api/v1/tailings-ponds/{own_pond.pk}").status_code == 200
    figures = client.get("/api/v1/tailings-ponds/figures").json()
    assert sum(figures["by_status"].values()) == TailingsPond.objects.filter(enterprise=own_enterprise).count()
    assert figures["by_status"]["closed"] == TailingsPond.objects.filter(enterprise=own_enterprise,
                                                                        status="closed").count() >= 1
    mines = client.get("/api/v1/mines", page_size=200).json()["items"]
    assert {m["id"] for m in mines} == set(Mine.objects.filter(enterprise=own_enterprise).values_list("pk", flat=True))
    foreign_mine = Mine.objects.exclude(enterprise=own_enterprise).first()
    assert foreign_mine is not None and client.get(f"/api/v1/mines/{foreign_mine.pk}").status_code == 404
