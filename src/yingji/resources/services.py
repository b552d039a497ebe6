"""Services of the resources app: the only writers of teams, experts, equipment, warehouses, stock, transfers,
standards and shelters (each write checked, validated, in one transaction, audited), and the reads other apps
use: ``nearby`` (nearest resources), ``equipment_summary``, ``shortfalls``, ``shelter_coverage``."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from yingji.core import audit, policy
from yingji.core.choices import AuditAction, RegionLevel, Role
from yingji.core.errors import Conflict, ValidationFailed
from yingji.core.models import Region
from yingji.core.services import create_object, update_object, validation_failed
from yingji.core.workflow import Transition, Workflow
from yingji.standards import gb2260

from . import geo
from .choices import (
    ActivityKind,
    EquipmentStatus,
    HolderKind,
    MovementKind,
    ShelterEventKind,
    ShelterStatus,
    TransferState,
)
from .models import (
    Equipment,
    Expert,
    ReserveStandard,
    Shelter,
    ShelterEvent,
    StockBatch,
    StockMovement,
    SupplyItem,
    Team,
    TeamActivity,
    TeamMember,
    Transfer,
    Warehouse,
)

# --- teams -----------------------------------------------------------------------------------------------------


def _members(team: Team, members: Iterable[Mapping[str, Any]]) -> list[TeamMember]:
    built, errors = [], {}
    for i, data in enumerate(members):
        member = TeamMember(team=team, **data)
        try:
            member.full_clean(exclude=["team"])
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[f"members.{i}.{field}"] = messages
        built.append(member)
    if errors:
        raise ValidationFailed.from_dict(errors)
    return built


def _set_members(actor, team: Team, members: list[Mapping[str, Any]]) -> None:
    built = _members(team, members)
    before = [m.name for m in team.members.all()]
    team.members.all().delete()
    TeamMember.objects.bulk_create(built)
    audit.record(AuditAction.UPDATE, team, actor=actor, before={"members": before},
                 after={"members": [m.name for m in built]}, message="members replaced")


def create_team(actor, data: Mapping[str, Any], members: list[Mapping[str, Any]] | None = None) -> Team:
    data = dict(data)
    if members is not None:
        _members(Team(), members)  # validate before anything is written
        data.setdefault("headcount", len(members))
    with transaction.atomic():
        team = create_object(actor, Team, data)
        if members is not None:
            _set_members(actor, team, members)
    return team


def update_team(actor, team: Team, data: Mapping[str, Any], members: list[Mapping[str, Any]] | None = None) -> Team:
    data = dict(data)
    if members is not None:
        _members(team, members)
        data.setdefault("headcount", len(members))
    with transaction.atomic():
        team = update_object(actor, team, data)
        if members is not None:
            _set_members(actor, team, members)
    return team


def record_activity(actor, team: Team, data: Mapping[str, Any]) -> TeamActivity:
    """Add a deployment to a team's history (the team must be in the actor's scope, the incident too). Drills are
    recorded once per drill in the drill register (preparedness), which lists them on the team's page through
    ``history``; a team activity row of kind "drill" is no longer written."""
    data = dict(data)
    policy.require(actor, "add", TeamActivity)
    if data.get("kind") == ActivityKind.DRILL:
        raise ValidationFailed.from_dict({"kind": [gettext("Record drills in the drill register, once per drill")]})
    team = policy.get_in_scope_or_field_error(Team, team, actor, "team_id")
    incident = data.pop("incident", None)
    incident_id = data.pop("incident_id", None) or (incident.pk if incident is not None else None)
    if incident_id is not None:
        # The incidents app lies above resources: its model is reached through the relation, not imported.
        incident_model = TeamActivity._meta.get_field("incident").related_model
        incident_id = policy.get_in_scope_or_field_error(incident_model, incident_id, actor, "incident_id").pk
    return create_object(actor, TeamActivity, {**data, "team": team, "incident_id": incident_id,
                                               "region_code": team.region_code})


# --- equipment -------------------------------------------------------------------------------------------------


def _equipment_data(actor, data: dict, current: Equipment | None = None) -> dict:
    """Place equipment at its holder: a team's or warehouse's region, and its point unless one is given."""
    kind = data.get("holder_kind", current.holder_kind if current else None)
    holder = None
    if current is None and kind in (HolderKind.TEAM, HolderKind.WAREHOUSE) and not data.get(f"{kind}_id"):
        raise ValidationFailed.from_dict({f"{kind}_id": [f"Name the {kind} holding the equipment"]})
    if kind == HolderKind.TEAM and data.get("team_id"):
        holder = policy.get_in_scope_or_field_error(Team, data["team_id"], actor, "team_id")
    elif kind == HolderKind.WAREHOUSE and data.get("warehouse_id"):
        holder = policy.get_in_scope_or_field_error(Warehouse, data["warehouse_id"], actor, "warehouse_id")
    if holder is not None:
        data["region_code"] = holder.region_code
        data.setdefault("holder_name", holder.name)
        if data.get("lat") is None and data.get("lon") is None:
            data["lat"], data["lon"] = holder.lat, holder.lon
    return data


def create_equipment(actor, data: Mapping[str, Any]) -> Equipment:
    return create_object(actor, Equipment, _equipment_data(actor, dict(data)))


def update_equipment(actor, equipment: Equipment, data: Mapping[str, Any]) -> Equipment:
    return update_object(actor, equipment, _equipment_data(actor, dict(data), equipment))


def equipment_summary(user, region_code: str | None = None) -> list[dict]:
    """Pieces of each item in service across the user's scope (not scrapped), in one grouped query."""
    qs = Equipment.objects.for_user(user).exclude(status=EquipmentStatus.SCRAPPED)
    if region_code:
        qs = qs.filter(region_code__startswith=gb2260.prefix(region_code))
    rows = qs.values("item").annotate(total=Sum("count"), lines=models.Count("id")).order_by("item")
    return [{"item": r["item"], "count": r["total"] or 0, "lines": r["lines"]} for r in rows]


