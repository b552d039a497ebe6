"""Issue 12 §3: the big screen (/screen/) and its data: the figures equal the lists they summarise, scoped;
read-only kiosk tokens; everyone else refused."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from yingji.core.models import ApiToken, User
from yingji.core.services import issue_token
from yingji.incidents.models import Incident
from yingji.monitoring.choices import AlarmState
from yingji.monitoring.models import Alarm
from yingji.prevention import stats as hazard_stats
from yingji.prevention.models import Hazard, RiskPoint
from yingji.resources.models import Team
from yingji.statistics import screen
from yingji.warnings.models import Warning  # noqa: A004
from yingji.warnings.services import in_force_q

pytestmark = pytest.mark.django_db


def _expected(user):
    now = timezone.now()
    return {
        "incidents": Incident.objects.for_user(user).filter(state__in=("reported", "responding")).count(),
        "alarms": Alarm.objects.for_user(user).filter(state__in=AlarmState.ACTIVE).count(),
        "warnings": Warning.objects.for_user(user).filter(in_force_q(now)).count(),
        "overdue": Hazard.objects.for_user(user).filter(hazard_stats.overdue_q(now)).count(),
        "teams": Team.objects.for_user(user).count(),
        "risk": RiskPoint.objects.for_user(user).count(),
    }


@pytest.mark.parametrize("username", ["admin", "commander", "township1"])
def test_figures_equal_the_scoped_lists(web, demo_county, username):
    user = User.objects.get(username=username)
    data = web(username).get("/screen/data/").json()
    expected = _expected(user)
    assert data["incidents"]["count"] == expected["incidents"]
    assert data["alarms"]["count"] == expected["alarms"] == sum(data["alarms"]["by_level"].values())
    assert data["warnings"]["count"] == expected["warnings"] == sum(data["warnings"]["by_level"].values())
    assert data["hazards"]["overdue"] == expected["overdue"]
    assert data["resources"]["teams"] == expected["teams"]
    assert data["risk"]["total"] == expected["risk"]
    assert len(data["incidents"]["rows"]) == min(expected["incidents"], screen.ROWS)
    assert set(data["map"]["layers"]) == set(screen.MAP_LAYERS)


def test_township_sees_only_its_own(web, demo_county):
    county = web("admin").get("/screen/data/").json()
    township = web("township1").get("/screen/data/").json()
    assert township["resources"]["teams"] < county["resources"]["teams"]
    own = demo_county["township"]
    codes = {f["properties"]["code"] for f in township["map"]["boundaries"]["features"]}
    assert codes == {own}
    for item in township["map"]["layers"]["stations"]:
        from yingji.monitoring.models import Station

        assert Station.objects.get(pk=item["id"]).region_code.startswith(own)


def test_page_renders_in_chinese_with_its_map_and_charts(web, demo_county):
    response = web("commander").get("/screen/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "应急指挥大屏" in html and 'id="yj-screen-map-data"' in html
    for chart in ("yj-chart-risk", "yj-chart-alarms", "yj-chart-hazards"):
        assert f'data-yj-chart="{chart}"' in html and f'id="{chart}"' in html
    assert "<nav" not in html  # no navigation on the command hall's screen
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]


def test_charts_hold_the_snapshot(demo_county):
    data = screen.snapshot(User.objects.get(username="admin"))
    risk = data["charts"]["risk"]["series"][0]["data"]
    assert risk == [data["risk"][c] for c in screen.COLOURS]
    alarms = data["charts"]["alarms_per_day"]
    assert len(alarms["categories"]) == 14 == len(alarms["series"][0]["data"])
    months = data["charts"]["hazards"]
    assert [len(s["data"]) for s in months["series"]] == [len(months["categories"])] * 2


def test_kiosk_token_reads_the_screen_and_nothing_writes(demo_county):
    observer = User.objects.get(username="observer")
    _token, raw = issue_token(observer, name=ApiToken.KIOSK_PREFIX + "hall")
    client = Client()
    page = client.get(f"/screen/?token={raw}")
    assert page.status_code == 200 and page["Referrer-Policy"] == "no-referrer"
    assert f"/screen/data/?token={raw}" in page.content.decode()
    assert client.get(f"/screen/data/?token={raw}").status_code == 200
    # The same token reads the API but may not write through it.
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    write = client.post("/api/v1/incidents", data={}, content_type="application/json", headers=headers)
    assert write.status_code == 401
    # Nothing else of the site opens with it.
    assert client.get(f"/incidents/?token={raw}").status_code == 302


def test_ordinary_tokens_revoked_tokens_and_strangers_are_refused(demo_county):
    observer = User.objects.get(username="observer")
    _token, ordinary = issue_token(observer, name="cli")
    client = Client()
    assert client.get(f"/screen/?token={ordinary}").status_code == 403
    assert client.get(f"/screen/data/?token={ordinary}").status_code == 401
    kiosk, raw = issue_token(observer, name=ApiToken.KIOSK_PREFIX + "hall")
    ApiToken.objects.filter(pk=kiosk.pk).update(revoked_at=timezone.now())
    assert client.get(f"/screen/data/?token={raw}").status_code == 401
    assert client.get("/screen/").status_code == 302  # to the login page
    assert client.get("/screen/data/").status_code == 401
    assert client.get("/screen/?token=" + "x" * 500).status_code == 403


def test_enterprise_accounts_are_refused(web, demo_county):
    assert web("enterprise1").get("/screen/").status_code == 403
    assert web("enterprise1").get("/screen/data/").status_code == 403


def test_one_refresh_costs_a_bounded_number_of_queries(web, demo_county, django_assert_max_num_queries):
    client = web("admin")
    client.get("/screen/data/")
    with django_assert_max_num_queries(60):
        client.get("/screen/data/")
