"""Declared surfaces: a model's list columns, filters, detail fields, form, writes and API schemas, declared once
(in the owning app's ``surfaces.py``) and rendered by core's generic pages (``core.generic``) and API router
(``core.crud``). Apps register their surfaces when they start; core never imports a domain app.

A column is one fact about an object, drawn the same way everywhere it appears:

- in the list table (HTML cell), the export (one or more plain columns) and the detail page (label and value);
- a badge takes its label and colour from the field's ChoiceSet; a phone number is masked for roles without the
  personal-data grant, and a page that shows any full number records one audit entry (``reveal``);
- a link column points at the related object's page only when the viewer may see that object.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Prefetch, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _l

from . import audit, policy, urlkeep
from .choices import AuditAction, ChoiceSet
from .regions import region_path

EMPTY = "—"
COORDINATES = pgettext_lazy("coordinates", "Location")


def resolve(obj, path: str):
    """The value at a dotted attribute path (``batch.warehouse.name``); None when a link on the way is None."""
    value = obj
    for part in path.split("."):
        if value is None:
            return None
        value = getattr(value, part, None)
    return value


class View:
    """What a rendering knows about its viewer: the user, and whether full phone numbers may be shown."""

    def __init__(self, user, reveal: bool = False):
        self.user = user
        self.reveal = reveal


class Column:
    """A plain value. ``table``/``export``/``detail`` say where the column appears; ``link`` makes the cell a
    link to the object itself (``"self"``) or to the related object at that path, when the viewer may see it."""

    def __init__(self, name: str, label, *, table: bool = True, export: bool = True, detail: bool = True,
                 link: str = "", export_path: str | None = None, export_label=None):
        self.name = name
        self.label = label
        self.table = table
        self.export = export
        self.detail = detail
        self.link = link
        self.export_path = export_path or name
        self.export_label = export_label or label

    def value(self, obj):
        return resolve(obj, self.name)

    def text(self, obj, view: View):
        """The cell without markup."""
        value = self.value(obj)
        if value is None or value == "":
            return EMPTY
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        if isinstance(value, Model):
            return str(value)
        return value

    def html(self, obj, view: View):
        content = self.text(obj, view)
        if self.link and content != EMPTY:
            target = obj if self.link == "self" else resolve(obj, self.link)
            url = url_for(target, view.user) if target is not None else ""
            if url:
                return format_html('<a href="{}">{}</a>', url, content)
        return content

    #: Whether the export reads the attribute path itself (else the export cell is ``text`` without markup).
    plain_export = True

    def export_columns(self, view: View) -> list[tuple[Any, Any]]:
        if not self.export:
            return []
        if self.plain_export:
            return [(self.export_path, self.export_label)]
        return [(_Computed(lambda obj: _plain(self.text(obj, view))), self.export_label)]


class Badge(Column):
    """A choice shown as a coloured badge with its translated label; exported as the label."""

    plain_export = False

    def __init__(self, name: str, label, choices: type[ChoiceSet], **kwargs):
        super().__init__(name, label, **kwargs)
        self.choices = choices

    def text(self, obj, view: View):
        value = self.value(obj)
        return EMPTY if value in (None, "") else self.choices.label(value)

    def html(self, obj, view: View):
        value = self.value(obj)
        if value in (None, ""):
            return EMPTY
        return format_html('<span class="badge text-bg-{}">{}</span>', self.choices.colour(value),
                           self.choices.label(value))


class ChoiceList(Column):
    """A list of choices, shown and exported as their labels joined with 、."""

    def __init__(self, name: str, label, choices: type[ChoiceSet], **kwargs):
        super().__init__(name, label, **kwargs)
        self.choices = choices

    plain_export = False

    def text(self, obj, view: View):
        return "、".join(self.choices.label(v) for v in (self.value(obj) or ())) or EMPTY


class Phone(Column):
    """A personal phone number: full for roles granted ``view_pii`` (the page audits it), masked otherwise."""

    personal = True

    def text(self, obj, view: View):
        value = self.value(obj)
        if not value:
            return EMPTY
        return value if view.reveal or not self.personal else policy.mask_phone(value)

    def html(self, obj, view: View):
        value = self.value(obj)
        if not value:
            return EMPTY
        if view.reveal or not self.personal:
            return format_html('<a href="tel:{}">{}</a>', value, value)
        return policy.mask_phone(value)

    def export_columns(self, view: View):
        if not self.export:
            return []
        if view.reveal or not self.personal:
            return [(self.name, self.export_label)]
        return [(_Computed(lambda obj: policy.mask_phone(self.value(obj) or "")), self.export_label)]


class PublicPhone(Phone):
    """A unit's published number (a 24-hour duty line): never masked."""

    personal = False

    def text(self, obj, view: View):
        return self.value(obj) or EMPTY


