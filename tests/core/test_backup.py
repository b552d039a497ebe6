"""Backup while the platform writes, restore into an empty installation, compare every table."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

TEST_DATABASE_URL = os.environ.get("YINGJI_TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith(("postgres://", "postgresql://"))


def yingji(data_dir: Path, *args, check=True, timeout=300, database_url: str | None = None):
    env = {**os.environ, "YINGJI_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "yingji.settings"}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    result = subprocess.run([sys.executable, "-m", "yingji.cli", *args], capture_output=True, text=True, env=env,
                            timeout=timeout)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def auto_through_tables() -> set[str]:
    """Many-to-many link tables Django creates itself: their rows are restored with new ids, same links."""
    from django.apps import apps

    return {f.remote_field.through._meta.db_table for m in apps.get_models() for f in m._meta.many_to_many
            if f.remote_field.through._meta.auto_created}


def table_fingerprints(db: Path) -> dict[str, tuple[int, int]]:
    """Row count and an order-independent content hash of every table, read with plain sqlite3."""
    links = auto_through_tables()
    con = sqlite3.connect(db)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE "
                                            "'sqlite_%' AND name != 'django_migrations'")]
        result = {}
        for table in tables:
            rows = con.execute(f'SELECT * FROM "{table}"').fetchall()  # noqa: S608 (table names from sqlite_master)
            if table in links:
                rows = [row[1:] for row in rows]
            result[table] = (len(rows), hash(frozenset(map(repr, rows))))
        return result
    finally:
        con.close()


@pytest.mark.engine_agnostic  # own SQLite installations in subprocesses, whatever the suite's database
def test_backup_during_writes_then_restore_matches_the_snapshot(tmp_path):
    source, target, snapshot = tmp_path / "a", tmp_path / "b", tmp_path / "backup"
    yingji(source, "demo")
    media = source / "media" / "attachments" / "2026" / "11"
    media.mkdir(parents=True)

    stop = threading.Event()
    written = []

    def writer():
        # A second connection appending audit rows as fast as it can while the backup runs.
        con = sqlite3.connect(source / "yingji.sqlite3", timeout=30)
        i = 0
        while not stop.is_set():
            con.execute("INSERT INTO core_auditrecord (time, username, request_id, action, object_type, object_id, "
                        "object_repr, region_code, message) VALUES (datetime('now'), 'writer', '', 'update', "
                        "'x', ?, '', '', '')", (str(i),))
            con.commit()
            written.append(i)
            i += 1
        con.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        time.sleep(0.3)
        result = yingji(source, "backup", str(snapshot))
    finally:
        stop.set()
        thread.join()
    assert "Backed up" in result.stdout
    assert len(written) > 10, "the writer should have been writing during the backup"
    assert (snapshot / "manifest.json").exists()

    restored = yingji(target, "restore", str(snapshot))
    assert "verified" in restored.stdout
    import json

    manifest = json.loads((snapshot / "manifest.json").read_text())
    audit_rows = manifest["tables"]["core.auditrecord"]["rows"]
    after = table_fingerprints(target / "yingji.sqlite3")
    assert after["core_auditrecord"][0] == audit_rows
    # Every table except the audit trail (still being written during the backup) matches the source exactly.
    before = table_fingerprints(source / "yingji.sqlite3")
    for table, fingerprint in before.items():
        if table in ("core_auditrecord", "django_session"):
            continue
        assert after.get(table) == fingerprint, table
    assert before["core_auditrecord"][0] > audit_rows > 0

    # A restore into a non-empty installation is refused, and a corrupt backup is detected before any write.
    again = yingji(target, "restore", str(snapshot), check=False)
    assert again.returncode == 2 and "not empty" in again.stderr
    data = snapshot / "data.jsonl.gz"
    data.write_bytes(data.read_bytes()[:-10] + b"0123456789")
    fresh = tmp_path / "c"
    corrupt = yingji(fresh, "restore", str(snapshot), check=False)
    assert corrupt.returncode == 2 and "checksum" in corrupt.stderr


@pytest.mark.engine_agnostic  # own SQLite installations in subprocesses, whatever the suite's database
def test_backup_refuses_a_non_empty_directory(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "file").write_text("x")
    result = yingji(tmp_path / "data", "backup", str(tmp_path / "x"), check=False)
    assert result.returncode == 2 and "not empty" in result.stderr


# --- the same on PostgreSQL (runs when YINGJI_TEST_DATABASE_URL points at a PostgreSQL server) -----------------


def _pg_url(name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(TEST_DATABASE_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


def pg_fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent content hash of every table of the public schema."""
    import hashlib

    import psycopg

    links = auto_through_tables()
    with psycopg.connect(url) as con:
        tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                                            "'public' AND table_type = 'BASE TABLE' AND table_name != "
                                            "'django_migrations'")]
        result = {}
        for table in tables:
            rows = con.execute(f'SELECT * FROM "{table}"').fetchall()  # noqa: S608 (names from the catalogue)
            if table in links:
                rows = [row[1:] for row in rows]
            digest = hashlib.sha256("\n".join(sorted(map(repr, rows))).encode()).hexdigest()
            result[table] = (len(rows), digest)
        return result


