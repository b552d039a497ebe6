"""Shared fixtures. The demo county is loaded once into the test database and every test runs inside a
transaction that is rolled back, so tests see the same deterministic county. A transactional test (a live server,
threads) commits: instead of Django's flush after it, the county is put back from a snapshot taken after the load."""

from __future__ import annotations

import os

import pytest
from django.test import Client, TransactionTestCase

from yingji.core import demo
from yingji.core.models import Region, User

from .snapshot import Snapshot

_SNAPSHOT = Snapshot()

#: Tests that check nothing the database engine decides (pure functions of the standards, the language of every
#: page, the date pickers, the deployment files): CI runs the suite on SQLite and again on PostgreSQL, and these run
#: in the SQLite suite only. Modules here, or ``@pytest.mark.engine_agnostic`` on a test or a parameter.
ENGINE_AGNOSTIC = ("tests/standards/", "tests/core/test_chinese_pages.py", "tests/core/test_date_inputs.py",
                   "tests/core/test_deploy.py", "tests/core/test_readme.py", "tests/core/test_layers.py")
#: The slowest tests (walks over every page, the fuzzer, subprocess installations), handed out first so that the
#: two test workers finish together instead of one waiting on the last long test.
SLOW_FIRST = ("tests/core/test_stored_values.py", "tests/core/test_backup.py", "tests/core/test_scale_out.py",
              "tests/core/test_replica_standby.py", "tests/core/test_demo_reset.py",
              "tests/core/test_chinese_pages.py", "tests/core/test_task_queue.py", "tests/monitoring/test_mqtt.py",
              "tests/core/test_query_guards.py", "tests/core/test_cli.py", "tests/core/test_security.py",
              "tests/assessment/test_assessment.py", "tests/resources/test_demo.py", "tests/core/test_date_inputs.py",
              "tests/core/test_pages_smoke.py", "tests/core/test_roles_see_their_job.py")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("YINGJI_TEST_DATABASE_URL"):
        skip = pytest.mark.skip(reason="does not depend on the database engine: runs in the SQLite suite")
        for item in items:
            if item.nodeid.startswith(ENGINE_AGNOSTIC) or item.get_closest_marker("engine_agnostic"):
                item.add_marker(skip)

    def rank(item):
        for index, prefix in enumerate(SLOW_FIRST):
            if item.nodeid.startswith(prefix):
                return index
        return len(SLOW_FIRST)

    items.sort(key=rank)  # stable: the rest keeps its order


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
