"""Pages of incidents: the list (filters, export), the incident page (figures, clock, reports, timeline and a form
for every action), emergency plans, and situation reports (draft, edit, issue, print, download)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_http_methods

from yingji.core import attachments, geo, policy
from yingji.core.errors import Conflict, NotAllowed, NotFound, ServiceError
from yingji.core.models import Region
from yingji.core.views import _get, _require, list_page, service_errors_to_form

from . import forms, grading, services
from . import plans as plans_module
from .choices import ResponseLevel, event_type_label
from .filters import IncidentFilterSet
from .models import Activation, Incident, Plan, ReportingDeadline, Sitrep, Task
from .printing import pdf_available, render_pdf

INCIDENT_COLUMNS = [
    ("title", pgettext_lazy("heading", "Title")), ("category", _l("Category")), ("event_type", _l("Type")),
    ("region_code", _l("Region code")),
    ("region_name", _l("Region")), ("occurred_at", _l("Occurred")), ("received_at", _l("Received")),
    ("deaths", _l("Deaths")), ("missing", _l("Missing")), ("serious_injuries", _l("Serious injuries")),
    ("minor_injuries", _l("Minor injuries")),
    ("direct_loss_yuan", _l("Direct loss (CNY)")), ("cases", _l("Cases (ill or poisoned)")), ("grade", _l("Grade")),
    ("state", _l("State")),
]

#: What the grade and the reporting clock of an incident follow, by its grading scheme (grading.scheme).
GRADING_RULES = {
    "work_safety": _l("Work-safety accident rules (《生产安全事故报告和调查处理条例》 Articles 3, 9-11)"),
    "natural_disaster": _l("The county's natural disaster relief plan levels and the disaster statistics "
                           "reporting deadlines"),
    "public_health": _l("The national public-health emergency plan's grading and the reporting hours of "
                        "《突发公共卫生事件应急条例》 Articles 19-20"),
    "social_security": _l("The grade the competent department determines; reported within 4 hours at the "
                          "latest (national master plan §4.2)"),
}


def with_clocks(queryset):
    return queryset.prefetch_related(Prefetch("deadlines", queryset=ReportingDeadline.objects.order_by("position")))


@login_required
def incident_list(request):
    denied = _require(request, "view", Incident)
    if denied:
        return denied
    qs = with_clocks(Incident.objects.for_user(request.user))
    return list_page(request, qs, IncidentFilterSet, template="incidents/incident_list.html",
                     export_name="incidents", columns=INCIDENT_COLUMNS,
                     extra={"now": timezone.now(), "can_add": policy.can(request.user, "add", Incident)})


#: Where the place picker's map opens when the user's jurisdiction has no point (the demo county's centre).
MAP_CENTRE_FALLBACK = (33.29, 113.52)


def place_map_context(user, point=None) -> dict:
    """What the place picker's map needs: the centre (the incident's point, else the user's jurisdiction), the
    optional base tiles and the township and village boundaries of the jurisdiction (so the map is useful without
    tiles)."""
    regions = list(Region.objects.for_user(user).filter(level__in=("county", "township", "village"))
                   .only("code", "name", "level", "lat", "lon", "boundary").order_by("code"))
    home = next((r for r in regions if r.lat is not None and r.lon is not None), None)
    if point is not None and point[0] is not None and point[1] is not None:
        centre = (float(point[0]), float(point[1]))
    else:
        centre = (float(home.lat), float(home.lon)) if home else MAP_CENTRE_FALLBACK
    features = [{"type": "Feature", "geometry": r.boundary,
                 "properties": {"code": r.code, "name": r.name, "level": r.level}} for r in regions if r.boundary]
    return {"map_centre": centre, "map_tile_url": getattr(settings, "YINGJI_MAP_TILE_URL", "") or "",
            "map_tile_attribution": getattr(settings, "YINGJI_MAP_TILE_ATTRIBUTION", "") or "",
            "map_boundaries": {"type": "FeatureCollection", "features": features}}


def render_with_map(request, template: str, context: dict, status: int = 200):
    """Render a page with a map; the configured tile host (and only it) may serve its images (CSP)."""
    response = render(request, template, context, status=status)
    host = geo.tile_host(context.get("map_tile_url", ""))
    if host:
        response._csp_update = {"img-src": [host]}
    return response


def incident_form_page(request, form, *, title: str, cancel_url: str, obj=None, status: int = 200,
                       submit_label: str = "", point=None):
    """The incident form (log, correct, or turn a duty call into an incident): sections, the place picker."""
    return render_with_map(request, "incidents/incident_form.html", {
        "form": form, "title": title, "object": obj, "cancel_url": cancel_url,
        "submit_label": submit_label or _("Save"), **place_map_context(request.user, point)}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def incident_create(request):
    """Log an incident from a page (首报), placed by township, village, enterprise or a click on the map."""
    denied = _require(request, "add", Incident)
    if denied:
        return denied
    form = forms.IncidentForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                incident = services.create_incident(request.user, form.service_data())
            except ServiceError as exc:
                service_errors_to_form(form, exc)
                status = STATUS_OF.get(type(exc), 400)
            else:
                messages.success(request, _("Incident logged; its reporting clock is running."))
                return redirect("incident_detail", pk=incident.pk)
        else:
            status = 400
    return incident_form_page(request, form, title=_("Log an incident"), cancel_url=reverse("incident_list"),
                              status=status, submit_label=_("Log the incident"))


@login_required
@require_http_methods(["GET", "POST"])
def incident_edit(request, pk: int):
    """Correct an incident's basic facts and place (version-checked; audited; on the timeline)."""
    incident = _get(request, Incident, pk, "change", queryset=Incident.objects.select_related("enterprise"))
    form = forms.IncidentEditForm(request.POST or None, user=request.user, incident=incident)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                before = (incident.lat, incident.lon)
                updated = services.update_incident(request.user, incident, form.changes())
            except ServiceError as exc:
                if isinstance(exc, Conflict):
                    form.add_error(None, _("Someone else changed this incident after you opened the page; "
                                           "reload it and try again."))
                else:
                    service_errors_to_form(form, exc)
                status = STATUS_OF.get(type(exc), 400)
            else:
                if updated.version == incident.version:
                    messages.info(request, _("Nothing was changed."))
                elif (updated.lat, updated.lon) != before:
                    messages.success(request, _("Incident corrected; it moved on the map and its recommended "
                                                "resources were recomputed for the new place."))
                else:
                    messages.success(request, _("Incident corrected."))
                return redirect("incident_detail", pk=incident.pk)
        else:
            status = 400
    return incident_form_page(request, form, title=_("Correct the incident"), obj=incident,
                              cancel_url=reverse("incident_detail", args=[incident.pk]), status=status,
                              point=(incident.lat, incident.lon))


