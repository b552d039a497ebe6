"""Pages of dual prevention: risk points and the four-colour distribution, hazards (list, report, detail with
timeline, evidence and one form per available action), statistics, and the user's notifications.

Views hold no business logic: they read through ``policy`` and write through ``services``."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from yingji.core import attachments, charts, policy, values
from yingji.core.errors import Conflict, NotAllowed, ServiceError
from yingji.core.generic import page_query
from yingji.core.surfaces import reveal_phones, url_maker
from yingji.core.views import _get, _require, list_page, service_errors_to_form
from yingji.enterprises.models import Enterprise

from . import forms, origins, services, stats
from .choices import HazardState, ProgrammeStage, RiskColour, SampleState
from .filters import HazardFilterSet
from .models import Hazard, HazardSample, ProgrammeStep, RiskPoint

HAZARD_COLUMNS = [
    ("id", gettext_lazy("No.")), ("title", pgettext_lazy("heading", "Title")),
    ("enterprise.name", gettext_lazy("Enterprise")), ("place.name", gettext_lazy("Place")),
    ("region_code", gettext_lazy("Region code")),
    ("region_name", gettext_lazy("Region")), ("source", gettext_lazy("Source")),
    ("found_at", gettext_lazy("Found")), ("state", gettext_lazy("State")), ("level", gettext_lazy("Hazard level")),
    ("supervised", gettext_lazy("Listed for county supervision")),
    ("due_at", gettext_lazy("Rectification deadline")), ("responsible_person", gettext_lazy("Responsible person")),
    ("is_overdue", gettext_lazy("Overdue")), ("closed_at", pgettext_lazy("hazard closed at", "Closed")),
]
STATUS_OF = {Conflict: 409, NotAllowed: 403}
#: The distribution page lists the enterprises with the most serious risks first, this many of them.
DISTRIBUTION_ENTERPRISES = 30


# --- risk points -----------------------------------------------------------------------------------------------


def _colour_cards(total: dict) -> list[dict]:
    return [{"colour": c, "label": RiskColour.label(c), "count": total.get(c, 0)} for c in RiskColour.values()]


def _reveal(user, obj) -> bool:
    """Whether the page shows the responsible person's full phone number (then audited once per view)."""
    return reveal_phones(user, obj, ["responsible_phone"])


@login_required
def risk_detail(request, pk: int):
    point = _get(request, RiskPoint, pk, queryset=RiskPoint.objects.select_related("enterprise"))
    hazards = Hazard.objects.for_user(request.user).filter(risk_point=point).select_related("enterprise")[:20] \
        if policy.can(request.user, "view", Hazard) else []
    reveal = _reveal(request.user, point)
    return render(request, "prevention/risk_detail.html", {
        "point": point, "hazards": hazards, "reveal": reveal,
        "can_change": policy.can(request.user, "change", RiskPoint),
        "can_delete": policy.can(request.user, "delete", RiskPoint),
    })


@login_required
@require_http_methods(["GET", "POST"])
def risk_create(request):
    denied = _require(request, "add", RiskPoint)
    if denied:
        return denied
    form = forms.RiskPointForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            point = services.create_risk_point(request.user, form.service_data())
        except ServiceError as exc:
            service_errors_to_form(form, _risk_form_errors(exc))
        else:
            messages.success(request, _("Risk point saved: %(label)s.") % {"label": point.get_colour_display()})
            return redirect("risk_detail", pk=point.pk)
    return render(request, "core/form.html", {"form": form, "title": _("New risk point"),
                                              "cancel_url": reverse("risk_list")})


