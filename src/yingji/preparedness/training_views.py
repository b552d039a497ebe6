"""Pages of training and exams beyond the declared surfaces: recording attendance, the compliance page, the
question import, and the exam taken on a phone (submitted once)."""

from __future__ import annotations

import datetime
import uuid

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST

from yingji.core.errors import ServiceError
from yingji.core.generic import form_page, get_for_page, page_query, require_page, save_form
from yingji.core.models import enterprise_model
from yingji.core.surfaces import url_maker

from . import training_forms as forms
from .models import ExamAttempt, Question, Trainee, TrainingSession
from .services import exams, training
from .training_choices import AttemptState, ComplianceState, TraineeRole
from .training_surfaces import sector_label

#: Enterprises per page of the compliance table.
ENTERPRISES_PER_PAGE = 50


@login_required
@require_POST
def session_attendance_add(request, pk: int):
    session = get_for_page(request, TrainingSession, pk, "change")
    form = forms.AttendanceForm(request.POST, user=request.user)
    if save_form(request, form, lambda data: training.record_attendance(request.user, session, data),
                 success=_("Attendance recorded.")) is not None:
        return redirect("training_session_detail", pk=session.pk)
    return form_page(request, form, _("Record attendance"), reverse("training_session_detail", args=[session.pk]),
                     session, status=400)


def _on(request) -> datetime.date:
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    today = timezone.localdate()
    if 2000 <= year < today.year:
        return datetime.date(year, 12, 31)
    return today


@login_required
def training_compliance(request):
    require_page(request, "view", Trainee)
    on = _on(request)
    only_short = request.GET.get("short") == "1"
    # A page of enterprises at a time (a county has hundreds, with their people); labels translated once each.
    if only_short:  # which are short is known only once every enterprise is checked
        page = Paginator([r for r in training.compliance(request.user, on) if not r["compliant"]],
                         ENTERPRISES_PER_PAGE).get_page(request.GET.get("page"))
    else:  # the page's enterprises only are checked
        page = Paginator(training.compliance_enterprises(request.user).values_list("pk", flat=True),
                         ENTERPRISES_PER_PAGE).get_page(request.GET.get("page"))
        page.object_list = training.compliance(request.user, on, enterprises=enterprise_model().objects.filter(
            pk__in=list(page.object_list)))
    roles, states = TraineeRole.labels(), ComplianceState.labels()
    enterprise_url, trainee_url = url_maker("enterprise_detail"), url_maker("trainee_detail")
    for row in page.object_list:
        row["sector_label"] = sector_label(row["sector"])
        row["url"] = enterprise_url(row["enterprise_id"])
        for person in row["people"]:
            person.url = trainee_url(person.trainee_id) if person.trainee_id else ""
            person.role_label = roles.get(person.role, person.role)
            person.state_label = states.get(person.state, person.state)
            person.state_colour = ComplianceState.colour(person.state)
    return render(request, "preparedness/training_compliance.html", {
        "title": _("Training compliance"), "rows": page.object_list, "page": page, "query": page_query(request),
        "year": on.year, "only_short": only_short,
        "stats": training.statistics(request.user, on.year),
        "may_view_officers": not request.user.enterprise_id})


class ImportForm(django_forms.Form):
    file = django_forms.FileField(label=_l("Excel workbook (.xlsx)"),
                                  widget=django_forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
    dry_run = django_forms.BooleanField(label=_l("Only check the file, write nothing"), required=False)


@login_required
@require_http_methods(["GET", "POST"])
def question_import(request):
    from yingji.core.imports import ImportFailed

    require_page(request, "add", Question)
    form = ImportForm(request.POST or None, request.FILES or None)
    row_errors, file_errors, checked, status = [], [], None, 200
    if request.method == "POST" and form.is_valid():
        dry_run = form.cleaned_data["dry_run"]
        try:
            rows = exams.import_questions(request.user, form.cleaned_data["file"], dry_run=dry_run)
        except ImportFailed as exc:
            row_errors, status = exc.errors, 422
        except ServiceError as exc:
            file_errors, status = [e["message"] for e in exc.errors] or [exc.detail], exc.status
        else:
            if not dry_run:
                messages.success(request, _("Imported %(rows)s rows.") % {"rows": rows})
                return redirect("exam_question_list")
            checked = rows
    return render(request, "preparedness/question_import.html", {
        "form": form, "row_errors": row_errors, "file_errors": file_errors, "checked": checked,
        "title": _("Import exam questions"), "back_url": reverse("exam_question_list"),
        "columns": exams.IMPORT_COLUMNS}, status=status)


@login_required
def question_import_template(request):
    require_page(request, "add", Question)
    response = HttpResponse(exams.template(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''exam-questions-template.xlsx"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def exam_take(request, pk: int):
    """The exam on a phone: the questions (never the answers), one submit. The page carries a key made when it
    was drawn; a second submission (a double tap, a retry) shows the first result and records nothing."""
    attempt = get_for_page(request, ExamAttempt, pk, "change")
    if request.method == "GET" and exams.close_if_timed_out(attempt):
        messages.error(request, exams.late_message(attempt))
        return redirect("exam_attempt_detail", pk=attempt.pk)
    if request.method == "POST":
        answers = {}
        for q in attempt.questions:
            if q["kind"] == "multiple":
                given = "".join(sorted(request.POST.getlist(q["code"])))
            else:
                given = request.POST.get(q["code"], "")
            if given:
                answers[q["code"]] = given
        try:
            result, created = exams.submit_attempt(request.user, attempt, request.POST.get("key"), answers)
        except ServiceError as exc:
            messages.error(request, "；".join(e["message"] for e in exc.errors) or exc.detail)
            if exams.close_if_timed_out(attempt):
                return redirect("exam_attempt_detail", pk=attempt.pk)
            return redirect("exam_take", pk=attempt.pk)
        if created:
            messages.success(request, _("Submitted: %(score)s points.") % {"score": result["score"]})
        else:
            messages.info(request, _("This exam was already submitted; the first result stands."))
        return redirect("exam_attempt_detail", pk=attempt.pk)
    if attempt.state != AttemptState.OPEN:
        return redirect("exam_attempt_detail", pk=attempt.pk)
    questions = exams.for_examinee(attempt)
    for q in questions:
        q["choices"] = [(exams.LETTERS[i], option) for i, option in enumerate(q["options"])]
    left = exams.seconds_left(attempt)
    return render(request, "preparedness/exam_take.html", {
        "title": attempt.paper.title, "attempt": attempt, "questions": questions, "key": uuid.uuid4(),
        "seconds_left": left, "minutes_left": f"{left // 60:02d}", "seconds_left_part": f"{left % 60:02d}"})
