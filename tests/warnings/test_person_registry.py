"""The responsible-person registry: create/edit pages and API create/update with jurisdiction scope, field-level
errors, audit, and phone masking for roles without the PII grant."""

from __future__ import annotations

from yingji.core.models import AuditRecord
from yingji.core.policy import mask_phone
from yingji.warnings.models import ResponsiblePerson

from ..conftest import assert_error_shape

PHONE = "13912345678"


def _form(region_code: str, **overrides) -> dict:
    return {"name": "王五", "kind": "flood", "title": "村防汛责任人", "region_code": region_code, "phone": PHONE,
            "channels": "sms", "is_active": "on"} | overrides


def test_create_and_edit_pages(web, demo_county):
    client = web("township1")
    village = demo_county["village"]
    assert client.get("/responsible-persons/new/").status_code == 200
    bad = client.post("/responsible-persons/new/", _form(village, channels="sms, webhook"))
    assert bad.status_code == 200 and "webhook_url" in bad.context["form"].errors
    unknown = client.post("/responsible-persons/new/", _form(village, channels="pager"))
    assert "channels" in unknown.context["form"].errors
    response = client.post("/responsible-persons/new/", _form(village, channels="sms, email", email="w@example.cn"))
    person = ResponsiblePerson.objects.get(name="王五")
    assert response.status_code == 302 and response["Location"] == f"/responsible-persons/{person.pk}/"
    assert person.channels == ["sms", "email"] and person.region_code == village
    assert AuditRecord.objects.filter(object_type="warnings.responsibleperson", object_id=str(person.pk),
                                      action="create", username="township1").exists()
    township_head = ResponsiblePerson.objects.filter(region_code=demo_county["township"], kind="flood").first()
    edit = client.post(f"/responsible-persons/{person.pk}/edit/",
                       _form(village, channels="sms", title="村长", superior=township_head.pk))
    assert edit.status_code == 302
    person.refresh_from_db()
    assert (person.title, person.superior_id, person.channels) == ("村长", township_head.pk, ["sms"])
    assert AuditRecord.objects.filter(object_type="warnings.responsibleperson", object_id=str(person.pk),
                                      action="update").exists()
    # A superior must sit above the person in the chain.
    peer = ResponsiblePerson.objects.create(name="同级", kind="flood", region_code=village, phone=PHONE,
                                            channels=["sms"])
    wrong = client.post(f"/responsible-persons/{person.pk}/edit/", _form(village, superior=peer.pk))
    assert wrong.status_code == 200 and "superior" in wrong.context["form"].errors
    person.refresh_from_db()
    assert person.superior_id == township_head.pk


def test_jurisdiction_scope_on_pages(web, demo_county):
    client = web("township1")
    choices = {c for c, _label in client.get("/responsible-persons/new/").context["form"].fields[
        "region_code"].choices}
    assert demo_county["township"] in choices and demo_county["township2"] not in choices
    other = ResponsiblePerson.objects.filter(region_code__startswith=demo_county["township2"]).first()
    assert client.get(f"/responsible-persons/{other.pk}/").status_code == 404
    assert client.get(f"/responsible-persons/{other.pk}/edit/").status_code == 404
    assert web("observer").get("/responsible-persons/new/").status_code == 403
    own = ResponsiblePerson.objects.filter(region_code__startswith=demo_county["township"]).first()
    assert web("observer").get(f"/responsible-persons/{own.pk}/edit/").status_code == 403


def test_phone_is_masked_without_the_pii_grant(web, demo_county):
    person = ResponsiblePerson.objects.filter(region_code__startswith=demo_county["village"]).first()
    shown = AuditRecord.objects.filter(action="view_pii", object_type="warnings.responsibleperson",
                                       object_id=str(person.pk))
    masked = web("grid1").get(f"/responsible-persons/{person.pk}/")
    assert masked.status_code == 200
    assert mask_phone(person.phone) in masked.content.decode() and mask_phone(person.phone) != person.phone
    assert person.phone not in masked.content.decode()
    assert not shown.exists()  # nothing was revealed, nothing to audit
    full = web("duty").get(f"/responsible-persons/{person.pk}/")
    assert person.phone in full.content.decode()
    assert shown.count() == 1 and "phone" in shown.get().after["fields"]  # the reveal is audited, once
    listed = web("grid1").get("/responsible-persons/", {"q": person.name}).content.decode()
    assert person.phone not in listed and mask_phone(person.phone) in listed


def test_api_create_update_scope_and_masking(api, demo_county):
    client = api("township1")
    village, other_township = demo_county["village"], demo_county["township2"]
    body = {"name": "赵六", "kind": "geohazard", "region_code": village, "phone": PHONE, "channels": ["sms"]}
    created = client.post("/api/v1/responsible-persons", body)
    assert created.status_code == 201, created.content
    assert created.json()["phone"] == PHONE and created.json()["tier"] == "village"
    pid = created.json()["id"]
    outside = client.post("/api/v1/responsible-persons", body | {"region_code": other_township})
    assert_error_shape(outside, 403)
    assert outside.json()["errors"][0]["field"] == "region_code"
    invalid = client.post("/api/v1/responsible-persons", body | {"channels": ["webhook"]})
    assert_error_shape(invalid, 422)
    assert {e["field"] for e in invalid.json()["errors"]} == {"webhook_url"}
    patched = client.patch(f"/api/v1/responsible-persons/{pid}", {"title": "监测员", "channels": ["sms", "inapp"]})
    assert_error_shape(patched, 422)
    patched = client.patch(f"/api/v1/responsible-persons/{pid}", {"title": "监测员"})
    assert patched.status_code == 200 and patched.json()["title"] == "监测员"
    moved = client.patch(f"/api/v1/responsible-persons/{pid}", {"region_code": other_township})
    assert_error_shape(moved, 403)
    assert ResponsiblePerson.objects.get(pk=pid).region_code == village
    assert_error_shape(api("township2").patch(f"/api/v1/responsible-persons/{pid}", {"title": "x"}), 404)
    assert_error_shape(api("grid1").patch(f"/api/v1/responsible-persons/{pid}", {"title": "x"}), 403)
    seen = api("grid1").get(f"/api/v1/responsible-persons/{pid}").json()
    assert seen["phone"] == mask_phone(PHONE) != PHONE
    assert api("observer").get(f"/api/v1/responsible-persons/{pid}").json()["phone"] == mask_phone(PHONE)
