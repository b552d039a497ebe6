"""Pages of drills beyond the generic list/detail/form pages: recording a drill's problems and photos, acting on
a problem, and the compliance page (each enterprise and township against the required frequency)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingji.core.errors import NotAllowed, ServiceError
from yingji.core.generic import get_for_page, page_query, require_page
from yingji.standards import drills as rules

from . import forms_drills as forms
from .choices_drills import Compliance
from .models.drills import Drill, DrillProblem
from .services import drills as services

#: Rows of the compliance page's enterprise table per page.
ENTERPRISES_PER_PAGE = 50


def _refuse(request, exc: ServiceError) -> None:
    if isinstance(exc, NotAllowed):
        raise PermissionDenied
    details = "；".join(e["message"] for e in exc.errors) if exc.errors else ""
    messages.error(request, f"{exc.detail}{'：' + details if details else ''}")


@login_required
@require_POST
def drill_problem_add(request, pk: int):
    drill = get_for_page(request, Drill, pk, "change")
    form = forms.ProblemForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[k].label}：{v[0]}" for k, v in form.errors.items()
                                         if k in form.fields))
        return redirect("drill_detail", pk=pk)
    try:
        services.add_problem(request.user, drill, form.cleaned_data)
    except ServiceError as exc:
        _refuse(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("drill_detail", pk=pk)


@login_required
@require_POST
def drill_photo_add(request, pk: int):
    drill = get_for_page(request, Drill, pk, "attach")
    form = forms.PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file."))
        return redirect("drill_detail", pk=pk)
    try:
        services.add_photo(request.user, drill, form.cleaned_data["file"])
    except ServiceError as exc:
        _refuse(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("drill_detail", pk=pk)


@login_required
@require_POST
def drill_problem_act(request, pk: int, action: str):
    problem = get_for_page(request, DrillProblem, pk)
    form = forms.ProblemActionForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    text = data.get("text") or ""
    payload = ({"rectification": text} if action == "submit" else {"reason": text} if action == "return"
               else {"note": text})
    if action == "return" and data.get("deadline"):
        payload["deadline"] = data["deadline"]
    try:
        services.act_on_problem(request.user, problem, action, payload)
    except ServiceError as exc:
        _refuse(request, exc)
    else:
        messages.success(request, _("Done."))
    return redirect("drill_problem_detail", pk=pk)


@login_required
def drill_compliance(request):
    """Each enterprise's and township's drills of the year against the required frequency."""
    require_page(request, "view", Drill)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    if not 2000 <= year <= today.year:
        year = today.year
    as_of = min(today, datetime.date(year, 12, 31) + datetime.timedelta(days=1))
    enterprises = services.enterprise_compliance(request.user, year, as_of)
    townships = services.township_compliance(request.user, year, as_of, enterprise_rows=enterprises)
    stats = services.statistics(request.user, year, as_of, enterprise_rows=enterprises, township_rows=townships)
    # Labels translated once and dates as the cells show them ("m-d") formatted here: per cell, for a county's
    # thousand requirement periods, they were a third of the page's time.
    labels = Compliance.labels()

    # The enterprises a page at a time (a county has hundreds), those of one result if asked.
    wanted = request.GET.get("result") or ""
    if wanted not in Compliance.values():
        wanted = ""
    shown = [row for row in enterprises if row["status"] == wanted] if wanted else enterprises
    page = Paginator(shown, ENTERPRISES_PER_PAGE).get_page(request.GET.get("page"))
    for row in [*page.object_list, *townships]:
        row["status_label"] = labels.get(row["status"], row["status"])
        row["status_colour"] = Compliance.colour(row["status"])
        row["period_rows"] = [{"label": p.requirement.label, "start": f"{p.start:%m-%d}", "end": f"{p.end:%m-%d}",
                               "held": p.held, "status": labels.get(p.status, p.status),
                               "colour": Compliance.colour(p.status)}
                              for p in row["periods"]]
    return render(request, "preparedness/drill_compliance.html", {
        "year": year, "years": list(range(today.year, today.year - 4, -1)), "enterprises": page.object_list,
        "page": page, "results": list(labels.items()), "result": wanted, "query": page_query(request),
        "townships": townships, "source": rules.SOURCE, "township_source": rules.TOWNSHIP_SOURCE,
        "stats": stats})
