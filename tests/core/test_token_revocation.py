"""A password change or an administrator's reset ends the user's API tokens (issue 21 §4): the old password must not
live on in a token. The API caller that changes its own password keeps the token it called with."""

from __future__ import annotations

from django.test import Client

from yingji.core import services
from yingji.core.models import ApiToken, AuditRecord, User, hash_token

NEW = "Fresh@passw0rd"


def _works(raw: str) -> bool:
    return Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200


def test_own_change_through_the_api_keeps_the_calling_token_only(demo_county, password):
    user = User.objects.get(username="duty")
    _caller, caller_raw = services.issue_token(user, name="caller")
    _other, other_raw = services.issue_token(user, name="laptop script")
    response = Client().post("/api/v1/me/password", {"old_password": password, "new_password": NEW},
                             content_type="application/json", headers={"Authorization": f"Bearer {caller_raw}"})
    assert response.status_code == 204, response.content
    assert _works(caller_raw)
    assert not _works(other_raw)
    assert list(ApiToken.objects.usable().filter(user=user).values_list("name", flat=True)) == ["caller"]
    revoked = AuditRecord.objects.filter(action="token_revoke", object_id=str(user.pk)).latest("id")
    assert revoked.before == {"prefixes": [other_raw[:10]]}


def test_own_change_on_the_web_page_revokes_every_token(web, password):
    user = User.objects.get(username="township2")
    _token, raw = services.issue_token(user)
    client = web("township2")
    response = client.post("/account/password/", {"old_password": password, "new_password1": NEW,
                                                  "new_password2": NEW})
    assert response.status_code == 302
    assert not _works(raw)
    assert not ApiToken.objects.usable().filter(user=user).exists()


def test_administrator_reset_revokes_every_token_for_good(api):
    target = User.objects.get(username="observer")
    _token, raw = services.issue_token(target)
    assert _works(raw)
    admin = api("admin")
    assert admin.post(f"/api/v1/users/{target.pk}/password", {"new_password": "Temp@pass123"}).status_code == 204
    assert not _works(raw)
    # Once the user sets a password of their own (with a token issued after the reset), the old token stays dead.
    _fresh, fresh_raw = services.issue_token(target)
    Client().post("/api/v1/me/password", {"old_password": "Temp@pass123", "new_password": NEW},
                  content_type="application/json", headers={"Authorization": f"Bearer {fresh_raw}"})
    target.refresh_from_db()
    assert not target.must_change_password
    assert _works(fresh_raw) and not _works(raw)
    # The administrator's own tokens are untouched by resetting someone else.
    assert admin.get("/api/v1/me").status_code == 200


def test_service_change_without_a_kept_token_revokes_all(demo_county, password):
    user = User.objects.get(username="inspector")
    raws = [services.issue_token(user)[1] for _ in range(3)]
    services.change_password(user, password, NEW)
    assert not any(_works(raw) for raw in raws)


def test_a_token_of_another_user_cannot_be_kept(demo_county, password):
    user = User.objects.get(username="section")
    stranger_token, stranger_raw = services.issue_token(User.objects.get(username="grid1"))
    _token, raw = services.issue_token(user)
    services.change_password(user, password, NEW, keep_token=stranger_token)
    assert not _works(raw)
    assert _works(stranger_raw)  # someone else's token is neither kept nor touched


def test_a_token_is_looked_up_with_its_account_and_roles_in_one_statement(demo_county):
    """Asked on every API request: the token with its account and the account's roles in one statement (the token,
    the account and the roles were three queries, then two); its first use is noted, then at most once a minute."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yingji.core.api_support import usable_token
    from yingji.core.models import UserRole

    for username in ("township1", "section"):
        user = User.objects.get(username=username)
        _token, raw = services.issue_token(user)
        with CaptureQueriesContext(connection) as first:
            usable_token(raw)
        assert len(first) == 2 and first[1]["sql"].startswith("UPDATE")  # the first use notes the time of use
        assert ApiToken.objects.get(key_hash=hash_token(raw)).last_used_at is not None
        with CaptureQueriesContext(connection) as queries:
            found = usable_token(raw)
            roles = found.user.role_keys
        assert len(queries) == 1
        assert found.user == user and found.user_id == user.pk and not found.is_kiosk
        assert roles == set(UserRole.objects.filter(user=user).values_list("role", flat=True)) and roles
    nobody = User.objects.get(username="township1")
    UserRole.objects.filter(user=nobody).delete()
    _token, raw = services.issue_token(nobody)
    assert usable_token(raw).user.role_keys == frozenset()
