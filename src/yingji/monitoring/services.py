"""Monitoring services: stations, reading ingestion (HTTP batch and MQTT share ``ingest``), incremental rule
evaluation, alarms (raised/updated/escalated here, acknowledged/closed by people through ``ALARM_WORKFLOW``) and
the offline check. Other apps (warnings) use ``alarm_summary`` rather than the models."""

from __future__ import annotations

import math
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from yingji.core import audit, policy, textpolicy, values
from yingji.core.choices import AuditAction, Role
from yingji.core.errors import ValidationFailed
from yingji.core.models import User
from yingji.core.notifications import notify
from yingji.core.services import create_object, update_object
from yingji.core.workflow import Transition, Workflow
from yingji.standards import rainstorm

from . import partitions
from .choices import AlarmEventKind, AlarmLevel, AlarmState, RuleKind, StationStatus, StationType
from .models import (
    ALARM_HANDLERS,
    BUCKET_SECONDS,
    Alarm,
    AlarmEvent,
    LatestValue,
    Reading,
    Rule,
    Sensor,
    SensorBucket,
    Station,
)

MAX_BATCH = 10_000
MAX_FUTURE = timedelta(minutes=5)
MAX_WINDOW = timedelta(hours=24)

# --- stations ---------------------------------------------------------------------------------------------------


def _sensor_rows(station: Station, sensors: Iterable[Mapping[str, Any]]) -> list[Sensor]:
    rows, keys = [], set()
    for i, data in enumerate(sensors):
        key = data.get("key")
        if key in keys:
            raise ValidationFailed.from_dict({f"sensors.{i}.key": [f"Duplicate sensor key {key!r}"]})
        keys.add(key)
        lo, hi = data.get("valid_min"), data.get("valid_max")
        if lo is not None and hi is not None and lo > hi:
            raise ValidationFailed.from_dict({f"sensors.{i}.valid_max": ["Must not be below the valid minimum"]})
        rows.append(Sensor(station=station, key=key, name=data.get("name") or "", unit=data.get("unit") or "",
                           valid_min=lo, valid_max=hi, cumulative=bool(data.get("cumulative", False))))
    return rows


def create_station(actor, data: Mapping[str, Any]) -> Station:
    """Create a station with its sensors (audited)."""
    data = dict(data)
    sensors = data.pop("sensors", None) or []
    with transaction.atomic():
        station = create_object(actor, Station, data)
        Sensor.objects.bulk_create(_sensor_rows(station, sensors))
    return station


def update_station(actor, station: Station, data: Mapping[str, Any]) -> Station:
    """Update station fields; ``sensors`` given adds new keys and updates existing ones (never deletes)."""
    data = dict(data)
    sensors = data.pop("sensors", None)
    with transaction.atomic():
        station = update_object(actor, station, data)
        if sensors is not None:
            existing = {s.key: s for s in station.sensors.all()}
            rows = _sensor_rows(station, sensors)
            for row in rows:
                old = existing.get(row.key)
                if old is None:
                    row.save()
                else:
                    row.pk = old.pk
                    row.save()
    return station


# --- ingestion --------------------------------------------------------------------------------------------------


@dataclass
class IngestResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[dict] = field(default_factory=list)
    alarms: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"accepted": self.accepted, "duplicates": self.duplicates, "rejected": self.rejected}


class SensorRow(NamedTuple):
    """What ingestion reads of a sensor (a row, not a model instance: a batch names hundreds of sensors)."""

    id: int
    station_id: int
    key: str
    unit: str
    cumulative: bool
    valid_min: float | None
    valid_max: float | None

    @property
    def pk(self) -> int:
        return self.id


@dataclass(slots=True)
class Incoming:
    """A validated reading on its way in (a light row: building ``Reading`` instances cost more than storing them)."""

    station_id: int
    sensor_id: int
    ts: datetime
    value: float
    client_id: str | None
    sensor_obj: SensorRow


def _parse_ts(value: Any) -> datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError("ts must be an ISO-8601 date-time string")
    try:
        ts = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("ts is not an ISO-8601 date-time") from None
    try:
        return values.check_datetime(ts)  # the accepted range; without an offset: the county's time zone
    except values.ValueRejected as exc:
        raise ValueError(f"ts: {exc}") from None


def _checked_ts(value: Any, latest_allowed: datetime) -> datetime | str:
    """The reading time ``value`` names, or the reason it is refused."""
    try:
        ts = _parse_ts(value)
    except ValueError as exc:
        return str(exc)
    return "timestamp is more than 5 minutes in the future" if ts > latest_allowed else ts


_FLOAT_MAX = sys.float_info.max


def _is_text(value: Any) -> bool:
    """A string the text policy accepts (no lone surrogate, which JSON can carry, no NUL or control character)."""
    return isinstance(value, str) and not textpolicy.problem(value)


