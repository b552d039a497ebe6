"""Periodic jobs of resources."""

from __future__ import annotations

from datetime import timedelta

from yingji.core.tasks import periodic, task


@periodic(every=timedelta(days=1))
@task()
def remind_stock_due() -> int:
    """Remind the keepers of batches that expire or are due for inspection within 30 days (idempotent: one
    notification per batch and due date)."""
    from . import services

    return services.remind_expiry()
