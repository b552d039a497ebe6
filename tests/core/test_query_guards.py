"""Every page without arguments (the lists, registers, dashboards and forms) renders with a bounded number of SQL
queries for the county-wide roles, so a list that queries once per row (an N+1: a link checked row by row, a
related object not joined) fails here: a list page shows up to 50 rows, far above the bound.

A few report pages compute many figures on purpose (one aggregate per year and section); each has its own ceiling
below, at what it costs today, so it cannot grow unnoticed either.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .test_chinese_pages import _patterns

#: Queries a page may make: session, user, roles, navigation, the page's list with its count and filters.
BOUND = 40
#: Report pages whose figures are computed section by section (today's cost; lower it when batching them).
CEILINGS = {
    "/statistics/annual/": 45,  # each section's figures once for the five years; the by-area table per figure
}


def _pages() -> list[str]:
    urls = {reverse(name) for name, _route, converters in _patterns() if not converters}
    return sorted(url for url in urls if not url.startswith(("/logout", "/healthz", "/login", "/public/")))


def test_the_walk_finds_the_registers():
    pages = _pages()
    assert len(pages) > 80
    assert {"/enterprises/", "/resources/equipment/", "/enforcement/inspections/",
            "/preparedness/training/compliance/"} <= set(pages)


@pytest.mark.parametrize("username", ["duty", "admin"])
def test_every_page_renders_with_bounded_queries(web, username):
    client = web(username)
    over = {}
    checked = 0
    for url in _pages():
        client.get(url)  # warm per-process caches (content types, region names)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        checked += 1
        limit = CEILINGS.get(url, BOUND)
        if len(queries.captured_queries) > limit:
            over[url] = len(queries.captured_queries)
    assert checked > 60
    assert over == {}, f"pages over their query bound ({BOUND} unless listed in CEILINGS): {over}"


def test_every_export_reads_with_bounded_queries(web):
    """A list's export writes every filtered row (hundreds: the drill plans, the exams taken), so a column read row
    by row (a related object not joined, a count per row) shows here as hundreds of queries."""
    client = web("admin")
    over = {}
    exported = 0
    for url in _pages():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"export": "csv"})
            if response.status_code != 200 or "attachment" not in response.get("Content-Disposition", ""):
                continue
            body = b"".join(response.streaming_content) if response.streaming else response.content
        exported += 1
        if len(queries.captured_queries) > BOUND and body.count(b"\n") > BOUND:
            over[url] = (len(queries.captured_queries), body.count(b"\n"))
    assert exported > 40
    assert over == {}, f"exports over {BOUND} queries (queries, lines): {over}"


@pytest.mark.parametrize("username", ["township1", "enterprise1", "admin"])
def test_rendering_many_answers_sees_as_the_database_does_with_one_query_per_model(demo_county, username):
    from yingji.core import policy
    from yingji.core.models import User
    from yingji.disasters.models import FloodCheckRound
    from yingji.enterprises.models import MajorHazardFiling

    user = User.objects.get(username=username)
    objects = list(MajorHazardFiling.objects.all()) + list(FloodCheckRound.objects.all())
    assert len(objects) > 5
    expected = [policy.in_scope(user, obj) for obj in objects]
    assert any(expected) or username == "enterprise1"
    with CaptureQueriesContext(connection) as queries, policy.rendering_many():
        answers = [policy.sees(user, obj) for obj in objects]
    assert answers == expected
    assert len(queries.captured_queries) <= 2  # one per model, however many rows


#: Lists ordered by a column without an index, each bounded by what a bureau keeps of it (reference tables and
#: yearly documents: tens of rows a year), so sorting them is cheap. Records that grow with daily work (patrols,
#: exams, transfers, handovers) are not here: their lists read them in the order of an index.
SMALL_LISTS = {
    "monitoring.rule", "enforcement.officer", "enforcement.campaign", "preparedness.course", "preparedness.exampaper",
    "disasters.floodcheckround", "disasters.forestfire", "disasters.earthquakereport", "disasters.reliefstandard",
    "statistics.historicalfigure", "governance.dutylist", "governance.responsibilityletter", "assessment.rubric",
}


def _indexed_first(model, name: str) -> bool:
    meta = model._meta
    field = meta.get_field(name)
    if field.primary_key or field.unique or field.db_index:
        return True
    firsts = [index.fields[0].lstrip("-") for index in meta.indexes if index.fields]
    firsts += [c.fields[0] for c in meta.constraints if getattr(c, "fields", None)]
    firsts += [together[0] for together in meta.unique_together]
    return name in firsts


def test_every_list_reads_its_rows_in_the_order_of_an_index():
    """A list page shows 50 rows in its model's order; without an index on that order the database sorts every
    row in scope, joined rows and all, to find them (the exams taken: 353 attempts joined with their inspections'
    records, 14 ms; with the index, 1.4 ms)."""
    from yingji.core import surfaces

    unindexed = []
    for surface in surfaces.registered():
        model = surface.model
        order = list(surface.base_queryset().query.order_by) or list(model._meta.ordering or [])
        first = str(order[0]).lstrip("-") if order else "pk"
        if "__" in first or first == "pk":
            continue  # ordered through a join (a parent's name) or by the key itself
        if not _indexed_first(model, first) and model._meta.label_lower not in SMALL_LISTS:
            unindexed.append(f"{model._meta.label_lower} by {first}")
    assert unindexed == []
    assert {s.model._meta.label_lower for s in surfaces.registered()} >= SMALL_LISTS  # no stale exemption