def _parse_value(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("value must be a number")
    try:
        number = float(value)
    except OverflowError:  # an integer beyond any float (the standard JSON decoder takes any length)
        raise ValueError("value must be a finite number") from None
    if not math.isfinite(number):
        raise ValueError("value must be a finite number")
    return number


def bucket_start(ts: datetime) -> datetime:
    seconds = int(ts.timestamp() // BUCKET_SECONDS) * BUCKET_SECONDS
    return datetime.fromtimestamp(seconds, tz=UTC)


def _stations_for(actor, codes: set[str]) -> dict[str, Station]:
    qs = Station.objects.all() if actor is None else Station.objects.for_user(actor, "ingest")
    return {s.code: s for s in qs.filter(code__in=codes).exclude(status=StationStatus.RETIRED)}


def ingest(actor, items: Sequence[Any], *, now: datetime | None = None) -> IngestResult:
    """Store a batch of readings ``{"station", "sensor", "ts", "value", "id"?}``: reject invalid items with a
    reason, store the valid rest in bulk exactly once (unique (sensor, ts) and client id), keep the latest values
    and rolling buckets, and evaluate the rules on what was stored. ``actor`` None is the trusted MQTT worker;
    for a person or token, stations outside their scope (or their ``ingest`` grant) count as unknown."""
    if len(items) > MAX_BATCH:
        raise ValidationFailed.from_dict({"": [f"At most {MAX_BATCH} readings per batch"]})
    if actor is not None:
        policy.require(actor, "ingest", Station)
    now = now or timezone.now()
    latest_allowed = now + MAX_FUTURE
    result = IngestResult()
    # Station codes and sensor keys are looked up among the known ones, so only the batch's few distinct codes
    # go through the text policy (they become query parameters); a reading's fields are checked by type.
    codes = {code for item in items if type(item) is dict and type(code := item.get("station")) is str}
    stations = _stations_for(actor, {code for code in codes if _is_text(code)})
    station_ids = [s.id for s in stations.values()]
    codes_by_id = {s.id: code for code, s in stations.items()}
    # (station code, sensor key) -> (station, sensor, lowest, highest): one lookup per reading; a sensor without a
    # bound gets the largest finite float, so one chained comparison also refuses infinities (and NaN).
    sensors = {(codes_by_id[s.station_id], s.key): (
        stations[codes_by_id[s.station_id]], s, -_FLOAT_MAX if s.valid_min is None else s.valid_min,
        _FLOAT_MAX if s.valid_max is None else s.valid_max)
        for s in map(SensorRow._make, Sensor.objects.filter(station_id__in=station_ids).order_by().values_list(
            *SensorRow._fields))}
    valid: list[Incoming] = []
    seen_keys: set[tuple[int, datetime]] = set()
    seen_ids: set[str] = set()
    # A batch holds few distinct times (many sensors at each step): each is parsed and checked once, and its
    # answer kept, the time or the reason it is refused.
    times: dict[str, datetime | str] = {}
    rejected = result.rejected
    for index, item in enumerate(items):
        try:
            if type(item) is not dict:
                raise ValueError("each reading must be an object")
            code = item.get("station")
            try:
                found = sensors.get((code, item.get("sensor")))
            except TypeError:  # an unhashable code or key (a list, an object) names nothing
                found = None
            if found is None:
                raise ValueError("unknown sensor" if type(code) is str and code in stations else "unknown station")
            station, sensor, lowest, highest = found
            raw_ts = item.get("ts")
            ts = times.get(raw_ts) if type(raw_ts) is str else None
            if ts is None:
                ts = _checked_ts(raw_ts, latest_allowed)
                if type(raw_ts) is str:
                    times[raw_ts] = ts
            if type(ts) is str:
                raise ValueError(ts)
            value = item.get("value")
            if type(value) is not float:
                value = _parse_value(value)
            if not lowest <= value <= highest:
                if not math.isfinite(value):
                    raise ValueError("value must be a finite number")
                if value < lowest:
                    raise ValueError(f"value below the valid range (min {sensor.valid_min:g})")
                raise ValueError(f"value above the valid range (max {sensor.valid_max:g})")
            client_id = item.get("id")
            if client_id is not None:
                if isinstance(client_id, bool) or not isinstance(client_id, str | int) or not str(client_id) \
                        or len(str(client_id)) > 64 or not _is_text(str(client_id)):
                    raise ValueError("id must be a string of 1-64 characters")
                client_id = str(client_id)
        except ValueError as exc:
            rejected.append({"index": index, "reason": str(exc)})
            continue
        key = (sensor.id, ts)
        if key in seen_keys or (client_id is not None and client_id in seen_ids):
            result.duplicates += 1
            continue
        seen_keys.add(key)
        if client_id is not None:
            seen_ids.add(client_id)
        valid.append(Incoming(station.id, sensor.id, ts, value, client_id, sensor))
    if not valid:
        return result
    with transaction.atomic():
        # Lock the batch's sensors (PostgreSQL; SQLite writers are serialised by IMMEDIATE transactions) so that
        # the latest values and the rule evaluation see this batch's readings in order under concurrent ingestion.
        if connection.features.has_select_for_update:
            sensor_ids = sorted({r.sensor_id for r in valid})
            list(Sensor.objects.select_for_update().filter(pk__in=sensor_ids).order_by("pk").values_list("pk"))
        if partitions.is_partitioned():
            # Partitioned readings (PostgreSQL) can only hold a client id unique per time: an id stored before
            # with another time is found here (an index probe per month), under the sensors' locks above.
            known = _stored_client_ids([r.client_id for r in valid if r.client_id is not None])
            if known:
                kept = [r for r in valid if r.client_id not in known]
                result.duplicates += len(valid) - len(kept)
                valid = kept
        new = _insert_new(valid, now) if valid else []
        result.duplicates += len(valid) - len(new)
        result.accepted = len(new)
        if new:
            result.alarms = _after_store(new, stations, now)
    return result


def _stored_client_ids(client_ids: list[str]) -> set[str]:
    if not client_ids:
        return set()
    return set(Reading.objects.filter(client_id__in=client_ids).values_list("client_id", flat=True))


#: Rows per multi-row INSERT (6 parameters each; well under SQLite's and PostgreSQL's parameter limits).
INSERT_CHUNK = 1000


def _bulk_cursor():
    """A cursor for the large multi-row statements below. On PostgreSQL a server-side-binding psycopg cursor:
    Django's client-side-binding cursor re-parses a statement of thousands of placeholders on every call (psycopg
    caches the parse only for server-side binding), which the profile showed as the largest cost per batch. Django's
    execute wrappers (query logging) do not see these statements."""
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        return psycopg.Cursor(connection.connection)
    return connection.cursor()


def _datetime_adapter():
    """The database value of an aware datetime, as ``connection.ops.adapt_datetimefield_value`` computes it, without
    its per-call checks (SQLite stores naive text in the connection's time zone; PostgreSQL takes it as is)."""
    if connection.vendor == "sqlite":
        tz = connection.timezone
        return lambda ts: str(ts.astimezone(tz).replace(tzinfo=None))
    return connection.ops.adapt_datetimefield_value


def _insert_new(readings: list[Incoming], received_at: datetime) -> list[Incoming]:
    """Insert the readings, skipping any already stored (same sensor and time, or same client id), and return
    those actually inserted. The database's unique keys decide what is new, exactly, also under concurrency.

    Most batches hold nothing stored before (a retry or a redelivery is the exception), so the batch first goes in
    with the driver's plain bulk path, ``executemany`` (SQLite) or ``COPY`` (PostgreSQL), inside a savepoint: if
    that succeeds, every reading was new. If a unique key refuses it, the savepoint is rolled back and the batch
    goes in again through a statement that skips what is already stored (``ON CONFLICT DO NOTHING RETURNING``)."""
    table = connection.ops.quote_name(Reading._meta.db_table)
    try:
        with transaction.atomic():
            _insert_all(readings, received_at, table)
        return readings
    except IntegrityError:
        pass
    if connection.vendor == "postgresql":
        return _copy_new(readings, received_at, table)
    return _insert_skipping(readings, received_at, table)


_COLUMNS = "station_id, sensor_id, ts, value, client_id, received_at"


def _insert_all(readings: list[Incoming], received_at: datetime, table: str) -> None:
    """Every reading in one bulk insert; an ``IntegrityError`` if any is already stored."""
    if connection.vendor == "postgresql":
        import psycopg

        try:
            with _bulk_cursor() as cursor:
                _copy_rows(cursor, table, readings, received_at)
        except psycopg.errors.UniqueViolation as exc:
            raise IntegrityError(str(exc)) from exc
        return
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s)",  # noqa: S608  names from model metadata
                           _sqlite_rows(readings, received_at))


