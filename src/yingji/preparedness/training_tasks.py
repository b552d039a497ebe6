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


# --- the exams' time allowed ---


@periodic(every=timedelta(minutes=5))
@task()
def close_timed_out_exams() -> int:
    """Record open exams past their time allowed and grace as failed (see ``services.exams.close_if_timed_out``);
    a submission arriving later is refused in any case."""
    from .services import exams

    return exams.close_timed_out_attempts()
