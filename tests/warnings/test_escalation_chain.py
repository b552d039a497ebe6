"""Escalation beyond the direct superior, driven by the clock (time-machine): a silent recipient is tried on the
next channel, then their superior is told; a superior who stays silent has the notice go one level further up
(village → township → county) until the configured share has confirmed. Every step is on the timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from yingji.warnings import services
from yingji.warnings.choices import DeliveryState
from yingji.warnings.models import Delivery, ResponsiblePerson, WarningEvent

from .conftest import payload, publish


def _person(code: str, channels: list[str], **extra) -> ResponsiblePerson:
    return ResponsiblePerson.objects.create(name=extra.pop("name", "测试"), kind=extra.pop("kind", "flood"),
                                            region_code=code, phone="13800001234", channels=channels, **extra)


@pytest.fixture
def chain(demo_county):
    """A village person (SMS, then email), a township head and a county head; nobody else is active."""
    village = demo_county["village"]
    county = _person(village[:6], ["sms"], name="县长")
    township = _person(village[:9], ["sms"], name="乡长", superior=county)
    villager = _person(village, ["sms", "email"], name="村长", email="c@example.cn", superior=township)
    ResponsiblePerson.objects.exclude(pk__in=[county.pk, township.pk, villager.pk]).update(is_active=False)
    return {"village": village, "county": county, "township": township, "villager": villager}


def _tick(at) -> int:
    """What the periodic jobs do at ``at``: send due messages, then escalate due ones."""
    with time_machine.travel(at, tick=False):
        services.dispatch_due()
        return services.escalate_due()


def mail_to(address: str) -> bool:
    from django.core import mail

    return any(address in m.to for m in mail.outbox)


def _notices(warning, person):
    return Delivery.objects.filter(warning=warning, person=person, reason="superior")


def test_silent_superior_escalates_to_the_next_level_up(chain, channels):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        warning = publish(payload(area_codes=[chain["village"]], level="red"))
    # The county and township heads are recipients too (their jurisdiction contains the village); they confirm.
    services.acknowledge(warning, chain["county"], "link")
    services.acknowledge(warning, chain["township"], "link")
    red = services.ack_timeout("red")
    assert _tick(start + timedelta(seconds=1)) == 0
    assert Delivery.objects.get(warning=warning, person=chain["villager"]).state == DeliveryState.SENT
    # Red: 10 minutes to confirm. Before that nothing moves.
    assert _tick(start + red - timedelta(seconds=1)) == 0
    # The villager is tried on the next channel (email).
    t1 = start + red + timedelta(seconds=2)
    assert _tick(t1) == 1
    assert Delivery.objects.filter(warning=warning, person=chain["villager"], channel="email").exists()
    _tick(t1 + timedelta(seconds=1))
    assert mail_to("c@example.cn")
    # Still silent after the email: the township head is told about the villager.
    t2 = t1 + red + timedelta(seconds=2)
    _tick(t2)
    _tick(t2 + timedelta(seconds=1))
    assert _notices(warning, chain["township"]).filter(about=chain["villager"]).exists()
    assert not _notices(warning, chain["county"]).filter(about=chain["villager"]).exists()
    # The township head stays silent on that notice: the county head is told about the villager.
    t3 = t2 + red + timedelta(seconds=5)
    _tick(t3)
    notice = _notices(warning, chain["county"]).get(about=chain["villager"])
    assert notice.channel == "sms"
    _tick(t3 + timedelta(seconds=1))
    assert any("未确认提醒" in body["message"] and "村长" in body["message"] for _p, body in channels.requests)
    messages = list(WarningEvent.objects.filter(warning=warning, kind="escalate").values_list("note", flat=True))
    assert any("trying email" in m for m in messages)
    assert any("superior 乡长 told" in m for m in messages)
    assert any("superior 县长 told" in m and "乡长 silent as well" in m for m in messages)
    # The top of the chain has nobody above: that is recorded, and nothing further is queued.
    before = Delivery.objects.filter(warning=warning).count()
    _tick(t3 + red + timedelta(seconds=10))
    assert Delivery.objects.filter(warning=warning).count() == before
    assert WarningEvent.objects.filter(warning=warning, kind="escalate",
                                       note__contains="no one further up").exists()


def test_a_superior_who_answers_the_notice_stops_it_going_further_up(chain, channels):
    chain["villager"].channels = ["sms"]
    chain["villager"].save()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        warning = publish(payload(area_codes=[chain["village"]], level="blue"))
    services.acknowledge(warning, chain["county"], "link")
    blue = services.ack_timeout("blue")
    assert blue > services.ack_timeout("red")
    _tick(start + timedelta(seconds=1))
    # Red would have escalated by now; blue has not.
    assert _tick(start + services.ack_timeout("red") + timedelta(seconds=5)) == 0
    t1 = start + blue + timedelta(seconds=2)
    _tick(t1)
    _tick(t1 + timedelta(seconds=1))
    notice = _notices(warning, chain["township"]).get(about=chain["villager"])
    assert notice.state == DeliveryState.SENT
    with time_machine.travel(t1 + timedelta(minutes=5), tick=False):
        services.acknowledge(warning, chain["township"], "link")
    notice.refresh_from_db()
    assert notice.state == DeliveryState.ACKNOWLEDGED and notice.escalate_at is None
    _tick(t1 + blue * 3)
    assert not _notices(warning, chain["county"]).filter(about=chain["villager"]).exists()


def test_superior_found_through_the_region_chain_when_none_is_named(chain, channels):
    villager = chain["villager"]
    villager.superior = None
    villager.save()
    assert services.superior_of(villager) == chain["township"]
    chain["township"].is_active = False
    chain["township"].save()
    assert services.superior_of(villager) == chain["county"]
    other_kind = _person(chain["village"][:9], ["sms"], name="护林员", kind="forest_fire")
    assert services.superior_of(villager) != other_kind


def test_escalation_stops_once_the_configured_share_has_confirmed(chain, channels, settings):
    settings.WARNING_DISSEMINATION = settings.WARNING_DISSEMINATION | {"confirm_share": 0.6}
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        warning = publish(payload(area_codes=[chain["village"]], level="red"))
    _tick(start + timedelta(seconds=1))
    services.acknowledge(warning, chain["county"], "link")
    services.acknowledge(warning, chain["township"], "link")  # 2 of 3 ≥ 60 %
    assert _tick(start + services.ack_timeout("red") * 5) == 0
    assert not Delivery.objects.filter(warning=warning, reason__in=["channel", "superior"]).exists()


def test_escalation_minutes_come_from_the_settings(chain, channels, settings):
    settings.WARNING_DISSEMINATION = settings.WARNING_DISSEMINATION | {
        "ack_timeout_minutes": {"red": 3, "orange": 7, "yellow": 9, "blue": 11}}
    assert services.ack_timeout("red") == timedelta(minutes=3)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        warning = publish(payload(area_codes=[chain["village"]], level="red"))
    _tick(start + timedelta(seconds=1))
    delivery = Delivery.objects.get(warning=warning, person=chain["villager"])
    assert delivery.escalate_at == start + timedelta(seconds=1) + timedelta(minutes=3)
