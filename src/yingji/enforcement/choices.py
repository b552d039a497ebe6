"""Choice sets of supervision and enforcement (values English, labels translated, colours for badges)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import ChoiceSet


class PowerKind(ChoiceSet):
    """The kinds of power on the bureau's 权责清单."""

    NAME = "enforcement_power_kind"
    FIELDS = (("enforcement.enforcementitem", "kind"),)
    PENALTY = "penalty"
    COERCION = "coercion"
    INSPECTION = "inspection"
    CHOICES = (
        (PENALTY, _("Administrative penalty"), "danger"),
        (COERCION, _("Administrative coercion"), "warning"),
        (INSPECTION, _("Administrative inspection"), "primary"),
    )


class CertificateStatus(ChoiceSet):
    """An enforcement certificate on a given day (computed, never stored)."""

    NAME = "certificate_status"
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    CHOICES = (
        (VALID, pgettext_lazy("certificate", "Valid"), "success"),
        (EXPIRING, _("Expires within 60 days"), "warning"),
        (EXPIRED, pgettext_lazy("certificate", "Expired"), "danger"),
    )


class TierStage(ChoiceSet):
    """When a tier of an article's liability applies."""

    NAME = "enforcement_tier_stage"
    FIRST = "first"
    OVERDUE = "overdue"
    REFUSED = "refused"
    AGGRAVATED = "aggravated"
    ACCIDENT = "accident"
    CHOICES = (
        (FIRST, _("On finding"), "primary"),
        (OVERDUE, _("Not corrected in time"), "warning"),
        (REFUSED, _("Refused to correct"), "danger"),
        (AGGRAVATED, _("Serious circumstances"), "danger"),
        (ACCIDENT, _("Led to an accident"), "dark"),
    )


class FineParty(ChoiceSet):
    """Who a fine falls on."""

    NAME = "enforcement_fine_party"
    UNIT = "unit"
    PRINCIPAL = "principal"
    MANAGERS = "managers"
    RESPONSIBLE_PERSONS = "responsible_persons"
    INVESTOR = "investor"
    CHOICES = (
        (UNIT, _("The unit"), "primary"),
        (PRINCIPAL, _("Its principal"), "warning"),
        (MANAGERS, _("Other heads and safety managers"), "warning"),
        (RESPONSIBLE_PERSONS, _("Directly responsible persons"), "warning"),
        (INVESTOR, _("The investor of a sole proprietorship"), "secondary"),
    )


class Measure(ChoiceSet):
    """Measures other than a fine that a tier orders."""

    NAME = "enforcement_measure"
    ORDER_CORRECTION = "order_correction"
    SUSPEND_PRODUCTION = "suspend_production"
    STOP_PRODUCTION = "stop_production"
    STOP_CONSTRUCTION_OR_SUSPEND = "stop_construction_or_suspend"
    WITHDRAW_WORKERS = "withdraw_workers"
    CONFISCATE_GAINS = "confiscate_gains"
    SUSPEND_OR_REVOKE_QUALIFICATION = "suspend_or_revoke_qualification"
    SEAL_OR_SEIZE = "seal_or_seize"
    STOP_POWER_SUPPLY = "stop_power_supply"
    STOP_EXPLOSIVES_SUPPLY = "stop_explosives_supply"
    INSPECT = "inspect"
    CHOICES = (
        (ORDER_CORRECTION, _("Order to correct within a time limit"), "primary"),
        (SUSPEND_PRODUCTION, _("Suspend production for rectification"), "warning"),
        (STOP_PRODUCTION, _("Stop production or business"), "danger"),
        (STOP_CONSTRUCTION_OR_SUSPEND, _("Stop construction or suspend use"), "danger"),
        (WITHDRAW_WORKERS, _("Withdraw the workers"), "danger"),
        (CONFISCATE_GAINS, _("Confiscate illegal gains"), "danger"),
        (SUSPEND_OR_REVOKE_QUALIFICATION, _("Suspend or revoke the qualification"), "danger"),
        (SEAL_OR_SEIZE, _("Seal up or seize"), "danger"),
        (STOP_POWER_SUPPLY, _("Stop the power supply"), "danger"),
        (STOP_EXPLOSIVES_SUPPLY, _("Stop the supply of explosives"), "danger"),
        (INSPECT, _("Enter, inspect and gather evidence"), "primary"),
    )


