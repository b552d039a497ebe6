"""Bespoke pages of disaster reporting: the 快报表 of an event at a stage as Excel, ending an event (the lists, object
pages and the opening form are the surfaces')."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from yingji.core.errors import ServiceError
from yingji.core.generic import get_for_page, require_page
from yingji.core.regions import region_path
from yingji.standards import disasters as rules

from .forms_reports import EndEventForm, QuickReportForm
from .models import DisasterEvent, DisasterReport
from .services import reports as services


@login_required
def event_export(request, pk: int, stage: str):
    event = get_for_page(request, DisasterEvent, pk)
    if stage not in rules.STAGES:
        raise Http404
    response = HttpResponse(services.export_workbook(event, stage),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="disaster-{event.pk}-{stage}.xlsx"'
    return response


@login_required
@require_POST
def event_end(request, pk: int):
    """The disaster is stable (灾情稳定): the verified report's clock starts."""
    event = get_for_page(request, DisasterEvent, pk, "change")
    form = EndEventForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the time the disaster became stable."))
    else:
        try:
            services.end_event(request.user, event, form.cleaned_data["ended_at"])
        except ServiceError as exc:
            messages.error(request, "；".join(e["message"] for e in exc.errors) or exc.detail)
        else:
            messages.success(request, _("The disaster is recorded as stable."))
    return redirect("disaster_event_detail", pk)


#: The static files of the phone report page, cached by the phone with the page (the field pages' own: the page
#: runs on the inspection field pages' offline queue, ``enforcement/field.js``).
QUICK_ASSETS = ("vendor/bootstrap/bootstrap.min.css", "vendor/bootstrap-icons/bootstrap-icons.min.css",
                "enforcement/field.css", "enforcement/field.js")
#: The cache the field pages' service worker keeps (one name: each worker clears the other ``yj-field-`` caches).
FIELD_CACHE = "yj-field-v1"


@never_cache
@login_required
def quick_report(request, pk: int):
    """A village's report of the event on a phone (初报 by default): sent through the offline queue, so it can be
    filled without a signal and goes when the phone is back online; the API checks and submits it."""
    event = get_for_page(request, DisasterEvent, pk)
    require_page(request, "add", DisasterReport)
    area = request.user.scope_region_code or ""
    return render(request, "disasters/quick_report.html", {
        "event": event, "form": QuickReportForm(), "area": region_path(area) if area else "",
        "assets": [static(p) for p in QUICK_ASSETS], "cache_name": FIELD_CACHE,
        "submit_url": f"/api/v1/disaster-events/{event.pk}/quick-reports"})


def quick_report_service_worker(request):
    """The service worker of the phone report pages (the field pages' worker, under the events' path so its scope
    covers them): the page and its assets are kept for use without a signal."""
    response = render(request, "enforcement/field_sw.js", {
        "cache_name": FIELD_CACHE, "assets": [static(p) for p in QUICK_ASSETS],
        "static_prefix": settings.STATIC_URL}, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
