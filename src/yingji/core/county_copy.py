"""A county's records copied under another county's code: a simulated city (10 counties of the demo county) for
the city dashboards' benchmark and for trying a city installation out. Not for real data.

The copy is generic, read off the models (core names no domain app):
- which rows belong to the county: rows whose own region column (``SCOPE_REGION_FIELD``, a region's ``code``)
  lies in the county, and rows that hang on such a row through a foreign key (a hazard's events, a sensor's
  readings), found by a fixpoint over the models in SQL;
- each copied row gets its primary key plus an offset (``slot`` × 10⁸), and every foreign key to a copied row the
  same offset; a foreign key to a row left alone (the city, a catalogue entry) is kept;
- text (and JSON) has the county's code and name replaced by the new county's; where a unique key would still
  collide (a user name, a station code without the county code in it), a text field of that key gets a suffix
  (``@<code>``), a unique UUID a new random value, or failing those an integer serial an offset;
- the audit trail, tokens and job bookkeeping are not copied.

One ``INSERT … SELECT`` per table, in one transaction; foreign keys are checked at commit (Django creates them
deferred).
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection, models, transaction

from yingji.standards import gb2260

#: Each copy's primary keys: source key + slot × OFFSET (a county's tables stay far below it).
OFFSET = 10**8
#: Models never copied: the audit trail, credentials and bookkeeping of the installation.
SKIPPED = {"core.auditrecord", "core.apitoken", "core.periodicjobrun"}


def _region_column(model) -> str | None:
    """The model's own region code column (no relation), if it has one."""
    name = "code" if model._meta.label_lower == "core.region" else getattr(model, "SCOPE_REGION_FIELD", None)
    if not name or "__" in name:
        name = "region_code" if any(f.name == "region_code" for f in model._meta.concrete_fields) else None
    if not name:
        return None
    field = model._meta.get_field(name)
    return field.column if isinstance(field, models.CharField) else None


def _ours(model) -> bool:
    label = model._meta.label_lower
    if label in SKIPPED or not model._meta.managed or model._meta.proxy:
        return False
    if model._meta.auto_created:
        return any(f.related_model is not None and f.related_model.__module__.startswith("yingji.")
                   for f in model._meta.concrete_fields)
    return model.__module__.startswith("yingji.")


def _foreign_keys(model) -> list[models.ForeignKey]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]


def _models() -> list:
    """The models whose rows may belong to a county: those with a region column, and those with a foreign key to
    one of those (transitively)."""
    candidates = [m for m in apps.get_models(include_auto_created=True) if _ours(m)]
    chosen = {m for m in candidates if _region_column(m)}
    changed = True
    while changed:
        changed = False
        for m in candidates:
            if m not in chosen and any(f.related_model in chosen for f in _foreign_keys(m) if not f.null):
                chosen.add(m)
                changed = True
    return [m for m in candidates if m in chosen]


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _ids_table(model) -> str:
    return f"yj_copy_{model._meta.db_table}"[:60]


def _unique_sets(model) -> list[tuple[str, ...]]:
    sets = [(f.name,) for f in model._meta.concrete_fields if f.unique and not f.primary_key]
    sets += [tuple(s) for s in model._meta.unique_together]
    sets += [tuple(c.fields) for c in model._meta.constraints
             if isinstance(c, models.UniqueConstraint) and c.fields]
    return sets


def copy_county(source: str, target: str, target_name: str, slot: int, kind: str | None = None) -> dict[str, int]:
    """Copy county ``source`` (6 digits) as county ``target`` named ``target_name``; ``slot`` (1, 2, …) picks the
    primary-key offset; ``kind``: the new county's kind (县, 市辖区…; default the source's). Returns the rows copied
    per model label. Raises ValueError for a bad code or a target that
    exists."""
    from .models import Region

    for code in (source, target):
        if not gb2260.is_code(code) or gb2260.level(code) != gb2260.COUNTY:
            raise ValueError(f"{code!r} is not a county code")
    if gb2260.ancestors(source)[1] != gb2260.ancestors(target)[1]:  # their cities
        raise ValueError(f"{target} is not in the same city as {source}")
    if not 1 <= slot < 90:
        raise ValueError("slot must be between 1 and 89")
    if Region.objects.filter(code=target).exists():
        raise ValueError(f"Region {target} exists already")
    source_name = Region.objects.get(code=source).name
    offset = slot * OFFSET
    chosen = _models()
    vendor = connection.vendor
    copied: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        # Which rows belong to the county: a fixpoint over the region columns and the foreign keys.
        for m in chosen:
            table = _ids_table(m)
            cursor.execute(f"DROP TABLE IF EXISTS {_q(table)}")
            cursor.execute(f"CREATE TEMPORARY TABLE {_q(table)} (id BIGINT PRIMARY KEY)")
        grown = True
        while grown:
            grown = False
            for m in chosen:
                pk = _q(m._meta.pk.column)
                where = []
                column = _region_column(m)
                if column:
                    where.append(f"{_q(column)} LIKE %s")
                for f in _foreign_keys(m):
                    if f.related_model in chosen:
                        where.append(f"{_q(f.column)} IN (SELECT id FROM {_q(_ids_table(f.related_model))})")  # noqa: S608  names from model metadata
                if not where:
                    continue
                ids = _q(_ids_table(m))
                cursor.execute(
                    f"INSERT INTO {ids} (id) SELECT {pk} FROM {_q(m._meta.db_table)} "  # noqa: S608  names from model metadata
                    f"WHERE ({' OR '.join(where)}) AND {pk} NOT IN (SELECT id FROM {ids})",
                    [source + "%"] if column else [])
                grown = grown or cursor.rowcount > 0
        for m in chosen:
            copied[m._meta.label] = _copy_rows(cursor, m, chosen, source, target, source_name, target_name,
                                               offset, slot, vendor)
        for m in chosen:
            cursor.execute(f"DROP TABLE IF EXISTS {_q(_ids_table(m))}")
        if kind is not None:
            Region.objects.filter(code=target).update(kind=kind)
    return {k: v for k, v in copied.items() if v}