@login_required
@require_http_methods(["POST"])
def incident_attach(request, pk: int):
    """Attach a photo or a PDF to the incident."""
    incident = _incident_for_page(request, pk, "change")
    form = forms.AttachmentForm(request.POST, request.FILES)
    return _submit(request, incident, "attach", form,
                   lambda f: services.add_attachment(request.user, incident, f.cleaned_data["file"]),
                   _("File attached."))


INCIDENT_DETAIL = ("enterprise", "created_by")
STATUS_OF = {Conflict: 409, NotAllowed: 403, NotFound: 404}
TRANSITION_LABELS = {"respond": _l("Start the response"), "close": _l("Close the incident"),
                     "reopen": _l("Reopen the incident")}


def _incident_for_page(request, pk: int, action: str = "view") -> Incident:
    queryset = with_clocks(Incident.objects.select_related(*INCIDENT_DETAIL)).prefetch_related(
        "reports__reported_by", "events")
    return _get(request, Incident, pk, action, queryset=queryset)


def _incident_page(request, incident: Incident, *, bound: tuple[str, object] | None = None, status: int = 200):
    """The incident page with every form the user may use; ``bound`` = (key, form) re-shows a refused form with
    its errors."""
    user = request.user
    bound_key, bound_form = bound or (None, None)

    def pick(key, factory):
        return bound_form if bound_key == key else factory()

    activation = (Activation.objects.filter(incident=incident).select_related("plan", "hq", "commander")
                  .prefetch_related("member_units").first())
    matches = services.plan_matches(user, incident) if policy.can(user, "view", Plan) else []
    can_activate = activation is None and incident.is_open and policy.can(user, "activate", Incident)
    can_view_tasks = policy.can(user, "view", Task)
    tasks = [(t, services.task_actions(t, user)) for t in
             Task.objects.filter(incident=incident).select_related("unit", "assignee")] if can_view_tasks else []
    can_assign = incident.is_open and policy.can(user, "add", Task)
    can_report = incident.is_open and policy.can(user, "change", Incident)
    unreported = [d for d in incident.deadlines.all() if d.reported_at is None]
    can_report_up = bool(unreported) and policy.can(user, "report_up", Incident)
    can_change_level = activation is not None and incident.is_open and policy.can(user, "activate", Incident)
    transition_forms = [
        {"action": action, "label": TRANSITION_LABELS.get(action, action),
         "form": pick(f"transition:{action}", lambda a=action: forms.TransitionForm(incident=incident, action=a))}
        for action in services.available_actions(incident, user)]
    sitreps = (list(Sitrep.objects.filter(incident=incident).filter(policy.scope_q(user, Sitrep))
                    .select_related("issued_by")) if policy.can(user, "view", Sitrep) else [])
    can_change = policy.can(user, "change", Incident)
    place_names = dict(Region.objects.filter(code__in=[c for c in (incident.township_code, incident.village_code)
                                                       if c]).values_list("code", "name"))
    context = {
        "incident": incident, "now": timezone.now(), "grading_scheme": grading.scheme(incident.category),
        "grading_rules": GRADING_RULES.get(grading.scheme(incident.category), ""),
        "actions": services.available_actions(incident, user),
        "activation": activation, "matches": matches,
        "activation_form": forms.ActivationForm(matches=matches) if can_activate and matches else None,
        "tasks": tasks, "task_form": forms.TaskForm(user=user, incident=incident) if can_assign else None,
        "report_form": pick("report", lambda: forms.FollowUpForm(incident=incident)) if can_report else None,
        "reported_form": pick("reported", lambda: forms.ReportedForm(incident=incident)) if can_report_up else None,
        "level_form": pick("level", lambda: forms.ResponseLevelForm(
            incident=incident, initial={"level": activation.level})) if can_change_level else None,
        "transition_forms": transition_forms,
        "sitreps": sitreps, "can_draft_sitrep": policy.can(user, "add", Sitrep),
        "bound_key": bound_key, "can_edit": can_change,
        "township_name": place_names.get(incident.township_code, ""),
        "village_name": place_names.get(incident.village_code, ""),
        "attachments": list(attachments.for_object(incident).select_related("uploaded_by")
                            .order_by("uploaded_at", "id")),
        "attach_form": pick("attach", forms.AttachmentForm) if can_change else None,
        **place_map_context(user, (incident.lat, incident.lon)),
    }
    return render_with_map(request, "incidents/incident_detail.html", context, status=status)


