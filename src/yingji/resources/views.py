"""Pages of resources: the command map (一张图) and the JSON its layers load from, and the registry pages beyond
the declared surfaces (``surfaces.py``): activity records, stock receipts and movements, transfers, reports, imports.

The page carries no inline script or style (CSP): its settings travel in data-attributes, its data comes from
``map_layers`` (the user's scope, through ``policy``) and from the nearby API.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST

from yingji.core import geo, maps, policy
from yingji.core.errors import NotAllowed, ServiceError
from yingji.core.generic import form_page, get_for_page, require_page, save_form
from yingji.core.models import Region
from yingji.core.views import _require
from yingji.prevention.choices import RiskColour

from . import forms, services
from .choices import (
    Capability,
    EquipmentItem,
    EquipmentStatus,
    MovementKind,
    Readiness,
    ShelterKind,
    ShelterLevel,
    ShelterStatus,
    TeamKind,
    WarehouseLevel,
)
from .models import (
    Equipment,
    ReserveStandard,
    Shelter,
    Team,
    Transfer,
    Warehouse,
)

MAP_CENTRE_FALLBACK = (33.29, 113.52)


def _tile_settings() -> dict:
    """Base tiles are optional: ``YINGJI_MAP_TILE_URL`` (e.g. a 天地图 URL with its key) and an attribution."""
    url = getattr(settings, "YINGJI_MAP_TILE_URL", None) or ""
    return {"tile_url": url, "tile_attribution": getattr(settings, "YINGJI_MAP_TILE_ATTRIBUTION", None) or "",
            "annotation_url": getattr(settings, "YINGJI_MAP_ANNOTATION_URL", None) or "",
            "tile_subdomains": "01234567" if "tianditu" in url else "abc"}


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
                   ("incidents", _("Open incidents"))] + [
                      (name, label) for name, label in maps.labels() if name != "incidents"],
        "kind_labels": sorted(maps.kind_labels().items()),
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


def _boundaries(user) -> dict:
    features = []
    regions = Region.objects.for_user(user).exclude(boundary__isnull=True).exclude(level="village")
    for r in regions.only("id", "code", "name", "level", "boundary"):
        features.append({"type": "Feature", "geometry": r.boundary,
                         "properties": {"code": r.code, "name": r.name, "level": r.level}})
    return {"type": "FeatureCollection", "features": features}


def _base_map() -> dict:
    """The offline vector base (the real county and its neighbours, ``core.geo.base_map``): the same for every
    user, public geography; drawn under the jurisdictions so the map is never a void without tiles."""
    base = geo.base_map()
    return {"type": "FeatureCollection", "features": base["features"],
            "attribution": str(_("Boundaries: %(source)s") % {"source": base["source"].split(" (")[0]})}


@login_required
def map_layers(request):
    """Everything the command map draws, inside the user's scope."""
    denied = _require(request, "view", Team)
    if denied:
        return JsonResponse({"detail": _("You are not allowed to do this"), "errors": []}, status=403)
    user = request.user
    return JsonResponse({
        "base": _base_map(),
        "boundaries": _boundaries(user),
        "layers": {"teams": _teams(user), "warehouses": _warehouses(user), "shelters": _shelters(user),
                   "equipment": _equipment_holders(user), "enterprises": _enterprises(user),
                   **maps.layers(user)},
    })


# --- registry pages --------------------------------------------------------------------------------------------
#
# Lists, detail pages and create/edit forms are the declared surfaces of ``surfaces.py`` rendered by core's
# generic pages (routed in ``urls.py``). What follows are the pages a registry has beyond those: a team's activity
# record, a warehouse's receipts and movements, the transfer workflow, shelter status, reports and imports.


