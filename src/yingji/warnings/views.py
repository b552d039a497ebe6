"""Web pages of warnings: the staff list and detail (workflow buttons, who has and has not confirmed, re-send),
the responsible-person registry, the public warning pages and the signed acknowledgement link (no login)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST

from yingji.core import policy
from yingji.core.errors import NotAllowed, ServiceError
from yingji.core.views import _get, _require, list_page

from . import services
from .filters import ResponsiblePersonFilterSet, WarningFilterSet
from .models import Delivery, ResponsiblePerson, Warning

ACTION_LABELS = {"submit": _l("Submit for approval"), "approve": _l("Approve"), "reject": _l("Send back"),
                 "publish": _l("Publish")}


@login_required
def warning_list(request):
    denied = _require(request, "view", Warning)
    if denied:
        return denied
    return list_page(request, Warning.objects.for_user(request.user), WarningFilterSet,
                     template="warnings/warning_list.html")


def _confirmation_rows(warning: Warning):
    rows = {}
    for d in (Delivery.objects.filter(warning=warning, about__isnull=True).select_related("person")
              .order_by("person__region_code", "person_id", "pk")):
        row = rows.setdefault(d.person_id, {"person": d.person, "channels": [], "acknowledged_at": None,
                                            "state": d.state, "last_error": ""})
        row["channels"].append(d.get_channel_display())
        row["acknowledged_at"] = row["acknowledged_at"] or d.acknowledged_at
        row["last_error"] = d.last_error or row["last_error"]
    confirmed = [r for r in rows.values() if r["acknowledged_at"]]
    silent = [r for r in rows.values() if not r["acknowledged_at"]]
    return confirmed, silent


@login_required
def warning_detail(request, pk: int):
    warning = _get(request, Warning, pk, queryset=Warning.objects.select_related("references", "created_by",
                                                                                 "approved_by"))
    confirmed, silent = _confirmation_rows(warning)
    actions = [(a, ACTION_LABELS[a]) for a in services.available_actions(request.user, warning)]
    return render(request, "warnings/warning_detail.html", {
        "warning": warning, "actions": actions, "confirmed": confirmed[:500], "silent": silent[:500],
        "confirmed_count": len(confirmed), "silent_count": len(silent),
        "can_resend": policy.can(request.user, "resend", Warning) and warning.state == "published",
        "events": warning.events.select_related("actor")[:200], "successors": warning.successors.all(),
    })


@login_required
@require_POST
def warning_act(request, pk: int, action: str):
    warning = _get(request, Warning, pk)
    try:
        services.perform(request.user, warning, action, {"note": request.POST.get("note", "")[:500]})
    except NotAllowed:
        raise PermissionDenied from None
    except ServiceError as exc:
        for error in exc.errors or [{"message": exc.detail}]:
            messages.error(request, error["message"])
        return redirect("warning_detail", pk=pk)
    messages.success(request, _("%(action)s: done.") % {"action": ACTION_LABELS.get(action, action)})
    return redirect("warning_detail", pk=pk)


@login_required
@require_POST
def warning_resend(request, pk: int):
    warning = _get(request, Warning, pk, "resend")
    try:
        count = services.resend_silent(request.user, warning)
    except ServiceError as exc:
        messages.error(request, exc.detail)
        return redirect("warning_detail", pk=pk)
    messages.success(request, _("Re-sent to %(n)s recipients who have not confirmed.") % {"n": count})
    return redirect("warning_detail", pk=pk)


@login_required
def person_list(request):
    denied = _require(request, "view", ResponsiblePerson)
    if denied:
        return denied
    return list_page(request, ResponsiblePerson.objects.for_user(request.user).select_related("superior"),
                     ResponsiblePersonFilterSet, template="warnings/person_list.html",
                     extra={"reveal": policy.reveal_pii(request.user, ResponsiblePerson)})


# --- public ---------------------------------------------------------------------------------------------------


def public_warning_list(request):
    """Current warnings for everyone (no login): published and unexpired only."""
    return render(request, "warnings/public_list.html",
                  {"warnings": services.public_warnings().order_by("-sent", "-pk")[:100]})


def public_warning_detail(request, pk: int):
    warning = services.publicly_documented().filter(pk=pk).first()
    if warning is None:
        raise Http404
    return render(request, "warnings/public_detail.html", {"warning": warning})


@require_http_methods(["GET", "POST"])
def warning_ack(request, token: str):
    """The signed link sent with every message: GET shows the warning, POST confirms receipt (no login)."""
    try:
        warning, person = services.acknowledge_by_token(token)
    except ServiceError:
        return render(request, "warnings/ack.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        services.acknowledge(warning, person, "link")
        done = True
    acknowledged = Delivery.objects.filter(warning=warning, person=person, acknowledged_at__isnull=False).exists()
    return render(request, "warnings/ack.html", {"warning": warning, "person": person, "done": done,
                                                 "acknowledged": acknowledged})
