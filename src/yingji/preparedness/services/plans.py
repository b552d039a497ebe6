"""Plan documents (应急预案) over their life cycle: evaluation and filing deadlines, overdue reminders, statistics.

The plan record is ``incidents.Plan`` (activation rules plus the life-cycle fields of issue 15 §1); deadlines come
from ``yingji.standards.emergency_plans`` (生产安全事故应急预案管理办法, 应急管理部令第2号).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _l

from yingji.core import notifications
from yingji.core.choices import Role
from yingji.core.models import User
from yingji.incidents.choices import PlanState
from yingji.incidents.models import Plan
from yingji.standards import emergency_plans as rules

NOTIFY_KIND = "plan"
#: States in which a plan is in force (published, filed, or being evaluated while still valid).
IN_FORCE_STATES = (PlanState.PUBLISHED, PlanState.FILED, PlanState.EVALUATION)


def evaluation_due(plan: Plan) -> date | None:
    """Next evaluation date: three years after the last evaluation, or after publication (办法 第三十五条)."""
    start = plan.last_evaluated_on or plan.published_on
    return rules.evaluation_due(start) if start else None


def filing_due(plan: Plan) -> date | None:
    """Last day to file an enterprise plan: 20 working days after publication (办法 第二十六条)."""
    if plan.enterprise_id is None or plan.published_on is None:
        return None
    return rules.filing_deadline(plan.published_on)


def overdue(plans, today: date) -> list[tuple[Plan, str, date]]:
    """(plan, "evaluation"|"filing", due) for each in-force plan past a deadline on ``today``."""
    result = []
    for plan in plans:
        if plan.state not in IN_FORCE_STATES or not plan.is_active:
            continue
        due = evaluation_due(plan)
        if due is not None and due < today:
            result.append((plan, "evaluation", due))
        due = filing_due(plan)
        if due is not None and due < today and plan.state == PlanState.PUBLISHED:
            result.append((plan, "filing", due))
    return result


def _recipients(plan: Plan):
    users = User.objects.filter(is_active=True)
    staff = users.filter(roles__role__in=[Role.ADMIN, Role.SECTION_STAFF])
    if plan.enterprise_id is not None:
        return list(staff.distinct()) + list(users.filter(enterprise_id=plan.enterprise_id))
    return list(staff.distinct())


def _msg(template, **params) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return (str(template) % params)[:200]


MESSAGES = {
    "evaluation": _l("Plan “%(name)s”: the evaluation due %(due)s is overdue."),
    "filing": _l("Plan “%(name)s”: filing was due %(due)s."),
}


def flag_overdue(today: date | None = None) -> int:
    """Notify once per plan, deadline kind and due date (idempotent through the notification dedupe key)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    sent = 0
    plans = Plan.objects.filter(is_active=True, state__in=IN_FORCE_STATES).select_related("enterprise")
    for plan, what, due in overdue(plans, today):
        sent += len(notifications.notify(
            _recipients(plan), _msg(MESSAGES[what], name=plan.name, due=due.isoformat()),
            link=reverse("plan_detail", args=[plan.pk]), obj=plan, kind=NOTIFY_KIND,
            dedupe_key=f"plan:{plan.pk}:{what}:{due.isoformat()}"))
    return sent


def statistics(user, year: int) -> dict:
    """Plans the user may see: counts by document kind and by state, plans published and evaluated in ``year``,
    enterprise plans filed, and evaluations due in ``year`` (办法 第三十五条)."""
    plans = Plan.objects.for_user(user)
    by_kind = dict(plans.values_list("doc_kind").annotate(n=Count("pk")).order_by())
    by_state = dict(plans.values_list("state").annotate(n=Count("pk")).order_by())
    due_in_year = 0
    if not 1 <= year <= date.max.year - 1:  # the ORM's year lookups need year + 1 to exist
        return {"year": year, "total": plans.count(), "by_kind": by_kind, "by_state": by_state, "published": 0,
                "evaluated": 0, "enterprise_filed": 0, "evaluations_due": 0}
    for plan in plans.filter(state__in=IN_FORCE_STATES, is_active=True):
        due = evaluation_due(plan)
        if due is not None and due.year == year:
            due_in_year += 1
    in_year = Q(published_on__year=year)
    return {
        "year": year,
        "total": plans.count(),
        "by_kind": by_kind,
        "by_state": by_state,
        "published": plans.filter(in_year).count(),
        "evaluated": plans.filter(last_evaluated_on__year=year).count(),
        "enterprise_filed": plans.filter(enterprise__isnull=False, state=PlanState.FILED).count(),
        "evaluations_due": due_in_year,
    }
