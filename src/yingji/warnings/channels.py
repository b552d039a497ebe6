"""Channel adapters behind one interface: ``adapter(channel).send(delivery, text)`` raises ChannelError when the
message did not go out (the dispatcher retries with backoff, then escalates)."""

from __future__ import annotations

import json
import re
import smtplib
import urllib.error
import urllib.request

from django.core.mail import send_mail
from django.utils.translation import gettext_lazy as _

from yingji.core.notifications import notify

from .choices import Channel
from .config import config


class ChannelError(Exception):
    pass


#: How the stored delivery errors read on pages (the stored text stays English, as the adapters raise it).
ERROR_TEXTS = [
    (re.compile(r"no URL configured"), _("no gateway address configured")),
    (re.compile(r"only http\(s\) URLs are allowed"), _("only http(s) addresses are allowed")),
    (re.compile(r"HTTP (?P<code>\d+)"), _("the gateway answered HTTP %(code)s")),
    (re.compile(r"unreachable: (?P<reason>.*)", re.S), _("unreachable: %(reason)s")),
    (re.compile(r"robot answered with no JSON"), _("the group robot gave no valid answer")),
    (re.compile(r"robot error (?P<reason>.*)", re.S), _("group robot error %(reason)s")),
    (re.compile(r"no email address"), _("no email address")),
    (re.compile(r"SMTP: (?P<reason>.*)", re.S), _("mail server: %(reason)s")),
    (re.compile(r"no active linked account"), _("no active linked account")),
    (re.compile(r"unknown channel (?P<channel>.*)"), _("unknown channel %(channel)s")),
]


def describe_error(text: str) -> str:
    """A stored delivery error in the active language (as stored when it is not one of ours)."""
    for pattern, sentence in ERROR_TEXTS:
        match = pattern.fullmatch(text or "")
        if match:
            return str(sentence) % match.groupdict()
    return text


class ChannelAdapter:
    channel = ""

    def send(self, delivery, text: str) -> None:
        raise NotImplementedError


def _post_json(url: str, body: dict, headers: dict | None = None) -> bytes:
    if not url:
        raise ChannelError("no URL configured")
    if not url.startswith(("http://", "https://")):
        raise ChannelError("only http(s) URLs are allowed")
    request = urllib.request.Request(  # noqa: S310  (scheme checked above)
        url, data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                                     headers={"Content-Type": "application/json; charset=utf-8"} | (headers or {}),
                                     method="POST")
    try:
        with urllib.request.urlopen(request, timeout=config()["http_timeout"]) as response:  # noqa: S310
            return response.read()
    except urllib.error.HTTPError as exc:
        raise ChannelError(f"HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise ChannelError(f"unreachable: {exc}") from None


class SmsGateway(ChannelAdapter):
    """An SMS gateway reached by HTTP POST ``{"phone", "message", "reference"}`` to the configured ``sms_url``,
    with ``Authorization: Bearer <sms_key>`` when a key is configured."""

    channel = Channel.SMS

    def send(self, delivery, text: str) -> None:
        cfg = config()
        _post_json(cfg["sms_url"], {"phone": delivery.person.phone, "message": text,
                                    "reference": f"{delivery.warning.identifier}/{delivery.pk}"},
                   {"Authorization": f"Bearer {cfg['sms_key']}"} if cfg.get("sms_key") else None)


class GroupRobotWebhook(ChannelAdapter):
    """WeCom / DingTalk group robot: POST a text message to the person's webhook (else the configured WeCom, then
    DingTalk group webhook); ``errcode`` ≠ 0 is a failure."""

    channel = Channel.WEBHOOK

    def send(self, delivery, text: str) -> None:
        cfg = config()
        url = delivery.person.webhook_url or cfg.get("wecom_webhook_url") or cfg.get("dingtalk_webhook_url")
        raw = _post_json(url, {"msgtype": "text", "text": {"content": text}})
        try:
            answer = json.loads(raw or b"{}")
        except ValueError:
            raise ChannelError("robot answered with no JSON") from None
        if isinstance(answer, dict) and answer.get("errcode", 0) != 0:
            raise ChannelError(f"robot error {answer.get('errcode')}: {answer.get('errmsg', '')}"[:300])


class Email(ChannelAdapter):
    """Email through Django's configured email backend (SMTP in production)."""

    channel = Channel.EMAIL

    def send(self, delivery, text: str) -> None:
        if not delivery.person.email:
            raise ChannelError("no email address")
        try:
            send_mail(delivery.warning.headline, text, None, [delivery.person.email])
        except (smtplib.SMTPException, OSError) as exc:
            raise ChannelError(f"SMTP: {exc}") from None


class InAppInbox(ChannelAdapter):
    """The platform's inbox (core.notifications), for persons linked to an account."""

    channel = Channel.INAPP

    def send(self, delivery, text: str) -> None:
        user = delivery.person.user
        if user is None or not user.is_active:
            raise ChannelError("no active linked account")
        from django.urls import reverse

        notify([user], delivery.warning.headline, text, link=reverse("warning_detail", args=[delivery.warning_id]),
               obj=delivery.warning, dedupe_key=f"warning:{delivery.pk}:{delivery.reason}:{delivery.attempts}")


ADAPTERS: dict[str, ChannelAdapter] = {a.channel: a for a in (SmsGateway(), GroupRobotWebhook(), Email(),
                                                                InAppInbox())}


def adapter(channel: str) -> ChannelAdapter:
    try:
        return ADAPTERS[channel]
    except KeyError:
        raise ChannelError(f"unknown channel {channel}") from None