class Region(Column):
    """The region as its path of names; exported as code and name."""

    def __init__(self, name: str = "region_code", label=None, **kwargs):
        super().__init__(name, label or _l("Region"), **kwargs)

    def text(self, obj, view: View):
        code = self.value(obj)
        return region_path(code) if code else EMPTY

    def export_columns(self, view: View):
        if not self.export:
            return []
        return [(self.name, _l("Region code")), (_Computed(lambda obj: self.text(obj, view)
                                                            if self.value(obj) else ""), self.label)]


class Coordinates(Column):
    """Latitude and longitude: one "lat, lon" value on the detail page, two export columns."""

    def __init__(self, label=None, **kwargs):
        kwargs.setdefault("table", False)
        super().__init__("lat", label or COORDINATES, **kwargs)

    def text(self, obj, view: View):
        return f"{obj.lat}, {obj.lon}" if obj.lat is not None else EMPTY

    def export_columns(self, view: View):
        return [("lat", _l("Latitude")), ("lon", _l("Longitude"))] if self.export else []


class Computed(Column):
    """A value computed by a function of the object (and the view)."""

    def __init__(self, name: str, label, function: Callable, **kwargs):
        super().__init__(name, label, **kwargs)
        self.function = function

    plain_export = False

    def value(self, obj):
        return self.function(obj)


class When(Column):
    """A date-time in the county's time zone, to the minute."""

    def text(self, obj, view: View):
        value = self.value(obj)
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else EMPTY


def _plain(value):
    return "" if value is None or value == EMPTY else value


class _Computed:
    """An export column computed per object (``core.exports`` calls it instead of resolving a path)."""

    def __init__(self, function: Callable):
        self.function = function

    def __call__(self, obj):
        return self.function(obj)


# --- the surface --------------------------------------------------------------------------------------------


