"""Pages of the annual plan, campaigns and supervision orders beyond the generic list/detail/form pages: drawing
up a plan and its page (class distribution, month × township planned/done, export), a plan's transitions, a
campaign's tasks and findings, a task's reports, issuing an order and acting on it."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from yingji.core import attachments, audit, policy
from yingji.core.choices import AuditAction
from yingji.core.errors import NotAllowed, ServiceError
from yingji.core.generic import form_page, get_for_page, require_page, save_form
from yingji.standards import supervision_class as class_rules

from . import forms
from .choices import OrderAction, OrderState, PlanState, SupervisionClassChoice
from .models import AnnualInspectionPlan, Campaign, CampaignTask, SupervisionOrder
from .services import campaigns as campaign_services
from .services import orders as order_services
from .services import plans as plan_services

ITEMS_PER_PAGE = 50


def _refuse(request, exc: ServiceError) -> None:
    if isinstance(exc, NotAllowed):
        raise PermissionDenied
    details = "；".join(e["message"] for e in exc.errors) if exc.errors else ""
    messages.error(request, f"{exc.detail}{'：' + details if details else ''}")


# --- annual plan ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    require_page(request, "add", AnnualInspectionPlan)
    form = forms.PlanForm(request.POST or None, user=request.user)
    plan = save_form(request, form, lambda data: plan_services.create_plan(request.user, data),
                     success=_("Plan drawn up: every enterprise classed and its visits planned."))
    if plan is not None:
        return redirect("inspection_plan_detail", pk=plan.pk)
    return form_page(request, form, _("New annual inspection plan"), reverse("inspection_plan_list"),
                     status=400 if request.method == "POST" else 200)


def _export(request, plan: AnnualInspectionPlan, fmt: str) -> HttpResponse:
    header, rows = plan_services.progress_table(plan, request.user)
    audit.record(AuditAction.EXPORT, plan, actor=request.user, object_repr=f"{plan.title} ({fmt})",
                 message="plan progress")
    name = f"inspection-plan-{plan.year}-{plan.region_code}"
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = str(plan.year)
        ws.append([plan.title])
        ws.append(header)
        for row in rows:
            ws.append(row)
        out = io.BytesIO()
        wb.save(out)
        response = HttpResponse(out.getvalue(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def plan_detail(request, pk: int):
    plan = get_for_page(request, AnnualInspectionPlan, pk)
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        return _export(request, plan, fmt)
    data = plan_services.progress(plan, request.user)
    items = plan_services.visible_items(request.user, plan).select_related("enterprise")
    wanted = request.GET.get("class")
    if wanted in SupervisionClassChoice.values():
        items = items.filter(supervision_class=wanted)
    page = Paginator(items.order_by("supervision_class", "township_code", "enterprise__name"),
                     ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    distribution = [{"key": key, "label": SupervisionClassChoice.label(key), "count": n,
                     "colour": SupervisionClassChoice.colour(key), "visits": class_rules.frequency(key)}
                    for key, n in data["distribution"].items()]
    actions = [{"action": t.action, "label": t.label}
               for t in plan_services.PLAN_WORKFLOW.available(plan, request.user)]
    return render(request, "enforcement/plan_detail.html", {
        "plan": plan, "progress": data, "distribution": distribution, "page": page, "wanted": wanted or "",
        "actions": actions, "months": plan_services.MONTHS, "state_label": PlanState.label(plan.state),
        "state_colour": PlanState.colour(plan.state), "source_verified": class_rules.VERIFIED,
        "query": f"class={wanted}&" if wanted else ""})


@login_required
@require_POST
def plan_act(request, pk: int, action: str):
    plan = get_for_page(request, AnnualInspectionPlan, pk)
    try:
        plan_services.act_on_plan(request.user, plan, action, {"reason": request.POST.get("reason", "")})
    except ServiceError as exc:
        _refuse(request, exc)
    else:
        messages.success(request, _("Done."))
    return redirect("inspection_plan_detail", pk=plan.pk)


# --- campaigns -----------------------------------------------------------------------------------------------


def campaign_detail_context(request, campaign: Campaign) -> dict:
    user = request.user
    tasks = (CampaignTask.objects.for_user(user).filter(campaign=campaign).select_related("organisation")
             .order_by("region_code", "id"))
    can_add = policy.can(user, "add", CampaignTask) and policy.in_scope(user, campaign) and len(
        user.scope_region_code or "") == 6
    return {"tasks": tasks, "findings": campaign_services.findings(campaign, user), "can_add_task": can_add,
            "task_form": forms.CampaignTaskForm(user=user, campaign=campaign) if can_add else None}


@login_required
@require_POST
def campaign_task_add(request, pk: int):
    campaign = get_for_page(request, Campaign, pk, "change")
    form = forms.CampaignTaskForm(request.POST, user=request.user, campaign=campaign)
    if form.is_valid():
        try:
            campaign_services.add_task(request.user, campaign, form.service_data())
        except ServiceError as exc:
            _refuse(request, exc)
        else:
            messages.success(request, _("Task assigned."))
    else:
        messages.error(request, "；".join(f"{form.fields[f].label if f in form.fields else ''}{' '.join(e)}"
                                         for f, e in form.errors.items()))
    return redirect("campaign_detail", pk=campaign.pk)


def task_detail_context(request, task: CampaignTask) -> dict:
    reports = list(task.reports.select_related("submitted_by").order_by("due_on"))
    for report in reports:
        report.files = list(attachments.for_object(report))
    may = campaign_services.may_report(task, request.user) and task.due_on is not None
    return {"reports": reports, "report_form": forms.CampaignReportForm() if may else None,
            "today": timezone.localdate()}


@login_required
@require_POST
def campaign_task_report(request, pk: int):
    task = get_for_page(request, CampaignTask, pk)
    form = forms.CampaignReportForm(request.POST, request.FILES)
    if form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file", None)
        try:
            report = campaign_services.submit_report(request.user, task, data, [upload] if upload else [])
        except ServiceError as exc:
            _refuse(request, exc)
        else:
            messages.success(request, _("Report submitted late.") if report.late else _("Report submitted."))
    else:
        messages.error(request, "；".join(f"{form.fields[f].label if f in form.fields else ''}{' '.join(e)}"
                                         for f, e in form.errors.items()))
    return redirect("campaign_task_detail", pk=task.pk)


# --- supervision orders ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def order_create(request):
    require_page(request, "add", SupervisionOrder)
    form = forms.OrderForm(request.POST or None, user=request.user)
    order = save_form(request, form, lambda data: order_services.issue_order(request.user, data),
                      success=_("Order issued."))
    if order is not None:
        return redirect("supervision_order_detail", pk=order.pk)
    return form_page(request, form, _("New supervision order"), reverse("supervision_order_list"),
                     status=400 if request.method == "POST" else 200)


def order_detail_context(request, order: SupervisionOrder) -> dict:
    user = request.user
    actions = [{"action": t.action, "label": t.label} for t in order_services.ORDER_WORKFLOW.available(order, user)]
    return {"events": order.events.all(), "files": attachments.for_object(order), "actions": actions,
            "action_form": forms.OrderActionForm() if actions else None,
            "hazard_supervised": bool(order.hazard_id and order.hazard.supervised),
            "overdue": order.is_overdue, "action_labels": dict(OrderAction.choices()),
            "state_labels": dict(OrderState.choices())}


@login_required
@require_POST
def order_act(request, pk: int, action: str):
    order = get_for_page(request, SupervisionOrder, pk)
    form = forms.OrderActionForm(request.POST, request.FILES)
    form.is_valid()
    data = form.cleaned_data
    text = data.get("text") or ""
    payload = {"reply": text} if action == "reply" else {"reason": text} if action == "return" else {"note": text}
    if action == "return" and data.get("deadline"):
        payload["deadline"] = data["deadline"]
    upload = data.get("file")
    try:
        order_services.act_on_order(request.user, order, action, payload, [upload] if upload else [])
    except ServiceError as exc:
        _refuse(request, exc)
    else:
        messages.success(request, _("Done."))
    return redirect("supervision_order_detail", pk=order.pk)

