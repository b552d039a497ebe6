"""Periodic jobs of supervision and enforcement: penalty-case deadlines, campaign reports overdue, supervision
orders escalated."""

from __future__ import annotations

from datetime import timedelta

from yingji.core.tasks import periodic, task


@periodic(every=timedelta(hours=1))
@task()
def check_case_deadlines() -> int:
    """Remind of penalty-case deadlines due soon and mark those past due (idempotent: the marks and reminders are
    kept on each case; see ``services.check_deadlines``)."""
    from . import services

    return services.check_deadlines()


@periodic(every=timedelta(hours=1))
@task()
def flag_overdue_campaign_tasks() -> int:
    """Mark campaign tasks whose report deadline passed without a report overdue and notify (idempotent: a
    compare-and-swap on the task's state and deadline; see ``services.campaigns.flag_overdue_tasks``)."""
    from .services import campaigns

    return campaigns.flag_overdue_tasks()


@periodic(every=timedelta(minutes=15))
@task()
def escalate_overdue_orders() -> int:
    """Raise the escalation level of supervision orders past their deadline and notify (idempotent: the level is
    kept on each order; see ``services.orders.escalate_overdue``)."""
    from .services import orders

    return orders.escalate_overdue()
