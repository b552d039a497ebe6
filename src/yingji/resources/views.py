"""Pages of resources: the command map (一张图) and the JSON its layers load from.

The page carries no inline script or style (CSP): its settings travel in data-attributes, its data comes from
``map_layers`` (the user's scope, through ``policy``) and from the nearby API.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from yingji.core import geo, policy
from yingji.core.errors import NotAllowed, ServiceError
from yingji.core.models import Region
from yingji.core.regions import region_path
from yingji.core.services import create_object, update_object
from yingji.core.views import _get, _require, form_page, list_page, service_errors_to_form
from yingji.prevention.choices import RiskColour

from . import forms, services
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
    TeamKind,
    TransferState,
    WarehouseLevel,
)
from .filters import (
    EquipmentFilterSet,
    ExpertFilterSet,
    MovementFilterSet,
    ShelterFilterSet,
    StockFilterSet,
    TeamActivityFilterSet,
    TeamFilterSet,
    TransferFilterSet,
    WarehouseFilterSet,
)
from .models import (
    Equipment,
    Expert,
    ReserveStandard,
    Shelter,
    StockBatch,
    StockMovement,
    Team,
    TeamActivity,
    Transfer,
    Warehouse,
)

MAP_CENTRE_FALLBACK = (33.29, 113.52)
#: Words English uses for several things, told apart for the translation.
UNIT_ORG = pgettext_lazy("organisation", "Unit")
PERSON_TITLE = pgettext_lazy("person", "Title")
PERSON_NAME = pgettext_lazy("person", "Name")
EXPERTISE = pgettext_lazy("expertise", "Field")
COORDINATES = pgettext_lazy("coordinates", "Location")
UNIT_MEASURE = pgettext_lazy("measure", "Unit")
RECEIVED_STOCK = pgettext_lazy("stock", "Received")
RECEIVED_TRANSFER = pgettext_lazy("transfer time", "Received")


def _tile_settings() -> dict:
    """Base tiles are optional: ``YINGJI_MAP_TILE_URL`` (e.g. a 天地图 URL with its key) and an attribution."""
    return {"tile_url": getattr(settings, "YINGJI_MAP_TILE_URL", None) or "",
            "tile_attribution": getattr(settings, "YINGJI_MAP_TILE_ATTRIBUTION", None) or ""}


@login_required
def resource_map(request):
    denied = _require(request, "view", Team)
    if denied:
        return denied
    home = Region.objects.for_user(request.user).filter(lat__isnull=False).order_by("code").first()
    centre = (float(home.lat), float(home.lon)) if home else MAP_CENTRE_FALLBACK
    response = render(request, "resources/map.html", {
        **_tile_settings(), "centre": centre, "layers_url": reverse("resource_map_layers"),
        "nearby_url": reverse("api-v1:nearby"),
        "layers": [("boundaries", _("Jurisdictions")), ("teams", _("Rescue teams")),
                   ("warehouses", _("Warehouses")), ("shelters", _("Shelters")),
                   ("equipment", _("Equipment holders")), ("enterprises", _("Enterprises (risk colour)")),
                   ("incidents", _("Open incidents"))],
        "kinds": [("team", _("Rescue teams")), ("warehouse", _("Warehouses")), ("shelter", _("Shelters")),
                  ("equipment", _("Equipment")), ("expert", _("Experts"))],
        "risk_legend": [(c, RiskColour.label(c)) for c in RiskColour.values()],
    })
    host = tile_host()
    if host:
        # The base tiles come from the configured host: the page's CSP lets images load from it (and only it).
        response._csp_update = {"img-src": [host]}
    return response


def tile_host(url: str | None = None) -> str:
    """``scheme://host[:port]`` of the tile URL template (``{s}`` subdomains widened to a wildcard), or ''."""
    return geo.tile_host(url if url is not None else _tile_settings()["tile_url"])


def _point(obj, kind: str, fields: list[tuple[str, object]], url: str = "") -> dict:
    return {"kind": kind, "id": obj.pk, "name": str(obj), "lat": float(obj.lat), "lon": float(obj.lon),
            "url": url, "fields": [[str(label), str(value)] for label, value in fields if value not in (None, "")]}


def _teams(user) -> list[dict]:
    return [_point(t, "team", [
        (_("Type"), TeamKind.label(t.kind)), (_("Readiness"), Readiness.label(t.readiness)),
        (_("Headcount"), t.headcount), (_("Capabilities"), ", ".join(Capability.label(c) for c in t.capabilities)),
        (_("Leader"), t.leader), (_("24-hour duty phone"), t.duty_phone), (_("Address"), t.address),
    ], reverse("team_detail", args=[t.pk])) for t in Team.objects.for_user(user).filter(lat__isnull=False)]


def _warehouses(user) -> list[dict]:
    reveal = policy.reveal_pii(user, Warehouse)
    return [_point(w, "warehouse", [
        (_("Level"), WarehouseLevel.label(w.level)), (_("Manager"), w.manager),
        (_("Phone"), w.phone if reveal else policy.mask_phone(w.phone)),
        (_("Address"), w.address),
    ], reverse("warehouse_detail", args=[w.pk])) for w in Warehouse.objects.for_user(user).filter(lat__isnull=False)]


def _shelters(user) -> list[dict]:
    reveal = policy.reveal_pii(user, Shelter)
    return [_point(s, "shelter", [
        (_("Level"), ShelterLevel.label(s.level)), (_("Type"), ShelterKind.label(s.kind)),
        (_("Status"), ShelterStatus.label(s.status)), (_("Capacity"), s.capacity),
        (_("Free capacity"), s.free_capacity), (_("Area (m²)"), s.area_m2), (_("Manager"), s.manager),
        (_("Phone"), s.phone if reveal else policy.mask_phone(s.phone)),
    ], reverse("shelter_detail", args=[s.pk])) for s in Shelter.objects.for_user(user).filter(lat__isnull=False)]


