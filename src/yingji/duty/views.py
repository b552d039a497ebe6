"""Pages of the duty desk: the console (polled by htmx, with recent alarms), logging an item, filing it or turning
it into an incident, the daily duty report, the roster import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from yingji.core import policy
from yingji.core.errors import ServiceError
from yingji.core.views import _get, _require, service_errors_to_form
from yingji.incidents import services as incident_services
from yingji.incidents.views import incident_form_page

from . import forms, report, roster_import, services
from .choices import EntryState, Shift
from .models import DutyLogEntry, DutyShift


def _console_context(request) -> dict:
    user = request.user
    now = timezone.now()
    can_log = policy.can(user, "view", DutyLogEntry)
    return {
        "now": now,
        "on_duty": services.on_duty(user, now) if policy.can(user, "view", DutyShift) else [],
        "entries": (DutyLogEntry.objects.for_user(user).select_related("logged_by", "incident")
                    .filter(received_at__gte=now - timezone.timedelta(hours=24))[:30] if can_log else []),
        "open_incidents": incident_services.open_incidents(user),
        "overdue_tasks": incident_services.overdue_tasks(user),
        "can_add_entry": policy.can(user, "add", DutyLogEntry),
        "can_import_roster": policy.can(user, "add", DutyShift),
        "log_form": forms.LogEntryForm(),
        "open_state": EntryState.OPEN,
        "recent_alarms": recent_alarms(user),
    }


RECENT_ALARMS = 10


def recent_alarms(user) -> list:
    """Open (not yet closed) monitoring alarms in the user's scope, newest first, for the console."""
    try:
        from yingji.monitoring.choices import AlarmState
        from yingji.monitoring.models import Alarm
    except ImportError:
        return []
    if not policy.can(user, "view", Alarm):
        return []
    return list(Alarm.objects.for_user(user).filter(state__in=AlarmState.ACTIVE).select_related("station")
                .order_by("-raised_at", "-id")[:RECENT_ALARMS])


@login_required
def duty_console(request):
    denied = _require(request, "view", DutyLogEntry)
    if denied:
        return denied
    return render(request, "duty/console.html", _console_context(request))


@login_required
def duty_console_panel(request):
    denied = _require(request, "view", DutyLogEntry)
    if denied:
        return denied
    return render(request, "duty/console_panel.html", _console_context(request))


@login_required
@require_http_methods(["POST"])
def log_entry_create(request):
    denied = _require(request, "add", DutyLogEntry)
    if denied:
        return denied
    form = forms.LogEntryForm(request.POST)
    if form.is_valid():
        try:
            services.log_entry(request.user, form.cleaned_data)
        except ServiceError as exc:
            messages.error(request, exc.detail + " " + "; ".join(e["message"] for e in exc.errors))
        else:
            messages.success(request, _("Logged."))
    else:
        messages.error(request, _("The entry was not logged: %(errors)s") % {
            "errors": "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())})
    return redirect("duty_console")


@login_required
@require_http_methods(["POST"])
def log_entry_file(request, pk: int):
    entry = _get(request, DutyLogEntry, pk, "change")
    try:
        services.act_on_entry(request.user, entry, "file")
    except ServiceError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Filed as information."))
    return redirect("duty_console")


@login_required
@require_http_methods(["GET", "POST"])
def log_entry_escalate(request, pk: int):
    entry = _get(request, DutyLogEntry, pk, "change")
    form = forms.EscalateForm(request.POST or None, user=request.user, entry=entry)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                entry = services.act_on_entry(request.user, entry, "escalate", {"incident": form.service_data()})
            except ServiceError as exc:
                for error in exc.errors:
                    error["field"] = error["field"].removeprefix("incident.")
                service_errors_to_form(form, exc)
                status = exc.status if exc.status in (403, 409) else 400
            else:
                messages.success(request, _("Incident logged; its reporting clock is running."))
                return redirect("incident_detail", pk=entry.incident_id)
    return incident_form_page(request, form, title=_("Turn into an incident"), obj=entry,
                              cancel_url=reverse("duty_console"), status=status,
                              submit_label=_("Log the incident"))


# --- daily duty report ----------------------------------------------------------------------------------------


@login_required
def daily_report(request):
    """The daily duty report (值班日报) of a duty day or shift; ``?format=pdf|xlsx`` downloads it."""
    denied = _require(request, "view", DutyLogEntry)
    if denied:
        return denied
    form = forms.DailyReportForm(request.GET or None)
    errors, status = [], 200
    try:
        date, shift = report.parse_params(request.GET.get("date"), request.GET.get("shift"))
    except ServiceError as exc:
        errors, status = [e["message"] for e in exc.errors], exc.status
        date, shift = report.parse_params(None, None)
    daily = report.build(request.user, date, shift)
    fmt = request.GET.get("format", "")
    if fmt and not errors:
        try:
            return report.download(request.user, daily, fmt)
        except ServiceError as exc:
            errors, status = [exc.detail], exc.status
    if not request.GET:
        form = forms.DailyReportForm(initial={"date": date, "shift": shift})
    query = f"date={date.isoformat()}&shift={shift}"
    return render(request, "duty/report.html", {
        "form": form, "report": daily, "errors": errors, "query": query,
        "api_url": reverse("api-v1:duty_daily_report") + "?" + query}, status=status)


# --- roster import --------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def roster_import_page(request):
    denied = _require(request, "add", DutyShift)
    if denied:
        return denied
    form = forms.RosterImportForm(request.POST or None, request.FILES or None)
    row_errors, planned, status = [], None, 200
    if request.method == "POST" and form.is_valid():
        dry_run = form.cleaned_data["dry_run"]
        try:
            data = roster_import.read_upload(form.cleaned_data["file"])
            result = roster_import.import_roster(request.user, data, dry_run=dry_run)
        except ServiceError as exc:
            row_errors, status = exc.errors or [{"row": None, "column": "", "message": exc.detail}], exc.status
        else:
            if not dry_run:
                messages.success(request, _("Imported %(count)d shifts into the roster.") % {"count": len(result)})
                return redirect("duty_roster_import")
            planned = [{**s, "shift_label": Shift.label(s["shift"])} for s in result]
    return render(request, "duty/roster_import.html", {
        "form": form, "row_errors": row_errors, "planned": planned, "max_rows": roster_import.MAX_ROWS,
        "max_kib": roster_import.MAX_BYTES // 1024}, status=status)


@login_required
def roster_import_template(request):
    denied = _require(request, "add", DutyShift)
    if denied:
        return denied
    response = HttpResponse(roster_import.template_workbook(), content_type=report.CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = "attachment; filename*=UTF-8''duty-roster-template.xlsx"
    return response
