"""The annual inspection plan (年度监督检查计划) and the supervision class (分类分级) it is built from.

An enterprise's class for a year is computed by ``standards.supervision_class`` and stored with its reason and the
inputs read; section staff may override it with a written reason (audited). A plan covers the county or one
township for a year; each enterprise in it has an item with its class, its 重点检查 and 双随机 visits and the months
they are planned in. Services are the only writers (``services.plans``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core import policy
from yingji.core.models import STAFF_ROLES, Scoped, region_code_validator
from yingji.core.workflow import Versioned

from ..choices import PlanState, SupervisionClassChoice
from .officers import SUPERVISORS


class SupervisionClass(Scoped):
    """An enterprise's supervision class for one year (分类分级监管): computed, overridable with a reason."""

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"),
                                   on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    computed_class = models.CharField(_("computed class"), max_length=1, choices=SupervisionClassChoice.choices())
    computed_reason = models.TextField(_("reason for the computed class"))
    #: What the grading read: {"risk_colour", "major_hazard_level", "sectors", "accidents", "major_hazards",
    #: "penalties"}.
    inputs = models.JSONField(_("inputs"), default=dict)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)
    override_class = models.CharField(_("class set by staff"), max_length=1, blank=True,
                                      choices=SupervisionClassChoice.choices())
    override_reason = models.TextField(_("reason for the change"), blank=True)
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True,
                                      blank=True, on_delete=models.SET_NULL, related_name="+")
    overridden_at = models.DateTimeField(_("changed"), null=True, blank=True)

    GRANTS = ({role: {"view"} for role in STAFF_ROLES} | {r: {"view", "change"} for r in SUPERVISORS})

    class Meta:
        ordering = ["-year", "computed_class", "enterprise_id"]
        verbose_name = _("supervision class")
        verbose_name_plural = _("supervision classes")
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="supervision_class_unique")]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.year} · {SupervisionClassChoice.label(self.supervision_class)}"

    @property
    def supervision_class(self) -> str:
        return self.override_class or self.computed_class

    @property
    def reason(self) -> str:
        return self.override_reason if self.override_class else self.computed_reason

    @property
    def overridden(self) -> bool:
        return bool(self.override_class)


class AnnualInspectionPlan(Scoped, Versioned):
    """年度监督检查计划 of the county or a township: draft → approved → published (``services.plans``)."""

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    region_code = models.CharField(_("covers (region code)"), max_length=12, db_index=True,
                                   validators=[region_code_validator])
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    state = models.CharField(_("state"), max_length=16, choices=PlanState.choices(), default=PlanState.DRAFT,
                             db_index=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("drawn up by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    GRANTS = ({role: {"view"} for role in STAFF_ROLES} | {r: {"view", "add", "change"} for r in SUPERVISORS})

    class Meta:
        ordering = ["-year", "region_code"]
        verbose_name = _("annual inspection plan")
        verbose_name_plural = _("annual inspection plans")
        constraints = [models.UniqueConstraint(fields=["year", "region_code"], name="inspection_plan_unique")]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q_for(cls, user) -> Q:
        """A plan is seen by the staff of the place it covers and of every place inside it (a township's staff
        see the county's plan, and only their own items in it)."""
        if user.enterprise_id or not user.scope_region_code:
            return policy.NOTHING
        code = user.scope_region_code
        return Q(region_code__startswith=user.scope_prefix) | Q(region_code__in=policy.region_ancestors(code))


class PlanItem(Scoped):
    """One enterprise in a plan: its class and visits, and the months they are planned in."""

    plan = models.ForeignKey(AnnualInspectionPlan, on_delete=models.CASCADE, related_name="items")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"),
                                   on_delete=models.CASCADE, related_name="+")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    #: The township responsible (属地), the enterprise's 9-digit code.
    township_code = models.CharField(_("responsible township"), max_length=9, db_index=True)
    supervision_class = models.CharField(_("supervision class"), max_length=1,
                                         choices=SupervisionClassChoice.choices(), db_index=True)
    key_visits = models.PositiveSmallIntegerField(_("key inspections"))
    random_visits = models.PositiveSmallIntegerField(_("random inspections"))
    #: Planned months (1-12) of the 重点检查 visits and of the 双随机 visits, sorted.
    key_months = models.JSONField(_("months of key inspections"), default=list)
    random_months = models.JSONField(_("months of random inspections"), default=list)

    GRANTS = {role: {"view"} for role in STAFF_ROLES}

    class Meta:
        ordering = ["plan", "supervision_class", "enterprise_id"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        constraints = [models.UniqueConstraint(fields=["plan", "enterprise"], name="plan_item_unique")]

    def __str__(self) -> str:
        return f"{self.plan} / {self.enterprise}"

    @property
    def visits(self) -> int:
        return self.key_visits + self.random_visits

    @property
    def months(self) -> list[int]:
        return sorted([*self.key_months, *self.random_months])
