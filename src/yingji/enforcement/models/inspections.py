"""Inspections (执法检查) done in the field: who went where and when, the checklist as it stood that day, a finding
per item (photos, the hazard it became), the signatures drawn on site, the 逢查必考 exam, and the timeline that
keeps every step (执法全过程记录: nothing is edited away or deleted).

The workflow, the officer rules and the exactly-once field submission live in ``services.inspections``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingji.core.choices import Role
from yingji.core.models import STAFF_ROLES, Scoped
from yingji.core.timeline import TimelineEvent
from yingji.core.workflow import Versioned

from ..choices import (
    ExamAudience,
    FindingResult,
    InspectionEventKind,
    InspectionOrigin,
    InspectionState,
    SignerRole,
)
from .officers import Officer, RandomDraw

#: Roles that plan inspections and fill them in (each within its jurisdiction; the service also requires the
#: actor to be one of the inspection's officers, or the section running supervision).
INSPECTING_ROLES = {Role.ADMIN, Role.SECTION_STAFF, Role.INSPECTOR, Role.TOWNSHIP_STAFF}


class Inspection(Scoped, Versioned):
    """An on-site inspection (现场检查) of one enterprise by at least two certified officers."""

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"),
                                   on_delete=models.PROTECT, related_name="inspections")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    origin = models.CharField(_("origin"), max_length=16, choices=InspectionOrigin.choices(), db_index=True)
    random_draw = models.ForeignKey(RandomDraw, verbose_name=_("random draw"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="inspections")
    officers = models.ManyToManyField(Officer, verbose_name=_("officers"), related_name="inspections")
    #: The officers as they stood on the inspection date: [{"officer", "user", "name", "certificate_no",
    #: "certificate_expires"}] (the certificates shown on site, 《行政处罚法》 第五十五条).
    officer_record = models.JSONField(_("officers and certificates"), default=list)
    planned_on = models.DateField(_("planned date"), db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    checklist_industry = models.CharField(_("checklist"), max_length=32)
    checklist_name = models.CharField(_("checklist name"), max_length=200)
    checklist_version = models.CharField(_("checklist version"), max_length=32)
    #: The checklist's items as they were when the inspection was planned: [{"code", "category", "text",
    #: "basis"}] (later edits of the shipped lists do not change a past inspection).
    checklist_items = models.JSONField(_("checklist items"), default=list)
    #: Seed of the 逢查必考 paper (``standards.exams.draw_exam``): the same seed gives the same questions.
    exam_seed = models.CharField(_("exam seed"), max_length=64)
    state = models.CharField(_("state"), max_length=16, choices=InspectionState.choices(),
                             default=InspectionState.PLANNED, db_index=True)
    summary = models.TextField(_("inspection summary"), blank=True)
    #: Why the enterprise's representative did not sign, when they refused (noted by the officers).
    no_signature_reason = models.CharField(_("why the enterprise did not sign"), max_length=200, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("planned by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    SCOPE_ENTERPRISE_FIELD = "enterprise"
    GRANTS = ({role: {"view"} for role in STAFF_ROLES}
              | {role: {"view", "add", "change"} for role in INSPECTING_ROLES}
              | {Role.ENTERPRISE_USER: {"view"}})

    class Meta:
        ordering = ["-planned_on", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [models.Index(fields=["state", "planned_on"], name="inspection_state_date_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise.name} {self.planned_on:%Y-%m-%d}"

    @property
    def number(self) -> str:
        return f"JC{self.planned_on:%Y}-{self.pk:05d}"

    @property
    def officer_names(self) -> str:
        return "、".join(o["name"] for o in self.officer_record)

    @property
    def officer_user_ids(self) -> list[int]:
        return [o["user"] for o in self.officer_record]


class InspectionEvent(TimelineEvent):
    """One entry of an inspection's timeline: arrival, each item checked, photos, signatures, the exam, hazards
    handed on, documents issued, the record completed or cancelled."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("action"), max_length=16, choices=InspectionEventKind.choices())
    from_state = models.CharField(_("from"), max_length=16, choices=InspectionState.choices(), blank=True)
    to_state = models.CharField(_("to"), max_length=16, choices=InspectionState.choices(), blank=True)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("inspection event")
        verbose_name_plural = _("inspection events")
        indexes = [models.Index(fields=["inspection", "time"], name="inspection_event_idx")]


