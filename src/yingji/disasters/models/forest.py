"""Forest fire prevention (森林防灭火): forest areas with their responsible unit and today's fire-danger level
(森林火险等级, ``standards.forest_fire``), checkpoints and watchtowers, 护林员 patrol check-ins with their location,
field fire-use permits (野外用火审批) and violations, and fire reports (火情) followed 明火 → 扑灭 → 看守 → 撤离 with
their own timeline."""

from __future__ import annotations

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

from ..choices_forest import (
    CheckpointKind,
    FireDangerLevel,
    FireState,
    PatrolFinding,
    PermitPurpose,
    PermitState,
    ViolationKind,
)
from .zones import ZONE_GRANTS

#: Sections and townships keep forest records; duty officers and commanders follow fires.
FOREST_GRANTS = ZONE_GRANTS
#: Rangers (village grid members) check in and report what they find.
PATROL_GRANTS = ZONE_GRANTS | {Role.GRID_MEMBER: {"view", "add"}}
FIRE_GRANTS = ZONE_GRANTS | {Role.COMMANDER: {"view", "view_pii", "operate"},
                             Role.DUTY_OFFICER: {"view", "add", "change", "view_pii", "operate"}}


def _lat():
    return models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                               validators=[MinValueValidator(-90), MaxValueValidator(90)])


def _lon():
    return models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                               validators=[MinValueValidator(-180), MaxValueValidator(180)])


def _region(editable: bool = True):
    return models.CharField(_("region code"), max_length=12, db_index=True, editable=editable,
                            validators=[region_code_validator])


def _both_or_neither(obj, errors: dict) -> None:
    if (obj.lat is None) != (obj.lon is None):
        errors["lat"] = _("Give both latitude and longitude, or neither.")


class ForestArea(Scoped):
    """A forest area (林区) of a township or village with its responsible unit and person."""

    name = models.CharField(pgettext_lazy("forest", "name"), max_length=200)
    region_code = _region()
    area_ha = models.DecimalField(_("area (ha)"), max_digits=10, decimal_places=2,
                                  validators=[MinValueValidator(0)])
    forest_type = models.CharField(_("forest type"), max_length=100, blank=True)
    lat = _lat()
    lon = _lon()
    geometry = models.JSONField(_("geometry (GeoJSON)"), null=True, blank=True)
    responsible_unit = models.CharField(_("responsible unit"), max_length=200)
    responsible_name = models.CharField(_("responsible person"), max_length=50)
    responsible_phone = models.CharField(_("responsible person's phone"), max_length=32, blank=True,
                                         validators=[phone_validator])
    danger_level = models.CharField(_("fire-danger level"), max_length=1, choices=FireDangerLevel.choices(),
                                    default="1", editable=False)
    danger_index = models.PositiveSmallIntegerField(_("fire-weather index"), null=True, blank=True, editable=False)
    danger_reasons = models.CharField(_("raised because"), max_length=200, blank=True, editable=False)
    danger_at = models.DateTimeField(_("level computed"), null=True, blank=True, editable=False)

    GRANTS = FOREST_GRANTS

    class Meta:
        ordering = ["region_code", "name"]
        verbose_name = _("forest area")
        verbose_name_plural = _("forest areas")

    def __str__(self) -> str:
        return self.name

    @property
    def responsible_phone_masked(self) -> str:
        return mask_phone(self.responsible_phone)

    def clean(self) -> None:
        errors: dict = {}
        if self.region_code and len(self.region_code) not in (9, 12):
            errors["region_code"] = _("A forest area lies in a township or a village.")
        _both_or_neither(self, errors)
        if self.geometry is not None and (not isinstance(self.geometry, dict)
                                          or self.geometry.get("type") not in ("Polygon", "MultiPolygon")):
            errors["geometry"] = _("Give a GeoJSON Polygon or MultiPolygon.")
        if errors:
            raise ValidationError(errors)


