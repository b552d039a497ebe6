"""Periodic jobs of incidents."""

from __future__ import annotations

from datetime import timedelta

from yingji.core.tasks import periodic, task


@periodic(every=timedelta(minutes=5))
@task()
def warn_reporting_deadlines() -> int:
    """Notify duty officers and leaders before a reporting deadline is missed (idempotent: dedupe keys)."""
    from . import services

    return services.notify_due_deadlines()