def _equipment_holders(user) -> list[dict]:
    """Equipment grouped by where it is held: one point per holder, listing its pieces by item."""
    holders: dict[tuple, dict] = {}
    counts: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    rows = Equipment.objects.for_user(user).filter(lat__isnull=False).exclude(status=EquipmentStatus.SCRAPPED)
    for e in rows.order_by("id"):
        key = (e.holder_name, e.lat, e.lon)
        holders.setdefault(key, {"kind": "equipment", "id": e.pk, "name": e.holder_name or str(e),
                                 "lat": float(e.lat), "lon": float(e.lon), "url": ""})
        counts[key][e.item] += e.count
    for key, point in holders.items():
        point["fields"] = [[EquipmentItem.label(item), str(n)] for item, n in sorted(counts[key].items())]
    return list(holders.values())


def _enterprise_risk(user) -> dict[int, int]:
    """The highest risk (lowest level number: 1 = 重大, red) among each enterprise's risk points in scope."""
    from django.db.models import Min

    from yingji.prevention.models import RiskPoint

    if not policy.can(user, "view", RiskPoint):
        return {}
    rows = RiskPoint.objects.for_user(user).values("enterprise_id").annotate(level=Min("level")).order_by()
    return {r["enterprise_id"]: r["level"] for r in rows}


#: Risk level (1 highest) → the colour of the four-colour risk map (standards.md §2.3).
RISK_COLOURS = {1: RiskColour.RED, 2: RiskColour.ORANGE, 3: RiskColour.YELLOW, 4: RiskColour.BLUE}


def _enterprises(user) -> list[dict]:
    from yingji.enterprises.models import Enterprise

    if not policy.can(user, "view", Enterprise):
        return []
    risk = _enterprise_risk(user)
    points = []
    for e in Enterprise.objects.for_user(user).filter(lat__isnull=False).only("id", "name", "address", "lat",
                                                                               "lon", "region_code"):
        try:
            url = reverse("enterprise_detail", args=[e.pk])
        except NoReverseMatch:
            url = ""
        colour = RISK_COLOURS.get(risk.get(e.pk), "")
        fields = [[_("Address"), e.address]] if e.address else []
        if colour:
            fields.append([_("Risk"), str(RiskColour.label(colour))])
        points.append({"kind": "enterprise", "id": e.pk, "name": e.name, "lat": float(e.lat),
                       "lon": float(e.lon), "url": url, "risk": colour, "fields": fields})
    return points


def _incidents(user) -> list[dict]:
    """Open incidents (reported or responding) in scope with a point."""
    from yingji.incidents.choices import AccidentGrade, IncidentState
    from yingji.incidents.models import Incident

    if not policy.can(user, "view", Incident):
        return []
    points = []
    rows = Incident.objects.for_user(user).filter(state__in=IncidentState.OPEN, lat__isnull=False)
    for i in rows.only("id", "title", "lat", "lon", "state", "grade", "occurred_at", "address")[:500]:
        try:
            url = reverse("incident_detail", args=[i.pk])
        except NoReverseMatch:
            url = ""
        points.append({"kind": "incident", "id": i.pk, "name": i.title, "lat": float(i.lat), "lon": float(i.lon),
                       "url": url, "fields": [pair for pair in (
                           [_("State"), IncidentState.label(i.state)], [_("Grade"), AccidentGrade.label(i.grade)],
                           [_("Occurred"), timezone.localtime(i.occurred_at).strftime("%Y-%m-%d %H:%M")],
                           [_("Address"), i.address]) if pair[1]]})
    return points


def _boundaries(user) -> dict:
    features = []
    regions = Region.objects.for_user(user).exclude(boundary__isnull=True).exclude(level="village")
    for r in regions.only("id", "code", "name", "level", "boundary"):
        features.append({"type": "Feature", "geometry": r.boundary,
                         "properties": {"code": r.code, "name": r.name, "level": r.level}})
    return {"type": "FeatureCollection", "features": features}


@login_required
def map_layers(request):
    """Everything the command map draws, inside the user's scope."""
    denied = _require(request, "view", Team)
    if denied:
        return JsonResponse({"detail": _("You are not allowed to do this"), "errors": []}, status=403)
    user = request.user
    return JsonResponse({
        "boundaries": _boundaries(user),
        "layers": {"teams": _teams(user), "warehouses": _warehouses(user), "shelters": _shelters(user),
                   "equipment": _equipment_holders(user), "enterprises": _enterprises(user),
                   "incidents": _incidents(user)},
    })


# --- registry pages --------------------------------------------------------------------------------------------
#
# Every list is ``core.views.list_page`` (the FilterSet shared with the API and the export, pagination, CSV/Excel
# export of exactly the filtered rows); its rows are drawn by a ``Table`` (headers and one function per row),
# so one template serves every registry. Phones are masked for roles without the personal-data grant, in the
# lists, the exports and the API alike; a detail page showing full numbers is audited.


class Table:
    """Headers and a row function ``obj -> (url, [cells])`` for ``resources/list.html``."""

    def __init__(self, headers, row):
        self.headers = headers
        self.row = row

    def rows(self, page):
        return [self.row(obj) for obj in page]


def _badge(choice_set, value):
    if value in (None, ""):
        return "—"
    return format_html('<span class="badge text-bg-{}">{}</span>', choice_set.colour(value), choice_set.label(value))


def _phone(value: str, reveal: bool):
    if not value:
        return "—"
    return format_html('<a href="tel:{}">{}</a>', value, value) if reveal else policy.mask_phone(value)