@dataclass
class Surface:
    """One model's declared face.

    ``prefix`` names its pages: ``<prefix>_list``, ``<prefix>_detail``, ``<prefix>_create``, ``<prefix>_edit``
    (those the app routes). ``create`` and ``update`` are the service writes (``(user, data)`` and
    ``(user, obj, data)``); the default is core's audited generic write. ``queryset`` returns the base queryset
    (related rows joined) before the viewer's scope is applied."""

    model: type[Model]
    prefix: str
    title: Any
    singular: Any
    columns: Sequence[Column]
    filterset: type | None = None
    subtitle: Any = ""
    export_name: str = ""
    detail: Sequence[Column] | None = None
    form: type | None = None
    create: Callable | None = None
    update: Callable | None = None
    queryset: Callable[[], QuerySet] | None = None
    create_title: Any = ""
    edit_title: Any = ""
    list_template: str = "core/surface_list.html"
    detail_template: str = "core/surface_detail.html"
    list_context: Callable | None = None
    detail_context: Callable | None = None
    related: dict[str, Callable[[], QuerySet]] = field(default_factory=dict)
    contact_paths: Callable[[Model], dict[str, str]] | None = None
    row_url: Callable[[Model], str] | None = None
    #: Whether objects have their own page (else list rows lead to ``row_url``).
    detail_page: bool = True
    #: The model whose ``view_pii`` grant shows full numbers (the nested contacts' model; default the surface's).
    pii_model: type[Model] | None = None
    #: Fields (paths through the base queryset's joins) the list page and its export never show, left unread
    #: there: large documents such as an exam attempt's questions and answers.
    list_defer: tuple[str, ...] = ()

    # --- reading --------------------------------------------------------------------------------------------

    def base_queryset(self) -> QuerySet:
        return self.queryset() if self.queryset is not None else self.model.objects.all()

    def visible(self, user) -> QuerySet:
        """The objects inside the viewer's scope (all of them for unscoped reference data such as the supply
        catalogue); NotAllowed (403) when no role grants viewing the model."""
        if not policy.is_scoped(self.model):
            policy.require(user, "view", self.model)
            return self.base_queryset()
        return policy.restrict(self.base_queryset(), user)

    def list_queryset(self, user) -> QuerySet:
        """:meth:`visible` without the ``list_defer`` fields: what the list page and its export read."""
        qs = self.visible(user)
        return qs.defer(*self.list_defer) if self.list_defer else qs

    def detail_queryset(self, user) -> QuerySet:
        """The base queryset with the related sets a single object shows, each cut to the viewer's scope
        (``scoped_prefetch``); the object itself is scoped by ``policy.get_object``."""
        lookups = [scoped_prefetch(user, path, inner()) for path, inner in self.related.items()]
        qs = self.base_queryset()
        return qs.prefetch_related(*lookups) if lookups else qs

    def get(self, user, pk, action: str = "view"):
        """One object for ``action``: 404 out of scope or unknown, 403 without the grant (``policy.get_object``)."""
        return policy.get_object(user, self.model, pk, action, queryset=self.detail_queryset(user))

    def table_columns(self) -> list[Column]:
        return [c for c in self.columns if c.table]

    def detail_columns(self) -> list[Column]:
        return list(self.detail) if self.detail is not None else [c for c in self.columns if c.detail]

    def export_columns(self, view: View) -> list[tuple[Any, Any]]:
        return [pair for c in self.columns for pair in c.export_columns(view)]

    def phones(self, obj) -> dict[str, str]:
        """The personal phone numbers an object's page shows, by field path (for the audit of a reveal)."""
        found = {c.name: c.value(obj) for c in [*self.columns, *(self.detail or ())]
                 if isinstance(c, Phone) and c.personal}
        if self.contact_paths is not None:
            found.update(self.contact_paths(obj))
        return {k: v for k, v in found.items() if v}

    def reveal(self, user, obj=None) -> bool:
        """Whether full numbers may be shown; with ``obj`` (a detail page or API detail) showing any is audited."""
        allowed = policy.reveal_pii(user, self.pii_model or self.model)
        if allowed and obj is not None:
            record_reveal(user, obj, sorted(self.phones(obj)))
        return allowed

    # --- writing --------------------------------------------------------------------------------------------

    def do_create(self, user, data):
        if self.create is not None:
            return self.create(user, data)
        from .services import create_object

        return create_object(user, self.model, data)

    def do_update(self, user, obj, data):
        if self.update is not None:
            return self.update(user, obj, data)
        from .services import update_object

        return update_object(user, obj, data)

    # --- addresses ------------------------------------------------------------------------------------------

    def url_of(self, obj) -> str:
        """Where a list row leads: the object's page, or ``row_url`` for objects without one."""
        return self.row_url(obj) if self.row_url is not None else self.url("detail", obj.pk)

    def url(self, kind: str, *args) -> str:
        try:
            if len(args) == 1 and type(args[0]) is int:  # an object's page: each row of a list links one
                return id_url(f"{self.prefix}_{kind}", args[0])
            return reverse(f"{self.prefix}_{kind}", args=args)
        except NoReverseMatch:
            return ""


def record_reveal(user, obj, fields: Iterable[str]) -> None:
    """The one audit of full personal phone numbers shown (pages and API alike)."""
    fields = sorted(fields)
    if fields:
        audit.record(AuditAction.VIEW_PII, obj, actor=user, after={"fields": fields},
                     message="full contact numbers shown")


