"""Periodic jobs of monitoring: the offline check and pruning of rolling buckets (and old readings when a
retention is configured with ``MONITORING_READING_RETENTION_DAYS``)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from yingji.core.tasks import periodic, task


@periodic(every=timedelta(minutes=1))
@task()
def check_offline_stations() -> int:
    """Raise offline alarms for stations silent past their expected interval."""
    from . import services

    return len(services.check_offline())


@periodic(every=timedelta(hours=1))
@task()
def prune_monitoring_data() -> int:
    from . import services

    buckets, readings = services.prune(
        reading_retention_days=getattr(settings, "MONITORING_READING_RETENTION_DAYS", None))
    return buckets + readings
