"""Read replica routing (core.routing): safe requests read domain data from the replica; writes, unsafe requests,
the platform's bookkeeping and work outside requests use the primary; a user who wrote reads the primary for the pin
time (read-your-writes), across requests and for API tokens as well as pages. In the tests the ``replica`` alias is
the test database's own connection (inside the test's transaction), so the router's choices are observed by spying
on them during real requests."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.utils import timezone

from yingji.core import routing
from yingji.core.models import User
from yingji.enterprises.models import Enterprise
from yingji.prevention.models import Hazard


@pytest.fixture(autouse=True)
def _replica_is_the_test_connection(db):
    original = connections["replica"]
    connections["replica"] = connections["default"]
    yield
    connections["replica"] = original

ROUTED = {"DATABASE_ROUTERS": ["yingji.core.routing.ReplicaRouter"]}


def _request(method="GET", user=None):
    return SimpleNamespace(method=method, user=user or AnonymousUser())


def _decide(request, model):
    token = routing._request.set(request)
    try:
        return routing.ReplicaRouter().db_for_read(model)
    finally:
        routing._request.reset(token)


def test_router_decisions(demo_county):
    user = User.objects.get(username="duty")
    assert _decide(_request(), Hazard) == "replica"
    assert _decide(_request(user=user), Hazard) == "replica"
    # The platform's bookkeeping always reads the primary.
    assert _decide(_request(user=user), User) == "default"
    assert _decide(_request(), Session) == "default"
    # Unsafe methods, and outside any request (workers, sweeper, ingestion, command line).
    assert _decide(_request("POST", user), Hazard) == "default"
    assert routing.ReplicaRouter().db_for_read(Hazard) == "default"
    # After a write, the rest of the request reads the primary.
    request = _request(user=user)
    token = routing._request.set(request)
    try:
        assert routing.ReplicaRouter().db_for_read(Hazard) == "replica"
        assert routing.ReplicaRouter().db_for_write(User) == "default"  # bookkeeping: not a pin
        assert routing.ReplicaRouter().db_for_read(Hazard) == "replica"
        assert routing.ReplicaRouter().db_for_write(Hazard) == "default"
        assert routing.ReplicaRouter().db_for_read(Hazard) == "default"
    finally:
        routing._request.reset(token)
    # A user pinned by a recent write reads the primary; once the pin has passed, the replica again.
    user.primary_until = timezone.now() + timedelta(seconds=10)
    assert _decide(_request(user=user), Hazard) == "default"
    user.primary_until = timezone.now() - timedelta(seconds=1)
    assert _decide(_request(user=user), Hazard) == "replica"
    assert routing.ReplicaRouter().allow_migrate("replica", "prevention") is False
    assert routing.ReplicaRouter().allow_migrate("default", "prevention") is True


def test_pin_user_writes_at_most_once_per_half_pin(demo_county, settings, django_assert_num_queries):
    settings.REPLICA_PIN_SECONDS = 20
    user = User.objects.get(username="duty")
    with django_assert_num_queries(1):
        routing.pin_user(user)
    stored = User.objects.get(pk=user.pk).primary_until
    assert timedelta(seconds=19) < stored - timezone.now() <= timedelta(seconds=20)
    with django_assert_num_queries(0):
        routing.pin_user(user)  # more than half the pin remains
    with django_assert_num_queries(0):
        routing.pin_user(AnonymousUser())


@pytest.fixture
def decisions(monkeypatch):
    """Every (model, database) the router chooses for a read during the test."""
    seen: list[tuple[str, str]] = []
    original = routing.ReplicaRouter.db_for_read

    def spy(self, model, **hints):
        db = original(self, model, **hints)
        seen.append((model._meta.label, db))
        return db

    monkeypatch.setattr(routing.ReplicaRouter, "db_for_read", spy)
    return seen


def _domain(seen):
    return {db for label, db in seen if label.split(".")[0] not in {"core", "sessions", "axes", "auth"}}


def test_pages_and_api_read_the_replica_until_the_user_writes(demo_county, api, web, settings, decisions):
    settings.DATABASE_ROUTERS = ROUTED["DATABASE_ROUTERS"]
    router.routers  # noqa: B018  the setting_changed receiver rebuilt the router list
    assert routing.replica_configured()
    page = web("duty").get("/hazards/")
    assert page.status_code == 200
    assert _domain(decisions) == {"replica"}
    assert ("core.User", "default") in decisions or ("sessions.Session", "default") in decisions

    decisions.clear()
    section = api("section")
    listed = section.get("/api/v1/hazards", limit=5)
    assert listed.status_code == 200 and listed.json()["items"]
    assert _domain(decisions) == {"replica"}

    # The section writes through the API: it is pinned to the primary, and sees its own hazard right away.
    enterprise = Enterprise.objects.for_user(User.objects.get(username="section"), "view").first()
    made = section.post("/api/v1/hazards", {"enterprise_id": enterprise.pk, "title": "主库读取检验隐患",
                                            "description": "现场检查发现"})
    assert made.status_code == 201, made.content
    assert User.objects.get(username="section").primary_until > timezone.now()
    decisions.clear()
    again = section.get(f"/api/v1/hazards/{made.json()['id']}")
    assert again.status_code == 200
    assert _domain(decisions) == {"default"}
    # Another user's reads still go to the replica.
    decisions.clear()
    assert web("duty").get("/hazards/").status_code == 200
    assert _domain(decisions) == {"replica"}


def test_without_the_router_nothing_is_pinned(demo_county, api):
    assert not routing.replica_configured()
    section = api("section")
    enterprise = Enterprise.objects.for_user(User.objects.get(username="section"), "view").first()
    made = section.post("/api/v1/hazards", {"enterprise_id": enterprise.pk, "title": "无副本时的隐患",
                                            "description": "现场检查发现"})
    assert made.status_code == 201, made.content
    assert User.objects.get(username="section").primary_until is None
