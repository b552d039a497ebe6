"""Choice sets of training and exams (values English, labels translated, colours for badges)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import ChoiceSet


class AttendeeKind(ChoiceSet):
    """Who sits in a training session."""

    NAME = "training_attendee_kind"
    FIELDS = (("preparedness.attendance", "kind"),)
    BUREAU_STAFF = "bureau_staff"
    OFFICER = "officer"
    TOWNSHIP_STAFF = "township_staff"
    PRINCIPAL = "principal"
    SAFETY_MANAGER = "safety_manager"
    SPECIAL_WORKER = "special_worker"
    WORKER = "worker"
    CHOICES = (
        (BUREAU_STAFF, _("Bureau staff"), "primary"),
        (OFFICER, _("Enforcement officer"), "primary"),
        (TOWNSHIP_STAFF, _("Township staff"), "info"),
        (PRINCIPAL, _("Enterprise principal"), "danger"),
        (SAFETY_MANAGER, pgettext_lazy("trainee", "Safety manager"), "warning"),
        (SPECIAL_WORKER, _("Special-operation worker"), "warning"),
        (WORKER, _("Worker"), "secondary"),
    )
    ENTERPRISE = (PRINCIPAL, SAFETY_MANAGER, SPECIAL_WORKER, WORKER)


class TraineeRole(ChoiceSet):
    """An enterprise person's post, as 《生产经营单位安全培训规定》 groups them."""

    NAME = "trainee_role"
    FIELDS = (("preparedness.trainee", "role"),)
    PRINCIPAL = "principal"
    SAFETY_MANAGER = "safety_manager"
    SPECIAL_WORKER = "special_worker"
    WORKER = "worker"
    CHOICES = (
        (PRINCIPAL, _("Principal responsible person"), "danger"),
        (SAFETY_MANAGER, pgettext_lazy("trainee", "Safety manager"), "warning"),
        (SPECIAL_WORKER, _("Special-operation worker"), "info"),
        (WORKER, _("Worker"), "secondary"),
    )


class ComplianceState(ChoiceSet):
    """One person's training against the required hours (computed, never stored)."""

    NAME = "training_compliance"
    MET = "met"
    SHORT = "short"
    NO_INITIAL = "no_initial"
    CHOICES = (
        (MET, _("Hours met"), "success"),
        (SHORT, _("Yearly hours short"), "warning"),
        (NO_INITIAL, _("Initial training not done"), "danger"),
    )


class CertificateState(ChoiceSet):
    """A training certificate on a given day (computed, never stored)."""

    NAME = "training_certificate_state"
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    CHOICES = (
        (VALID, pgettext_lazy("certificate", "Valid"), "success"),
        (EXPIRING, _("Expires within 60 days"), "warning"),
        (EXPIRED, pgettext_lazy("certificate", "Expired"), "danger"),
    )


class QuestionKind(ChoiceSet):
    NAME = "exam_question_kind"
    FIELDS = (("preparedness.question", "kind"),)
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"
    CHOICES = (
        (SINGLE, _("Single choice"), "primary"),
        (MULTIPLE, _("Multiple choice"), "info"),
        (TRUE_FALSE, _("True or false"), "secondary"),
    )


class ExamPurpose(ChoiceSet):
    NAME = "exam_purpose"
    FIELDS = (("preparedness.exampaper", "purpose"),)
    INSPECTION = "inspection"
    COURSE = "course"
    CHOICES = (
        (INSPECTION, _("Exam at inspection (逢查必考)"), "warning"),
        (COURSE, _("Course exam"), "primary"),
    )


class AttemptState(ChoiceSet):
    NAME = "exam_attempt_state"
    FIELDS = (("preparedness.examattempt", "state"),)
    OPEN = "open"
    PASSED = "passed"
    FAILED = "failed"
    CHOICES = (
        (OPEN, _("Not submitted"), "secondary"),
        (PASSED, pgettext_lazy("exam", "Passed"), "success"),
        (FAILED, pgettext_lazy("exam", "Failed"), "danger"),
    )


#: The sectors of ``standards.training`` as shown (the enterprise's sector for training hours).
SECTOR_LABELS = {"coal_mine": _("Coal mine"), "non_coal_mine": _("Non-coal mine"),
                 "hazardous_chemicals": _("Hazardous chemicals"), "fireworks": _("Fireworks"),
                 "metal_smelting": _("Metal smelting"), "other": _("Other industries")}