# --- stock -----------------------------------------------------------------------------------------------------


def _movement(actor, batch_id: int, kind: str, change: int, reason: str = "", transfer=None) -> StockMovement:
    batch = StockBatch.objects.select_related("warehouse", "item").get(pk=batch_id)
    movement = StockMovement.objects.create(batch=batch, kind=kind, change=change, balance_after=batch.quantity,
                                            transfer=transfer, reason=reason[:500], actor=actor,
                                            region_code=batch.region_code)
    audit.record(AuditAction.UPDATE, batch, actor=actor, before={"quantity": batch.quantity - change},
                 after={"quantity": batch.quantity}, message=f"{kind} {change:+d} {reason}"[:500])
    return movement


def _positive(quantity: int, field: str = "quantity") -> None:
    if not isinstance(quantity, int) or quantity <= 0:
        raise ValidationFailed.from_dict({field: ["Give a whole number greater than zero"]})


MAX_QUANTITY = 2**31 - 1


def receive_stock(actor, warehouse: Warehouse, item: SupplyItem, quantity: int, *, batch_no: str,
                  expires_on: datetime.date | None = None, inspect_on: datetime.date | None = None,
                  reason: str = "") -> StockMovement:
    """入库: add ``quantity`` to the warehouse's batch ``batch_no`` of the item (created when new)."""
    policy.require(actor, "move", StockBatch)
    policy.require_region_in_scope(actor, warehouse.region_code, "warehouse_id")
    _positive(quantity)
    if not batch_no or len(batch_no) > 50:
        raise ValidationFailed.from_dict({"batch_no": [gettext("Give a batch number of up to 50 characters")]})
    with transaction.atomic():
        batch, created = StockBatch.objects.get_or_create(
            warehouse=warehouse, item=item, batch_no=batch_no,
            defaults={"expires_on": expires_on, "inspect_on": inspect_on, "region_code": warehouse.region_code})
        if not created and expires_on and batch.expires_on and expires_on != batch.expires_on:
            raise ValidationFailed.from_dict({"expires_on": [gettext("This batch already has another expiry date")]})
        # The sum must stay within the column's range (a 32-bit integer on PostgreSQL).
        rows = StockBatch.objects.filter(pk=batch.pk, quantity__lte=MAX_QUANTITY - quantity).update(
            quantity=F("quantity") + quantity)
        if rows == 0:
            raise ValidationFailed.from_dict(
                {"quantity": [f"The batch would exceed the largest quantity ({MAX_QUANTITY}); use a new batch"]})
        return _movement(actor, batch.pk, MovementKind.RECEIPT, quantity, reason)