def _sqlite_rows(readings: list[Incoming], received_at: datetime) -> list[tuple]:
    """The readings as SQLite column values (``_COLUMNS``), each distinct time adapted once."""
    adapt = _datetime_adapter()
    received = adapt(received_at)
    adapted: dict[datetime, Any] = {}
    rows = []
    for r in readings:
        ts = adapted.get(r.ts)
        if ts is None:
            ts = adapted[r.ts] = adapt(r.ts)
        rows.append((r.station_id, r.sensor_id, ts, r.value, r.client_id, received))
    return rows


def _copy_rows(cursor, table: str, readings: list[Incoming], received_at: datetime) -> None:
    """PostgreSQL: the readings into ``table`` (``_COLUMNS``) with ``COPY``."""
    with cursor.copy(f"COPY {table} ({_COLUMNS}) FROM STDIN") as copy:
        for r in readings:
            copy.write_row((r.station_id, r.sensor_id, r.ts, r.value, r.client_id, received_at))


def _insert_skipping(readings: list[Incoming], received_at: datetime, table: str) -> list[Incoming]:
    """SQLite: one multi-row ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` per chunk; the rows it returns are the
    readings actually inserted."""
    rows = _sqlite_rows(readings, received_at)
    keyed = {(row[1], row[2]): r for r, row in zip(readings, rows, strict=True)}
    params = [value for row in rows for value in row]
    inserted: list[Incoming] = []
    # The time comes back as it was sent: the stored text (the cast skips the driver's datetime parsing).
    with connection.cursor() as cursor:
        for start in range(0, len(readings), INSERT_CHUNK):
            chunk = params[start * 6:(start + INSERT_CHUNK) * 6]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * (len(chunk) // 6))
            cursor.execute(f"INSERT INTO {table} ({_COLUMNS}) "  # noqa: S608  names from model metadata
                           f"VALUES {values} ON CONFLICT DO NOTHING RETURNING sensor_id, CAST(ts AS TEXT)", chunk)
            inserted += [keyed[key] for key in cursor.fetchall()]
    return inserted


#: The session's staging table of the PostgreSQL path (emptied at every commit).
STAGING = "yingji_incoming_readings"


def _copy_new(readings: list[Incoming], received_at: datetime, table: str) -> list[Incoming]:
    """PostgreSQL, a batch holding readings already stored: the batch goes in with ``COPY`` into a session-local
    staging table, then one ``INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING`` lets the unique keys decide what
    is new (also between concurrent batches). A multi-row INSERT's parameter handling cost three times as much."""
    columns = _COLUMNS
    keyed = {(r.sensor_id, r.ts): r for r in readings}
    with _bulk_cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGING} (station_id bigint, sensor_id bigint, "
                       "ts timestamptz, value double precision, client_id varchar(64), received_at timestamptz) "
                       "ON COMMIT DELETE ROWS")
        _copy_rows(cursor, STAGING, readings, received_at)
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {STAGING} "  # noqa: S608  names from model metadata
                       "ON CONFLICT DO NOTHING RETURNING sensor_id, ts")
        inserted = [keyed[key] for key in cursor.fetchall()]
        cursor.execute(f"TRUNCATE {STAGING}")
    return inserted


