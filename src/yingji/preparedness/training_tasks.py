"""Periodic jobs of training: certificate expiry reminders."""

from __future__ import annotations

from datetime import timedelta

from yingji.core.tasks import periodic, task


@periodic(every=timedelta(hours=6))
@task()
def remind_training_certificates() -> int:
    """Remind of training certificates expiring within 60 days (idempotent: each certificate keeps the expiry it
    was reminded of; see ``services.training.remind_expiring_certificates``)."""
    from .services import training

    return training.remind_expiring_certificates()
