"""Periodic jobs: the sweeper enqueues each due job once, catches up after downtime, and jobs are idempotent."""

from datetime import timedelta

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from yingji.core import tasks
from yingji.core.models import PeriodicJobRun


def test_sweeper_enqueues_each_due_job_once_per_interval(db):
    now = timezone.now()
    first = tasks.sweep_once(now)
    assert set(first) == set(tasks.PERIODIC_JOBS)
    assert tasks.sweep_once(now + timedelta(seconds=1)) == []
    at_most_hourly = {name for name, job in tasks.PERIODIC_JOBS.items() if job.every <= timedelta(hours=1)}
    assert set(tasks.sweep_once(now + timedelta(hours=1, seconds=1))) == at_most_hourly
    run = PeriodicJobRun.objects.get(name="yingji.core.tasks.purge_expired_sessions")
    assert run.next_due_at == now + timedelta(hours=2, seconds=1)


def test_missed_ticks_are_caught_up_once(db):
    now = timezone.now()
    tasks.sweep_once(now)
    later = now + timedelta(days=3)  # the sweeper was down for three days
    assert set(tasks.sweep_once(later)) == set(tasks.PERIODIC_JOBS)
    assert tasks.sweep_once(later) == []


def test_purge_expired_sessions_job_is_idempotent(db):
    live, dead = SessionStore(), SessionStore()
    live.create()
    dead.create()
    Session.objects.filter(session_key=dead.session_key).update(expire_date=timezone.now() - timedelta(minutes=1))
    assert tasks.purge_expired_sessions.call() == 1
    assert tasks.purge_expired_sessions.call() == 0
    assert Session.objects.filter(session_key=live.session_key).exists()


def test_enqueue_on_commit_runs_only_after_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tasks.enqueue_on_commit(tasks.purge_expired_sessions)
    assert len(callbacks) == 1
