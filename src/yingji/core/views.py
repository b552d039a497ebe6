"""Web pages of core: login, home, regions, organisations, users, audit browser, password change.

Views hold no business logic: they read through ``policy`` (the same scope and grants as the API) and write
through ``services``. List pages share their FilterSet with the export and the API.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_http_methods

from . import core_surfaces, forms, notifications, policy, services
from . import home as home_page
from .choices import AuditAction, Role
from .errors import NotAllowed, ServiceError, ValidationFailed
from .filters import AuditFilterSet
from .generic import PAGE_SIZE, form_page, get_for_page, list_page, service_errors_to_form  # noqa: F401
from .models import AuditRecord, Contact, Organisation, User


def lockout_response(request, credentials=None, *args, **kwargs):
    """django-axes: what a locked-out login sees (HTTP 429, no hint whether the account exists)."""
    message = _("Too many failed logins. Logging in from here is blocked for 15 minutes.")
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"detail": message, "errors": []}, status=429)
    form = forms.LoginForm(request)
    return render(request, "core/login.html", {"form": form, "lockout_message": message}, status=429)


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = forms.LoginForm
    redirect_authenticated_user = True


@login_required
def logout_view(request):
    from django.contrib.auth import logout

    if request.method == "POST":
        logout(request)
        return redirect("login")
    return render(request, "core/logout_confirm.html")


def _require(request, action, model):
    try:
        policy.require(request.user, action, model)
    except NotAllowed:
        return render(request, "403.html", status=403)
    return None


#: Kept for the apps whose pages are not declared surfaces yet.
_get = get_for_page


# --- home ----------------------------------------------------------------------------------------------------


@login_required
def home(request):
    from django.utils import timezone

    user = request.user
    recent = None
    if policy.can(user, "view", AuditRecord) and "desk" in home_page.audiences(user):
        recent = AuditRecord.objects.for_user(user)[:10]
    return render(request, "core/home.html", {"home": home_page.page(user, timezone.now()), "recent_audit": recent})


@login_required
def area_overview(request):
    """The figures of each division below the user's jurisdiction (core.rollup); ``export`` = xlsx or csv."""
    from . import exports, rollup

    data = rollup.table(request.user)
    if data is None:
        raise PermissionDenied
    fmt = request.GET.get("export")
    if fmt:
        try:
            return exports.export_tables(request, rollup.sheets(data), fmt, f"areas-{data['scope']}",
                                         region_code=data["scope"])
        except ValidationFailed as exc:
            return render(request, "core/area_overview.html", {"title": _("Figures by area"), "data": data,
                                                               "errors": exc.errors}, status=422)
    return render(request, "core/area_overview.html", {"title": _("Figures by area"), "data": data})


# --- organisations -------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request, pk: int):
    org = _get(request, Organisation, pk)
    denied = _require(request, "add", Contact)
    if denied:
        return denied
    form = forms.ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_contact(request.user, org, form.cleaned_data)
        except ServiceError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, _("Contact added."))
            return redirect("organisation_detail", pk=org.pk)
    return render(request, "core/form.html", {"form": form, "title": _("New contact for %(org)s") % {"org": org},
                                              "cancel_url": reverse("organisation_detail", args=[org.pk])})


# --- users ---------------------------------------------------------------------------------------------------

@login_required
def user_detail(request, pk: int):
    account = _get(request, User, pk, queryset=User.objects.select_related("enterprise", "organisation"))
    history = AuditRecord.objects.filter(object_type="core.user", object_id=str(account.pk))[:50]
    reveal = core_surfaces.USERS.reveal(request.user, account)
    return render(request, "core/user_detail.html", {
        "account": account, "history": history, "can_change": policy.can(request.user, "change", User),
        "phone": account.phone if reveal else policy.mask_phone(account.phone), "reveal": reveal,
        "roles": [(r, Role.label(r)) for r in sorted(account.role_keys)],
    })


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request):
    denied = _require(request, "add", User)
    if denied:
        return denied
    form = forms.UserCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.create_user(request.user, **form.service_data())
        except ServiceError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, _("Account created."))
            return redirect("user_detail", pk=account.pk)
    return render(request, "core/form.html", {"form": form, "title": _("New account"),
                                              "cancel_url": reverse("user_list")})


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request, pk: int):
    account = _get(request, User, pk, "change")
    form = forms.UserEditForm(request.POST or None, instance=account, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_user(request.user, account, **form.service_data())
        except ServiceError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, _("Account saved."))
            return redirect("user_detail", pk=account.pk)
    return render(request, "core/form.html", {"form": form, "title": _("Edit account"), "object": account,
                                              "cancel_url": reverse("user_detail", args=[account.pk])})


@login_required
@require_http_methods(["POST"])
def user_set_active(request, pk: int):
    account = _get(request, User, pk, "disable")
    active = request.POST.get("active") == "1"
    try:
        services.update_user(request.user, account, is_active=active)
    except ServiceError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Account enabled.") if active else _("Account disabled."))
    return redirect("user_detail", pk=account.pk)


# --- audit ---------------------------------------------------------------------------------------------------