@login_required
@require_http_methods(["GET", "POST"])
def risk_edit(request, pk: int):
    point = _get(request, RiskPoint, pk, "change", queryset=RiskPoint.objects.select_related("enterprise"))
    form = forms.RiskPointForm(request.POST or None, instance=point, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_risk_point(request.user, point, form.service_data())
        except ServiceError as exc:
            service_errors_to_form(form, _risk_form_errors(exc))
        else:
            messages.success(request, _("Risk point saved."))
            return redirect("risk_detail", pk=point.pk)
    return render(request, "core/form.html", {"form": form, "title": _("Edit risk point"), "object": point,
                                              "cancel_url": reverse("risk_detail", args=[point.pk])})


def _risk_form_errors(exc: ServiceError) -> ServiceError:
    """Map the model's L/E/C/S field errors onto the form's per-method fields."""
    names = {"likelihood": "lec_l", "exposure": "lec_e", "consequence": "lec_c", "severity": "ls_s"}
    for error in exc.errors:
        error["field"] = names.get(error["field"], error["field"])
    return exc


@login_required
@require_POST
def risk_delete(request, pk: int):
    point = _get(request, RiskPoint, pk, "delete")
    services.delete_risk_point(request.user, point)
    messages.success(request, _("Risk point deleted."))
    return redirect("risk_list")


@login_required
def risk_distribution(request):
    denied = _require(request, "view", RiskPoint)
    if denied:
        return denied
    points = RiskPoint.objects.for_user(request.user)
    by_enterprise = stats.risk_distribution(points, "enterprise")
    enterprise_count = len(by_enterprise.rows)
    by_enterprise.rows = by_enterprise.rows[:DISTRIBUTION_ENTERPRISES]
    tables = [(_("By township / street"), _with_bars(stats.risk_distribution(points, "township"))),
              (_("By industry"), _with_bars(stats.risk_distribution(points, "industry"))),
              (_("By enterprise"), _with_bars(by_enterprise))]
    township = tables[0][1]
    chart = charts.bar([str(r["label"]) for r in township.rows],
                       [charts.series(RiskColour.label(c), [r[c] for r in township.rows], color=c, stack="risk")
                        for c in RiskColour.values()], stacked=True, title=_("Risk points by township and colour"))
    return render(request, "prevention/risk_distribution.html", {
        "chart": chart,
        "tables": tables, "colours": [(c, RiskColour.label(c)) for c in RiskColour.values()],
        "colour_counts": _colour_cards(tables[0][1].total), "total": tables[0][1].total,
        "enterprise_count": enterprise_count, "enterprise_limit": DISTRIBUTION_ENTERPRISES,
    })


def _with_bars(table: stats.Table) -> stats.Table:
    """Add each row's stacked-bar segments as widths in 5 % steps (styles come from classes: the CSP forbids
    inline styles)."""
    for row in table.rows:
        total = row["total"] or 1
        row["bars"] = [(c, int(round(row[c] * 20 / total)) * 5) for c in RiskColour.values() if row[c]]
    return table


# --- hazards ---------------------------------------------------------------------------------------------------


@login_required
def hazard_list(request):
    denied = _require(request, "view", Hazard)
    if denied:
        return denied
    scoped = Hazard.objects.for_user(request.user)
    qs = scoped.select_related("enterprise", "place")
    return list_page(request, qs, HazardFilterSet, template="prevention/hazard_list.html", export_name="hazards",
                     columns=HAZARD_COLUMNS, extra={
                         "dashboard": stats.hazard_dashboard(scoped),
                         "can_report": policy.can(request.user, "add", Hazard),
                         "now": timezone.now()})


@login_required
@require_http_methods(["GET", "POST"])
def hazard_report(request):
    denied = _require(request, "add", Hazard)
    if denied:
        return denied
    # A place's or an enterprise's page links here with ``?place=`` or ``?enterprise=`` to preset the subject.
    initial = {k: v for k, v in request.GET.items() if k in ("place", "enterprise")}
    form = forms.HazardReportForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        photo = form.cleaned_data.get("photo")
        try:
            hazard = services.report_hazard(request.user, form.service_data(), [photo] if photo else [])
        except ServiceError as exc:
            service_errors_to_form(form, _file_errors(exc, "photo"))
        else:
            messages.success(request, _("Hazard reported."))
            return redirect("hazard_detail", pk=hazard.pk)
    return render(request, "core/form.html", {"form": form, "title": _("Report a hazard"),
                                              "cancel_url": reverse("hazard_list")})


def _file_errors(exc: ServiceError, field: str) -> ServiceError:
    """The service names an upload ``file``; the form calls it ``field`` (photo, evidence)."""
    for error in exc.errors:
        if error["field"] == "file":
            error["field"] = field
    return exc


HAZARD_DETAIL_RELATED = ("enterprise", "place", "reporter", "confirmed_by", "rectified_by", "verified_by", "closed_by",
                         "responsible_user", "risk_point")


def _sample_panel(user, hazard: Hazard, sample_form=None, draw_form=None) -> dict | None:
    """The sample checks of a hazard the enterprise closed itself: the list, and the forms the viewer may use."""
    samples = list(hazard.samples.select_related("drawn_by", "checked_by"))
    if not samples and not services.self_closed_loop(hazard):
        return None
    pending = next((s for s in samples if s.state == SampleState.PENDING), None)
    can_draw = (pending is None and services.sampleable(hazard) and policy.can(user, "add", HazardSample))
    can_check = pending is not None and policy.can(user, "change", HazardSample)
    return {"samples": samples, "pending": pending,
            "draw_form": (draw_form or forms.SampleDrawForm()) if can_draw else None,
            "result_form": (sample_form or forms.SampleResultForm()) if can_check else None}


def _hazard_page(request, hazard: Hazard, *, bound: forms._ActionForm | None = None,
                 attach_form: forms.AttachmentForm | None = None, status: int = 200, sample_form=None,
                 draw_form=None):
    user = request.user
    action_forms = []
    for action in services.available_actions(hazard, user):
        if bound is not None and bound.action == action:
            form = bound
        else:
            form = forms.ACTION_FORMS[action](hazard=hazard, action=action)
        action_forms.append({"action": action, "form": form, "label": ACTION_LABELS[action],
                             "style": ACTION_STYLES.get(action, "primary")})
    can_attach = policy.can(user, "attach", Hazard) and hazard.state != HazardState.CLOSED
    return render(request, "prevention/hazard_detail.html", {
        "hazard": hazard, "reveal": _reveal(user, hazard), "events": hazard.events.select_related("actor"),
        "origins": origins.origins_of(hazard, user),
        "attachments": attachments.for_object(hazard), "action_forms": action_forms,
        "attach_form": (attach_form or forms.AttachmentForm()) if can_attach else None,
        "bound_action": bound.action if bound is not None else None,
        "self_loop": services.self_closed_loop(hazard),
        "sampling": _sample_panel(user, hazard, sample_form, draw_form),
    }, status=status)


ACTION_LABELS = {
    "confirm": gettext_lazy("Confirm and classify"), "start": gettext_lazy("Start rectification"),
    "rectify": gettext_lazy("Report rectification done"), "verify": gettext_lazy("Verify the rectification"),
    "reject": gettext_lazy("Reject the rectification"), "close": gettext_lazy("Close (sign off)"),
    services.EXTEND: gettext_lazy("Extend the deadline"),
}
ACTION_STYLES = {"reject": "outline-danger", "extend": "outline-secondary", "close": "success", "verify": "success"}


@login_required
def hazard_detail(request, pk: int):
    hazard = _get(request, Hazard, pk, queryset=Hazard.objects.select_related(*HAZARD_DETAIL_RELATED))
    return _hazard_page(request, hazard)


@login_required
@require_POST
def hazard_act(request, pk: int, action: str):
    hazard = _get(request, Hazard, pk, queryset=Hazard.objects.select_related(*HAZARD_DETAIL_RELATED))
    form_class = forms.ACTION_FORMS.get(action)
    if form_class is None:
        return render(request, "400.html", {"detail": _("Unknown action.")}, status=400)
    form = form_class(request.POST, request.FILES, hazard=hazard, action=action)
    if not form.is_valid():
        return _hazard_page(request, hazard, bound=form, status=400)
    try:
        services.perform(request.user, hazard, action, form.payload(), form.files_list())
    except ServiceError as exc:
        _form_errors(form, _file_errors(exc, "evidence"))
        status = STATUS_OF.get(type(exc), 400)
        return _hazard_page(request, hazard, bound=form, status=status)
    messages.success(request, _("%(action)s: done.") % {"action": ACTION_LABELS[action]})
    return redirect("hazard_detail", pk=hazard.pk)


@login_required
@require_POST
def hazard_attach(request, pk: int):
    hazard = _get(request, Hazard, pk, queryset=Hazard.objects.select_related(*HAZARD_DETAIL_RELATED))
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(request.user, hazard, form.cleaned_data["file"], form.cleaned_data["purpose"])
        except ServiceError as exc:
            for error in exc.errors or [{"field": "", "message": exc.detail}]:
                form.add_error(error["field"] if error["field"] in form.fields else None, error["message"])
            return _hazard_page(request, hazard, attach_form=form, status=STATUS_OF.get(type(exc), 400))
        messages.success(request, _("File attached."))
        return redirect("hazard_detail", pk=hazard.pk)
    return _hazard_page(request, hazard, attach_form=form, status=400)


def _date_param(request, name: str) -> datetime.date | None:
    value = request.GET.get(name) or ""
    try:
        return values.check_date(datetime.date.fromisoformat(value)) if value else None
    except ValueError:  # not a date, or out of the accepted range (ValueRejected)
        return None


@login_required
def hazard_statistics(request):
    denied = _require(request, "view", Hazard)
    if denied:
        return denied
    group_by = request.GET.get("group_by") or "township"
    if group_by not in stats.HAZARD_GROUPS:
        group_by = "township"
    since, until = _date_param(request, "since"), _date_param(request, "until")
    table = stats.hazard_statistics(
        Hazard.objects.for_user(request.user), group_by,
        since=services.as_datetime(since, "since", end_of_day=False) if since else None,
        until=services.as_datetime(until + datetime.timedelta(days=1), "until", end_of_day=False) if until else None)
    groups = [(g, GROUP_LABELS[g]) for g in stats.HAZARD_GROUPS]
    return render(request, "prevention/hazard_statistics.html", {
        "table": table, "group_by": group_by, "groups": groups, "since": since, "until": until,
        "chart": _hazard_chart(table, group_by),
    })


#: Groups a chart shows at most (the table below keeps every row).
CHART_GROUPS = 20


def _hazard_chart(table: stats.Table, group_by: str) -> dict:
    """The table as a chart (issue 12 §4): found, closed and overdue now per group, the first CHART_GROUPS rows
    (months and quarters in their order, other groups by the most found)."""
    rows = list(table.rows)
    if group_by not in ("month", "quarter"):
        rows.sort(key=lambda r: -r["found"])
    rows = rows[:CHART_GROUPS]
    return charts.bar([str(r["label"]) for r in rows],
                      [charts.series(_("Found"), [r["found"] for r in rows], color="orange"),
                       charts.series(pgettext("hazard state", "Closed"), [r["closed"] for r in rows], color="green"),
                       charts.series(_("Overdue now"), [r["overdue"] for r in rows], color="red")],
                      title=_("Hazards by %(group)s") % {"group": GROUP_LABELS[group_by]})


GROUP_LABELS = {"township": gettext_lazy("Township / street"), "industry": gettext_lazy("Industry"),
                "source": gettext_lazy("Source"), "subject": gettext_lazy("Enterprise or place"),
                "month": gettext_lazy("Month"), "quarter": gettext_lazy("Quarter"),
                "enterprise": gettext_lazy("Enterprise")}



def _form_errors(form, exc: ServiceError) -> None:
    for error in exc.errors or [{"field": "", "message": exc.detail}]:
        form.add_error(error["field"] if error["field"] in form.fields else None, error["message"])
    if exc.errors and exc.detail != "Validation failed":
        form.add_error(None, exc.detail)


@login_required
@require_POST
def hazard_sample_draw(request, pk: int):
    """Pull a hazard the enterprise closed itself back for a sample check."""
    hazard = _get(request, Hazard, pk, queryset=Hazard.objects.select_related(*HAZARD_DETAIL_RELATED))
    form = forms.SampleDrawForm(request.POST)
    if form.is_valid():
        try:
            services.draw_sample(request.user, hazard, form.cleaned_data["note"])
        except ServiceError as exc:
            _form_errors(form, exc)
            return _hazard_page(request, hazard, draw_form=form, status=STATUS_OF.get(type(exc), 400))
        messages.success(request, _("The hazard was drawn for a sample check."))
        return redirect("hazard_detail", pk=hazard.pk)
    return _hazard_page(request, hazard, draw_form=form, status=400)


@login_required
@require_POST
def hazard_sample_result(request, pk: int):
    """Record a sample check's result; a failure reopens the hazard."""
    sample = _get(request, HazardSample, pk, "change", queryset=HazardSample.objects.select_related("hazard"))
    hazard = Hazard.objects.select_related(*HAZARD_DETAIL_RELATED).get(pk=sample.hazard_id)
    form = forms.SampleResultForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.check_sample(request.user, sample, passed=data["passed"], note=data["note"],
                                  due_at=data.get("due_at"))
        except ServiceError as exc:
            _form_errors(form, exc)
            return _hazard_page(request, hazard, sample_form=form, status=STATUS_OF.get(type(exc), 400))
        messages.success(request, _("The sample check passed.") if data["passed"]
                         else _("The sample check failed: the hazard is reopened for rectification."))
        return redirect("hazard_detail", pk=hazard.pk)
    return _hazard_page(request, hazard, sample_form=form, status=400)


# --- the dual-prevention programme ------------------------------------------------------------------------------


@login_required
def hazard_programme(request):
    """Coverage of dual prevention by township or sector and each enterprise's operating quality."""
    denied = _require(request, "view", Hazard)
    if denied:
        return denied
    group_by = request.GET.get("group_by") or "township"
    if group_by not in stats.PROGRAMME_GROUPS:
        group_by = "township"
    since, until = stats.programme_period(_date_param(request, "since"), _date_param(request, "until"))
    rows = stats.programme_quality(
        Enterprise.objects.for_user(request.user),
        services.as_datetime(since, "since", end_of_day=False),
        services.as_datetime(until + datetime.timedelta(days=1), "until", end_of_day=False))
    # The enterprises needing attention first: no working loop, then the most overdue; a page of them at a time
    # (the coverage table above counts them all).
    rows.sort(key=lambda r: (r.working, -r.overdue, -r.reviews_overdue, r.name))
    page = Paginator(rows, PROGRAMME_ROWS).get_page(request.GET.get("page"))
    enterprise_url = url_maker("enterprise_detail")
    for row in page.object_list:
        row.url = enterprise_url(row.id)
    return render(request, "prevention/hazard_programme.html", {
        "coverage": stats.programme_coverage(rows, group_by), "rows": page.object_list, "page": page,
        "query": page_query(request), "group_by": group_by,
        "groups": [("township", gettext_lazy("Township / street")), ("sector", gettext_lazy("Supervision sector"))],
        "since": since, "until": until, "definitions": stats.PROGRAMME_DEFINITIONS.values(),
        "stages": ProgrammeStage, "can_add_step": policy.can(request.user, "add", ProgrammeStep),
    })


#: Enterprises a page of the quality table (those needing attention first); the API gives them all.
PROGRAMME_ROWS = 50
