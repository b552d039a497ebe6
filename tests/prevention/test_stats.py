"""The four-colour distribution and the hazard statistics, checked against counts made here independently."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

import pytest
from django.utils import timezone

from tests.conftest import assert_error_shape
from yingji.core.models import Region, User
from yingji.prevention.models import Hazard, RiskPoint

OPEN_DEADLINE = {"confirmed", "rectifying"}


def _in_scope(user, obj) -> bool:
    if user.enterprise_id:
        return obj.enterprise_id is not None and obj.enterprise_id == user.enterprise_id
    return obj.region_code.startswith(user.scope_region_code)


def _key(obj, group_by):
    if group_by == "township":
        return obj.region_code[:9]
    if group_by == "industry":  # a place's hazard has no enterprise: it stands in its own group
        return "place" if getattr(obj, "place_id", None) else obj.enterprise.industry_division or ""
    if group_by == "subject":
        return obj.place.kind if obj.place_id else "enterprise"
    if group_by == "enterprise":
        return str(obj.enterprise_id)
    if group_by == "source":
        return obj.source
    local = timezone.localtime(obj.found_at)
    if group_by == "month":
        return f"{local.year}-{local.month:02d}"
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


@pytest.mark.parametrize("username", ["admin", "township1", "enterprise1"])
@pytest.mark.parametrize("group_by", ["township", "industry", "enterprise"])
def test_risk_distribution_matches_an_independent_count(api, username, group_by):
    client = api(username)
    user = User.objects.get(username=username)
    expected: dict[str, Counter] = defaultdict(Counter)
    for point in RiskPoint.objects.select_related("enterprise"):
        if _in_scope(user, point):
            expected[_key(point, group_by)][point.colour] += 1
    response = client.get("/api/v1/risks/distribution", group_by=group_by)
    assert response.status_code == 200, response.content
    body = response.json()
    got = {row["key"]: Counter({c: row[c] for c in ("red", "orange", "yellow", "blue") if row[c]})
           for row in body["rows"]}
    assert got == expected
    assert all(row["total"] == sum(got[row["key"]].values()) for row in body["rows"])
    assert body["total"]["total"] == sum(sum(c.values()) for c in expected.values())
    if group_by == "township":
        names = dict(Region.objects.values_list("code", "name"))
        assert all(row["label"] == names[row["key"]] for row in body["rows"])


def test_distribution_rejects_unknown_groupings(api):
    assert_error_shape(api("admin").get("/api/v1/risks/distribution", group_by="colour"), 422)


@pytest.mark.parametrize("username", ["section", "township1"])
@pytest.mark.parametrize("group_by", ["township", "industry", "source", "subject", "month", "quarter"])
def test_hazard_statistics_match_an_independent_count(api, username, group_by):
    client = api(username)
    user = User.objects.get(username=username)
    today = timezone.localdate()
    since, until = today - datetime.timedelta(days=400), today - datetime.timedelta(days=10)
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time()))
    end = timezone.make_aware(datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time()))
    now = timezone.now()
    expected: dict[str, Counter] = defaultdict(Counter)
    for h in Hazard.objects.select_related("enterprise", "place"):
        if not _in_scope(user, h) or not start <= h.found_at < end:
            continue
        row = expected[_key(h, group_by)]
        row["found"] += 1
        row["closed"] += h.state == "closed"
        row["overdue"] += h.state in OPEN_DEADLINE and h.due_at is not None and h.due_at < now
        row["major"] += h.level == "major"
        row["rectified"] += h.state in ("rectified", "verified", "closed")
        row["major_closed"] += h.level == "major" and h.state == "closed"
        row["funds"] += int(h.funds or 0)
    response = client.get("/api/v1/hazards/statistics", group_by=group_by, since=since.isoformat(),
                          until=until.isoformat())
    assert response.status_code == 200, response.content
    body = response.json()
    figures = ("found", "closed", "overdue", "major", "rectified", "major_closed", "funds")
    got = {r["key"]: Counter({k: int(r[k]) for k in figures if r[k]}) for r in body["rows"]}
    assert got == {k: +v for k, v in expected.items()}
    for r in body["rows"]:
        assert r["closure_rate"] == round(r["closed"] / r["found"], 4)
    found = sum(c["found"] for c in expected.values())
    assert body["total"]["found"] == found and found > 0
    assert body["total"]["major_closed"] == sum(c["major_closed"] for c in expected.values())
    assert int(body["total"]["funds"]) == sum(c["funds"] for c in expected.values())
    assert body["total"]["closure_rate"] == round(sum(c["closed"] for c in expected.values()) / found, 4)


def test_statistics_validate_their_parameters(api):
    client = api("admin")
    assert_error_shape(client.get("/api/v1/hazards/statistics", group_by="colour"), 422)
    assert_error_shape(client.get("/api/v1/hazards/statistics", since="1899-12-31"), 422)
    assert_error_shape(client.get("/api/v1/hazards/statistics", until="0001-01-01"), 422)
    assert_error_shape(client.get("/api/v1/hazards/statistics", until="yesterday"), 422)
    empty = client.get("/api/v1/hazards/statistics", since="2099-01-01").json()
    assert empty["rows"] == [] and empty["total"]["closure_rate"] is None


def test_statistics_and_distribution_pages(web):
    client = web("township1")
    page = client.get("/hazards/statistics/", {"group_by": "source"})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="yj-statistics-table"' in html
    assert 'data-field="major_closed"' in html and 'id="yj-statistics-definitions"' in html
    assert client.get("/hazards/statistics/", {"group_by": "bogus", "since": "nope"}).status_code == 200
    dist = client.get("/risks/distribution/")
    assert dist.status_code == 200
    html = dist.content.decode()
    assert 'id="yj-distribution-township"' in html and 'id="yj-distribution-enterprise"' in html
