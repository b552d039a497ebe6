"""Choice sets of drills (应急演练): who organised it, its form, the plan type it exercised, and the closed loop of
the problems it found."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import ChoiceSet
from yingji.standards import drills as rules


class OrganiserLevel(ChoiceSet):
    """The level of the unit that organised a drill (the summary counts drills by it)."""

    NAME = "drill_organiser_level"
    FIELDS = (("preparedness.drill", "organiser_level"), ("preparedness.drillplan", "organiser_level"))
    COUNTY = "county"
    TOWNSHIP = "township"
    INDUSTRY = "industry"
    ENTERPRISE = "enterprise"
    CHOICES = (
        (COUNTY, pgettext_lazy("drill organiser", "County"), "danger"),
        (TOWNSHIP, pgettext_lazy("drill organiser", "Township"), "primary"),
        (INDUSTRY, pgettext_lazy("drill organiser", "Industry or department"), "info"),
        (ENTERPRISE, pgettext_lazy("drill organiser", "Enterprise"), "secondary"),
    )


class DrillKind(ChoiceSet):
    """The form of a drill: 桌面推演, 实战演练, 综合演练, 单项演练."""

    NAME = "drill_kind"
    FIELDS = (("preparedness.drill", "kind"), ("preparedness.drillplan", "kind"))
    TABLETOP = "tabletop"
    LIVE = "live"
    COMPREHENSIVE = "comprehensive"
    SINGLE = "single"
    CHOICES = (
        (TABLETOP, _("Tabletop exercise"), "info"),
        (LIVE, _("Live exercise"), "danger"),
        (COMPREHENSIVE, _("Comprehensive exercise"), "primary"),
        (SINGLE, _("Single-function exercise"), "secondary"),
    )


class PlanType(ChoiceSet):
    """The type of plan a drill exercised, as 《生产安全事故应急预案管理办法》art. 33 counts drills."""

    NAME = "drill_plan_type"
    FIELDS = (("preparedness.drill", "plan_type"), ("preparedness.drillplan", "plan_type"))
    COMPREHENSIVE = rules.COMPREHENSIVE
    SPECIAL = rules.SPECIAL
    ON_SITE = rules.ON_SITE
    CHOICES = (
        (COMPREHENSIVE, _("Comprehensive plan"), "primary"),
        (SPECIAL, _("Special plan"), "info"),
        (ON_SITE, _("On-site disposal plan"), "warning"),
    )


class ProblemState(ChoiceSet):
    NAME = "drill_problem_state"
    FIELDS = (("preparedness.drillproblem", "state"),)
    OPEN = "open"
    SUBMITTED = "submitted"
    CLOSED = "closed"
    CHOICES = (
        (OPEN, pgettext_lazy("drill problem", "Being rectified"), "warning"),
        (SUBMITTED, pgettext_lazy("drill problem", "Awaiting verification"), "info"),
        (CLOSED, pgettext_lazy("drill problem", "Closed"), "success"),
    )


class ProblemAction(ChoiceSet):
    """What happened to a drill problem (its timeline)."""

    NAME = "drill_problem_action"
    FIELDS = (("preparedness.drillproblemevent", "kind"),)
    CREATE = "create"
    SUBMIT = "submit"
    ACCEPT = "accept"
    RETURN = "return"
    REMIND = "remind"
    OVERDUE = "overdue"
    CHOICES = (
        (CREATE, pgettext_lazy("drill problem", "Recorded"), "primary"),
        (SUBMIT, pgettext_lazy("drill problem", "Rectification reported"), "info"),
        (ACCEPT, pgettext_lazy("drill problem", "Verified and closed"), "success"),
        (RETURN, pgettext_lazy("drill problem", "Returned for more work"), "warning"),
        (REMIND, pgettext_lazy("drill problem", "Deadline reminder"), "secondary"),
        (OVERDUE, pgettext_lazy("drill problem", "Overdue"), "danger"),
    )


class Compliance(ChoiceSet):
    """A unit's drill frequency this year (``standards.drills``)."""

    NAME = "drill_compliance"
    MET = rules.MET
    PENDING = rules.PENDING
    MISSED = rules.MISSED
    CHOICES = (
        (MET, pgettext_lazy("drill compliance", "Met"), "success"),
        (PENDING, pgettext_lazy("drill compliance", "Due"), "warning"),
        (MISSED, pgettext_lazy("drill compliance", "Missed"), "danger"),
    )
