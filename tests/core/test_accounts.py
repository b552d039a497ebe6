"""Accounts: login lockout, tokens (hashed, expiring, revocable), disabling, password change, session timeout."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.conftest import ApiClient
from yingji.core import services
from yingji.core.errors import NotAllowed, ValidationFailed
from yingji.core.models import ApiToken, AuditRecord, User, hash_token


def login(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


def test_lockout_after_five_failures_per_account_even_with_the_right_password(demo_county, password):
    client = Client(REMOTE_ADDR="198.51.100.1")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "observer", "wrong").status_code == 200
    assert login(client, "observer", "wrong").status_code == 429  # the fifth failure locks
    locked = login(client, "observer", password)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # The lockout is of this account from this address: the account from another address logs in
    # (tests/core/test_lockout.py covers the combinations).
    other = Client(REMOTE_ADDR="198.51.100.2")
    assert login(other, "observer", password).status_code == 302
    assert AuditRecord.objects.filter(action="login_failed", username="observer").count() >= 5


def test_lockout_expires_after_the_cooloff(demo_county, password):
    import time_machine

    client = Client(REMOTE_ADDR="198.51.100.9")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "section", "wrong")
    assert login(client, "section", password).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert login(Client(REMOTE_ADDR="198.51.100.9"), "section", password).status_code == 302


def test_disabled_account_cannot_log_in_or_use_its_tokens(api, password):
    client = api("inspector")
    assert client.get("/api/v1/me").status_code == 200
    admin = User.objects.get(username="admin")
    services.update_user(admin, client.user, is_active=False)
    assert client.get("/api/v1/me").status_code == 401
    assert not ApiToken.objects.usable().filter(user=client.user).exists()
    response = login(Client(), "inspector", password)
    assert response.status_code == 200 and "_auth_user_id" not in response.wsgi_request.session
    with pytest.raises(NotAllowed):
        services.update_user(admin, admin, is_active=False)


def test_tokens_are_hashed_expire_and_can_be_revoked(demo_county):
    user = User.objects.get(username="duty")
    token, raw = services.issue_token(user, name="t")
    assert raw.startswith("yj_") and token.key_hash == hash_token(raw)
    assert not ApiToken.objects.filter(key_hash=raw).exists()
    headers = {"Authorization": f"Bearer {raw}"}
    client = Client()
    assert client.get("/api/v1/me", headers=headers).json()["username"] == "duty"
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    token2, raw2 = services.issue_token(user)
    services.revoke_token(user, token2)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw2}"}).status_code == 401


def test_token_endpoints_list_only_own_tokens(api):
    client = api("duty")
    created = client.post("/api/v1/me/tokens", {"name": "scripts"}).json()
    assert created["token"].startswith("yj_")
    listed = client.get("/api/v1/me/tokens").json()
    assert {t["id"] for t in listed} == set(ApiToken.objects.filter(user=client.user).values_list("id", flat=True))
    assert all("token" not in t for t in listed)
    other = api("section")
    assert other.delete(f"/api/v1/me/tokens/{created['id']}").status_code == 404


def test_password_change_checks_old_password_and_strength(api, password):
    client = api("grid1")
    r = client.post("/api/v1/me/password", {"old_password": "nope", "new_password": "New@passw0rd"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "old_password"
    r = client.post("/api/v1/me/password", {"old_password": password, "new_password": "abcdefghij"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "new_password"
    r = client.post("/api/v1/me/password", {"old_password": password, "new_password": "New@passw0rd"})
    assert r.status_code == 204
    assert User.objects.get(username="grid1").check_password("New@passw0rd")
    assert AuditRecord.objects.filter(action="password_change", username="grid1").exists()


def test_password_change_page(web, password):
    client = web("township2")
    r = client.post("/account/password/", {"old_password": password, "new_password1": "Another@pass1",
                                           "new_password2": "Another@pass1"})
    assert r.status_code == 302
    assert User.objects.get(username="township2").check_password("Another@pass1")
    assert client.get("/account/").status_code == 200  # still logged in after the change


def test_admin_reset_forces_a_change_at_next_login(api):
    admin = api("admin")
    target = User.objects.get(username="observer")
    assert admin.post(f"/api/v1/users/{target.pk}/password", {"new_password": "Temp@pass123"}).status_code == 204
    target.refresh_from_db()
    assert target.must_change_password and target.check_password("Temp@pass123")


def test_session_idle_timeout_and_cookie_flags():
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60 + settings.SESSION_REFRESH_SECONDS
    assert settings.SESSION_SAVE_EVERY_REQUEST is False  # SessionIdleMiddleware extends it, once a step
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"


def test_session_expires_when_idle(web):
    import time_machine

    client = web("duty")
    assert client.get("/").status_code == 200
    idle = timedelta(minutes=settings.SESSION_IDLE_MINUTES, seconds=settings.SESSION_REFRESH_SECONDS + 1)
    with time_machine.travel(timezone.now() + idle):
        response = client.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def _session_writes(queries) -> int:
    return sum(1 for q in queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
               and "django_session" in q["sql"])


def test_requests_extend_the_session_once_a_step_and_it_never_ends_before_the_idle_minutes(web):
    import time_machine
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    step = timedelta(seconds=settings.SESSION_REFRESH_SECONDS)
    idle = timedelta(minutes=settings.SESSION_IDLE_MINUTES)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = web("duty")
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        with CaptureQueriesContext(connection) as first:
            assert client.get("/account/").status_code == 200
        assert _session_writes(first.captured_queries) == 1  # the first request after signing in extends it
        extended = Session.objects.get(session_key=key).expire_date
        clock.shift(step / 2)
        with CaptureQueriesContext(connection) as within:
            assert client.get("/account/").status_code == 200
            assert client.get("/").status_code == 200
        assert _session_writes(within.captured_queries) == 0  # within the step: read, not written
        assert Session.objects.get(session_key=key).expire_date == extended
        last_request = timezone.now()
        clock.shift(step)
        with CaptureQueriesContext(connection) as after:
            assert client.get("/account/").status_code == 200
        assert _session_writes(after.captured_queries) == 1
        assert Session.objects.get(session_key=key).expire_date == extended + step * 1.5
        last_request = timezone.now()
        # Idle exactly the idle minutes after the last request: still signed in (never sooner than promised).
        clock.move_to(last_request + idle)
        assert client.get("/account/").status_code == 200
        # That request extended it again (a step had passed): the idle minutes and one step later it has ended.
        clock.move_to(last_request + idle + idle + step + timedelta(seconds=1))
        response = client.get("/account/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_token_requests_and_anonymous_pages_write_no_session(api, client):
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    before = Session.objects.count()
    with CaptureQueriesContext(connection) as queries:
        assert api("duty").get("/api/v1/me").status_code == 200
        assert client.get("/login/").status_code == 200
    assert _session_writes(queries.captured_queries) == 0 and Session.objects.count() == before


def test_users_hold_several_roles_and_keys_are_validated(demo_county):
    user = User.objects.get(username="commander")
    assert user.role_keys == {"commander", "approver"}
    with pytest.raises(ValidationFailed) as exc:
        services.create_user(None, username="z", roles=["chief"], password="Str0ng!pass", scope_region_code="410481")
    assert exc.value.errors[0]["field"] == "roles"


def test_enterprise_accounts_are_enterprise_users_only(demo_county):
    from yingji.enterprises.models import Enterprise

    enterprise = Enterprise.objects.first()
    with pytest.raises(ValidationFailed):
        services.create_user(None, username="e2", roles=["enterprise_user", "inspector"], password="Str0ng!pass",
                             enterprise=enterprise)
    user = services.create_user(None, username="e3", roles=["enterprise_user"], password="Str0ng!pass",
                                enterprise=enterprise)
    assert ApiClient(user).get("/api/v1/enterprises").json()["count"] == 1
