"""Drills (应急演练): the planned drills of a unit's year, the drill itself (one record however many teams take
part, with its organiser's level), and the problems it found as rectification items closed like hazards.

Scope: a drill belongs to the place of its organiser (``region_code``) and, when an enterprise organised it, to
that enterprise, so an enterprise account sees and records only its own drills and a township's staff the drills
held in the township. Services are the only writers (``services.drills``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import Role
from yingji.core.models import STAFF_ROLES, Scoped, region_code_validator
from yingji.core.timeline import TimelineEvent
from yingji.core.workflow import Versioned

from ..choices_drills import DrillKind, OrganiserLevel, PlanType, ProblemAction, ProblemState

#: Who keeps drills: every staff role sees them; the bureau's sections and the townships (their own) record them;
#: an enterprise account records its enterprise's own (the enterprise scope keeps it to them).
KEEPERS = (Role.ADMIN, Role.SECTION_STAFF, Role.TOWNSHIP_STAFF, Role.ENTERPRISE_USER)
DRILL_GRANTS = ({role: {"view"} for role in STAFF_ROLES}
                | {role: {"view", "add", "change", "attach"} for role in KEEPERS})


class _Organised(Scoped):
    organiser_level = models.CharField(_("organiser level"), max_length=16, choices=OrganiserLevel.choices(),
                                       db_index=True)
    region_code = models.CharField(_("region code"), max_length=12, db_index=True,
                                   validators=[region_code_validator])
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    organiser = models.CharField(_("organiser"), max_length=200)

    SCOPE_ENTERPRISE_FIELD = "enterprise"
    GRANTS = DRILL_GRANTS

    class Meta:
        abstract = True


class DrillPlan(_Organised):
    """A drill planned in a unit's annual drill plan (年度演练计划): the year, the month it is due, its form, the
    plan type and emergency plan it will exercise, and its scenario. Drills held name the planned drill they
    carry out."""

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    planned_month = models.PositiveSmallIntegerField(_("planned month"))
    kind = models.CharField(_("form"), max_length=16, choices=DrillKind.choices())
    plan_type = models.CharField(_("plan type"), max_length=16, choices=PlanType.choices())
    emergency_plan = models.ForeignKey("incidents.Plan", verbose_name=_("emergency plan"), null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")
    scenario = models.CharField(_("scenario"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-year", "planned_month", "id"]
        verbose_name = _("planned drill")
        verbose_name_plural = _("drill plans")
        indexes = [models.Index(fields=["year", "region_code"], name="drill_plan_year_idx")]

    def __str__(self) -> str:
        return f"{self.year}-{self.planned_month:02d} {self.organiser} · {self.scenario}"


class Drill(_Organised):
    """One drill (应急演练), however many teams and units take part."""

    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    drill_plan = models.ForeignKey(DrillPlan, verbose_name=_("planned drill"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="drills")
    emergency_plan = models.ForeignKey("incidents.Plan", verbose_name=_("emergency plan exercised"), null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("form"), max_length=16, choices=DrillKind.choices(), db_index=True)
    plan_type = models.CharField(_("plan type"), max_length=16, choices=PlanType.choices(), db_index=True)
    scenario = models.TextField(_("scenario"))
    date = models.DateField(_("date"), db_index=True)
    place = models.CharField(_("place"), max_length=200)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    participant_units = models.TextField(_("participating units"), blank=True)
    teams = models.ManyToManyField("resources.Team", verbose_name=_("teams"), blank=True, related_name="+")
    equipment = models.ManyToManyField("resources.Equipment", verbose_name=_("equipment used"), blank=True,
                                       related_name="+")
    evaluation_worked = models.TextField(_("evaluation: what worked"), blank=True)
    evaluation_problems = models.TextField(_("evaluation: problems found"), blank=True)
    reported = models.BooleanField(_("reported to the bureau"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("drill")
        verbose_name_plural = _("drills")
        indexes = [models.Index(fields=["region_code", "date"], name="drill_region_date_idx")]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"


class DrillProblem(Scoped, Versioned):
    """A problem a drill found (演练发现问题), tracked to closure: the owner rectifies it by the deadline and
    reports; the organiser's side verifies and closes it or returns it. ``reminder_level``: 1 once reminded that
    the deadline is near, 2 once flagged overdue (kept so the periodic job tells nobody twice)."""

    drill = models.ForeignKey(Drill, verbose_name=_("drill"), on_delete=models.CASCADE, related_name="problems")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+", editable=False)
    description = models.TextField(_("problem"))
    owner = models.CharField(_("owner"), max_length=100)
    owner_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner's account"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    deadline = models.DateField(_("deadline"), db_index=True)
    state = models.CharField(_("state"), max_length=16, choices=ProblemState.choices(), default=ProblemState.OPEN,
                             db_index=True)
    rectification = models.TextField(_("rectification"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("reported"), null=True, blank=True)
    verification = models.TextField(_("verification opinion"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    reminder_level = models.PositiveSmallIntegerField(_("reminder level"), default=0, editable=False)
    overdue_since = models.DateField(_("overdue since"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    SCOPE_ENTERPRISE_FIELD = "enterprise"
    GRANTS = DRILL_GRANTS

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("drill problem")
        verbose_name_plural = _("drill problems")
        indexes = [models.Index(fields=["state", "deadline"], name="drill_problem_due_idx")]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_overdue(self) -> bool:
        return self.state == ProblemState.OPEN and self.deadline < timezone.localdate()


class DrillProblemEvent(TimelineEvent):
    """One line of a drill problem's timeline (``kind`` is the action)."""

    problem = models.ForeignKey(DrillProblem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("action"), max_length=16, choices=ProblemAction.choices())
    from_state = models.CharField(_("from"), max_length=16, choices=ProblemState.choices(), blank=True)
    to_state = models.CharField(_("to"), max_length=16, choices=ProblemState.choices(), blank=True)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("drill problem event")
        verbose_name_plural = _("drill problem events")
        indexes = [models.Index(fields=["problem", "time"], name="drill_problem_event_idx")]