AUDIT_COLUMNS = [
    ("time", _l("Time")), ("username", _l("User")), ("address", pgettext_lazy("network", "Address")),
    ("action", _l("Action")),
    ("object_type", _l("Object type")), ("object_id", _l("Object id")), ("object_repr", _l("Object")),
    ("region_code", _l("Region code")),
    ("region_name", _l("Region")), ("before", _l("Before")), ("after", _l("After")), ("message", _l("Message")),
    ("request_id", _l("Request id")),
]


@login_required
def audit_list(request):
    denied = _require(request, "view", AuditRecord)
    if denied:
        return denied
    if request.GET.get("export"):
        denied = _require(request, "export", AuditRecord)
        if denied:
            return denied
    qs = AuditRecord.objects.for_user(request.user)
    if not request.GET.get("export"):  # the page shows no state before or after (the export and the record do)
        qs = qs.defer("before", "after")
    return list_page(request, qs, AuditFilterSet, template="core/audit_list.html", export_name="audit",
                     columns=AUDIT_COLUMNS)


@login_required
def audit_detail(request, pk: int):
    record = _get(request, AuditRecord, pk)
    keys = sorted(set(record.before or {}) | set(record.after or {}))
    rows = [(k, (record.before or {}).get(k), (record.after or {}).get(k)) for k in keys]
    return render(request, "core/audit_detail.html", {"record": record, "rows": rows})


# --- own account ---------------------------------------------------------------------------------------------


PASSWORD_CHANGE_NOTICES = {
    services.PasswordChangeReason.INITIAL: _l(
        "You are signed in with the initial password your account was created with. Choose your own password "
        "before you go on."),
    services.PasswordChangeReason.RESET: _l(
        "An administrator has reset your password. Choose a new password of your own before you go on."),
    services.PasswordChangeReason.RENEWAL: _l(
        "Your password has expired or an administrator asked you to renew it. Choose a new password before you "
        "go on."),
}


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = forms.PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(request.user, form.cleaned_data["old_password"],
                                     form.cleaned_data["new_password1"])
        except ServiceError as exc:
            service_errors_to_form(form, exc)
        else:
            from django.contrib.auth import update_session_auth_hash

            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password was changed."))
            return redirect("home")
    reason = services.password_change_reason(request.user)
    return render(request, "core/form.html", {
        "form": form, "title": _("Change password"),
        "notice": PASSWORD_CHANGE_NOTICES.get(reason), "notice_id": "yj-password-reason",
        # Leaving is no way out while a change is required.
        "cancel_url": None if reason else reverse("home")})


@login_required
def profile(request):
    return render(request, "core/profile.html", {
        "roles": [(r, Role.label(r)) for r in sorted(request.user.role_keys)],
        "recent": AuditRecord.objects.filter(user_id=request.user.pk,
                                             action__in=[AuditAction.LOGIN, AuditAction.LOGIN_FAILED,
                                                         AuditAction.PASSWORD_CHANGE])[:10],
    })


def liveness(request):
    """The process answers; touches neither the database nor the session (also the load test's floor)."""
    return HttpResponse("ok", content_type="text/plain")


def healthz(request):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def _owner_visible(request, attachment) -> None:
    """The file's own place is in scope; so must be the record it belongs to, which may be narrower (a draft
    assessment's evidence is in a township's place before the township may see the assessment): 404 otherwise."""
    from django.apps import apps
    from django.http import Http404

    try:
        model = apps.get_model(attachment.object_type)
    except (LookupError, ValueError):
        return  # an owner type no longer installed: the file's own scope decides
    try:
        get_for_page(request, model, attachment.object_id)
    except PermissionDenied:
        raise Http404 from None


@login_required
def attachment_download(request, pk: int):
    """Serve an uploaded file to users whose scope covers it (never from a public path)."""
    from django.http import FileResponse

    from .models import Attachment

    attachment = _get(request, Attachment, pk)
    _owner_visible(request, attachment)
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type,
                            as_attachment=attachment.content_type == "application/pdf",
                            filename=attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=0"
    return response


@login_required
@require_http_methods(["POST"])
def logout_everywhere(request):
    from django.contrib.auth import logout

    services.logout_everywhere(request.user)
    logout(request)
    messages.info(request, _("You have been logged out on every device."))
    return redirect("login")


# --- the user's inbox -------------------------------------------------------------------------------------------


def _local_link(link: str) -> str:
    """Links in notifications are paths inside the platform; anything else is not rendered as a link."""
    return link if link.startswith("/") and not link.startswith("//") and "\\" not in link else ""


@login_required
def notification_list(request):
    """Every module's notifications to the user (hazards, tasks, reporting deadlines, warnings, stock …)."""
    qs = notifications.inbox(request.user)
    only_unread = request.GET.get("unread") == "1"
    page = Paginator(qs.filter(read_at__isnull=True) if only_unread else qs, 50).get_page(request.GET.get("page"))
    for note in page:
        note.safe_link = _local_link(note.link)
    return render(request, "core/notification_list.html", {
        "page": page, "unread": notifications.unread(request.user).count(), "only_unread": only_unread,
        "query": "unread=1" if only_unread else ""})


@login_required
@require_http_methods(["POST"])
def notification_read(request):
    ids = [int(v) for v in request.POST.getlist("id") if v.isdigit() and len(v) < 19]
    notifications.mark_read(request.user, ids or None)
    return redirect("notification_list")
