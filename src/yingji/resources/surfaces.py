"""The declared surfaces of resources: each registry's list columns (the table, its export and the detail page),
filters, form and service writes, rendered by core's generic pages and API (``core.generic``, ``core.crud``)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

from yingji.core import policy
from yingji.core.surfaces import (
    Badge,
    ChoiceList,
    Column,
    Computed,
    Coordinates,
    Phone,
    PublicPhone,
    Region,
    Surface,
    When,
    register,
    url_for,
)

from . import filters, forms, services
from .choices import (
    ActivityKind,
    Capability,
    EquipmentItem,
    EquipmentStatus,
    Facility,
    HolderKind,
    MovementKind,
    Readiness,
    ShelterKind,
    ShelterLevel,
    ShelterSpace,
    ShelterStatus,
    SupplyCategory,
    TeamKind,
    TransferState,
    WarehouseLevel,
)
from .models import (
    Equipment,
    Expert,
    Shelter,
    StockBatch,
    StockMovement,
    SupplyItem,
    Team,
    TeamActivity,
    TeamMember,
    Transfer,
    Warehouse,
)

#: Words English uses for several things, told apart for the translation.
UNIT_ORG = pgettext_lazy("organisation", "Unit")
PERSON_TITLE = pgettext_lazy("person", "Title")
PERSON_NAME = pgettext_lazy("person", "Name")
EXPERTISE = pgettext_lazy("expertise", "Field")
UNIT_MEASURE = pgettext_lazy("measure", "Unit")
RECEIVED_STOCK = pgettext_lazy("stock", "Received")
RECEIVED_TRANSFER = pgettext_lazy("transfer time", "Received")
NEAR_EXPIRY_DAYS = 30

ADDRESS = Column("address", _l("Address"), table=False)


def _map_link():
    return (reverse("resource_map"), _("Command map"))


def _links(*pairs):
    """The list page's buttons: the given (url name, label) pairs and the command map."""

    def context(request):
        return {"links": [(reverse(name, args=args), label) for name, label, *args in pairs] + [_map_link()]}

    return context


def _with_import(kind: str, *pairs):
    links = _links(*pairs)

    def context(request):
        return {**links(request), "import_url": reverse("resource_import", args=[kind])}

    return context


# --- teams -----------------------------------------------------------------------------------------------------


def _team_detail(request, team, view):
    members = list(team.members.all())
    activities = list(team.activities.all()[:200])
    for activity in activities:
        activity.incident_url = url_for(activity.incident, view.user) if activity.incident_id else ""
    from . import history

    return {"team": team, "members": members, "history": history.entries(team, view.user),
            "member_phones": [(m, Phone("phone", "").html(m, view)) for m in members],
            "equipment": team.equipment.all(), "activities": activities,
            "can_add_activity": policy.can(request.user, "add", TeamActivity),
            "activity_form": forms.ActivityForm()}


TEAMS = Surface(
    model=Team, prefix="team", title=_l("Rescue teams"), singular=_l("Rescue team"), export_name="teams",
    subtitle=_l("Emergency rescue teams, their members, equipment and drills."),
    filterset=filters.TeamFilterSet, form=forms.TeamForm,
    create=services.create_team, update=services.update_team,
    create_title=_l("New rescue team"), edit_title=_l("Edit rescue team"),
    columns=[
        Column("name", _l("Name"), detail=False), Badge("kind", _l("Type"), TeamKind), Region(),
        ChoiceList("capabilities", _l("Capabilities"), Capability), Column("headcount", _l("Headcount")),
        Badge("readiness", _l("Readiness"), Readiness), Column("leader", _l("Leader")),
        Phone("leader_phone", _l("Leader's phone")), PublicPhone("duty_phone", _l("24-hour duty phone")),
        ADDRESS, Coordinates(), Column("notes", _l("Notes"), table=False, export=False),
    ],
    related={"members": lambda: TeamMember.objects.order_by("id"),
             "equipment": lambda: Equipment.objects.order_by("item", "id"),
             "activities": lambda: TeamActivity.objects.select_related("incident").order_by("-date", "-id")},
    contact_paths=lambda team: {f"members.{m.pk}.phone": m.phone for m in team.members.all()},
    list_context=_with_import("teams", ("activity_list", _l("Drills and deployments"))),
    detail_template="resources/team_detail.html", detail_context=_team_detail,
)


class _Incident(Column):
    """The incident a drill or deployment belonged to, named only when the viewer may see it."""

    plain_export = False

    def text(self, obj, view):
        incident = obj.incident
        if incident is None or not (policy.can(view.user, "view", type(incident)) and policy.sees(view.user, incident)):
            return "—"
        return incident.title