def _after_store(new: list[Incoming], stations: Mapping[str, Station], now: datetime) -> list[int]:
    by_sensor: dict[int, list[Incoming]] = defaultdict(list)
    for r in new:
        by_sensor[r.sensor_id].append(r)
    for rows in by_sensor.values():
        rows.sort(key=lambda r: r.ts)
    previous = _update_latest(by_sensor)
    _update_station_times(by_sensor)
    cumulative = {sid for sid, rows in by_sensor.items() if rows[0].sensor_obj.cumulative}
    _add_to_buckets({sid: by_sensor[sid] for sid in cumulative})
    close_offline_alarms({rows[0].station_id for rows in by_sensor.values()}, now)
    return evaluate(by_sensor, previous, {s.pk: s for s in stations.values()}, now)


def _execute_rows(sql_head: str, rows: list[tuple], sql_tail: str = "", pg_types: tuple[str, ...] = ()) -> None:
    """``sql_head VALUES (...), (...) sql_tail`` in chunks: one statement per chunk (``executemany`` sends one per
    row, which psycopg pays for on every row). On PostgreSQL, with the columns' ``pg_types``, one statement whatever
    the number of rows, ``sql_head SELECT * FROM unnest(%s::type[], …) sql_tail``, each column one array parameter:
    a statement of thousands of placeholders cost psycopg 2 ms a statement to split on the client (its parse cache
    skips long statements) and the server more to parse than the arrays (measured: 300 rows, 7 ms against 5)."""
    if not rows:
        return
    if pg_types and connection.vendor == "postgresql":
        arrays = ", ".join(f"%s::{t}[]" for t in pg_types)
        # psycopg refuses a list mixing ints and floats: a float column's values are floats.
        columns = [[None if v is None else float(v) for v in column] if t == "float8" else list(column)
                   for t, column in zip(pg_types, zip(*rows, strict=True), strict=True)]
        with _bulk_cursor() as cursor:
            cursor.execute(f"{sql_head} SELECT * FROM unnest({arrays}) {sql_tail}", columns)  # noqa: S608  names from model metadata
        return
    placeholders = "(" + ", ".join(["%s"] * len(rows[0])) + ")"
    with _bulk_cursor() as cursor:
        for start in range(0, len(rows), INSERT_CHUNK):
            chunk = rows[start:start + INSERT_CHUNK]
            cursor.execute(f"{sql_head} VALUES {', '.join([placeholders] * len(chunk))} {sql_tail}",
                           [v for row in chunk for v in row])


def _update_latest(by_sensor: Mapping[int, list[Incoming]]) -> dict[int, tuple[datetime, float] | None]:
    """Move each sensor's latest value forward; return the latest before this batch (for the rate rule). One read
    and one upsert for all sensors (``bulk_update``'s CASE expressions cost more than the updates)."""
    current = {sid: (ts, value) for sid, ts, value in LatestValue.objects.filter(
        sensor_id__in=list(by_sensor)).values_list("sensor_id", "ts", "value")}
    previous, rows = {}, []
    adapt = _datetime_adapter()
    for sid, readings in by_sensor.items():
        newest = readings[-1]
        before = readings[-2] if len(readings) > 1 else None
        old = current.get(sid)
        previous[sid] = old
        if old is None:
            prev_ts, prev_value = (before.ts, before.value) if before else (None, None)
        elif newest.ts > old[0]:
            prev_ts, prev_value = (before.ts, before.value) if before and before.ts > old[0] else old
        else:
            continue
        rows.append((sid, adapt(newest.ts), newest.value, adapt(prev_ts) if prev_ts else None, prev_value))
    _execute_rows(f"INSERT INTO {connection.ops.quote_name(LatestValue._meta.db_table)} "
                  "(sensor_id, ts, value, prev_ts, prev_value)", rows,
                  "ON CONFLICT (sensor_id) DO UPDATE SET ts = excluded.ts, value = excluded.value, "
                  "prev_ts = excluded.prev_ts, prev_value = excluded.prev_value",
                  pg_types=("bigint", "timestamptz", "float8", "timestamptz", "float8"))
    return previous


def _update_station_times(by_sensor: Mapping[int, list[Incoming]]) -> None:
    """Move the stations' last reading time forward: one UPDATE with a CASE per chunk of stations (one UPDATE per
    station was the largest cost on PostgreSQL when a batch's readings carry many different times)."""
    newest: dict[int, datetime] = {}
    for rows in by_sensor.values():
        sid, ts = rows[-1].station_id, rows[-1].ts
        newest[sid] = max(ts, newest.get(sid, ts))
    adapt = _datetime_adapter()
    items = [(station_id, adapt(ts)) for station_id, ts in newest.items()]
    table = connection.ops.quote_name(Station._meta.db_table)
    if connection.vendor == "postgresql":  # one statement, two array parameters (see _execute_rows)
        with _bulk_cursor() as cursor:
            cursor.execute(f"UPDATE {table} AS s SET last_reading_at = v.ts "  # noqa: S608  names from model metadata
                           "FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, ts) "
                           "WHERE s.id = v.id AND (s.last_reading_at IS NULL OR s.last_reading_at < v.ts)",
                           [[i for i, _ts in items], [ts for _i, ts in items]])
        return
    with _bulk_cursor() as cursor:
        for start in range(0, len(items), 300):
            chunk = items[start:start + 300]
            cases = " ".join(["WHEN id = %s AND (last_reading_at IS NULL OR last_reading_at < %s) THEN %s"]
                             * len(chunk))
            cursor.execute(f"UPDATE {table} SET last_reading_at = CASE {cases} ELSE last_reading_at END "  # noqa: S608  names from model metadata
                           f"WHERE id IN ({', '.join(['%s'] * len(chunk))})",
                           [v for station_id, ts in chunk for v in (station_id, ts, ts)]
                           + [station_id for station_id, _ts in chunk])


