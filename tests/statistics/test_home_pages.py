"""Role home pages (issue 12 §2): every number on every role's home page equals the count of the filtered list it
links to (the list page's own paginator, as that user), each role sees its own kind of page, and nothing of
another scope reaches it."""

import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from yingji.core import home
from yingji.core.demo import DEMO_ACCOUNTS
from yingji.core.models import User

USERNAMES = [username for username, *_rest in DEMO_ACCOUNTS]
LINK = re.compile(r'href="([^"]+)" data-yj-tile-link data-yj-value="(\d+)"')


def _links(html: str) -> list[tuple[str, int]]:
    return [(url.replace("&amp;", "&"), int(value)) for url, value in LINK.findall(html)]


def _list_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    page = response.context["page"]
    return page.paginator.count


@pytest.mark.parametrize("username", USERNAMES)
def test_every_tile_number_is_the_count_of_the_list_it_links_to(web, username):
    client = web(username)
    response = client.get("/")
    assert response.status_code == 200
    links = _links(response.content.decode())
    tiles = home.tiles(User.objects.get(username=username), timezone.now())
    # every tile and every part of it is on the page, as a link carrying its number
    assert len(links) == sum(1 + len(t.parts) for t in tiles) > 0
    for url, value in links:
        assert urlsplit(url).path != "/", url
        assert _list_count(client, url) == value, (username, url)


def test_roles_get_their_own_page(demo_county):
    def keys(username):
        user = User.objects.get(username=username)
        return {t.title for t in home.tiles(user, timezone.now())}, home.audiences(user)

    duty_tiles, duty_aud = keys("duty")
    section_tiles, section_aud = keys("section")
    township_tiles, township_aud = keys("township1")
    enterprise_tiles, enterprise_aud = keys("enterprise1")
    assert duty_aud == {"desk"} and section_aud == {"section"} and township_aud == {"local"}
    assert enterprise_aud == {"enterprise"}
    assert {_("Open incidents"), _("Active alarms"), _("Warnings in force"), _("Stations offline")} <= duty_tiles
    assert {_("Hazards awaiting verification"), _("Licences expiring"), _("Planned inspections"),
            _("Enterprises by risk colour")} <= section_tiles
    assert _("Licences expiring") not in duty_tiles
    assert {_("Risk points by colour"), _("Open hazards"), _("Licences expiring")} <= enterprise_tiles
    assert _("Open incidents") not in enterprise_tiles and _("Warnings in force") not in enterprise_tiles
    assert _("Townships / streets") not in township_tiles and _("Villages / communities") in township_tiles


def test_township_numbers_are_inside_the_township(demo_county):
    """A township's tiles count its own area only: each is at most the county's, and some is strictly less."""
    now = timezone.now()
    county = {(t.title, p.label): p.value for t in home.tiles(User.objects.get(username="section"), now)
              for p in t.parts}
    local = {(t.title, p.label): p.value for t in home.tiles(User.objects.get(username="township1"), now)
             for p in t.parts}
    shared = set(county) & set(local)
    assert shared
    assert all(local[k] <= county[k] for k in shared)
    assert sum(local[k] for k in shared) < sum(county[k] for k in shared)


def test_enterprise_sees_only_its_own(demo_county):
    from yingji.prevention.models import Hazard, RiskPoint

    user = User.objects.get(username="enterprise1")
    tiles = {t.title: t for t in home.tiles(user, timezone.now())}
    assert tiles[_("Risk points by colour")].value == RiskPoint.objects.filter(enterprise=user.enterprise_id).count()
    assert tiles[_("Open hazards")].value == Hazard.objects.filter(
        enterprise=user.enterprise_id, state__in=("reported", "confirmed", "rectifying", "rectified", "verified")
    ).count()


@pytest.mark.parametrize("username", ["duty", "section", "township1", "enterprise1"])
def test_home_page_costs_a_bounded_number_of_queries(web, username, django_assert_max_num_queries):
    client = web(username)
    with django_assert_max_num_queries(60):
        assert client.get("/").status_code == 200


def test_shortfall_chart_shows_the_short_standards_worst_on_top():
    from yingji.resources.views import shortfall_chart

    rows = [{"item": "棉被", "unit": "床", "warehouse": "甲库", "region_code": "", "required": 200, "held": 50,
             "gap": 150},
            {"item": "帐篷", "unit": "顶", "warehouse": "乙库", "region_code": "", "required": 40, "held": 30,
             "gap": 10},
            {"item": "救生衣", "unit": "件", "warehouse": "丙库", "region_code": "", "required": 100, "held": 120,
             "gap": 0}]
    spec = shortfall_chart(rows)
    assert spec["type"] == "hbar"
    assert spec["categories"] == ["帐篷（乙库）", "棉被（甲库）"]  # the worst (25 % held) drawn on top
    held, gap = spec["series"]
    assert held["data"] == [75.0, 25.0] and gap["data"] == [25.0, 75.0]
    assert held["stack"] == gap["stack"]
    assert shortfall_chart([rows[2]]) is None


def test_annual_page_charts_incidents_and_hazards(web):
    response = web("admin").get("/statistics/annual/")
    assert response.status_code == 200
    charts = {s["key"]: s["chart"] for s in response.context["sections"] if s["chart"]}
    assert set(charts) == {"incidents", "hazards"}
    report = response.context["report"]
    incidents = next(s for s in report["sections"] if s["key"] == "incidents")
    counts = [c["entered"] if c["entered"] is not None else (c["computed"] or 0) for c in incidents["rows"][0]["cells"]]
    assert charts["incidents"]["spec"]["series"][0]["data"] == counts
    assert charts["incidents"]["spec"]["categories"] == [str(y) for y in report["years"]]
    assert 'data-yj-chart="yj-annual-chart-incidents"' in response.content.decode()