ACTIVITIES = Surface(
    model=TeamActivity, prefix="activity", title=_l("Drills and deployments"), singular=_l("Drill or deployment"),
    export_name="team-activities", subtitle=_l("What each rescue team took part in, with dates."),
    filterset=filters.TeamActivityFilterSet,
    queryset=lambda: TeamActivity.objects.select_related("team", "incident"),
    row_url=lambda activity: reverse("team_detail", args=[activity.team_id]), detail_page=False,
    columns=[
        Column("date", _l("Date")), Badge("kind", _l("Kind"), ActivityKind), Column("team", _l("Team")),
        _Incident("incident", _l("Incident")), Column("notes", _l("Notes")), Region(table=False),
    ],
)


# --- experts ---------------------------------------------------------------------------------------------------

EXPERTS = Surface(
    model=Expert, prefix="expert", title=_l("Expert pool"), singular=_l("Expert"), export_name="experts",
    subtitle=_l("Experts by field, with unit, title and availability."),
    filterset=filters.ExpertFilterSet, form=forms.ExpertForm,
    create_title=_l("New expert"), edit_title=_l("Edit expert"),
    columns=[
        Column("name", PERSON_NAME, detail=False), Badge("field", EXPERTISE, Capability),
        Column("specialty", _l("Specialty"), table=False), Column("title", PERSON_TITLE),
        Column("unit", UNIT_ORG), Phone("phone", _l("Phone")), Column("available", _l("Available")), Region(),
        ADDRESS, Coordinates(),
    ],
    list_context=_with_import("experts"),
)


# --- equipment -------------------------------------------------------------------------------------------------


def _holder(equipment, view):
    """The team or warehouse holding the equipment, linked when the viewer may see it."""
    for holder, name in ((equipment.team, "team_detail"), (equipment.warehouse, "warehouse_detail")):
        if holder is not None and policy.sees(view.user, holder):
            return format_html('<a href="{}">{}</a>', reverse(name, args=[holder.pk]), holder.name)
    return equipment.holder_name or None


class _Holder(Column):
    def html(self, obj, view):
        return _holder(obj, view) or "—"


def _equipment_summary(request):
    summary = [{**row, "label": EquipmentItem.label(row["item"]),
                "url": reverse("equipment_list") + f"?item={row['item']}"}
               for row in services.equipment_summary(request.user, request.GET.get("region_code") or None)]
    return {**_with_import("equipment")(request), "summary": summary}


EQUIPMENT = Surface(
    model=Equipment, prefix="equipment", title=_l("Equipment"), singular=_l("Equipment"), export_name="equipment",
    subtitle=_l("Pieces in service by type across your jurisdiction, and every line."),
    filterset=filters.EquipmentFilterSet, form=forms.EquipmentForm,
    create=services.create_equipment, update=services.update_equipment,
    create_title=_l("New equipment"), edit_title=_l("Edit equipment"),
    queryset=lambda: Equipment.objects.select_related("team", "warehouse"),
    columns=[
        Badge("item", _l("Item"), EquipmentItem), Column("model_name", _l("Model")), Column("count", _l("Count")),
        Badge("holder_kind", _l("Holder type"), HolderKind, table=False), _Holder("holder_name", _l("Holder")),
        Badge("status", _l("Status"), EquipmentStatus), Column("last_checked", _l("Last check")), Region(),
        Column("address", _l("Address"), table=False, export=False), Coordinates(export=False),
    ],
    list_template="resources/equipment_list.html", list_context=_equipment_summary,
)


# --- warehouses, stock, movements ------------------------------------------------------------------------------


def _warehouse_detail(request, warehouse, view):
    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=NEAR_EXPIRY_DAYS)
    batches = list(warehouse.batches.select_related("item").order_by("item__category", "item__code", "expires_on"))
    for b in batches:
        b.expired = bool(b.expires_on and b.expires_on < today)
        b.near_expiry = bool(not b.expired and b.expires_on and b.expires_on <= horizon)
        b.inspection_due = bool(b.inspect_on and b.inspect_on <= horizon)
    can_move = policy.can(request.user, "move", StockBatch)
    return {
        "warehouse": warehouse, "batches": batches,
        "near_expiry": [b for b in batches if (b.expired or b.near_expiry or b.inspection_due) and b.quantity],
        "movements": StockMovement.objects.filter(batch__warehouse=warehouse).select_related(
            "batch__item", "actor")[:50],
        "shortfalls": [s for s in services.shortfalls(request.user) if s["warehouse_id"] == warehouse.pk],
        "can_move": can_move, "receipt_form": forms.ReceiptForm() if can_move else None,
        "movement_form": forms.MovementForm(warehouse=warehouse) if can_move else None,
        "horizon_days": NEAR_EXPIRY_DAYS,
    }


