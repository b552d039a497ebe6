"""Pages of incidents: the list (filters, export) and the incident page (figures, clock, reports, timeline)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods

from yingji.core import policy
from yingji.core.errors import ServiceError
from yingji.core.views import _get, _require, list_page

from . import forms, services
from .filters import IncidentFilterSet
from .models import Activation, Incident, Plan, ReportingDeadline, Task

INCIDENT_COLUMNS = [
    ("title", _l("Title")), ("category", _l("Category")), ("event_type", _l("Type")),
    ("region_code", _l("Region code")), ("occurred_at", _l("Occurred")), ("received_at", _l("Received")),
    ("deaths", _l("Deaths")), ("missing", _l("Missing")), ("serious_injuries", _l("Serious injuries")),
    ("minor_injuries", _l("Minor injuries")),
    ("direct_loss_yuan", _l("Direct loss (CNY)")), ("grade", _l("Grade")), ("state", _l("State")),
]


def with_clocks(queryset):
    return queryset.prefetch_related(Prefetch("deadlines", queryset=ReportingDeadline.objects.order_by("position")))


@login_required
def incident_list(request):
    denied = _require(request, "view", Incident)
    if denied:
        return denied
    qs = with_clocks(Incident.objects.for_user(request.user))
    return list_page(request, qs, IncidentFilterSet, template="incidents/incident_list.html",
                     export_name="incidents", columns=INCIDENT_COLUMNS, extra={"now": timezone.now()})


@login_required
def incident_detail(request, pk: int):
    queryset = with_clocks(Incident.objects.select_related("enterprise", "created_by")).prefetch_related(
        "reports__reported_by", "events")
    incident = _get(request, Incident, pk, queryset=queryset)
    user = request.user
    activation = (Activation.objects.filter(incident=incident).select_related("plan", "hq", "commander")
                  .prefetch_related("member_units").first())
    matches = services.plan_matches(user, incident) if policy.can(user, "view", Plan) else []
    can_activate = activation is None and incident.is_open and policy.can(user, "activate", Incident)
    can_view_tasks = policy.can(user, "view", Task)
    tasks = [(t, services.task_actions(t, user)) for t in
             Task.objects.filter(incident=incident).select_related("unit", "assignee")] if can_view_tasks else []
    can_assign = incident.is_open and policy.can(user, "add", Task)
    return render(request, "incidents/incident_detail.html", {
        "incident": incident, "now": timezone.now(),
        "actions": services.available_actions(incident, user),
        "activation": activation, "matches": matches,
        "activation_form": forms.ActivationForm(matches=matches) if can_activate and matches else None,
        "tasks": tasks, "task_form": forms.TaskForm(user=user) if can_assign else None,
    })



def _errors_message(exc: ServiceError) -> str:
    return " ".join([exc.detail] + [f"{e['field']}: {e['message']}" if e["field"] else e["message"]
                                    for e in exc.errors])


@login_required
@require_http_methods(["POST"])
def incident_activate(request, pk: int):
    incident = _get(request, Incident, pk, "activate")
    form = forms.ActivationForm(request.POST, matches=services.plan_matches(request.user, incident))
    if form.is_valid():
        try:
            services.activate(request.user, incident, {k: v for k, v in form.cleaned_data.items() if v})
        except ServiceError as exc:
            messages.error(request, _errors_message(exc))
        else:
            messages.success(request, _("Plan activated; the command group and its tasks are set up."))
    else:
        messages.error(request, _("Choose a plan."))
    return redirect("incident_detail", pk=incident.pk)


@login_required
@require_http_methods(["POST"])
def task_create(request, pk: int):
    incident = _get(request, Incident, pk)
    denied = _require(request, "add", Task)
    if denied:
        return denied
    form = forms.TaskForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.create_task(request.user, incident, form.service_data())
        except ServiceError as exc:
            messages.error(request, _errors_message(exc))
        else:
            messages.success(request, _("Task assigned."))
    else:
        messages.error(request, _("The task was not assigned: %(errors)s") % {
            "errors": "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())})
    return redirect("incident_detail", pk=incident.pk)


@login_required
@require_http_methods(["POST"])
def task_act(request, pk: int, action: str):
    task = _get(request, Task, pk, "change")
    try:
        services.task_transition(request.user, task, action, {"note": request.POST.get("note", "")[:5000]})
    except ServiceError as exc:
        messages.error(request, _errors_message(exc))
    else:
        messages.success(request, _("Task updated."))
    return redirect("incident_detail", pk=task.incident_id)
