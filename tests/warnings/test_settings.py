"""WARNING_DISSEMINATION from environment variables (documented in the README), and the channels using it: the
SMS gateway key and the default WeCom/DingTalk group webhooks."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from yingji.settings import _minutes_by_level
from yingji.warnings import services
from yingji.warnings.models import Delivery, ResponsiblePerson

from .conftest import payload, publish


def _settings_with(env: dict) -> dict:
    code = ("import json, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'yingji.settings'); "
            "from yingji import settings as s; "
            "print(json.dumps({'w': s.WARNING_DISSEMINATION, 'smtp': [s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS],"
            " 'retention': s.MONITORING_RETENTION}))")
    out = subprocess.run([sys.executable, "-c", code], env=os.environ | env, capture_output=True, text=True,
                         check=False, timeout=60)
    assert out.returncode == 0 or not out.stdout, out.stderr
    return json.loads(out.stdout) if out.returncode == 0 else {"error": out.stderr}


@pytest.mark.engine_agnostic  # settings read in a subprocess
def test_dissemination_settings_come_from_the_environment(tmp_path):
    got = _settings_with({"YINGJI_DATA_DIR": str(tmp_path), "YINGJI_SMS_URL": "https://sms.example.cn/send",
                          "YINGJI_SMS_KEY": "k-123", "YINGJI_WECOM_WEBHOOK_URL": "https://qyapi.example/robot",
                          "YINGJI_DINGTALK_WEBHOOK_URL": "https://oapi.example/robot",
                          "YINGJI_ESCALATION_MINUTES": "red=5, blue=120", "YINGJI_CONFIRM_SHARE": "0.8",
                          "YINGJI_SMTP_HOST": "mail.example.cn", "YINGJI_SMTP_PORT": "587", "YINGJI_SMTP_TLS": "true",
                          "YINGJI_READING_RETENTION_DAYS": "30", "YINGJI_HOURLY_RETENTION_DAYS": "400"})
    w = got["w"]
    assert (w["sms_url"], w["sms_key"]) == ("https://sms.example.cn/send", "k-123")
    assert (w["wecom_webhook_url"], w["dingtalk_webhook_url"]) == ("https://qyapi.example/robot",
                                                                   "https://oapi.example/robot")
    assert w["ack_timeout_minutes"] == {"red": 5, "orange": 20, "yellow": 45, "blue": 120}
    assert w["confirm_share"] == 0.8
    assert got["smtp"] == ["mail.example.cn", 587, True]
    assert got["retention"] == {"raw_days": 30, "hourly_days": 400}


@pytest.mark.engine_agnostic  # settings read in a subprocess
def test_documented_defaults(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("YINGJI_SMS", "YINGJI_ESC", "YINGJI_CONF"))}
    code = ("import json, os; from yingji import settings as s; print(json.dumps(s.WARNING_DISSEMINATION))")
    out = subprocess.run([sys.executable, "-c", code], env=env | {"YINGJI_DATA_DIR": str(tmp_path)},
                         capture_output=True, text=True, check=True, timeout=60)
    w = json.loads(out.stdout)
    assert w["ack_timeout_minutes"]["red"] < w["ack_timeout_minutes"]["orange"] < w["ack_timeout_minutes"]["blue"]
    assert w["confirm_share"] == 0.95 and w["sms_url"] == ""


@pytest.mark.engine_agnostic  # settings read in a subprocess
def test_bad_values_are_refused_with_the_variable_named(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="level=minutes"):
        _minutes_by_level("purple=3")
    with pytest.raises(ImproperlyConfigured):
        _minutes_by_level("red=soon")
    got = _settings_with({"YINGJI_DATA_DIR": str(tmp_path), "YINGJI_CONFIRM_SHARE": "1.5"})
    assert "YINGJI_CONFIRM_SHARE" in got["error"]


def test_sms_gateway_receives_the_configured_key(demo_county, channels, settings):
    settings.WARNING_DISSEMINATION = settings.WARNING_DISSEMINATION | {"sms_key": "secret-key"}
    person = ResponsiblePerson.objects.create(name="甲", kind="flood", region_code=demo_county["village"],
                                              phone="13800001234", channels=["sms"])
    ResponsiblePerson.objects.exclude(pk=person.pk).update(is_active=False)
    publish(payload(area_codes=[demo_county["village"]]))
    assert services.dispatch_due(timezone.now() + timezone.timedelta(seconds=1))["sent"] == 1
    assert channels.headers[-1]["Authorization"] == "Bearer secret-key"


def test_group_robot_falls_back_to_the_configured_webhook(demo_county, channels, settings):
    settings.WARNING_DISSEMINATION = settings.WARNING_DISSEMINATION | {
        "wecom_webhook_url": channels.base + "/robot"}
    person = ResponsiblePerson.objects.create(name="乙", kind="flood", region_code=demo_county["village"],
                                              phone="13800001234", channels=["webhook"])
    ResponsiblePerson.objects.exclude(pk=person.pk).update(is_active=False)
    warning = publish(payload(area_codes=[demo_county["village"]]))
    services.dispatch_due(timezone.now() + timezone.timedelta(seconds=1))
    assert Delivery.objects.get(warning=warning).state == "sent"
    assert channels.requests[-1][0] == "/robot" and channels.requests[-1][1]["msgtype"] == "text"
