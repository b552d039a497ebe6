"""The declared surfaces of training and exams (courses, sessions, trainees, certificates, the question bank,
papers and attempts), rendered by core's generic pages and API."""

from __future__ import annotations

import dataclasses

from django.urls import reverse
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

from yingji.core import policy
from yingji.core.surfaces import Badge, ChoiceList, Column, Computed, Phone, Region, Surface, When, register

from . import training_filters as filters
from . import training_forms as forms
from .models import Attendance, Certificate, Course, ExamAttempt, ExamPaper, Question, Trainee, TrainingSession
from .services import exams, training
from .training_choices import (
    SECTOR_LABELS,
    AttemptState,
    AttendeeKind,
    CertificateState,
    ExamPurpose,
    QuestionKind,
    TraineeRole,
)


def sector_label(sector: str) -> str:
    return str(SECTOR_LABELS.get(sector, sector)) if sector else ""


def answer_text(value) -> str:
    """An answer as shown: 对/错, or the letters joined with 、 (A、C)."""
    if value in (True, "true"):
        return "对"
    if value in (False, "false"):
        return "错"
    return "、".join(str(value or ""))


def _yes_no_answer(q: Question) -> str:
    return answer_text(q.answer)


def _link_to(name: str):
    """``pk -> URL`` of a detail page, the URL reversed once (a session's table links hundreds of rows)."""
    marker = 987654321
    head, tail = reverse(name, args=[marker]).split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


def _attendance_rows(user, session: TrainingSession) -> list[dict]:
    """The session's attendance the user may see, as the table shows it: names linking to the trainee, the kind's
    label, hours, passed and the certificate's number linking to it."""
    trainee_url, certificate_url = _link_to("trainee_detail"), _link_to("training_certificate_detail")
    kinds = AttendeeKind.labels()
    rows = []
    for a in session.attendance.filter(policy.scope_q(user, Attendance)).select_related("certificate"):
        certificate = getattr(a, "certificate", None)  # the reverse one-to-one raises when there is none
        rows.append({"name": a.name, "trainee_url": trainee_url(a.trainee_id) if a.trainee_id else "",
                     "kind": kinds.get(a.kind, a.kind), "attended": a.attended, "hours": a.hours,
                     "passed": a.passed, "certificate_number": certificate.number if certificate else "",
                     "certificate_url": certificate_url(certificate.pk) if certificate else ""})
    return rows


COURSES = Surface(
    model=Course, prefix="training_course", title=_l("Training courses"), singular=_l("Training course"),
    export_name="training-courses", subtitle=_l("Courses with their topic, hours and audience; sessions run them."),
    filterset=filters.CourseFilterSet, form=forms.CourseForm,
    create=training.create_course, update=training.update_course,
    create_title=_l("New training course"), edit_title=_l("Edit training course"),
    columns=[
        Column("title", _l("Course"), link="self"), Column("topic", _l("Topic")), Column("hours", _l("Hours")),
        Column("initial", _l("Initial training")), ChoiceList("audience", _l("Audience"), AttendeeKind),
        Column("certificate_months", _l("Certificate valid (months)")), Region(), Column("is_active", _l("Active")),
        Column("description", _l("Description"), table=False),
    ],
)

SESSIONS = Surface(
    model=TrainingSession, prefix="training_session", title=_l("Training sessions"),
    singular=_l("Training session"), export_name="training-sessions",
    subtitle=_l("Sessions (培训班) held: when, where, who taught, who attended and the hours credited."),
    filterset=filters.SessionFilterSet, form=forms.SessionForm,
    queryset=lambda: TrainingSession.objects.select_related("course"),
    create=training.create_session, update=training.update_session,
    create_title=_l("New training session"), edit_title=_l("Edit training session"),
    columns=[
        Column("title", _l("Session"), link="self"), Column("course", _l("Course"), link="course"),
        Column("start_date", _l("Starts")), Column("end_date", _l("Ends")), Column("hours", _l("Hours")),
        Column("trainer", _l("Trainer")), Column("place", _l("Place")), Region(),
        Column("organiser", _l("Organiser"), table=False),
    ],
    detail_template="preparedness/training_session_detail.html",
    detail_context=lambda request, session, view: {
        "attendance": _attendance_rows(request.user, session),
        "can_record": policy.can(request.user, "change", TrainingSession) and policy.in_scope(request.user, session),
        "attendance_form": forms.AttendanceForm(user=request.user)},
)