WAREHOUSES = Surface(
    model=Warehouse, prefix="warehouse", title=_l("Warehouses"), singular=_l("Warehouse"), export_name="warehouses",
    subtitle=_l("Reserve warehouses and their stock."), filterset=filters.WarehouseFilterSet,
    form=forms.WarehouseForm, create_title=_l("New warehouse"), edit_title=_l("Edit warehouse"),
    columns=[
        Column("name", _l("Name"), detail=False), Badge("level", _l("Level"), WarehouseLevel), Region(),
        Column("manager", _l("Manager")), Phone("phone", _l("Phone")),
        Column("area_m2", _l("Area (m²)"), table=False), Column("address", _l("Address")), Coordinates(),
    ],
    list_context=_with_import("warehouses", ("stock_list", _l("Stock")), ("movement_list", _l("Stock movements")),
                              ("transfer_list", _l("Transfers")), ("shortfall_report", _l("Reserve shortfalls")),
                              ("resource_import", _l("Import stock"), "stock")),
    detail_template="resources/warehouse_detail.html", detail_context=_warehouse_detail,
)

SUPPLIES = Surface(
    model=SupplyItem, prefix="supply", title=_l("Supply catalogue"), singular=_l("Supply item"),
    filterset=filters.SupplyItemFilterSet, detail_page=False,
    columns=[Column("code", _l("Code")), Badge("category", _l("Category"), SupplyCategory),
             Column("name", _l("Name")), Column("spec", _l("Specification")), Column("unit", UNIT_MEASURE)],
)


def _stock_state(batch):
    today = timezone.localdate()
    if batch.expires_on and batch.expires_on < today:
        return "expired"
    if batch.expires_on and batch.expires_on <= today + datetime.timedelta(days=NEAR_EXPIRY_DAYS):
        return "near_expiry"
    return ""


class _StockState(Column):
    LABELS = {"expired": (_l("Expired"), "danger"), "near_expiry": (_l("Near expiry"), "warning")}

    def html(self, obj, view):
        state = self.LABELS.get(_stock_state(obj))
        return format_html('<span class="badge text-bg-{}">{}</span>', state[1], state[0]) if state else "—"


STOCK = Surface(
    model=StockBatch, prefix="stock", title=_l("Stock"), singular=_l("Stock batch"), export_name="stock",
    subtitle=_l("Stock by batch with expiry and inspection dates."), filterset=filters.StockFilterSet,
    queryset=lambda: StockBatch.objects.select_related("warehouse", "item"),
    row_url=lambda batch: reverse("warehouse_detail", args=[batch.warehouse_id]), detail_page=False,
    columns=[
        Column("warehouse.name", _l("Warehouse")), Column("item.code", _l("Item code"), table=False),
        Column("item.name", _l("Item")), Column("item.spec", _l("Specification")), Column("batch_no", _l("Batch")),
        Computed("quantity", _l("Quantity"), lambda b: f"{b.quantity} {b.item.unit}", export=False),
        Column("quantity", _l("Quantity"), table=False), Column("item.unit", UNIT_MEASURE, table=False),
        Column("received_on", RECEIVED_STOCK, table=False), Column("expires_on", _l("Expires")),
        Column("inspect_on", _l("Next inspection")), _StockState("state", _l("State"), export=False),
        Region(table=False),
    ],
    list_context=lambda request: {"import_url": reverse("resource_import", args=["stock"]),
                                  "can_add": policy.can(request.user, "add", StockBatch)},
)

MOVEMENTS = Surface(
    model=StockMovement, prefix="movement", title=_l("Stock movements"), singular=_l("Stock movement"),
    export_name="stock-movements", filterset=filters.MovementFilterSet,
    subtitle=_l("Every receipt, issue, transfer, write-off and stock-take adjustment."),
    queryset=lambda: StockMovement.objects.select_related("batch__warehouse", "batch__item", "actor"),
    row_url=lambda movement: reverse("warehouse_detail", args=[movement.batch.warehouse_id]), detail_page=False,
    columns=[
        When("at", _l("Time")), Badge("kind", _l("Kind"), MovementKind),
        Column("batch.warehouse.name", _l("Warehouse")), Column("batch.item.name", _l("Item")),
        Column("batch.batch_no", _l("Batch")),
        Computed("change", _l("Change"), lambda m: f"{m.change:+d}", export=False),
        Column("change", _l("Change"), table=False), Column("balance_after", _l("Balance after")),
        Column("actor.username", _l("By")), Column("reason", _l("Reason")),
    ],
)