@pytest.fixture
def pg_databases():
    """Two empty scratch databases on the test server (source and restore target), dropped afterwards."""
    import psycopg

    names = [f"yingji_backup_{role}_{os.getpid()}" for role in ("source", "target")]
    with psycopg.connect(TEST_DATABASE_URL, autocommit=True) as con:
        for name in names:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            con.execute(f'CREATE DATABASE "{name}"')
    yield [_pg_url(name) for name in names]
    with psycopg.connect(TEST_DATABASE_URL, autocommit=True) as con:
        for name in names:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif(not ON_POSTGRES, reason="YINGJI_TEST_DATABASE_URL does not point at PostgreSQL")
def test_backup_during_writes_then_restore_matches_the_snapshot_on_postgresql(tmp_path, pg_databases):
    import json

    import psycopg

    source_url, target_url = pg_databases
    source, target, snapshot = tmp_path / "a", tmp_path / "b", tmp_path / "backup"
    yingji(source, "demo", database_url=source_url)

    stop = threading.Event()
    written = []

    def writer():
        # A second connection appending audit rows, one transaction each, while the backup runs.
        with psycopg.connect(source_url, autocommit=True) as con:
            i = 0
            while not stop.is_set():
                con.execute("INSERT INTO core_auditrecord (time, username, request_id, action, object_type, "
                            "object_id, object_repr, region_code, message) VALUES (now(), 'writer', '', 'update', "
                            "'x', %s, '', '', '')", (str(i),))
                written.append(i)
                i += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        time.sleep(0.3)
        result = yingji(source, "backup", str(snapshot), database_url=source_url)
    finally:
        stop.set()
        thread.join()
    assert "Backed up" in result.stdout
    assert len(written) > 10, "the writer should have been writing during the backup"
    manifest = json.loads((snapshot / "manifest.json").read_text())
    assert manifest["vendor"] == "postgresql"

    restored = yingji(target, "restore", str(snapshot), database_url=target_url)
    assert "verified" in restored.stdout
    audit_rows = manifest["tables"]["core.auditrecord"]["rows"]
    before, after = pg_fingerprints(source_url), pg_fingerprints(target_url)
    assert set(after) == set(before)
    assert after["core_auditrecord"][0] == audit_rows
    assert before["core_auditrecord"][0] > audit_rows > 0
    # Every table except the audit trail (still being written during the backup) matches the source exactly.
    for table, fingerprint in before.items():
        if table in ("core_auditrecord", "django_session"):
            continue
        assert after[table] == fingerprint, table
    # The sequences moved past the restored rows: the restored installation can write new rows.
    with psycopg.connect(target_url, autocommit=True) as con:
        top = con.execute("SELECT max(id) FROM core_auditrecord").fetchone()[0]
        new_id = con.execute("INSERT INTO core_auditrecord (time, username, request_id, action, object_type, "
                             "object_id, object_repr, region_code, message) VALUES (now(), 'after', '', 'update', "
                             "'x', '0', '', '', '') RETURNING id").fetchone()[0]
    assert new_id > top

    again = yingji(target, "restore", str(snapshot), check=False, database_url=target_url)
    assert again.returncode == 2 and "not empty" in again.stderr
