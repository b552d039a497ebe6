"""Pages of the duty desk: the console (polled by htmx), logging an item, filing it or turning it into an
incident."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from yingji.core import policy
from yingji.core.errors import ServiceError
from yingji.core.views import _get, _require, service_errors_to_form
from yingji.incidents import services as incident_services

from . import forms, services
from .choices import EntryState
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
        "log_form": forms.LogEntryForm(),
        "open_state": EntryState.OPEN,
    }


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
    form = forms.EscalateForm(request.POST or None, entry=entry)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.act_on_entry(request.user, entry, "escalate", {"incident": form.cleaned_data})
        except ServiceError as exc:
            for error in exc.errors:
                error["field"] = error["field"].removeprefix("incident.")
            service_errors_to_form(form, exc)
        else:
            messages.success(request, _("Incident logged; its reporting clock is running."))
            return redirect("incident_detail", pk=entry.incident_id)
    return render(request, "core/form.html", {"form": form, "title": _("Turn into an incident"), "object": entry,
                                              "cancel_url": reverse("duty_console")})
