"""API pages: the count is exact on every page, and a page that is not full costs no count query."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from yingji.core.models import Region


def _page(client, limit, offset):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/regions", limit=limit, offset=offset)
    assert response.status_code == 200, response.content
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    return response.json(), len(counts)


def test_every_page_reports_the_full_count_and_a_short_page_needs_no_count_query(api):
    client = api("admin")
    total = client.get("/api/v1/regions", limit=500).json()["count"]
    assert total == Region.objects.for_user(client.user).count() > 10
    full, counted = _page(client, 5, 0)
    assert full["count"] == total and len(full["items"]) == 5 and counted == 1
    last, counted = _page(client, 5, total - 3)
    assert last["count"] == total and len(last["items"]) == 3 and counted == 0
    exact_end, counted = _page(client, 5, total - 5)
    assert exact_end["count"] == total and len(exact_end["items"]) == 5 and counted == 1
    past, counted = _page(client, 5, total + 10)
    assert past["count"] == total and past["items"] == [] and counted == 1
    whole, counted = _page(client, 500, 0)
    assert whole["count"] == total == len(whole["items"]) and counted == 0
