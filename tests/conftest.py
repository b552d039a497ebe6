"""Shared fixtures. The demo county is loaded once into the test database and every test runs inside a
transaction that is rolled back, so tests see the same deterministic county. A transactional test (a live server,
threads) commits: instead of Django's flush after it, the county is put back from a snapshot taken after the load."""

from __future__ import annotations

import pytest
from django.test import Client, TransactionTestCase

from yingji.core import demo
from yingji.core.models import Region, User

from .snapshot import Snapshot

_SNAPSHOT = Snapshot()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if not demo.is_loaded():
            demo.load_demo()
        _SNAPSHOT.take()


def _restore_instead_of_flush(original):
    """A transactional test (a live server, threads) commits; Django flushes every table after it. With the
    snapshot taken, putting the county back replaces that flush (it empties every table itself)."""

    def teardown(self):
        if _SNAPSHOT.taken and set(self._databases_names(include_mirrors=False)) <= {"default"}:
            _SNAPSHOT.restore()
        else:
            original(self)

    return teardown


TransactionTestCase._fixture_teardown = _restore_instead_of_flush(TransactionTestCase._fixture_teardown)


@pytest.fixture(autouse=True)
def _fresh_region_names():
    """Region names are cached per request; a rolled-back test must not leave its names to the next one."""
    from yingji.core import regions

    regions.clear_cache()
    yield
    regions.clear_cache()


@pytest.fixture
def demo_county(db):
    """The demo county (reloaded if a transactional test flushed it)."""
    if not demo.is_loaded():
        demo.load_demo()
    return demo.demo_scopes()


@pytest.fixture
def password():
    return demo.DEMO_PASSWORD


class ApiClient:
    """A test client that sends a bearer token and JSON bodies."""

    def __init__(self, user: User | None):
        self.user = user
        self.client = Client()
        self.headers = {}
        if user is not None:
            from yingji.core.services import issue_token

            _token, raw = issue_token(user)
            self.headers["Authorization"] = f"Bearer {raw}"

    def _call(self, method, path, data=None, **params):
        kwargs = {"headers": self.headers}
        if data is not None:
            kwargs["data"] = data
            kwargs["content_type"] = "application/json"
        if params:
            kwargs["query_params"] = params
        return getattr(self.client, method)(path, **kwargs)

    def get(self, path, **params):
        return self._call("get", path, **params)

    def post(self, path, data=None):
        return self._call("post", path, data if data is not None else {})

    def patch(self, path, data=None):
        return self._call("patch", path, data if data is not None else {})

    def delete(self, path):
        return self._call("delete", path)


@pytest.fixture
def api(demo_county):
    """``api("township1")`` → an ApiClient authenticated as that demo user; ``api(None)`` → anonymous."""

    def make(username: str | None) -> ApiClient:
        return ApiClient(User.objects.get(username=username) if username else None)

    return make


@pytest.fixture
def web(demo_county):
    """``web("admin")`` → a Django test Client logged in (session) as that demo user."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    return make


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def assert_error_shape(response, status: int | None = None):
    if status is not None:
        assert response.status_code == status, (response.status_code, response.content[:500])
    assert 400 <= response.status_code < 500, response.content[:500]
    body = response.json()
    assert isinstance(body.get("detail"), str) and body["detail"]
    assert isinstance(body.get("errors"), list)
    for error in body["errors"]:
        assert set(error) == {"field", "message"}
    return body
