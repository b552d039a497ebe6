"""Web pages of warnings: the staff list and detail (workflow buttons, who has and has not confirmed, re-send),
authoring (a draft from a template or from an alarm, editing a draft, drafting an Update or a Cancel), the
responsible-person registry (list, detail, create, edit), the public warning pages and the signed
acknowledgement link (no login)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST

from yingji.core import policy, regions
from yingji.core.errors import NotAllowed, NotFound, ServiceError
from yingji.core.templatetags.yingji_tags import choice_badge
from yingji.core.views import _get, _require, list_page, service_errors_to_form

from . import services
from .catalog import TEMPLATES
from .channels import describe_error
from .choices import MessageType, WarningState
from .filters import WarningFilterSet
from .forms import WarningForm, template_choices
from .models import Delivery, Warning

ACTION_LABELS = {"submit": _l("Submit for approval"), "approve": _l("Approve"), "reject": _l("Send back"),
                 "publish": _l("Publish")}


@login_required
def warning_list(request):
    denied = _require(request, "view", Warning)
    if denied:
        return denied
    return list_page(request, Warning.objects.for_user(request.user), WarningFilterSet,
                     template="warnings/warning_list.html",
                     extra={"can_add": policy.can(request.user, "add", Warning)})


def _confirmation_rows(warning: Warning):
    """Each recipient once, with their channels: a county-wide warning has thousands of deliveries, so only the
    columns shown are read, as tuples (a model instance per delivery and person was a third of the page), each
    channel's name translated, each kind's badge and each region's name made once, and the confirmation time
    formatted here (``date:"m-d H:i"`` for 500 people was another third)."""
    rows = {}
    channel_names = {value: str(label) for value, label in Delivery._meta.get_field("channel").flatchoices}
    badges: dict[str, str] = {}
    places: dict[str, str] = {}
    person_model = Delivery._meta.get_field("person").related_model
    for (person_id, channel, acknowledged_at, state, last_error, name, region_code, kind) in (
            Delivery.objects.filter(warning=warning, about__isnull=True)
            .order_by("person__region_code", "person_id", "pk")
            .values_list("person_id", "channel", "acknowledged_at", "state", "last_error", "person__name",
                         "person__region_code", "person__kind")):
        row = rows.get(person_id)
        if row is None:
            if kind not in badges:
                badges[kind] = choice_badge(person_model(kind=kind), "kind")
            if region_code not in places:
                places[region_code] = regions.region_path(region_code)
            row = rows[person_id] = {"name": name, "region": places[region_code], "kind_badge": badges[kind],
                                     "channels": [], "acknowledged_at": None, "state": state, "last_error": ""}
        row["channels"].append(channel_names.get(channel, channel))
        row["acknowledged_at"] = row["acknowledged_at"] or acknowledged_at
        if last_error:
            row["last_error"] = describe_error(last_error) or row["last_error"]
    confirmed = [r for r in rows.values() if r["acknowledged_at"]]
    silent = [r for r in rows.values() if not r["acknowledged_at"]]
    for row in confirmed[:500]:  # the page shows 500
        row["acknowledged"] = f"{timezone.localtime(row['acknowledged_at']):%m-%d %H:%M}"
    return confirmed, silent


def _source_alarm_url(user, warning: Warning) -> str:
    """Link to the source alarm when it is an alarm id the user may see."""
    if not warning.source_alarm.isdigit():
        return ""
    from yingji.monitoring import services as monitoring

    try:
        monitoring.alarm_summary(user, int(warning.source_alarm))
    except (NotFound, NotAllowed):
        return ""
    return reverse("alarm_detail", args=[int(warning.source_alarm)])


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
        "source_alarm_url": _source_alarm_url(request.user, warning),
        "can_edit": warning.state == WarningState.DRAFT and policy.can(request.user, "change", Warning),
        "can_derive": (warning.state == WarningState.PUBLISHED and not warning.is_lifting_notice
                       and policy.can(request.user, "add", Warning)),
        "events": warning.events.all()[:200], "successors": warning.successors.all(),
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


def _form_errors(form, exc: ServiceError) -> None:
    """Service errors onto the form; the API's ``x_id`` field names are the form's ``x``."""
    if isinstance(exc, NotAllowed) and not exc.errors:
        raise PermissionDenied from None
    for error in exc.errors or []:
        if error.get("field", "").endswith("_id") and error["field"][:-3] in form.fields:
            error["field"] = error["field"][:-3]
    service_errors_to_form(form, exc)


def _authoring_page(request, form, title, **context):
    return render(request, "warnings/warning_form.html", {"form": form, "title": title, **context})


@login_required
@require_http_methods(["GET", "POST"])
def warning_create(request):
    """A new draft: blank, from a template (``?template=key``) or from an alarm (``?alarm=id``). The template's
    locked fields are fixed server-side whatever is posted."""
    denied = _require(request, "add", Warning)
    if denied:
        return denied
    source = request.POST if request.method == "POST" else request.GET
    key, alarm_id = source.get("template") or "", source.get("alarm") or ""
    now = timezone.now().replace(second=0, microsecond=0)
    initial = {"effective": now, "expires": now + timedelta(hours=services.DRAFT_HOURS), "certainty": "Likely"}
    try:
        if alarm_id:
            initial |= services.alarm_prefill(request.user, alarm_id)
        elif key:
            if key not in TEMPLATES:
                raise Http404
            initial |= TEMPLATES[key].fields(settings.COUNTY_CODE)
    except NotFound:
        raise Http404 from None
    locked = initial.get("locked_fields", [])
    initial["alarm"] = alarm_id or None
    form = WarningForm(request.POST or None, user=request.user, initial=initial, locked=locked)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            if alarm_id:
                warning = services.draft_from_alarm(request.user, alarm_id, data)
            else:
                warning = services.create_warning(request.user, data)
        except ServiceError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("warning_detail", pk=warning.pk)
    return _authoring_page(request, form, _("New warning"), templates=template_choices(), chosen=key,
                           alarm_id=alarm_id, cancel_url=reverse("warning_list"))


def _initial_of(warning: Warning) -> dict:
    return {f: getattr(warning, f) for f in services.TEXT_FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
def warning_edit(request, pk: int):
    warning = _get(request, Warning, pk, "change")
    if warning.state != WarningState.DRAFT:
        messages.error(request, _("Only a draft can be edited."))
        return redirect("warning_detail", pk=pk)
    form = WarningForm(request.POST or None, user=request.user, initial=_initial_of(warning),
                       locked=warning.locked_fields)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        data.pop("template", None)
        try:
            services.update_warning(request.user, warning, data)
        except ServiceError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("warning_detail", pk=pk)
    return _authoring_page(request, form, _("Edit draft warning"), object=warning,
                           cancel_url=reverse("warning_detail", args=[pk]))


@login_required
@require_http_methods(["GET", "POST"])
def warning_update(request, pk: int):
    """Draft an Update of a published warning (CAP ``msgType`` Update referencing it)."""
    original = _get(request, Warning, pk, "add")
    if original.state != WarningState.PUBLISHED:
        messages.error(request, _("Only a published warning can be updated or cancelled."))
        return redirect("warning_detail", pk=pk)
    form = WarningForm(request.POST or None, user=request.user, initial=_initial_of(original))
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        data.pop("template", None)
        try:
            draft = services.derive(request.user, original, MessageType.UPDATE, data)
        except ServiceError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Update drafted: submit it for approval, then publish."))
            return redirect("warning_detail", pk=draft.pk)
    return _authoring_page(request, form, _("Update of a published warning"), object=original,
                           cancel_url=reverse("warning_detail", args=[pk]))


@login_required
@require_POST
def warning_cancel(request, pk: int):
    """Draft a Cancel of a published warning; it withdraws the original once approved and published."""
    original = _get(request, Warning, pk, "add")
    try:
        draft = services.derive(request.user, original, MessageType.CANCEL, {})
    except NotAllowed:
        raise PermissionDenied from None
    except ServiceError as exc:
        for error in exc.errors or [{"message": exc.detail}]:
            messages.error(request, error["message"])
        return redirect("warning_detail", pk=pk)
    messages.success(request, _("Cancel drafted: submit it for approval, then publish."))
    return redirect("warning_detail", pk=draft.pk)


# --- public ---------------------------------------------------------------------------------------------------


def public_warning_list(request):
    """Current warnings for everyone (no login): those in force, then the recently lifted ones apart."""
    return render(request, "warnings/public_list.html",
                  {"warnings": services.warnings_in_force().order_by("-sent", "-pk")[:100],
                   "lifted": services.lifting_notices().order_by("-sent", "-pk")[:20]})


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
