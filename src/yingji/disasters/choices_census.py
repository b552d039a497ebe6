"""Choice sets of the natural-disaster comprehensive risk census (第一次全国自然灾害综合风险普查) results."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import ChoiceSet


class BodyKind(ChoiceSet):
    """承灾体 surveyed by the census: houses, public buildings, schools, hospitals and key facilities."""

    HOUSE = "house"
    PUBLIC_BUILDING = "public_building"
    SCHOOL = "school"
    HOSPITAL = "hospital"
    KEY_FACILITY = "key_facility"
    CHOICES = (
        (HOUSE, _("Rural or urban house"), "secondary"),
        (PUBLIC_BUILDING, _("Public building"), "info"),
        (SCHOOL, _("School"), "primary"),
        (HOSPITAL, _("Hospital or clinic"), "danger"),
        (KEY_FACILITY, _("Key facility"), "warning"),
    )


class Structure(ChoiceSet):
    """Building structure as the census house survey records it (结构类型)."""

    REINFORCED_CONCRETE = "reinforced_concrete"
    BRICK_CONCRETE = "brick_concrete"
    MASONRY = "masonry"
    EARTH_WOOD = "earth_wood"
    STEEL = "steel"
    OTHER = "other"
    CHOICES = (
        (REINFORCED_CONCRETE, _("Reinforced concrete"), "success"),
        (BRICK_CONCRETE, _("Brick and concrete"), "info"),
        (MASONRY, _("Brick or stone masonry"), "warning"),
        (EARTH_WOOD, _("Earth and timber"), "danger"),
        (STEEL, _("Steel"), "success"),
        (OTHER, pgettext_lazy("structure", "Other"), "secondary"),
    )


class CensusHazard(ChoiceSet):
    """The hazards the census county survey covers here (致灾因子)."""

    FLOOD = "flood"
    GEOLOGICAL = "geological"
    FOREST_FIRE = "forest_fire"
    EARTHQUAKE = "earthquake"
    CHOICES = (
        (FLOOD, _("Flood"), "primary"),
        (GEOLOGICAL, _("Geological hazard"), "orange"),
        (FOREST_FIRE, _("Forest fire"), "danger"),
        (EARTHQUAKE, _("Earthquake"), "secondary"),
    )


class CensusRisk(ChoiceSet):
    """综合风险等级 of the census zoning: 高 / 较高 / 中 / 低 (Ⅰ–Ⅳ), coloured like the four-colour risk map."""

    NAME = "census_risk"

    HIGH = "high"
    MID_HIGH = "mid_high"
    MEDIUM = "medium"
    LOW = "low"
    CHOICES = (
        (HIGH, _("High risk (I)"), "red"),
        (MID_HIGH, _("Fairly high risk (II)"), "orange"),
        (MEDIUM, _("Medium risk (III)"), "yellow"),
        (LOW, _("Low risk (IV)"), "blue"),
    )
    #: The map's risk colour of each level (``yj-risk-<colour>``).
    MAP_COLOUR = {HIGH: "red", MID_HIGH: "orange", MEDIUM: "yellow", LOW: "blue"}


class CensusImportKind(ChoiceSet):
    """The three census tables the platform imports."""

    BODIES = "bodies"
    SOURCES = "sources"
    ZONES = "zones"
    CHOICES = (
        (BODIES, _("Hazard-bearing bodies"), "primary"),
        (SOURCES, _("Hazard sources"), "orange"),
        (ZONES, _("Risk zoning"), "danger"),
    )
