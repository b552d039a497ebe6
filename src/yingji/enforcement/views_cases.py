"""Pages of enforcement documents and penalty cases beyond the generic ones: a document's PDF, a case's workflow
steps, time-limit extension and publication, and the public page of penalty decisions (行政执法公示)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingji.core.errors import NotAllowed, ServiceError
from yingji.core.generic import get_for_page

from . import forms, services
from .choices import CaseAction, CaseState
from .models import EnforcementDocument, PenaltyCase


def _service_messages(request, exc: ServiceError) -> None:
    shown = False
    for error in exc.errors or []:
        messages.error(request, error["message"])
        shown = True
    if not shown or (exc.detail and exc.detail != "Validation failed"):
        messages.error(request, exc.detail or _("The request was refused."))


def _post_write(request, write, success) -> bool:
    try:
        write()
    except NotAllowed:
        raise PermissionDenied from None
    except ServiceError as exc:
        _service_messages(request, exc)
        return False
    messages.success(request, success)
    return True


@login_required
def document_pdf(request, pk: int):
    """The document in its standard layout as PDF (the download is audited)."""
    document = get_for_page(request, EnforcementDocument, pk)
    content = services.render_pdf(request.user, document)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.kind}-{document.year}-{document.serial}.pdf"'
    return response


@login_required
@require_POST
def case_act(request, pk: int, action: str):
    case = get_for_page(request, PenaltyCase, pk)
    if action not in services.CASE_WORKFLOW.actions:
        raise Http404
    if request.POST.get("version") and request.POST["version"] != str(case.version):
        messages.error(request, _("The case changed meanwhile; check it and try again."))
        return redirect("case_detail", pk=pk)
    form = forms.CaseActionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("case_detail", pk=pk)
    _post_write(request, lambda: services.transition_case(request.user, case, action, form.payload(action)),
                _("%(action)s: done.") % {"action": CaseAction.label(action)})
    return redirect("case_detail", pk=pk)


@login_required
@require_POST
def case_extend(request, pk: int):
    case = get_for_page(request, PenaltyCase, pk)
    _post_write(request, lambda: services.extend_case(request.user, case, request.POST.get("extension", ""),
                                                      request.POST.get("reason", "")[:2000]),
                _("Time limit extended."))
    return redirect("case_detail", pk=pk)


@login_required
@require_POST
def case_publish(request, pk: int):
    case = get_for_page(request, PenaltyCase, pk)
    _post_write(request, lambda: services.publish_decision(request.user, case), _("Decision published."))
    return redirect("case_detail", pk=pk)


def _published():
    return (PenaltyCase.objects.filter(published_at__isnull=False, state__in=CaseState.PUBLISHABLE)
            .order_by("-published_at", "-id"))


def public_penalty_list(request):
    """Published penalty decisions for everyone (no login): 行政执法公示 with personal data removed."""
    return render(request, "enforcement/public_penalty_list.html", {"cases": _published()[:200]})


def public_penalty_detail(request, pk: int):
    case = _published().filter(pk=pk).first()
    if case is None:
        raise Http404
    return render(request, "enforcement/public_penalty_detail.html", {"case": case})
