"""The query planner's statistics of the tables and indexes.

SQLite plans a query from the statistics ``ANALYZE`` stores (``sqlite_stat1``); without them it guesses each
index's selectivity, and a guess picks the wrong index as soon as two could serve: the inspections' list counted
each inspection's non-compliant findings through the index on the finding's result (every non-compliant finding
of the county, for each of the page's inspections) instead of the one on its inspection, 7.4 ms against 1.6 ms
of its 50 rows' SQL on the demo county. PostgreSQL's autovacuum analyses tables as they change, but only after a
threshold of rows: a freshly loaded database is planned blind until then.

:func:`refresh` analyses the whole database. It runs after a bulk load (the demo county) and every few hours
from the sweeper (:mod:`yingji.core.tasks`), as SQLite's documentation recommends for long-lived applications
(its ``PRAGMA optimize`` of version 3.40, on this platform's Python, analyses only what one connection used)."""

from __future__ import annotations

from django.db import connections

#: Rows SQLite samples per index (``PRAGMA analysis_limit``): bounds the cost on a table of millions of readings
#: (its statistics are then approximate, which is all the planner needs); 0 would read every row.
SQLITE_ANALYSIS_LIMIT = 1000


def refresh(using: str = "default") -> str:
    """Analyse every table of the database ``using``; returns its vendor."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    return connection.vendor
