"""Settings of warning dissemination (``settings.WARNING_DISSEMINATION`` over these defaults)."""

from __future__ import annotations

from django.conf import settings

from .choices import WarningLevel

DEFAULTS = {
    #: Minutes a recipient has to confirm before escalation, by level (red shortest).
    "ack_timeout_minutes": {WarningLevel.RED: 10, WarningLevel.ORANGE: 20, WarningLevel.YELLOW: 45,
                            WarningLevel.BLUE: 90},
    "max_attempts": 4,
    "backoff_seconds": 30,
    #: Escalation stops once this share of recipients has confirmed.
    "confirm_share": 0.95,
    "sms_url": "",
    #: Sent as ``Authorization: Bearer <key>`` to the SMS gateway when set.
    "sms_key": "",
    #: Group robots used when a person has no webhook of their own.
    "wecom_webhook_url": "",
    "dingtalk_webhook_url": "",
    "http_timeout": 5,
    "public_base_url": "http://localhost:8000",
    "sender": "",
    "sender_name": "",
}


def config() -> dict:
    return DEFAULTS | getattr(settings, "WARNING_DISSEMINATION", {})

