"""The ``yingji`` command: createuser, token, check, demo; bad input gives a message and a non-zero exit."""

from __future__ import annotations

import subprocess
import sys

import pytest

from yingji import cli
from yingji.core.models import AuditRecord, Region, User
from yingji.enterprises.models import Enterprise


def run(capsys, *argv):
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_createuser_with_region_scope_and_several_roles(capsys, demo_county):
    code, out, err = run(capsys, "createuser", "zhang", "--role", "duty_officer", "--role", "observer",
                         "--scope", demo_county["township"], "--password", "Zhang@pass1")
    assert code == 0, err
    user = User.objects.get(username="zhang")
    assert user.role_keys == {"duty_officer", "observer"}
    assert user.scope_region_code == demo_county["township"] and user.check_password("Zhang@pass1")
    assert AuditRecord.objects.filter(action="create", object_type="core.user", object_id=str(user.pk)).exists()


def test_createuser_with_enterprise_scope_and_generated_password(capsys, demo_county):
    enterprise = Enterprise.objects.first()
    code, out, err = run(capsys, "createuser", "ent2", "--role", "enterprise_user", "--enterprise",
                         enterprise.credit_code)
    assert code == 0, err
    generated = out.strip().splitlines()[-1].rsplit(": ", 1)[1]
    user = User.objects.get(username="ent2")
    assert user.enterprise == enterprise and user.must_change_password and user.check_password(generated)


@pytest.mark.parametrize("argv, message", [
    (["createuser", "x", "--role", "wizard", "--scope", "410481"], "unknown role wizard"),
    (["createuser", "x", "--role", "observer", "--scope", "999999"], "No region has code 999999"),
    (["createuser", "x", "--role", "enterprise_user", "--enterprise", "91410481MA00000000"],
     "no enterprise has credit code"),
    (["createuser", "admin", "--role", "observer", "--scope", "410481", "--password", "Str0ng!pass"],
     "already exists"),
    (["createuser", "x", "--role", "observer", "--scope", "410481", "--password", "short"], "password"),
    (["token", "nobody"], "no user named 'nobody'"),
])
def test_bad_input_is_a_message_and_exit_2(capsys, demo_county, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert message in err and "Traceback" not in err
    assert not User.objects.filter(username="x").exists()


def test_token_prints_a_working_token(capsys, demo_county):
    from django.test import Client

    code, out, err = run(capsys, "token", "observer")
    assert code == 0
    raw = out.strip()
    me = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200 and me.json()["username"] == "observer"


def test_check_reports_health(capsys, demo_county):
    code, out, err = run(capsys, "check")
    assert code == 0, err
    assert "regions: 105" in out.replace(str(Region.objects.count()), "105") and out.strip().endswith("ok")


def test_demo_county_shape(demo_county):
    assert Region.objects.get(code="410481").level == "county"
    assert Region.objects.filter(level="township").count() == 14
    assert Region.objects.filter(level="village").count() > 14 * 4
    from yingji.core.models import Organisation

    assert Organisation.objects.filter(kind="command_hq").count() == 11
    assert all(hq.lead_unit_id and hq.member_units.exists() for hq in Organisation.objects.filter(kind="command_hq"))
    for key in ("admin", "duty_officer", "section_staff", "inspector", "township_staff", "grid_member",
                "enterprise_user", "commander", "approver", "observer"):
        assert User.objects.filter(roles__role=key).exists(), key
    from yingji.standards.gb32100 import is_valid_credit_code

    assert all(is_valid_credit_code(c) for c in Enterprise.objects.values_list("credit_code", flat=True))


@pytest.mark.engine_agnostic  # its own SQLite installation in a subprocess
def test_console_script_runs_outside_pytest(tmp_path):
    env = {"YINGJI_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "yingji.cli", "createuser", "x", "--role", "nope",
                             "--scope", "410481"], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 2
    assert "unknown role nope" in result.stderr and "Traceback" not in result.stderr
    result = subprocess.run([sys.executable, "-m", "yingji.cli", "check"], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 1 and "migrations not applied" in result.stderr


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("YINGJI_RQ_WORKER", "bogus", "YINGJI_RQ_WORKER must be one of fork, simple"),
])
@pytest.mark.engine_agnostic  # its own SQLite installation in a subprocess
def test_a_bad_setting_is_named_without_a_traceback(tmp_path, variable, value, message):
    env = {"YINGJI_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", variable: value}
    result = subprocess.run([sys.executable, "-m", "yingji.cli", "check"], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
