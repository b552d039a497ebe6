"""Security baseline: password history, forced change of initial passwords, logout everywhere, personal data
masked unless the role needs it (and reading it is audited), response headers."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import ApiClient
from yingji.core import services
from yingji.core.errors import ValidationFailed
from yingji.core.models import AuditRecord, Contact, Organisation, User


def test_last_five_passwords_cannot_be_reused(demo_county, password):
    user = User.objects.get(username="observer")
    history = [password, "First@pass11", "Second@pass22", "Third@pass33", "Fourth@pass44", "Fifth@pass55"]
    for old, new in zip(history, history[1:], strict=False):
        services.change_password(user, old, new)
    for reused in history[1:]:
        with pytest.raises(ValidationFailed) as exc:
            services.change_password(user, "Fifth@pass55", reused)
        assert exc.value.errors[0]["field"] == "new_password"
    # The demo password is now the sixth-newest: out of the last five, so it may be used again.
    services.change_password(user, "Fifth@pass55", password)
    assert user.password_history.count() == 4


def test_initial_password_must_be_changed_before_anything_else(demo_county):
    user = services.create_user(None, username="fresh", roles=["observer"], password="Initial@pass1",
                                scope_region_code="410481", must_change_password=True)
    client = Client()
    assert client.post("/login/", {"username": "fresh", "password": "Initial@pass1"}).status_code == 302
    page = client.get("/regions/")
    assert page.status_code == 302 and page["Location"].endswith("/account/password/")
    assert client.get("/account/password/").status_code == 200
    api = ApiClient(user)
    blocked = api.get("/api/v1/regions")
    assert blocked.status_code == 403 and "Password change required" in blocked.json()["detail"]
    assert api.get("/api/v1/me").status_code == 200
    assert api.post("/api/v1/me/password", {"old_password": "Initial@pass1",
                                            "new_password": "Changed@pass2"}).status_code == 204
    assert api.get("/api/v1/regions").status_code == 200


def test_logout_everywhere_ends_other_sessions_and_tokens(demo_county, password):
    laptop, phone = Client(), Client()
    for client in (laptop, phone):
        assert client.post("/login/", {"username": "duty", "password": password}).status_code == 302
    api = ApiClient(User.objects.get(username="duty"))
    assert phone.get("/").status_code == 200
    assert laptop.post("/account/logout-everywhere/").status_code == 302
    assert phone.get("/").status_code == 302  # the other browser is logged out too
    assert api.get("/api/v1/me").status_code == 401
    assert AuditRecord.objects.filter(action="logout", username="duty", message="logout everywhere").exists()


def test_phone_numbers_are_masked_for_roles_without_the_grant_and_reading_them_is_audited(api):
    org = Organisation.objects.filter(kind="member_unit", contacts__isnull=False).first()
    contact = Contact.objects.filter(organisation=org).first()
    observer = api("observer").get(f"/api/v1/organisations/{org.pk}").json()
    masked = next(c for c in observer["contacts"] if c["id"] == contact.pk)
    assert masked["mobile"] == contact.mobile[:3] + "****" + contact.mobile[-4:]
    assert not AuditRecord.objects.filter(action="view_pii", username="observer").exists()
    duty = api("duty").get(f"/api/v1/organisations/{org.pk}").json()
    assert next(c for c in duty["contacts"] if c["id"] == contact.pk)["mobile"] == contact.mobile
    record = AuditRecord.objects.filter(action="view_pii", username="duty").latest("id")
    assert record.object_id == str(org.pk) and f"contacts.{contact.pk}.mobile" in record.after["fields"]
    listed = api("duty").get("/api/v1/organisations", kind="member_unit", limit=500).json()
    assert all("****" in c["mobile"] for o in listed["items"] for c in o["contacts"] if c["mobile"])


def test_pages_mask_phone_numbers_too(web):
    org = Organisation.objects.filter(kind="member_unit", contacts__isnull=False).first()
    contact = Contact.objects.filter(organisation=org).first()
    html = web("observer").get(f"/organisations/{org.pk}/").content.decode()
    assert contact.mobile not in html and contact.mobile[-4:] in html
    assert contact.mobile in web("duty").get(f"/organisations/{org.pk}/").content.decode()


def test_security_headers_and_no_debug_pages(web):
    response = web("admin").get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    missing = web("admin").get("/no/such/page/")
    assert missing.status_code == 404 and b"Traceback" not in missing.content and b"URLconf" not in missing.content
    login = Client().post("/login/", {"username": "x", "password": "y"})
    assert login.status_code == 200
