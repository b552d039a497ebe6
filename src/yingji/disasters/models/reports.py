"""Disaster reporting (灾情统计报送, 自然灾害情况统计调查制度): a disaster event, its 初报/续报/核报 from villages,
townships and the county with the 快报表 indicators, the casualty list (因灾死亡失踪人口一览表), and the county relief
plan's response thresholds (editable data)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import Role
from yingji.core.models import PII_ROLES, STAFF_ROLES, Scoped, region_code_validator
from yingji.core.workflow import Versioned

from ..choices_reports import CasualtyKind, HazardKind, PlanIndicator, ReliefLevel, ReportStage, ReportState

#: Roles that file disaster reports for their own area (村灾害信息员 accounts are grid members).
REPORTER_ROLES = {Role.ADMIN, Role.DUTY_OFFICER, Role.SECTION_STAFF, Role.TOWNSHIP_STAFF, Role.GRID_MEMBER}
#: Roles that open and close disaster events and edit the relief plan's thresholds.
BUREAU_ROLES = {Role.ADMIN, Role.DUTY_OFFICER, Role.SECTION_STAFF}


class DisasterEvent(Scoped, Versioned):
    """A natural disaster (灾害过程) being counted: linked to its incident, open until the disaster is stable."""

    region_code = models.CharField(_("region code"), max_length=12, db_index=True, validators=[region_code_validator])
    incident = models.ForeignKey("incidents.Incident", verbose_name=_("incident"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="disaster_events")
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    hazard = models.CharField(_("disaster type"), max_length=48, choices=HazardKind.choices(), default="flood")
    started_at = models.DateTimeField(_("disaster began"), db_index=True)
    ended_at = models.DateTimeField(_("disaster stable"), null=True, blank=True)
    #: 重大灾害: the daily 9:00 follow-up (24小时零报告) applies.
    major = models.BooleanField(_("major disaster (daily follow-up)"), default=False)
    relief_level = models.CharField(_("relief response level"), max_length=4, choices=ReliefLevel.choices(),
                                    blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    GRANTS = {role: {"view"} | ({"add", "change"} if role in BUREAU_ROLES else set()) for role in STAFF_ROLES}

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("disaster event")
        verbose_name_plural = _("disaster events")

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q_for(cls, user) -> Q:
        """Staff see the events of their area and those covering it (a village's reporter sees the county's flood
        it reports for); what each area reported stays scoped on the reports."""
        from yingji.core import policy

        if user.enterprise_id or not user.scope_region_code:
            return policy.NOTHING
        code = user.scope_region_code
        return Q(region_code__startswith=user.scope_prefix) | Q(region_code__in=policy.region_ancestors(code))


class DisasterReport(Scoped):
    """One report of a region (village 12 / township 9 / county 6 digits) for an event at one stage. A draft may be
    edited; a submitted report is final and the next one supersedes it."""

    event = models.ForeignKey(DisasterEvent, verbose_name=_("disaster event"), on_delete=models.CASCADE,
                              related_name="reports")
    region_code = models.CharField(_("reporting area"), max_length=12, db_index=True,
                                   validators=[region_code_validator])
    stage = models.CharField(_("stage"), max_length=16, choices=ReportStage.choices())
    seq = models.PositiveIntegerField(_("number"), default=1)
    as_of = models.DateTimeField(_("figures as at"))
    #: The 快报表 indicators (``standards.disasters.indicators``), numbers as strings for the decimal ones.
    figures = models.JSONField(_("figures"), default=dict)
    remarks = models.TextField(_("remarks"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=ReportState.choices(), default=ReportState.DRAFT,
                             db_index=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    #: The submission key of a report sent from the phone form: the offline queue may send it again; it is
    #: stored once.
    client_key = models.UUIDField(_("submission key"), null=True, blank=True, unique=True, editable=False)

    GRANTS = {role: {"view"} | ({"add", "change"} if role in REPORTER_ROLES else set()) for role in STAFF_ROLES}

    class Meta:
        ordering = ["event_id", "region_code", "stage", "seq"]
        verbose_name = _("disaster report")
        verbose_name_plural = _("disaster reports")
        constraints = [models.UniqueConstraint(fields=["event", "region_code", "stage", "seq"],
                                               name="disaster_report_unique")]

    def __str__(self) -> str:
        return f"{self.event} {ReportStage.label(self.stage)} {self.seq}"


class Casualty(Scoped):
    """One person in the casualty list (因灾死亡失踪人口一览表) of a report; the name is personal data."""

    report = models.ForeignKey(DisasterReport, on_delete=models.CASCADE, related_name="casualties")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=16, choices=CasualtyKind.choices())
    gender = models.CharField(_("gender"), max_length=4, blank=True)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    cause = models.CharField(_("cause"), max_length=200, blank=True)

    GRANTS = {role: {"view"} | ({"view_pii"} if role in PII_ROLES else set())
              | ({"add", "change"} if role in REPORTER_ROLES else set()) for role in STAFF_ROLES}

    class Meta:
        ordering = ["report_id", "kind", "id"]
        verbose_name = _("casualty")
        verbose_name_plural = _("casualties")

    def __str__(self) -> str:
        return self.name


class ReliefThreshold(Scoped):
    """One start condition of the county's disaster relief plan (自然灾害救助应急预案): the level starts when the
    indicator reaches ``minimum``. Seeded from ``standards/data/disaster_relief_levels.json``; the bureau edits it."""

    region_code = models.CharField(_("region code"), max_length=12, db_index=True, validators=[region_code_validator])
    level = models.CharField(_("response level"), max_length=4, choices=ReliefLevel.choices())
    indicator = models.CharField(_("indicator"), max_length=40, choices=PlanIndicator.choices())
    minimum = models.DecimalField(_("threshold (at least)"), max_digits=14, decimal_places=2)
    source = models.CharField(_("source"), max_length=200, blank=True)
    verified = models.BooleanField(_("verified against the plan"), default=False)

    GRANTS = {role: {"view"} | ({"add", "change"} if role in BUREAU_ROLES else set()) for role in STAFF_ROLES}

    class Meta:
        ordering = ["region_code", "level", "indicator"]
        verbose_name = _("relief plan threshold")
        verbose_name_plural = _("relief plan thresholds")
        constraints = [models.UniqueConstraint(fields=["region_code", "level", "indicator"],
                                               name="relief_threshold_unique")]

    def __str__(self) -> str:
        return f"{ReliefLevel.label(self.level)} {PlanIndicator.label(self.indicator)} ≥ {self.minimum}"
