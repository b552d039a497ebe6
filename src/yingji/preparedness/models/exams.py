"""Exams (逢查必考 and course exams): the question bank, papers drawn by rules, and attempts submitted once.

A paper declares its rules (how many questions of which kind, topic and industry); each attempt draws its own
questions with a seed and keeps them (with their answers) as they were, so later edits of the bank never change a
past result. A submission carries a key; a second submission of the same attempt answers the first result."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingji.core.choices import Role
from yingji.core.models import ALL_ROLES, CRUD, STAFF_ROLES, Scoped, ScopedManager, region_code_validator

from ..training_choices import AttemptState, ExamPurpose, QuestionKind
from .training import TRAINING_ORGANISERS


class Question(models.Model):
    """A question of the bank: single or multiple choice (answer letters) or true/false, by topic and industry
    (the ``standards.training`` sector, or empty for every industry)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind.choices(), db_index=True)
    text = models.TextField(_("question"))
    options = models.JSONField(_("options"), default=list, blank=True)
    #: "A" (single), "AC" (multiple, letters in order), "true"/"false" (true or false).
    answer = models.CharField(_("answer"), max_length=8)
    topic = models.CharField(_("topic"), max_length=100, db_index=True)
    industry = models.CharField(_("industry"), max_length=32, blank=True, db_index=True)
    basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedManager()

    GRANTS = {role: {"view"} for role in STAFF_ROLES} | {r: CRUD for r in TRAINING_ORGANISERS}

    class Meta:
        ordering = ["code"]
        verbose_name = _("exam question")
        verbose_name_plural = _("exam questions")

    def __str__(self) -> str:
        return f"{self.code} {self.text[:30]}"

    @classmethod
    def scope_q_for(cls, user) -> models.Q:
        """The bank is the county's reference data: every bureau and township account reads it (what it may do
        with it is in ``GRANTS``); enterprise accounts see papers only as drawn for an exam."""
        if user.enterprise_id:
            return models.Q(pk__in=[])
        return models.Q(pk__isnull=False)


class ExamPaper(Scoped):
    """A paper's rules: ``rules`` is ``[{"kind", "topic", "industry", "count"}]`` (topic and industry may be
    empty: any), the points are shared equally, ``pass_mark`` of 100 passes."""

    title = models.CharField(_("exam"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=16, choices=ExamPurpose.choices(), db_index=True)
    course = models.ForeignKey("preparedness.Course", verbose_name=_("course"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="papers")
    rules = models.JSONField(_("drawing rules"), default=list)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark"), default=80,
                                                 validators=[MinValueValidator(1), MaxValueValidator(100)])
    minutes = models.PositiveSmallIntegerField(_("time allowed (minutes)"), default=30)
    region_code = models.CharField(_("region code"), max_length=12, db_index=True,
                                   validators=[region_code_validator])
    is_active = models.BooleanField(_("active"), default=True)

    GRANTS = ({role: {"view"} for role in ALL_ROLES} | {r: CRUD for r in TRAINING_ORGANISERS})

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("exam paper")
        verbose_name_plural = _("exam papers")

    #: What ``__str__`` returns: form choices read it as a column (``core.modelchoices``).
    CHOICE_LABEL = "title"

    def __str__(self) -> str:
        return self.title

    @property
    def question_count(self) -> int:
        return sum(int(r.get("count") or 0) for r in self.rules or [])


class ExamAttempt(Scoped):
    """One person's exam: the drawn questions (kept with their answers), the answers given, the score; taken
    for an enterprise trainee (or a named person), optionally during an inspection."""

    SCOPE_ENTERPRISE_FIELD = "enterprise"

    paper = models.ForeignKey(ExamPaper, verbose_name=_("exam paper"), on_delete=models.PROTECT,
                              related_name="attempts")
    examinee = models.CharField(_("examinee"), max_length=50)
    trainee = models.ForeignKey("preparedness.Trainee", verbose_name=_("trainee"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="exam_attempts")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="+")
    inspection = models.ForeignKey("enforcement.Inspection", verbose_name=_("inspection"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    session = models.ForeignKey("preparedness.TrainingSession", verbose_name=_("training session"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="exam_attempts")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True,
                                   validators=[region_code_validator])
    seed = models.CharField(_("seed"), max_length=64)
    #: [{"code", "kind", "text", "options", "answer"}] as drawn (the answers never leave the server).
    questions = models.JSONField(_("questions"), default=list)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=AttemptState.choices(), default=AttemptState.OPEN,
                             db_index=True)
    total = models.PositiveSmallIntegerField(_("questions"), default=0)
    correct = models.PositiveSmallIntegerField(_("correct"), default=0)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, db_index=True)
    #: The key of the submission that was recorded; a repeat (same attempt, any key) answers ``result``.
    submission_key = models.UUIDField(_("submission key"), null=True, blank=True, unique=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    GRANTS = ({role: {"view"} for role in ALL_ROLES}
              | {r: CRUD for r in TRAINING_ORGANISERS}
              | {r: {"view", "add", "change"} for r in (Role.INSPECTOR, Role.TOWNSHIP_STAFF, Role.ENTERPRISE_USER)})

    class Meta:
        ordering = ["-started_at", "-id"]
        # The list's order (newest first): a page reads its rows in order instead of sorting them all.
        indexes = [models.Index(fields=["-started_at", "-id"], name="prep_attempt_started_idx")]
        verbose_name = _("exam attempt")
        verbose_name_plural = _("exam attempts")

    def __str__(self) -> str:
        return f"{self.examinee} {self.paper}"
