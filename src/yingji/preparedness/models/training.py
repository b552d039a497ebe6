"""Training (培训): courses, sessions (培训班) and who attended them, the enterprise people in training (a registry
of principals, safety managers and workers), and the certificates issued, with their expiry.

Writes go through ``services.training``; an officer's attendance is also recorded as the officer's training
(``enforcement.services.add_training``) so the ten-days-a-year figure comes from the same sessions."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import Role
from yingji.core.models import ALL_ROLES, CRUD, PII_ROLES, STAFF_ROLES, Scoped, region_code_validator

from ..training_choices import AttendeeKind, TraineeRole

#: The sections that run training (county-wide), and the township offices (their own townships).
TRAINING_ORGANISERS = {Role.ADMIN, Role.SECTION_STAFF}
TRAINING_GRANTS = ({role: {"view"} for role in ALL_ROLES}
                   | {r: CRUD for r in TRAINING_ORGANISERS} | {Role.TOWNSHIP_STAFF: {"view", "add", "change"}})


class Course(Scoped):
    """A training course: its topic, hours and audience; sessions run it."""

    title = models.CharField(_("course"), max_length=200)
    topic = models.CharField(_("topic"), max_length=100, db_index=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1,
                                validators=[MinValueValidator(Decimal("0.5"))])
    audience = models.JSONField(_("audience"), default=list, blank=True)
    #: Initial training (初次培训) for the post; otherwise re-training (再培训) and other courses.
    initial = models.BooleanField(_("initial training"), default=False,
                                  help_text=_("Initial safety training for the post (初次培训)."))
    description = models.TextField(_("description"), blank=True)
    region_code = models.CharField(_("region code"), max_length=12, db_index=True,
                                   validators=[region_code_validator])
    #: Months a certificate of this course stays valid (none issued when empty).
    certificate_months = models.PositiveSmallIntegerField(_("certificate valid (months)"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    GRANTS = TRAINING_GRANTS

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")

    #: What ``__str__`` returns: form choices read it as a column (``core.modelchoices``).
    CHOICE_LABEL = "title"

    def __str__(self) -> str:
        return self.title


class TrainingSession(Scoped):
    """A session of a course (培训班): when, where, who taught it; its attendance is kept per person."""

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="sessions")
    title = models.CharField(_("session"), max_length=200)
    start_date = models.DateField(_("starts"), db_index=True)
    end_date = models.DateField(_("ends"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1,
                                validators=[MinValueValidator(Decimal("0.5"))])
    place = models.CharField(_("place"), max_length=200, blank=True)
    trainer = models.CharField(_("trainer"), max_length=100)
    organiser = models.CharField(_("organiser"), max_length=100, blank=True)
    region_code = models.CharField(_("region code"), max_length=12, db_index=True,
                                   validators=[region_code_validator])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    GRANTS = TRAINING_GRANTS

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")

    def __str__(self) -> str:
        return self.title

    @property
    def days(self) -> Decimal:
        """Training days for the officers' yearly figure: a day per 8 hours, at least half a day."""
        return max(Decimal("0.5"), (self.hours / 8).quantize(Decimal("0.5")))


