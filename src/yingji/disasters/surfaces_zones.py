"""The declared surfaces of danger zones, their households and the transfers (core's generic pages and API)."""

from __future__ import annotations

from types import SimpleNamespace

from django.urls import reverse
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

from yingji.core import policy
from yingji.core.surfaces import Badge, Column, Computed, Coordinates, Phone, Region, Surface, When, register

from . import filters_zones as filters
from . import forms_zones as forms
from .models.zones import DangerZone, Household, Transfer, TransferHousehold
from .services import census as census_services
from .services import zones as services
from .zone_choices import TransferState, ZoneKind


def _zone_detail(request, zone, view) -> dict:
    chain = [{**c, "phone_html": Phone("phone", "").html(SimpleNamespace(phone=c.get("phone")), view)}
             for c in zone.contact_chain or [] if isinstance(c, dict)]
    households = list(zone.households.all())
    return {"chain": chain, "households": [(h, Phone("phone", "").html(h, view)) for h in households],
            "people": sum(h.people for h in households),
            "transfers": Transfer.objects.for_user(request.user).filter(zone=zone).select_related("warning")[:20],
            "census_bodies": list(census_services.bodies_of_zone(request.user, zone))}


ZONES = Surface(
    model=DangerZone, prefix="danger_zone", title=_l("Danger zones"), singular=_l("Danger zone"),
    export_name="danger-zones",
    subtitle=_l("Flash-flood zones, geological hazard points, low-lying areas and the areas below dangerous "
                "reservoirs and tailings ponds, with their households and transfer plans."),
    filterset=filters.DangerZoneFilterSet, form=forms.DangerZoneForm,
    create=services.create_zone, update=services.update_zone,
    create_title=_l("New danger zone"), edit_title=_l("Edit danger zone"),
    queryset=lambda: DangerZone.objects.select_related("shelter"),
    columns=[
        Column("name", pgettext_lazy("zone", "Name"), link="self"), Badge("kind", _l("Kind"), ZoneKind),
        Region(label=_l("Village")),
        Column("shelter", _l("Destination shelter"), link="shelter", export_path="shelter.name"),
        Column("route", _l("Transfer route"), table=False),
        Column("responsible_name", _l("Village responsible person")),
        Phone("responsible_phone", _l("Responsible person's phone")),
        Computed("chain_text", _l("Call-and-answer chain"),
                 lambda z: " → ".join(str(c.get("name", "")) for c in z.contact_chain or [] if isinstance(c, dict)),
                 table=False),
        Column("description", _l("Description"), table=False), Coordinates(),
        Column("is_active", _l("Active"), table=False),
    ],
    related={"households": lambda: Household.objects.order_by("head_name", "id")},
    contact_paths=lambda z: {f"contact_chain.{i}.phone": c.get("phone", "")
                             for i, c in enumerate(z.contact_chain or []) if isinstance(c, dict)},
    list_context=lambda request: {"links": [(reverse("household_import"), _l("Import households")),
                                            (reverse("shelter_coverage_three"), _l("Shelter coverage")),
                                            (reverse("zone_transfer_list"), pgettext_lazy("people", "Transfers"))]},
    detail_template="disasters/zone_detail.html", detail_context=_zone_detail,
)

HOUSEHOLDS = Surface(
    model=Household, prefix="household", title=_l("Households in danger zones"), singular=_l("Household"),
    export_name="danger-zone-households",
    subtitle=_l("The households living in danger zones, with the vulnerable people among them."),
    filterset=filters.HouseholdFilterSet, form=forms.HouseholdForm,
    create=services.create_household, update=services.update_household,
    create_title=_l("New household"), edit_title=_l("Edit household"),
    queryset=lambda: Household.objects.select_related("zone"),
    columns=[
        Column("head_name", _l("Head of household"), link="self"),
        Column("zone", _l("Danger zone"), link="zone", export_path="zone.name"), Region(label=_l("Village")),
        Phone("phone", _l("Phone")), Column("address", _l("Address"), table=False),
        Column("people", _l("People")), Column("elderly_alone", _l("Elderly living alone")),
        Column("disabled", _l("Disabled")), Column("children", _l("Children")),
        Column("note", _l("Note"), table=False),
    ],
    list_context=lambda request: {"links": [(reverse("household_import"), _l("Import households"))]},
)


def _transfer_detail(request, transfer, view) -> dict:
    lines = list(services.lines_for(request.user, transfer))
    return {"lines": [(line, Phone("household.phone", "").html(line, view)) for line in lines],
            "confirm_url": reverse("zone_transfer_confirm", args=[transfer.pk]),
            "can_operate": policy.can(request.user, "operate", TransferHousehold),
            "can_close": transfer.state == "open" and policy.can(request.user, "operate", Transfer),
            "census_bodies": list(census_services.bodies_of_zone(request.user, transfer.zone))}


TRANSFERS = Surface(
    model=Transfer, prefix="zone_transfer", title=pgettext_lazy("people", "Transfers"),
    singular=pgettext_lazy("people", "Transfer"),
    export_name="zone-transfers",
    subtitle=_l("Transfers of danger-zone households started by warnings, confirmed household by household."),
    filterset=filters.TransferFilterSet,
    queryset=lambda: Transfer.objects.select_related("zone", "warning", "shelter"),
    list_context=lambda request: {"links": [(reverse("zone_transfer_totals"), _l("People moved by township"))]},
    columns=[
        Column("zone", _l("Danger zone"), link="self", export_path="zone.name"), Region(label=_l("Village")),
        Column("warning", _l("Warning"), link="warning", export_path="warning.headline"),
        Column("shelter", _l("Destination shelter"), link="shelter", export_path="shelter.name"),
        Badge("state", _l("State"), TransferState),
        Column("households_total", _l("Households")), Column("people_total", _l("People in the zone")),
        Column("people_moved", _l("People moved")), Column("households_refused", _l("Households refused")),
        When("created_at", _l("Created")),
    ],
    detail_template="disasters/transfer_detail.html", detail_context=_transfer_detail,
)


def register_all() -> None:
    register(ZONES, HOUSEHOLDS, TRANSFERS)
