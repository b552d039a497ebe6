"""Pages of plan documents beyond the generic list/detail/form pages: a new plan document, the plan actions, a new
version with its file, acting on a filing, and the coverage page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from yingji.core.errors import NotAllowed, NotFound, ServiceError
from yingji.core.generic import form_page, get_for_page, page_query, require_page, service_errors_to_form
from yingji.core.surfaces import url_maker
from yingji.incidents.models import Plan

from . import forms_plans as forms
from .models.plans import PlanFiling, PlanVersion
from .services import plans as services

#: Rows of the coverage page (the training and drill compliance pages show 50 enterprises too).
UNITS_PER_PAGE = 50


def _refuse(request, exc: ServiceError) -> None:
    if isinstance(exc, NotAllowed):
        raise PermissionDenied
    if isinstance(exc, NotFound):
        raise Http404
    details = "；".join(e["message"] for e in exc.errors) if exc.errors else ""
    messages.error(request, f"{exc.detail}{'：' + details if details else ''}")


@login_required
@require_http_methods(["GET", "POST"])
def plan_document_create(request):
    """A new plan document in drafting."""
    if not (request.user.role_keys & services.OWNER_ROLES):
        raise PermissionDenied
    form = forms.PlanDocumentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan_document(request.user, form.service_data())
        except NotAllowed:
            raise PermissionDenied from None
        except ServiceError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("plan_detail", pk=plan.pk)
    return form_page(request, form, _("New plan document"), reverse("plan_list"),
                     status=400 if form.is_bound and form.errors else 200)


@login_required
@require_POST
def plan_act(request, pk: int, action: str):
    plan = get_for_page(request, Plan, pk)
    form = forms.PlanActionForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    payload = {"reason" if action == "return_draft" else "note": data.get("text") or ""}
    if data.get("published_on"):
        payload["published_on"] = data["published_on"]
    try:
        services.act_on_plan(request.user, plan, action, payload)
    except ServiceError as exc:
        _refuse(request, exc)
    else:
        messages.success(request, _("Done."))
    return redirect("plan_detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def plan_version_create(request):
    """A new version of a plan's document, with its file."""
    require_page(request, "add", PlanVersion)
    initial = {"plan": request.GET["plan"]} if request.GET.get("plan", "").isdigit() else {}
    form = forms.PlanVersionForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.add_version(request.user, form.service_data(), form.cleaned_data.get("file"))
        except NotAllowed:
            raise PermissionDenied from None
        except ServiceError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("plan_detail", pk=version.plan_id)
    return form_page(request, form, _("New document version"), reverse("plan_version_list"),
                     status=400 if form.is_bound and form.errors else 200)


@login_required
@require_POST
def plan_version_file(request, pk: int):
    version = get_for_page(request, PlanVersion, pk, "attach")
    form = forms.VersionFileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file."))
        return redirect("plan_version_detail", pk=pk)
    try:
        services.attach_file(request.user, version, form.cleaned_data["file"])
    except ServiceError as exc:
        _refuse(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("plan_version_detail", pk=pk)


@login_required
@require_POST
def plan_filing_act(request, pk: int, action: str):
    filing = get_for_page(request, PlanFiling, pk)
    form = forms.FilingActionForm(request.POST)
    form.is_valid()
    text = form.cleaned_data.get("text") or ""
    payload = {"reason": text} if action == "return" else {"note": text}
    try:
        services.act_on_filing(request.user, filing, action, payload)
    except ServiceError as exc:
        _refuse(request, exc)
    else:
        messages.success(request, _("Done."))
    return redirect("plan_filing_detail", pk=pk)


@login_required
def plan_coverage(request):
    """Which obliged townships, departments and enterprises have a current plan of each required kind."""
    require_page(request, "view", Plan)
    result = services.coverage(request.user)
    only_gaps = request.GET.get("gaps") == "1"
    # A page of units at a time, as the training and drill compliance pages (a county has hundreds of obliged
    # enterprises); the totals count them all.
    page = Paginator(result["gaps"] if only_gaps else result["rows"], UNITS_PER_PAGE).get_page(request.GET.get("page"))
    plan_url = url_maker("plan_detail")
    for row in page.object_list:
        for cell in row["required"]:
            cell["url"] = plan_url(cell["plan"].pk) if cell["plan"] else ""
    return render(request, "preparedness/plan_coverage.html", {
        "result": result, "rows": page.object_list, "page": page, "query": page_query(request),
        "only_gaps": only_gaps, "can_create": bool(request.user.role_keys & services.OWNER_ROLES)})