def _form_messages(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {errors[0]}" if label else errors[0])


def _service_messages(request, exc: ServiceError) -> None:
    for error in exc.errors or [{"message": exc.detail}]:
        messages.error(request, error["message"])


def _post_write(request, write, success) -> None:
    """Run a page's POST write, its refusal shown as messages (403 page when not allowed)."""
    try:
        write()
    except NotAllowed:
        raise PermissionDenied from None
    except ServiceError as exc:
        _service_messages(request, exc)
    else:
        messages.success(request, success)


@login_required
@require_POST
def team_activity_add(request, pk: int):
    team = get_for_page(request, Team, pk)
    form = forms.ActivityForm(request.POST)
    if not form.is_valid():
        _form_messages(request, form)
    else:
        _post_write(request, lambda: services.record_activity(request.user, team, form.service_data()),
                    _("Recorded."))
    return redirect("team_detail", pk=pk)


@login_required
@require_POST
def warehouse_receive(request, pk: int):
    warehouse = get_for_page(request, Warehouse, pk)
    form = forms.ReceiptForm(request.POST)
    if not form.is_valid():
        _form_messages(request, form)
        return redirect("warehouse_detail", pk=pk)
    d = form.cleaned_data
    _post_write(request, lambda: services.receive_stock(
        request.user, warehouse, d["item"], d["quantity"], batch_no=d["batch_no"], expires_on=d["expires_on"],
        inspect_on=d["inspect_on"], reason=d["reason"]), _("Stock received."))
    return redirect("warehouse_detail", pk=pk)


@login_required
@require_POST
def warehouse_move(request, pk: int):
    warehouse = get_for_page(request, Warehouse, pk)
    form = forms.MovementForm(request.POST, warehouse=warehouse)
    if not form.is_valid():
        _form_messages(request, form)
        return redirect("warehouse_detail", pk=pk)
    d = form.cleaned_data

    def write():
        if d["kind"] == MovementKind.COUNT:
            services.count_stock(request.user, d["batch"], d["quantity"], expected=d["batch"].quantity,
                                 reason=d["reason"])
        else:
            services.take_stock(request.user, d["batch"], d["quantity"], kind=d["kind"], reason=d["reason"])

    _post_write(request, write, _("Stock movement recorded."))
    return redirect("warehouse_detail", pk=pk)


@login_required
@require_POST
def transfer_act(request, pk: int, action: str):
    transfer = get_for_page(request, Transfer, pk)
    if request.POST.get("version") and request.POST["version"] != str(transfer.version):
        messages.error(request, _("The transfer changed meanwhile; check it and try again."))
        return redirect("transfer_detail", pk=pk)
    label = next((t.label for t in services.TRANSFER_WORKFLOW.transitions if t.action == action), action)
    _post_write(request, lambda: services.transition_transfer(
        request.user, transfer, action, {"note": request.POST.get("note", "")[:500]}),
        _("%(action)s: done.") % {"action": label})
    return redirect("transfer_detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def transfer_create(request):
    require_page(request, "add", Transfer)
    form = forms.TransferForm(request.POST or None, user=request.user)
    transfer = save_form(request, form, lambda d: services.request_transfer(
        request.user, source=d["source"], target=d["target"], item=d["item"], quantity=d["quantity"],
        reason=d["reason"]), success=_("Transfer requested."))
    if transfer is not None:
        return redirect("transfer_detail", pk=transfer.pk)
    return form_page(request, form, _("Request a transfer"), reverse("transfer_list"))


@login_required
def shortfall_report(request):
    require_page(request, "view", ReserveStandard)
    show_all = request.GET.get("all") == "1"
    rows = services.shortfalls(request.user, only_gaps=not show_all)
    return render(request, "resources/shortfalls.html", {"rows": rows, "show_all": show_all,
                                                         "chart": shortfall_chart(rows)})


#: Standards drawn in the shortfall chart (the largest gaps first).
SHORTFALL_CHART_ROWS = 15


def shortfall_chart(rows: list[dict]) -> dict | None:
    """Each short standard's requirement as 100 %: the share held (green) and the share missing (red), worst first
    (items have different units, so the chart compares shares; the table keeps the quantities)."""
    from yingji.core import charts as core_charts
    from yingji.core.regions import region_name

    short = [r for r in rows if r["required"] and r["gap"]]
    if not short:
        return None
    # worst at the top of the horizontal bars (ECharts draws the first category at the bottom)
    worst = sorted(short, key=lambda r: (-r["gap"] / r["required"], r["item"]))[:SHORTFALL_CHART_ROWS][::-1]
    labels = [f"{r['item']}（{r['warehouse'] or region_name(r['region_code'])}）" for r in worst]
    held = [round(100 * min(r["held"], r["required"]) / r["required"], 1) for r in worst]
    return core_charts.bar(labels, [core_charts.series(_("Held"), held, color="green", stack="share"),
                                    core_charts.series(_("Gap"), [round(100 - h, 1) for h in held], color="red",
                                                       stack="share")],
                           horizontal=True, unit="%", title=_("Share of each reserve standard held"))


# --- shelters ---


@login_required
@require_POST
def shelter_status(request, pk: int):
    shelter = get_for_page(request, Shelter, pk, "operate")
    form = forms.ShelterStatusForm(request.POST)
    if not form.is_valid():
        _form_messages(request, form)
        return redirect("shelter_detail", pk=pk)
    d = form.cleaned_data
    _post_write(request, lambda: services.set_shelter_status(request.user, shelter, d["status"], d["occupancy"],
                                                             d["note"]), _("Shelter status recorded."))
    return redirect("shelter_detail", pk=pk)


@login_required
def shelter_coverage_report(request):
    require_page(request, "view", Shelter)
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
    require_page(request, "add", model)
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
    require_page(request, "add", model)
    response = HttpResponse(importing.template_workbook(kind),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{kind}-import-template.xlsx"
    return response