class InspectionFinding(models.Model):
    """The result of one checklist item, with its legal basis as the checklist gave it, the photos taken and the
    hazard it became (prevention's closed loop). Read through its inspection."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    position = models.PositiveSmallIntegerField(_("position"))
    item_code = models.CharField(_("item"), max_length=16)
    category = models.CharField(_("category"), max_length=50)
    item_text = models.TextField(_("checked item"))
    basis = models.TextField(_("legal basis"))
    result = models.CharField(_("result"), max_length=16, choices=FindingResult.choices(), db_index=True)
    description = models.TextField(_("description"), blank=True)
    photos = models.ManyToManyField("core.Attachment", verbose_name=_("photos"), blank=True, related_name="+")
    hazard = models.ForeignKey("prevention.Hazard", verbose_name=_("hazard"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["inspection", "position"]
        verbose_name = _("inspection finding")
        verbose_name_plural = _("inspection findings")
        constraints = [models.UniqueConstraint(fields=["inspection", "item_code"], name="finding_item_unique")]

    def __str__(self) -> str:
        return f"{self.item_code} {self.get_result_display()}"


class InspectionSignature(models.Model):
    """A signature drawn on the touch screen (a PNG attachment of the inspection), with who signed and when."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="signatures")
    role = models.CharField(_("signed as"), max_length=16, choices=SignerRole.choices())
    signer_name = models.CharField(_("signer"), max_length=50)
    officer = models.ForeignKey(Officer, verbose_name=_("officer"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    #: Attachments are never deleted in operation (only a demo reset clears them, signatures with them).
    image = models.ForeignKey("core.Attachment", verbose_name=_("signature"), on_delete=models.CASCADE,
                              related_name="+")
    signed_at = models.DateTimeField(_("signed"))

    class Meta:
        ordering = ["inspection", "role", "signed_at", "id"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")

    def __str__(self) -> str:
        return self.signer_name


class InspectionExam(models.Model):
    """The 逢查必考 exam sat on site by the enterprise's principal or safety manager: the paper (drawn from the
    bank with the inspection's seed), the answers given, the score and whether it passed."""

    inspection = models.OneToOneField(Inspection, on_delete=models.CASCADE, related_name="exam")
    examinee = models.CharField(_("examinee"), max_length=50)
    audience = models.CharField(_("examinee's post"), max_length=16, choices=ExamAudience.choices())
    seed = models.CharField(_("seed"), max_length=64)
    questions = models.JSONField(_("questions"), default=list)
    answers = models.JSONField(_("answers"), default=dict)
    total = models.PositiveSmallIntegerField(_("questions"))
    correct = models.PositiveSmallIntegerField(_("correct"))
    score = models.PositiveSmallIntegerField(_("score"))
    passed = models.BooleanField(_("passed"))
    wrong = models.JSONField(_("wrong answers"), default=list)
    taken_at = models.DateTimeField(_("taken"))

    class Meta:
        verbose_name = _("on-site exam")
        verbose_name_plural = _("on-site exams")

    def __str__(self) -> str:
        return f"{self.examinee} {self.score}"


class InspectionSubmission(models.Model):
    """A field record received from a phone, by the key the phone generated: a repeated submission (a retry after a
    lost answer, the offline queue sending again) answers the stored result and writes nothing."""

    key = models.UUIDField(_("submission key"), unique=True)
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="submissions")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    result = models.JSONField(_("result"), default=dict)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("field submission")
        verbose_name_plural = _("field submissions")

    def __str__(self) -> str:
        return str(self.key)