def take_stock(actor, batch: StockBatch, quantity: int, *, kind: str = MovementKind.ISSUE, reason: str = "",
               transfer: Transfer | None = None) -> StockMovement:
    """出库 / 报损 / 调出: take ``quantity`` from a batch. One conditional UPDATE (``quantity >= n``): of two
    simultaneous takes of the last units exactly one succeeds; the other gets a 409 and nothing changes."""
    if kind not in (MovementKind.ISSUE, MovementKind.LOSS, MovementKind.TRANSFER_OUT):
        raise ValidationFailed.from_dict({"kind": [gettext("Stock is taken by an issue, a write-off or a transfer")]})
    policy.require(actor, "move", StockBatch)
    policy.require_region_in_scope(actor, batch.region_code, "batch")
    _positive(quantity)
    with transaction.atomic():
        rows = StockBatch.objects.filter(pk=batch.pk, quantity__gte=quantity).update(
            quantity=F("quantity") - quantity)
        if rows == 0:
            left = StockBatch.objects.filter(pk=batch.pk).values_list("quantity", flat=True).first()
            raise Conflict(f"Not enough stock: {left} left in batch {batch.batch_no}, {quantity} asked",
                           [{"field": "quantity", "message": f"at most {left}"}])
        return _movement(actor, batch.pk, kind, -quantity, reason, transfer)


def count_stock(actor, batch: StockBatch, counted: int, *, expected: int, reason: str = "") -> StockMovement:
    """盘点: set a batch to the counted quantity, provided it still holds ``expected`` (what the counter saw);
    otherwise someone moved stock meanwhile (409)."""
    policy.require(actor, "move", StockBatch)
    policy.require_region_in_scope(actor, batch.region_code, "batch")
    if not isinstance(counted, int) or counted < 0:
        raise ValidationFailed.from_dict({"counted": [gettext("Give a whole number, zero or more")]})
    with transaction.atomic():
        rows = StockBatch.objects.filter(pk=batch.pk, quantity=expected).update(quantity=counted)
        if rows == 0:
            raise Conflict(gettext("The batch changed since it was counted; count again"),
                           [{"field": "expected", "message": "stock moved meanwhile"}])
        return _movement(actor, batch.pk, MovementKind.COUNT, counted - expected, reason)


def available(warehouse: Warehouse, item: SupplyItem) -> int:
    return StockBatch.objects.filter(warehouse=warehouse, item=item).aggregate(n=Sum("quantity"))["n"] or 0


# --- transfers -------------------------------------------------------------------------------------------------

TRANSFER_ROLES = frozenset({Role.ADMIN, Role.SECTION_STAFF, Role.TOWNSHIP_STAFF})
APPROVER_ROLES = frozenset({Role.ADMIN, Role.SECTION_STAFF, Role.COMMANDER})


def _in_region(code_attr: str):
    def allowed(obj, actor) -> bool:
        code = getattr(obj, code_attr)
        return bool(actor.scope_region_code) and code.startswith(actor.scope_prefix)

    return allowed


def _check_available(transfer: Transfer, actor, payload) -> None:
    held = available(transfer.source, transfer.item)
    if held < transfer.quantity:
        if not policy.in_scope(actor, transfer.source):
            # Never the name or the stock of a warehouse the actor cannot see.
            raise ValidationFailed.from_dict({"quantity": [_("The source warehouse does not hold that much")]})
        raise ValidationFailed.from_dict({"quantity": [
            f"{transfer.source} holds {held} of {transfer.item}, {transfer.quantity} are asked"]})


def _dispatch(transfer: Transfer, actor, payload) -> dict:
    """Take the quantity from the source's batches, earliest expiry first; all or nothing."""
    _check_available(transfer, actor, payload)
    left = transfer.quantity
    batches = (StockBatch.objects.filter(warehouse=transfer.source, item=transfer.item, quantity__gt=0)
               .order_by(F("expires_on").asc(nulls_last=True), "id"))
    for batch in batches:
        if left == 0:
            break
        take = min(left, batch.quantity)
        take_stock(actor, batch, take, kind=MovementKind.TRANSFER_OUT, transfer=transfer,
                   reason=f"transfer {transfer.pk}")
        left -= take
    if left:
        raise Conflict(gettext("Stock was issued meanwhile; the transfer cannot be dispatched in full"))
    return {"dispatched_at": timezone.now()}


def _receive(transfer: Transfer, actor, payload) -> dict:
    """Book into the target what left the source, batch by batch (keeping batch numbers and expiry)."""
    outs = transfer.movements.filter(kind=MovementKind.TRANSFER_OUT).select_related("batch")
    sent = -sum(m.change for m in outs)
    if sent != transfer.quantity:
        raise Conflict(f"{sent} were dispatched but {transfer.quantity} are recorded on the transfer")
    for out in outs:
        batch, _created = StockBatch.objects.get_or_create(
            warehouse=transfer.target, item=transfer.item, batch_no=out.batch.batch_no,
            defaults={"expires_on": out.batch.expires_on, "inspect_on": out.batch.inspect_on,
                      "region_code": transfer.target.region_code})
        StockBatch.objects.filter(pk=batch.pk).update(quantity=F("quantity") - out.change)
        _movement(actor, batch.pk, MovementKind.TRANSFER_IN, -out.change, f"transfer {transfer.pk}", transfer)
    return {"received_at": timezone.now()}


