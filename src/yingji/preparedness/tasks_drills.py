"""Periodic job of drills: reminders of drill problems near or past their deadline."""

from __future__ import annotations

from datetime import timedelta

from yingji.core.tasks import periodic, task


@periodic(every=timedelta(hours=1))
@task()
def remind_drill_problems() -> int:
    """Remind owners of open drill problems due within 3 days and flag the overdue (idempotent: the reminder
    level is kept on each problem; see ``services.drills.remind_problems``)."""
    from .services import drills

    return drills.remind_problems()
