"""The demo county's resources match the seed's figures (issue §9)."""

from __future__ import annotations

from django.db.models import Sum

from yingji.core.models import Region
from yingji.resources import services
from yingji.resources.models import Shelter, StockBatch, Team, TeamMember, Warehouse


def test_demo_figures(demo_county, django_user_model):
    # The seed's 21 rescue teams and 571 members; the 森林义务消防队 of the forest demo (issue 16 §2) come on top.
    rescue = Team.objects.exclude(kind="forest_volunteer")
    assert rescue.count() == 21
    assert TeamMember.objects.count() == 571
    assert rescue.aggregate(n=Sum("headcount"))["n"] == 571
    admin = django_user_model.objects.get(username="admin")
    summary = {row["item"]: row["count"] for row in services.equipment_summary(admin)}
    assert summary["radio"] == 260
    assert summary["satellite_phone"] == 29
    assert Shelter.objects.count() >= 300
    townships = Region.objects.filter(level="township")
    assert Warehouse.objects.filter(level="county").count() == 1
    assert set(Warehouse.objects.filter(level="township").values_list("region_code", flat=True)) == \
        set(townships.values_list("code", flat=True))
    assert services.expiring_batches(30).exists()
    assert services.shortfalls(admin)
    assert StockBatch.objects.filter(quantity__gt=0).count() > 100
    assert all(row["covered"] for row in services.shelter_coverage(admin))
