"""Choice sets of disaster relief (灾害救助)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import ChoiceSet


class ReliefKind(ChoiceSet):
    NAME = "relief_kind"
    FIELDS = (("disasters.reliefstandard", "kind"), ("disasters.reliefapplication", "kind"),
              ("disasters.reliefdisbursement", "kind"))
    EMERGENCY = "emergency"
    TRANSITION = "transition"
    WINTER_SPRING = "winter_spring"
    HOUSING = "housing"
    CHOICES = (
        (EMERGENCY, _("Emergency relief"), "danger"),
        (TRANSITION, _("Transitional living relief"), "warning"),
        (WINTER_SPRING, _("Winter and spring living relief"), "info"),
        (HOUSING, _("Rebuilding of collapsed and damaged houses"), "primary"),
    )


class HouseDamage(ChoiceSet):
    NAME = "relief_house_damage"
    FIELDS = (("disasters.reliefapplication", "damage"),)
    NONE = "none"
    MINOR = "minor"
    SEVERE = "severe"
    COLLAPSED = "collapsed"
    CHOICES = (
        (NONE, _("House not damaged"), "secondary"),
        (MINOR, _("House slightly damaged"), "info"),
        (SEVERE, _("House severely damaged"), "warning"),
        (COLLAPSED, _("House collapsed"), "danger"),
    )


class ApplicationState(ChoiceSet):
    NAME = "relief_application_state"
    FIELDS = (("disasters.reliefapplication", "state"),)
    APPLIED = "applied"
    REVIEWED = "reviewed"
    NOTICE = "notice"
    APPROVED = "approved"
    DISBURSED = "disbursed"
    RETURNED = "returned"
    REJECTED = "rejected"
    CHOICES = (
        (APPLIED, pgettext_lazy("relief", "Applied"), "secondary"),
        (REVIEWED, _("Reviewed by the township"), "info"),
        (NOTICE, _("On public notice"), "warning"),
        (APPROVED, _("Approved by the county"), "primary"),
        (DISBURSED, _("Disbursed"), "success"),
        (RETURNED, _("Returned for correction"), "warning"),
        (REJECTED, pgettext_lazy("relief", "Rejected"), "danger"),
    )


class ObjectionState(ChoiceSet):
    NAME = "relief_objection_state"
    FIELDS = (("disasters.reliefobjection", "state"),)
    OPEN = "open"
    UPHELD = "upheld"
    DISMISSED = "dismissed"
    CHOICES = (
        (OPEN, _("Open objection"), "warning"),
        (UPHELD, _("Objection upheld"), "danger"),
        (DISMISSED, _("Objection dismissed"), "secondary"),
    )
