"""Background work of warnings: sending due deliveries, escalating unconfirmed ones, expiring warnings. Each job
finds what is due from indexed columns, so a missed tick only delays work."""

from __future__ import annotations

from datetime import timedelta

from django.dispatch import receiver

from yingji.core.tasks import enqueue_on_commit, periodic, task

from . import services


@periodic(every=timedelta(minutes=1))
@task()
def dispatch_deliveries() -> dict:
    return services.dispatch_due()


@periodic(every=timedelta(minutes=1))
@task()
def escalate_deliveries() -> int:
    return services.escalate_due()


@periodic(every=timedelta(minutes=5))
@task()
def expire_warnings() -> int:
    return services.expire_due()


@receiver(services.deliveries_queued)
def _dispatch_soon(sender, warning, **kwargs) -> None:
    """Deliveries were queued: send them right after the commit instead of waiting for the next minute's sweep."""
    enqueue_on_commit(dispatch_deliveries)
