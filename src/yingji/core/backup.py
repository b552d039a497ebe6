"""Consistent backup and verified restore, while the platform runs, on SQLite and PostgreSQL alike.

A backup is a directory:
- ``data.jsonl.gz``: one JSON object per row (Django's serialisation: model, pk, fields), every table of every
  installed app, read inside ONE transaction that sees a single snapshot (SQLite: one read transaction in WAL
  mode; PostgreSQL: REPEATABLE READ), so concurrent writers neither block nor tear the copy;
- ``media/``: the uploaded files referenced at that moment;
- ``manifest.json``: format version, time, applied migrations, per-table row count and content hash, and the
  SHA-256 of every file in the backup.

Restore refuses a non-empty target, verifies every file checksum before touching anything, migrates, loads all
rows in one transaction, copies the files, and re-computes each table's count and hash against the manifest.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
DATA_FILE = "data.jsonl.gz"
MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def _models():
    """Every concrete, managed model whose table exists, parents before children for loading."""
    from django.core.serializers import sort_dependencies

    app_list = [(config, None) for config in apps.get_app_configs()]
    ordered = sort_dependencies(app_list, allow_cycles=True)
    return [m for m in ordered if m._meta.managed and not m._meta.proxy and not m._meta.swapped
            and m._meta.db_table in connection.introspection.table_names()]


def _rows(model):
    yield from serializers.serialize("python", model._base_manager.order_by("pk").iterator(chunk_size=2000))


def _canonical(row) -> bytes:
    return json.dumps(row, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":")).encode()


def table_digest(model) -> tuple[int, str]:
    """(row count, SHA-256 over the canonical serialisation of its rows in primary-key order)."""
    digest, count = hashlib.sha256(), 0
    for row in _rows(model):
        digest.update(_canonical(row))
        count += 1
    return count, digest.hexdigest()


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _snapshot_transaction():
    """A transaction that reads one consistent snapshot of the whole database."""
    atomic = transaction.atomic()
    atomic.__enter__()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
    return atomic


def backup(target: Path) -> dict:
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} exists and is not empty")
    target.mkdir(parents=True, exist_ok=True)
    tables, media_files = {}, []
    atomic = _snapshot_transaction()
    try:
        with gzip.open(target / DATA_FILE, "wb", compresslevel=6) as out:
            for model in _models():
                digest, count = hashlib.sha256(), 0
                file_fields = [f for f in model._meta.concrete_fields if f.get_internal_type() == "FileField"]
                for row in _rows(model):
                    digest.update(_canonical(row))
                    # Stored as read (JSON values keep their key order); the hash uses the canonical form.
                    out.write(json.dumps(row, ensure_ascii=False, default=str).encode() + b"\n")
                    count += 1
                    media_files += [row["fields"][f.name] for f in file_fields if row["fields"].get(f.name)]
                tables[model._meta.label_lower] = {"rows": count, "sha256": digest.hexdigest()}
        migrations = sorted(f"{a}.{n}" for a, n in MigrationRecorder(connection).applied_migrations())
    finally:
        atomic.__exit__(None, None, None)
    media_root = Path(settings.MEDIA_ROOT)
    for name in media_files:
        source = media_root / name
        if not source.is_file():
            raise BackupError(f"uploaded file {name} is missing from {media_root}")
        dest = target / "media" / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest)
    files = {str(p.relative_to(target)): _sha256_file(p) for p in sorted(target.rglob("*")) if p.is_file()}
    manifest = {"format": FORMAT, "created_at": timezone.now().isoformat(), "vendor": connection.vendor,
                "migrations": migrations, "tables": tables, "files": files}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    return manifest


def verify_files(source: Path) -> dict:
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"cannot read {source / MANIFEST}: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unsupported backup format {manifest.get('format')!r}")
    for name, expected in manifest["files"].items():
        path = source / name
        if not path.is_file():
            raise BackupError(f"{name} is missing from the backup")
        if _sha256_file(path) != expected:
            raise BackupError(f"{name} is corrupt: checksum mismatch")
    return manifest


def _is_empty() -> bool:
    from .models import AuditRecord, Region, User

    tables = connection.introspection.table_names()
    if Region._meta.db_table not in tables:
        return True
    return not (Region.objects.exists() or User.objects.exists() or AuditRecord.objects.exists())


def restore(source: Path) -> dict:
    source = Path(source)
    manifest = verify_files(source)
    call_command("migrate", interactive=False, verbosity=0)
    if not _is_empty():
        raise BackupError("the target installation is not empty; restore needs an empty database")
    by_label = {m._meta.label_lower: m for m in _models()}
    unknown = sorted(set(manifest["tables"]) - set(by_label))
    if unknown:
        raise BackupError(f"the backup has tables this installation does not know: {', '.join(unknown)}")
    with transaction.atomic():
        # Migrations may have seeded rows (content types, permissions); the backup's rows replace them.
        for label in reversed(list(by_label)):
            if label in manifest["tables"]:
                by_label[label]._base_manager.all()._raw_delete(connection.alias)
        with gzip.open(source / DATA_FILE, "rt", encoding="utf-8") as fh:
            objects = (json.loads(line) for line in fh if line.strip())
            with connection.constraint_checks_disabled():
                _load(serializers.deserialize("python", objects))
            connection.check_constraints()
        for label, expected in manifest["tables"].items():
            rows, digest = table_digest(by_label[label])
            if rows != expected["rows"] or digest != expected["sha256"]:
                raise BackupError(f"{label}: restored {rows} rows, hash {digest[:12]}; expected "
                                  f"{expected['rows']} rows, hash {expected['sha256'][:12]}")
        _reset_sequences(by_label.values())
    media_root = Path(settings.MEDIA_ROOT)
    for path in (source / "media").rglob("*") if (source / "media").exists() else []:
        if path.is_file():
            dest = media_root / path.relative_to(source / "media")
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest)
    return manifest


def _load(objects) -> None:
    """Insert the deserialised rows as they come (a table's rows are consecutive in the file), many rows per
    statement, into the emptied tables; then the rows of the many-to-many tables. Each row is written as stored
    (``raw``: no ``auto_now`` stamping, no signals), as ``DeserializedObject.save`` would write it, without its
    per-row UPDATE-then-INSERT (two statements a row made a restore of the demo county take 100 s on
    PostgreSQL)."""
    batch: list = []
    links: dict = {}

    def flush():
        if not batch:
            return
        model = type(batch[0])
        if model._meta.parents:  # multi-table inheritance: one row in each table, as save() writes it
            for instance in batch:
                instance.save_base(raw=True)
        else:
            fields = model._meta.local_concrete_fields
            size = connection.ops.bulk_batch_size(fields, batch) or len(batch)
            for start in range(0, len(batch), size):
                # QuerySet._insert is what Model.save_base itself inserts with; raw=True writes the values as read.
                model._base_manager._insert(batch[start:start + size], fields=fields, raw=True)
        batch.clear()

    for deserialized in objects:
        instance = deserialized.object
        if batch and (type(instance) is not type(batch[0]) or len(batch) >= 5000):
            flush()
        batch.append(instance)
        for name, targets in (deserialized.m2m_data or {}).items():
            field = type(instance)._meta.get_field(name)
            through = field.remote_field.through
            rows = links.setdefault(through, [])
            rows += [through(**{f"{field.m2m_field_name()}_id": instance.pk,
                                f"{field.m2m_reverse_field_name()}_id": target}) for target in targets]
    flush()
    for through, rows in links.items():
        through._base_manager.bulk_create(rows, batch_size=2000)
    from . import regions

    regions.clear_cache()  # what a saved region's signal would have done (names are cached per process)


def _reset_sequences(models) -> None:
    """PostgreSQL: move each table's id sequence past the restored rows (SQLite needs nothing)."""
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
