"""Background work: a thin layer over the django-tasks API, plus periodic jobs driven by the sweeper.

- ``task`` is the django-tasks decorator; ``enqueue_on_commit`` enqueues only when the surrounding transaction
  commits, so a rolled-back write never leaves a task behind.
- ``periodic(every)`` registers a task as a periodic job. The sweeper (``yingji sweeper``, started by
  ``yingji serve``) enqueues every job whose ``next_due_at`` has passed, from an indexed table, so a crash or a
  missed tick only delays a job, never loses it. Jobs must be idempotent: they find what is due from the data.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django_tasks import task

log = logging.getLogger(__name__)

__all__ = ["task", "enqueue_on_commit", "periodic", "PERIODIC_JOBS", "sweep_once", "run_sweeper"]


def enqueue_on_commit(task_obj, *args, **kwargs) -> None:
    transaction.on_commit(lambda: task_obj.enqueue(*args, **kwargs))


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: object
    every: timedelta


PERIODIC_JOBS: dict[str, PeriodicJob] = {}


def periodic(every: timedelta):
    """Register a django-tasks Task (taking no arguments) to run every ``every``."""

    def register(task_obj):
        PERIODIC_JOBS[task_obj.module_path] = PeriodicJob(task_obj.module_path, task_obj, every)
        return task_obj

    return register


def sweep_once(now=None) -> list[str]:
    """Enqueue every periodic job that is due; return the names enqueued. Safe to run from several sweepers:
    a job is claimed by a compare-and-swap on its ``next_due_at``."""
    from .models import PeriodicJobRun

    now = now or timezone.now()
    enqueued = []
    for job in PERIODIC_JOBS.values():
        run, _created = PeriodicJobRun.objects.get_or_create(name=job.name, defaults={"next_due_at": now})
        if run.next_due_at > now:
            continue
        claimed = PeriodicJobRun.objects.filter(pk=run.pk, next_due_at=run.next_due_at).update(
            last_enqueued_at=now, next_due_at=now + job.every)
        if claimed:
            job.task.enqueue()
            enqueued.append(job.name)
    return enqueued


def sweep_tick() -> list[str]:
    """One tick of the sweeper. Enqueueing is routine (it would be a line a minute at INFO), so it is logged at
    DEBUG; the jobs log what they actually change."""
    names = sweep_once()
    if names:
        log.debug("sweeper enqueued %s", ", ".join(names))
    return names


def run_sweeper(tick_seconds: float = 30.0, stop=None) -> None:
    """Loop until ``stop()`` is true (or forever), enqueueing due periodic jobs each tick."""
    from django.db import close_old_connections

    while not (stop and stop()):
        close_old_connections()
        try:
            sweep_tick()
        except Exception:  # a broken tick must not kill the sweeper; the next tick retries what is due
            log.exception("sweeper tick failed")
        deadline = time.monotonic() + tick_seconds
        while time.monotonic() < deadline and not (stop and stop()):
            time.sleep(0.5)


# --- core periodic jobs ---------------------------------------------------------------------------------------


@periodic(every=timedelta(hours=1))
@task()
def purge_expired_sessions() -> int:
    """Delete expired sessions (idle timeout) so the session table stays small."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@periodic(every=timedelta(hours=6))
@task()
def refresh_planner_statistics() -> str:
    """Keep the query planner's statistics of the tables current (``dbstats.refresh``)."""
    from . import dbstats

    return dbstats.refresh()


@periodic(every=timedelta(days=1))
@task()
def prune_finished_task_results() -> int:
    """Drop finished task results older than 14 days."""
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - timedelta(days=14)
    deleted, _ = DBTaskResult.objects.filter(finished_at__lt=cutoff).delete()
    return deleted
