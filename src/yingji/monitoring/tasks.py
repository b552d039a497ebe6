"""Periodic jobs of monitoring: the offline check and pruning of rolling buckets (old readings: ``retention``)."""

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