def _add_to_buckets(by_sensor: Mapping[int, list[Incoming]]) -> None:
    """Add the readings to their sensors' buckets: one multi-row upsert, atomic in the database."""
    increments: dict[tuple[int, datetime], list[float]] = defaultdict(lambda: [0.0, 0])
    starts: dict[datetime, datetime] = {}  # a batch holds few distinct times
    for sid, rows in by_sensor.items():
        for r in rows:
            start = starts.get(r.ts)
            if start is None:
                start = starts[r.ts] = bucket_start(r.ts)
            inc = increments[(sid, start)]
            inc[0] += r.value
            inc[1] += 1
    ops = connection.ops
    adapt = _datetime_adapter()
    table, count = ops.quote_name(SensorBucket._meta.db_table), ops.quote_name("count")
    _execute_rows(f"INSERT INTO {table} (sensor_id, start, total, {count})",
                  [(sid, adapt(start), total, n) for (sid, start), (total, n) in increments.items()],
                  f"ON CONFLICT (sensor_id, start) DO UPDATE SET total = {table}.total + excluded.total, "
                  f"{count} = {table}.{count} + excluded.{count}",
                  pg_types=("bigint", "timestamptz", "float8", "integer"))


def rolling_sums(sensor_ids: Iterable[int], at: Mapping[int, datetime] | datetime,
                 hours: Iterable[int] = (1, 3, 6, 12, 24)) -> dict[int, dict[int, float]]:
    """Rolling accumulations of cumulative sensors from their buckets: the window of ``h`` hours at time ``t``
    covers the ``h`` hours of buckets ending with the bucket that contains ``t`` (resolution ``BUCKET_SECONDS``).
    The database sums the windows (one aggregate query per distinct end bucket, usually one for a whole batch),
    so one row per sensor comes back rather than a day of buckets; no raw readings are read."""
    sensor_ids = list(sensor_ids)
    hours = sorted(hours)
    ends = {sid: bucket_start(at[sid] if isinstance(at, Mapping) else at) for sid in sensor_ids}
    sums = {sid: dict.fromkeys(hours, 0.0) for sid in sensor_ids}
    by_end: dict[datetime, list[int]] = defaultdict(list)
    for sid, end in ends.items():
        by_end[end].append(sid)
    for end, sids in by_end.items():
        windows = {f"h{h}": Sum("total", filter=Q(start__gt=end - timedelta(hours=h))) for h in hours}
        rows = (SensorBucket.objects.filter(sensor_id__in=sids, start__gt=end - timedelta(hours=hours[-1]),
                                            start__lte=end)
                .order_by().values("sensor_id").annotate(**windows))
        for row in rows:
            sums[row["sensor_id"]] = {h: row[f"h{h}"] or 0.0 for h in hours}
    return sums


# --- rules and alarms --------------------------------------------------------------------------------------------


@dataclass
class Trigger:
    level: str
    value: float
    ts: datetime
    message: str = ""


def _applicable(rules: list[Rule], station: Station, sensor_key: str) -> list[Rule]:
    return [r for r in rules if r.sensor_key == sensor_key and (
        r.station_id == station.pk if r.station_id else r.station_type in ("", station.type))]


def _threshold_triggers(rule: Rule, rows: list[Incoming]) -> list[Trigger]:
    unit = rows[0].sensor_obj.unit if rows else ""
    above = rule.kind == RuleKind.ABOVE
    text = (_("%(value)s %(unit)s, at or above %(threshold)s %(unit)s") if above
            else _("%(value)s %(unit)s, at or below %(threshold)s %(unit)s"))
    return [Trigger(rule.level, r.value, r.ts,
                    text % {"value": _number(r.value), "unit": unit, "threshold": _number(rule.threshold)})
            for r in rows if (r.value >= rule.threshold if above else r.value <= rule.threshold)]


def _number(value: float) -> str:
    """A reading for people: at most three decimals, no trailing zeros."""
    return f"{value:.3f}".rstrip("0").rstrip(".") if math.isfinite(value) else str(value)


def _rate_message(per_hour: float, unit: str, minutes: float) -> str:
    values = {"rate": _number(abs(per_hour)), "unit": unit, "minutes": _number(round(minutes, 1))}
    if per_hour >= 0:
        return _("rising %(rate)s %(unit)s/h (over %(minutes)s min)") % values
    return _("falling %(rate)s %(unit)s/h (over %(minutes)s min)") % values


def _rate_triggers(rule: Rule, rows: list[Incoming], before: tuple[datetime, float] | None) -> list[Trigger]:
    """Rate of change per hour over the real time between consecutive readings (never an assumed interval)."""
    triggers = []
    prev = before
    unit = rows[0].sensor_obj.unit if rows else ""
    for r in rows:
        if prev is not None and r.ts > prev[0]:
            seconds = (r.ts - prev[0]).total_seconds()
            per_hour = (r.value - prev[1]) / (seconds / 3600)
            if (rule.threshold >= 0 and per_hour >= rule.threshold) or (rule.threshold < 0
                                                                         and per_hour <= rule.threshold):
                triggers.append(Trigger(rule.level, round(per_hour, 6), r.ts,
                                        _rate_message(per_hour, unit, seconds / 60)))
        if prev is None or r.ts > prev[0]:
            prev = (r.ts, r.value)
    return triggers


