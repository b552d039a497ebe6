"""Periodic jobs of supervision and enforcement."""

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