TRAINEES = Surface(
    model=Trainee, prefix="trainee", title=_l("People in training"), singular=_l("Trainee"),
    export_name="trainees",
    subtitle=_l("Enterprise principals, safety managers and workers in training (only the last four characters "
                "of an ID number are kept)."),
    filterset=filters.TraineeFilterSet, form=forms.TraineeForm,
    queryset=lambda: Trainee.objects.select_related("enterprise"),
    create=training.create_trainee, update=training.update_trainee,
    create_title=_l("New trainee"), edit_title=_l("Edit trainee"),
    columns=[
        Column("name", pgettext_lazy("person", "Name"), link="self"),
        Column("enterprise", _l("Enterprise"), link="enterprise"), Badge("role", _l("Post"), TraineeRole),
        Computed("masked_id", _l("ID number"), lambda t: t.masked_id), Phone("phone", _l("Mobile")),
        Column("hired_on", _l("Took up the post")), Column("special_operation", _l("Special operation")),
        Column("is_active", _l("Active"), table=False),
    ],
    detail_template="preparedness/trainee_detail.html",
    detail_context=lambda request, trainee, view: {
        "attendance": trainee.attendance.select_related("session", "session__course"),
        "certificates": trainee.certificates.all(),
        "attempts": trainee.exam_attempts.exclude(state=AttemptState.OPEN).select_related("paper")},
)

CERTIFICATES = Surface(
    model=Certificate, prefix="training_certificate", title=_l("Training certificates"),
    singular=_l("Training certificate"), export_name="training-certificates",
    subtitle=_l("Certificates issued for passed training, with their expiry; holders are reminded 60 days "
                "before."),
    filterset=filters.CertificateFilterSet, queryset=lambda: Certificate.objects.select_related("enterprise"),
    columns=[
        Column("number", _l("Certificate number"), link="self"), Column("holder", _l("Holder")),
        Column("title", _l("Certificate")), Column("enterprise", _l("Enterprise"), link="enterprise"),
        Column("issued_on", _l("Issued on")), Column("expires_on", _l("Expires on")),
        Badge("state_badge", _l("State"), CertificateState), Region(table=False),
    ],
)

QUESTIONS = Surface(
    model=Question, prefix="exam_question", title=_l("Question bank"), singular=_l("Exam question"),
    export_name="exam-questions",
    subtitle=_l("Single and multiple choice and true-or-false questions by topic and industry; import them "
                "from a spreadsheet."),
    filterset=filters.QuestionFilterSet, form=forms.QuestionForm,
    create=exams.create_question, update=exams.update_question,
    create_title=_l("New exam question"), edit_title=_l("Edit exam question"),
    list_context=lambda request: {"import_url": reverse("exam_question_import")},
    columns=[
        Column("code", _l("Code"), link="self"), Badge("kind", _l("Kind"), QuestionKind),
        Column("text", _l("Question")), Column("topic", _l("Topic")),
        Computed("industry_label", _l("Industry"), lambda q: sector_label(q.industry)),
        Computed("options_text", _l("Options"), lambda q: "；".join(
            f"{exams.LETTERS[i]}. {o}" for i, o in enumerate(q.options or [])), table=False),
        Computed("answer_text", _l("Answer"), _yes_no_answer, table=False),
        Column("basis", _l("Legal basis"), table=False), Column("is_active", _l("Active")),
    ],
)

