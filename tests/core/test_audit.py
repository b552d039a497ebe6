"""The audit trail: every write and every login (failed too) is recorded; nothing can change or delete a record."""

from __future__ import annotations

import json

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from yingji.core import audit, context
from yingji.core.models import AuditRecord, Contact, Organisation, Region, User


def last(**filters) -> AuditRecord:
    record = AuditRecord.objects.filter(**filters).order_by("-id").first()
    assert record is not None, f"no audit record matching {filters}"
    return record


def test_region_create_update_delete_are_audited_with_before_and_after(api, demo_county):
    client = api("admin")
    client.client.defaults["REMOTE_ADDR"] = "10.1.2.3"
    created = client.post("/api/v1/regions", {"code": demo_county["township"] + "297", "name": "新建村",
                                              "level": "village", "parent_code": demo_county["township"]})
    assert created.status_code == 201
    rid = created.json()["id"]
    rec = last(action="create", object_type="core.region", object_id=str(rid))
    assert rec.username == "admin" and rec.user_id == client.user.pk
    assert rec.address == "10.1.2.3"
    assert rec.after["name"] == "新建村" and rec.before is None
    assert rec.region_code == demo_county["township"] + "297"
    assert rec.request_id

    assert client.patch(f"/api/v1/regions/{rid}", {"name": "改名村", "population": 1200}).status_code == 200
    rec = last(action="update", object_id=str(rid))
    assert rec.before == {"name": "新建村", "population": None}
    assert rec.after == {"name": "改名村", "population": 1200}

    before_count = AuditRecord.objects.count()
    assert client.patch(f"/api/v1/regions/{rid}", {"name": "改名村"}).status_code == 200
    assert AuditRecord.objects.count() == before_count, "a no-op update is not recorded"

    assert client.delete(f"/api/v1/regions/{rid}").status_code == 204
    rec = last(action="delete", object_id=str(rid))
    assert rec.before["code"] == demo_county["township"] + "297" and rec.after is None
    assert not Region.objects.filter(pk=rid).exists()


def test_organisation_contact_user_and_token_writes_are_audited(api, demo_county):
    client = api("admin")
    org = client.post("/api/v1/organisations", {"name": "测试成员单位", "kind": "member_unit",
                                                "region_code": "410481", "duty_phone": "0375-8123456"})
    assert org.status_code == 201, org.content
    oid = org.json()["id"]
    assert last(action="create", object_type="core.organisation").object_id == str(oid)
    contact = client.post(f"/api/v1/organisations/{oid}/contacts", {"name": "张伟", "mobile": "13812345678"})
    assert contact.status_code == 201, contact.content
    cid = contact.json()["id"]
    assert last(action="create", object_type="core.contact").after["mobile"] == "13812345678"
    assert client.patch(f"/api/v1/contacts/{cid}", {"title": "联络员"}).status_code == 200
    assert last(action="update", object_type="core.contact").after == {"title": "联络员"}
    assert client.delete(f"/api/v1/contacts/{cid}").status_code == 204
    assert last(action="delete", object_type="core.contact").object_id == str(cid)

    user = client.post("/api/v1/users", {"username": "newduty", "password": "Duty@officer1", "roles":
                                         ["duty_officer", "observer"], "scope_region_code": "410481"})
    assert user.status_code == 201, user.content
    uid = user.json()["id"]
    rec = last(action="create", object_type="core.user", object_id=str(uid))
    assert rec.after["roles"] == ["duty_officer", "observer"]
    assert rec.after["password"] == audit.REDACTED
    assert client.patch(f"/api/v1/users/{uid}", {"roles": ["duty_officer"]}).status_code == 200
    rec = last(action="update", object_type="core.user", object_id=str(uid))
    assert rec.before == {"roles": ["duty_officer", "observer"]} and rec.after == {"roles": ["duty_officer"]}
    assert client.patch(f"/api/v1/users/{uid}", {"is_active": False}).status_code == 200
    assert last(action="update", object_id=str(uid)).after == {"is_active": False}
    assert client.post(f"/api/v1/users/{uid}/password", {"new_password": "Reset@pass99"}).status_code == 204
    assert last(action="password_change", object_id=str(uid)).username == "admin"

    token = client.post("/api/v1/me/tokens", {"name": "script"})
    assert token.status_code == 201
    assert last(action="token_create").after["prefix"] == token.json()["prefix"]
    assert client.delete(f"/api/v1/me/tokens/{token.json()['id']}").status_code == 204
    assert last(action="token_revoke").before["prefix"] == token.json()["prefix"]


