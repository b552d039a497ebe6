"""Periodic jobs of preparedness; each area appends its section below."""

from __future__ import annotations

from datetime import timedelta

from yingji.core.tasks import periodic, task

# --- plans ---


@periodic(every=timedelta(hours=6))
@task()
def flag_overdue_plans() -> int:
    """Notify of plan evaluations (办法 第三十五条) and enterprise filings (第二十六条) past due (idempotent: one
    notification per plan, deadline and due date; see ``services.plans.flag_overdue``)."""
    from .services import plans

    return plans.flag_overdue()