TRANSFER_WORKFLOW = Workflow(Transfer, [
    Transition("approve", (TransferState.REQUESTED,), TransferState.APPROVED, APPROVER_ROLES,
               label=gettext_lazy("Approve"), check=_check_available, allowed=_in_region("region_code")),
    Transition("reject", (TransferState.REQUESTED,), TransferState.REJECTED, APPROVER_ROLES,
               label=gettext_lazy("Reject"), allowed=_in_region("region_code")),
    Transition("cancel", (TransferState.REQUESTED, TransferState.APPROVED), TransferState.CANCELLED,
               TRANSFER_ROLES, label=gettext_lazy("Cancel"), allowed=_in_region("region_code")),
    Transition("dispatch", (TransferState.APPROVED,), TransferState.DISPATCHED, TRANSFER_ROLES,
               label=gettext_lazy("Dispatch"), check=_dispatch, allowed=_in_region("region_code")),
    Transition("receive", (TransferState.DISPATCHED,), TransferState.RECEIVED, TRANSFER_ROLES,
               label=gettext_lazy("Confirm receipt"), check=_receive, allowed=_in_region("target_region_code")),
])


def request_transfer(actor, *, source: Warehouse | int, target: Warehouse | int, item: SupplyItem | int,
                     quantity: int, reason: str = "") -> Transfer:
    """Request ``quantity`` of ``item`` from ``source`` to ``target`` (objects or ids; pages and API alike)."""
    policy.require(actor, "add", Transfer)
    _positive(quantity)
    # Both ends lie in the requester's jurisdiction (a transfer across jurisdictions is requested by the level
    # above, whose scope holds both): a warehouse outside it answers exactly like an unknown one, and nothing of
    # it (name, stock) reaches the requester.
    source = policy.get_in_scope_or_field_error(Warehouse, source, actor, "source_id")
    target = policy.get_in_scope_or_field_error(Warehouse, target, actor, "target_id")
    item = policy.get_in_scope_or_field_error(SupplyItem, item, actor, "item_id")
    transfer = Transfer(source=source, target=target, item=item, quantity=quantity, reason=reason,
                        requested_by=actor)
    try:
        transfer.full_clean(exclude=["requested_by", "region_code", "target_region_code"])
    except ValidationError as exc:
        raise validation_failed(exc) from None
    _check_available(transfer, actor, {})
    with transaction.atomic():
        transfer.save()
        audit.record_change(AuditAction.CREATE, transfer, None, audit.snapshot(transfer), actor=actor)
    return transfer


def transition_transfer(actor, transfer: Transfer, action: str, payload: Mapping[str, Any] | None = None):
    """Apply a workflow action; stock moves and the state change commit together or not at all."""
    with transaction.atomic():
        return TRANSFER_WORKFLOW.apply(actor, transfer, action, payload)


# --- reserve standards -----------------------------------------------------------------------------------------


def create_standard(actor, data: Mapping[str, Any]) -> ReserveStandard:
    data = dict(data)
    policy.require(actor, "add", ReserveStandard)
    if data.get("warehouse_id"):
        warehouse = policy.get_in_scope_or_field_error(Warehouse, data["warehouse_id"], actor, "warehouse_id")
        data.setdefault("region_code", warehouse.region_code)
        same = ReserveStandard.objects.filter(item_id=data.get("item_id"), warehouse=warehouse)
    else:
        policy.require_region_in_scope(actor, str(data.get("region_code") or ""))
        same = ReserveStandard.objects.filter(item_id=data.get("item_id"), warehouse__isnull=True,
                                              region_code=data.get("region_code"))
    if same.exists():
        # Only reached for a warehouse or region in the actor's scope, so this tells nothing about what the actor
        # cannot see. The database constraint catches a concurrent twin (409 as well).
        message = _("A reserve standard for this item exists already; change its quantity instead")
        raise Conflict(message, [{"field": "item_id", "message": message}])
    return create_object(actor, ReserveStandard, data)


