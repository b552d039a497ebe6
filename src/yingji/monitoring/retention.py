"""Retention and downsampling of readings (数据保留): raw readings are kept ``raw_days``; before they go, each
sensor's readings are folded into hourly aggregates (count, min, max, sum), kept ``hourly_days``.

Policy from ``settings.MONITORING_RETENTION`` (environment: ``YINGJI_READING_RETENTION_DAYS``,
``YINGJI_HOURLY_RETENTION_DAYS``). Runs hourly as a periodic job and on demand with
``yingji manage apply_retention``. Each raw reading is folded exactly once: a day's readings are aggregated and
deleted in one transaction, bounded by the highest reading id seen, so a reading stored meanwhile (even a late
one for an hour already aggregated) is folded by a later run and merged into the existing hour.

On PostgreSQL, where readings are partitioned by month (``partitions``), a month whose readings are all past the
cutoff is folded and then its partition dropped, in one transaction that holds off writes to it, instead of
deleting its rows; the rest (the month the cutoff falls in, stray readings in the default partition) goes by days
as above."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import TruncHour
from django.utils import timezone

from yingji.core.tasks import periodic, task

from . import partitions
from .models import HourlyAggregate, Reading

DEFAULT_POLICY = {"raw_days": 90, "hourly_days": 3650}


@dataclass
class RetentionResult:
    aggregated_readings: int = 0
    hours_written: int = 0
    raw_deleted: int = 0
    hourly_deleted: int = 0
    partitions_dropped: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def policy() -> dict:
    configured = DEFAULT_POLICY | getattr(settings, "MONITORING_RETENTION", {})
    if configured["raw_days"] < 1 or configured["hourly_days"] < configured["raw_days"]:
        raise ValueError("Retention: raw_days must be at least 1 and hourly_days at least raw_days")
    return configured


def floor_hour(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _fold(start: datetime, end: datetime, dry_run: bool, delete: bool = True) -> tuple[int, int, int]:
    """Aggregate and delete the raw readings in [start, end); returns (readings folded, hours written, deleted).
    With ``delete`` false the caller removes them (by dropping their partition) in its own transaction."""
    with transaction.atomic():
        window = Reading.objects.filter(ts__gte=start, ts__lt=end)
        top = window.aggregate(top=Max("id"))["top"]
        if top is None:
            return 0, 0, 0
        window = window.filter(id__lte=top)
        rows = list(window.annotate(hour=TruncHour("ts", tzinfo=UTC)).values("sensor_id", "hour")
                    .annotate(n=Count("id"), lo=Min("value"), hi=Max("value"), total=Sum("value"))
                    .order_by("sensor_id", "hour"))
        folded = sum(r["n"] for r in rows)
        if dry_run:
            return folded, len(rows), folded
        existing = {(a.sensor_id, a.hour): a for a in HourlyAggregate.objects.filter(
            sensor_id__in={r["sensor_id"] for r in rows}, hour__gte=floor_hour(start), hour__lt=end)}
        create, update = [], []
        for r in rows:
            hour = r["hour"].astimezone(UTC)
            agg = existing.get((r["sensor_id"], hour))
            if agg is None:
                create.append(HourlyAggregate(sensor_id=r["sensor_id"], hour=hour, count=r["n"], min=r["lo"],
                                              max=r["hi"], sum=r["total"]))
            else:
                agg.count += r["n"]
                agg.min, agg.max = min(agg.min, r["lo"]), max(agg.max, r["hi"])
                agg.sum += r["total"]
                update.append(agg)
        HourlyAggregate.objects.bulk_create(create, batch_size=2000)
        HourlyAggregate.objects.bulk_update(update, ["count", "min", "max", "sum"], batch_size=1000)
        deleted = window.delete()[0] if delete else folded
    return folded, len(rows), deleted


def _fold_partitions(cutoff: datetime, dry_run: bool, result: RetentionResult) -> list:
    """Fold each month partition wholly before ``cutoff`` and drop it (PostgreSQL); the partitions done (a dry run
    counts them without dropping them, so the rest of the run must leave their months out)."""
    done = []
    for partition in partitions.partitions():
        if partition.end > cutoff:
            break
        with transaction.atomic():
            if not dry_run:
                partitions.lock_partition(partition)
            start = partition.start
            while start < partition.end:  # a day per aggregation query, as below, inside the one transaction
                end = min(start + timedelta(days=1), partition.end)
                folded, hours, _deleted = _fold(start, end, dry_run, delete=False)
                result.aggregated_readings += folded
                result.hours_written += hours
                result.raw_deleted += folded
                start = end
            if not dry_run:
                partitions.drop_partition(partition)
            result.partitions_dropped += 1
        done.append(partition)
    return done


def apply_retention(now: datetime | None = None, *, raw_days: int | None = None, hourly_days: int | None = None,
                    dry_run: bool = False) -> RetentionResult:
    """Fold raw readings older than ``raw_days`` (whole hours) into hourly aggregates and delete them; delete
    aggregates older than ``hourly_days``. Idempotent; processes one day per transaction."""
    now = now or timezone.now()
    configured = policy()
    raw_days = raw_days if raw_days is not None else configured["raw_days"]
    hourly_days = hourly_days if hourly_days is not None else configured["hourly_days"]
    if raw_days < 1 or hourly_days < raw_days:
        raise ValueError("Retention: raw_days must be at least 1 and hourly_days at least raw_days")
    result = RetentionResult()
    cutoff = floor_hour(now - timedelta(days=raw_days))
    remaining = Reading.objects.filter(ts__lt=cutoff)
    done = _fold_partitions(cutoff, dry_run, result) if partitions.is_partitioned() else []
    for partition in done:
        remaining = remaining.exclude(ts__gte=partition.start, ts__lt=partition.end)

    def next_start(after: datetime | None) -> datetime:
        """The hour of the oldest reading still to fold (from ``after`` on), skipping empty days and the months
        folded by partition above; ``cutoff`` when there is none."""
        oldest = remaining.filter(**({"ts__gte": after} if after else {})).aggregate(oldest=Min("ts"))["oldest"]
        return floor_hour(oldest) if oldest else cutoff

    start = next_start(None)
    while start < cutoff:
        end = min([start + timedelta(days=1), cutoff, *(p.start for p in done if p.start > start)])
        folded, hours, deleted = _fold(start, end, dry_run)
        result.aggregated_readings += folded
        result.hours_written += hours
        result.raw_deleted += deleted
        start = next_start(end)
    old_hours = HourlyAggregate.objects.filter(hour__lt=floor_hour(now - timedelta(days=hourly_days)))
    result.hourly_deleted = old_hours.count() if dry_run else old_hours.delete()[0]
    return result


@periodic(every=timedelta(hours=1))
@task()
def apply_monitoring_retention() -> dict:
    """Hourly: downsample and prune readings by the configured retention policy."""
    return apply_retention().as_dict()
