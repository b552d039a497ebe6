"""Read replicas with read-your-writes (active when ``YINGJI_REPLICA_URL`` configures the ``replica`` database).

What may read from the replica: the domain data a safe request (GET, HEAD, OPTIONS) of the web server reads — lists,
statistics, dashboards, the big screen, the API's reads — unless the acting user wrote recently. Everything else
reads from the primary:

- every write, and every read after a write of domain data in the same request (it is pinned from then on);
- requests with an unsafe method, and the safe requests of a user who made one less than ``REPLICA_PIN_SECONDS`` ago
  (read-your-writes: the account row carries ``primary_until``, read with the account on every request, so it holds
  across web processes and machines, for pages and API tokens alike);
- the platform's own bookkeeping (accounts, tokens, sessions, lockouts, the task queue, the audit trail), so
  signing in and permissions never see a lagging copy;
- work outside a request (task workers, the sweeper, MQTT ingestion, the command line).
"""

from __future__ import annotations

import contextvars
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

REPLICA = "replica"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Apps whose tables are always read from the primary (see the module's docstring).
PRIMARY_APPS = frozenset({"core", "auth", "sessions", "contenttypes", "axes", "django_tasks_db", "admin"})

_request: contextvars.ContextVar = contextvars.ContextVar("yingji_replica_request", default=None)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES and f"{__name__}.ReplicaRouter" in settings.DATABASE_ROUTERS


def pin_seconds() -> int:
    return int(getattr(settings, "REPLICA_PIN_SECONDS", 15))


def _may_read_replica(request) -> bool:
    decided = getattr(request, "_replica_ok", None)
    if decided is not None:
        return decided
    if request.method not in SAFE_METHODS:
        return False
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        # Not known yet (an API request before its token is read) or anonymous: decide per query, don't cache.
        return True
    until = getattr(user, "primary_until", None)
    request._replica_ok = not (until and until > timezone.now())
    return request._replica_ok


class ReplicaRouter:
    """Database router: see the module's docstring for what reads where."""

    def db_for_read(self, model, **hints):
        request = _request.get()
        if request is None or model._meta.app_label in PRIMARY_APPS or not _may_read_replica(request):
            return "default"
        return REPLICA

    def db_for_write(self, model, **hints):
        request = _request.get()
        if request is not None and model._meta.app_label not in PRIMARY_APPS:
            # What this request reads from now on must see what it wrote. (Bookkeeping writes, such as a token's
            # last use or a session, don't pin: their tables are read from the primary anyway.)
            request._replica_ok = False
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"


class ReplicaMiddleware:
    """Marks the request for the router, and after an unsafe request by a signed-in user pins that user to the
    primary for ``REPLICA_PIN_SECONDS`` (one UPDATE, skipped while more than half the pin remains)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        if request.method not in SAFE_METHODS and replica_configured():
            pin_user(getattr(request, "user", None))
        return response


def pin_user(user) -> None:
    """Send ``user``'s reads to the primary for the next ``REPLICA_PIN_SECONDS``."""
    if user is None or not user.is_authenticated:
        return
    now = timezone.now()
    seconds = pin_seconds()
    until = getattr(user, "primary_until", None)
    if until and until - now > timedelta(seconds=seconds / 2):
        return
    user.primary_until = now + timedelta(seconds=seconds)
    type(user).objects.filter(pk=user.pk).update(primary_until=user.primary_until)


def replica_lag_seconds(connection) -> float | None:
    """How far the replica's replay is behind (PostgreSQL standby); None where the database cannot say (SQLite,
    or a PostgreSQL server that is not in recovery). Raises the driver's error when the replica is unreachable."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("SELECT 1")
            return None
        cursor.execute("SELECT pg_is_in_recovery(), EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())")
        in_recovery, lag = cursor.fetchone()
    return float(lag or 0.0) if in_recovery else None