def shortfalls(user, only_gaps: bool = True) -> list[dict]:
    """Each reserve standard in scope with the stock held (unexpired) and the gap."""
    today = timezone.localdate()
    standards = list(ReserveStandard.objects.for_user(user).select_related("item", "warehouse"))
    stock = (StockBatch.objects.filter(item_id__in={s.item_id for s in standards})
             .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
             .values("warehouse_id", "region_code", "item_id").annotate(n=Sum("quantity")))
    by_warehouse, by_region = defaultdict(int), defaultdict(int)
    for row in stock:
        by_warehouse[(row["warehouse_id"], row["item_id"])] += row["n"] or 0
        by_region[(row["region_code"], row["item_id"])] += row["n"] or 0
    result = []
    for s in standards:
        if s.warehouse_id:
            held = by_warehouse[(s.warehouse_id, s.item_id)]
        else:
            held = sum(n for (code, item), n in by_region.items() if item == s.item_id
                       and code.startswith(s.region_code))
        gap = max(0, s.required_quantity - held)
        if gap or not only_gaps:
            result.append({"standard_id": s.pk, "item_id": s.item_id, "item": str(s.item), "unit": s.item.unit,
                           "warehouse_id": s.warehouse_id, "warehouse": s.warehouse.name if s.warehouse else None,
                           "region_code": s.region_code, "required": s.required_quantity, "held": held,
                           "gap": gap})
    return result


def expiring_batches(within_days: int = 30):
    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=within_days)
    return StockBatch.objects.filter(quantity__gt=0).filter(
        Q(expires_on__lte=horizon) | Q(inspect_on__lte=horizon)).select_related("warehouse", "item")


def remind_expiry(within_days: int = 30) -> int:
    """Notify each warehouse's jurisdiction staff of batches expiring or due for inspection (idempotent)."""
    from yingji.core.models import User
    from yingji.core.notifications import notify

    sent = 0
    for batch in expiring_batches(within_days):
        staff = User.objects.filter(is_active=True, roles__role__in=[Role.SECTION_STAFF, Role.TOWNSHIP_STAFF]) \
            .filter(scope_region_code__isnull=False).exclude(scope_region_code="")
        recipients = [u for u in staff.distinct() if batch.region_code.startswith(u.scope_prefix)]
        due = min(d for d in (batch.expires_on, batch.inspect_on) if d)
        with translation.override(settings.LANGUAGE_CODE):  # a job has no request language: the county's own
            subject = gettext("%(item)s (batch %(batch)s) at %(warehouse)s: due %(due)s") % {
                "item": batch.item, "batch": batch.batch_no, "warehouse": batch.warehouse, "due": due}
        sent += len(notify(recipients, subject,
                           obj=batch, dedupe_key=f"stock-due:{batch.pk}:{due.isoformat()}"))
    return sent


# --- shelters --------------------------------------------------------------------------------------------------


def set_shelter_status(actor, shelter: Shelter, status: str, occupancy: int | None = None, note: str = "") -> Shelter:
    """Open, fill, close a shelter or update its occupancy; every change is recorded as a shelter event."""
    policy.require(actor, "operate", Shelter)
    if status not in ShelterStatus.values():
        raise ValidationFailed.from_dict({"status": [f"Use one of: {', '.join(ShelterStatus.values())}"]})
    with transaction.atomic():
        locked = Shelter.objects.select_for_update().get(pk=shelter.pk)
        occupancy = locked.occupancy if occupancy is None else occupancy
        if status in (ShelterStatus.STANDBY, ShelterStatus.CLOSED):
            occupancy = 0 if occupancy is None else occupancy
            if occupancy:
                raise ValidationFailed.from_dict(
                    {"occupancy": [gettext("A shelter on standby or closed holds nobody")]})
        if occupancy < 0 or occupancy > locked.capacity:
            raise ValidationFailed.from_dict({"occupancy": [f"Between 0 and the capacity {locked.capacity}"]})
        if status == ShelterStatus.OPEN and occupancy == locked.capacity:
            status = ShelterStatus.FULL
        before = {"status": locked.status, "occupancy": locked.occupancy}
        ShelterEvent.objects.create(
            shelter=locked, kind=ShelterEventKind.STATUS if status != locked.status else ShelterEventKind.OCCUPANCY,
            status_before=locked.status, status_after=status, occupancy=occupancy, note=note[:500], actor=actor)
        locked.status, locked.occupancy = status, occupancy
        locked.save(update_fields=["status", "occupancy"])
        audit.record(AuditAction.UPDATE, locked, actor=actor, before=before,
                     after={"status": status, "occupancy": occupancy}, message=note[:500])
    return locked