class FineBasis(ChoiceSet):
    """What a fine's figures count."""

    NAME = "enforcement_fine_basis"
    AMOUNT = "amount"
    INCOME_PERCENT = "income_percent"
    GAINS_MULTIPLE = "gains_multiple"
    FINE_MULTIPLE = "fine_multiple"
    ORIGINAL_FINE_PER_DAY = "original_fine_per_day"
    CHOICES = (
        (AMOUNT, _("yuan"), "secondary"),
        (INCOME_PERCENT, _("per cent of last year's income"), "secondary"),
        (GAINS_MULTIPLE, _("times the illegal gains"), "secondary"),
        (FINE_MULTIPLE, _("times the fine"), "secondary"),
        (ORIGINAL_FINE_PER_DAY, _("the original fine per day"), "secondary"),
    )


class Circumstance(ChoiceSet):
    """情节 bands of the discretion benchmark."""

    NAME = "enforcement_circumstance"
    MINOR = "minor"
    ORDINARY = "ordinary"
    SERIOUS = "serious"
    SEVERE = "severe"
    CHOICES = (
        (MINOR, pgettext_lazy("circumstance", "Minor"), "success"),
        (ORDINARY, pgettext_lazy("circumstance", "Ordinary"), "primary"),
        (SERIOUS, pgettext_lazy("circumstance", "Serious"), "warning"),
        (SEVERE, pgettext_lazy("circumstance", "Severe"), "danger"),
    )


# --- annual plan, campaigns and supervision orders (分类分级, 专项整治/大检查, 交办/督办) ----------------------------


class SupervisionClassChoice(ChoiceSet):
    """An enterprise's supervision class (分类分级监管; ``standards.supervision_class``)."""

    NAME = "supervision_class"
    FIELDS = (("enforcement.supervisionclass", "computed_class"), ("enforcement.planitem", "supervision_class"))
    A = "A"
    B = "B"
    C = "C"
    D = "D"
    CHOICES = (
        (A, _("Class A (key supervision)"), "danger"),
        (B, _("Class B (higher risk)"), "warning"),
        (C, _("Class C (general risk)"), "info"),
        (D, _("Class D (lower risk)"), "secondary"),
    )


class PlanState(ChoiceSet):
    """An annual inspection plan's state."""

    NAME = "inspection_plan_state"
    FIELDS = (("enforcement.annualinspectionplan", "state"),)
    DRAFT = "draft"
    APPROVED = "approved"
    PUBLISHED = "published"
    CHOICES = (
        (DRAFT, pgettext_lazy("plan", "Draft"), "secondary"),
        (APPROVED, pgettext_lazy("plan", "Approved"), "primary"),
        (PUBLISHED, pgettext_lazy("plan", "Published"), "success"),
    )


class CampaignKind(ChoiceSet):
    """The two kinds of campaign the bureau runs."""

    NAME = "campaign_kind"
    FIELDS = (("enforcement.campaign", "kind"),)
    SPECIAL_RECTIFICATION = "special_rectification"
    GENERAL_INSPECTION = "general_inspection"
    CHOICES = (
        (SPECIAL_RECTIFICATION, _("Special rectification campaign"), "warning"),
        (GENERAL_INSPECTION, _("Major safety inspection"), "primary"),
    )


