"""Incidents: the incident with its figures and grade, every version of the figures, the reporting clock and the
timeline (the single chronological record of the response)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import Role
from yingji.core.models import PII_ROLES, STAFF_ROLES, Scoped, region_code_validator
from yingji.core.timeline import TimelineEvent
from yingji.core.workflow import Versioned

from .choices import (
    AccidentGrade,
    EventKind,
    HealthKind,
    IncidentState,
    InformationSource,
    PlanDocKind,
    PlanKind,
    PlanLevel,
    PlanState,
    ReportingLevel,
    ReportKind,
    ResponseLevel,
    SitrepState,
    TaskState,
)

#: Roles that log incidents and file follow-up reports.
REPORTING_ROLES = {Role.ADMIN, Role.DUTY_OFFICER, Role.COMMANDER, Role.SECTION_STAFF, Role.TOWNSHIP_STAFF}
#: Roles that report an incident up the chain (county → city → province …).
REPORT_UP_ROLES = {Role.ADMIN, Role.DUTY_OFFICER, Role.COMMANDER}
#: Roles that activate a plan and run the command group.
COMMAND_ROLES = {Role.ADMIN, Role.COMMANDER}


class Incident(Scoped, Versioned):
    """An emergency event or production safety accident (突发事件/生产安全事故) taken in by the duty desk."""

    region_code = models.CharField(_("region code"), max_length=12, db_index=True, validators=[region_code_validator])
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="incidents")
    category = models.CharField(_("category"), max_length=32, db_index=True)
    event_type = models.CharField(_("type"), max_length=48, db_index=True)
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    occurred_at = models.DateTimeField(_("occurred"), db_index=True)
    received_at = models.DateTimeField(_("received"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                              validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                              validators=[MinValueValidator(-180), MaxValueValidator(180)])
    deaths = models.PositiveIntegerField(_("deaths"), default=0)
    missing = models.PositiveIntegerField(_("missing"), default=0)
    serious_injuries = models.PositiveIntegerField(_("serious injuries"), default=0)
    minor_injuries = models.PositiveIntegerField(_("minor injuries"), default=0)
    trapped = models.PositiveIntegerField(_("trapped"), default=0)
    direct_loss_yuan = models.DecimalField(_("direct loss (CNY)"), max_digits=16, decimal_places=2, default=0,
                                           validators=[MinValueValidator(0)])
    #: People taken ill or poisoned in the one event (一次…人数: cases of a public-health event).
    cases = models.PositiveIntegerField(_("cases (ill or poisoned)"), default=0)
    #: What kind of public-health event it is, for the plan's numeric conditions (food or occupational poisoning).
    health_kind = models.CharField(_("public-health kind"), max_length=24, choices=HealthKind.choices(), blank=True,
                                   default="")
    #: The grade the competent department determined (认定级别: the health authority for public-health events, public
    #: security and others for social-security events); the more severe of it and the computed grade applies.
    declared_grade = models.CharField(_("determined grade"), max_length=24, choices=AccidentGrade.choices(),
                                      blank=True, default="")
    grade = models.CharField(_("grade"), max_length=24, choices=AccidentGrade.choices(), db_index=True)
    description = models.TextField(_("description"), blank=True)
    reporter_name = models.CharField(_("reporter"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=32, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=InformationSource.choices())
    state = models.CharField(_("state"), max_length=16, choices=IncidentState.choices(),
                             default=IncidentState.REPORTED, db_index=True)
    summary = models.TextField(_("closing summary"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("logged by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    SCOPE_ENTERPRISE_FIELD = "enterprise"
    GRANTS = {role: ({"view"} | ({"add", "change"} if role in REPORTING_ROLES else set())
                     | ({"report_up"} if role in REPORT_UP_ROLES else set())
                     | ({"activate"} if role in COMMAND_ROLES else set())
                     | ({"view_pii"} if role in PII_ROLES else set())) for role in STAFF_ROLES}

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state in IncidentState.OPEN

    @property
    def township_code(self) -> str:
        """The township (乡镇/街道) part of the region code, '' for a county-wide incident."""
        return self.region_code[:9] if len(self.region_code or "") >= 9 else ""

    @property
    def village_code(self) -> str:
        """The village (村/社区) code when the incident is placed in a village, else ''."""
        return self.region_code if len(self.region_code or "") == 12 else ""

    @property
    def is_placed(self) -> bool:
        """Whether the incident has a point: only then is it on the map and in the nearest-resource search."""
        return self.lat is not None and self.lon is not None


class IncidentReport(models.Model):
    """One version of an incident's figures: the initial report (首报) or a follow-up (续报). Append-only."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="reports")
    seq = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind.choices())
    reported_at = models.DateTimeField(_("reported"), default=timezone.now)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    deaths = models.PositiveIntegerField(_("deaths"))
    missing = models.PositiveIntegerField(_("missing"))
    serious_injuries = models.PositiveIntegerField(_("serious injuries"))
    minor_injuries = models.PositiveIntegerField(_("minor injuries"))
    trapped = models.PositiveIntegerField(_("trapped"))
    direct_loss_yuan = models.DecimalField(_("direct loss (CNY)"), max_digits=16, decimal_places=2)
    cases = models.PositiveIntegerField(_("cases (ill or poisoned)"), default=0)
    grade = models.CharField(_("grade"), max_length=24, choices=AccidentGrade.choices())
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["incident_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["incident", "seq"], name="incident_report_seq_unique")]

    def __str__(self) -> str:
        return f"{self.incident_id} #{self.seq}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Incident reports are append-only")
        super().save(*args, **kwargs)


