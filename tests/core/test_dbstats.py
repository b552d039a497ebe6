"""The query planner's statistics (``core.dbstats``): refreshed after the demo load and by the sweeper, and the
plan they give the inspections' list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from yingji.core import dbstats
from yingji.core.models import User
from yingji.core.surfaces import of
from yingji.core.tasks import PERIODIC_JOBS, refresh_planner_statistics

pytestmark = pytest.mark.django_db


def _analysed_tables() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        else:
            cursor.execute("SELECT DISTINCT tablename FROM pg_stats WHERE schemaname = current_schema()")
        return {row[0] for row in cursor.fetchall()}


def test_refresh_analyses_every_table_with_rows(demo_county):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DELETE FROM sqlite_stat1")
    assert "enforcement_inspectionfinding" not in _analysed_tables() or connection.vendor != "sqlite"
    assert dbstats.refresh() == connection.vendor
    analysed = _analysed_tables()
    for table in ("enforcement_inspectionfinding", "enforcement_inspection", "prevention_hazard", "core_region"):
        assert table in analysed


def test_the_sweeper_refreshes_them_every_six_hours(demo_county):
    job = PERIODIC_JOBS[refresh_planner_statistics.module_path]
    assert job.every == timedelta(hours=6)
    assert refresh_planner_statistics.call() == connection.vendor


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_the_inspections_list_counts_findings_through_their_inspection(demo_county):
    """Each correlated count of the list's findings searches them by inspection (with the statistics the demo load
    leaves); without statistics SQLite counted the non-compliant ones through the index on the result."""
    dbstats.refresh()
    from yingji.enforcement.models import Inspection

    admin = User.objects.get(username="admin")
    sql, params = of(Inspection).list_queryset(admin)[:50].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = [row[3] for row in cursor.fetchall()]
    searches = [step for step in plan if step.startswith("SEARCH U0")]
    assert len(searches) == 3
    assert all("(inspection_id=?)" in step for step in searches), plan
