"""An empty database of the test engine for migration tests.

A migration test that walks the demo county's database back and forth rebuilds every table of every app after the
target, with their rows, twice (80–250 s a test). In an empty database of the same engine only the migrations the
targets need run, on empty tables: a few seconds. ``scratch_database()`` swaps the default connection for a new one
to such a database for the block (so the migrations' own ``Model.objects`` queries go there too) and drops it after;
``minimal()`` creates a row of a historical model with every required field filled, its required relations too."""

from __future__ import annotations

import copy
import datetime
import decimal
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, models
from django.db.utils import load_backend
from django.utils import timezone


@contextmanager
def scratch_database() -> Iterator[None]:
    original = connections["default"]
    settings = copy.deepcopy(original.settings_dict)
    folder = schema = None
    if original.vendor == "sqlite":
        folder = tempfile.mkdtemp(prefix="yingji-scratch-")
        settings["NAME"] = os.path.join(folder, "scratch.sqlite3")
    elif original.vendor == "postgresql":
        schema = f"scratch_{uuid.uuid4().hex[:12]}"
        options = dict(settings.get("OPTIONS") or {})
        options["options"] = f"-c search_path={schema}"
        settings["OPTIONS"] = options
    else:  # pragma: no cover - the two engines the project supports
        raise NotImplementedError(original.vendor)
    scratch = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, "default")
    if schema:
        with scratch.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{schema}"')
    connections["default"] = scratch
    try:
        yield
    finally:
        connections["default"] = original
        try:
            if schema:
                with scratch.cursor() as cursor:
                    cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')
        finally:
            scratch.close()
            if folder:
                shutil.rmtree(folder, ignore_errors=True)
            from django.contrib.contenttypes.models import ContentType

            ContentType.objects.clear_cache()  # ids read in the scratch database mean nothing in the real one


def _value(field: models.Field):
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DecimalField):
        return decimal.Decimal(1)
    if isinstance(field, models.IntegerField | models.FloatField):
        return 1
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return datetime.date(2026, 1, 1)
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, models.CharField | models.TextField):
        return uuid.uuid4().hex[: min(12, field.max_length or 12)]
    raise NotImplementedError(f"no minimal value for {field!r}")


def minimal(model, **values):
    """A saved row of ``model`` (a historical model of a migration state) with ``values`` and every other field
    that has neither a default nor null allowed filled with a plain value; required foreign keys get a minimal
    row of their own."""
    for field in model._meta.concrete_fields:
        if field.name in values or field.attname in values or field.primary_key or field.null:
            continue
        if field.has_default() or getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        if getattr(field, "generated", False):
            continue
        if field.is_relation:
            values[field.name] = minimal(field.related_model)
        else:
            values[field.name] = _value(field)
    return model.objects.create(**values)


def migrate(targets):
    """Migrate the default connection to ``targets`` (forward or back) and return the apps of that state."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps
