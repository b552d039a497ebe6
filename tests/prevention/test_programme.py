"""Programme figures of dual prevention (issue 20 §4): pilot and demonstration enterprises, coverage by township and
sector, and each enterprise's operating quality, every figure as its definition states."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import assert_error_shape
from yingji.enterprises.choices import EnterpriseStatus
from yingji.enterprises.models import Enterprise
from yingji.prevention import services, stats
from yingji.prevention.choices import HazardSource, HazardState
from yingji.prevention.models import Hazard, ProgrammeStep, RiskPoint


def _quality(enterprise, since=None, until=None):
    until = until or timezone.now() + datetime.timedelta(minutes=1)
    since = since or until - datetime.timedelta(days=365)
    (row,) = stats.programme_quality(Enterprise.objects.filter(pk=enterprise.pk), since, until)
    return row


def test_an_enterprises_figures_follow_their_definitions(users, make_hazard):
    enterprise = users["enterprise1"].enterprise
    today = timezone.localdate()
    since = timezone.now() - datetime.timedelta(days=365)
    row = _quality(enterprise)
    points = RiskPoint.objects.filter(enterprise=enterprise)
    assert row.risk_points == points.count()
    assert row.reviews_overdue == points.filter(review_date__lt=today).count()
    hazards = Hazard.objects.filter(enterprise=enterprise, found_at__gte=since)
    assert row.found == hazards.count()
    assert row.self_checks == hazards.filter(source=HazardSource.SELF_CHECK).count()
    closed = Hazard.objects.filter(enterprise=enterprise, state=HazardState.CLOSED, closed_at__gte=since,
                                   due_at__isnull=False)
    assert row.closed == closed.count()
    assert row.closed_on_time == sum(1 for h in closed if h.closed_at <= h.due_at)
    # A new self-check finding counts as found and as the enterprise's own; closing it in time counts on time.
    make_hazard(HazardState.CLOSED)
    after = _quality(enterprise)
    assert (after.found, after.self_checks) == (row.found + 1, row.self_checks + 1)
    assert (after.closed, after.closed_on_time) == (row.closed + 1, row.closed_on_time + 1)


def test_an_overdue_hazard_stops_the_loop_counting_as_working(users, make_hazard):
    enterprise = users["enterprise1"].enterprise
    Hazard.objects.filter(enterprise=enterprise, state__in=HazardState.DEADLINE_RUNNING).update(
        due_at=timezone.now() + datetime.timedelta(days=30))
    make_hazard(HazardState.CLOSED)  # a finding of its own in the period
    assert _quality(enterprise).working is (RiskPoint.objects.filter(enterprise=enterprise).exists())
    hazard = make_hazard(HazardState.RECTIFYING)
    with time_machine.travel(hazard.due_at + datetime.timedelta(days=1), tick=False):
        late = _quality(enterprise)
    assert late.overdue >= 1 and late.working is False


def test_coverage_sums_the_enterprises_and_keeps_to_the_viewers_scope(users, demo_county, api):
    since, until = stats.programme_period(None, None)
    start = services.as_datetime(since, end_of_day=False)
    end = services.as_datetime(until + datetime.timedelta(days=1), end_of_day=False)
    rows = stats.programme_quality(Enterprise.objects.all(), start, end)
    operating = Enterprise.objects.filter(status=EnterpriseStatus.OPERATING)
    assert len(rows) == operating.count()
    table = stats.programme_coverage(rows, "township")
    assert table.total["obliged"] == operating.count()
    assert table.total["working"] == sum(r.working for r in rows)
    assert table.total["identified"] == operating.filter(risk_points__isnull=False).distinct().count()
    latest = {}
    for step in ProgrammeStep.objects.order_by("named_on", "id"):
        latest[step.enterprise_id] = step.stage
    operating_ids = set(operating.values_list("pk", flat=True))
    assert table.total["pilot"] == sum(1 for e, s in latest.items() if s == "pilot" and e in operating_ids)
    by_sector = stats.programme_coverage(rows, "sector")
    assert by_sector.total["obliged"] == table.total["obliged"]
    township = api("township1").get("/api/v1/hazards/programme").json()
    assert {r["key"] for r in township["coverage"]} == {demo_county["township"]}
    assert all(e["region_code"].startswith(demo_county["township"]) for e in township["enterprises"])
    assert township["total"]["obliged"] == operating.filter(region_code__startswith=demo_county["township"]).count()
    assert set(township["definitions"]) == set(stats.PROGRAMME_DEFINITIONS)


@pytest.mark.parametrize(("query", "field"), [
    ("since=2026-05-01&until=2026-01-01", "since"), ("group_by=industry", "group_by"), ("since=not-a-date", "since")])
def test_bad_programme_queries_answer_field_errors(api, query, field):
    response = api("section").get(f"/api/v1/hazards/programme?{query}")
    assert_error_shape(response, 422)
    assert field in {e["field"] for e in response.json()["errors"]}


def test_naming_an_enterprise_in_the_programme(api, users):
    enterprise = users["enterprise1"].enterprise
    ProgrammeStep.objects.filter(enterprise=enterprise).delete()
    section = api("section")
    made = section.post("/api/v1/dual-prevention-steps", {"enterprise_id": enterprise.pk, "stage": "pilot",
                                                          "named_on": "2026-03-01", "accepted_on": "2026-09-01"})
    assert made.status_code == 201, made.content
    assert _quality(enterprise).stage == "pilot"
    twice = section.post("/api/v1/dual-prevention-steps", {"enterprise_id": enterprise.pk, "stage": "pilot",
                                                           "named_on": "2026-04-01"})
    assert_error_shape(twice)
    backwards = section.post("/api/v1/dual-prevention-steps", {"enterprise_id": enterprise.pk, "stage": "creating",
                                                               "named_on": "2026-04-01", "accepted_on": "2026-01-01"})
    assert_error_shape(backwards, 422)
    assert "accepted_on" in {e["field"] for e in backwards.json()["errors"]}
    assert ProgrammeStep.objects.filter(enterprise=enterprise).count() == 1
    # An enterprise account sees its own steps and names none.
    own = api("enterprise1").get("/api/v1/dual-prevention-steps").json()["items"]
    assert {s["enterprise_id"] for s in own} == {enterprise.pk}
    refused = api("enterprise1").post("/api/v1/dual-prevention-steps", {
        "enterprise_id": enterprise.pk, "stage": "demonstration", "named_on": "2026-06-16"})
    assert refused.status_code == 403


def test_the_programme_page_shows_coverage_quality_and_definitions(users):
    client = Client()
    client.force_login(users["section"])
    page = client.get(reverse("hazard_programme")).content.decode()
    for text in ("双重预防机制建设", "覆盖率", "运行质量", "逾期未复评"):
        assert text in page, text
    assert 'id="yj-quality-table"' in page and 'data-enterprise-id="' in page
    sector = client.get(reverse("hazard_programme") + "?group_by=sector").content.decode()
    assert "危险化学品" in sector


def test_the_quality_table_shows_every_enterprise_page_by_page(users):
    """Fifty enterprises a page, those needing most attention first, the grouping kept from page to page."""
    import re

    from yingji.prevention.views import PROGRAMME_ROWS

    client = Client()
    client.force_login(users["section"])
    seen, number = [], 1
    while True:
        page = client.get(reverse("hazard_programme") + f"?group_by=sector&page={number}").content.decode()
        table = page.split('id="yj-quality-table"')[1].split("</table>")[0]
        ids = [int(i) for i in re.findall(r'data-enterprise-id="(\d+)"', table)]
        assert 0 < len(ids) <= PROGRAMME_ROWS
        assert all(f'<a href="/enterprises/{i}/">' in table for i in ids)
        seen += ids
        if 'rel="next"' not in page:
            break
        assert f'href="?group_by=sector&page={number + 1}" rel="next"' in page
        number += 1
    operating = Enterprise.objects.filter(status="operating").count()
    assert number > 1 and len(seen) == len(set(seen)) == operating


def test_far_dates_do_not_break_the_page(users):
    client = Client()
    client.force_login(users["section"])
    page = client.get(reverse("hazard_programme") + "?since=0001-01-01&until=9999-12-31")
    assert page.status_code == 200 and 'id="yj-coverage-table"' in page.content.decode()