PAPERS = Surface(
    model=ExamPaper, prefix="exam_paper", title=_l("Exam papers"), singular=_l("Exam paper"),
    export_name="exam-papers",
    subtitle=_l("Each paper draws its questions at random by its rules; the pass mark is out of 100."),
    filterset=filters.PaperFilterSet, form=forms.PaperForm, create=exams.create_paper, update=exams.update_paper,
    create_title=_l("New exam paper"), edit_title=_l("Edit exam paper"),
    columns=[
        Column("title", _l("Exam"), link="self"), Badge("purpose", _l("Purpose"), ExamPurpose),
        Column("course", _l("Course"), link="course"),
        Computed("question_count", _l("Questions"), lambda p: p.question_count),
        Column("pass_mark", _l("Pass mark")), Column("minutes", _l("Time allowed (minutes)")),
        Computed("rules_text", _l("Drawing rules"), lambda p: "；".join(
            f"{QuestionKind.label(r['kind'])}{r.get('topic') or ''}{sector_label(r.get('industry') or '')}"
            f"×{r['count']}" for r in p.rules or []), table=False),
        Region(table=False), Column("is_active", _l("Active")),
    ],
)

ATTEMPTS = Surface(
    model=ExamAttempt, prefix="exam_attempt", title=_l("Exams taken"), singular=_l("Exam attempt"),
    export_name="exam-attempts",
    subtitle=_l("Exams at inspections (逢查必考) and course exams: who, which paper, the score."),
    filterset=filters.AttemptFilterSet,
    queryset=lambda: ExamAttempt.objects.select_related("paper", "enterprise", "inspection__enterprise", "trainee",
                                                        "session"),
    # The questions drawn, the answers and the result, the paper's drawing rules and the inspection's filled
    # checklist and officers: JSON documents the list never shows (decoding them was half the page's time; the
    # inspections' checklists, 10 kB each, made the database sort every joined row on disk-sized records).
    list_defer=("questions", "answers", "result", "paper__rules", "inspection__checklist_items",
                "inspection__officer_record"),
    create=lambda user, data: exams.start_attempt(user, data["paper"], data),
    create_title=_l("Start an exam"),
    columns=[
        Column("examinee", _l("Examinee"), link="self"), Column("paper", _l("Exam paper"), link="paper"),
        Column("enterprise", _l("Enterprise"), link="enterprise"), Column("inspection", _l("Inspection"),
                                                                            link="inspection"),
        When("started_at", _l("Started")), When("submitted_at", pgettext_lazy("exam time", "Submitted")),
        Column("score", pgettext_lazy("exam result", "Score")), Badge("state", _l("State"), AttemptState),
        Column("total", _l("Questions"), table=False), Column("correct", _l("Correct"), table=False),
        Column("trainee", _l("Trainee"), link="trainee", table=False),
        Column("session", _l("Training session"), link="session", table=False), Region(table=False),
    ],
    detail_template="preparedness/exam_attempt_detail.html",
    detail_context=lambda request, attempt, view: {
        "can_take": attempt.state == AttemptState.OPEN and policy.can(request.user, "change", ExamAttempt),
        "review": _review(attempt)},
)


def _review(attempt: ExamAttempt) -> list[dict]:
    if attempt.state == AttemptState.OPEN:
        return []
    wrong = set(attempt.result.get("wrong", [])) | set(attempt.result.get("unanswered", []))
    return [{"code": q["code"], "text": q["text"], "right": q["code"] not in wrong,
             "given": answer_text(attempt.answers.get(q["code"], ""))} for q in attempt.questions]


#: The page that starts an exam (an attempt is never edited: it is answered on its own page, once).
ATTEMPT_START = dataclasses.replace(ATTEMPTS, form=forms.AttemptForm)


def register_all() -> None:
    register(COURSES, SESSIONS, TRAINEES, CERTIFICATES, QUESTIONS, PAPERS, ATTEMPTS)

