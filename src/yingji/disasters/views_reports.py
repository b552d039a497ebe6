"""Bespoke page of disaster reporting: the 快报表 of an event at a stage as Excel (the lists and object pages are the
surfaces')."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from yingji.core.generic import get_for_page
from yingji.standards import disasters as rules

from .models import DisasterEvent
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
