"""The overdue job: hazards past their deadline are flagged and escalated level by level, the responsible person
and their supervisor are notified, and running the job again changes nothing."""

from __future__ import annotations

import datetime

import time_machine
from django.utils import timezone

from yingji.core import notifications, tasks
from yingji.core.models import User
from yingji.prevention import services
from yingji.prevention import tasks as prevention_tasks
from yingji.prevention.choices import HazardLevel, HazardState
from yingji.prevention.models import Hazard, HazardEvent


def _recipients(hazard) -> list[str]:
    return sorted(notifications.for_object(hazard).filter(kind="overdue")
                  .values_list("recipient__username", flat=True))


def _township_staff(hazard) -> list[str]:
    return sorted(u.username for u in User.objects.filter(roles__role="township_staff")
                  if hazard.region_code.startswith(u.scope_region_code))


def _county_section_staff() -> list[str]:
    return sorted(u.username for u in User.objects.filter(roles__role="section_staff")
                  if len(u.scope_region_code) == 6)


def _enterprise_accounts(hazard) -> list[str]:
    return sorted(User.objects.filter(enterprise_id=hazard.enterprise_id).values_list("username", flat=True))


def test_the_job_is_registered_every_quarter_hour():
    job = tasks.PERIODIC_JOBS[prevention_tasks.flag_overdue_hazards.module_path]
    assert job.every == datetime.timedelta(minutes=15)


def test_overdue_hazards_escalate_step_by_step_and_idempotently(make_hazard, users):
    hazard = make_hazard(HazardState.RECTIFYING)
    due = hazard.due_at
    own = _enterprise_accounts(hazard)
    assert own[:2] == ["enterprise1", "enterprise2"]
    assert services.escalate_overdue() >= 0
    assert Hazard.objects.get(pk=hazard.pk).escalation_level == 0 and _recipients(hazard) == []

    with time_machine.travel(due + datetime.timedelta(hours=1), tick=False):
        prevention_tasks.flag_overdue_hazards.call()
        stored = Hazard.objects.get(pk=hazard.pk)
        assert stored.escalation_level == 1 and stored.is_overdue
        assert stored.overdue_since == timezone.now()
        # Level 1: the responsible person (no account named: the enterprise's accounts) and their supervisor
        # (the inspector who confirmed it and set the deadline).
        assert _recipients(hazard) == sorted([*own, "inspector"])
        services.escalate_overdue()
        prevention_tasks.flag_overdue_hazards.call()
        assert _recipients(hazard) == sorted([*own, "inspector"])
        assert HazardEvent.objects.filter(hazard=hazard, kind="overdue").count() == 1

    with time_machine.travel(due + datetime.timedelta(days=8), tick=False):
        services.escalate_overdue()
        assert Hazard.objects.get(pk=hazard.pk).escalation_level == 2
        assert _recipients(hazard) == sorted([*own, "inspector", *_township_staff(hazard)])

    with time_machine.travel(due + datetime.timedelta(days=45), tick=False):
        services.escalate_overdue()
        services.escalate_overdue()
        assert Hazard.objects.get(pk=hazard.pk).escalation_level == 3
        assert _recipients(hazard) == sorted([*own, "inspector", *_township_staff(hazard),
                                              *_county_section_staff()])
        assert HazardEvent.objects.filter(hazard=hazard, kind="overdue").count() == 3


def test_a_missed_run_jumps_straight_to_the_level_due(make_hazard, users):
    hazard = make_hazard(HazardState.CONFIRMED, HazardLevel.MAJOR, responsible_user=users["enterprise1"])
    with time_machine.travel(hazard.due_at + datetime.timedelta(days=31), tick=False):
        assert services.escalate_overdue() >= 1
    stored = Hazard.objects.get(pk=hazard.pk)
    assert stored.escalation_level == 3
    assert HazardEvent.objects.filter(hazard=hazard, kind="overdue").count() == 1
    # A major hazard tells the county's section staff from the first level; nobody is told twice.
    names = _recipients(hazard)
    assert len(names) == len(set(names))
    assert set(names) == {"enterprise1", "inspector", *_township_staff(hazard), *_county_section_staff()}


def test_an_extension_resets_the_escalation_and_rectified_hazards_are_left_alone(make_hazard, users):
    hazard = make_hazard(HazardState.RECTIFYING)
    later = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    with time_machine.travel(hazard.due_at + datetime.timedelta(days=2), tick=False):
        services.escalate_overdue()
        assert Hazard.objects.get(pk=hazard.pk).escalation_level == 1
        extended = services.extend_deadline(users["township1"], Hazard.objects.get(pk=hazard.pk), later,
                                            "节日停工")
        assert (extended.escalation_level, extended.overdue_since, extended.is_overdue) == (0, None, False)
        services.escalate_overdue()
        assert Hazard.objects.get(pk=hazard.pk).escalation_level == 0
    done = make_hazard(HazardState.RECTIFIED)
    with time_machine.travel(done.due_at + datetime.timedelta(days=40), tick=False):
        services.escalate_overdue()
    assert Hazard.objects.get(pk=done.pk).escalation_level == 0


def test_notifications_api_and_page(api, web, make_hazard):
    hazard = make_hazard(HazardState.RECTIFYING)
    with time_machine.travel(hazard.due_at + datetime.timedelta(hours=2), tick=False):
        services.escalate_overdue()
    client = api("inspector")
    body = client.get("/api/v1/notifications", unread="true").json()
    mine = [n for n in body["items"] if n["hazard_id"] == hazard.pk]
    assert len(mine) == 1 and mine[0]["read_at"] is None
    page = web("inspector").get("/notifications/")
    assert page.status_code == 200 and hazard.title in page.content.decode()
    marked = client.post("/api/v1/notifications/read", {"ids": [mine[0]["id"]]})
    assert marked.json() == {"marked": 1}
    assert client.post("/api/v1/notifications/read", {"ids": [mine[0]["id"]]}).json() == {"marked": 0}
    others = api("township2").get("/api/v1/notifications").json()["items"]
    assert all(n["id"] != mine[0]["id"] for n in others)
    response = web("township2").post("/notifications/read/", {"id": str(mine[0]["id"])})
    assert response.status_code == 302
