"""Readings partitioned by month on PostgreSQL (declarative range partitioning on ``ts``).

At the national scale (hundreds of thousands of monitored points) the readings table grows by hundreds of millions
of rows a month; one table would make retention a huge DELETE and every time-bounded query an index walk over all
of history. On PostgreSQL the table is therefore partitioned by calendar month (UTC):

- ``monitoring_reading_pYYYYMM`` holds the readings of one month; ``monitoring_reading_default`` catches readings of
  months that have no partition yet (a gateway with a wrong clock), and is emptied into a month's partition when
  that month's partition is created;
- ``ensure_partitions`` (a periodic job, and the migration that converts the table) keeps last month, the current
  one and the next ``MONTHS_AHEAD`` ready;
- retention folds a month whose readings are all past the raw-retention cutoff into hourly aggregates and then
  drops its partition (``retention.apply_retention``), instead of deleting its rows one by one;
- queries bounded in time (charts, rolling sums, retention) read only the partitions of their range.

The primary key is (id, ts) and the unique keys include ``ts`` (PostgreSQL requires the partition key in every
unique index): (sensor, ts) — the key that makes a re-sent reading store nothing — is unchanged; the client's
message id is unique per time (``client_id``, ``ts``), so a redelivered message (same readings, same times) still
stores nothing twice. SQLite keeps one table: every function here does nothing there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction

TABLE = "monitoring_reading"
DEFAULT = f"{TABLE}_default"
#: Months after the current one whose partitions are created in advance.
MONTHS_AHEAD = 3
_COLUMNS = "id, ts, value, client_id, received_at, sensor_id, station_id"


@dataclass(frozen=True)
class Partition:
    name: str
    start: datetime
    end: datetime


def month_start(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def next_month(start: datetime) -> datetime:
    return (start + timedelta(days=32)).replace(day=1)


def partition_name(start: datetime) -> str:
    return f"{TABLE}_p{start:%Y%m}"


def is_partitioned(conn=None) -> bool:
    """Whether the readings table is partitioned (PostgreSQL after the migration). Asked on every ingested batch,
    so the answer is kept on the connection; the migrations that change it clear it."""
    conn = conn or connection
    if conn.vendor != "postgresql":
        return False
    known = getattr(conn, "_yingji_readings_partitioned", None)
    if known is not None:
        return known
    with conn.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
                       "WHERE c.relname = %s AND pg_table_is_visible(c.oid))", [TABLE])
        conn._yingji_readings_partitioned = cursor.fetchone()[0]
    return conn._yingji_readings_partitioned


_BOUND = re.compile(r"FROM \('([^']+)'\) TO \('([^']+)'\)")


def partitions(conn=None) -> list[Partition]:
    """The monthly partitions, oldest first (the default partition is not listed)."""
    conn = conn or connection
    if not is_partitioned(conn):
        return []
    with conn.cursor() as cursor:
        cursor.execute("SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
                       "JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
                       "WHERE p.relname = %s AND pg_table_is_visible(p.oid)", [TABLE])
        rows = cursor.fetchall()
    found = []
    for name, bound in rows:
        match = _BOUND.search(bound or "")
        if match:
            found.append(Partition(name, *(datetime.fromisoformat(v).astimezone(UTC) for v in match.groups())))
    return sorted(found, key=lambda p: p.start)


def _create(cursor, start: datetime) -> str:
    """Create the partition of the month starting at ``start``, moving in what the default partition holds of it."""
    end = next_month(start)
    name = partition_name(start)
    cursor.execute(f'CREATE TABLE "{name}" (LIKE "{TABLE}")')
    cursor.execute(f'INSERT INTO "{name}" ({_COLUMNS}) SELECT {_COLUMNS} FROM "{DEFAULT}" '  # noqa: S608  fixed names
                   "WHERE ts >= %s AND ts < %s", [start, end])
    cursor.execute(f'DELETE FROM "{DEFAULT}" WHERE ts >= %s AND ts < %s', [start, end])  # noqa: S608
    cursor.execute(f'ALTER TABLE "{TABLE}" ATTACH PARTITION "{name}" FOR VALUES FROM (%s) TO (%s)', [start, end])
    return name


def ensure_partitions(now: datetime | None = None, months_ahead: int = MONTHS_AHEAD, conn=None,
                      months=()) -> list[str]:
    """Create the partitions of the last month, the current one and the next ``months_ahead`` that are missing, of
    every month the default partition holds readings of, and of ``months``; returns the names created."""
    conn = conn or connection
    if not is_partitioned(conn):
        return []
    now = now or datetime.now(UTC)
    current = month_start(now)
    # Last month too: in its first days gateways still send what they buffered.
    wanted = [month_start(current - timedelta(days=1)), current, *months]
    for _ in range(months_ahead):
        current = next_month(current)
        wanted.append(current)
    with conn.cursor() as cursor:
        cursor.execute(f'SELECT DISTINCT date_trunc(\'month\', ts AT TIME ZONE \'UTC\') FROM "{DEFAULT}"')  # noqa: S608
        wanted += [month.replace(tzinfo=UTC) for (month,) in cursor.fetchall()]
    have = {p.start for p in partitions(conn)}
    created = []
    for start in sorted(set(wanted) - have):
        with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
            created.append(_create(cursor, start))
    return created


#: The readings' columns as the model declares them (the table's keys are added by each form of the table).
_COLUMN_DDL = """id bigint GENERATED BY DEFAULT AS IDENTITY,
        ts timestamp with time zone NOT NULL,
        value double precision NOT NULL,
        client_id varchar(64) NULL,
        received_at timestamp with time zone NOT NULL,
        sensor_id bigint NOT NULL REFERENCES monitoring_sensor (id) DEFERRABLE INITIALLY DEFERRED,
        station_id bigint NOT NULL REFERENCES monitoring_station (id) DEFERRABLE INITIALLY DEFERRED"""


def _set_aside(run, old: str) -> None:
    """Rename the readings table and its keys out of the way, so the other form of the table takes their names."""
    run(f'ALTER TABLE "{TABLE}" RENAME TO "{old}"')
    run(f'ALTER TABLE "{old}" RENAME CONSTRAINT "{TABLE}_pkey" TO "{old}_pkey"')
    run(f'ALTER TABLE "{old}" RENAME CONSTRAINT "reading_unique_sensor_ts" TO "{old}_sensor_ts"')
    run(f'ALTER INDEX "reading_unique_client_id" RENAME TO "{old}_client_id"')
    run(f'ALTER INDEX "reading_station_ts_idx" RENAME TO "{old}_station_ts"')


def convert(schema_editor) -> None:
    """Migration: turn the plain readings table into the partitioned one, rows and keys kept (PostgreSQL)."""
    conn = schema_editor.connection
    if conn.vendor != "postgresql" or is_partitioned(conn):
        return
    run = schema_editor.execute
    conn._yingji_readings_partitioned = None
    old = f"{TABLE}_unpartitioned"
    _set_aside(run, old)
    run(f'''CREATE TABLE "{TABLE}" (
        {_COLUMN_DDL},
        CONSTRAINT "{TABLE}_pkey" PRIMARY KEY (id, ts),
        CONSTRAINT reading_unique_sensor_ts UNIQUE (sensor_id, ts)
    ) PARTITION BY RANGE (ts)''')
    run(f'CREATE UNIQUE INDEX reading_unique_client_id ON "{TABLE}" (client_id, ts) WHERE client_id IS NOT NULL')
    run(f'CREATE INDEX reading_station_ts_idx ON "{TABLE}" (station_id, ts)')
    run(f'CREATE TABLE "{DEFAULT}" PARTITION OF "{TABLE}" DEFAULT')
    with conn.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT date_trunc('month', ts AT TIME ZONE 'UTC') FROM \"{old}\"")  # noqa: S608
        months = [month.replace(tzinfo=UTC) for (month,) in cursor.fetchall()]
    ensure_partitions(conn=conn, months=months)  # every month of the stored readings, so they go straight in
    _move_rows(run, old)
    run(f'DROP TABLE "{old}"')


def _move_rows(run, source: str) -> None:
    """Copy every reading of ``source`` into the readings table, ids kept, and set the id sequence past them."""
    run(f'INSERT INTO "{TABLE}" ({_COLUMNS}) SELECT {_COLUMNS} FROM "{source}"')  # noqa: S608  fixed names
    top = f'COALESCE((SELECT MAX(id) FROM "{source}"), 0) + 1'  # noqa: S608  fixed names
    run(f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), {top}, false)")


def unconvert(schema_editor) -> None:
    """Migration, backwards: the partitioned table back to one plain table with the original keys."""
    conn = schema_editor.connection
    if conn.vendor != "postgresql" or not is_partitioned(conn):
        return
    run = schema_editor.execute
    conn._yingji_readings_partitioned = None
    old = f"{TABLE}_partitioned"
    _set_aside(run, old)
    run(f'''CREATE TABLE "{TABLE}" (
        {_COLUMN_DDL},
        CONSTRAINT "{TABLE}_pkey" PRIMARY KEY (id),
        CONSTRAINT reading_unique_sensor_ts UNIQUE (sensor_id, ts)
    )''')
    run(f'CREATE UNIQUE INDEX reading_unique_client_id ON "{TABLE}" (client_id) WHERE client_id IS NOT NULL')
    run(f'CREATE INDEX reading_station_ts_idx ON "{TABLE}" (station_id, ts)')
    _move_rows(run, old)
    run(f'DROP TABLE "{old}" CASCADE')


def drop_partition(partition: Partition, conn=None) -> None:
    """Drop a month's partition (retention, after its readings were folded, inside the same transaction)."""
    conn = conn or connection
    # Foreign-key checks still deferred in this transaction (readings written in it) must run before the drop.
    conn.check_constraints()
    with conn.cursor() as cursor:
        cursor.execute(f'DROP TABLE "{partition.name}"')


def lock_partition(partition: Partition, conn=None) -> None:
    """Hold off writes to a month's partition until the transaction ends (retention folds, then drops it)."""
    conn = conn or connection
    with conn.cursor() as cursor:
        cursor.execute(f'LOCK TABLE "{partition.name}" IN SHARE ROW EXCLUSIVE MODE')