def test_enterprise_update_is_audited_with_enterprise_scope(api):
    client = api("enterprise1")
    eid = client.user.enterprise_id
    assert client.patch(f"/api/v1/enterprises/{eid}", {"safety_manager": "李强"}).status_code == 200
    rec = last(action="update", object_type="enterprises.enterprise", object_id=str(eid))
    assert rec.enterprise_id == eid and rec.after == {"safety_manager": "李强"}
    # An enterprise cannot change its own identity, place or status.
    assert client.patch(f"/api/v1/enterprises/{eid}", {"status": "closed"}).status_code == 403


def test_successful_and_failed_logins_are_audited(demo_county, password):
    client = Client(REMOTE_ADDR="192.0.2.7")
    bad = client.post("/login/", {"username": "duty", "password": "wrong-password"})
    assert bad.status_code == 200  # the form again, with an error
    rec = last(action="login_failed")
    assert rec.username == "duty" and rec.address == "192.0.2.7"
    assert rec.user_id == User.objects.get(username="duty").pk
    client.post("/login/", {"username": "nobody-here", "password": "x"})
    rec = last(action="login_failed")
    assert rec.username == "nobody-here" and rec.user_id is None
    good = client.post("/login/", {"username": "duty", "password": password})
    assert good.status_code == 302
    rec = last(action="login")
    assert rec.username == "duty" and rec.address == "192.0.2.7"
    client.post("/logout/")
    assert last(action="logout").username == "duty"


def test_failed_login_for_unknown_name_is_visible_to_county_admin_only(api, demo_county):
    Client().post("/login/", {"username": "ghost-user", "password": "x"})
    admin = api("admin").get("/api/v1/audit", action="login_failed", username="ghost-user").json()
    assert admin["count"] == 1
    from tests.conftest import ApiClient
    from yingji.core.services import create_user

    township_admin = create_user(None, username="tadmin2", roles=["admin"], password="Local@admin1",
                                 scope_region_code=demo_county["township"])
    local = ApiClient(township_admin).get("/api/v1/audit", action="login_failed", username="ghost-user").json()
    assert local["count"] == 0


def test_audit_api_is_read_only(api):
    client = api("admin")
    record = AuditRecord.objects.order_by("id").first()
    path = f"/api/v1/audit/{record.pk}"
    assert client.get(path).status_code == 200
    for method in ("patch", "delete", "post"):
        response = getattr(client, method)(path)
        assert response.status_code == 405, (method, response.status_code)
    assert client.client.put(path, data="{}", content_type="application/json",
                             headers=client.headers).status_code == 405
    assert client.post("/api/v1/audit", {"action": "create"}).status_code == 405
    assert AuditRecord.objects.get(pk=record.pk).action == record.action


def test_no_route_in_the_openapi_document_writes_audit_records(api):
    schema = api("admin").get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        if path.startswith("/api/v1/audit"):
            assert set(operations) == {"get"}, (path, operations.keys())


def test_audit_records_are_append_only_in_the_application_and_the_database(demo_county):
    record = AuditRecord.objects.order_by("id").first()
    record.message = "tampered"
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        record.delete()
    with pytest.raises(PermissionError):
        AuditRecord.objects.filter(pk=record.pk).update(message="tampered")
    with pytest.raises(PermissionError):
        AuditRecord.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditrecord SET message = 'tampered' WHERE id = %s", [record.pk])
    assert AuditRecord.objects.get(pk=record.pk).message != "tampered"


def test_web_form_writes_are_audited(web, demo_county):
    client = web("section")
    response = client.post("/organisations/new/", {"name": "新增成员单位", "kind": "member_unit",
                                                   "region_code": "410481", "is_active": "on"})
    assert response.status_code == 302, response.content[:2000]
    org = Organisation.objects.get(name="新增成员单位")
    rec = last(action="create", object_type="core.organisation", object_id=str(org.pk))
    assert rec.username == "section"
    response = client.post(f"/organisations/{org.pk}/contacts/new/", {"name": "王芳", "mobile": "13912345678"})
    assert response.status_code == 302
    contact = Contact.objects.get(organisation=org)
    assert last(action="create", object_type="core.contact").object_id == str(contact.pk)


def test_audit_export_honours_filters_and_is_itself_audited(web, api):
    api("admin").post("/api/v1/me/tokens", {"name": "x"})
    client = web("admin")
    response = client.get("/audit/", {"action": "token_create", "export": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = [line for line in text.splitlines() if line]
    assert len(lines) == 1 + AuditRecord.objects.filter(action="token_create").count()
    assert all("token_create" in line or "API" in line for line in lines[1:])
    rec = last(action="export")
    assert rec.username == "admin" and "token_create" in rec.message


def test_request_context_names_the_actor(demo_county):
    user = User.objects.get(username="section")
    with context.acting(user, address="203.0.113.5", request_id="abc"):
        rec = audit.record("update", None, object_type="x", object_repr="y")
    assert (rec.username, rec.address, rec.request_id) == ("section", "203.0.113.5", "abc")
    assert json.dumps(audit.snapshot(user))  # snapshots are JSON-safe
