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


def yingji(data_dir: Path, *args, check=True, timeout=300):
    env = {**os.environ, "YINGJI_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "yingji.settings"}
    env.pop("DATABASE_URL", None)
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


@pytest.mark.skipif(bool(os.environ.get("YINGJI_TEST_DATABASE_URL")), reason="file-level SQLite comparison")
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


def test_backup_refuses_a_non_empty_directory(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "file").write_text("x")
    result = yingji(tmp_path / "data", "backup", str(tmp_path / "x"), check=False)
    assert result.returncode == 2 and "not empty" in result.stderr
