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


# --- inspections (执法检查) ------------------------------------------------------------------------------------


class InspectionOrigin(ChoiceSet):
    """Why an inspection takes place."""

    NAME = "inspection_origin"
    FIELDS = (("enforcement.inspection", "origin"),)
    RANDOM_DRAW = "random_draw"
    PLAN = "plan"
    CAMPAIGN = "campaign"
    COMPLAINT = "complaint"
    AD_HOC = "ad_hoc"
    CHOICES = (
        (RANDOM_DRAW, _("Random draw (双随机)"), "primary"),
        (PLAN, _("Annual plan"), "info"),
        (CAMPAIGN, _("Campaign"), "warning"),
        (COMPLAINT, _("Complaint or tip-off"), "danger"),
        (AD_HOC, _("Ad hoc"), "secondary"),
    )


class InspectionState(ChoiceSet):
    """Where an inspection record stands (see ``services.inspections`` for the workflow)."""

    NAME = "inspection_state"
    FIELDS = (("enforcement.inspection", "state"),)
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    RECORDED = "recorded"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    CHOICES = (
        (PLANNED, pgettext_lazy("inspection", "Planned"), "secondary"),
        (IN_PROGRESS, pgettext_lazy("inspection", "On site"), "primary"),
        (RECORDED, pgettext_lazy("inspection", "Recorded"), "info"),
        (CLOSED, pgettext_lazy("inspection", "Closed"), "success"),
        (CANCELLED, pgettext_lazy("inspection", "Cancelled"), "dark"),
    )
    #: States in which the record may still be filled in.
    OPEN = (PLANNED, IN_PROGRESS)


class InspectionEventKind(ChoiceSet):
    """What an entry of an inspection's timeline records (执法全过程记录)."""

    NAME = "inspection_event"
    FIELDS = (("enforcement.inspectionevent", "kind"),)
    PLAN = "plan"
    START = "start"
    FINDING = "finding"
    PHOTO = "photo"
    HAZARD = "hazard"
    SIGNATURE = "signature"
    EXAM = "exam"
    SUBMISSION = "submission"
    RECORD = "record"
    CLOSE = "close"
    CANCEL = "cancel"
    DOCUMENT = "document"
    CHOICES = (
        (PLAN, pgettext_lazy("inspection event", "Planned"), "secondary"),
        (START, pgettext_lazy("inspection event", "Arrived on site"), "primary"),
        (FINDING, _("Item checked"), "light"),
        (PHOTO, _("Photo taken"), "light"),
        (HAZARD, _("Hazard handed to the closed loop"), "danger"),
        (SIGNATURE, _("Signed"), "info"),
        (EXAM, _("On-site exam"), "info"),
        (SUBMISSION, _("Field record received"), "secondary"),
        (RECORD, pgettext_lazy("inspection event", "Record completed"), "info"),
        (CLOSE, pgettext_lazy("inspection event", "Closed"), "success"),
        (CANCEL, pgettext_lazy("inspection event", "Cancelled"), "dark"),
        (DOCUMENT, _("Document issued"), "warning"),
    )


class FindingResult(ChoiceSet):
    """The result of one checklist item."""

    NAME = "finding_result"
    FIELDS = (("enforcement.inspectionfinding", "result"),)
    COMPLIANT = "compliant"
    NON_COMPLIANT = "non_compliant"
    NOT_APPLICABLE = "not_applicable"
    CHOICES = (
        (COMPLIANT, _("Compliant"), "success"),
        (NON_COMPLIANT, _("Non-compliant"), "danger"),
        (NOT_APPLICABLE, _("Not applicable"), "secondary"),
    )


class SignerRole(ChoiceSet):
    """Who signed an inspection record."""

    NAME = "inspection_signer"
    FIELDS = (("enforcement.inspectionsignature", "role"),)
    OFFICER = "officer"
    ENTERPRISE = "enterprise"
    CHOICES = (
        (OFFICER, _("Enforcement officer"), "primary"),
        (ENTERPRISE, _("Enterprise representative"), "info"),
    )


class ExamAudience(ChoiceSet):
    """Who sits the 逢查必考 exam (the bank's audiences a site visit examines)."""

    NAME = "exam_audience"
    FIELDS = (("enforcement.inspectionexam", "audience"),)
    PRINCIPAL = "principal"
    SAFETY_MANAGER = "safety_manager"
    CHOICES = (
        (PRINCIPAL, _("Principal responsible person"), "primary"),
        (SAFETY_MANAGER, _("Safety manager"), "info"),
    )
