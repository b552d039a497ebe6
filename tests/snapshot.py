"""A copy of the loaded demo county, taken once per test database, and put back after a transactional test
committed (it replaces Django's flush) — in a second or three instead of the flush and the minute or more a fresh
``load_demo`` costs.

SQLite: the DB-API's online backup (page copy) in both directions. PostgreSQL: ``COPY … TO STDOUT`` of every
table, restored by ``COPY … FROM STDIN`` into the emptied tables in one transaction (as a superuser with triggers
and foreign-key checks off, as the rows are the snapshot's own; otherwise after a ``TRUNCATE``, the keys checked at
the commit), then every sequence set past the restored rows."""

from __future__ import annotations

import sqlite3

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection


class Snapshot:
    def __init__(self) -> None:
        self._sqlite: sqlite3.Connection | None = None
        self._tables: dict[str, bytes] = {}
        self._columns: dict[str, str] = {}

    def take(self) -> None:
        connection.ensure_connection()
        assert not connection.in_atomic_block, "a snapshot is taken outside any transaction"
        if connection.vendor == "sqlite":
            self._sqlite = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(self._sqlite)
        elif connection.vendor == "postgresql":
            self._tables = {}
            with connection.connection.cursor() as cursor:
                for table in self._table_names():
                    # Named columns, generated ones left out (a migration test going back and forth recreates tables).
                    cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = "
                                   "current_schema() AND table_name = %s AND is_generated = 'NEVER' "
                                   "ORDER BY ordinal_position", (table,))
                    self._columns[table] = ", ".join(f'"{name}"' for (name,) in cursor.fetchall())
                    # COPY of a query: a partitioned table (the readings) has no rows of its own to COPY TO.
                    with cursor.copy(f'COPY (SELECT {self._columns[table]} FROM "{table}") TO STDOUT') as copy:
                        self._tables[table] = b"".join(bytes(block) for block in copy)
        else:  # pragma: no cover - the project runs on these two
            raise NotImplementedError(connection.vendor)

    @property
    def taken(self) -> bool:
        return self._sqlite is not None or bool(self._tables)

    def restore(self) -> None:
        connection.ensure_connection()
        assert not connection.in_atomic_block, "a snapshot is restored outside any transaction"
        if connection.vendor == "sqlite":
            assert self._sqlite is not None
            self._sqlite.backup(connection.connection)
        else:
            raw = connection.connection
            with raw.transaction(), raw.cursor() as cursor:
                if self._superuser(cursor):
                    # The rows are the snapshot's own, already consistent: no triggers, no foreign-key checks at
                    # the commit (which cost more than the copy); deleting the rows (the county and what the test
                    # added) took 0.2 s where a TRUNCATE of every table took 4 s.
                    cursor.execute("SET LOCAL session_replication_role = replica")
                    for table in self._tables:
                        cursor.execute(f'DELETE FROM "{table}"')
                else:
                    cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in self._tables) + " CASCADE")
                for table, data in self._tables.items():
                    if data:
                        with cursor.copy(f'COPY "{table}" ({self._columns[table]}) FROM STDIN') as copy:
                            copy.write(data)
                models = [m for m in apps.get_models(include_auto_created=True) if m._meta.managed]
                for statement in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(statement)
        # What Django caches from rows (content types) must be read again from the restored tables.
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()

    @staticmethod
    def _superuser(cursor) -> bool:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
        return bool(row and row[0])

    @staticmethod
    def _table_names() -> list[str]:
        with connection.cursor() as cursor:
            names = connection.introspection.table_names(cursor)
            # Session-temporary tables (the ingestion's staging table) are visible too but hold nothing to keep;
            # partitions are copied through their partitioned table (whose COPY FROM routes each row).
            cursor.execute("SELECT c.relname FROM pg_class c WHERE c.relpersistence = 't' OR c.relispartition")
            skipped = {name for (name,) in cursor.fetchall()}
        return [name for name in names if name != "django_migrations" and name not in skipped]