def _copy_rows(cursor, model, chosen, source, target, source_name, target_name, offset, slot, vendor) -> int:
    fixes = _unique_fixes(model, chosen, source)
    columns, values, params = [], [], []
    for f in model._meta.concrete_fields:
        if getattr(f, "generated", False):
            continue  # computed by the database
        col = _q(f.column)
        columns.append(col)
        target_model = f.related_model if isinstance(f, models.ForeignKey) else None
        if f.primary_key and target_model is None:
            values.append(f"{col} + {offset}")
        elif target_model is not None and target_model in chosen:
            ids = _q(_ids_table(target_model))
            values.append(f"CASE WHEN {col} IN (SELECT id FROM {ids}) THEN {col} + {offset} ELSE {col} END")  # noqa: S608
        elif isinstance(f, models.JSONField):
            text = f"CAST({col} AS TEXT)" if vendor == "postgresql" else col
            replaced = f"REPLACE(REPLACE({text}, %s, %s), %s, %s)"
            values.append(f"CAST({replaced} AS JSONB)" if vendor == "postgresql" else replaced)
            params += [source, target, source_name, target_name]
        elif isinstance(f, models.CharField | models.TextField) and not f.choices:
            replaced = f"REPLACE(REPLACE({col}, %s, %s), %s, %s)"
            rparams = [source, target, source_name, target_name]
            if f.name in fixes:
                suffix = f"@{target}"
                keep = (f.max_length or 10_000) - len(suffix)
                replaced = (f"CASE WHEN {col} LIKE %s THEN {replaced} "
                            f"ELSE SUBSTR({replaced}, 1, {keep}) || %s END")
                rparams = [f"%{source}%", *rparams, *rparams, suffix]
            values.append(replaced)
            params += rparams
        elif f.name in fixes and isinstance(f, models.UUIDField):
            values.append("gen_random_uuid()" if vendor == "postgresql" else "lower(hex(randomblob(16)))")
        elif f.name in fixes and isinstance(f, models.IntegerField):
            values.append(f"{col} + {slot * 100_000}")
        else:
            values.append(col)
    pk = _q(model._meta.pk.column)
    cursor.execute(
        f"INSERT INTO {_q(model._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608  names from model metadata
        f"SELECT {', '.join(values)} FROM {_q(model._meta.db_table)} "
        f"WHERE {pk} IN (SELECT id FROM {_q(_ids_table(model))})", params)
    return cursor.rowcount


def _unique_fixes(model, chosen, source) -> set[str]:
    """The fields to alter so that each unique key of a copied row differs from its source row's: none where the
    key holds a copied foreign key or the region code; else its first free text field, or an integer serial."""
    fixes: set[str] = set()
    for names in _unique_sets(model):
        fields = [model._meta.get_field(n) for n in names]
        if any(isinstance(f, models.ForeignKey) and f.related_model in chosen or f.primary_key for f in fields):
            continue
        if any(f.column == _region_column(model) for f in fields):
            continue
        text = [f for f in fields if isinstance(f, models.CharField | models.TextField | models.UUIDField)
                 and not f.choices]
        if text:
            fixes.add(text[0].name)
            continue
        numbers = [f for f in fields if isinstance(f, models.IntegerField) and not isinstance(f, models.ForeignKey)
                   and "year" not in f.name]
        if numbers:
            fixes.add(numbers[-1].name)
    return fixes
