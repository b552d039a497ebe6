"""Periodic jobs of dual prevention."""

from __future__ import annotations

from datetime import timedelta

from yingji.core.tasks import periodic, task


@periodic(every=timedelta(minutes=15))
@task()
def flag_overdue_hazards() -> int:
    """Flag hazards past their rectification deadline, raise their escalation level and notify (idempotent:
    the level reached is kept on each hazard; see ``services.escalate_overdue``)."""
    from . import services

    return services.escalate_overdue()


@periodic(every=timedelta(hours=6))
@task()
def draw_monthly_hazard_samples() -> int:
    """Draw last month's share of self-closed hazards for regulators' sample checks (a month is drawn once; see
    ``services.draw_monthly_samples``)."""
    from . import services

    run = services.draw_monthly_samples()
    return run.drawn if run is not None else 0