class ReportingDeadline(models.Model):
    """One level of the reporting chain: when it is due and, once done, who reported when, how and to whom."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="deadlines")
    level = models.CharField(_("level"), max_length=16, choices=ReportingLevel.choices())
    position = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField(_("due"))
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    method = models.CharField(_("how"), max_length=100, blank=True)
    reported_to = models.CharField(_("to whom"), max_length=100, blank=True)

    class Meta:
        ordering = ["incident_id", "position"]
        constraints = [models.UniqueConstraint(fields=["incident", "level"], name="incident_deadline_unique")]
        indexes = [models.Index(fields=["reported_at", "due_at"], name="incident_deadline_due_idx")]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.level} {self.due_at:%Y-%m-%d %H:%M}"

    def status(self, now=None) -> str:
        """done / overdue / near (less than 30 minutes left) / running: the clock's colour."""
        if self.reported_at is not None:
            return "done"
        left = (self.due_at - (now or timezone.now())).total_seconds()
        if left < 0:
            return "overdue"
        return "near" if left < 30 * 60 else "running"


class IncidentEvent(TimelineEvent):
    """One entry of the incident timeline, read through its incident."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices())

    class Meta(TimelineEvent.Meta):
        indexes = [models.Index(fields=["incident", "time"], name="incident_event_idx")]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.kind} {self.incident_id}"


class Plan(Scoped, Versioned):
    """An emergency plan (应急预案): the incident types it covers, its activation conditions per response level
    (data, see ``plans.evaluate``), the command HQ it stands up and its standard task list.

    Its life cycle (``state``) moves only through ``preparedness.services.plans.PLAN_WORKFLOW`` (compare-and-swap on
    ``version``); an enterprise's plans belong to that enterprise (an enterprise account sees only its own)."""

    region_code = models.CharField(_("region code"), max_length=12, db_index=True, validators=[region_code_validator])
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=PlanKind.choices())
    event_types = models.JSONField(_("incident types covered"), default=list)
    #: {"I": [condition, ...], "II": [...], ...}; a level applies when any of its conditions holds. A condition
    #: is {"field": deaths|missing|serious_injuries|trapped|direct_loss_yuan|grade, "min": value}.
    conditions = models.JSONField(_("activation conditions"), default=dict)
    hq = models.ForeignKey("core.Organisation", verbose_name=_("command headquarters"), null=True, blank=True,
                           on_delete=models.PROTECT, related_name="plans")
    #: [{"title": ..., "unit": organisation short name, "due_minutes": n}, ...]
    standard_tasks = models.JSONField(_("standard tasks"), default=list)
    is_active = models.BooleanField(_("in force"), default=True)
    # --- plans: document life cycle (issue 15 §1; preparedness holds reviews, filings, evaluations, versions) ---
    level = models.CharField(_("plan level"), max_length=16, choices=PlanLevel.choices(), default=PlanLevel.COUNTY)
    doc_kind = models.CharField(_("document kind"), max_length=24, choices=PlanDocKind.choices(), blank=True)
    owner = models.ForeignKey("core.Organisation", verbose_name=_("owner organisation"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="owned_plans")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="plans")
    state = models.CharField(_("life-cycle state"), max_length=16, choices=PlanState.choices(),
                             default=PlanState.PUBLISHED)
    doc_version = models.PositiveIntegerField(_("document version"), default=1)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    last_evaluated_on = models.DateField(_("last evaluated on"), null=True, blank=True)

    SCOPE_ENTERPRISE_FIELD = "enterprise"
    GRANTS = {role: {"view"} for role in STAFF_ROLES} | {Role.ADMIN: {"view", "add", "change"},
                                                          Role.SECTION_STAFF: {"view", "add", "change"},
                                                          Role.ENTERPRISE_USER: {"view"}}

    class Meta:
        ordering = ["region_code", "name"]
        verbose_name = _("emergency plan")
        verbose_name_plural = _("emergency plans")

    def __str__(self) -> str:
        return self.name


