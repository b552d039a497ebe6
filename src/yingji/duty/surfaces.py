"""The declared surfaces of the duty desk: the roster's shifts, the duty log and shift handovers (list columns for
the table, export and detail page, filters, API reads), rendered by core's generic pages and API (``core.generic``,
``core.crud``). The console, the roster calendar and its import, and the daily report stay bespoke pages."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _l

from yingji.core import policy
from yingji.core.surfaces import Badge, Column, Computed, Phone, Region, Surface, View, When, register
from yingji.incidents.services import InformationSource

from . import filters, forms, services
from .choices import EntryKind, EntryState, HandoverState, Shift
from .models import DutyLogEntry, DutyShift, Handover

NOTES = _l("Notes")


def _person(field: str):
    """An account named as the pages name people (display name, else user name); None when unset."""

    def value(obj):
        user = getattr(obj, field)
        return str(user) if user is not None else None

    return value


# --- roster ----------------------------------------------------------------------------------------------------


def _roster_links(request) -> dict:
    return {"links": [(reverse("duty_roster"), _l("Roster calendar"))],
            "import_url": reverse("duty_roster_import"),
            "can_add": policy.can(request.user, "add", DutyShift)}


#: The leader's number, drawn by the bespoke duty pages (console, calendar, handover form) as by the roster's
#: own pages: masked without the personal-data grant.
LEADER_PHONE = Phone("leader_phone", _l("Leader's phone"))

SHIFTS = Surface(
    model=DutyShift, prefix="duty_shift", title=_l("Duty shifts"), singular=_l("Duty shift"),
    export_name="duty-roster", subtitle=_l("Every shift of the roster: who leads and who keeps watch."),
    filterset=filters.DutyShiftFilterSet, create=services.create_shift,
    queryset=lambda: DutyShift.objects.prefetch_related("officers"),
    columns=[
        Column("date", _l("Date")), Badge("shift", _l("Shift"), Shift), Region(),
        Column("leader_name", _l("Leader on duty")), LEADER_PHONE,
        Column("officer_names", _l("Duty officers")), When("starts_at", _l("Starts"), table=False),
        When("ends_at", _l("Ends"), table=False), Column("notes", NOTES, table=False),
    ],
    list_context=_roster_links,
)


# --- duty log --------------------------------------------------------------------------------------------------


class _Incident(Column):
    """The incident an entry was turned into, named and linked only when the viewer may see it."""

    plain_export = False

    def text(self, obj, view):
        incident = obj.incident
        if incident is None or not (policy.can(view.user, "view", type(incident))
                                    and policy.sees(view.user, incident)):
            return "—"
        return incident.title


def _entry_detail(request, entry, view) -> dict:
    actions = services.entry_actions(entry, request.user)
    return {"can_file": "file" in actions, "can_escalate": "escalate" in actions}


ENTRIES = Surface(
    model=DutyLogEntry, prefix="duty_entry", title=_l("Duty log"), singular=_l("Duty log entry"),
    export_name="duty-log", subtitle=_l("Every call, message and action the desk logged, and what became of it."),
    filterset=filters.DutyLogFilterSet, queryset=lambda: DutyLogEntry.objects.select_related("logged_by", "incident"),
    columns=[
        When("received_at", _l("Received")), Badge("source", _l("Source"), InformationSource),
        Badge("kind", _l("Kind"), EntryKind), Column("content", _l("Content")), Column("caller_name", _l("Caller")),
        Phone("caller_phone", _l("Caller's phone")), Badge("state", _l("State"), EntryState),
        _Incident("incident", _l("Incident"), link="incident"), Region(table=False),
        Computed("logged_by", _l("Logged by"), _person("logged_by"), table=False),
    ],
    list_context=lambda request: {"links": [(reverse("duty_console"), _l("Duty console"))]},
    detail_template="duty/entry_detail.html", detail_context=_entry_detail,
)


# --- handovers -------------------------------------------------------------------------------------------------


def _items(handover) -> str:
    return "；".join(item.text for item in handover.items.all())


def _acknowledgeable(user) -> set[int]:
    """The pending handovers in scope that ``user`` may acknowledge now (a handful: one per shift change)."""
    pending = Handover.objects.for_user(user).filter(state=HandoverState.PENDING)
    return {h.pk for h in pending if "acknowledge" in services.handover_actions(h, user)}


def _handover_list(request) -> dict:
    """The hand-over form beside the list for desk roles (bound when a hand-over was refused)."""
    user = request.user
    context = {"acknowledgeable": _acknowledgeable(user), "pending": HandoverState.PENDING,
               "links": [(reverse("duty_roster"), _l("Duty roster"))]}
    if policy.can(user, "add", Handover):
        next_shift = services.next_shift(user)
        context.update({
            "form": getattr(request, "handover_form", None) or forms.HandoverForm(),
            "current_shift": services.current_shift(user), "next_shift": next_shift,
            "next_leader_phone": LEADER_PHONE.text(next_shift, View(user, SHIFTS.reveal(user))) if next_shift else "",
            "open_entries": list(services.open_entries(user))})
    return context


def _handover_detail(request, handover, view) -> dict:
    return {"can_acknowledge": "acknowledge" in services.handover_actions(handover, request.user),
            "items": list(handover.items.all())}


HANDOVERS = Surface(
    model=Handover, prefix="duty_handover", title=_l("Shift handovers"), singular=_l("Shift handover"),
    export_name="duty-handovers",
    subtitle=_l("The outgoing officer hands the desk over with every open item; the incoming officer "
                "acknowledges and takes over."),
    filterset=filters.HandoverFilterSet, create=services.hand_over,
    queryset=lambda: Handover.objects.select_related("handed_over_by", "received_by", "shift")
    .prefetch_related("items__log_entry"),
    columns=[
        When("handed_over_at", _l("Handed over")), Column("shift", _l("Outgoing shift")),
        Computed("handed_over_by", _l("Handed over by"), _person("handed_over_by")),
        Computed("items", _l("Items handed over"), _items, detail=False), Badge("state", _l("State"), HandoverState),
        Computed("received_by", _l("Received by"), _person("received_by")),
        When("acknowledged_at", _l("Acknowledged")), Column("notes", NOTES), Region(table=False),
    ],
    list_template="duty/handovers.html", list_context=_handover_list,
    detail_template="duty/handover_detail.html", detail_context=_handover_detail,
)


def register_all() -> None:
    register(SHIFTS, ENTRIES, HANDOVERS)
