"""Evidence uploads: images and PDFs only, checked by content, size-limited, listed and served inside scope."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import ApiClient, assert_error_shape
from tests.prevention.conftest import PDF, PNG
from yingji.core import attachments
from yingji.prevention.choices import HazardState
from yingji.prevention.models import HazardEvent


def _upload(client: ApiClient, hazard, content: bytes, name: str, purpose: str = "evidence"):
    return client.client.post(f"/api/v1/hazards/{hazard.pk}/attachments",
                              {"file": SimpleUploadedFile(name, content), "purpose": purpose},
                              headers=client.headers)


def test_evidence_upload_and_listing(make_hazard, users):
    hazard = make_hazard(HazardState.RECTIFYING)
    client = ApiClient(users["enterprise1"])
    response = _upload(client, hazard, PNG, "after.jpg")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content_type"] == "image/png" and body["purpose"] == "evidence" and body["url"]
    pdf = _upload(client, hazard, PDF, "report.pdf")
    assert pdf.status_code == 201
    listed = client.get(f"/api/v1/hazards/{hazard.pk}/attachments").json()
    assert {a["name"] for a in listed} >= {"after.jpg", "report.pdf"}
    assert HazardEvent.objects.filter(hazard=hazard, kind="attach").count() == len(listed)
    download = client.client.get(body["url"], headers=client.headers)
    assert download.status_code in (200, 302)


def test_other_content_and_oversize_files_are_refused(make_hazard, users, monkeypatch):
    hazard = make_hazard(HazardState.RECTIFYING)
    client = ApiClient(users["enterprise1"])
    for content, name in ((b"<html>x</html>", "x.png"), (b"MZ\x90\x00" * 10, "tool.pdf"), (b"", "empty.png")):
        assert assert_error_shape(_upload(client, hazard, content, name), 422)["errors"][0]["field"] in ("file", "")
    monkeypatch.setattr(attachments, "MAX_BYTES", 100)
    too_big = _upload(client, hazard, PNG + b"0" * 200, "big.png")
    assert "larger" in assert_error_shape(too_big, 422)["errors"][0]["message"]
    assert [a.original_name for a in attachments.for_object(hazard)] == ["after.png"]


def test_uploads_follow_state_role_and_scope(make_hazard, users):
    reported = make_hazard(HazardState.REPORTED)
    client = ApiClient(users["enterprise1"])
    assert _upload(client, reported, PNG, "photo.png", "photo").status_code == 201
    assert_error_shape(_upload(client, reported, PNG, "early.png", "evidence"), 409)
    assert_error_shape(_upload(ApiClient(users["observer"]), reported, PNG, "o.png", "photo"), 403)
    assert_error_shape(_upload(ApiClient(users["township2"]), reported, PNG, "t.png", "photo"), 404)
    assert_error_shape(_upload(client, reported, PNG, "x.png", "selfie"), 422)
    closed = make_hazard(HazardState.CLOSED)
    assert_error_shape(_upload(ApiClient(users["inspector"]), closed, PNG, "late.png", "other"), 409)