def flood_risk_village_codes(user) -> set[str]:
    """Villages in scope that are flood-risk: those with an active flood-control responsible person (防汛责任人)
    in the warnings registry (read only), plus any listed in ``settings.YINGJI_FLOOD_RISK_VILLAGES``."""
    from django.conf import settings

    from yingji.warnings.models import ResponsiblePerson

    villages = Region.objects.for_user(user).filter(level=RegionLevel.VILLAGE)
    flagged = set(ResponsiblePerson.objects.filter(kind="flood", is_active=True)
                  .values_list("region_code", flat=True))
    flagged |= set(getattr(settings, "YINGJI_FLOOD_RISK_VILLAGES", ()) or ())
    return set(villages.filter(code__in=flagged).values_list("code", flat=True))


def village_coverage(user) -> list[dict]:
    """Each flood-risk village in scope with the shelters inside it (the seed asks every one to have one)."""
    codes = flood_risk_village_codes(user)
    rows = (Shelter.objects.for_user(user).filter(region_code__in=codes).values("region_code")
            .annotate(n=models.Count("id"), capacity=Sum("capacity")))
    totals = {r["region_code"]: (r["n"], r["capacity"] or 0) for r in rows}
    return [{"region_code": v.code, "name": v.name, "shelters": totals.get(v.code, (0, 0))[0],
             "capacity": totals.get(v.code, (0, 0))[1], "covered": v.code in totals}
            for v in Region.objects.filter(code__in=codes).order_by("code")]


def shelter_coverage(user) -> list[dict]:
    """Each township in scope with its shelters and total capacity (the seed asks every township to have one)."""
    townships = Region.objects.for_user(user).filter(level=RegionLevel.TOWNSHIP)
    rows = (Shelter.objects.for_user(user).values("region_code")
            .annotate(n=models.Count("id"), capacity=Sum("capacity")))
    totals = defaultdict(lambda: [0, 0])
    for r in rows:
        totals[r["region_code"][:9]][0] += r["n"]
        totals[r["region_code"][:9]][1] += r["capacity"] or 0
    return [{"region_code": t.code, "name": t.name, "shelters": totals[t.code][0],
             "capacity": totals[t.code][1], "covered": totals[t.code][0] > 0} for t in townships]


# --- nearby ----------------------------------------------------------------------------------------------------

KINDS = ("team", "expert", "warehouse", "shelter", "equipment")
MAX_LIMIT = 100


def _box_q(box: geo.Box) -> Q:
    lon_q = Q()
    for lo, hi in box.lon_ranges:
        lon_q |= Q(lon__gte=lo, lon__lte=hi)
    return Q(lat__gte=box.lat_min, lat__lte=box.lat_max) & lon_q


def _supply_item(item: str | None) -> SupplyItem:
    found = None
    if item:
        found = SupplyItem.objects.filter(Q(code=item) | Q(name=item) | (Q(pk=int(item)) if item.isdigit()
                                                                           else Q(pk__in=[]))).first()
    if found is None:
        raise ValidationFailed.from_dict({"item": [gettext("Name a supply item (id, code or name) for warehouses")]})
    return found


def nearby_queryset(user, kind: str, *, capability: str | None = None, item: str | None = None,
                    min_quantity: int | None = None, stocked: bool = False):
    """The in-scope, located candidates of one kind, with what matches annotated as ``match_value``; ``stocked``:
    only warehouses holding some stock."""
    if kind not in KINDS:
        raise ValidationFailed.from_dict({"kind": [f"Use one of: {', '.join(KINDS)}"]})
    model = {"team": Team, "expert": Expert, "warehouse": Warehouse, "shelter": Shelter,
             "equipment": Equipment}[kind]
    qs = model.objects.for_user(user).filter(lat__isnull=False, lon__isnull=False)
    need = min_quantity or 0
    if kind == "team":
        if capability:
            qs = qs.filter(capabilities__icontains=f'"{capability}"')
        qs = qs.annotate(match_value=F("headcount"))
    elif kind == "expert":
        qs = qs.filter(available=True)
        if capability:
            qs = qs.filter(field=capability)
        qs = qs.annotate(match_value=models.Value(1))
    elif kind == "warehouse":
        if item:
            supply = _supply_item(item)
            today = timezone.localdate()
            qs = qs.annotate(match_value=Sum("batches__quantity", filter=Q(batches__item=supply) & (
                Q(batches__expires_on__isnull=True) | Q(batches__expires_on__gte=today))))
            qs = qs.filter(match_value__gte=max(need, 1))
        else:
            qs = qs.annotate(match_value=models.Value(None, output_field=models.IntegerField()))
        if stocked:
            qs = qs.filter(Exists(StockBatch.objects.filter(warehouse=OuterRef("pk"), quantity__gt=0)))
    elif kind == "shelter":
        qs = qs.filter(status__in=[ShelterStatus.STANDBY, ShelterStatus.OPEN]).annotate(
            match_value=F("capacity") - F("occupancy")).filter(match_value__gte=max(need, 1))
    else:
        qs = qs.exclude(status=EquipmentStatus.SCRAPPED)
        if item:
            qs = qs.filter(item=item)
        qs = qs.filter(count__gte=max(need, 1)).annotate(match_value=F("count"))
    return qs