@login_required
def incident_detail(request, pk: int):
    return _incident_page(request, _incident_for_page(request, pk))


def _refused(request, incident: Incident, key: str, form, exc: ServiceError):
    """Show a service's refusal on the form that caused it: field errors next to their inputs, the rest (a 409
    race, a closed incident …) above the form."""
    for error in exc.errors:
        field = error["field"] if error["field"] in form.fields else None
        form.add_error(field, error["message"])
    if not exc.errors or exc.detail != "Validation failed":
        message = (_("Someone else changed this incident after you opened the page; reload it and try again.")
                   if isinstance(exc, Conflict) and exc.detail == _(services.STALE_INCIDENT) else exc.detail)
        form.add_error(None, message)
    return _incident_page(request, incident, bound=(key, form), status=STATUS_OF.get(type(exc), 400))


def _submit(request, incident: Incident, key: str, form, act, success: str):
    if not form.is_valid():
        return _incident_page(request, incident, bound=(key, form), status=400)
    try:
        act(form)
    except ServiceError as exc:
        return _refused(request, incident, key, form, exc)
    messages.success(request, success)
    return redirect("incident_detail", pk=incident.pk)


@login_required
@require_http_methods(["POST"])
def incident_report(request, pk: int):
    incident = _incident_for_page(request, pk, "change")
    form = forms.FollowUpForm(request.POST, incident=incident)
    return _submit(request, incident, "report", form,
                   lambda f: services.file_report(request.user, incident, f.payload()),
                   _("Follow-up report filed; the grade and reporting chain were recomputed."))