def reveal_phones(user, obj, fields: Iterable[str], model: type[Model] | None = None) -> bool:
    """Whether ``user`` sees the full personal numbers of ``obj`` (pages and API alike); showing any of ``fields``
    that holds a number is audited once."""
    allowed = policy.reveal_pii(user, model or type(obj))
    if allowed:
        record_reveal(user, obj, [name for name in fields if getattr(obj, name, None)])
    return allowed


def scoped_prefetch(user, path: str, queryset: QuerySet) -> Prefetch:
    """A prefetch of a related set restricted to what ``user`` may see: a team's equipment, activities or an
    object's events never show a row outside the viewer's scope (links to objects go through ``url_for``)."""
    model = queryset.model
    if policy.is_scoped(model):
        queryset = queryset.filter(policy.scope_q(user, model))
    return Prefetch(path, queryset=queryset)


# --- registry -----------------------------------------------------------------------------------------------

_surfaces: dict[type[Model], Surface] = {}
_pages: dict[str, str] = {}


def register_page(model_label: str, url_name: str) -> None:
    """An object page that is not (yet) a declared surface's detail page: ``("incidents.incident",
    "incident_detail")``. Links to objects (``url_for``, the audit browser) find pages here."""
    _pages[model_label.lower()] = url_name


def pages() -> dict[str, str]:
    """Every registered object page: model label → URL name."""
    return dict(_pages)


def page_url(model_label: str, pk) -> str:
    """The page of the object ``model_label``/``pk`` (a declared surface's detail page or a registered page)."""
    url_name = _pages.get(model_label.lower())
    if not url_name or not str(pk).isdigit():
        return ""
    try:
        return id_url(url_name, int(pk))
    except NoReverseMatch:
        return ""


def register(*surfaces: Surface) -> None:
    """Apps call this from their AppConfig.ready (through their ``surfaces`` module)."""
    for surface in surfaces:
        existing = _surfaces.get(surface.model)
        if existing is not None and existing is not surface:
            raise ValueError(f"{surface.model._meta.label} already has a surface")
        _surfaces[surface.model] = surface
        if surface.detail_page:
            _pages.setdefault(surface.model._meta.label_lower, f"{surface.prefix}_detail")


def registered() -> list[Surface]:
    return list(_surfaces.values())


def of(model: type[Model]) -> Surface | None:
    return _surfaces.get(model)


#: An id no record has: ``url_maker`` reverses a page's URL with it once and puts each real id in its place.
_SAMPLE_ID = 2_147_483_647


def url_maker(url_name: str) -> Callable[[int], str]:
    """``reverse(url_name, args=[pk])`` for the many rows of a page: reversed once (a reverse is 25 µs; a table of
    300 links spent 7 ms on them), each id then written into the same text."""
    head, _sample, tail = reverse(url_name, args=[_SAMPLE_ID]).rpartition(str(_SAMPLE_ID))
    return lambda pk: f"{head}{int(pk)}{tail}"


def id_url(url_name: str, pk: int) -> str:
    """``reverse(url_name, args=[pk])``, through a ``url_maker`` kept per language, script prefix and URL map (a
    list's rows link their objects' pages: 250 reverses a page). A URL the maker would not write the same (a
    pattern that refuses the sample id, a converter of its own) is reversed each time, as before."""
    make = urlkeep.kept("id maker", url_name, _checked_maker)
    return make(pk) if make is not None else reverse(url_name, args=[pk])


def _checked_maker(url_name: str) -> Callable[[int], str] | None:
    try:
        make = url_maker(url_name)
    except NoReverseMatch:
        return None
    return make if make(1) == reverse(url_name, args=[1]) else None


def url_for(obj: Model, user=None) -> str:
    """The page of ``obj`` (its own ``get_absolute_url``, else its surface's detail page), or '' when the viewer
    may not see it."""
    if user is not None and policy.is_scoped(type(obj)) and not (
            policy.can(user, "view", type(obj)) and policy.sees(user, obj)):
        return ""
    absolute = getattr(obj, "get_absolute_url", None)
    if absolute is not None:
        return absolute()
    return page_url(obj._meta.label_lower, obj.pk)
