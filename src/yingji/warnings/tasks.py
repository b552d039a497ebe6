"""Background work of warnings: sending due deliveries, escalating unconfirmed ones, expiring warnings. Each job
finds what is due from indexed columns, so a missed tick only delays work."""

from __future__ import annotations

from datetime import timedelta

from yingji.core.tasks import periodic, task


@periodic(every=timedelta(minutes=1))
@task()
def dispatch_deliveries() -> dict:
    from . import services

    return services.dispatch_due()


@periodic(every=timedelta(minutes=1))
@task()
def escalate_deliveries() -> int:
    from . import services

    return services.escalate_due()


@periodic(every=timedelta(minutes=5))
@task()
def expire_warnings() -> int:
    from . import services

    return services.expire_due()
