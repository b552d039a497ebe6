"""Choice sets of disaster reporting (灾情统计报送): report stages, report states, casualty kinds, plan levels."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import ChoiceSet


class ReportStage(ChoiceSet):
    """初报 / 续报 / 核报 of 自然灾害情况统计调查制度 (values of ``standards.disasters.STAGES``)."""
    NAME = "disaster_report_stage"
    FIELDS = (("disasters.disasterreport", "stage"),)
    INITIAL = "initial"
    FOLLOW_UP = "follow_up"
    FINAL = "final"
    CHOICES = (
        (INITIAL, pgettext_lazy("disaster report", "Initial report"), "warning"),
        (FOLLOW_UP, pgettext_lazy("disaster report", "Follow-up report"), "info"),
        (FINAL, pgettext_lazy("disaster report", "Verified report"), "success"),
    )


class ReportState(ChoiceSet):
    NAME = "disaster_report_state"
    FIELDS = (("disasters.disasterreport", "state"),)
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHOICES = (
        (DRAFT, pgettext_lazy("disaster report", "Draft"), "secondary"),
        (SUBMITTED, pgettext_lazy("disaster report", "Submitted"), "success"),
    )


class CasualtyKind(ChoiceSet):
    NAME = "casualty_kind"
    FIELDS = (("disasters.casualty", "kind"),)
    DEAD = "dead"
    MISSING = "missing"
    CHOICES = (
        (DEAD, _("Dead"), "dark"),
        (MISSING, _("Missing"), "warning"),
    )


class ReliefLevel(ChoiceSet):
    """Response levels of a disaster relief plan (Ⅰ-Ⅳ级)."""
    NAME = "relief_level"
    FIELDS = (("disasters.reliefthreshold", "level"), ("disasters.disasterevent", "relief_level"))
    I = "I"  # noqa: E741
    II = "II"
    III = "III"
    IV = "IV"
    CHOICES = (
        (I, _("Level I"), "danger"),
        (II, _("Level II"), "warning"),
        (III, _("Level III"), "primary"),
        (IV, _("Level IV"), "info"),
    )


class PlanIndicator(ChoiceSet):
    """What a relief plan's start condition tests (``standards.disasters.LEVEL_INDICATORS``)."""
    NAME = "relief_plan_indicator"
    FIELDS = (("disasters.reliefthreshold", "indicator"),)
    CHOICES = (
        ("dead_and_missing", _("Dead and missing"), "dark"),
        ("evacuated_or_needs_relief", _("Evacuated or needing emergency relief"), "warning"),
        ("collapsed_or_severe_rooms", _("Rooms collapsed or severely damaged"), "danger"),
        ("collapsed_or_severe_households", _("Households with houses collapsed or severely damaged"), "danger"),
        ("affected_people", _("People affected"), "info"),
        ("direct_loss_10k_yuan", _("Direct loss (10k CNY)"), "primary"),
    )


class HazardKind(ChoiceSet):
    """Disaster kinds of the statistics system (灾害种类, first level)."""
    NAME = "disaster_hazard"
    FIELDS = (("disasters.disasterevent", "hazard"),)
    CHOICES = (
        ("flood", _("Flood"), "primary"),
        ("drought", _("Drought"), "warning"),
        ("wind_hail", _("Wind and hail"), "info"),
        ("geological", _("Geological disaster"), "secondary"),
        ("forest_fire", _("Forest fire"), "danger"),
        ("earthquake", _("Earthquake"), "dark"),
        ("other", pgettext_lazy("disaster kind", "Other"), "light"),
    )
