"""Results of the first national natural-disaster comprehensive risk census (第一次全国自然灾害综合风险普查) that
the platform puts to use: the hazard-bearing bodies (承灾体: houses, public buildings, schools, hospitals, key
facilities), the hazard sources by disaster kind (致灾因子: flood, geological, forest fire, earthquake) and the risk
zoning (综合风险区划) by township or village. Each record keeps its census id (普查编号), the key of every
re-import; bodies inside a danger zone or threatened by a geohazard point are linked to it, so the zone's transfer
plan knows its schools, hospitals and weak houses."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import Role
from yingji.core.models import CRUD, STAFF_ROLES, Scoped, region_code_validator

from ..choices_census import BodyKind, CensusHazard, CensusRisk, Structure

#: Every staff role reads the census results; the bureau's sections keep them, townships keep their own.
CENSUS_GRANTS = ({role: {"view"} for role in STAFF_ROLES}
                 | {Role.ADMIN: CRUD, Role.SECTION_STAFF: {"view", "add", "change"},
                    Role.TOWNSHIP_STAFF: {"view", "add", "change"}})


def _census_id():
    return models.CharField(_("census id"), max_length=40, unique=True,
                            help_text=_("The record's number in the census results; a re-import updates the record "
                                        "with the same number."))


def _lat():
    return models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                               validators=[MinValueValidator(-90), MaxValueValidator(90)])


def _lon():
    return models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                               validators=[MinValueValidator(-180), MaxValueValidator(180)])


class _CensusRecord(Scoped):
    census_id = _census_id()
    region_code = models.CharField(_("township or village (region code)"), max_length=12, db_index=True,
                                   validators=[region_code_validator])
    risk_level = models.CharField(_("risk level"), max_length=10, choices=CensusRisk.choices(), blank=True,
                                  db_index=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    GRANTS = CENSUS_GRANTS

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.region_code and len(self.region_code) not in (9, 12):
            errors["region_code"] = _("Give the 9-digit township or 12-digit village code.")
        if (getattr(self, "lat", None) is None) != (getattr(self, "lon", None) is None):
            errors["lat"] = _("Give both latitude and longitude, or neither.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.updated_at = timezone.now()
        super().save(*args, **kwargs)


class CensusBody(_CensusRecord):
    """A hazard-bearing body (承灾体) of the census: what it is, how it is built, where it stands, who is in it,
    which hazards threaten it."""

    kind = models.CharField(_("kind"), max_length=16, choices=BodyKind.choices(), db_index=True)
    name = models.CharField(pgettext_lazy("census body", "name"), max_length=200)
    structure = models.CharField(_("structure"), max_length=24, choices=Structure.choices(), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = _lat()
    lon = _lon()
    floors = models.PositiveSmallIntegerField(_("storeys"), null=True, blank=True,
                                              validators=[MinValueValidator(1), MaxValueValidator(200)])
    built_year = models.PositiveSmallIntegerField(_("year built"), null=True, blank=True,
                                                  validators=[MinValueValidator(1800), MaxValueValidator(2100)])
    floor_area_m2 = models.DecimalField(_("floor area (m²)"), max_digits=10, decimal_places=1, null=True,
                                        blank=True, validators=[MinValueValidator(0)])
    occupants = models.PositiveIntegerField(_("people in it"), default=0,
                                            validators=[MaxValueValidator(1_000_000)])
    seismic_fortified = models.BooleanField(_("seismically fortified"), default=False)
    hazards = models.JSONField(_("hazards exposed to"), default=list, blank=True)
    danger_zone = models.ForeignKey("disasters.DangerZone", verbose_name=_("danger zone"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="census_bodies")
    geohazard_point = models.ForeignKey("disasters.GeoHazardPoint", verbose_name=_("geological hazard point"),
                                        null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="census_bodies")

    class Meta:
        ordering = ["region_code", "kind", "census_id"]
        verbose_name = _("hazard-bearing body")
        verbose_name_plural = _("hazard-bearing bodies")

    def clean(self) -> None:
        super().clean()
        if not isinstance(self.hazards, list) or any(h not in CensusHazard.values() for h in self.hazards):
            raise ValidationError({"hazards": _("Choose hazards of the census.")})
        for link in (self.danger_zone, self.geohazard_point):
            if link is not None and self.region_code and link.region_code != self.region_code \
                    and not link.region_code.startswith(self.region_code):
                raise ValidationError({"region_code": _("The body lies in another village than the zone or "
                                                        "point it is linked to.")})


class HazardSource(_CensusRecord):
    """A hazard source of the census (致灾因子调查): a flood-prone river reach, a geological hazard, a forest
    stand of high fire danger, an active fault; the geological ones are the county's hazard points."""

    hazard = models.CharField(_("disaster kind"), max_length=16, choices=CensusHazard.choices(), db_index=True)
    name = models.CharField(pgettext_lazy("hazard source", "name"), max_length=200)
    lat = _lat()
    lon = _lon()
    description = models.TextField(_("description"), blank=True)
    geohazard_point = models.ForeignKey("disasters.GeoHazardPoint", verbose_name=_("geological hazard point"),
                                        null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["region_code", "hazard", "census_id"]
        verbose_name = _("hazard source")
        verbose_name_plural = _("hazard sources")

    def clean(self) -> None:
        super().clean()
        if self.geohazard_point_id and self.hazard != CensusHazard.GEOLOGICAL:
            raise ValidationError({"geohazard_point": _("Only a geological hazard source is a hazard point.")})


class RiskZone(_CensusRecord):
    """A unit of the census risk zoning (风险区划): one township or village's risk level for one disaster kind
    (or all of them together: 综合)."""

    hazard = models.CharField(_("disaster kind"), max_length=16, choices=CensusHazard.choices(), blank=True,
                              db_index=True, help_text=_("Empty for the comprehensive risk of all kinds."))
    name = models.CharField(pgettext_lazy("risk zone", "name"), max_length=200)
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=10, decimal_places=2, null=True, blank=True,
                                   validators=[MinValueValidator(0)])
    population = models.PositiveIntegerField(_("population"), default=0)
    geometry = models.JSONField(_("geometry (GeoJSON)"), null=True, blank=True)

    class Meta:
        ordering = ["region_code", "hazard", "census_id"]
        verbose_name = _("risk zone")
        verbose_name_plural = _("risk zones")
        constraints = [models.CheckConstraint(condition=~models.Q(risk_level=""), name="risk_zone_has_level")]
