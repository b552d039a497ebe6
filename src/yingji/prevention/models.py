"""Dual prevention (双重预防): risk points with their grading (风险分级管控) and hazards with their closed loop
(隐患排查治理), the hazard timeline, and in-app notifications."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import Role
from yingji.core.models import ALL_ROLES, CRUD, PII_ROLES, Scoped, phone_validator, region_code_validator
from yingji.core.timeline import TimelineEvent
from yingji.core.workflow import Versioned
from yingji.standards import major_hazards, risk

from .choices import (
    AccidentType,
    AssessmentMethod,
    ControlTier,
    HazardAction,
    HazardLevel,
    HazardSource,
    HazardState,
    PlaceKind,
    ProgrammeStage,
    RiskColour,
    SampleState,
)

#: Roles that may report a hazard (each within its scope; see ``services`` for the role table).
REPORTER_ROLES = {Role.ENTERPRISE_USER, Role.INSPECTOR, Role.TOWNSHIP_STAFF, Role.GRID_MEMBER, Role.SECTION_STAFF}
#: Regulators who draw and carry out sample checks of the hazards enterprises closed themselves.
SAMPLER_ROLES = {Role.ADMIN, Role.SECTION_STAFF, Role.INSPECTOR, Role.TOWNSHIP_STAFF}


#: The method's letters → the fields holding them (standards.risk names the letter first in its messages).
INPUT_FIELDS = {"L": "likelihood", "E": "exposure", "C": "consequence", "S": "severity"}


def _integer(value, name: str) -> int:
    """An LS scale value: ints, and floats/decimals with no fraction (3.0 from a form or JSON)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, Decimal | float):
        try:
            whole = int(value)
        except (OverflowError, ValueError):
            whole = None
        if whole is not None and whole == value:
            return whole
    raise ValueError(f"{name} must be an integer 1-5, got {value}")


def grade_of(method: str, likelihood, exposure=None, consequence=None, severity=None) -> risk.RiskGrade:
    """The grade of an assessment by ``yingji.standards.risk``; ValueError when an input is off the scale."""
    if likelihood is None:
        raise ValueError("L is required")
    if method == AssessmentMethod.LEC:
        if exposure is None:
            raise ValueError("E is required: LEC needs L, E and C")
        if consequence is None:
            raise ValueError("C is required: LEC needs L, E and C")
        if severity is not None:
            raise ValueError("S belongs to the LS method")
        return risk.lec(likelihood, exposure, consequence)
    if method == AssessmentMethod.LS:
        if severity is None:
            raise ValueError("S is required: LS needs L and S")
        if exposure is not None or consequence is not None:
            raise ValueError("E and C belong to the LEC method")
        return risk.ls(_integer(likelihood, "L"), _integer(severity, "S"))
    raise ValueError(f"Unknown assessment method {method!r}")


def _with_pii(grants: dict) -> dict:
    """The responsible person's phone is shown in full to the roles whose work needs it and to the enterprise
    itself (its own people); observers and others see it masked."""
    return {role: actions | ({"view_pii"} if role in PII_ROLES or role == Role.ENTERPRISE_USER else set())
            for role, actions in grants.items()}


