"""Periodic jobs of monitoring: the offline check and pruning of rolling buckets (old readings: ``retention``)."""

from __future__ import annotations

from datetime import timedelta

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

    return services.prune()
