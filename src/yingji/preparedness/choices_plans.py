"""Choice sets of plan documents (应急预案): the expert review's conclusion, the filing's state and the periodic
evaluation's conclusion."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import ChoiceSet


class ReviewConclusion(ChoiceSet):
    """评审结论 of an expert review (办法 第二十一条 to 第二十三条)."""

    NAME = "plan_review_conclusion"
    FIELDS = (("preparedness.planreview", "conclusion"),)
    PASSED = "passed"
    PASSED_WITH_CHANGES = "changes"
    FAILED = "failed"
    CHOICES = (
        (PASSED, _("Passed"), "success"),
        (PASSED_WITH_CHANGES, _("Passed after changes"), "info"),
        (FAILED, _("Not passed"), "danger"),
    )
    PASSING = (PASSED, PASSED_WITH_CHANGES)


class FilingState(ChoiceSet):
    """An enterprise plan's filing (备案) with the bureau: submitted, received (备案登记, receipt number issued) or
    returned for missing materials (办法 第二十七条)."""

    NAME = "plan_filing_state"
    FIELDS = (("preparedness.planfiling", "state"),)
    SUBMITTED = "submitted"
    RECEIVED = "received"
    RETURNED = "returned"
    CHOICES = (
        (SUBMITTED, pgettext_lazy("plan filing", "Submitted"), "warning"),
        (RECEIVED, pgettext_lazy("plan filing", "Received and filed"), "success"),
        (RETURNED, pgettext_lazy("plan filing", "Returned"), "danger"),
    )


class EvaluationConclusion(ChoiceSet):
    """评估结论 of a periodic evaluation (办法 第三十五条): the plan stays in force or must be revised."""

    NAME = "plan_evaluation_conclusion"
    FIELDS = (("preparedness.planevaluation", "conclusion"),)
    NO_REVISION = "no_revision"
    REVISION = "revision"
    CHOICES = (
        (NO_REVISION, _("No revision needed"), "success"),
        (REVISION, _("Revision needed"), "danger"),
    )
