"""The pre-flood-season checks (汛前大排查): a round the county headquarters calls each spring, and the checks
townships and member units record in it, place by place (dikes, reservoirs and ponds, culverts, flash-flood gullies,
geological hazard points, construction sites). A check that finds problems registers them as hazards of the place
(``prevention.Hazard`` with the place as subject), so they run the same closed loop and are chased to zero through
通报 and 督办单."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core import policy
from yingji.core.choices import Role
from yingji.core.models import CRUD, STAFF_ROLES, Scoped, region_code_validator

from ..flood_check_choices import CheckResult, RoundState

#: Every staff role sees the rounds and checks; the bureau's sections call rounds, townships record their checks.
ROUND_GRANTS = ({role: {"view"} for role in STAFF_ROLES}
                | {Role.ADMIN: CRUD, Role.SECTION_STAFF: {"view", "add", "change"}})
RECORD_GRANTS = ({role: {"view"} for role in STAFF_ROLES}
                 | {Role.ADMIN: CRUD, Role.SECTION_STAFF: {"view", "add", "change"},
                    Role.TOWNSHIP_STAFF: {"view", "add", "change"}, Role.INSPECTOR: {"view", "add"},
                    Role.GRID_MEMBER: {"view", "add"}})


class FloodCheckRound(Scoped):
    """A round of the pre-flood-season check called by the county (or a township for its own area)."""

    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    region_code = models.CharField(_("organised by (region code)"), max_length=12, db_index=True,
                                   validators=[region_code_validator])
    basis = models.CharField(_("basis document"), max_length=300, blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    #: Days a problem found in the round may stay open before the county presses it with a 督办单.
    rectify_days = models.PositiveSmallIntegerField(_("days allowed to rectify"), default=15)
    description = models.TextField(_("aims and requirements"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    GRANTS = ROUND_GRANTS

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("pre-flood check round")
        verbose_name_plural = _("pre-flood check rounds")

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q_for(cls, user) -> Q:
        """A round concerns everyone below its organiser: staff see rounds called at their place or above it (a
        township sees the county's round and its own), and rounds called inside their jurisdiction."""
        code = user.scope_region_code
        if user.enterprise_id or not code:
            return policy.NOTHING
        return Q(region_code__startswith=user.scope_prefix) | Q(region_code__in=policy.region_ancestors(code))

    @property
    def state(self) -> str:
        today = timezone.localdate()
        if today < self.starts_on:
            return RoundState.PLANNED
        return RoundState.RUNNING if today <= self.ends_on else RoundState.ENDED

    def clean(self) -> None:
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The round cannot end before it starts.")
        if self.starts_on and self.year and self.starts_on.year != self.year:
            errors["starts_on"] = _("The round starts in its own year.")
        if errors:
            raise ValidationError(errors)


class FloodCheckRecord(Scoped):
    """One place checked in a round: when, by whom, what was found. The problems found are hazards of the place."""

    round = models.ForeignKey(FloodCheckRound, verbose_name=_("check round"), on_delete=models.CASCADE,
                              related_name="records")
    place = models.ForeignKey("prevention.HazardPlace", verbose_name=_("place"), on_delete=models.PROTECT,
                              related_name="flood_checks")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    checked_on = models.DateField(_("checked on"), db_index=True)
    checked_by_unit = models.CharField(_("checking unit"), max_length=200)
    checkers = models.CharField(_("checked by"), max_length=200)
    result = models.CharField(_("result"), max_length=16, choices=CheckResult.choices(), db_index=True)
    note = models.TextField(_("what was checked"), blank=True)
    hazards = models.ManyToManyField("prevention.Hazard", verbose_name=_("hazards found"), blank=True,
                                     related_name="flood_checks")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    GRANTS = RECORD_GRANTS

    class Meta:
        ordering = ["-checked_on", "-id"]
        verbose_name = _("pre-flood check record")
        verbose_name_plural = _("pre-flood check records")
        constraints = [models.UniqueConstraint(fields=["round", "place", "checked_on"],
                                               name="flood_check_once_a_day")]

    def __str__(self) -> str:
        return f"{self.place} · {self.checked_on:%Y-%m-%d}"