# --- transfers -------------------------------------------------------------------------------------------------


def _transfer_detail(request, transfer, view):
    actions = [(t.action, t.label or t.action)
               for t in services.TRANSFER_WORKFLOW.available(transfer, request.user)]
    movements = transfer.movements.filter(policy.scope_q(request.user, StockMovement)).select_related(
        "batch__warehouse", "batch__item")
    return {"transfer": transfer, "actions": actions, "movements": movements}


def _by(user_field: str):
    def value(obj):
        user = getattr(obj, user_field)
        return user.get_username() if user is not None else None

    return value


TRANSFERS = Surface(
    model=Transfer, prefix="transfer", title=_l("Transfers"), singular=_l("Transfer"), export_name="transfers",
    subtitle=_l("Requested → approved → dispatched → received; quantities checked at each step."),
    filterset=filters.TransferFilterSet,
    queryset=lambda: Transfer.objects.select_related("source", "target", "item", "requested_by"),
    columns=[
        When("requested_at", _l("Requested"), detail=False), Column("item.name", _l("Item"), detail=False),
        Column("quantity", _l("Quantity"), detail=False), Column("source.name", _l("From warehouse")),
        Column("target.name", _l("To warehouse")), Badge("state", _l("State"), TransferState),
        Column("reason", _l("Reason"), table=False), When("dispatched_at", _l("Dispatched"), table=False),
        When("received_at", RECEIVED_TRANSFER, table=False),
    ],
    detail=[
        Column("item", _l("Item")),
        Computed("quantity", _l("Quantity"), lambda t: f"{t.quantity} {t.item.unit}"),
        Column("source.name", _l("From warehouse")),
        Computed("held", _l("Held at the source"), lambda t: services.available(t.source, t.item)),
        Column("target.name", _l("To warehouse")), Badge("state", _l("State"), TransferState),
        Column("reason", _l("Reason")), Computed("requested_by", _l("Requested by"), _by("requested_by")),
        When("requested_at", _l("Requested")), When("dispatched_at", _l("Dispatched")),
        When("received_at", RECEIVED_TRANSFER),
    ],
    list_context=lambda request: {"create_url": reverse("transfer_create"), "links": [_map_link()]},
    detail_template="resources/transfer_detail.html", detail_context=_transfer_detail,
)


# --- shelters --------------------------------------------------------------------------------------------------


def _shelter_detail(request, shelter, view):
    can_operate = policy.can(request.user, "operate", Shelter)
    return {"shelter": shelter, "events": shelter.events.all()[:100],
            "status_form": forms.ShelterStatusForm(initial={"status": shelter.status, "occupancy": shelter.occupancy})
            if can_operate else None}


SHELTERS = Surface(
    model=Shelter, prefix="shelter", title=_l("Shelters"), singular=_l("Shelter"), export_name="shelters",
    subtitle=_l("Emergency shelters: capacity, facilities, status and occupancy."),
    filterset=filters.ShelterFilterSet, form=forms.ShelterForm,
    create_title=_l("New shelter"), edit_title=_l("Edit shelter"),
    columns=[
        Column("name", _l("Name"), detail=False), Badge("level", _l("Level"), ShelterLevel),
        Badge("kind", _l("Type"), ShelterKind), Badge("space", _l("Space"), ShelterSpace, table=False), Region(),
        Column("area_m2", _l("Usable area (m²)"), table=False),
        Column("area_per_person", _l("Area per person (m²)"), table=False),
        Column("capacity", _l("Capacity (persons)")),
        Column("standard_capacity", _l("Capacity by the standard"), table=False, export=False),
        ChoiceList("facilities", _l("Facilities"), Facility, table=False),
        Column("occupancy", _l("Current occupancy"), export_label=_l("Current occupancy")),
        Badge("status", _l("Status"), ShelterStatus), Column("free_capacity", _l("Free capacity"), table=False,
                                                               export=False),
        Column("manager", _l("Manager")), Phone("phone", _l("Phone")), ADDRESS, Coordinates(),
        Column("standardised_on", _l("Standardisation accepted on"), table=False, export=False),
        Column("video_url", _l("Video link"), table=False, export=False),
    ],
    list_context=_with_import("shelters", ("shelter_coverage_report", _l("Coverage"))),
    detail_template="resources/shelter_detail.html", detail_context=_shelter_detail,
)


def register_all() -> None:
    register(TEAMS, ACTIVITIES, EXPERTS, EQUIPMENT, WAREHOUSES, SUPPLIES, STOCK, MOVEMENTS, TRANSFERS, SHELTERS)