def _registry_page(request, model, filterset, *, template="resources/list.html", title, subtitle="",
                   table: Table, columns, export_name: str, queryset=None, extra: dict | None = None):
    denied = _require(request, "view", model)
    if denied:
        return denied
    qs = queryset if queryset is not None else model.objects.for_user(request.user)
    context = {"title": title, "subtitle": subtitle, "table": table,
               "can_add": policy.can(request.user, "add", model)}
    context.update(extra or {})
    return list_page(request, qs, filterset, template=template, export_name=export_name, columns=columns,
                     extra=context)


def _save(request, form, write, success: str, redirect_to):
    """Run a service write for a valid form; service errors land on the form's fields."""
    try:
        obj = write(form.service_data())
    except ServiceError as exc:
        service_errors_to_form(form, exc)
        return None
    messages.success(request, success)
    return redirect(redirect_to(obj))


def _create_view(request, model, form_class, write, *, title: str, cancel: str, detail: str):
    denied = _require(request, "add", model)
    if denied:
        return denied
    form = form_class(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        done = _save(request, form, write, _("Saved."), lambda obj: reverse(detail, args=[obj.pk]))
        if done:
            return done
    return form_page(request, form, title, reverse(cancel))


def _edit_view(request, model, pk, form_class, write, *, title: str, detail: str):
    obj = _get(request, model, pk, "change")
    form = form_class(request.POST or None, instance=obj, user=request.user)
    if request.method == "POST" and form.is_valid():
        done = _save(request, form, lambda data: write(obj, data), _("Saved."),
                     lambda saved: reverse(detail, args=[saved.pk]))
        if done:
            return done
    return form_page(request, form, title, reverse(detail, args=[pk]), obj)


def _reveal(request, obj, model, phones: dict[str, str]) -> bool:
    """Whether the user may see full phone numbers; showing any is audited."""
    reveal = policy.reveal_pii(request.user, model)
    if reveal:
        services.record_contact_view(request.user, obj, [name for name, value in phones.items() if value])
    return reveal


def _phone_column(path: str, label, reveal: bool):
    return (path if reveal else f"{path}_masked", label)


# --- teams ---


@login_required
def team_list(request):
    reveal = policy.reveal_pii(request.user, Team)
    table = Table([_("Name"), _("Type"), _("Region"), _("Capabilities"), _("Headcount"), _("Readiness"),
                   _("Leader"), _("Leader's phone"), _("24-hour duty phone")],
                  lambda t: (reverse("team_detail", args=[t.pk]), [
                      t.name, _badge(TeamKind, t.kind), region_path(t.region_code),
                      "、".join(Capability.label(c) for c in t.capabilities) or "—", t.headcount,
                      _badge(Readiness, t.readiness), t.leader or "—", _phone(t.leader_phone, reveal),
                      t.duty_phone or "—"]))
    columns = [("name", _l("Name")), ("kind", _l("Type")), ("region_code", _l("Region code")),
               ("region_name", _l("Region")),
               ("capabilities", _l("Capabilities")), ("headcount", _l("Headcount")), ("readiness", _l("Readiness")),
               ("leader", _l("Leader")), _phone_column("leader_phone", _l("Leader's phone"), reveal),
               ("duty_phone", _l("24-hour duty phone")), ("address", _l("Address")), ("lat", _l("Latitude")),
               ("lon", _l("Longitude"))]
    return _registry_page(request, Team, TeamFilterSet, title=_("Rescue teams"),
                          subtitle=_("Emergency rescue teams, their members, equipment and drills."),
                          table=table, columns=columns, export_name="teams",
                          extra={"import_url": reverse("resource_import", args=["teams"]),
                                 "create_url": reverse("team_create"),
                                 "links": [(reverse("activity_list"), _("Drills and deployments"))]})


@login_required
def team_detail(request, pk: int):
    team = _get(request, Team, pk)
    members = list(team.members.all())
    reveal = _reveal(request, team, Team, {"leader_phone": team.leader_phone}
                     | {f"members.{m.pk}.phone": m.phone for m in members})
    fields = [(_("Type"), _badge(TeamKind, team.kind)), (_("Readiness"), _badge(Readiness, team.readiness)),
              (_("Capabilities"), "、".join(Capability.label(c) for c in team.capabilities)),
              (_("Headcount"), team.headcount), (_("Leader"), team.leader),
              (_("Leader's phone"), _phone(team.leader_phone, reveal)),
              (_("24-hour duty phone"), _phone(team.duty_phone, True)), (_("Region"), region_path(team.region_code)),
              (_("Address"), team.address), (COORDINATES, _latlon(team)), (_("Notes"), team.notes)]
    return render(request, "resources/team_detail.html", {
        "object": team, "team": team, "title": team.name, "kind_label": _("Rescue team"),
        "list_url": reverse("team_list"), "list_label": _("Rescue teams"), "fields": fields,
        "member_phones": [(m, _phone(m.phone, reveal)) for m in members], "members": members,
        "equipment": team.equipment.filter(policy.scope_q(request.user, Equipment)),
        "activities": team.activities.select_related("incident")[:200],
        "edit_url": reverse("team_edit", args=[pk]) if policy.can(request.user, "change", Team) else "",
        "can_add_activity": policy.can(request.user, "add", TeamActivity),
        "activity_form": forms.ActivityForm(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request):
    return _create_view(request, Team, forms.TeamForm, lambda data: services.create_team(request.user, data),
                        title=_("New rescue team"), cancel="team_list", detail="team_detail")


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request, pk: int):
    return _edit_view(request, Team, pk, forms.TeamForm,
                      lambda team, data: services.update_team(request.user, team, data),
                      title=_("Edit rescue team"), detail="team_detail")


@login_required
@require_POST
def team_activity_add(request, pk: int):
    team = _get(request, Team, pk)
    form = forms.ActivityForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label if field in form.fields else ''} {errors[0]}")
        return redirect("team_detail", pk=pk)
    try:
        services.record_activity(request.user, team, form.service_data())
    except NotAllowed:
        raise PermissionDenied from None
    except ServiceError as exc:
        for error in exc.errors or [{"message": exc.detail}]:
            messages.error(request, error["message"])
    else:
        messages.success(request, _("Recorded."))
    return redirect("team_detail", pk=pk)


@login_required
def activity_list(request):
    table = Table([_("Date"), _("Kind"), _("Team"), _("Incident"), _("Notes")],
                  lambda a: (reverse("team_detail", args=[a.team_id]), [
                      a.date, _badge(ActivityKind, a.kind), a.team.name,
                      a.incident.title if a.incident_id else "—", a.notes or "—"]))
    columns = [("date", _l("Date")), ("kind", _l("Kind")), ("team.name", _l("Team")),
               ("incident.title", _l("Incident")), ("notes", _l("Notes")), ("region_code", _l("Region code")),
               ("region_name", _l("Region"))]
    qs = TeamActivity.objects.for_user(request.user).select_related("team", "incident") \
        if policy.can(request.user, "view", TeamActivity) else None
    return _registry_page(request, TeamActivity, TeamActivityFilterSet, title=_("Drills and deployments"),
                          subtitle=_("What each rescue team took part in, with dates."), table=table,
                          columns=columns, export_name="team-activities", queryset=qs,
                          extra={"can_add": False})


# --- experts ---


@login_required
def expert_list(request):
    reveal = policy.reveal_pii(request.user, Expert)
    table = Table([PERSON_NAME, EXPERTISE, PERSON_TITLE, UNIT_ORG, _("Phone"), _("Available"), _("Region")],
                  lambda e: (reverse("expert_detail", args=[e.pk]), [
                      e.name, _badge(Capability, e.field), e.title or "—", e.unit or "—", _phone(e.phone, reveal),
                      _("Yes") if e.available else _("No"), region_path(e.region_code)]))
    columns = [("name", PERSON_NAME), ("field", EXPERTISE), ("specialty", _l("Specialty")), ("title", PERSON_TITLE),
               ("unit", UNIT_ORG), _phone_column("phone", _l("Phone"), reveal), ("available", _l("Available")),
               ("region_code", _l("Region code")), ("region_name", _l("Region"))]
    return _registry_page(request, Expert, ExpertFilterSet, title=_("Expert pool"),
                          subtitle=_("Experts by field, with unit, title and availability."), table=table,
                          columns=columns, export_name="experts",
                          extra={"import_url": reverse("resource_import", args=["experts"]),
                                 "create_url": reverse("expert_create")})


@login_required
def expert_detail(request, pk: int):
    expert = _get(request, Expert, pk)
    reveal = _reveal(request, expert, Expert, {"phone": expert.phone})
    fields = [(EXPERTISE, _badge(Capability, expert.field)), (_("Specialty"), expert.specialty),
              (PERSON_TITLE, expert.title), (UNIT_ORG, expert.unit), (_("Phone"), _phone(expert.phone, reveal)),
              (_("Available"), _("Yes") if expert.available else _("No")),
              (_("Region"), region_path(expert.region_code)),
              (_("Address"), expert.address), (COORDINATES, _latlon(expert))]
    return render(request, "resources/detail.html", {
        "object": expert, "title": expert.name, "kind_label": _("Expert"), "list_url": reverse("expert_list"),
        "list_label": _("Expert pool"), "fields": fields,
        "edit_url": reverse("expert_edit", args=[pk]) if policy.can(request.user, "change", Expert) else ""})


@login_required
@require_http_methods(["GET", "POST"])
def expert_create(request):
    return _create_view(request, Expert, forms.ExpertForm,
                        lambda data: create_object(request.user, Expert, data),
                        title=_("New expert"), cancel="expert_list", detail="expert_detail")


@login_required
@require_http_methods(["GET", "POST"])
def expert_edit(request, pk: int):
    return _edit_view(request, Expert, pk, forms.ExpertForm,
                      lambda expert, data: update_object(request.user, expert, data),
                      title=_("Edit expert"), detail="expert_detail")


def _latlon(obj) -> str:
    return f"{obj.lat}, {obj.lon}" if obj.lat is not None else "—"


# --- equipment ---


@login_required
def equipment_list(request):
    table = Table([_("Item"), _("Model"), _("Count"), _("Holder"), _("Status"), _("Last check"), _("Region")],
                  lambda e: (reverse("equipment_detail", args=[e.pk]), [
                      _badge(EquipmentItem, e.item), e.model_name or "—", e.count,
                      e.holder_name or "—", _badge(EquipmentStatus, e.status), e.last_checked or "—",
                      region_path(e.region_code)]))
    columns = [("item", _l("Item")), ("model_name", _l("Model")), ("count", _l("Count")),
               ("holder_kind", _l("Holder type")), ("holder_name", _l("Holder")), ("status", _l("Status")),
               ("last_checked", _l("Last check")), ("region_code", _l("Region code")), ("region_name", _l("Region"))]
    summary = []
    if policy.can(request.user, "view", Equipment):
        summary = [{**row, "label": EquipmentItem.label(row["item"]),
                    "url": reverse("equipment_list") + f"?item={row['item']}"}
                   for row in services.equipment_summary(request.user, request.GET.get("region_code") or None)]
    return _registry_page(request, Equipment, EquipmentFilterSet, title=_("Equipment"),
                          subtitle=_("Pieces in service by type across your jurisdiction, and every line."),
                          table=table, columns=columns, export_name="equipment",
                          extra={"summary": summary, "import_url": reverse("resource_import", args=["equipment"]),
                                 "create_url": reverse("equipment_create")})


@login_required
def equipment_detail(request, pk: int):
    e = _get(request, Equipment, pk, queryset=Equipment.objects.select_related("team", "warehouse"))
    holder = e.holder_name
    if e.team_id and policy.in_scope(request.user, e.team):
        holder = format_html('<a href="{}">{}</a>', reverse("team_detail", args=[e.team_id]), e.team.name)
    elif e.warehouse_id and policy.in_scope(request.user, e.warehouse):
        holder = format_html('<a href="{}">{}</a>', reverse("warehouse_detail", args=[e.warehouse_id]),
                             e.warehouse.name)
    fields = [(_("Item"), _badge(EquipmentItem, e.item)), (_("Model"), e.model_name), (_("Count"), e.count),
              (_("Holder type"), _badge(HolderKind, e.holder_kind)), (_("Holder"), holder),
              (_("Status"), _badge(EquipmentStatus, e.status)), (_("Last check"), e.last_checked),
              (_("Region"), region_path(e.region_code)), (_("Address"), e.address), (COORDINATES, _latlon(e))]
    return render(request, "resources/detail.html", {
        "object": e, "title": str(e), "kind_label": _("Equipment"), "list_url": reverse("equipment_list"),
        "list_label": _("Equipment"), "fields": fields,
        "edit_url": reverse("equipment_edit", args=[pk]) if policy.can(request.user, "change", Equipment) else ""})


@login_required
@require_http_methods(["GET", "POST"])
def equipment_create(request):
    return _create_view(request, Equipment, forms.EquipmentForm,
                        lambda data: services.create_equipment(request.user, data),
                        title=_("New equipment"), cancel="equipment_list", detail="equipment_detail")


@login_required
@require_http_methods(["GET", "POST"])
def equipment_edit(request, pk: int):
    return _edit_view(request, Equipment, pk, forms.EquipmentForm,
                      lambda e, data: services.update_equipment(request.user, e, data),
                      title=_("Edit equipment"), detail="equipment_detail")


# --- warehouses, stock, movements ---

NEAR_EXPIRY_DAYS = 30


@login_required
def warehouse_list(request):
    reveal = policy.reveal_pii(request.user, Warehouse)
    table = Table([_("Name"), _("Level"), _("Region"), _("Manager"), _("Phone"), _("Address")],
                  lambda w: (reverse("warehouse_detail", args=[w.pk]), [
                      w.name, _badge(WarehouseLevel, w.level), region_path(w.region_code), w.manager or "—",
                      _phone(w.phone, reveal), w.address or "—"]))
    columns = [("name", _l("Name")), ("level", _l("Level")), ("region_code", _l("Region code")),
               ("region_name", _l("Region")),
               ("manager", _l("Manager")), _phone_column("phone", _l("Phone"), reveal),
               ("area_m2", _l("Area (m²)")), ("address", _l("Address")), ("lat", _l("Latitude")),
               ("lon", _l("Longitude"))]
    return _registry_page(request, Warehouse, WarehouseFilterSet, title=_("Warehouses"),
                          subtitle=_("Reserve warehouses and their stock."), table=table, columns=columns,
                          export_name="warehouses",
                          extra={"import_url": reverse("resource_import", args=["warehouses"]),
                                 "create_url": reverse("warehouse_create"),
                                 "links": [(reverse("stock_list"), _("Stock")),
                                           (reverse("movement_list"), _("Stock movements")),
                                           (reverse("transfer_list"), _("Transfers")),
                                           (reverse("shortfall_report"), _("Reserve shortfalls")),
                                           (reverse("resource_import", args=["stock"]), _("Import stock"))]})


@login_required
def warehouse_detail(request, pk: int):
    warehouse = _get(request, Warehouse, pk)
    reveal = _reveal(request, warehouse, Warehouse, {"phone": warehouse.phone})
    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=NEAR_EXPIRY_DAYS)
    batches = list(warehouse.batches.select_related("item").order_by("item__category", "item__code", "expires_on"))
    for b in batches:
        b.expired = bool(b.expires_on and b.expires_on < today)
        b.near_expiry = bool(not b.expired and b.expires_on and b.expires_on <= horizon)
        b.inspection_due = bool(b.inspect_on and b.inspect_on <= horizon)
    can_move = policy.can(request.user, "move", StockBatch)
    fields = [(_("Level"), _badge(WarehouseLevel, warehouse.level)), (_("Region"), region_path(warehouse.region_code)),
              (_("Manager"), warehouse.manager), (_("Phone"), _phone(warehouse.phone, reveal)),
              (_("Area (m²)"), warehouse.area_m2), (_("Address"), warehouse.address),
              (COORDINATES, _latlon(warehouse))]
    return render(request, "resources/warehouse_detail.html", {
        "object": warehouse, "title": warehouse.name, "kind_label": _("Warehouse"),
        "list_url": reverse("warehouse_list"), "list_label": _("Warehouses"), "fields": fields,
        "edit_url": reverse("warehouse_edit", args=[pk]) if policy.can(request.user, "change", Warehouse) else "",
        "warehouse": warehouse, "batches": batches,
        "near_expiry": [b for b in batches if (b.expired or b.near_expiry or b.inspection_due) and b.quantity],
        "movements": StockMovement.objects.filter(batch__warehouse=warehouse).select_related(
            "batch__item", "actor")[:50],
        "shortfalls": [s for s in services.shortfalls(request.user) if s["warehouse_id"] == warehouse.pk],
        "can_move": can_move,
        "receipt_form": forms.ReceiptForm() if can_move else None,
        "movement_form": forms.MovementForm(warehouse=warehouse) if can_move else None,
        "horizon_days": NEAR_EXPIRY_DAYS,
    })


