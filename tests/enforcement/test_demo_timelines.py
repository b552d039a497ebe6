"""The demo's supervision orders carry their history at the times it happened: an order escalated eight days ago
shows that day on its timeline and in the audit trail, not the day the demo was loaded."""

from __future__ import annotations

import datetime

from django.utils import timezone

from yingji.core.models import AuditRecord, User
from yingji.enforcement.choices import OrderAction
from yingji.enforcement.models import OrderEvent, SupervisionOrder


def _day(value: datetime.datetime) -> datetime.date:
    return timezone.localtime(value).date()


def _demo_day() -> datetime.date:
    """The day the demo was loaded (its accounts' creation): the demo's "eight days ago" counts from it, which is
    not today when the test runs after the local midnight that followed the load."""
    return _day(User.objects.get(username="admin").date_joined)


def test_demo_order_timelines_are_not_all_today(demo_county):
    today = _demo_day()
    days = {_day(t) for t in OrderEvent.objects.values_list("time", flat=True)}
    assert days and days != {today}
    audit_days = {_day(t) for t in AuditRecord.objects.filter(object_type="enforcement.supervisionorder")
                  .values_list("time", flat=True)}
    assert audit_days and audit_days != {today}


def test_the_escalated_order_shows_when_it_was_issued_and_escalated(demo_county):
    today = _demo_day()
    late = SupervisionOrder.objects.filter(escalation_level__gt=0).order_by("deadline").first()
    assert late is not None
    assert (today - _day(late.deadline)).days == 8
    events = list(late.events.order_by("time", "pk"))
    assert _day(events[0].time) == _day(late.issued_at) == today - datetime.timedelta(days=15)
    overdue = [e for e in events if e.kind == OrderAction.OVERDUE]
    assert overdue and datetime.timedelta(0) < overdue[0].time - late.deadline < datetime.timedelta(hours=2)
    # The ladder's last step (seven days past the deadline) may fall on today; the rest lies in the past.
    assert all(e.time <= timezone.now() for e in events)
    assert sum(1 for e in events if _day(e.time) == today) <= 1
    assert [e.time for e in events] == sorted(e.time for e in events)
    records = AuditRecord.objects.filter(object_type="enforcement.supervisionorder", object_id=str(late.pk))
    assert records and sum(1 for r in records if _day(r.time) == today) <= 1
    assert _day(records.order_by("time").first().time) == _day(late.issued_at)


def test_the_clock_is_put_back(demo_county):
    from yingji.core.demo import demo_clock

    moment = timezone.now() - datetime.timedelta(days=100)
    with demo_clock(moment) as clock:
        assert timezone.now() - moment < datetime.timedelta(seconds=1)
        assert OrderEvent(kind="x").time - moment < datetime.timedelta(seconds=1)
        assert clock() > moment
    assert timezone.now() - OrderEvent(kind="x").time < datetime.timedelta(seconds=5)
    assert abs((timezone.now() - datetime.datetime.now(datetime.UTC)).total_seconds()) < 5


def test_demo_cases_and_documents_are_audited_on_their_own_days(demo_county):
    today = timezone.localdate()
    for object_type in ("enforcement.penaltycase", "enforcement.enforcementdocument"):
        days = [_day(t) for t in AuditRecord.objects.filter(object_type=object_type).values_list("time", flat=True)]
        assert days and sum(1 for d in days if d == today) < len(days) / 2, object_type


def test_demo_order_numbers_follow_their_issue_dates(demo_county):
    orders = list(SupervisionOrder.objects.order_by("issued_at", "pk"))
    assert len(orders) >= 2
    by_series: dict[tuple[str, int], list[int]] = {}
    for order in orders:
        by_series.setdefault((order.kind, order.year), []).append(order.serial)
    for serials in by_series.values():
        assert serials == sorted(serials), serials
