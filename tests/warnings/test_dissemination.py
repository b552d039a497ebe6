"""Fan-out and delivery: the right recipients by area, delivery records, channel adapters against local fake
HTTP/SMTP servers, retries with exponential backoff on a failing channel, escalation (next channel, then the
superior), acknowledgement by signed link and in-app, and re-sending to the silent ones."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.test import Client
from django.utils import timezone

from yingji.core.models import Notification, User
from yingji.warnings import services
from yingji.warnings.choices import DeliveryState
from yingji.warnings.models import Delivery, ResponsiblePerson, WarningEvent

from .conftest import payload, publish


def _only(*people: ResponsiblePerson) -> None:
    ResponsiblePerson.objects.exclude(pk__in=[p.pk for p in people]).update(is_active=False)


def _person(code: str, channels: list[str], **extra) -> ResponsiblePerson:
    return ResponsiblePerson.objects.create(name=extra.pop("name", "测试"), kind="flood", region_code=code,
                                            phone="13800001234", channels=channels, **extra)


def test_fan_out_reaches_exactly_the_persons_whose_jurisdiction_intersects(demo_county):
    village = demo_county["village"]
    warning = publish(payload(area_codes=[village]))
    got = set(Delivery.objects.filter(warning=warning).values_list("person_id", flat=True))
    expected = set(ResponsiblePerson.objects.filter(
        region_code__in=[village, village[:9], village[:6]], is_active=True).values_list("pk", flat=True))
    assert got == expected and got
    assert all(d.state == DeliveryState.QUEUED and d.next_attempt_at for d in Delivery.objects.filter(warning=warning))
    township2 = demo_county["township2"]
    other = publish(payload(area_codes=[township2]))
    got = set(Delivery.objects.filter(warning=other).values_list("person__region_code", flat=True))
    assert got and all(c.startswith(township2) or c == "410481" for c in got)
    assert any(len(c) == 12 for c in got)
    assert WarningEvent.objects.filter(warning=other, kind="fan_out").exists()


def test_sms_retries_with_exponential_backoff_then_fails_and_escalates(demo_county, channels):
    village = demo_county["village"]
    person = _person(village, ["sms", "email"], email="p@example.cn")
    _only(person)
    warning = publish(payload(area_codes=[village], level="red"))
    t0 = timezone.now() + timedelta(seconds=1)
    channels.fail_next = 100
    assert services.dispatch_due(t0) == {"sent": 0, "retry": 1, "failed": 0}
    d = Delivery.objects.get(warning=warning)
    assert (d.attempts, d.last_error, d.next_attempt_at) == (1, "HTTP 500", t0 + timedelta(seconds=30))
    assert services.dispatch_due(t0 + timedelta(seconds=29))["retry"] == 0
    assert services.dispatch_due(t0 + timedelta(seconds=30))["retry"] == 1
    d.refresh_from_db()
    assert d.next_attempt_at == t0 + timedelta(seconds=90)  # 30 s, then 60 s
    t3 = t0 + timedelta(seconds=90)
    assert services.dispatch_due(t3)["failed"] == 1
    d.refresh_from_db()
    assert d.state == DeliveryState.FAILED and d.escalate_at == t3
    assert len(channels.requests) == 3 and channels.requests[0][1]["phone"] == "13800001234"
    assert services.escalate_due(t3) == 1
    nxt = Delivery.objects.get(warning=warning, channel="email")
    assert nxt.reason == "channel"
    assert services.dispatch_due(t3)["sent"] == 1
    assert mail.outbox[-1].to == ["p@example.cn"] and "http://testserver/warnings/ack/" in mail.outbox[-1].body
    assert WarningEvent.objects.filter(warning=warning, kind="escalate").exists()


def test_sms_success_sets_the_escalation_deadline_by_level(demo_county, channels):
    village = demo_county["village"]
    person = _person(village, ["sms"])
    _only(person)
    red = publish(payload(area_codes=[village], level="red"))
    blue = publish(payload(area_codes=[village], level="blue"))
    now = timezone.now() + timedelta(seconds=1)
    assert services.dispatch_due(now)["sent"] == 2
    assert Delivery.objects.get(warning=red).escalate_at == now + timedelta(minutes=10)
    assert Delivery.objects.get(warning=blue).escalate_at == now + timedelta(minutes=90)
    body = channels.requests[0][1]
    assert body["message"].startswith("暴雨橙色预警") and "/warnings/ack/" in body["message"]


def test_group_robot_webhook(demo_county, channels):
    village = demo_county["village"]
    person = _person(village, ["webhook"], webhook_url=channels.base + "/robot")
    _only(person)
    publish(payload(area_codes=[village]))
    now = timezone.now() + timedelta(seconds=1)
    assert services.dispatch_due(now)["sent"] == 1
    path, body = channels.requests[-1]
    assert path == "/robot" and body["msgtype"] == "text" and "暴雨" in body["text"]["content"]
    channels.robot_errcode = 310000
    publish(payload(area_codes=[village]))
    assert services.dispatch_due(now + timedelta(seconds=1))["retry"] == 1
    assert Delivery.objects.filter(last_error__startswith="robot error 310000").exists()


def test_email_through_a_local_smtp_server(demo_county, channels, fake_smtp):
    village = demo_county["village"]
    person = _person(village, ["email"], email="chief@example.cn")
    _only(person)
    publish(payload(area_codes=[village]))
    assert services.dispatch_due(timezone.now() + timedelta(seconds=1))["sent"] == 1
    rcpts, data = fake_smtp.messages[-1]
    assert rcpts == ["chief@example.cn"] and b"Subject:" in data


def test_in_app_channel_and_in_app_acknowledgement(demo_county, channels, api):
    village = demo_county["village"]
    user = User.objects.get(username="grid1")
    person = _person(village, ["inapp"], user=user)
    _only(person)
    warning = publish(payload(area_codes=[village]))
    assert services.dispatch_due(timezone.now() + timedelta(seconds=1))["sent"] == 1
    assert Notification.objects.filter(recipient=user, object_id=str(warning.pk)).count() == 1
    client = api("grid1")
    assert client.post(f"/api/v1/warnings/{warning.pk}/acknowledge").json() == {"count": 1}
    d = Delivery.objects.get(warning=warning)
    assert d.state == DeliveryState.ACKNOWLEDGED and d.ack_via == "inapp"
    assert api("township2").post(f"/api/v1/warnings/{warning.pk}/acknowledge").status_code == 404


def test_acknowledgement_by_signed_link_without_login(demo_county, channels):
    village = demo_county["village"]
    person = _person(village, ["sms"])
    _only(person)
    warning = publish(payload(area_codes=[village]))
    delivery = Delivery.objects.get(warning=warning)
    url = services.ack_url(delivery).removeprefix("http://testserver")
    client = Client(enforce_csrf_checks=False)
    page = client.get(url)
    assert page.status_code == 200 and warning.headline in page.content.decode()
    delivery.refresh_from_db()
    assert delivery.acknowledged_at is None  # GET never confirms (link scanners)
    assert client.post(url).status_code == 200
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.ACKNOWLEDGED and delivery.ack_via == "link"
    assert services.confirmation(warning)["confirmed"] == 1
    assert client.get(url[:-3] + "xyz/").status_code == 404


def test_escalation_to_the_superior_until_the_share_confirms(demo_county, channels, settings):
    village = demo_county["village"]
    chief = _person(village[:9], ["sms"], name="乡长")
    a = _person(village, ["sms"], name="甲", superior=chief)
    b = _person(village, ["sms"], name="乙", superior=chief)
    _only(chief, a, b)
    warning = publish(payload(area_codes=[village], level="red"))
    now = timezone.now() + timedelta(seconds=1)
    services.dispatch_due(now)
    services.acknowledge(warning, chief, "link")
    later = now + timedelta(minutes=11)
    assert services.escalate_due(later) == 2  # both silent: superior told about each
    notices = Delivery.objects.filter(warning=warning, person=chief, reason="superior")
    assert {n.about_id for n in notices} == {a.pk, b.pk}
    assert services.escalate_due(later + timedelta(minutes=1)) == 0  # each step happens once
    assert WarningEvent.objects.filter(warning=warning, kind="escalate", note__contains="乡长").count() == 2
    services.dispatch_due(later)
    assert any("未确认提醒" in body["message"] for _path, body in channels.requests)
    assert services.confirmation(warning) == {"total": 3, "confirmed": 1, "silent_ids": sorted([a.pk, b.pk]),
                                              "confirmed_ids": [chief.pk]}
    settings.WARNING_DISSEMINATION = settings.WARNING_DISSEMINATION | {"confirm_share": 0.3}
    other = publish(payload(area_codes=[village], level="red"))
    services.dispatch_due(later + timedelta(seconds=1))
    services.acknowledge(other, a, "link")
    assert services.escalate_due(later + timedelta(minutes=30)) == 0  # 1 of 3 confirmed ≥ 30 %: stop


def test_resend_to_the_silent_ones(demo_county, channels, api, web):
    village = demo_county["village"]
    a, b = _person(village, ["sms"], name="甲"), _person(village, ["sms"], name="乙")
    _only(a, b)
    warning = publish(payload(area_codes=[village]))
    services.dispatch_due(timezone.now() + timedelta(seconds=1))
    services.acknowledge(warning, a, "link")
    page = web("duty").get(f"/warnings/{warning.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "甲" in html.split('id="yj-confirmed"')[1] and "乙" in html.split('id="yj-silent"')[1].split("</ul>")[0]
    assert api("duty").post(f"/api/v1/warnings/{warning.pk}/resend").json() == {"count": 1}
    assert Delivery.objects.get(warning=warning, person=b).state == DeliveryState.QUEUED
    assert Delivery.objects.get(warning=warning, person=a).state == DeliveryState.ACKNOWLEDGED
    response = web("duty").post(f"/warnings/{warning.pk}/resend/")
    assert response.status_code == 302
    assert web("observer").post(f"/warnings/{warning.pk}/resend/").status_code == 403


def test_fan_out_of_ten_thousand_queues_every_delivery_in_a_few_statements(demo_county, django_assert_max_num_queries):
    village = demo_county["village"]
    ResponsiblePerson.objects.bulk_create([
        ResponsiblePerson(name=f"p{i}", kind="flood", region_code=village, phone="13800001234", channels=["sms"])
        for i in range(10_000)])
    from yingji.core.models import User as U

    warning = services.create_warning(U.objects.get(username="duty"), {
        k: v for k, v in payload(area_codes=[village]).items() if k not in ("effective", "expires")} | {
        "effective": timezone.now(), "expires": timezone.now() + timedelta(hours=2)})
    # One executemany per 5,000 rows, never one statement per recipient.
    with django_assert_max_num_queries(20):
        count = services.fan_out(warning)
    assert count >= 10_000 and Delivery.objects.filter(warning=warning).count() == count
    d = Delivery.objects.filter(warning=warning).order_by("-pk").first()
    assert (d.state, d.attempts, d.channel, d.region_code) == ("queued", 0, "sms", village)
    assert d.next_attempt_at is not None and d.created_at is not None