@login_required
@require_http_methods(["GET", "POST"])
def warehouse_create(request):
    return _create_view(request, Warehouse, forms.WarehouseForm,
                        lambda data: create_object(request.user, Warehouse, data),
                        title=_("New warehouse"), cancel="warehouse_list", detail="warehouse_detail")


@login_required
@require_http_methods(["GET", "POST"])
def warehouse_edit(request, pk: int):
    return _edit_view(request, Warehouse, pk, forms.WarehouseForm,
                      lambda w, data: update_object(request.user, w, data),
                      title=_("Edit warehouse"), detail="warehouse_detail")


def _form_messages(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {errors[0]}" if label else errors[0])


def _service_messages(request, exc: ServiceError) -> None:
    for error in exc.errors or [{"message": exc.detail}]:
        messages.error(request, error["message"])


@login_required
@require_POST
def warehouse_receive(request, pk: int):
    warehouse = _get(request, Warehouse, pk)
    form = forms.ReceiptForm(request.POST)
    if not form.is_valid():
        _form_messages(request, form)
        return redirect("warehouse_detail", pk=pk)
    d = form.cleaned_data
    try:
        services.receive_stock(request.user, warehouse, d["item"], d["quantity"], batch_no=d["batch_no"],
                               expires_on=d["expires_on"], inspect_on=d["inspect_on"], reason=d["reason"])
    except NotAllowed:
        raise PermissionDenied from None
    except ServiceError as exc:
        _service_messages(request, exc)
    else:
        messages.success(request, _("Stock received."))
    return redirect("warehouse_detail", pk=pk)


@login_required
@require_POST
def warehouse_move(request, pk: int):
    warehouse = _get(request, Warehouse, pk)
    form = forms.MovementForm(request.POST, warehouse=warehouse)
    if not form.is_valid():
        _form_messages(request, form)
        return redirect("warehouse_detail", pk=pk)
    d = form.cleaned_data
    try:
        if d["kind"] == MovementKind.COUNT:
            services.count_stock(request.user, d["batch"], d["quantity"], expected=d["batch"].quantity,
                                 reason=d["reason"])
        else:
            services.take_stock(request.user, d["batch"], d["quantity"], kind=d["kind"], reason=d["reason"])
    except NotAllowed:
        raise PermissionDenied from None
    except ServiceError as exc:
        _service_messages(request, exc)
    else:
        messages.success(request, _("Stock movement recorded."))
    return redirect("warehouse_detail", pk=pk)


@login_required
def stock_list(request):
    today = timezone.localdate()

    def row(b):
        state = "—"
        if b.expires_on and b.expires_on < today:
            state = format_html('<span class="badge text-bg-danger">{}</span>', _("Expired"))
        elif b.expires_on and b.expires_on <= today + datetime.timedelta(days=NEAR_EXPIRY_DAYS):
            state = format_html('<span class="badge text-bg-warning">{}</span>', _("Near expiry"))
        return (reverse("warehouse_detail", args=[b.warehouse_id]), [
            b.warehouse.name, b.item.name, b.item.spec or "—", b.batch_no, f"{b.quantity} {b.item.unit}",
            b.expires_on or "—", b.inspect_on or "—", state])

    table = Table([_("Warehouse"), _("Item"), _("Specification"), _("Batch"), _("Quantity"), _("Expires"),
                   _("Next inspection"), _("State")], row)
    columns = [("warehouse.name", _l("Warehouse")), ("item.code", _l("Item code")), ("item.name", _l("Item")),
               ("item.spec", _l("Specification")), ("batch_no", _l("Batch")), ("quantity", _l("Quantity")),
               ("item.unit", UNIT_MEASURE), ("received_on", RECEIVED_STOCK), ("expires_on", _l("Expires")),
               ("inspect_on", _l("Next inspection")), ("region_code", _l("Region code")), ("region_name", _l("Region"))]
    qs = StockBatch.objects.select_related("warehouse", "item").for_user(request.user) \
        if policy.can(request.user, "view", StockBatch) else None
    return _registry_page(request, StockBatch, StockFilterSet, title=_("Stock"),
                          subtitle=_("Stock by batch with expiry and inspection dates."), table=table,
                          columns=columns, export_name="stock", queryset=qs,
                          extra={"can_add": False, "import_url": reverse("resource_import", args=["stock"])})


@login_required
def movement_list(request):
    table = Table([_("Time"), _("Kind"), _("Warehouse"), _("Item"), _("Batch"), _("Change"), _("Balance after"),
                   _("By"), _("Reason")],
                  lambda m: (reverse("warehouse_detail", args=[m.batch.warehouse_id]), [
                      timezone.localtime(m.at).strftime("%Y-%m-%d %H:%M"), _badge(MovementKind, m.kind),
                      m.batch.warehouse.name, m.batch.item.name, m.batch.batch_no, f"{m.change:+d}",
                      m.balance_after, m.actor.get_username() if m.actor_id else "—", m.reason or "—"]))
    columns = [("at", _l("Time")), ("kind", _l("Kind")), ("batch.warehouse.name", _l("Warehouse")),
               ("batch.item.name", _l("Item")), ("batch.batch_no", _l("Batch")), ("change", _l("Change")),
               ("balance_after", _l("Balance after")), ("actor.username", _l("By")), ("reason", _l("Reason"))]
    qs = StockMovement.objects.select_related("batch__warehouse", "batch__item", "actor").for_user(request.user) \
        if policy.can(request.user, "view", StockMovement) else None
    return _registry_page(request, StockMovement, MovementFilterSet, title=_("Stock movements"),
                          subtitle=_("Every receipt, issue, transfer, write-off and stock-take adjustment."),
                          table=table, columns=columns, export_name="stock-movements", queryset=qs,
                          extra={"can_add": False})


# --- transfers ---

TRANSFER_ACTION_LABELS = {"approve": _l("Approve"), "reject": _l("Reject"), "cancel": _l("Cancel"),
                          "dispatch": _l("Dispatch"), "receive": _l("Confirm receipt")}


@login_required
def transfer_list(request):
    table = Table([_("Requested"), _("Item"), _("Quantity"), _("From"), _("To"), _("State")],
                  lambda t: (reverse("transfer_detail", args=[t.pk]), [
                      timezone.localtime(t.requested_at).strftime("%Y-%m-%d %H:%M"), str(t.item), t.quantity,
                      t.source.name, t.target.name, _badge(TransferState, t.state)]))
    columns = [("requested_at", _l("Requested")), ("item.name", _l("Item")), ("quantity", _l("Quantity")),
               ("source.name", _l("From warehouse")), ("target.name", _l("To warehouse")), ("state", _l("State")),
               ("reason", _l("Reason")), ("dispatched_at", _l("Dispatched")), ("received_at", RECEIVED_TRANSFER)]
    qs = Transfer.objects.select_related("source", "target", "item").for_user(request.user) \
        if policy.can(request.user, "view", Transfer) else None
    return _registry_page(request, Transfer, TransferFilterSet, title=_("Transfers"),
                          subtitle=_("Requested → approved → dispatched → received; quantities checked at each step."),
                          table=table, columns=columns, export_name="transfers", queryset=qs,
                          extra={"create_url": reverse("transfer_create")})


@login_required
def transfer_detail(request, pk: int):
    transfer = _get(request, Transfer, pk, queryset=Transfer.objects.select_related(
        "source", "target", "item", "requested_by"))
    actions = [(t.action, TRANSFER_ACTION_LABELS.get(t.action, t.action))
               for t in services.TRANSFER_WORKFLOW.available(transfer, request.user)]
    held = services.available(transfer.source, transfer.item)
    fields = [(_("Item"), str(transfer.item)), (_("Quantity"), f"{transfer.quantity} {transfer.item.unit}"),
              (_("From warehouse"), transfer.source.name), (_("Held at the source"), held),
              (_("To warehouse"), transfer.target.name), (_("State"), _badge(TransferState, transfer.state)),
              (_("Reason"), transfer.reason),
              (_("Requested by"), transfer.requested_by.get_username() if transfer.requested_by_id else ""),
              (_("Requested"), timezone.localtime(transfer.requested_at).strftime("%Y-%m-%d %H:%M")),
              (_("Dispatched"), transfer.dispatched_at and timezone.localtime(transfer.dispatched_at)
               .strftime("%Y-%m-%d %H:%M")),
              (RECEIVED_TRANSFER, transfer.received_at and timezone.localtime(transfer.received_at)
               .strftime("%Y-%m-%d %H:%M"))]
    movements = transfer.movements.filter(policy.scope_q(request.user, StockMovement)).select_related(
        "batch__warehouse", "batch__item")
    return render(request, "resources/transfer_detail.html", {
        "object": transfer, "transfer": transfer, "title": str(transfer), "kind_label": _("Transfer"),
        "list_url": reverse("transfer_list"), "list_label": _("Transfers"), "fields": fields, "actions": actions,
        "movements": movements})


@login_required
@require_POST
def transfer_act(request, pk: int, action: str):
    transfer = _get(request, Transfer, pk)
    if request.POST.get("version") and request.POST["version"] != str(transfer.version):
        messages.error(request, _("The transfer changed meanwhile; check it and try again."))
        return redirect("transfer_detail", pk=pk)
    try:
        services.transition_transfer(request.user, transfer, action, {"note": request.POST.get("note", "")[:500]})
    except NotAllowed:
        raise PermissionDenied from None
    except ServiceError as exc:
        _service_messages(request, exc)
    else:
        messages.success(request, _("%(action)s: done.") % {"action": TRANSFER_ACTION_LABELS.get(action, action)})
    return redirect("transfer_detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def transfer_create(request):
    denied = _require(request, "add", Transfer)
    if denied:
        return denied
    form = forms.TransferForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            transfer = services.request_transfer(request.user, source=d["source"], target=d["target"],
                                                 item=d["item"], quantity=d["quantity"], reason=d["reason"])
        except NotAllowed:
            raise PermissionDenied from None
        except ServiceError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, _("Transfer requested."))
            return redirect("transfer_detail", pk=transfer.pk)
    return form_page(request, form, _("Request a transfer"), reverse("transfer_list"))


@login_required
def shortfall_report(request):
    denied = _require(request, "view", ReserveStandard)
    if denied:
        return denied
    show_all = request.GET.get("all") == "1"
    rows = services.shortfalls(request.user, only_gaps=not show_all)
    return render(request, "resources/shortfalls.html", {"rows": rows, "show_all": show_all})


# --- shelters ---


@login_required
def shelter_list(request):
    reveal = policy.reveal_pii(request.user, Shelter)
    table = Table([_("Name"), _("Level"), _("Type"), _("Region"), _("Capacity"), _("Occupancy"), _("Status"),
                   _("Manager"), _("Phone")],
                  lambda s: (reverse("shelter_detail", args=[s.pk]), [
                      s.name, _badge(ShelterLevel, s.level), _badge(ShelterKind, s.kind), region_path(s.region_code),
                      s.capacity, s.occupancy, _badge(ShelterStatus, s.status), s.manager or "—",
                      _phone(s.phone, reveal)]))
    columns = [("name", _l("Name")), ("level", _l("Level")), ("kind", _l("Type")), ("space", _l("Space")),
               ("region_code", _l("Region code")), ("region_name", _l("Region")), ("area_m2", _l("Usable area (m²)")),
               ("area_per_person", _l("Area per person (m²)")), ("capacity", _l("Capacity (persons)")),
               ("facilities", _l("Facilities")), ("manager", _l("Manager")),
               _phone_column("phone", _l("Phone"), reveal), ("status", _l("Status")),
               ("occupancy", _l("Current occupancy")), ("address", _l("Address")), ("lat", _l("Latitude")),
               ("lon", _l("Longitude"))]
    return _registry_page(request, Shelter, ShelterFilterSet, title=_("Shelters"),
                          subtitle=_("Emergency shelters: capacity, facilities, status and occupancy."),
                          table=table, columns=columns, export_name="shelters",
                          extra={"import_url": reverse("resource_import", args=["shelters"]),
                                 "create_url": reverse("shelter_create"),
                                 "links": [(reverse("shelter_coverage_report"), _("Coverage"))]})


@login_required
def shelter_detail(request, pk: int):
    shelter = _get(request, Shelter, pk)
    reveal = _reveal(request, shelter, Shelter, {"phone": shelter.phone})
    fields = [(_("Level"), _badge(ShelterLevel, shelter.level)), (_("Type"), _badge(ShelterKind, shelter.kind)),
              (_("Space"), _badge(ShelterSpace, shelter.space)), (_("Region"), region_path(shelter.region_code)),
              (_("Usable area (m²)"), shelter.area_m2), (_("Area per person (m²)"), shelter.area_per_person),
              (_("Capacity (persons)"), shelter.capacity), (_("Capacity by the standard"), shelter.standard_capacity),
              (_("Facilities"), "、".join(Facility.label(f) for f in shelter.facilities)),
              (_("Manager"), shelter.manager), (_("Phone"), _phone(shelter.phone, reveal)),
              (_("Status"), _badge(ShelterStatus, shelter.status)), (_("Current occupancy"), shelter.occupancy),
              (_("Free capacity"), shelter.free_capacity), (_("Address"), shelter.address),
              (COORDINATES, _latlon(shelter))]
    can_operate = policy.can(request.user, "operate", Shelter)
    return render(request, "resources/shelter_detail.html", {
        "object": shelter, "shelter": shelter, "title": shelter.name, "kind_label": _("Shelter"),
        "list_url": reverse("shelter_list"), "list_label": _("Shelters"), "fields": fields,
        "events": shelter.events.select_related("actor")[:100],
        "status_form": forms.ShelterStatusForm(initial={"status": shelter.status,
                                                        "occupancy": shelter.occupancy}) if can_operate else None,
        "edit_url": reverse("shelter_edit", args=[pk]) if policy.can(request.user, "change", Shelter) else ""})


@login_required
@require_http_methods(["GET", "POST"])
def shelter_create(request):
    return _create_view(request, Shelter, forms.ShelterForm,
                        lambda data: create_object(request.user, Shelter, data),
                        title=_("New shelter"), cancel="shelter_list", detail="shelter_detail")


@login_required
@require_http_methods(["GET", "POST"])
def shelter_edit(request, pk: int):
    return _edit_view(request, Shelter, pk, forms.ShelterForm,
                      lambda s, data: update_object(request.user, s, data),
                      title=_("Edit shelter"), detail="shelter_detail")


@login_required
@require_POST
def shelter_status(request, pk: int):
    shelter = _get(request, Shelter, pk, "operate")
    form = forms.ShelterStatusForm(request.POST)
    if not form.is_valid():
        _form_messages(request, form)
        return redirect("shelter_detail", pk=pk)
    d = form.cleaned_data
    try:
        services.set_shelter_status(request.user, shelter, d["status"], d["occupancy"], d["note"])
    except ServiceError as exc:
        _service_messages(request, exc)
    else:
        messages.success(request, _("Shelter status recorded."))
    return redirect("shelter_detail", pk=pk)


@login_required
def shelter_coverage_report(request):
    denied = _require(request, "view", Shelter)
    if denied:
        return denied
    townships = services.shelter_coverage(request.user)
    villages = services.village_coverage(request.user)
    return render(request, "resources/coverage.html", {
        "townships": townships, "villages": villages,
        "township_gaps": [t for t in townships if not t["covered"]],
        "village_gaps": [v for v in villages if not v["covered"]],
    })


# --- imports ---

IMPORT_TITLES = {"teams": _l("Import rescue teams"), "experts": _l("Import experts"),
                 "equipment": _l("Import equipment"), "warehouses": _l("Import warehouses"),
                 "stock": _l("Import stock"), "shelters": _l("Import shelters")}
IMPORT_BACK = {"teams": "team_list", "experts": "expert_list", "equipment": "equipment_list",
               "warehouses": "warehouse_list", "stock": "stock_list", "shelters": "shelter_list"}


def _import_model(kind: str):
    from . import importing

    if kind not in importing.KINDS:
        raise Http404
    return importing.KINDS[kind][0]


@login_required
@require_http_methods(["GET", "POST"])
def resource_import(request, kind: str):
    from . import importing

    model = _import_model(kind)
    denied = _require(request, "add", model)
    if denied:
        return denied
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    row_errors, file_errors, checked = [], [], None
    status = 200
    if request.method == "POST" and form.is_valid():
        dry_run = form.cleaned_data["dry_run"]
        try:
            rows = importing.import_rows(request.user, kind, form.cleaned_data["file"], dry_run=dry_run)
        except importing.ImportFailed as exc:
            row_errors, status = exc.errors, 422
        except ServiceError as exc:
            file_errors, status = [e["message"] for e in exc.errors] or [exc.detail], exc.status
        else:
            if not dry_run:
                messages.success(request, _("Imported %(rows)s rows.") % {"rows": rows})
                return redirect(IMPORT_BACK[kind])
            checked = rows
    return render(request, "resources/import.html", {
        "form": form, "row_errors": row_errors, "file_errors": file_errors, "checked": checked,
        "title": IMPORT_TITLES[kind], "kind": kind, "back_url": reverse(IMPORT_BACK[kind]),
        "max_rows": importing.MAX_ROWS, "columns": importing.KINDS[kind][1]}, status=status)


@login_required
def resource_import_template(request, kind: str):
    from . import importing

    model = _import_model(kind)
    denied = _require(request, "add", model)
    if denied:
        return denied
    response = HttpResponse(importing.template_workbook(kind),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{kind}-import-template.xlsx"
    return response
