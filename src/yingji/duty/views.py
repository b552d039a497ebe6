"""Bespoke pages of the duty desk: the console (polled by htmx, with recent alarms), logging an item, filing it or
turning it into an incident, the daily duty report, the roster calendar and its import, handing the desk over and
acknowledging. The shift, duty log and handover lists and object pages are the surfaces' (``duty.surfaces``)."""

from __future__ import annotations

import calendar
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from yingji.core import deadlines, policy
from yingji.core.errors import Conflict, NotAllowed, ServiceError
from yingji.core.generic import get_for_page, list_view, require_page, service_errors_to_form
from yingji.core.regions import region_name
from yingji.core.surfaces import View
from yingji.incidents import services as incident_services
from yingji.incidents.views import incident_form_page

from . import forms, report, roster_import, services, surfaces
from .choices import EntryState, Shift
from .models import DutyLogEntry, DutyShift, Handover


def _console_context(request) -> dict:
    user = request.user
    now = timezone.now()
    can_log = policy.can(user, "view", DutyLogEntry)
    return {
        "now": now,
        "on_duty": _with_phones(user, services.on_duty(user, now)) if policy.can(user, "view", DutyShift) else [],
        "entries": (DutyLogEntry.objects.for_user(user).select_related("logged_by", "incident")
                    .filter(received_at__gte=now - timezone.timedelta(hours=24))[:30] if can_log else []),
        "open_incidents": incident_services.open_incidents(user),
        "overdue_tasks": incident_services.overdue_tasks(user),
        "can_add_entry": policy.can(user, "add", DutyLogEntry),
        "can_import_roster": policy.can(user, "add", DutyShift),
        "log_form": forms.LogEntryForm(),
        "open_state": EntryState.OPEN,
        "recent_alarms": recent_alarms(user),
        # --- deadlines registered by other apps (core.deadlines) ---
        "other_deadlines": deadlines.collect(user, now),
    }


RECENT_ALARMS = 10


def _with_phones(user, shifts):
    """The shifts with their leader's number as the roster surface shows it (masked without the personal-data
    grant); like any list, showing full numbers here is not audited, a shift's own page is."""
    seen = View(user, surfaces.SHIFTS.reveal(user))
    shifts = list(shifts)
    for shift in shifts:
        shift.leader_phone_shown = surfaces.LEADER_PHONE.html(shift, seen)
    return shifts


def recent_alarms(user) -> dict:
    """Active monitoring alarms in the user's scope for the console: most severe first, then newest (every red
    one, whatever the limit), and how many there are in all."""
    try:
        from yingji.monitoring import services as monitoring
    except ImportError:
        return {"alarms": [], "total": 0}
    items, total = monitoring.active_alarms(user, RECENT_ALARMS)
    return {"alarms": items, "total": total}


@login_required
def duty_console(request):
    require_page(request, "view", DutyLogEntry)
    return render(request, "duty/console.html", _console_context(request))


@login_required
def duty_console_panel(request):
    require_page(request, "view", DutyLogEntry)
    return render(request, "duty/console_panel.html", _console_context(request))


