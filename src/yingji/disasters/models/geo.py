"""Geological hazard points (地质灾害隐患点) with the people and property they threaten, their 群测群防员 and the
monitoring stations watching them, the patrol records of the monitor, the point's state (在册 → 核销); and
earthquake intensity reports (烈度速报) that open or feed a natural-disaster incident."""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import Role
from yingji.core.models import Scoped, phone_validator, region_code_validator
from yingji.core.policy import mask_phone
from yingji.core.workflow import Versioned
from yingji.standards import geohazards as geo_rules

from ..choices_geo import GeoHazardKind, GeoPatrolFinding, GeoPointState, GeoScale, WriteOffReason
from .zones import ZONE_GRANTS

GEO_GRANTS = ZONE_GRANTS
#: 群测群防员 are village grid members: they record patrols of their village's points.
GEO_PATROL_GRANTS = ZONE_GRANTS | {Role.GRID_MEMBER: {"view", "add"}}
QUAKE_GRANTS = ZONE_GRANTS | {Role.DUTY_OFFICER: {"view", "add", "change", "view_pii", "operate"}}


class GeoHazardPoint(Scoped, Versioned):
    """A geological hazard point on the county register."""

    code = models.CharField(_("register number"), max_length=32, unique=True)
    name = models.CharField(pgettext_lazy("hazard point", "name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=GeoHazardKind.choices(), db_index=True)
    scale = models.CharField(_("scale"), max_length=8, choices=GeoScale.choices())
    region_code = models.CharField(_("village (region code)"), max_length=12, db_index=True,
                                   validators=[region_code_validator])
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6,
                              validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6,
                              validators=[MinValueValidator(-180), MaxValueValidator(180)])
    volume_m3 = models.PositiveIntegerField(_("volume (m³)"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households threatened"), default=0)
    people = models.PositiveIntegerField(_("people threatened"), default=0)
    property_wan = models.DecimalField(_("property threatened (10,000 yuan)"), max_digits=12, decimal_places=2,
                                       default=0, validators=[MinValueValidator(0)])
    threat_grade = models.CharField(_("danger grade"), max_length=8, choices=GeoScale.choices(), editable=False,
                                    default=GeoScale.SMALL)
    monitor_name = models.CharField(_("group monitor"), max_length=50)
    monitor_phone = models.CharField(_("monitor's phone"), max_length=32, validators=[phone_validator])
    stations = models.ManyToManyField("monitoring.Station", verbose_name=_("monitoring stations"), blank=True,
                                      related_name="+")
    measures = models.TextField(_("prevention measures"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=GeoPointState.choices(),
                             default=GeoPointState.ACTIVE, editable=False, db_index=True)
    write_off_reason = models.CharField(_("write-off reason"), max_length=16, choices=WriteOffReason.choices(),
                                        blank=True, editable=False)
    written_off_at = models.DateTimeField(_("written off"), null=True, blank=True, editable=False)

    GRANTS = GEO_GRANTS

    class Meta:
        ordering = ["region_code", "code"]
        verbose_name = _("geological hazard point")
        verbose_name_plural = _("geological hazard points")

    def __str__(self) -> str:
        return self.name

    @property
    def monitor_phone_masked(self) -> str:
        return mask_phone(self.monitor_phone)

    def save(self, *args, **kwargs):
        # 险情等级 follows the people and property threatened (standards.geohazards); bad figures are the
        # validators' to report, so they leave the grade as it was.
        with contextlib.suppress(ValueError):
            self.threat_grade = geo_rules.threat_grade(self.people or 0, self.property_wan or 0)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors: dict = {}
        if self.region_code and len(self.region_code) != 12:
            errors["region_code"] = _("A hazard point lies in one village: give its 12-digit code.")
        if self.households and self.people is not None and self.households > self.people:
            errors["households"] = _("More households than people threatened.")
        if errors:
            raise ValidationError(errors)


class GeoPatrol(Scoped):
    """A patrol of a hazard point by its monitor (汛期 daily, after heavy rain at once)."""

    point = models.ForeignKey(GeoHazardPoint, verbose_name=_("hazard point"), on_delete=models.CASCADE,
                              related_name="patrols")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    patrolled_at = models.DateTimeField(_("patrolled"), default=timezone.now)
    patroller_name = models.CharField(_("patroller"), max_length=50)
    patroller = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", editable=False)
    finding = models.CharField(_("finding"), max_length=16, choices=GeoPatrolFinding.choices(),
                               default=GeoPatrolFinding.NORMAL)
    crack_mm = models.DecimalField(_("crack width (mm)"), max_digits=8, decimal_places=1, null=True, blank=True,
                                   validators=[MinValueValidator(0)])
    rain_mm = models.DecimalField(_("rain in the last 24 h (mm)"), max_digits=6, decimal_places=1, null=True,
                                  blank=True, validators=[MinValueValidator(0)])
    note = models.CharField(_("note"), max_length=500, blank=True)

    GRANTS = GEO_PATROL_GRANTS

    class Meta:
        ordering = ["-patrolled_at", "-id"]
        # The list's order (newest first): a page reads its rows in order instead of sorting them all.
        indexes = [models.Index(fields=["-patrolled_at", "-id"], name="dis_geopatrol_patrolled_idx")]
        verbose_name = _("hazard point patrol")
        verbose_name_plural = _("hazard point patrols")

    def __str__(self) -> str:
        return f"{self.point} · {self.patroller_name}"

    def clean(self) -> None:
        if self.patrolled_at and self.patrolled_at > timezone.now() + timezone.timedelta(minutes=5):
            raise ValidationError({"patrolled_at": _("A patrol cannot lie in the future.")})


class EarthquakeReport(Scoped):
    """An earthquake intensity report (地震烈度速报): the quick report's magnitude, epicentre and depth, and the
    intensity felt in each township; opens (or feeds) a natural-disaster incident."""

    region_code = models.CharField(_("region code"), max_length=12, db_index=True,
                                   validators=[region_code_validator])
    occurred_at = models.DateTimeField(_("origin time"))
    magnitude = models.DecimalField(_("magnitude"), max_digits=3, decimal_places=1,
                                    validators=[MinValueValidator(0), MaxValueValidator(10)])
    epicentre = models.CharField(_("epicentre"), max_length=200)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6,
                              validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6,
                              validators=[MinValueValidator(-180), MaxValueValidator(180)])
    depth_km = models.DecimalField(_("depth (km)"), max_digits=5, decimal_places=1,
                                   validators=[MinValueValidator(0), MaxValueValidator(700)])
    source = models.CharField(_("source"), max_length=100, default="中国地震台网速报")
    #: [{"region_code": township code, "intensity": 1–12}, ...]
    intensities = models.JSONField(_("intensity by township"), default=list, blank=True)
    max_intensity = models.PositiveSmallIntegerField(_("highest intensity"), null=True, blank=True, editable=False)
    incident = models.ForeignKey("incidents.Incident", verbose_name=_("incident"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+", editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    GRANTS = QUAKE_GRANTS

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("earthquake intensity report")
        verbose_name_plural = _("earthquake intensity reports")

    def __str__(self) -> str:
        return f"M{self.magnitude} {self.epicentre}"