@login_required
@require_http_methods(["POST"])
def incident_reported(request, pk: int):
    incident = _incident_for_page(request, pk, "report_up")
    form = forms.ReportedForm(request.POST, incident=incident)
    return _submit(request, incident, "reported", form,
                   lambda f: services.mark_reported(request.user, incident, f.cleaned_data["level"], f.payload()),
                   _("The level is marked as reported."))


@login_required
@require_http_methods(["POST"])
def incident_response_level(request, pk: int):
    incident = _incident_for_page(request, pk, "activate")
    form = forms.ResponseLevelForm(request.POST, incident=incident)
    return _submit(request, incident, "level", form,
                   lambda f: services.change_response_level(request.user, incident, f.payload()),
                   _("Response level changed."))


@login_required
@require_http_methods(["POST"])
def incident_transition(request, pk: int, action: str):
    incident = _incident_for_page(request, pk, "change")
    if action not in forms.TransitionForm.FIELDS_OF:
        return render(request, "400.html", {"detail": _("Unknown action.")}, status=400)
    form = forms.TransitionForm(request.POST, incident=incident, action=action)
    return _submit(request, incident, f"transition:{action}", form,
                   lambda f: services.transition(request.user, incident, action, f.payload()),
                   _("%(action)s: done.") % {"action": TRANSITION_LABELS[action]})


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
    form = forms.TaskForm(request.POST, user=request.user, incident=incident)
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


# --- plans ---------------------------------------------------------------------------------------------------

#: Panels other apps add to a plan's page: ``(template, context(request, plan) -> dict | None)`` (preparedness
#: adds the document life cycle); a panel whose context is None is left out.
PLAN_PANELS: list[tuple[str, object]] = []


@login_required
def plan_detail(request, pk: int):
    plan = _get(request, Plan, pk, queryset=Plan.objects.select_related("hq", "enterprise", "owner"))
    conditions = [(level, [plans_module.describe_condition(c) for c in plan.conditions.get(level, [])])
                  for level in ResponseLevel.ORDER if plan.conditions.get(level)]
    panels = [(template, context) for template, build in PLAN_PANELS
              if (context := build(request, plan)) is not None]
    return render(request, "incidents/plan_detail.html", {
        "plan": plan, "event_type_names": [event_type_label(k) for k in plan.event_types], "conditions": conditions,
        "can_change": policy.can(request.user, "change", Plan) and not plan.enterprise_id, "panels": panels})


def _plan_form_page(request, form, plan=None, status=200):
    title = _("Edit emergency plan") if plan else _("New emergency plan")
    cancel = reverse("plan_detail", args=[plan.pk]) if plan else reverse("plan_list")
    return render(request, "core/form.html", {"form": form, "title": title, "object": plan,
                                              "cancel_url": cancel}, status=status)


def _save_plan(request, form, plan=None):
    if not form.is_valid():
        return _plan_form_page(request, form, plan, status=400)
    try:
        if plan is None:
            plan = services.create_plan(request.user, form.service_data())
        else:
            plan = services.update_plan(request.user, plan, form.service_data())
    except ServiceError as exc:
        form.add_service_errors(exc.errors or [{"field": "", "message": exc.detail}])
        return _plan_form_page(request, form, plan, status=STATUS_OF.get(type(exc), 400))
    messages.success(request, _("Plan saved."))
    return redirect("plan_detail", pk=plan.pk)


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    denied = _require(request, "add", Plan)
    if denied:
        return denied
    if request.method == "POST":
        return _save_plan(request, forms.PlanForm(request.POST, user=request.user))
    return _plan_form_page(request, forms.PlanForm(user=request.user))


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk: int):
    plan = _get(request, Plan, pk, "change")
    if request.method == "POST":
        return _save_plan(request, forms.PlanForm(request.POST, user=request.user, plan=plan), plan)
    return _plan_form_page(request, forms.PlanForm(user=request.user, plan=plan), plan)