def _match(kind: str, obj, value, item: str | None, capability: str | None) -> dict:
    if kind == "team":
        return {"capabilities": obj.capabilities, "headcount": obj.headcount, "readiness": obj.readiness}
    if kind == "expert":
        return {"field": obj.field, "title": obj.title, "unit": obj.unit}
    if kind == "warehouse":
        return {"item": item, "quantity_available": value} if item else {"level": obj.level}
    if kind == "shelter":
        return {"free_capacity": value, "capacity": obj.capacity, "status": obj.status}
    return {"item": obj.item, "count": obj.count, "holder": obj.holder_name, "status": obj.status}


def nearby(user, lat: float, lon: float, kind: str, limit: int = 10, *, capability: str | None = None,
           item: str | None = None, min_quantity: int | None = None, radius_km: float | None = None,
           stocked: bool = False) -> list[dict]:
    """The ``limit`` in-scope resources of ``kind`` nearest to (lat, lon), with their exact great-circle
    ``distance_m`` and what matches (capability, item and quantity available, free shelter capacity).

    Exact: a bounding-box prefilter on the indexed lat/lon columns grows until ``limit`` candidates certainly
    are the nearest (see ``geo.nearest``); distances are computed in Python.
    """
    errors = {}
    if not -90 <= lat <= 90:
        errors["lat"] = ["Between -90 and 90"]
    if not -180 <= lon <= 180:
        errors["lon"] = ["Between -180 and 180"]
    if not 1 <= limit <= MAX_LIMIT:
        errors["limit"] = [f"Between 1 and {MAX_LIMIT}"]
    if radius_km is not None and radius_km <= 0:
        errors["radius_km"] = ["Greater than zero"]
    if errors:
        raise ValidationFailed.from_dict(errors)
    qs = nearby_queryset(user, kind, capability=capability, item=item, min_quantity=min_quantity, stocked=stocked)

    def fetch(box: geo.Box):
        return qs.filter(_box_q(box)).order_by().values_list("pk", "lat", "lon")

    hits = geo.nearest(fetch, float(lat), float(lon), limit, radius_km, count=qs.order_by().count)
    objects = qs.in_bulk([row[0] for _d, row in hits])
    result = []
    for distance_km, row in hits:
        obj = objects.get(row[0])
        if obj is None:
            continue  # removed between the two queries
        result.append({"kind": kind, "id": obj.pk, "name": str(obj), "region_code": obj.region_code,
                       "lat": float(obj.lat), "lon": float(obj.lon), "address": obj.address,
                       "distance_m": round(distance_km * 1000, 1),
                       "match": _match(kind, obj, obj.match_value, item, capability)})
    return result



# --- recommendations for an incident -------------------------------------------------------------------------

#: Incident types of ``standards/data/event_types.json`` (突发事件 classification) and the team capability that
#: answers each; a public-health event falls back to medical rescue by its category.
INCIDENT_CAPABILITIES = {
    "flood_drought": "flood", "meteorological": "flood", "earthquake": "earthquake", "geological": "geological",
    "forest_grassland_fire": "forest_fire", "industrial_commercial_accident": "hazchem",
    "traffic_accident": "traffic", "public_facility_accident": "building_collapse",
    "nuclear_radiation_accident": "hazchem", "environmental_pollution": "hazchem", "public_health": "medical",
}


def capability_for(event_type: str, category: str = "") -> str | None:
    """The team capability matching an incident's type, else its category, if any."""
    from .choices import Capability

    for key in (event_type, category):
        if key in Capability.values():
            return key
        if key in INCIDENT_CAPABILITIES:
            return INCIDENT_CAPABILITIES[key]
    return None


