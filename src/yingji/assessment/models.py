"""The annual assessment (考核, issue 17 §2): a year's rubric for townships or member units with its items
(measured from records, assessed from evidence, veto), and one assessment per rubric and unit with its item rows,
scored, published with a frozen ranking, appealed and decided.

Assessments of townships lie in the township (``region_code`` of 9 digits); a member unit's lies where the unit
lies. Assessors (the bureau's administrators and section staff) see every assessment of their jurisdiction; other
staff, township staff among them, see only published ones (published, appealed, appeal decided, final) of their
own place, so a township never reads a draft nor another township's assessment."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core import policy
from yingji.core.models import CRUD, STAFF_ROLES, Role, Scoped, region_code_validator
from yingji.core.workflow import Versioned

from .choices import AppealState, AssessmentState, Grade, ItemKind, Metric, RubricState, Target, VetoEffect

ASSESSORS = {Role.ADMIN, Role.SECTION_STAFF}
VIEWERS = STAFF_ROLES - {Role.GRID_MEMBER}
GRANTS = {role: {"view"} for role in VIEWERS} | {role: CRUD | {"attach"} for role in ASSESSORS}
#: States in which the assessed unit (and staff other than assessors) may read an assessment.
VISIBLE_TO_UNIT = (AssessmentState.PUBLISHED, AssessmentState.APPEALED, AssessmentState.APPEAL_DECIDED,
                   AssessmentState.FINAL)


def is_assessor(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.role_keys & ASSESSORS)


def _rubric_scope(user, path: str) -> Q:
    """A rubric is seen at its place and every place inside it (a township's staff read the county's rubric);
    a draft only by assessors."""
    if user.enterprise_id or not user.scope_region_code:
        return policy.NOTHING
    code = user.scope_region_code
    seen = (Q(**{f"{path}region_code__startswith": user.scope_prefix})
            | Q(**{f"{path}region_code__in": policy.region_ancestors(code)}))
    return seen if is_assessor(user) else seen & Q(**{f"{path}state": RubricState.PUBLISHED})


class Rubric(Scoped, Versioned):
    """A year's scoring rubric (考核细则) for township governments or member units; data, edited while a draft."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    target = models.CharField(_("assessed units"), max_length=16, choices=Target.choices())
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    region_code = models.CharField(_("region code"), max_length=12, db_index=True,
                                   validators=[region_code_validator])
    state = models.CharField(_("state"), max_length=16, choices=RubricState.choices(), default=RubricState.DRAFT,
                             editable=False)
    bands = models.JSONField(_("grade bands"), default=list, blank=True, help_text=_(
        "Lowest total of each grade, e.g. excellent 90, good 80, passed 60."))
    source = models.TextField(_("source"), blank=True)

    GRANTS = GRANTS

    class Meta:
        ordering = ["-year", "target"]
        verbose_name = _("assessment rubric")
        verbose_name_plural = _("assessment rubrics")
        constraints = [models.UniqueConstraint(fields=["region_code", "year", "target"],
                                               name="assessment_rubric_once")]

    def __str__(self) -> str:
        return self.title if str(self.year) in self.title else f"{self.year} {self.title}"

    @classmethod
    def scope_q_for(cls, user) -> Q:
        return _rubric_scope(user, "")

    @property
    def total_points(self):
        return sum((i.points for i in self.items.all()), 0)


class RubricItem(Scoped):
    """One line of a rubric: its points and how it is scored (a rule on a metric, an assessor, or a veto)."""

    rubric = models.ForeignKey(Rubric, verbose_name=_("assessment rubric"), on_delete=models.CASCADE,
                               related_name="items")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    section = models.CharField(_("section"), max_length=50)
    name = models.CharField(_("item"), max_length=200)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2, default=0,
                                 validators=[MinValueValidator(0), MaxValueValidator(100)])
    kind = models.CharField(_("kind"), max_length=16, choices=ItemKind.choices())
    metric = models.CharField(_("metric"), max_length=40, choices=Metric.choices(), blank=True)
    rule = models.JSONField(_("scoring rule"), default=dict, blank=True)
    effect = models.CharField(_("veto effect"), max_length=16, choices=VetoEffect.choices(), blank=True)
    evidence = models.TextField(_("evidence required"), blank=True)
    note = models.TextField(_("note"), blank=True)

    GRANTS = GRANTS

    class Meta:
        ordering = ["rubric", "position", "id"]
        verbose_name = _("rubric item")
        verbose_name_plural = _("rubric items")

    def __str__(self) -> str:
        return f"{self.section}·{self.name}"

    @classmethod
    def scope_q_for(cls, user) -> Q:
        return _rubric_scope(user, "rubric__")


