"""Choice sets of geological hazard points and earthquake intensity reports."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import ChoiceSet


class GeoHazardKind(ChoiceSet):
    LANDSLIDE = "landslide"
    COLLAPSE = "collapse"
    DEBRIS_FLOW = "debris_flow"
    SUBSIDENCE = "subsidence"
    FISSURE = "fissure"
    SETTLEMENT = "settlement"
    UNSTABLE_SLOPE = "unstable_slope"
    CHOICES = (
        (LANDSLIDE, _("Landslide"), "danger"),
        (COLLAPSE, _("Rockfall"), "danger"),
        (DEBRIS_FLOW, _("Debris flow"), "danger"),
        (SUBSIDENCE, _("Ground collapse"), "warning"),
        (FISSURE, _("Ground fissure"), "warning"),
        (SETTLEMENT, _("Land subsidence"), "info"),
        (UNSTABLE_SLOPE, _("Unstable slope"), "warning"),
    )


class GeoScale(ChoiceSet):
    """规模等级 of the hazard body, and 险情等级 (same four words)."""

    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"
    HUGE = "huge"
    CHOICES = (
        (SMALL, pgettext_lazy("scale", "Small"), "info"),
        (MEDIUM, pgettext_lazy("scale", "Medium"), "warning"),
        (LARGE, pgettext_lazy("scale", "Large"), "orange"),
        (HUGE, pgettext_lazy("scale", "Huge"), "danger"),
    )


class GeoPointState(ChoiceSet):
    NAME = "geohazard_state"
    FIELDS = (("disasters.geohazardpoint", "state"),)
    ACTIVE = "active"
    WRITTEN_OFF = "written_off"
    CHOICES = (
        (ACTIVE, _("On the register"), "warning"),
        (WRITTEN_OFF, _("Written off"), "secondary"),
    )


class WriteOffReason(ChoiceSet):
    TREATED = "treated"
    RELOCATED = "relocated"
    STABLE = "stable"
    CHOICES = (
        (TREATED, _("Treated by engineering"), "success"),
        (RELOCATED, _("Residents relocated"), "info"),
        (STABLE, _("Stable after assessment"), "secondary"),
    )


class GeoPatrolFinding(ChoiceSet):
    NORMAL = "normal"
    DEFORMING = "deforming"
    DANGER = "danger"
    CHOICES = (
        (NORMAL, _("No change"), "success"),
        (DEFORMING, _("Deforming (cracks, bulges, seepage)"), "warning"),
        (DANGER, _("Imminent danger"), "danger"),
    )
