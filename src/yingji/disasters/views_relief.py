"""Pages of disaster relief beyond the generic surfaces: taking a workflow step, recording and handling objections,
and the public notice (公示) pages, open to everyone, with names and identity numbers masked and no phones."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingji.core.errors import ServiceError
from yingji.core.generic import get_for_page
from yingji.standards import relief as rules

from .models.relief import ReliefApplication, ReliefObjection
from .models.reports import DisasterEvent
from .services import relief as services


def _error(request, exc: ServiceError) -> None:
    details = [str(e.get("message", "")) for e in exc.errors or []]
    messages.error(request, "；".join([str(exc.detail), *[d for d in details if d]]))


@login_required
@require_POST
def application_act(request, pk: int):
    app = get_for_page(request, ReliefApplication, pk, "view")
    payload = {k: request.POST.get(k, "") for k in ("reason", "note", "funds", "batch", "quantity")}
    payload = {k: v for k, v in payload.items() if v != ""}
    try:
        services.act(request.user, app, request.POST.get("action", ""), payload)
    except ServiceError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Done."))
    return redirect("relief_application_detail", pk)


@login_required
@require_POST
def objection_add(request, pk: int):
    app = get_for_page(request, ReliefApplication, pk, "change")
    try:
        services.raise_objection(request.user, app, request.POST)
    except ServiceError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The objection is recorded."))
    return redirect("relief_application_detail", pk)


@login_required
@require_POST
def objection_handle(request, pk: int):
    objection = get_for_page(request, ReliefObjection, pk, "change")
    try:
        services.handle_objection(request.user, objection, request.POST)
    except ServiceError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The objection is handled."))
    return redirect("relief_application_detail", objection.application_id)


def public_notice_index(request):
    """Events with relief lists on public notice now (no login)."""
    return render(request, "disasters/relief_public_index.html", {"events": services.public_events()[:50],
                                                                  "days": rules.notice_days()})


def public_notice(request, pk: int):
    """One event's relief list on notice (no login): masked names and identity numbers only."""
    event = DisasterEvent.objects.filter(pk=pk).first()
    if event is None:
        raise Http404
    return render(request, "disasters/relief_public_notice.html",
                  {"event": event, "rows": services.public_notice(event), "days": rules.notice_days()})