def evaluate(by_sensor: Mapping[int, list[Incoming]], previous: Mapping[int, tuple[datetime, float] | None],
             stations: Mapping[int, Station], now: datetime) -> list[int]:
    """Evaluate the enabled rules on the readings just stored (per sensor, sorted by time). Threshold and rate
    rules look at each new reading; rolling and rainstorm rules at the sensor's rolling sums as of its newest
    reading. Returns the ids of alarms raised or escalated."""
    rules = list(Rule.objects.filter(enabled=True).exclude(kind=RuleKind.NO_DATA))
    if not rules:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        return _evaluate(rules, by_sensor, previous, stations, now)


def _evaluate(rules, by_sensor, previous, stations, now) -> list[int]:
    plan: list[tuple[Rule, Station, list[Incoming]]] = []
    rolling_sensors: dict[int, datetime] = {}
    windows: set[int] = set()  # only the windows some rule reads are summed (the longest bounds the scan)
    for sid, rows in by_sensor.items():
        sensor = rows[0].sensor_obj
        station = stations.get(rows[0].station_id) or Station.objects.get(pk=rows[0].station_id)
        for rule in _applicable(rules, station, sensor.key):
            plan.append((rule, station, rows))
            if rule.kind == RuleKind.ROLLING_SUM:
                rolling_sensors[sid] = rows[-1].ts
                windows.add(rule.window_hours)
            elif rule.kind == RuleKind.RAINSTORM:
                rolling_sensors[sid] = rows[-1].ts
                windows.update((3, 6, 12))
    sums = rolling_sums(rolling_sensors, rolling_sensors, windows) if rolling_sensors else {}
    pending: list[tuple[Rule, Station, SensorRow, list[Trigger]]] = []
    for rule, station, rows in plan:
        sid = rows[0].sensor_id
        if rule.kind in (RuleKind.ABOVE, RuleKind.BELOW):
            triggers = _threshold_triggers(rule, rows)
        elif rule.kind == RuleKind.RATE:
            triggers = _rate_triggers(rule, rows, previous.get(sid))
        elif rule.kind == RuleKind.ROLLING_SUM:
            total = sums[sid][rule.window_hours]
            triggers = [Trigger(rule.level, round(total, 3), rows[-1].ts, _("%(value)s %(unit)s in %(hours)s h") % {
                "value": f"{total:.1f}", "unit": rows[0].sensor_obj.unit, "hours": rule.window_hours})] \
                if total >= rule.threshold else []
        else:
            s = sums[sid]
            # Below the lowest signal's amount in the longest window no signal is reached (the exact check is
            # the standard's; this only spares it the gauges far from any signal, nearly all of them).
            colour = rainstorm.signal(mm_3h=round(s[3], 6), mm_6h=round(s[6], 6), mm_12h=round(s[12], 6)) \
                if round(s[12], 6) >= rainstorm.LOWEST else None
            triggers = [Trigger(colour, round(s[3], 3), rows[-1].ts,
                                _("rain in 3 h %(mm3)s mm, 6 h %(mm6)s mm, 12 h %(mm12)s mm") % {
                                    "mm3": f"{s[3]:.1f}", "mm6": f"{s[6]:.1f}", "mm12": f"{s[12]:.1f}"})] \
                if colour else []
        if triggers:
            pending.append((rule, station, rows[0].sensor_obj, triggers))
    return _raise_alarms(pending, now)


def _raise_alarms(pending: list[tuple[Rule, Station, SensorRow, list[Trigger]]], now: datetime) -> list[int]:
    """Raise or update the alarms of a batch's triggers together. The active alarms of the batch's (rule, station)
    pairs are read and locked in one query; each one the batch only updates (the common case: a rainstorm goes on
    for hours, every batch updates every gauge's alarm) takes its last value and time, trigger count and message in
    one ``executemany``; the new alarms are opened together (:func:`_open_alarms`); an escalation — rare, recorded
    and notified — goes through :func:`raise_alarm`. One locked read and a statement or two instead of a savepoint,
    a locked read and an update or two inserts per alarm, which halved the ingest rate at 100 active alarms."""
    if not pending:
        return []
    changed: list[int] = []
    with transaction.atomic():
        active = {(a.rule_id, a.station_id): a for a in Alarm.objects.select_for_update().filter(
            state__in=AlarmState.ACTIVE, rule_id__in={rule.pk for rule, *_rest in pending},
            station_id__in={station.pk for _rule, station, *_rest in pending}).only("id", "rule_id", "station_id",
                                                                                    "level")}
        adapt = _datetime_adapter()
        updates, opening, officers = [], [], None
        # A (rule, station) pair comes once per batch: a rule reads one sensor key and a station has one sensor
        # per key (``sensor_unique_key``), so the new alarms cannot collide with each other.
        for item in pending:
            rule, station, sensor, triggers = item
            alarm = active.get((rule.pk, station.pk))
            if alarm is None:
                opening.append(item)
                continue
            top = max(triggers, key=lambda t: _rank(t.level))
            if _rank(top.level) > _rank(alarm.level):
                officers = _duty_officers() if officers is None else officers
                alarm_id = raise_alarm(rule, station, sensor, triggers, now, officers=officers)
                if alarm_id:
                    changed.append(alarm_id)
                continue
            last = triggers[-1]
            updates.append((last.value, adapt(last.ts), len(triggers), (last.message or rule.name)[:300], alarm.pk))
        if updates:
            table = connection.ops.quote_name(Alarm._meta.db_table)
            with _bulk_cursor() as cursor:
                cursor.executemany(f"UPDATE {table} SET last_value = %s, last_at = %s, "  # noqa: S608  names from model metadata
                                   "trigger_count = trigger_count + %s, message = %s WHERE id = %s", updates)
        if opening:
            changed += _open_alarms(opening, now, _duty_officers() if officers is None else officers)
    return changed


def _rank(level: str) -> int:
    return AlarmLevel.RANK.get(level, 0)