class Trainee(Scoped):
    """A person of an enterprise in training: principal, safety manager, special-operation worker or worker.
    Only the last four characters of the identity-card number are kept (《个人信息保护法》 第二十八条); the phone is
    masked for roles without the personal-data grant."""

    SCOPE_REGION_FIELD = "enterprise__region_code"
    SCOPE_ENTERPRISE_FIELD = "enterprise"
    PHONE_FIELDS = ("phone",)

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE,
                                   related_name="trainees")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    role = models.CharField(_("post"), max_length=16, choices=TraineeRole.choices(), db_index=True)
    id_tail = models.CharField(_("ID number (last 4)"), max_length=4, blank=True,
                               help_text=_("Only the last four characters of the identity-card number are kept."))
    phone = models.CharField(_("mobile"), max_length=11, blank=True)
    hired_on = models.DateField(_("took up the post"), null=True, blank=True)
    special_operation = models.CharField(_("special operation"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    GRANTS = ({role: {"view"} | ({"view_pii"} if role in PII_ROLES else set()) for role in STAFF_ROLES}
              | {r: CRUD | {"view_pii"} for r in TRAINING_ORGANISERS}
              | {Role.TOWNSHIP_STAFF: {"view", "add", "change", "view_pii"},
                 Role.INSPECTOR: {"view", "add", "change", "view_pii"},
                 Role.ENTERPRISE_USER: {"view", "add", "change", "view_pii"}})

    class Meta:
        ordering = ["enterprise_id", "role", "name", "id"]
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")
        constraints = [models.UniqueConstraint(fields=["enterprise", "name", "role"],
                                               name="trainee_unique_name_role")]

    #: What ``__str__`` returns: form choices read it as a column (``core.modelchoices``).
    CHOICE_LABEL = "name"

    def __str__(self) -> str:
        return self.name

    @property
    def region_code(self) -> str:
        return self.enterprise.region_code if self.enterprise_id else ""

    @property
    def masked_id(self) -> str:
        return f"**************{self.id_tail}" if self.id_tail else ""


class Attendance(Scoped):
    """One person at one session: an account (bureau, township, officer) or an enterprise trainee; the hours
    credited and whether the person passed."""

    SCOPE_REGION_FIELD = "session__region_code"
    SCOPE_ENTERPRISE_FIELD = "enterprise"

    session = models.ForeignKey(TrainingSession, verbose_name=_("training session"), on_delete=models.CASCADE,
                                related_name="attendance")
    kind = models.CharField(_("attendee"), max_length=16, choices=AttendeeKind.choices(), db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+")
    trainee = models.ForeignKey(Trainee, verbose_name=_("trainee"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="attendance")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="+")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    attended = models.BooleanField(_("attended"), default=True)
    hours = models.DecimalField(_("hours credited"), max_digits=5, decimal_places=1, default=Decimal("0"))
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    #: The officer training record written for this attendance (enforcement's ten days a year).
    officer_training = models.ForeignKey("enforcement.TrainingRecord", verbose_name=_("officer training record"),
                                         null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    GRANTS = TRAINING_GRANTS

    class Meta:
        ordering = ["session", "kind", "name", "id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], condition=models.Q(user__isnull=False),
                                    name="attendance_unique_user"),
            models.UniqueConstraint(fields=["session", "trainee"], condition=models.Q(trainee__isnull=False),
                                    name="attendance_unique_trainee"),
        ]

    def __str__(self) -> str:
        return f"{self.session} {self.name}"


class Certificate(Scoped):
    """A training certificate (培训合格证明) with its expiry; reminders go out before it expires, once per expiry."""

    SCOPE_ENTERPRISE_FIELD = "enterprise"

    number = models.CharField(_("certificate number"), max_length=32, unique=True)
    attendance = models.OneToOneField(Attendance, verbose_name=_("attendance"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="certificate")
    holder = models.CharField(_("holder"), max_length=50)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+")
    trainee = models.ForeignKey(Trainee, verbose_name=_("trainee"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="certificates")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("certificate"), max_length=200)
    region_code = models.CharField(_("region code"), max_length=12, db_index=True,
                                   validators=[region_code_validator])
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), db_index=True)
    #: The expiry date last reminded of (a renewed certificate with a new expiry is reminded again).
    reminded_for = models.DateField(_("reminded for expiry"), null=True, blank=True, editable=False)

    GRANTS = TRAINING_GRANTS

    class Meta:
        ordering = ["expires_on", "id"]
        verbose_name = _("training certificate")
        verbose_name_plural = _("training certificates")

    def __str__(self) -> str:
        return f"{self.number} {self.holder}"

    def state(self, on=None) -> str:
        from ..training_choices import CertificateState

        today = on or timezone.localdate()
        if self.expires_on < today:
            return CertificateState.EXPIRED
        if (self.expires_on - today).days <= 60:
            return CertificateState.EXPIRING
        return CertificateState.VALID

    @property
    def state_badge(self) -> str:
        return self.state()
