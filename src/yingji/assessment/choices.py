"""Choice sets of the annual assessment (考核, issue 17 §2)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import ChoiceSet


class Target(ChoiceSet):
    NAME = "assessment_target"
    FIELDS = (("assessment.rubric", "target"),)
    TOWNSHIP = "township"
    MEMBER_UNIT = "member_unit"
    CHOICES = (
        (TOWNSHIP, _("Township governments"), "info"),
        (MEMBER_UNIT, _("Safety committee member units"), "primary"),
    )


class RubricState(ChoiceSet):
    NAME = "assessment_rubric_state"
    FIELDS = (("assessment.rubric", "state"),)
    DRAFT = "draft"
    PUBLISHED = "published"
    CHOICES = (
        (DRAFT, pgettext_lazy("rubric", "Draft"), "secondary"),
        (PUBLISHED, pgettext_lazy("rubric", "Published"), "success"),
    )


class ItemKind(ChoiceSet):
    NAME = "assessment_item_kind"
    FIELDS = (("assessment.rubricitem", "kind"),)
    MEASURED = "measured"
    ASSESSED = "assessed"
    VETO = "veto"
    CHOICES = (
        (MEASURED, _("Measured from records"), "primary"),
        (ASSESSED, _("Assessed from evidence"), "info"),
        (VETO, _("One-vote veto"), "danger"),
    )


class VetoEffect(ChoiceSet):
    NAME = "assessment_veto_effect"
    FIELDS = (("assessment.rubricitem", "effect"),)
    FAIL = "fail"
    NO_EXCELLENT = "no_excellent"
    CHOICES = (
        (FAIL, _("Graded failed whatever the points"), "danger"),
        (NO_EXCELLENT, _("Cannot be graded excellent"), "warning"),
    )


class Grade(ChoiceSet):
    NAME = "assessment_grade"
    FIELDS = (("assessment.assessment", "grade"),)
    EXCELLENT = "excellent"
    GOOD = "good"
    PASS = "pass"
    FAIL = "fail"
    CHOICES = (
        (EXCELLENT, pgettext_lazy("assessment grade", "Excellent"), "success"),
        (GOOD, pgettext_lazy("assessment grade", "Good"), "primary"),
        (PASS, pgettext_lazy("assessment grade", "Passed"), "info"),
        (FAIL, pgettext_lazy("assessment grade", "Failed"), "danger"),
    )


class AssessmentState(ChoiceSet):
    NAME = "assessment_state"
    FIELDS = (("assessment.assessment", "state"),)
    DRAFT = "draft"
    SCORED = "scored"
    PUBLISHED = "published"
    APPEALED = "appealed"
    APPEAL_DECIDED = "appeal_decided"
    FINAL = "final"
    CHOICES = (
        (DRAFT, pgettext_lazy("assessment", "Draft"), "secondary"),
        (SCORED, _("Scored"), "info"),
        (PUBLISHED, pgettext_lazy("assessment", "Published"), "primary"),
        (APPEALED, _("Appealed"), "warning"),
        (APPEAL_DECIDED, _("Appeal decided"), "info"),
        (FINAL, _("Final"), "success"),
    )


class AppealState(ChoiceSet):
    NAME = "assessment_appeal_state"
    FIELDS = (("assessment.assessmentitem", "appeal_state"),)
    NONE = ""
    FILED = "filed"
    UPHELD = "upheld"
    REJECTED = "rejected"
    CHOICES = (
        (NONE, _("No appeal"), "light"),
        (FILED, _("Appeal filed"), "warning"),
        (UPHELD, _("Appeal upheld"), "success"),
        (REJECTED, _("Appeal rejected"), "secondary"),
    )


class Metric(ChoiceSet):
    """The metrics the platform measures for a township's year (``metrics`` defines each)."""

    NAME = "assessment_metric"
    FIELDS = (("assessment.rubricitem", "metric"),)
    HAZARD_CLOSURE_RATE = "hazard_closure_rate"
    OVERDUE_HAZARDS = "overdue_hazards"
    DRILLS_HELD = "drills_held"
    TRAINING_COMPLIANCE = "training_compliance"
    WARNING_CONFIRMATION_RATE = "warning_confirmation_rate"
    INCIDENT_REPORT_TIMELINESS = "incident_report_timeliness"
    INSPECTION_PLAN_COMPLETION = "inspection_plan_completion"
    DISASTER_REPORTS_ON_TIME = "disaster_reports_on_time"
    SERIOUS_ACCIDENTS = "serious_accidents"
    FATAL_ACCIDENTS = "fatal_accidents"
    CHOICES = (
        (HAZARD_CLOSURE_RATE, _("Hazard closure rate"), "primary"),
        (OVERDUE_HAZARDS, _("Overdue hazards"), "warning"),
        (DRILLS_HELD, _("Drills held"), "primary"),
        (TRAINING_COMPLIANCE, _("Enterprises meeting the training hours"), "primary"),
        (WARNING_CONFIRMATION_RATE, _("Warning confirmation rate"), "primary"),
        (INCIDENT_REPORT_TIMELINESS, _("Incident reports on time"), "primary"),
        (INSPECTION_PLAN_COMPLETION, _("Inspection plan completion"), "primary"),
        (DISASTER_REPORTS_ON_TIME, _("Disaster reports on time"), "primary"),
        (SERIOUS_ACCIDENTS, _("Relatively large or worse accidents"), "danger"),
        (FATAL_ACCIDENTS, _("Fatal ordinary accidents"), "danger"),
    )


class RuleKind(ChoiceSet):
    NAME = "assessment_rule_kind"
    RATE = "rate"
    COUNT = "count"
    DEDUCT = "deduct"
    CHOICES = (
        (RATE, _("Rate: full points at the target, none at the floor, linear between"), "primary"),
        (COUNT, _("Count against the required number"), "info"),
        (DEDUCT, _("Points off per occurrence"), "warning"),
    )