class CampaignSector(ChoiceSet):
    """The key sectors a campaign (or the supervision class) looks at: the enterprise archive's sector flags."""

    NAME = "campaign_sector"
    HAZARDOUS_CHEMICALS = "hazardous_chemicals"
    FIREWORKS = "fireworks"
    NON_COAL_MINE = "non_coal_mine"
    TAILINGS_POND = "tailings_pond"
    METALLURGY = "metallurgy"
    AMMONIA_REFRIGERATION = "ammonia_refrigeration"
    COMBUSTIBLE_DUST = "combustible_dust"
    CONFINED_SPACE = "confined_space"
    CHOICES = (
        (HAZARDOUS_CHEMICALS, _("Hazardous chemicals"), "danger"),
        (FIREWORKS, _("Fireworks"), "danger"),
        (NON_COAL_MINE, _("Non-coal mines"), "warning"),
        (TAILINGS_POND, _("Tailings ponds"), "warning"),
        (METALLURGY, _("Metallurgy"), "warning"),
        (AMMONIA_REFRIGERATION, _("Ammonia refrigeration"), "info"),
        (COMBUSTIBLE_DUST, _("Combustible dust"), "info"),
        (CONFINED_SPACE, _("Confined spaces"), "info"),
    )


class TaskState(ChoiceSet):
    """A campaign task's reporting state (kept by the overdue job and the reports)."""

    NAME = "campaign_task_state"
    FIELDS = (("enforcement.campaigntask", "state"),)
    OPEN = "open"
    OVERDUE = "overdue"
    DONE = "done"
    CHOICES = (
        (OPEN, pgettext_lazy("task", "In progress"), "primary"),
        (OVERDUE, pgettext_lazy("task", "Report overdue"), "danger"),
        (DONE, pgettext_lazy("task", "All reports in"), "success"),
    )


class OrderKind(ChoiceSet):
    """交办单 (a matter handed to a township or department) or 督办单 (a matter the bureau supervises closely)."""

    NAME = "supervision_order_kind"
    FIELDS = (("enforcement.supervisionorder", "kind"),)
    ASSIGNMENT = "assignment"
    SUPERVISION = "supervision"
    CHOICES = (
        (ASSIGNMENT, _("Assignment order"), "primary"),
        (SUPERVISION, _("Supervision order"), "danger"),
    )


class OrderState(ChoiceSet):
    NAME = "supervision_order_state"
    FIELDS = (("enforcement.supervisionorder", "state"),)
    ISSUED = "issued"
    REPLIED = "replied"
    RETURNED = "returned"
    VERIFIED = "verified"
    CLOSED = "closed"
    CHOICES = (
        (ISSUED, pgettext_lazy("order", "Issued"), "primary"),
        (REPLIED, pgettext_lazy("order", "Replied"), "info"),
        (RETURNED, pgettext_lazy("order", "Returned for more work"), "warning"),
        (VERIFIED, pgettext_lazy("order", "Verified"), "success"),
        (CLOSED, pgettext_lazy("order", "Closed"), "secondary"),
    )
    #: The assignee's turn: the deadline runs and overdue escalation applies.
    AWAITING_REPLY = (ISSUED, RETURNED)


class OrderAction(ChoiceSet):
    """What happened to a supervision order (its timeline)."""

    NAME = "supervision_order_action"
    FIELDS = (("enforcement.orderevent", "kind"),)
    ISSUE = "issue"
    REPLY = "reply"
    ACCEPT = "accept"
    RETURN = "return"
    CLOSE = "close"
    ATTACH = "attach"
    OVERDUE = "overdue"
    CHOICES = (
        (ISSUE, pgettext_lazy("order", "Issued"), "primary"),
        (REPLY, pgettext_lazy("order", "Replied"), "info"),
        (ACCEPT, pgettext_lazy("order", "Accepted"), "success"),
        (RETURN, pgettext_lazy("order", "Returned for more work"), "warning"),
        (CLOSE, pgettext_lazy("order", "Closed"), "secondary"),
        (ATTACH, _("File attached"), "secondary"),
        (OVERDUE, _("Overdue, escalated"), "danger"),
    )
