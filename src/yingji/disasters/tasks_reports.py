"""Periodic job of disaster reporting: remind the areas whose next 初报/续报/核报 is due within the hour or overdue."""

from __future__ import annotations

from datetime import timedelta

from yingji.core.tasks import periodic, task


@periodic(every=timedelta(minutes=15))
@task()
def remind_disaster_reports() -> int:
    """Idempotent: one notification per area, stage and due time (see ``services.reports.remind_due``)."""
    from .services import reports

    return reports.remind_due()
