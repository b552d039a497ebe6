"""The declared surfaces of core's own domain (regions, organisations, accounts), rendered by core's generic pages
and API like every app's (``core.generic``, ``core.crud``). Core's platform modules never import this module; the
core app registers it when it starts."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _l

from . import filters, forms, policy, services
from .choices import OrganisationKind, RegionKind, RegionLevel
from .models import Contact, Organisation, Region, User
from .regions import region_path
from .surfaces import (
    Badge,
    Column,
    Computed,
    Coordinates,
    Phone,
    PublicPhone,
    Surface,
    When,
    register,
    url_for,
)
from .surfaces import Region as RegionColumn


class _Link(Column):
    """A related object named and linked to its page when the viewer may see it."""

    def __init__(self, name, label, attribute="name", **kwargs):
        super().__init__(name, label, **kwargs)
        self.attribute = attribute

    def text(self, obj, view):
        target = self.value(obj)
        return getattr(target, self.attribute) if target is not None else "—"

    def html(self, obj, view):
        target = self.value(obj)
        if target is None:
            return "—"
        url = url_for(target, view.user)
        name = getattr(target, self.attribute)
        return format_html('<a href="{}">{}</a>', url, name) if url else name


class _Scope(Column):
    """An account's scope: its enterprise, or the path of its region."""

    def value(self, obj):
        if obj.enterprise_id:
            return obj.enterprise.name
        return region_path(obj.scope_region_code) if obj.scope_region_code else None


# --- regions ---------------------------------------------------------------------------------------------------


def _region_detail(request, region, view):
    user = request.user
    organisations = (Organisation.objects.filter(policy.scope_q(user, Organisation), region_code=region.code)
                     if policy.can(user, "view", Organisation) else Organisation.objects.none())
    return {"region": region, "children": region.children.filter(policy.scope_q(user, Region)),
            "organisations": organisations}


def _region_list(request):
    return {"table_id": "yj-region-table"}


REGIONS = Surface(
    model=Region, prefix="region", title=_l("Regions"), singular=_l("Region"), export_name="regions",
    subtitle=_l("County, townships / streets and villages / communities with their administrative codes."),
    filterset=filters.RegionFilterSet, form=forms.RegionForm, update=services.update_region,
    edit_title=_l("Edit region"),
    # The parent is named and linked: its boundary (GeoJSON, decoded per row) is not read.
    queryset=lambda: Region.objects.select_related("parent").defer("parent__boundary"),
    columns=[
        Column("code", _l("Code")), Column("name", _l("Name"), detail=False),
        Badge("level", _l("Level"), RegionLevel), Badge("kind", _l("Kind"), RegionKind, export=False),
        _Link("parent", _l("Parent"), export=False), Column("parent.code", _l("Parent code"), table=False,
                                                            detail=False),
        Coordinates(), Column("population", _l("Population")),
        Column("area_km2", _l("Area (km²)"), table=False, export=False),
        Computed("boundary", _l("Boundary"), lambda r: gettext("Recorded") if r.boundary else gettext(
            "Not recorded"), table=False, export=False),
        Column("is_mountain", _l("Mountain village"), table=False, export=False),
        Column("is_flood_key", _l("Flood-control key village"), table=False, export=False),
    ],
    list_context=_region_list, detail_template="core/region_detail.html", detail_context=_region_detail,
)


# --- organisations ---------------------------------------------------------------------------------------------


def _organisations():
    return Organisation.objects.select_related("lead_unit", "parent").prefetch_related(
        Prefetch("member_units", queryset=Organisation.objects.order_by("name")),
        Prefetch("contacts", queryset=Contact.objects.order_by("id")))


def _organisation_detail(request, org, view):
    user = request.user
    mobile, office = Phone("mobile", ""), Phone("office_phone", "")
    return {"org": org, "can_add_contact": policy.can(user, "add", Contact),
            "contacts": [(c, mobile.html(c, view), office.html(c, view)) for c in org.contacts.all()],
            "children": org.children.filter(policy.scope_q(user, Organisation)),
            "member_of": org.member_of.filter(policy.scope_q(user, Organisation))}


def _contact_phones(org) -> dict[str, str]:
    return {f"contacts.{c.pk}.{name}": getattr(c, name) for c in org.contacts.all()
            for name in ("mobile", "office_phone")}


ORGANISATIONS = Surface(
    model=Organisation, prefix="organisation", title=_l("Organisations"), singular=_l("Organisation"),
    export_name="organisations", pii_model=Contact,
    subtitle=_l("The bureau and its sections, safety committee member units, specialised command headquarters and "
                "local governments."),
    filterset=filters.OrganisationFilterSet, form=forms.OrganisationForm,
    create=services.create_organisation, update=services.update_organisation,
    create_title=_l("New organisation"), edit_title=_l("Edit organisation"), queryset=_organisations,
    columns=[
        Column("name", _l("Name"), detail=False),
        Column("short_name", capfirst(Organisation._meta.get_field("short_name").verbose_name), table=False),
        Badge("kind", _l("Kind"), OrganisationKind), RegionColumn(),
        _Link("parent", _l("Parent organisation"), table=False, export=False),
        _Link("lead_unit", _l("Lead unit"), export_path="lead_unit.name"),
        PublicPhone("duty_phone", _l("24-hour duty phone")), Column("address", _l("Address"), table=False),
        Column("duties", _l("Duties"), table=False, export=False), Column("is_active", _l("Active")),
    ],
    contact_paths=_contact_phones, list_context=lambda request: {"table_id": "yj-organisation-table"},
    detail_template="core/organisation_detail.html", detail_context=_organisation_detail,
)


# --- accounts --------------------------------------------------------------------------------------------------
# Only the list is generic: creating and editing an account have password and role rules of their own (views).


USERS = Surface(
    model=User, prefix="user", title=_l("Accounts"), singular=_l("Account"), export_name="users",
    subtitle=_l("Platform accounts, their roles and the area or enterprise each one covers."),
    filterset=filters.UserFilterSet,
    queryset=lambda: User.objects.select_related("enterprise").prefetch_related("roles"),
    columns=[
        Column("username", _l("Username")), Column("display_name", pgettext_lazy("person", "Name")),
        Phone("phone", _l("Phone"), table=False),
        Computed("role_list", _l("Roles"), lambda account: account.role_list),
        Column("scope_display", _l("Scope"), table=False, detail=False),
        _Scope("scope", _l("Scope"), export=False), Column("is_active", _l("Active")),
        When("last_login", _l("Last login")),
    ],
    list_context=lambda request: {"table_id": "yj-user-table"},
)


def register_all() -> None:
    register(REGIONS, ORGANISATIONS, USERS)