# --- situation reports -----------------------------------------------------------------------------------------

SITREP_RELATED = ("incident", "created_by", "issued_by")


@login_required
@require_http_methods(["POST"])
def sitrep_draft(request, pk: int):
    incident = _get(request, Incident, pk)
    denied = _require(request, "add", Sitrep)
    if denied:
        return denied
    try:
        sitrep = services.draft_sitrep(request.user, incident)
    except ServiceError as exc:
        messages.error(request, _errors_message(exc))
        return redirect("incident_detail", pk=incident.pk)
    messages.success(request, _("Situation report No. %(n)d drafted from the incident's current state.")
                     % {"n": sitrep.seq})
    return redirect("sitrep_edit", pk=sitrep.pk)


def _sitrep(request, pk: int, action: str = "view") -> Sitrep:
    return _get(request, Sitrep, pk, action, queryset=Sitrep.objects.select_related(*SITREP_RELATED))


@login_required
def sitrep_detail(request, pk: int):
    sitrep = _sitrep(request, pk)
    return render(request, "incidents/sitrep_detail.html", {
        "sitrep": sitrep, "actions": services.sitrep_actions(sitrep, request.user),
        "can_change": sitrep.is_draft and policy.can(request.user, "change", Sitrep), "pdf": pdf_available()})


@login_required
@require_http_methods(["GET", "POST"])
def sitrep_edit(request, pk: int):
    sitrep = _sitrep(request, pk, "change")
    title = _("Situation report No. %(n)d") % {"n": sitrep.seq}
    cancel = reverse("sitrep_detail", args=[sitrep.pk])
    if not sitrep.is_draft:
        messages.error(request, _("An issued situation report cannot be changed."))
        return redirect("sitrep_detail", pk=sitrep.pk)
    if request.method == "POST":
        form = forms.SitrepForm(request.POST)
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.update_sitrep(request.user, sitrep, data)
            except ServiceError as exc:
                service_errors_to_form(form, exc)
                status = STATUS_OF.get(type(exc), 400)
            else:
                messages.success(request, _("Draft saved."))
                return redirect("sitrep_detail", pk=sitrep.pk)
        return render(request, "core/form.html", {"form": form, "title": title, "object": sitrep.incident,
                                                  "cancel_url": cancel}, status=status)
    form = forms.SitrepForm(initial={k: getattr(sitrep, k) for k in services.SITREP_TEXT_FIELDS})
    return render(request, "core/form.html", {"form": form, "title": title, "object": sitrep.incident,
                                              "cancel_url": cancel})


@login_required
@require_http_methods(["POST"])
def sitrep_issue(request, pk: int):
    sitrep = _sitrep(request, pk, "issue")
    try:
        services.issue_sitrep(request.user, sitrep, {"version": request.POST.get("version", "")})
    except ServiceError as exc:
        messages.error(request, _errors_message(exc))
        return redirect("sitrep_detail", pk=sitrep.pk)
    messages.success(request, _("Situation report issued."))
    return redirect("sitrep_detail", pk=sitrep.pk)


@login_required
def sitrep_print(request, pk: int):
    """A printable page of the report (the browser prints it or saves it as PDF)."""
    sitrep = _sitrep(request, pk)
    return render(request, "incidents/sitrep_print.html", {"sitrep": sitrep})


@login_required
def sitrep_download(request, pk: int):
    """The report as a PDF when WeasyPrint and a CJK font are available, else as plain text."""
    sitrep = _sitrep(request, pk)
    name = f"sitrep-{sitrep.incident_id}-{sitrep.seq}"
    if pdf_available():
        html = render_to_string("incidents/sitrep_print.html", {"sitrep": sitrep, "for_pdf": True}, request)
        response = HttpResponse(render_pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    text = render_to_string("incidents/sitrep.txt", {"sitrep": sitrep}, request)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.txt"'
    return response