def _open_alarms(items: list[tuple[Rule, Station, Sensor | SensorRow | None, list[Trigger]]], now: datetime,
                 officers: list[User] | None = None) -> list[int]:
    """Open one alarm per (rule, station) of ``items`` — none of them has an active alarm (the caller holds that
    read) — with its "raised" event, and tell the responsible people. The alarms and their events go in with one
    ``bulk_create`` each, through the text policy's gate that ``bulk_create`` does not call itself."""
    alarms = []
    for rule, station, sensor, triggers in items:
        top = max(triggers, key=lambda t: _rank(t.level))
        first, last = triggers[0], triggers[-1]
        alarms.append(Alarm(
            station=station, sensor_id=sensor.id if sensor is not None else None, rule=rule,
            region_code=station.region_code,
            enterprise_id=station.enterprise_id, level=top.level, message=(last.message or rule.name)[:300],
            first_value=first.value, first_at=first.ts, last_value=last.value, last_at=last.ts,
            trigger_count=len(triggers), raised_at=now))
    for alarm in alarms:
        textpolicy.refuse_on_save(Alarm, alarm)
    Alarm.objects.bulk_create(alarms)
    AlarmEvent.objects.bulk_create([AlarmEvent(alarm=alarm, time=now, kind=AlarmEventKind.RAISED, level=alarm.level,
                                               value=alarm.first_value, note=alarm.message) for alarm in alarms])
    for alarm, (rule, station, *_rest) in zip(alarms, items, strict=True):
        _notify(alarm, station, rule, officers)
    return [alarm.pk for alarm in alarms]


def raise_alarm(rule: Rule, station: Station, sensor: Sensor | SensorRow | None, triggers: list[Trigger],
                now: datetime, *, officers: list[User] | None = None) -> int | None:
    """Open an alarm for (rule, station) or update the active one: last value/time and trigger count; a higher
    level escalates it (recorded, notified). Returns the alarm id when it was raised or escalated. ``officers``:
    the active duty officers (:func:`_duty_officers`) when the caller raises several alarms at once."""
    top = max(triggers, key=lambda t: _rank(t.level))
    last = triggers[-1]
    with transaction.atomic():
        alarm = (Alarm.objects.select_for_update().filter(rule=rule, station=station,
                                                          state__in=AlarmState.ACTIVE).only("id", "level").first())
        if alarm is None:
            return _open_alarms([(rule, station, sensor, triggers)], now, officers)[0]
        escalate = _rank(top.level) > _rank(alarm.level)
        updates = {"last_value": last.value, "last_at": last.ts, "trigger_count": F("trigger_count") + len(triggers),
                   "message": (last.message or rule.name)[:300]}
        if escalate:
            updates["level"] = top.level
        Alarm.objects.filter(pk=alarm.pk).update(**updates)
        if escalate:
            AlarmEvent.objects.create(alarm=alarm, time=now, kind=AlarmEventKind.ESCALATED, level=top.level,
                                      value=top.value, note=f"{AlarmLevel.label(alarm.level)} → "
                                                            f"{AlarmLevel.label(top.level)}")
            alarm.level = top.level
            _notify(alarm, station, rule, officers)
            return alarm.pk
    return None


def _duty_officers() -> list[User]:
    """The active duty officers of the bureaus (not enterprises' accounts), with a jurisdiction."""
    return list(User.objects.filter(is_active=True, roles__role=Role.DUTY_OFFICER, enterprise__isnull=True)
                .exclude(scope_region_code="").distinct())


def responsible_users(station: Station, officers: list[User] | None = None) -> list[User]:
    """Who is told about a station's alarms. For now: active duty officers whose jurisdiction covers the
    station's region (the responsible-person registry of the warnings app can take over later). ``officers``:
    :func:`_duty_officers` read once for several stations."""
    officers = _duty_officers() if officers is None else officers
    return [u for u in officers if station.region_code.startswith(u.scope_prefix)]


def _notify(alarm: Alarm, station: Station, rule: Rule, officers: list[User] | None = None) -> None:
    level = AlarmLevel.label(alarm.level)
    notify(responsible_users(station, officers), f"[{level}] {station.name}: {rule.name}",
           f"{station.code} {alarm.message}", link=reverse("alarm_detail", args=[alarm.pk]), obj=alarm,
           dedupe_key=f"alarm:{alarm.pk}:{alarm.level}")


def check_offline(now: datetime | None = None) -> list[int]:
    """Raise one offline alarm per station silent for longer than its expected interval times the no-data rule's
    threshold (missed intervals). Idempotent: while the outage lasts the station's active alarm is updated, not
    duplicated, and one a person closed during this outage is not raised again; ``close_offline_alarms`` closes
    it when data returns."""
    now = now or timezone.now()
    rules = list(Rule.objects.filter(enabled=True, kind=RuleKind.NO_DATA).order_by("pk"))
    raised = []
    if not rules:
        return raised
    stations = Station.objects.filter(status=StationStatus.ACTIVE, last_reading_at__isnull=False)
    with translation.override(settings.LANGUAGE_CODE):
        for station in stations.exclude(type=StationType.VIDEO).iterator():
            silent = (now - station.last_reading_at).total_seconds()
            # One alarm a station: its own no-data rule, else its type's, else the general one.
            applicable = [r for r in rules if r.station_id == station.pk] or sorted(
                (r for r in rules if r.station_id is None and r.station_type in ("", station.type)),
                key=lambda r: (r.station_type == "", r.pk))
            for rule in applicable[:1]:
                if silent <= station.expected_interval * rule.threshold:
                    continue
                if Alarm.objects.filter(rule=rule, station=station, state=AlarmState.CLOSED,
                                        closed_by__isnull=False, closed_at__gt=station.last_reading_at).exists():
                    continue
                minutes = round(silent / 60, 1)
                text = _("no data for %(minutes)s min") % {"minutes": f"{minutes:.0f}"}
                alarm_id = raise_alarm(rule, station, None, [Trigger(rule.level, minutes, now, text)], now)
                if alarm_id:
                    raised.append(alarm_id)
    return raised


