"""Generic pages of a declared surface (``core.surfaces``): list (table, filters, export from the same columns),
detail, create and edit, and the service-backed form handling every page of the house shares.

Pages are scoped through ``policy`` exactly like the API: out of scope → 404, action not granted → 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import exports, policy
from .errors import NotAllowed, NotFound, ServiceError
from .surfaces import Surface, View

PAGE_SIZE = 50


def service_errors_to_form(form, exc: ServiceError) -> None:
    """Show a service's field errors on the form (unknown fields become non-field errors)."""
    for error in exc.errors or [{"field": "", "message": exc.detail}]:
        name = error["field"] or ""
        if name not in form.fields and name.endswith("_id") and name[:-3] in form.fields:
            name = name[:-3]  # the service names the reference (``superior_id``), the form its choice (``superior``)
        form.add_error(name if name in form.fields else None, error["message"])


def form_page(request, form, title, cancel_url: str, obj=None, *, status: int = 200, extra: dict | None = None):
    """The one form page (``core/form.html``): fields with their errors, Save and Cancel."""
    context = {"form": form, "title": title, "object": obj, "cancel_url": cancel_url}
    context.update(extra or {})
    return render(request, "core/form.html", context, status=status)


def save_form(request, form, write, *, success=None):
    """Run ``write(form.service_data())`` for a valid bound form. Returns the written object, or None when the
    form or the service refused (the service's field errors are then on the form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    data = form.service_data() if hasattr(form, "service_data") else dict(form.cleaned_data)
    try:
        obj = write(data)
    except NotAllowed:
        raise PermissionDenied from None
    except ServiceError as exc:
        service_errors_to_form(form, exc)
        return None
    messages.success(request, success or _("Saved."))
    return obj


def page_query(request) -> str:
    """The request's parameters for ``pagination.html``'s links (its ``query``): all but the page and an export."""
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("export", None)
    return params.urlencode()


def list_page(request, queryset, filterset_class, *, template: str, export_name: str | None = None,
              columns=None, extra: dict | None = None):
    """Render a filtered, paginated list; with ``?export=csv|xlsx`` export exactly the filtered rows."""
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else (
        queryset.none() if filterset.is_bound else queryset)
    export_format = request.GET.get("export")
    if export_format and columns is not None:
        policy.require(request.user, "view", queryset.model)
        return exports.export_response(request, rows, columns, export_format, export_name or "export")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filter": filterset, "page": page, "query": page_query(request)}
    context.update(extra or {})
    return render(request, template, context)


def require_page(request, action: str, model) -> None:
    """Raise PermissionDenied (the 403 page) unless the user's roles grant ``action`` on ``model``."""
    if not policy.can(request.user, action, model):
        raise PermissionDenied


def get_for_page(request, model, pk, action: str = "view", queryset=None):
    """An object for a page, through the policy: 404 out of scope, 403 without the grant."""
    try:
        return policy.get_object(request.user, model, pk, action, queryset=queryset)
    except NotFound:
        raise Http404 from None
    except NotAllowed:
        raise PermissionDenied from None


class Table:
    """Headers and rows ``(url, [cells])`` of a list page, from the surface's columns."""

    def __init__(self, surface: Surface, view: View):
        self.surface = surface
        self.view = view
        self.columns = surface.table_columns()
        self.headers = [c.label for c in self.columns]

    def rows(self, page):
        with policy.rendering_many():
            return [(self.surface.url_of(obj), [c.html(obj, self.view) for c in self.columns]) for obj in page]


def list_view(surface: Surface):
    @login_required
    def view(request):
        require_page(request, "view", surface.model)
        user = request.user
        seen = View(user, surface.reveal(user))
        create_url = surface.url("create")
        context = {"title": surface.title, "subtitle": surface.subtitle, "table": Table(surface, seen),
                   "can_add": bool(create_url) and policy.can(user, "add", surface.model),
                   "create_url": create_url}
        if surface.list_context is not None:
            context.update(surface.list_context(request))
        return list_page(request, surface.list_queryset(user), surface.filterset, template=surface.list_template,
                         export_name=surface.export_name or surface.prefix, columns=surface.export_columns(seen),
                         extra=context)

    view.__name__ = f"{surface.prefix}_list"
    return view


def detail_context(request, surface: Surface, obj) -> dict:
    """What every detail page shows: its fields (phones revealed and audited when granted), its list, Edit."""
    user = request.user
    seen = View(user, surface.reveal(user, obj))
    edit_url = surface.url("edit", obj.pk)
    context = {"object": obj, "title": str(obj), "kind_label": surface.singular, "list_url": surface.url("list"),
               "list_label": surface.title, "view": seen,
               "fields": [(c.label, c.html(obj, seen)) for c in surface.detail_columns()],
               "edit_url": edit_url if edit_url and policy.can(user, "change", surface.model) else ""}
    if surface.detail_context is not None:
        context.update(surface.detail_context(request, obj, seen))
    return context


def detail_view(surface: Surface):
    @login_required
    def view(request, pk: int):
        obj = get_for_page(request, surface.model, pk, queryset=surface.detail_queryset(request.user))
        return render(request, surface.detail_template, detail_context(request, surface, obj))

    view.__name__ = f"{surface.prefix}_detail"
    return view


def create_view(surface: Surface):
    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request):
        require_page(request, "add", surface.model)
        # A link may prefill the form (``?filing=12`` from the object the new record belongs to).
        initial = {k: v for k, v in request.GET.items() if k in surface.form.base_fields}
        form = surface.form(request.POST or None, user=request.user, initial=initial)
        obj = save_form(request, form, lambda data: surface.do_create(request.user, data))
        if obj is not None:
            return redirect(surface.url("detail", obj.pk))
        return form_page(request, form, surface.create_title, surface.url("list"))

    view.__name__ = f"{surface.prefix}_create"
    return view


def edit_view(surface: Surface):
    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request, pk: int):
        obj = get_for_page(request, surface.model, pk, "change")
        form = surface.form(request.POST or None, instance=obj, user=request.user)
        saved = save_form(request, form, lambda data: surface.do_update(request.user, obj, data))
        if saved is not None:
            return redirect(surface.url("detail", saved.pk))
        return form_page(request, form, surface.edit_title, surface.url("detail", pk), obj)

    view.__name__ = f"{surface.prefix}_edit"
    return view


def urls(surface: Surface, base: str, *, create: bool = True, edit: bool = True, bespoke_detail=None) -> list:
    """The surface's pages under ``base`` (``"teams/"``), named ``<prefix>_<page>``: the list, then with a form
    ``new/`` (unless ``create`` is off: objects made elsewhere, e.g. regions by import) and ``<pk>/edit/`` (unless
    ``edit`` is off: records kept as written), and the detail page unless ``surface.detail_page`` is off
    (``bespoke_detail``: an object page of the app's own in place of the generic one)."""
    patterns = [path(base, list_view(surface), name=f"{surface.prefix}_list")]
    if surface.form is not None and create:
        patterns.append(path(f"{base}new/", create_view(surface), name=f"{surface.prefix}_create"))
    if surface.detail_page:
        patterns.append(path(f"{base}<int:pk>/", bespoke_detail or detail_view(surface),
                             name=f"{surface.prefix}_detail"))
    if surface.form is not None and edit:
        patterns.append(path(f"{base}<int:pk>/edit/", edit_view(surface), name=f"{surface.prefix}_edit"))
    return patterns
