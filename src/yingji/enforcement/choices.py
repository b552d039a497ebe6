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
