"""The §1 security rules that had no test of their own yet: lockout per address, the configurable idle timeout,
HSTS and secure cookies when served over HTTPS (and not over plain HTTP), password complexity rule by rule, CSRF
on page forms, uploads kept off any public path. (Per-account lockout, token expiry, reuse, forced change, masking
and the other headers are tested in test_accounts.py, test_security.py, test_attachments.py and
tests/enterprises/test_pii_masking.py.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from yingji.core import attachments, services
from yingji.core.errors import ValidationFailed
from yingji.core.models import AuditRecord, User


def login(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


def test_lockout_per_address_across_accounts(demo_county, password, settings):
    """Failures from one address for many distinct accounts (password spraying) lock that address for every
    account; below that number each account is judged on its own (tests/core/test_lockout.py)."""
    settings.LOCKOUT_ADDRESS_USERNAMES = 5
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for username in ("admin", "duty", "section", "inspector"):
        assert login(attacker, username, "wrong").status_code == 200
    assert login(attacker, "approver", "wrong").status_code == 429
    # The address is locked even for a correct password of an account it never tried ...
    assert login(Client(REMOTE_ADDR="203.0.113.7"), "observer", password).status_code == 429
    # ... while the same account from another address is not (no single account reached the limit).
    assert login(Client(REMOTE_ADDR="203.0.113.8"), "observer", password).status_code == 302
    assert AuditRecord.objects.filter(action="login_failed", address="203.0.113.7").count() >= 5


def _settings_in_subprocess(env: dict, code: str) -> dict:
    """Run ``code`` in a fresh interpreter with the production settings and ``env``; it prints one JSON line."""
    script = ("import json, os, django\nos.environ['DJANGO_SETTINGS_MODULE'] = 'yingji.settings'\ndjango.setup()\n"
              "from django.test.utils import setup_test_environment\nsetup_test_environment()\n"
              "from django.conf import settings\nfrom django.test import Client\n" + code)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("YINGJI_", "DJANGO_", "DATABASE_URL"))}
    out = subprocess.run([sys.executable, "-c", script], env={**clean, "YINGJI_DATA_DIR": env.pop("data_dir"), **env},
                         capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


PROBE = ("r = Client().get('/healthz/live', secure={secure})\n"
         "print(json.dumps({{'hsts': r.headers.get('Strict-Transport-Security'), "
         "'session_secure': settings.SESSION_COOKIE_SECURE, 'csrf_secure': settings.CSRF_COOKIE_SECURE, "
         "'idle': settings.SESSION_COOKIE_AGE, 'status': r.status_code}}))")


@pytest.mark.engine_agnostic  # settings read in a subprocess
def test_hsts_and_secure_cookies_when_served_over_https(tmp_path):
    https = _settings_in_subprocess({"data_dir": str(tmp_path), "YINGJI_HTTPS": "1"}, PROBE.format(secure=True))
    assert https["status"] == 200
    assert https["hsts"] and "max-age=31536000" in https["hsts"]
    assert https["session_secure"] is True and https["csrf_secure"] is True


@pytest.mark.engine_agnostic  # settings read in a subprocess
def test_no_hsts_over_plain_http(tmp_path):
    plain = _settings_in_subprocess({"data_dir": str(tmp_path)}, PROBE.format(secure=False))
    assert plain["status"] == 200 and plain["hsts"] is None
    assert plain["session_secure"] is False


@pytest.mark.engine_agnostic  # settings read in a subprocess
def test_idle_timeout_is_configurable_and_defaults_to_30_minutes(tmp_path):
    default = _settings_in_subprocess({"data_dir": str(tmp_path)}, PROBE.format(secure=False))
    five = _settings_in_subprocess({"data_dir": str(tmp_path), "YINGJI_SESSION_IDLE_MINUTES": "5"},
                                   PROBE.format(secure=False))
    assert default["idle"] == 30 * 60 + 60 and five["idle"] == 5 * 60 + 60  # the minutes and one refresh step


@pytest.mark.parametrize("weak, reason", [
    ("Ab1!", "too short"),
    ("abcdefghijk", "one class only"),
    ("abcdefgh12", "two classes only"),
    ("1234567890", "numeric"),
    ("Password123", "common"),
    ("Observer2026!", "like the username"),
])
def test_password_complexity_rules(demo_county, password, weak, reason):
    user = User.objects.get(username="observer")
    with pytest.raises(ValidationFailed) as exc:
        services.change_password(user, password, weak)
    assert exc.value.errors[0]["field"] == "new_password", reason
    user.refresh_from_db()
    assert user.check_password(password)


def test_a_password_meeting_every_rule_is_accepted(demo_county, password):
    user = User.objects.get(username="observer")
    services.change_password(user, password, "Kx7#mQ2v!pLz")
    user.refresh_from_db()
    assert user.check_password("Kx7#mQ2v!pLz")


def test_page_forms_refuse_posts_without_the_csrf_token(demo_county, password):
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username="township2"))
    response = client.post("/account/password/", {"old_password": password, "new_password1": "Another@pass1",
                                                   "new_password2": "Another@pass1"})
    assert response.status_code == 403
    assert User.objects.get(username="township2").check_password(password)
    # The login form is protected too.
    assert Client(enforce_csrf_checks=True).post("/login/", {"username": "duty", "password": password}
                                                 ).status_code == 403


def test_uploads_are_stored_under_unguessable_names_and_never_served_by_path(demo_county, web, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    owner = User.objects.get(username="enterprise1")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    first = attachments.attach(owner, owner.enterprise, SimpleUploadedFile("plan.png", png))
    second = attachments.attach(owner, owner.enterprise, SimpleUploadedFile("plan.png", png))
    names = [first.file.name, second.file.name]
    assert names[0] != names[1] and not any(n.endswith("/plan.png") for n in names)
    admin = web("admin")
    for name in names:
        for prefix in ("/media/", "/static/", "/"):
            assert admin.get(prefix + name).status_code == 404
