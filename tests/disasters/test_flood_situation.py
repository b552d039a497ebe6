"""防汛抗旱形势图 (issue 16 §1): the page and API show the season in the user's scope, each figure equal to the list
it links to; rain against the normal from the readings; levels against the stations' marks."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from yingji.core.models import User
from yingji.disasters.models import DangerZone, Household, Transfer
from yingji.disasters.services import situation
from yingji.monitoring import services as monitoring_services
from yingji.monitoring.models import Station
from yingji.resources.models import Shelter, Team

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["admin", "township1"])
def test_figures_equal_the_lists(api, demo_county, username):
    user = User.objects.get(username=username)
    body = api(username).get("/api/v1/flood-situation").json()
    zones = DangerZone.objects.for_user(user).filter(is_active=True)
    assert body["zones"]["count"] == zones.count()
    assert body["zones"]["households"] == Household.objects.for_user(user).filter(zone__in=zones).count()
    assert body["transfers"]["open"] == Transfer.objects.for_user(user).filter(state="open").count()
    assert body["shelters"]["count"] == Shelter.objects.for_user(user).count()
    assert body["teams"]["count"] == Team.objects.for_user(user).count()
    stations = Station.objects.for_user(user).filter(type="water_level").exclude(status="retired")
    assert {r["id"] for r in body["water_levels"]} == set(stations.values_list("pk", flat=True))


def test_township_sees_only_its_own(api, demo_county):
    body = api("township1").get("/api/v1/flood-situation").json()
    own = demo_county["township"]
    assert all(r["region_code"].startswith(own) for r in body["water_levels"])
    assert all(r["township_code"] == own for r in body["rain"]["rows"])


def test_enterprise_accounts_are_refused(api, web, demo_county):
    assert api("enterprise1").get("/api/v1/flood-situation").status_code == 403
    assert web("enterprise1").get("/disasters/situation/").status_code == 403


def test_a_level_over_its_warning_mark_comes_first(demo_county):
    station = Station.objects.filter(type="water_level", region_code__startswith=demo_county["township"]).first()
    assert (station.warning_level, station.guarantee_level) == (4.5, 5.6) or station.warning_level == 4.5
    now = timezone.now().replace(microsecond=0, second=23)
    monitoring_services.ingest(None, [{"station": station.code, "sensor": "water_level", "ts": now.isoformat(),
                                       "value": 4.8}])
    rows = situation.water_levels(User.objects.get(username="admin"))
    assert rows[0]["id"] == station.pk and rows[0]["state"] == "over_warning"
    assert rows[0]["margin_m"] == pytest.approx(0.3)


def test_rain_since_the_season_began_against_the_normal(demo_county):
    admin = User.objects.get(username="admin")
    today = datetime.date(timezone.localtime().year, 7, 1)
    code = demo_county["township"]
    station = Station.objects.get(code=f"RG{code}")
    before = situation.rain(admin, today)["rows"]
    base = next((r["rain_mm"] for r in before if r["township_code"] == code), None) or 0.0
    # Rain inside this year's season (1 June …) counts: older than raw retention, it is in the hourly aggregates.
    from yingji.monitoring.models import HourlyAggregate

    hour = timezone.make_aware(datetime.datetime(today.year, 6, 10, 8))
    if hour > timezone.now() - datetime.timedelta(days=100):
        pytest.skip("this year's June is still within raw retention")
    row, _created = HourlyAggregate.objects.get_or_create(sensor=station.sensors.get(key="rain"), hour=hour,
                                                          defaults={"count": 12, "min": 0, "max": 0, "sum": 0})
    HourlyAggregate.objects.filter(pk=row.pk).update(sum=row.sum + 40.0)
    rows = {r["township_code"]: r for r in situation.rain(admin, today)["rows"]}
    stations_here = Station.objects.filter(type="rain", region_code__startswith=code).count()
    assert rows[code]["rain_mm"] == pytest.approx(base + 40.0 / stations_here, abs=0.05)
    assert rows[code]["normal_mm"] == pytest.approx(108 + 186 / 31, abs=0.05)


def test_page_in_chinese_with_its_chart(web, demo_county):
    html = web("admin").get("/disasters/situation/").content.decode()
    assert "防汛抗旱形势" in html and 'id="yj-level-table"' in html
    assert 'data-tile="zones"' in html and "/disasters/zones/" in html
