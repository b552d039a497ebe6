"""Campaigns (专项整治 and 安全生产大检查): scope, tasks to townships and departments, progress reports by deadline.

A task belongs to the place of its assignee (a township's code, or the department's), so a township's staff see
their own tasks and the campaigns they have a task in, and nothing of another township's. Services are the only
writers (``services.campaigns``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core import policy
from yingji.core.models import STAFF_ROLES, Scoped, region_code_validator

from ..choices import CampaignKind, TaskState
from .officers import SUPERVISORS


class Campaign(Scoped):
    """A 专项整治 or 安全生产大检查: its basis, period, the sectors and townships it covers and who leads it."""

    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=CampaignKind.choices(), db_index=True)
    basis = models.CharField(_("basis document"), max_length=300)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    #: Sector keys (``CampaignSector``); empty: every enterprise.
    industries = models.JSONField(_("sectors"), default=list, blank=True)
    #: Township codes (9 digits); empty: the whole county.
    townships = models.JSONField(_("townships"), default=list, blank=True)
    lead_org = models.ForeignKey("core.Organisation", verbose_name=_("lead unit"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(_("organised by (region code)"), max_length=12, db_index=True,
                                   validators=[region_code_validator])
    description = models.TextField(_("aims and requirements"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    GRANTS = ({role: {"view"} for role in STAFF_ROLES} | {r: {"view", "add", "change"} for r in SUPERVISORS})

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q_for(cls, user) -> Q:
        """Staff of the organising place see the campaign; a township's staff see it when it has a task there."""
        if user.enterprise_id or not user.scope_region_code:
            return policy.NOTHING
        code = user.scope_prefix
        return Q(region_code__startswith=code) | Q(
            pk__in=CampaignTask.objects.filter(region_code__startswith=code).values("campaign_id"))


class CampaignTask(Scoped):
    """A campaign's task for one township (its 9-digit code) or one department (an organisation), with the
    deadlines by which it reports progress. ``due_on`` is the first deadline not yet answered by a report (None
    when all are in); the overdue job marks the task overdue once it has passed."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 related_name="tasks")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    organisation = models.ForeignKey("core.Organisation", verbose_name=_("department"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    content = models.TextField(_("task"))
    #: Report deadlines, ISO dates ascending.
    deadlines = models.JSONField(_("report deadlines"), default=list)
    due_on = models.DateField(_("next report due"), null=True, blank=True, db_index=True)
    state = models.CharField(_("state"), max_length=16, choices=TaskState.choices(), default=TaskState.OPEN,
                             db_index=True)
    overdue_since = models.DateField(_("overdue since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    GRANTS = ({role: {"view"} for role in STAFF_ROLES} | {r: {"view", "add", "change"} for r in SUPERVISORS})

    class Meta:
        ordering = ["campaign", "region_code", "id"]
        verbose_name = _("campaign task")
        verbose_name_plural = _("campaign tasks")
        indexes = [models.Index(fields=["state", "due_on"], name="campaign_task_due_idx")]

    def __str__(self) -> str:
        return f"{self.campaign} / {self.assignee_name}"

    @property
    def assignee_name(self) -> str:
        if self.organisation_id:
            return str(self.organisation)
        return self.region_name


class CampaignReport(Scoped):
    """A progress report on a task for one deadline: enterprises checked, hazards found and rectified, major
    hazards, and what was done. ``late`` when it came in after its deadline."""

    task = models.ForeignKey(CampaignTask, verbose_name=_("task"), on_delete=models.CASCADE,
                             related_name="reports")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    due_on = models.DateField(_("deadline"))
    period = models.CharField(_("period"), max_length=50)
    enterprises_checked = models.PositiveIntegerField(_("enterprises checked"))
    hazards_found = models.PositiveIntegerField(_("hazards found"))
    hazards_rectified = models.PositiveIntegerField(_("hazards rectified"))
    major_hazards = models.PositiveIntegerField(_("major hazards"))
    text = models.TextField(_("progress"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    late = models.BooleanField(_("late"), default=False)

    #: Who may report on which task is decided per task (``services.campaigns.may_report``).
    GRANTS = {role: {"view", "add", "attach"} for role in STAFF_ROLES}

    class Meta:
        ordering = ["task", "due_on"]
        verbose_name = _("campaign report")
        verbose_name_plural = _("campaign reports")
        constraints = [models.UniqueConstraint(fields=["task", "due_on"], name="campaign_report_unique")]

    def __str__(self) -> str:
        return f"{self.task} {self.period}"
