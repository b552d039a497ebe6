"""Periodic jobs of monitoring: the offline check, pruning of rolling buckets and the readings' monthly partitions
(old readings: ``retention``)."""

from __future__ import annotations

import logging
from datetime import timedelta

from yingji.core.tasks import periodic, task

log = logging.getLogger(__name__)


@periodic(every=timedelta(minutes=1))
@task()
def check_offline_stations() -> int:
    """Raise offline alarms for stations silent past their expected interval."""
    from . import services

    changed = services.check_offline()
    if changed:
        log.info("offline alarms raised or escalated: %s", ", ".join(str(pk) for pk in changed))
    return len(changed)


@periodic(every=timedelta(hours=1))
@task()
def prune_monitoring_data() -> int:
    from . import services

    return services.prune()


@periodic(every=timedelta(hours=6))
@task()
def ensure_reading_partitions() -> list[str]:
    """PostgreSQL: the readings' monthly partitions of this month and the next ones exist before readings arrive
    (monitoring.partitions; nothing to do on SQLite)."""
    from . import partitions

    created = partitions.ensure_partitions()
    if created:
        log.info("reading partitions created: %s", ", ".join(created))
    return created
