"""Licences and certificates: API and pages, validity, the expiring-soon listing, scope and grants."""

from __future__ import annotations

import datetime

from django.utils import timezone

from tests.conftest import assert_error_shape
from yingji.core.models import AuditRecord
from yingji.enterprises.models import Licence


def today():
    return timezone.localdate()


def licence_payload(**extra):
    return {"kind": "safety_production", "number": "(豫)WH安许证字[2026]900001", "issuer": "河南省应急管理厅",
            "issued_on": "2026-01-10", "expires_on": "2029-01-09", **extra}


def test_anonymous_is_401(api, own_enterprise):
    anonymous = api(None)
    licence = own_enterprise.licences.first()
    assert_error_shape(anonymous.get("/api/v1/licences"), 401)
    assert_error_shape(anonymous.get(f"/api/v1/licences/{licence.pk}"), 401)
    assert_error_shape(anonymous.get(f"/api/v1/enterprises/{own_enterprise.pk}/licences"), 401)
    assert_error_shape(anonymous.post(f"/api/v1/enterprises/{own_enterprise.pk}/licences", licence_payload()), 401)
    assert_error_shape(anonymous.patch(f"/api/v1/licences/{licence.pk}", {"issuer": "x"}), 401)
    assert_error_shape(anonymous.delete(f"/api/v1/licences/{licence.pk}"), 401)


def test_enterprise_user_records_its_own_licence(api, own_enterprise):
    client = api("enterprise1")
    response = client.post(f"/api/v1/enterprises/{own_enterprise.pk}/licences", licence_payload())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["enterprise_id"] == own_enterprise.pk and body["state"] == "valid"
    listed = client.get(f"/api/v1/enterprises/{own_enterprise.pk}/licences").json()
    assert body["id"] in [item["id"] for item in listed["items"]]
    soon = (today() + datetime.timedelta(days=10)).isoformat()
    patched = client.patch(f"/api/v1/licences/{body['id']}", {"expires_on": soon}).json()
    assert patched["state"] == "expiring" and patched["days_left"] == 10
    assert AuditRecord.objects.filter(object_type="enterprises.licence", object_id=str(body["id"]),
                                      action="update").exists()
    assert client.delete(f"/api/v1/licences/{body['id']}").status_code == 204
    assert not Licence.objects.filter(pk=body["id"]).exists()


def test_validation(api, own_enterprise):
    client = api("admin")
    path = f"/api/v1/enterprises/{own_enterprise.pk}/licences"
    body = assert_error_shape(client.post(path, licence_payload(kind="driving", number="", expires_on="soon")), 422)
    assert {"kind", "number", "expires_on"} <= {e["field"] for e in body["errors"]}
    body = assert_error_shape(client.post(path, licence_payload(issued_on="2026-05-01", expires_on="2026-04-30")),
                              422)
    assert body["errors"][0]["field"] == "expires_on"
    assert client.post(path, licence_payload()).status_code == 201
    assert_error_shape(client.post(path, licence_payload()), 409)  # the same number of the same kind
    licence = own_enterprise.licences.first()
    assert_error_shape(client.patch(f"/api/v1/licences/{licence.pk}", {"number": None}), 422)


def test_scope_and_grants(api, own_enterprise, township_enterprise, other_enterprise):
    foreign = Licence.objects.filter(enterprise=township_enterprise).first()
    outside = Licence.objects.filter(enterprise__region_code__startswith=other_enterprise.region_code[:9]).first()
    enterprise_client = api("enterprise1")
    assert_error_shape(enterprise_client.get(f"/api/v1/licences/{foreign.pk}"), 404)
    assert_error_shape(enterprise_client.patch(f"/api/v1/licences/{foreign.pk}", {"issuer": "x"}), 404)
    assert_error_shape(enterprise_client.delete(f"/api/v1/licences/{foreign.pk}"), 404)
    assert_error_shape(enterprise_client.post(f"/api/v1/enterprises/{township_enterprise.pk}/licences",
                                              licence_payload()), 404)
    mine = enterprise_client.get("/api/v1/licences", limit=500).json()
    assert {item["enterprise_id"] for item in mine["items"]} == {own_enterprise.pk}
    township = api("township1")
    assert township.get(f"/api/v1/licences/{foreign.pk}").status_code == 200
    assert_error_shape(township.get(f"/api/v1/licences/{outside.pk}"), 404)
    assert_error_shape(township.patch(f"/api/v1/licences/{foreign.pk}", {"issuer": "x"}), 403)
    assert_error_shape(township.post(f"/api/v1/enterprises/{township_enterprise.pk}/licences", licence_payload()),
                       403)
    inspector = api("inspector")
    assert inspector.patch(f"/api/v1/licences/{outside.pk}", {"issuer": "平顶山市应急管理局"}).status_code == 200
    assert_error_shape(inspector.delete(f"/api/v1/licences/{outside.pk}"), 403)


def test_expiring_listing(api):
    client = api("observer")
    body = client.get("/api/v1/licences", expiring_within_days="30", limit=500).json()
    limit = today() + datetime.timedelta(days=30)
    expected = Licence.objects.filter(expires_on__gte=today(), expires_on__lte=limit)
    assert body["count"] == expected.count() > 0
    dates = [item["expires_on"] for item in body["items"]]
    assert dates == sorted(dates)
    expired = client.get("/api/v1/licences", state="expired", limit=500).json()
    assert expired["count"] == Licence.objects.filter(expires_on__lt=today()).count() > 0
    assert all(item["state"] == "expired" and item["days_left"] < 0 for item in expired["items"])
    expiring = client.get("/api/v1/licences", state="expiring", limit=500).json()
    assert expiring["count"] > 0 and all(item["state"] == "expiring" for item in expiring["items"])
    assert_error_shape(client.get("/api/v1/licences", state="forever"), 422)


def test_licence_pages(web, own_enterprise, demo_county):
    client = web("enterprise1")
    response = client.post(f"/enterprises/{own_enterprise.pk}/licences/new/", {
        "kind": "standardisation", "number": "平AQB2026000999", "issuer": "平顶山市应急管理局",
        "issued_on": "2026-01-01", "expires_on": "2028-12-31"})
    assert response.status_code == 302, response.content.decode()[:2000]
    licence = Licence.objects.get(number="平AQB2026000999")
    assert client.get(f"/licences/{licence.pk}/edit/").status_code == 200
    response = client.post(f"/licences/{licence.pk}/edit/", {"kind": "standardisation", "number": "平AQB2026000999",
                                                               "expires_on": "2027-12-31"})
    assert response.status_code == 302
    licence.refresh_from_db()
    assert licence.expires_on == datetime.date(2027, 12, 31)
    assert "平AQB2026000999" in client.get(f"/enterprises/{own_enterprise.pk}/").content.decode()
    assert client.post(f"/licences/{licence.pk}/delete/").status_code == 302
    assert not Licence.objects.filter(pk=licence.pk).exists()
    township = web("township1")
    listing = township.get("/licences/", {"state": "expiring"}).content.decode()
    outside = Licence.objects.exclude(enterprise__region_code__startswith=demo_county["township"])
    assert not any(f">{item.number}<" in listing for item in outside[:50])
    foreign = Licence.objects.exclude(enterprise=own_enterprise).first()
    assert client.get(f"/licences/{foreign.pk}/edit/").status_code == 404
