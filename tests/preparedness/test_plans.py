"""Plan life cycle (issue 15 §1): overdue evaluation/filing reminders with time travel, statistics, extreme dates."""

from datetime import date

import pytest

from yingji.core.choices import Role
from yingji.core.models import Notification, User, UserRole
from yingji.incidents.choices import PlanKind, PlanState
from yingji.incidents.models import Plan
from yingji.preparedness.services import plans as svc

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    user = User.objects.create_user("plans-staff", password="x-Pass-12345", scope_region_code="410481")
    UserRole.objects.create(user=user, role=Role.SECTION_STAFF)
    return user


def _plan(**kw):
    data = {"region_code": "410481", "name": "测试预案", "kind": PlanKind.SPECIAL, "level": "county",
            "doc_kind": "special", "published_on": date(2023, 3, 1)} | kw
    return Plan.objects.create(**data)


def test_evaluation_due_three_years_after_publication_or_last_evaluation():
    plan = Plan(published_on=date(2023, 3, 1))
    assert svc.evaluation_due(plan) == date(2026, 3, 1)
    plan.last_evaluated_on = date(2025, 1, 10)
    assert svc.evaluation_due(plan) == date(2028, 1, 10)
    assert svc.evaluation_due(Plan()) is None
    assert svc.evaluation_due(Plan(published_on=date.max)) == date.max


def _notes(user, plan):
    return Notification.objects.filter(recipient=user, object_type="incidents.plan", object_id=str(plan.pk))


def test_overdue_reminders_are_sent_once(staff):
    plan = _plan()
    svc.flag_overdue(today=date(2026, 3, 1))  # due that day: not yet overdue
    assert not _notes(staff, plan).exists()
    svc.flag_overdue(today=date(2026, 3, 2))
    svc.flag_overdue(today=date(2026, 3, 9))  # idempotent
    note = _notes(staff, plan).get()
    assert plan.name in note.subject and "2026-03-01" in note.subject
    plan.last_evaluated_on = date(2026, 3, 5)
    plan.save()
    svc.flag_overdue(today=date(2029, 3, 6))  # the next cycle reminds again
    assert _notes(staff, plan).count() == 2


def test_plans_out_of_force_are_not_flagged(staff):
    plans = [_plan(state=PlanState.REVISION), _plan(name="废止预案", is_active=False),
             _plan(name="远期预案", published_on=date(9999, 12, 31))]
    svc.flag_overdue(today=date(9999, 12, 31))
    assert not any(_notes(staff, plan).exists() for plan in plans)


def test_statistics(staff):
    _plan()
    _plan(name="总体预案", doc_kind="overall", kind=PlanKind.OVERALL, published_on=date(2026, 1, 5),
          state=PlanState.FILED)
    stats = svc.statistics(staff, 2026)
    assert stats["total"] >= 2
    assert stats["by_kind"]["special"] >= 1
    assert stats["published"] >= 1
    assert stats["evaluations_due"] >= 1
    assert svc.statistics(staff, 9999)["year"] == 9999
    assert svc.statistics(staff, 9998)["published"] == 0
    assert svc.statistics(staff, 0)["evaluations_due"] == 0


def test_enterprise_plans_show_in_the_archive(web):
    plan = Plan.objects.filter(enterprise__isnull=False, state=PlanState.FILED).first()
    assert plan is not None  # the demo files enterprise plans
    page = web("admin").get(f"/enterprises/{plan.enterprise_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "yj-archive-plans" in html and plan.name in html and "已备案" in html
