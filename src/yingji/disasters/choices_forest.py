"""Choice sets of forest fire prevention (森林防灭火)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import ChoiceSet


class FireDangerLevel(ChoiceSet):
    """森林火险等级 (GB/T 36743-2018 names)."""

    NAME = "forest_fire_danger"
    FIELDS = (("disasters.forestarea", "danger_level"),)
    CHOICES = (
        ("1", _("Level 1 (low)"), "success"),
        ("2", _("Level 2 (fairly low)"), "info"),
        ("3", _("Level 3 (fairly high)"), "warning"),
        ("4", _("Level 4 (high)"), "orange"),
        ("5", _("Level 5 (extreme)"), "danger"),
    )


class Phenology(ChoiceSet):
    DORMANT = "dormant"
    GREENING = "greening"
    GREEN = "green"
    WILTING = "wilting"
    SNOW = "snow"
    CHOICES = (
        (DORMANT, _("Dormant (dry)"), "warning"),
        (GREENING, _("Greening up"), "info"),
        (GREEN, _("Fully green"), "success"),
        (WILTING, _("Wilting"), "warning"),
        (SNOW, _("Snow cover"), "secondary"),
    )


class CheckpointKind(ChoiceSet):
    CHECKPOINT = "checkpoint"
    WATCHTOWER = "watchtower"
    GATE = "gate"
    CHOICES = (
        (CHECKPOINT, _("Fire checkpoint"), "primary"),
        (WATCHTOWER, _("Watchtower"), "info"),
        (GATE, _("Mountain entrance"), "secondary"),
    )


class PatrolFinding(ChoiceSet):
    NORMAL = "normal"
    FIRE_SOURCE = "fire_source"
    SMOKE = "smoke"
    CHOICES = (
        (NORMAL, _("Nothing found"), "success"),
        (FIRE_SOURCE, _("Field fire source found"), "warning"),
        (SMOKE, _("Smoke or fire seen"), "danger"),
    )


class PermitPurpose(ChoiceSet):
    BURNING_FIELD = "burning_field"
    STRAW = "straw"
    RITUAL = "ritual"
    CONSTRUCTION = "construction"
    OTHER = "other"
    CHOICES = (
        (BURNING_FIELD, _("Burning waste land"), "warning"),
        (STRAW, _("Burning straw"), "warning"),
        (RITUAL, _("Ritual fire (tomb-sweeping)"), "info"),
        (CONSTRUCTION, _("Construction or production fire"), "primary"),
        (OTHER, pgettext_lazy("purpose", "Other"), "secondary"),
    )


class PermitState(ChoiceSet):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    CHOICES = (
        (SUBMITTED, _("Awaiting approval"), "warning"),
        (APPROVED, pgettext_lazy("permit", "Approved"), "success"),
        (REJECTED, pgettext_lazy("permit", "Rejected"), "danger"),
        (CANCELLED, pgettext_lazy("permit", "Cancelled"), "secondary"),
        (COMPLETED, _("Fire used and put out"), "info"),
    )


class ViolationKind(ChoiceSet):
    SMOKING = "smoking"
    BURNING = "burning"
    RITUAL = "ritual"
    FIREWORKS = "fireworks"
    UNPERMITTED = "unpermitted"
    OTHER = "other"
    CHOICES = (
        (SMOKING, _("Smoking in the forest"), "warning"),
        (BURNING, _("Burning waste land or straw"), "danger"),
        (RITUAL, _("Burning paper at graves"), "warning"),
        (FIREWORKS, _("Fireworks"), "warning"),
        (UNPERMITTED, _("Fire use without a permit"), "danger"),
        (OTHER, pgettext_lazy("violation", "Other"), "secondary"),
    )


class FireState(ChoiceSet):
    """火情 states: 明火 → 扑灭 → 看守 → 撤离 (a rekindle goes back to 明火)."""

    NAME = "forest_fire_state"
    FIELDS = (("disasters.forestfire", "state"),)
    BURNING = "burning"
    EXTINGUISHED = "extinguished"
    GUARDED = "guarded"
    WITHDRAWN = "withdrawn"
    CHOICES = (
        (BURNING, _("Open fire"), "danger"),
        (EXTINGUISHED, _("Put out"), "warning"),
        (GUARDED, _("Under guard"), "info"),
        (WITHDRAWN, _("Forces withdrawn"), "success"),
    )