def recommend_for_incident(user, incident, limit: int = 5) -> dict:
    """Teams whose capability matches the incident's type, warehouses with stock and free shelters, nearest to
    the incident first (through ``nearby``, so only the user's scope); empty when the incident has no point."""
    from .choices import Capability

    result = {"capability": None, "capability_label": "", "teams": [], "warehouses": [], "shelters": [],
              "located": False, "allowed": policy.can(user, "view", Team)}
    if incident.lat is None or incident.lon is None or not result["allowed"]:
        return result
    lat, lon = float(incident.lat), float(incident.lon)
    capability = capability_for(getattr(incident, "event_type", ""), getattr(incident, "category", ""))
    result.update(located=True, capability=capability,
                  capability_label=Capability.label(capability) if capability else "")
    result["teams"] = nearby(user, lat, lon, "team", limit, capability=capability)
    if capability and not result["teams"]:
        result["teams"] = nearby(user, lat, lon, "team", limit)
    if policy.can(user, "view", Warehouse):
        # The nearest warehouses holding stock: asked of the search itself (asking for the nearest hundred and
        # keeping the stocked ones grew the search box to the whole sphere, a query per widening).
        result["warehouses"] = nearby(user, lat, lon, "warehouse", limit, stocked=True)
        held = (StockBatch.objects.filter(warehouse_id__in=[h["id"] for h in result["warehouses"]], quantity__gt=0)
                .values("warehouse_id", "item__name", "item__unit").annotate(n=Sum("quantity"))
                .order_by("warehouse_id", "-n"))
        items = defaultdict(list)
        for row in held:
            items[row["warehouse_id"]].append(f"{row['item__name']} {row['n']}{row['item__unit']}")
        for h in result["warehouses"]:
            h["supplies"] = items[h["id"]][:4]
    if policy.can(user, "view", Shelter):
        result["shelters"] = nearby(user, lat, lon, "shelter", limit)
    return result


# How this module's audit messages read on pages.
audit.message_pattern(r"members replaced", gettext_lazy("Members replaced"))


def _movement_message(kind: str, change: str, reason: str) -> str:
    transfer = re.fullmatch(r"transfer (\d+)", reason)
    if transfer:
        reason = gettext("transfer no. %(id)s") % {"id": transfer.group(1)}
    label = MovementKind.label(kind) if kind in MovementKind.values() else kind
    return f"{label} {change} {reason}".strip()


audit.message_pattern(r"(?P<kind>[a-z_]+) (?P<change>[+-]\d+) ?(?P<reason>.*)", _movement_message)


# --- zones (flood-season transfers move people into shelters) ------------------------------------------------------


def shift_shelter_occupancy(actor, shelter_id: int, delta: int, note: str = "") -> Shelter:
    """Add ``delta`` people to a shelter's occupancy (negative: people left), as part of the caller's transaction.

    The caller (a transfer confirmation) has checked its own permission: a village confirmer moves people into a
    shelter without the right to run it. A standby shelter opens when people arrive; it is full at capacity.
    More people than the free places raise ``Conflict`` so the confirmation rolls back whole."""
    with transaction.atomic():
        locked = Shelter.objects.select_for_update().get(pk=shelter_id)
        occupancy = locked.occupancy + delta
        if occupancy < 0 or occupancy > locked.capacity:
            raise Conflict(gettext("%(name)s has %(free)s free places") % {
                "name": locked.name, "free": locked.capacity - locked.occupancy})
        status = locked.status
        if occupancy and status in (ShelterStatus.STANDBY, ShelterStatus.CLOSED):
            status = ShelterStatus.OPEN
        if status in (ShelterStatus.OPEN, ShelterStatus.FULL):
            status = ShelterStatus.FULL if occupancy == locked.capacity else ShelterStatus.OPEN
        before = {"status": locked.status, "occupancy": locked.occupancy}
        ShelterEvent.objects.create(
            shelter=locked, kind=ShelterEventKind.STATUS if status != locked.status else ShelterEventKind.OCCUPANCY,
            status_before=locked.status, status_after=status, occupancy=occupancy, note=note[:500], actor=actor)
        locked.status, locked.occupancy = status, occupancy
        locked.save(update_fields=["status", "occupancy"])
        audit.record(AuditAction.UPDATE, locked, actor=actor, before=before,
                     after={"status": status, "occupancy": occupancy}, message=note[:500])
    return locked


def shelters_by_region(user):
    """Shelters in scope with what the coverage check reads (level, place, standardisation, video)."""
    return Shelter.objects.for_user(user).only("id", "name", "level", "region_code", "capacity", "occupancy",
                                               "standardised_on", "video_url")