@login_required
@require_http_methods(["POST"])
def log_entry_create(request):
    require_page(request, "add", DutyLogEntry)
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
    entry = get_for_page(request, DutyLogEntry, pk, "change")
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
    entry = get_for_page(request, DutyLogEntry, pk, "change")
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
    require_page(request, "view", DutyLogEntry)
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
    require_page(request, "add", DutyShift)
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
    require_page(request, "add", DutyShift)
    response = HttpResponse(roster_import.template_workbook(), content_type=report.CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = "attachment; filename*=UTF-8''duty-roster-template.xlsx"
    return response


# --- roster calendar ------------------------------------------------------------------------------------------

CALENDAR_VIEWS = ("week", "month")
#: Dates the calendar pages through (beyond them there is no roster, and date arithmetic would overflow).
CALENDAR_YEARS = (1900, 2100)


def _calendar_date(value: str | None) -> tuple[datetime.date, bool]:
    """The requested ISO date, or today (and whether the request was refused)."""
    today = timezone.localdate()
    if not value:
        return today, False
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return today, True
    if not CALENDAR_YEARS[0] <= day.year <= CALENDAR_YEARS[1]:
        return today, True
    return day, False


def _month_start(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _range(view: str, day: datetime.date):
    """(first, last) day shown, (prev, next) anchors, and the days of the period proper."""
    if view == "month":
        first_of_month = day.replace(day=1)
        last_of_month = first_of_month.replace(day=calendar.monthrange(day.year, day.month)[1])
        first = first_of_month - datetime.timedelta(days=first_of_month.weekday())
        last = last_of_month + datetime.timedelta(days=6 - last_of_month.weekday())
        return (first, last, _month_start(day, -1), _month_start(day, 1), (first_of_month, last_of_month))
    first = day - datetime.timedelta(days=day.weekday())
    last = first + datetime.timedelta(days=6)
    return first, last, first - datetime.timedelta(days=7), first + datetime.timedelta(days=7), (first, last)


@login_required
def roster_calendar(request):
    """The duty roster (排班) as a week or month calendar: who leads and who keeps watch on each shift."""
    require_page(request, "view", DutyShift)
    view = request.GET.get("view") if request.GET.get("view") in CALENDAR_VIEWS else "week"
    day, refused = _calendar_date(request.GET.get("date"))
    if refused:
        messages.error(request, _("Not a date the roster can show; showing today."))
    first, last, prev_day, next_day, (period_first, period_last) = _range(view, day)
    today = timezone.localdate()
    shifts = _with_phones(request.user, services.roster(request.user, first, last))
    codes = sorted({s.region_code for s in shifts})
    by_cell: dict[tuple[datetime.date, str, str], DutyShift] = {(s.date, s.region_code, s.shift): s for s in shifts}
    dates = [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]
    shift_keys = Shift.values()
    days = [{"date": d, "today": d == today, "in_period": period_first <= d <= period_last,
             "shifts": [by_cell[(d, code, key)] for code in codes for key in shift_keys
                        if (d, code, key) in by_cell]} for d in dates]
    rows = [{"region": region_name(code), "shift": key, "shift_label": Shift.label(key),
             "colour": Shift.colour(key),
             "cells": [{"date": d, "today": d == today, "shift": by_cell.get((d, code, key))} for d in dates]}
            for code in codes for key in shift_keys]
    return render(request, "duty/roster.html", {
        "view": view, "day": day, "today": today, "first": first, "last": last, "days": days,
        "week_number": first.isocalendar()[1],
        "weeks": [days[i:i + 7] for i in range(0, len(days), 7)], "rows": rows, "week_days": days[:7],
        "multiple_regions": len(codes) > 1,
        "prev": prev_day.isoformat(), "next": next_day.isoformat(), "shift_count": len(shifts),
        "can_import": policy.can(request.user, "add", DutyShift)})


# --- shift handovers ------------------------------------------------------------------------------------------


_handover_page = list_view(surfaces.HANDOVERS)


@login_required
@require_http_methods(["GET", "POST"])
def handover_list(request):
    """Shift handovers (交接班): the Handover surface's list, beside it the form that hands the desk over with its
    open items (POST); the incoming officer acknowledges."""
    if request.method != "POST":
        return _handover_page(request)
    require_page(request, "add", Handover)
    form = forms.HandoverForm(request.POST)
    if form.is_valid():
        try:
            handover = services.hand_over(request.user, form.service_data())
        except ServiceError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, _("Handed over with %(count)d open items; waiting for the incoming "
                                        "officer to acknowledge.") % {"count": handover.items.count()})
            return redirect(reverse("duty_handover_list") + f"#handover-{handover.pk}")
    # The refused form is shown again over the list, with its errors.
    request.handover_form = form
    response = _handover_page(request)
    response.status_code = 400
    return response


@login_required
@require_http_methods(["POST"])
def handover_acknowledge(request, pk: int):
    handover = get_for_page(request, Handover, pk, "change")
    form = forms.HandoverAcknowledgeForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.act_on_handover(request.user, handover, "acknowledge", {"note": note} if note else {})
    except NotAllowed:
        messages.error(request, _("The incoming officer acknowledges a handover, not the one who handed over."))
    except Conflict:
        messages.error(request, _("This handover was already acknowledged."))
    except ServiceError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Handover acknowledged: you have the desk."))
    return redirect(reverse("duty_handover_list") + f"#handover-{handover.pk}")