def close_offline_alarms(station_ids: Iterable[int], now: datetime | None = None) -> list[int]:
    """Close the active offline (no-data) alarms of stations whose data has returned, by the system: recorded on
    each alarm's timeline and in the audit trail. One query when there is nothing to close (the usual case)."""
    now = now or timezone.now()
    # Few stations are ever offline at once: their active offline alarms are listed (a small indexed query), then
    # matched here, rather than sending every station of a batch as query parameters.
    offline = set(Alarm.objects.filter(state__in=AlarmState.ACTIVE, rule__kind=RuleKind.NO_DATA)
                  .values_list("station_id", flat=True))
    if not offline or not (offline := offline.intersection(station_ids)):
        return []
    alarms = list(Alarm.objects.filter(station_id__in=offline, state__in=AlarmState.ACTIVE,
                                       rule__kind=RuleKind.NO_DATA).select_related("station", "rule"))
    closed = []
    for alarm in alarms:
        with transaction.atomic():
            if not Alarm.objects.filter(pk=alarm.pk, state=alarm.state, version=alarm.version).update(
                    state=AlarmState.CLOSED, closed_at=now, version=F("version") + 1):
                continue
            with translation.override(settings.LANGUAGE_CODE):
                note = _("Data received again: closed automatically.")
            AlarmEvent.objects.create(alarm=alarm, time=now, kind=AlarmEventKind.CLOSE, level=alarm.level,
                                      note=note)
            audit.record(AuditAction.TRANSITION, alarm, before={"state": alarm.state},
                         after={"state": AlarmState.CLOSED}, message=f"close: {note}")
            closed.append(alarm.pk)
    return closed


def active_alarms(user, limit: int = 10) -> tuple[list[Alarm], int]:
    """Open and acknowledged alarms in the user's scope for the duty console, most severe first, then newest:
    every red alarm, then the next ones up to ``limit`` (a red alarm is never cut by the limit). Returns the
    alarms shown and how many active alarms there are in all."""
    if not policy.can(user, "view", Alarm):
        return [], 0
    active = Alarm.objects.for_user(user).filter(state__in=AlarmState.ACTIVE).select_related(
        "station", "rule", "sensor")
    total = active.count()
    red = list(active.filter(level=AlarmLevel.RED))
    rest = list(active.exclude(level=AlarmLevel.RED)[:max(0, limit - len(red))])
    return red + rest, total


# --- people handle alarms ------------------------------------------------------------------------------------


def _acknowledge(alarm: Alarm, actor, payload) -> dict:
    return {"acknowledged_at": timezone.now(), "acknowledged_by_id": actor.pk}


def _close(alarm: Alarm, actor, payload) -> dict:
    if not str(payload.get("note") or "").strip():
        raise ValidationFailed.from_dict({"note": [gettext("Say why the alarm is closed")]})
    return {"closed_at": timezone.now(), "closed_by_id": actor.pk}


def _on_applied(alarm: Alarm, t: Transition, actor, payload, from_state: str) -> None:
    AlarmEvent.objects.create(alarm=alarm, kind=t.action, actor=actor, level=alarm.level,
                              note=str(payload.get("note") or ""))


ALARM_WORKFLOW = Workflow(
    model=Alarm,
    transitions=[
        Transition("acknowledge", (AlarmState.OPEN,), AlarmState.ACKNOWLEDGED, ALARM_HANDLERS,
                   label=gettext_lazy("Acknowledge"), check=_acknowledge),
        Transition("close", (AlarmState.OPEN, AlarmState.ACKNOWLEDGED), AlarmState.CLOSED, ALARM_HANDLERS,
                   label=gettext_lazy("Close"), check=_close),
    ],
    on_applied=_on_applied,
)


def transition_alarm(actor, alarm: Alarm, action: str, note: str = "") -> Alarm:
    """Acknowledge or close an alarm (compare-and-swap, audited, recorded in its events)."""
    return ALARM_WORKFLOW.apply(actor, alarm, action, {"note": note})


def alarm_summary(actor, alarm_id: int) -> dict:
    """What a warning needs from an alarm the actor may see (404 otherwise): for the warnings app."""
    alarm = policy.get_object(actor, Alarm, alarm_id, queryset=Alarm.objects.select_related("station", "rule"))
    s = alarm.station
    return {"id": alarm.pk, "level": alarm.level, "state": alarm.state, "rule": alarm.rule.name,
            "rule_kind": alarm.rule.kind, "station_code": s.code, "station_name": s.name,
            "station_type": s.type, "region_code": alarm.region_code,
            "lat": float(s.lat) if s.lat is not None else None, "lon": float(s.lon) if s.lon is not None else None,
            "message": alarm.message, "first_at": alarm.first_at, "last_at": alarm.last_at,
            "first_value": alarm.first_value, "last_value": alarm.last_value}


# --- housekeeping --------------------------------------------------------------------------------------------


def prune(now: datetime | None = None) -> int:
    """Drop rolling-window buckets older than the longest window. Old readings are the retention job's
    (``retention.apply``: folded into hourly aggregates first, never just deleted)."""
    now = now or timezone.now()
    buckets, _ = SensorBucket.objects.filter(start__lt=now - MAX_WINDOW - timedelta(hours=1)).delete()
    return buckets
