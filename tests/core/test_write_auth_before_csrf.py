"""Authentication comes before the CSRF check on the API (issue 21 §7): every write operation of the OpenAPI
document answers an anonymous or bad-token caller 401 with the error shape (not 403 "CSRF check failed"), while a
logged-in browser session without its CSRF token is still refused with 403 and nothing is written."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.conftest import assert_error_shape
from yingji.api import api as ninja_api
from yingji.core.models import AuditRecord, Region, User

WRITE_METHODS = ("post", "put", "patch", "delete")


def _write_operations() -> list[tuple[str, str]]:
    document = ninja_api.get_openapi_schema(path_prefix="/api/v1")
    operations = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            if method in WRITE_METHODS and operation.get("security"):
                operations.append((method, re.sub(r"\{[^}]+\}", "1", path)))
    return sorted(operations)


WRITES = _write_operations()


def test_the_api_has_the_write_operations_it_is_known_for():
    assert len(WRITES) >= 90, len(WRITES)


def _call(client: Client, method: str, path: str, **headers):
    return getattr(client, method)(path, data="{}", content_type="application/json", headers=headers)


@pytest.mark.django_db
def test_every_write_answers_anonymous_and_bad_tokens_401():
    records = AuditRecord.objects.count()
    wrong = []
    for method, path in WRITES:
        for headers in ({}, {"Authorization": "Bearer yj_not-a-real-token"}, {"Authorization": "Basic eDp5"}):
            response = _call(Client(enforce_csrf_checks=True), method, path, **headers)
            if response.status_code != 401:
                wrong.append((method, path, headers, response.status_code, response.content[:120]))
                continue
            body = assert_error_shape(response, 401)
            assert "CSRF" not in body["detail"]
            assert response["WWW-Authenticate"].startswith("Bearer")
    assert not wrong, wrong[:10]
    assert AuditRecord.objects.count() == records


def test_session_write_without_the_csrf_token_is_still_403(demo_county):
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username="admin"))
    response = _call(client, "post", "/api/v1/regions")
    assert_error_shape(response, 403)
    response = client.post("/api/v1/regions", data={"code": "410481001296", "name": "x", "level": "village",
                                                   "parent_code": "410481001"}, content_type="application/json")
    assert_error_shape(response, 403)
    assert not Region.objects.filter(code="410481001296").exists()


def test_session_write_with_the_csrf_token_passes(demo_county):
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username="admin"))
    client.get("/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post("/api/v1/regions", data={"code": "410481001296", "name": "测试村", "level": "village",
                                                   "parent_code": "410481001"}, content_type="application/json",
                           headers={"X-CSRFToken": token})
    assert response.status_code == 201, response.content
