"""Bad input on every endpoint answers 4xx in one error shape, never 500. Schemathesis fuzzes every operation of
the live OpenAPI document (bounded examples); hand-written cases pin the shape of each status."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import ApiClient, assert_error_shape
from yingji.core.models import Organisation, Region, User

# The generators of the values trial (test_fuzz_values.py) in the schema-valid cases as well: dates and date-times
# at and beyond the accepted range, years 0001 and 9999, date-times without a zone, and any time zone.
FAR_DATES = ["0001-01-01", "9999-12-31", "1899-12-31", "1900-01-01", "2100-12-31", "2101-01-01"]
schemathesis.openapi.format("date", st.sampled_from(FAR_DATES) | st.dates().map(lambda d: d.isoformat()))
schemathesis.openapi.format("date-time", st.one_of(
    st.sampled_from(["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59-12:00",
                     "0001-01-01T00:00:00", "2026-06-01T08:00:00"]),
    st.datetimes(timezones=st.none() | st.timezones()).map(lambda t: t.isoformat())))
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def admin_token(demo_county):
    """A token of the county administrator, with the database connection kept across the WSGI calls (as
    Django's test client does), so every call runs inside the test's transaction on PostgreSQL too."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield ApiClient(User.objects.get(username="admin")).headers["Authorization"]
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_fuzz_every_operation_no_5xx_and_schema_conformance(case, admin_token):
    response = case.call(headers={"Authorization": admin_token})
    case.validate_response(response, checks=CHECKS)
    if 400 <= response.status_code < 500 and response.status_code != 405:
        body = response.json()
        assert isinstance(body["detail"], str) and isinstance(body["errors"], list)


def test_every_operation_documents_the_error_shape():
    document = schema.raw_schema
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if path.endswith("openapi.json") or path.endswith("/docs"):
                continue
            for status in ("401", "403", "404", "422"):
                assert status in operation["responses"], (method, path, status)


def test_unauthenticated_is_401_with_the_error_shape(api):
    anonymous = api(None)
    for path in ("/api/v1/me", "/api/v1/regions", "/api/v1/regions/1", "/api/v1/users", "/api/v1/audit"):
        response = anonymous.get(path)
        body = assert_error_shape(response, 401)
        assert body["errors"] == []
        assert response["WWW-Authenticate"].startswith("Bearer")
    bad = ApiClient(None)
    bad.headers["Authorization"] = "Bearer yj_not-a-real-token"
    assert_error_shape(bad.get("/api/v1/me"), 401)


def test_validation_errors_name_the_field(api, demo_county):
    client = api("admin")
    body = assert_error_shape(client.post("/api/v1/regions", {"code": "12", "name": "", "level": "planet"}), 422)
    fields = {e["field"] for e in body["errors"]}
    assert {"code", "name", "level"} <= fields
    body = assert_error_shape(client.get("/api/v1/regions", limit=0), 422)
    assert body["errors"][0]["field"] == "limit"
    body = assert_error_shape(client.get("/api/v1/regions", level="planet"), 422)
    assert body["errors"][0]["field"] == "level"
    body = assert_error_shape(client.get("/api/v1/audit", since="yesterday"), 422)
    assert body["errors"][0]["field"] == "since"
    # Domain validation from the model: a village code that does not start with its parent's code.
    body = assert_error_shape(client.post("/api/v1/regions", {"code": "410481002299", "name": "错村",
                                                              "level": "village",
                                                              "parent_code": demo_county["township"]}), 422)
    assert body["errors"] == [{"field": "code",
                               "message": f"The code must start with the parent's code {demo_county['township']}."}]
    zh = client.client.post("/api/v1/regions", data={"code": "410481002299", "name": "错村", "level": "village",
                                                     "parent_code": demo_county["township"]},
                            content_type="application/json", headers={**client.headers, "Accept-Language": "zh-hans"})
    assert "开头" in zh.json()["errors"][0]["message"]
    body = assert_error_shape(client.post("/api/v1/regions", {"code": "410481001", "name": "重复", "level": "township",
                                                              "parent_code": "410481"}), 409)
    assert body["errors"][0]["field"] == "code"  # an existing code is a conflict (409), naming the field


def test_malformed_json_unknown_ids_and_wrong_types_are_4xx(api):
    client = api("admin")
    raw = client.client.post("/api/v1/regions", data="{not json", content_type="application/json",
                             headers=client.headers)
    assert_error_shape(raw, 400)
    assert_error_shape(client.get("/api/v1/regions/0"), 422)
    assert_error_shape(client.get("/api/v1/regions/99999999999999999999999"), 422)
    assert_error_shape(client.get("/api/v1/regions/abc"), 422)
    assert_error_shape(client.get("/api/v1/regions/987654321"), 404)
    assert_error_shape(client.get("/api/v1/no-such-thing"), 404)
    assert_error_shape(client.post("/api/v1/regions", {"code": "410481001\u0000", "name": "x",
                                                       "level": "village"}), 422)
    assert_error_shape(client.post("/api/v1/users", {"username": "u1", "password": "x", "roles": ["wizard"],
                                                     "scope_region_code": "410481"}), 422)


def test_weak_passwords_unknown_scopes_and_duplicates_are_field_errors(api):
    client = api("admin")
    body = assert_error_shape(client.post("/api/v1/users", {"username": "weak", "password": "12345678",
                                                            "roles": ["observer"],
                                                            "scope_region_code": "410481"}), 422)
    assert {e["field"] for e in body["errors"]} == {"password"}
    body = assert_error_shape(client.post("/api/v1/users", {"username": "noscope", "password": "Str0ng!pass",
                                                            "roles": ["observer"],
                                                            "scope_region_code": "410481999"}), 422)
    assert body["errors"][0]["field"] == "scope_region_code"
    body = assert_error_shape(client.post("/api/v1/users", {"username": "admin", "password": "Str0ng!pass",
                                                            "roles": ["observer"],
                                                            "scope_region_code": "410481"}), 409)
    assert body["errors"][0]["field"] == "username"
    body = assert_error_shape(client.post("/api/v1/users", {"username": "both", "password": "Str0ng!pass",
                                                            "roles": ["enterprise_user"],
                                                            "scope_region_code": "410481",
                                                            "enterprise_id": 1}), 422)
    assert body["errors"][0]["field"] == "scope"
    assert not User.objects.filter(username__in=["weak", "noscope", "both"]).exists()


def test_conflicts_answer_409(api):
    client = api("admin")
    township = Region.objects.filter(level="township").first()
    response = client.delete(f"/api/v1/regions/{township.pk}")
    assert_error_shape(response, 409)
    assert Region.objects.filter(pk=township.pk).exists()
    hq = Organisation.objects.filter(kind="command_hq").first()
    response = client.delete(f"/api/v1/organisations/{hq.lead_unit_id}")
    assert_error_shape(response, 409)


def test_csrf_protects_session_writes(demo_county):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username="admin"))
    response = client.post("/api/v1/regions", data={"code": "410481001296", "name": "x", "level": "village",
                                                   "parent_code": "410481001"}, content_type="application/json")
    assert response.status_code in (401, 403)
    assert not Region.objects.filter(code="410481001296").exists()
    assert client.get("/api/v1/me").status_code == 200
