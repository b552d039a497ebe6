"""Warning and responsible-person endpoints: auth (401), scope (404), grant (403), validation (422 with the one
error shape), workflow (approval by a different approver, 409 on a wrong state) and the happy paths."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from yingji.warnings.choices import WarningState
from yingji.warnings.models import Delivery, ResponsiblePerson, Warning

from ..conftest import assert_error_shape
from .conftest import payload, publish

ENDPOINTS = [("get", "/api/v1/warnings"), ("post", "/api/v1/warnings"), ("get", "/api/v1/warnings/{id}"),
             ("patch", "/api/v1/warnings/{id}"), ("post", "/api/v1/warnings/{id}/transitions"),
             ("post", "/api/v1/warnings/{id}/derive"), ("get", "/api/v1/warnings/{id}/deliveries"),
             ("get", "/api/v1/warnings/{id}/confirmation"), ("post", "/api/v1/warnings/{id}/resend"),
             ("post", "/api/v1/warnings/{id}/acknowledge"), ("get", "/api/v1/warning-templates"),
             ("get", "/api/v1/responsible-persons"), ("post", "/api/v1/responsible-persons"),
             ("get", "/api/v1/responsible-persons/{id}"), ("patch", "/api/v1/responsible-persons/{id}")]


def _call(client, method, path, data=None):
    return getattr(client, method)(path, data) if method in ("post", "patch") else client.get(path)


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_anonymous_is_refused(api, method, path):
    warning = Warning.objects.filter(state=WarningState.PUBLISHED).first()
    response = _call(api(None), method, path.format(id=warning.pk), {})
    assert_error_shape(response, 401)


def test_public_endpoints_need_no_login(api):
    client = api(None)
    feed = client.get("/api/v1/warnings/feed.atom")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("application/atom+xml")
    draft = Warning.objects.filter(state=WarningState.DRAFT).first()
    assert_error_shape(client.get(f"/api/v1/warnings/{draft.pk}/cap.xml"), 404)
    assert api("duty").get(f"/api/v1/warnings/{draft.pk}/cap.xml").status_code == 200


def test_create_submit_approve_publish_happy_path(api):
    duty, approver = api("duty"), api("approver")
    created = duty.post("/api/v1/warnings", payload())
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "draft" and body["region_code"] == "410481001" and body["severity"] == "Severe"
    wid = body["id"]
    edited = duty.patch(f"/api/v1/warnings/{wid}", {"headline": "暴雨橙色预警（修订）"})
    assert edited.json()["headline"].endswith("修订）")
    assert duty.post(f"/api/v1/warnings/{wid}/transitions", {"action": "submit"}).json()["state"] == "submitted"
    assert_error_shape(duty.patch(f"/api/v1/warnings/{wid}", {"headline": "x"}), 422)
    assert "approve" in approver.get(f"/api/v1/warnings/{wid}").json()["actions"]
    assert approver.post(f"/api/v1/warnings/{wid}/transitions", {"action": "approve"}).json()["state"] == "approved"
    published = duty.post(f"/api/v1/warnings/{wid}/transitions", {"action": "publish"})
    assert published.status_code == 200 and published.json()["sent"]
    assert Delivery.objects.filter(warning_id=wid).exists()
    assert_error_shape(duty.post(f"/api/v1/warnings/{wid}/transitions", {"action": "publish"}), 409)
    listed = duty.get("/api/v1/warnings", state="published", limit=500).json()
    assert wid in {item["id"] for item in listed["items"]}
    assert duty.get(f"/api/v1/warnings/{wid}/confirmation").json()["confirmed"] == 0


def test_approval_needs_a_different_account_with_the_approver_role(api):
    commander = api("commander")  # commander + approver, but cannot author
    duty = api("duty")
    wid = duty.post("/api/v1/warnings", payload()).json()["id"]
    assert_error_shape(duty.post(f"/api/v1/warnings/{wid}/transitions", {"action": "approve"}), 409)
    duty.post(f"/api/v1/warnings/{wid}/transitions", {"action": "submit"})
    assert_error_shape(duty.post(f"/api/v1/warnings/{wid}/transitions", {"action": "approve"}), 403)
    assert commander.post(f"/api/v1/warnings/{wid}/transitions", {"action": "approve"}).status_code == 200


def test_approver_who_submitted_cannot_approve(api, demo_county):
    from yingji.core.models import User, UserRole

    duty = User.objects.get(username="duty")
    UserRole.objects.create(user=duty, role="approver")
    client = api("duty")
    wid = client.post("/api/v1/warnings", payload()).json()["id"]
    client.post(f"/api/v1/warnings/{wid}/transitions", {"action": "submit"})
    assert_error_shape(client.post(f"/api/v1/warnings/{wid}/transitions", {"action": "approve"}), 403)


def test_grants(api):
    assert_error_shape(api("observer").post("/api/v1/warnings", payload()), 403)
    assert_error_shape(api("enterprise1").get("/api/v1/warnings"), 403)
    assert_error_shape(api("enterprise1").get("/api/v1/responsible-persons"), 403)
    warning = Warning.objects.filter(state=WarningState.PUBLISHED).first()
    assert_error_shape(api("observer").post(f"/api/v1/warnings/{warning.pk}/resend"), 403)
    assert_error_shape(api("observer").post("/api/v1/responsible-persons", {}), 422)  # schema first
    person = ResponsiblePerson.objects.filter(region_code="410481").first()
    assert_error_shape(api("observer").patch(f"/api/v1/responsible-persons/{person.pk}", {"title": "x"}), 403)


def test_out_of_scope_answers_404(api, demo_county):
    county_warning = Warning.objects.filter(region_code="410481").first()
    other = publish(payload(area_codes=[demo_county["township2"]]))
    township1 = api("township1")
    for path in ("/api/v1/warnings/{id}", "/api/v1/warnings/{id}/deliveries", "/api/v1/warnings/{id}/confirmation"):
        assert_error_shape(township1.get(path.format(id=county_warning.pk)), 404)
        assert_error_shape(township1.get(path.format(id=other.pk)), 404)
    assert_error_shape(township1.patch(f"/api/v1/warnings/{other.pk}", {"headline": "x"}), 404)
    assert_error_shape(township1.post(f"/api/v1/warnings/{other.pk}/transitions", {"action": "submit"}), 404)
    far = ResponsiblePerson.objects.filter(region_code__startswith=demo_county["township2"]).first()
    assert_error_shape(township1.get(f"/api/v1/responsible-persons/{far.pk}"), 404)
    assert_error_shape(township1.patch(f"/api/v1/responsible-persons/{far.pk}", {"title": "x"}), 404)
    listed = township1.get("/api/v1/responsible-persons", limit=500).json()
    assert listed["items"] and all(p["region_code"].startswith(demo_county["township"]) for p in listed["items"])


def test_validation_errors_have_the_one_shape(api):
    duty = api("duty")
    now = timezone.now()
    cases = [
        ({"level": "purple"}, "level"),
        ({"area_codes": ["999999"]}, "area_codes"),
        ({"area_codes": [], "polygons": []}, "area_codes"),
        ({"expires": (now - timedelta(hours=1)).isoformat()}, "expires"),
        ({"polygons": ["34,113 35,114"]}, "polygons"),
        ({"circles": ["34,113"]}, "circles"),
        ({"headline": ""}, "headline"),
        ({"template": "nope"}, "template"),
        ({"template": "rainstorm_red", "level": "blue"}, "level"),
    ]
    for change, field in cases:
        body = assert_error_shape(duty.post("/api/v1/warnings", payload(**change)), 422)
        assert field in {e["field"] for e in body["errors"]}, (change, body)
    body = assert_error_shape(duty.post("/api/v1/warnings/1/transitions", {"action": "fly"}), 422)
    assert body["errors"][0]["field"] == "action"


def test_township_staff_cannot_author_outside_and_template_locks(api, demo_county):
    assert_error_shape(api("township1").post("/api/v1/warnings", payload()), 403)  # no add grant
    duty = api("duty")
    created = duty.post("/api/v1/warnings", {"template": "rainstorm_red", "effective": timezone.now().isoformat(),
                                             "expires": (timezone.now() + timedelta(hours=6)).isoformat()})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["level"] == "red" and body["area_codes"] == ["410481"] and "instruction" in body["locked_fields"]
    body = assert_error_shape(duty.patch(f"/api/v1/warnings/{body['id']}", {"instruction": "x"}), 422)
    assert body["errors"][0]["field"] == "instruction"
    templates = duty.get("/api/v1/warning-templates").json()
    assert {"rainstorm_red", "flash_flood", "forest_fire"} <= {t["key"] for t in templates}


def test_polygon_area_reaches_villages_inside_it(api, demo_county):
    from yingji.core.models import Region

    village = Region.objects.get(code=demo_county["village"])
    lat, lon = float(village.lat), float(village.lon)
    d = .002
    ring = f"{lat - d},{lon - d} {lat - d},{lon + d} {lat + d},{lon + d} {lat + d},{lon - d} " \
           f"{lat - d},{lon - d}"
    body = api("duty").post("/api/v1/warnings", payload(area_codes=[], polygons=[ring])).json()
    warning = Warning.objects.get(pk=body["id"])
    assert village.code in warning.target_codes
    assert body["region_code"] == village.code


def test_derive_update_and_cancel_through_the_api(api):
    duty, approver = api("duty"), api("approver")
    original = publish()
    draft = duty.post(f"/api/v1/warnings/{original.pk}/derive", {"msg_type": "Update", "level": "red"})
    assert draft.status_code == 201 and draft.json()["references_id"] == original.pk
    assert draft.json()["msg_type"] == "Update"
    wid = draft.json()["id"]
    duty.post(f"/api/v1/warnings/{wid}/transitions", {"action": "submit"})
    approver.post(f"/api/v1/warnings/{wid}/transitions", {"action": "approve"})
    assert duty.post(f"/api/v1/warnings/{wid}/transitions", {"action": "publish"}).status_code == 200
    assert duty.get(f"/api/v1/warnings/{original.pk}").json()["state"] == "updated"
    assert_error_shape(duty.post(f"/api/v1/warnings/{original.pk}/derive", {"msg_type": "Cancel"}), 422)
    assert_error_shape(duty.post(f"/api/v1/warnings/{wid}/derive", {"msg_type": "Alert"}), 422)


def test_reject_needs_a_note(api):
    duty, approver = api("duty"), api("approver")
    wid = duty.post("/api/v1/warnings", payload()).json()["id"]
    duty.post(f"/api/v1/warnings/{wid}/transitions", {"action": "submit"})
    body = assert_error_shape(approver.post(f"/api/v1/warnings/{wid}/transitions", {"action": "reject"}), 422)
    assert body["errors"][0]["field"] == "note"
    ok = approver.post(f"/api/v1/warnings/{wid}/transitions", {"action": "reject", "note": "area too wide"})
    assert ok.json()["state"] == "draft"


def test_expiry_job(demo_county):
    from yingji.warnings import services

    warning = publish()
    assert services.expire_due(timezone.now() + timedelta(hours=13)) >= 1
    warning.refresh_from_db()
    assert warning.state == WarningState.EXPIRED
    from yingji.core.models import AuditRecord

    assert AuditRecord.objects.filter(object_type="warnings.warning", object_id=str(warning.pk),
                                      message__startswith="expire").exists()


def test_responsible_person_crud(api, demo_county):
    client = api("township1")
    village = demo_county["village"]
    superior = ResponsiblePerson.objects.filter(region_code=demo_county["township"], kind="flood").first()
    created = client.post("/api/v1/responsible-persons", {
        "name": "张三", "kind": "flood", "region_code": village, "phone": "13800001111",
        "superior_id": superior.pk, "channels": ["sms", "email"], "email": "z@example.cn"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["tier"] == "village" and body["phone"] == "13800001111"
    pid = body["id"]
    assert client.patch(f"/api/v1/responsible-persons/{pid}", {"title": "巡查员"}).json()["title"] == "巡查员"
    assert api("observer").get(f"/api/v1/responsible-persons/{pid}").json()["phone"] == "138****1111"
    bad = [({"region_code": demo_county["township2"]}, 403), ({"channels": ["fax"]}, 422),
           ({"channels": ["webhook"]}, 422), ({"channels": ["inapp"]}, 422), ({"region_code": "410481999"}, 422)]
    for change, status in bad:
        data = {"name": "李四", "kind": "flood", "region_code": village, "phone": "13800002222"} | change
        assert_error_shape(client.post("/api/v1/responsible-persons", data), status)
    county_person = ResponsiblePerson.objects.filter(region_code="410481").first()
    body = assert_error_shape(client.patch(f"/api/v1/responsible-persons/{pid}",
                                           {"superior_id": ResponsiblePerson.objects.filter(
                                               region_code=demo_county["township2"]).first().pk}), 422)
    assert body["errors"][0]["field"] == "superior_id"
    assert client.patch(f"/api/v1/responsible-persons/{pid}", {"superior_id": county_person.pk}).status_code == 200