class ForestCheckpoint(Scoped):
    """A fire checkpoint, watchtower or mountain entrance (检查站/瞭望塔/进山卡口) of a forest area."""

    area = models.ForeignKey(ForestArea, verbose_name=_("forest area"), on_delete=models.CASCADE,
                             related_name="checkpoints")
    region_code = _region(editable=False)
    name = models.CharField(pgettext_lazy("checkpoint", "name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=CheckpointKind.choices())
    lat = _lat()
    lon = _lon()
    staffed_by = models.CharField(_("staffed by"), max_length=200, blank=True)

    GRANTS = FOREST_GRANTS

    class Meta:
        ordering = ["area", "name"]
        verbose_name = _("forest checkpoint")
        verbose_name_plural = _("forest checkpoints")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict = {}
        _both_or_neither(self, errors)
        if errors:
            raise ValidationError(errors)


class ForestPatrol(Scoped):
    """A ranger's (护林员) check-in on patrol: where and when, and what was found. ``client_id`` makes a check-in
    sent twice from the phone's offline queue count once."""

    area = models.ForeignKey(ForestArea, verbose_name=_("forest area"), on_delete=models.CASCADE,
                             related_name="patrols")
    checkpoint = models.ForeignKey(ForestCheckpoint, verbose_name=_("checkpoint"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="patrols")
    region_code = _region(editable=False)
    ranger = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", editable=False)
    ranger_name = models.CharField(_("ranger"), max_length=50)
    checked_at = models.DateTimeField(_("checked in"), default=timezone.now)
    lat = _lat()
    lon = _lon()
    finding = models.CharField(_("finding"), max_length=16, choices=PatrolFinding.choices(),
                               default=PatrolFinding.NORMAL)
    note = models.CharField(_("note"), max_length=500, blank=True)
    client_id = models.CharField(_("client id"), max_length=64, null=True, blank=True, unique=True, editable=False)

    GRANTS = PATROL_GRANTS

    class Meta:
        ordering = ["-checked_at", "-id"]
        # The list's order (newest first): a page reads its rows in order instead of sorting them all.
        indexes = [models.Index(fields=["-checked_at", "-id"], name="dis_forestpatrol_checked_idx")]
        verbose_name = _("ranger check-in")
        verbose_name_plural = _("ranger check-ins")

    def __str__(self) -> str:
        return f"{self.ranger_name} · {self.area}"

    def clean(self) -> None:
        errors: dict = {}
        if self.lat is None or self.lon is None:
            errors["lat"] = _("A check-in records where the ranger is: give latitude and longitude.")
        if self.checked_at and self.checked_at > timezone.now() + timezone.timedelta(minutes=5):
            errors["checked_at"] = _("A check-in cannot lie in the future.")
        if errors:
            raise ValidationError(errors)


class FirePermit(Scoped, Versioned):
    """An application to use fire in the field (野外用火审批): applicant, purpose, place and time, safety measures;
    approved or rejected by the township or the forestry section."""

    region_code = _region()
    area = models.ForeignKey(ForestArea, verbose_name=_("forest area"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="permits")
    applicant_name = models.CharField(_("applicant"), max_length=50)
    applicant_phone = models.CharField(_("applicant's phone"), max_length=32, validators=[phone_validator])
    purpose = models.CharField(_("purpose"), max_length=16, choices=PermitPurpose.choices())
    place = models.CharField(_("place"), max_length=200)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    safety_measures = models.TextField(_("safety measures"))
    guards = models.PositiveSmallIntegerField(_("people on guard"), default=0,
                                              validators=[MaxValueValidator(500)])
    state = models.CharField(_("state"), max_length=16, choices=PermitState.choices(),
                             default=PermitState.SUBMITTED, editable=False, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, editable=False)

    GRANTS = FOREST_GRANTS | {Role.GRID_MEMBER: {"view", "add"}}

    class Meta:
        ordering = ["-submitted_at", "-id"]
        # The list's order (newest first): a page reads its rows in order instead of sorting them all.
        indexes = [models.Index(fields=["-submitted_at", "-id"], name="dis_permit_submitted_idx")]
        verbose_name = _("field fire permit")
        verbose_name_plural = _("field fire permits")

    def __str__(self) -> str:
        return f"{self.applicant_name} · {self.place}"

    @property
    def applicant_phone_masked(self) -> str:
        return mask_phone(self.applicant_phone)

    def clean(self) -> None:
        errors: dict = {}
        if self.region_code and len(self.region_code) != 12:
            errors["region_code"] = _("Fire is used in one village: give its 12-digit code.")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must come after the start.")
        if self.guards is not None and self.guards < 1:
            errors["guards"] = _("Someone must guard the fire.")
        if errors:
            raise ValidationError(errors)


class FireViolation(Scoped):
    """A field fire-source violation (违规野外用火) found on patrol or reported, and how it was handled."""

    region_code = _region()
    area = models.ForeignKey(ForestArea, verbose_name=_("forest area"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="violations")
    kind = models.CharField(_("kind"), max_length=16, choices=ViolationKind.choices())
    occurred_at = models.DateTimeField(_("found at"))
    place = models.CharField(_("place"), max_length=200)
    offender_name = models.CharField(_("offender"), max_length=50, blank=True)
    description = models.TextField(_("description"), blank=True)
    handling = models.CharField(_("handling"), max_length=500, blank=True)
    fine_yuan = models.DecimalField(_("fine (yuan)"), max_digits=10, decimal_places=2, default=0,
                                    validators=[MinValueValidator(0)])
    patrol = models.ForeignKey(ForestPatrol, verbose_name=_("found on check-in"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="violations")

    GRANTS = FOREST_GRANTS | {Role.GRID_MEMBER: {"view", "add"}}

    class Meta:
        ordering = ["-occurred_at", "-id"]
        # The list's order (newest first): a page reads its rows in order instead of sorting them all.
        indexes = [models.Index(fields=["-occurred_at", "-id"], name="dis_violation_occurred_idx")]
        verbose_name = _("fire-source violation")
        verbose_name_plural = _("fire-source violations")

    def __str__(self) -> str:
        return f"{self.place} · {ViolationKind.label(self.kind)}"


class ForestFire(Scoped, Versioned):
    """A fire report (火情): where, what burned, the forces sent; 明火 → 扑灭 → 看守 → 撤离."""

    region_code = _region()
    area = models.ForeignKey(ForestArea, verbose_name=_("forest area"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="fires")
    place = models.CharField(_("place"), max_length=200)
    lat = _lat()
    lon = _lon()
    discovered_at = models.DateTimeField(_("discovered"))
    reported_by = models.CharField(_("reported by"), max_length=100, blank=True)
    cause = models.CharField(_("cause"), max_length=200, blank=True)
    area_burned_ha = models.DecimalField(_("area burned (ha)"), max_digits=10, decimal_places=2, default=0,
                                         validators=[MinValueValidator(0)])
    forest_damaged_ha = models.DecimalField(_("forest damaged (ha)"), max_digits=10, decimal_places=2, default=0,
                                            validators=[MinValueValidator(0)])
    teams = models.ManyToManyField("resources.Team", verbose_name=_("teams sent"), blank=True, related_name="+")
    people_sent = models.PositiveIntegerField(_("people sent"), default=0)
    forces_note = models.CharField(_("other forces"), max_length=500, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=FireState.choices(), default=FireState.BURNING,
                             editable=False, db_index=True)
    extinguished_at = models.DateTimeField(_("put out"), null=True, blank=True, editable=False)
    guarded_at = models.DateTimeField(_("guard started"), null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True, editable=False)

    GRANTS = FIRE_GRANTS

    class Meta:
        ordering = ["-discovered_at", "-id"]
        verbose_name = _("forest fire report")
        verbose_name_plural = _("forest fire reports")

    def __str__(self) -> str:
        return self.place

    def clean(self) -> None:
        errors: dict = {}
        _both_or_neither(self, errors)
        if self.discovered_at and self.discovered_at > timezone.now() + timezone.timedelta(minutes=5):
            errors["discovered_at"] = _("A fire cannot be discovered in the future.")
        if self.forest_damaged_ha is not None and self.area_burned_ha is not None \
                and self.forest_damaged_ha > self.area_burned_ha:
            errors["forest_damaged_ha"] = _("The forest damaged cannot exceed the area burned.")
        if errors:
            raise ValidationError(errors)


class ForestFireEvent(models.Model):
    """One line of a fire's timeline: a state change (with its note) or a progress note."""

    fire = models.ForeignKey(ForestFire, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    action = models.CharField(max_length=32)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.fire_id} {self.action}"
