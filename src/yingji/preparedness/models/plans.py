"""Plan documents (应急预案) over their life cycle, beside the plan record (``incidents.Plan``): the document's
versions (each with its file), the expert reviews (评审) with each expert's opinion, the filings (备案) of enterprise
plans with the bureau and the periodic evaluations (评估).

Scope: every record carries its plan's place and enterprise, so an enterprise account sees only its own
enterprise's records and a township's staff those of the township. Services are the only writers
(``services.plans``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingji.core.choices import Role
from yingji.core.models import STAFF_ROLES, Scoped
from yingji.core.workflow import Versioned

from ..choices_plans import EvaluationConclusion, FilingState, ReviewConclusion

#: Who keeps plan documents: the bureau's sections, the townships (their own) and the enterprises (their own).
KEEPERS = (Role.ADMIN, Role.SECTION_STAFF, Role.TOWNSHIP_STAFF, Role.ENTERPRISE_USER)
#: Who receives filings: the county bureau (办法 第二十六条: 县级以上应急管理部门).
BUREAU = (Role.ADMIN, Role.SECTION_STAFF)
PLAN_RECORD_GRANTS = ({role: {"view"} for role in STAFF_ROLES}
                      | {role: {"view", "add", "change", "attach"} for role in KEEPERS})
FILING_GRANTS = ({role: {"view"} for role in STAFF_ROLES} | {role: {"view", "change"} for role in BUREAU}
                 | {Role.ENTERPRISE_USER: {"view", "add", "change"}})


class _OfPlan(Scoped):
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+", editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    SCOPE_ENTERPRISE_FIELD = "enterprise"
    GRANTS = PLAN_RECORD_GRANTS

    class Meta:
        abstract = True


class PlanVersion(_OfPlan):
    """One version of a plan's document (文本版本): its number, what changed, and the file (an attachment)."""

    plan = models.ForeignKey("incidents.Plan", verbose_name=_("emergency plan"), on_delete=models.PROTECT,
                             related_name="doc_versions")
    number = models.PositiveIntegerField(_("version number"))
    change_note = models.TextField(_("change note"), blank=True)

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("plan document version")
        verbose_name_plural = _("plan document versions")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique")]

    def __str__(self) -> str:
        return f"{self.plan} V{self.number}"


class PlanReview(_OfPlan):
    """An expert review (评审) of a plan version: the date, the experts from the expert pool with their opinions,
    and the conclusion."""

    plan = models.ForeignKey("incidents.Plan", verbose_name=_("emergency plan"), on_delete=models.PROTECT,
                             related_name="reviews")
    doc_version = models.ForeignKey(PlanVersion, verbose_name=_("version reviewed"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="reviews")
    date = models.DateField(_("review date"), db_index=True)
    conclusion = models.CharField(_("conclusion"), max_length=16, choices=ReviewConclusion.choices())
    summary = models.TextField(_("review summary"), blank=True)
    experts = models.ManyToManyField("resources.Expert", verbose_name=_("experts"), through="ReviewOpinion",
                                     related_name="+")

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("plan review")
        verbose_name_plural = _("plan reviews")

    def __str__(self) -> str:
        return f"{self.plan} · {self.date}"


class ReviewOpinion(models.Model):
    """One expert's opinion in a review (read through the review)."""

    review = models.ForeignKey(PlanReview, on_delete=models.CASCADE, related_name="opinions")
    expert = models.ForeignKey("resources.Expert", verbose_name=_("expert"), on_delete=models.PROTECT,
                               related_name="+")
    opinion = models.TextField(_("opinion"))
    agrees = models.BooleanField(_("agrees to pass"), default=True)

    class Meta:
        ordering = ["review", "id"]
        verbose_name = _("review opinion")
        verbose_name_plural = _("review opinions")
        constraints = [models.UniqueConstraint(fields=["review", "expert"], name="review_opinion_unique")]

    def __str__(self) -> str:
        return f"{self.expert}: {self.opinion[:40]}"


class PlanFiling(_OfPlan, Versioned):
    """An enterprise plan's filing (备案) with the bureau: the materials and contents declared against the checklist
    (``standards.emergency_plans.filing_checklist``), then received with a receipt number (备案编号, unique per
    year: ``<county code>-<year>-<serial>``) or returned with the reason and the items missing."""

    plan = models.ForeignKey("incidents.Plan", verbose_name=_("emergency plan"), on_delete=models.PROTECT,
                             related_name="filings")
    doc_version = models.PositiveIntegerField(_("document version filed"), default=1, editable=False)
    state = models.CharField(_("state"), max_length=16, choices=FilingState.choices(),
                             default=FilingState.SUBMITTED, db_index=True)
    checklist = models.JSONField(_("checklist items provided"), default=list)
    submitted_on = models.DateField(_("submitted on"), db_index=True)
    receipt_number = models.CharField(_("receipt number"), max_length=32, null=True, blank=True, unique=True,
                                      editable=False)
    receipt_year = models.PositiveSmallIntegerField(_("receipt year"), null=True, blank=True, editable=False)
    receipt_serial = models.PositiveIntegerField(_("receipt serial"), null=True, blank=True, editable=False)
    handled_on = models.DateField(_("handled on"), null=True, blank=True, editable=False)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handled by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)
    return_reason = models.TextField(_("reason for return"), blank=True, editable=False)

    GRANTS = FILING_GRANTS

    class Meta:
        ordering = ["-submitted_on", "-id"]
        verbose_name = _("plan filing")
        verbose_name_plural = _("plan filings")
        constraints = [models.UniqueConstraint(fields=["receipt_year", "receipt_serial"],
                                               name="plan_filing_receipt_serial_unique")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.receipt_number or self.submitted_on}"


class PlanEvaluation(_OfPlan):
    """A periodic evaluation (评估, 办法 第三十五条): the date, the findings, the revision triggers found (第三十六条)
    and the conclusion; a plan needing revision has a date by which the revision is due."""

    plan = models.ForeignKey("incidents.Plan", verbose_name=_("emergency plan"), on_delete=models.PROTECT,
                             related_name="evaluations")
    date = models.DateField(_("evaluation date"), db_index=True)
    conclusion = models.CharField(_("conclusion"), max_length=16, choices=EvaluationConclusion.choices())
    findings = models.TextField(_("findings"))
    triggers = models.JSONField(_("revision triggers"), default=list, blank=True)
    revision_due = models.DateField(_("revision due"), null=True, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("plan evaluation")
        verbose_name_plural = _("plan evaluations")

    def __str__(self) -> str:
        return f"{self.plan} · {self.date}"