class Assessment(Scoped, Versioned):
    """One unit's assessment under a rubric: a township (``region_code``) or a member unit (``organisation``)."""

    rubric = models.ForeignKey(Rubric, verbose_name=_("assessment rubric"), on_delete=models.PROTECT,
                               related_name="assessments")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True,
                                   validators=[region_code_validator])
    organisation = models.ForeignKey("core.Organisation", verbose_name=_("assessed unit"), on_delete=models.PROTECT,
                                     related_name="+")
    state = models.CharField(_("state"), max_length=16, choices=AssessmentState.choices(),
                             default=AssessmentState.DRAFT, editable=False, db_index=True)
    total = models.DecimalField(_("total score"), max_digits=6, decimal_places=2, null=True, blank=True,
                                editable=False)
    grade = models.CharField(_("grade"), max_length=16, choices=Grade.choices(), blank=True, editable=False)
    vetoed = models.BooleanField(_("vetoed"), default=False, editable=False)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True, editable=False)
    scored_at = models.DateTimeField(_("scored"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(pgettext_lazy("assessment", "published"), null=True, blank=True,
                                        editable=False)
    appeal_reason = models.TextField(_("appeal reason"), blank=True, editable=False)
    appealed_at = models.DateTimeField(_("appealed"), null=True, blank=True, editable=False)
    appealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("appealed by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    decided_at = models.DateTimeField(_("appeal decided"), null=True, blank=True, editable=False)
    remarks = models.TextField(_("remarks"), blank=True)

    GRANTS = GRANTS

    class Meta:
        ordering = ["rubric", "rank", "region_code", "id"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [models.UniqueConstraint(fields=["rubric", "organisation"], name="assessment_once")]

    def __str__(self) -> str:
        return f"{self.rubric.year} {self.organisation}"

    @classmethod
    def scope_q_for(cls, user) -> Q:
        """Assessors: every assessment of their jurisdiction; everyone else: published ones of their place."""
        if user.enterprise_id or not user.scope_region_code:
            return policy.NOTHING
        inside = Q(region_code__startswith=user.scope_prefix)
        return inside if is_assessor(user) else inside & Q(state__in=VISIBLE_TO_UNIT)


class AssessmentItem(Scoped):
    """One rubric item's row in an assessment: the metric's value (measured), the score, the assessor's reason
    and evidence (assessed), the veto finding, and the unit's appeal on it."""

    assessment = models.ForeignKey(Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE,
                                   related_name="items")
    rubric_item = models.ForeignKey(RubricItem, verbose_name=_("rubric item"), on_delete=models.PROTECT,
                                    related_name="+")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True, editable=False)
    value = models.DecimalField(_("metric value"), max_digits=12, decimal_places=4, null=True, blank=True)
    value_text = models.CharField(_("metric detail"), max_length=200, blank=True)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    triggered = models.BooleanField(_("veto triggered"), default=False)
    reason = models.TextField(_("scoring reason"), blank=True)
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("scored by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    appeal_state = models.CharField(_("appeal"), max_length=16, choices=AppealState.choices(), blank=True,
                                    default=AppealState.NONE)
    appeal_reason = models.TextField(_("appeal reason"), blank=True)
    decision_reason = models.TextField(_("appeal decision"), blank=True)
    score_before_appeal = models.DecimalField(_("score before the appeal"), max_digits=6, decimal_places=2,
                                              null=True, blank=True)

    class Meta:
        ordering = ["assessment", "rubric_item__position", "id"]
        verbose_name = _("assessment item")
        verbose_name_plural = _("assessment items")
        constraints = [models.UniqueConstraint(fields=["assessment", "rubric_item"], name="assessment_item_once")]

    GRANTS = GRANTS

    @classmethod
    def scope_q_for(cls, user) -> Q:
        if user.enterprise_id or not user.scope_region_code:
            return policy.NOTHING
        inside = Q(region_code__startswith=user.scope_prefix)
        return inside if is_assessor(user) else inside & Q(assessment__state__in=VISIBLE_TO_UNIT)

    def __str__(self) -> str:
        return str(self.rubric_item)