class Activation(models.Model):
    """A plan activated for an incident by a commander: the response level and the command group stood up
    (the HQ's lead and member units). One per incident; read through the incident."""

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="activation")
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="activations")
    level = models.CharField(_("response level"), max_length=4, choices=ResponseLevel.choices())
    hq = models.ForeignKey("core.Organisation", verbose_name=_("command headquarters"), null=True, blank=True,
                           on_delete=models.PROTECT, related_name="+")
    commander = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("commander"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    deputy_name = models.CharField(_("deputy commander"), max_length=50, blank=True)
    member_units = models.ManyToManyField("core.Organisation", verbose_name=_("member units"), blank=True,
                                          related_name="+")
    reasons = models.JSONField(_("reasons"), default=list)
    activated_at = models.DateTimeField(_("activated"), default=timezone.now)

    def __str__(self) -> str:
        return f"{self.plan} {self.level}"


class Task(Scoped, Versioned):
    """A task (任务) of a response, assigned to a unit and/or a person with a deadline."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="tasks")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.ForeignKey("core.Organisation", verbose_name=_("assigned unit"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned person"), null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="incident_tasks")
    due_at = models.DateTimeField(_("deadline"), null=True, blank=True, db_index=True)
    state = models.CharField(_("state"), max_length=16, choices=TaskState.choices(), default=TaskState.ASSIGNED,
                             db_index=True)
    progress = models.TextField(_("latest progress"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("assigned"), default=timezone.now)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    GRANTS = {role: {"view", "change"} for role in STAFF_ROLES} | {
        role: {"view", "add", "change"} for role in COMMAND_ROLES | {Role.DUTY_OFFICER}}

    class Meta:
        ordering = ["incident_id", "due_at", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.state in TaskState.OPEN and self.due_at is not None and self.due_at < timezone.now()


#: Roles that draft, edit and issue situation reports.
SITREP_ROLES = REPORT_UP_ROLES


class Sitrep(Scoped, Versioned):
    """A situation report (情况报告, 第N期) on an incident: drafted from the incident's current state, edited, then
    issued. An issued report is immutable; the next one gets the next number."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="sitreps")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    seq = models.PositiveIntegerField(_("number"))
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    situation = models.TextField(_("basic situation"), blank=True)
    casualties = models.TextField(_("casualties and losses"), blank=True)
    response = models.TextField(_("response and actions taken"), blank=True)
    tasks_status = models.TextField(_("tasks and their status"), blank=True)
    resources = models.TextField(_("forces and resources deployed"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    #: The incident's figures, grade and response level when the report was drafted.
    snapshot = models.JSONField(_("figures when drafted"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=SitrepState.choices(), default=SitrepState.DRAFT,
                             db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("drafted"), default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)

    GRANTS = {role: {"view"} for role in STAFF_ROLES} | {
        role: {"view", "add", "change", "issue"} for role in SITREP_ROLES}

    class Meta:
        ordering = ["incident_id", "seq"]
        verbose_name = _("situation report")
        verbose_name_plural = _("situation reports")
        constraints = [models.UniqueConstraint(fields=["incident", "seq"], name="incident_sitrep_seq_unique")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if self.pk is not None and Sitrep.objects.filter(pk=self.pk, state=SitrepState.ISSUED).exists():
            raise PermissionError("An issued situation report cannot be changed")
        super().save(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.state == SitrepState.DRAFT