class RiskPoint(Scoped):
    """A risk point (风险点) of an enterprise, assessed by LEC or LS. Score, level, colour and the lowest control
    tier are computed from the kept inputs on every save (never set by hand)."""

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"),
                                   on_delete=models.CASCADE, related_name="risk_points")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    location = models.CharField(_("location / unit"), max_length=200, blank=True)
    accident_type = models.CharField(_("hazard type (GB 6441)"), max_length=32, choices=AccidentType.choices())
    method = models.CharField(_("assessment method"), max_length=3, choices=AssessmentMethod.choices())
    likelihood = models.DecimalField(_("L (likelihood)"), max_digits=4, decimal_places=1)
    exposure = models.DecimalField(_("E (exposure)"), max_digits=4, decimal_places=1, null=True, blank=True)
    consequence = models.DecimalField(_("C (consequence)"), max_digits=5, decimal_places=1, null=True, blank=True)
    severity = models.PositiveSmallIntegerField(_("S (severity)"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=9, decimal_places=3, editable=False)
    level = models.PositiveSmallIntegerField(_("risk level"), editable=False, db_index=True)
    colour = models.CharField(_("colour"), max_length=8, choices=RiskColour.choices(), editable=False,
                              db_index=True)
    control_tier = models.CharField(_("lowest control tier"), max_length=16, choices=ControlTier.choices(),
                                    editable=False)
    engineering_measures = models.TextField(_("engineering measures"), blank=True)
    management_measures = models.TextField(_("management measures"), blank=True)
    ppe_measures = models.TextField(_("personal protective equipment"), blank=True)
    emergency_measures = models.TextField(_("emergency measures"), blank=True)
    responsible_tier = models.CharField(_("responsible tier"), max_length=16, choices=ControlTier.choices())
    responsible_person = models.CharField(_("responsible person"), max_length=50)
    responsible_phone = models.CharField(_("responsible person's phone"), max_length=32, blank=True)
    review_date = models.DateField(_("next review"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    SCOPE_ENTERPRISE_FIELD = "enterprise"
    GRANTS = _with_pii({role: {"view"} for role in ALL_ROLES}
                       | {Role.ADMIN: CRUD, Role.SECTION_STAFF: CRUD, Role.ENTERPRISE_USER: CRUD})

    class Meta:
        ordering = ["level", "enterprise_id", "name"]
        verbose_name = _("risk point")
        verbose_name_plural = _("risk points")

    def __str__(self) -> str:
        return self.name

    def grade(self) -> risk.RiskGrade:
        return grade_of(self.method, self.likelihood, self.exposure, self.consequence, self.severity)

    def apply_grade(self) -> None:
        """Set score, level, colour and lowest control tier from the inputs (ValueError when off the scale)."""
        result = self.grade()
        self.score = Decimal(str(result.score))
        self.level = result.level
        self.colour = result.color
        self.control_tier = ControlTier.BY_LEVEL[result.level]

    def clean(self) -> None:
        errors = {}
        if self.method == AssessmentMethod.LEC:
            for name in ("exposure", "consequence"):
                if getattr(self, name) is None:
                    errors[name] = _("LEC needs L, E and C.")
            if self.severity is not None:
                errors["severity"] = _("S belongs to the LS method.")
        elif self.method == AssessmentMethod.LS:
            if self.severity is None:
                errors["severity"] = _("LS needs L and S.")
            for name in ("exposure", "consequence"):
                if getattr(self, name) is not None:
                    errors[name] = _("E and C belong to the LEC method.")
        if not errors and self.method and self.likelihood is not None:
            try:
                self.apply_grade()
            except ValueError as exc:
                text = str(exc)
                errors[INPUT_FIELDS.get(text[:1], "likelihood")] = text
        if (not errors and self.responsible_tier in ControlTier.RANK
                and ControlTier.RANK[self.responsible_tier] > ControlTier.RANK[self.control_tier]):
            errors["responsible_tier"] = _(
                "A level-%(level)s risk is controlled at least at the %(tier)s tier.") % {
                "level": self.level, "tier": ControlTier.label(self.control_tier)}
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.region_code = self.enterprise.region_code
        self.apply_grade()
        self.updated_at = timezone.now()
        super().save(*args, **kwargs)


#: Regulators who keep the register of places (townships and member units find hazards there).
PLACE_KEEPERS = {Role.ADMIN, Role.SECTION_STAFF, Role.TOWNSHIP_STAFF}


class HazardPlace(Scoped):
    """A place hazards belong to when no registered enterprise does: a dike section, a reservoir, a culvert, a
    flash-flood gully, a geological hazard point, a village road, a construction site of no registered enterprise, a
    public place. Townships and member units find hazards there and chase them to zero through the same closed
    loop (通报, 督办) as enterprises' hazards; the place's responsible unit rectifies."""

    kind = models.CharField(_("kind of place"), max_length=24, choices=PlaceKind.choices(), db_index=True)
    name = models.CharField(_("name"), max_length=200)
    region_code = models.CharField(_("region code"), max_length=12, db_index=True,
                                   validators=[region_code_validator])
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                              validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                              validators=[MinValueValidator(-180), MaxValueValidator(180)])
    responsible_unit = models.CharField(_("responsible unit"), max_length=200)
    responsible_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    responsible_phone = models.CharField(_("responsible person's phone"), max_length=32, blank=True,
                                         validators=[phone_validator])
    note = models.TextField(_("notes"), blank=True)

    GRANTS = _with_pii({role: {"view"} for role in ALL_ROLES if role != Role.ENTERPRISE_USER}
                       | {role: CRUD for role in PLACE_KEEPERS}
                       | {Role.GRID_MEMBER: {"view", "add"}, Role.INSPECTOR: {"view", "add"}})

    class Meta:
        ordering = ["region_code", "kind", "name"]
        verbose_name = _("hazard place")
        verbose_name_plural = _("hazard places")
        constraints = [models.UniqueConstraint(fields=["region_code", "name"], name="hazard_place_unique_name")]

    #: What ``__str__`` returns: form choices read it as a column (``core.modelchoices``).
    CHOICE_LABEL = "name"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if (self.lat is None) != (self.lon is None):
            errors["lat" if self.lat is None else "lon"] = _("Give both latitude and longitude, or neither.")
        if self.region_code and len(self.region_code) < 9:
            errors["region_code"] = _("A place lies in a township or a village.")
        if errors:
            raise ValidationError(errors)


class Hazard(Scoped, Versioned):
    """An accident hazard (事故隐患) and its closed loop (see ``services`` for the workflow). Its subject is an
    enterprise or, for flood-season and public-place hazards, a place (``HazardPlace``): exactly one of the two."""

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="hazards")
    place = models.ForeignKey(HazardPlace, verbose_name=_("place"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="hazards")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    risk_point = models.ForeignKey(RiskPoint, verbose_name=_("risk point"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="hazards")
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    description = models.TextField(_("description"))
    location = models.CharField(pgettext_lazy("place", "location"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=HazardSource.choices(), db_index=True)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reporter"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    reporter_name = models.CharField(_("reported by"), max_length=150, blank=True)
    found_at = models.DateTimeField(_("found"), db_index=True)
    state = models.CharField(_("state"), max_length=16, choices=HazardState.choices(),
                             default=HazardState.REPORTED, db_index=True)
    level = models.CharField(_("hazard level"), max_length=16, choices=HazardLevel.choices(), blank=True,
                             db_index=True)
    supervised = models.BooleanField(_("listed for county supervision"), default=False, db_index=True)
    #: The item of the sector's 重大事故隐患判定标准 the hazard matches (``standards.major_hazards``); a hazard with
    #: one is major and can never be set to general.
    criterion = models.CharField(_("major hazard criterion"), max_length=16, blank=True)
    due_at = models.DateTimeField(_("rectification deadline"), null=True, blank=True, db_index=True)
    responsible_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    responsible_phone = models.CharField(_("responsible person's phone"), max_length=32, blank=True)
    responsible_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsible account"),
                                         null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    measures = models.TextField(_("rectification measures"), blank=True)
    funds = models.DecimalField(_("funds (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True,
                                validators=[MinValueValidator(0)])
    interim_measures = models.TextField(_("interim safety measures"), blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    rectification = models.TextField(_("rectification done"), blank=True)
    rectified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("rectified by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    rectified_at = models.DateTimeField(_("rectified"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("verified by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, db_index=True)
    overdue_since = models.DateTimeField(_("flagged overdue"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("overdue escalation level"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    SCOPE_ENTERPRISE_FIELD = "enterprise"
    GRANTS = _with_pii({role: {"view"} for role in ALL_ROLES}
                       | {role: {"view", "add", "attach"} for role in REPORTER_ROLES})

    class Meta:
        ordering = ["-found_at", "-id"]
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        indexes = [models.Index(fields=["state", "due_at"], name="hazard_state_due_idx")]
        constraints = [models.CheckConstraint(
            condition=(models.Q(enterprise__isnull=False, place__isnull=True)
                       | models.Q(enterprise__isnull=True, place__isnull=False)),
            name="hazard_one_subject")]

    def __str__(self) -> str:
        return self.title

    @property
    def subject(self):
        """The enterprise or the place the hazard belongs to."""
        return self.enterprise if self.enterprise_id else self.place

    @property
    def subject_name(self) -> str:
        subject = self.subject
        return subject.name if subject is not None else ""

    @property
    def is_overdue(self) -> bool:
        return (self.state in HazardState.DEADLINE_RUNNING and self.due_at is not None
                and self.due_at < timezone.now())

    @property
    def is_major(self) -> bool:
        return self.level == HazardLevel.MAJOR

    @property
    def criterion_citation(self) -> str:
        """The cited item of the sector standard the hazard matches ('' without one)."""
        item = major_hazards.get(self.criterion) if self.criterion else None
        return f"{item.citation}：{item.text}" if item else self.criterion


class HazardSample(Scoped):
    """A regulator's sample check (抽查) of a general hazard the enterprise found, rectified, verified and closed
    itself (自查自改自报): drawn by hand or by the monthly draw, then passed, or failed — which reopens the hazard
    and counts against the enterprise. At most one check of a hazard is pending at a time."""

    SCOPE_REGION_FIELD = "hazard__region_code"
    SCOPE_ENTERPRISE_FIELD = "hazard__enterprise"

    hazard = models.ForeignKey(Hazard, verbose_name=_("hazard"), on_delete=models.CASCADE, related_name="samples")
    #: The month of closures a monthly draw sampled ("2026-11"); empty for a check drawn by hand.
    period = models.CharField(_("month sampled"), max_length=7, blank=True, db_index=True)
    state = models.CharField(_("state"), max_length=16, choices=SampleState.choices(), default=SampleState.PENDING,
                             db_index=True)
    drawn_at = models.DateTimeField(_("drawn"), default=timezone.now)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("drawn by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    #: The checker's name at the time (kept when the account goes, as on the timelines).
    checker_name = models.CharField(_("checked by"), max_length=150, blank=True)
    note = models.TextField(_("findings of the check"), blank=True)

    GRANTS = ({role: {"view"} for role in ALL_ROLES}
              | {role: {"view", "add", "change"} for role in SAMPLER_ROLES})

    class Meta:
        ordering = ["-drawn_at", "-id"]
        # The list's order (newest first): a page reads its rows in order instead of sorting them all.
        indexes = [models.Index(fields=["-drawn_at", "-id"], name="prev_sample_drawn_idx")]
        verbose_name = _("sample check")
        verbose_name_plural = _("sample checks")
        constraints = [models.UniqueConstraint(fields=["hazard"], condition=models.Q(state="pending"),
                                               name="hazard_one_pending_sample")]

    def __str__(self) -> str:
        return f"{self.hazard} ({self.get_state_display()})"


class SamplingRun(models.Model):
    """One monthly draw of self-closed hazards: a month is drawn once however often the job runs."""

    period = models.CharField(_("month sampled"), max_length=7, unique=True)
    share = models.DecimalField(_("share sampled"), max_digits=4, decimal_places=3)
    population = models.PositiveIntegerField(_("hazards closed by enterprises"))
    drawn = models.PositiveIntegerField(_("hazards drawn"))
    ran_at = models.DateTimeField(_("drawn"), default=timezone.now)

    class Meta:
        ordering = ["-period"]
        verbose_name = _("monthly sample draw")
        verbose_name_plural = _("monthly sample draws")

    def __str__(self) -> str:
        return self.period


class HazardEvent(TimelineEvent):
    """One entry of a hazard's timeline: who did what, when, and the state before and after (the audit trail holds
    the field-level before/after values). ``kind`` is the action taken."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("action"), max_length=16, choices=HazardAction.choices())
    from_state = models.CharField(_("from"), max_length=16, choices=HazardState.choices(), blank=True)
    to_state = models.CharField(_("to"), max_length=16, choices=HazardState.choices(), blank=True)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("hazard event")
        verbose_name_plural = _("hazard events")
        indexes = [models.Index(fields=["hazard", "time"], name="hazard_event_idx")]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.kind} {self.hazard_id}"


class ProgrammeStep(Scoped):
    """A step of an enterprise in the county's dual-prevention programme (创建, 试点, 示范): when it was named and, once
    checked, when it was accepted (验收). The enterprise's stage now is its latest step."""

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE,
                                   related_name="programme_steps")
    stage = models.CharField(_("programme stage"), max_length=16, choices=ProgrammeStage.choices(), db_index=True)
    named_on = models.DateField(_("named on"))
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    note = models.CharField(_("notes"), max_length=300, blank=True)

    SCOPE_ENTERPRISE_FIELD = "enterprise"
    SCOPE_REGION_FIELD = "enterprise__region_code"
    GRANTS = ({role: {"view"} for role in ALL_ROLES}
              | {Role.ADMIN: CRUD, Role.SECTION_STAFF: CRUD, Role.TOWNSHIP_STAFF: {"view", "add", "change"}})

    class Meta:
        ordering = ["-named_on", "-id"]
        # The list's order (newest first): a page reads its rows in order instead of sorting them all.
        indexes = [models.Index(fields=["-named_on", "-id"], name="prev_step_named_idx")]
        verbose_name = _("programme step")
        verbose_name_plural = _("programme steps")
        constraints = [models.UniqueConstraint(fields=["enterprise", "stage"], name="programme_stage_once")]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_stage_display()}"

    def clean(self) -> None:
        if self.accepted_on and self.named_on and self.accepted_on < self.named_on:
            raise ValidationError({"accepted_on": _("Accepted before it was named: check the dates.")})
