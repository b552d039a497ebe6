"""Danger zones and transfers (防汛: 危险区、转移): the writes of zones and households (with the household import),
the transfer lists a published warning generates, the per-household confirmation by village staff (compare-and-swap:
two confirmers never count a household twice), the live roll-up of people moved (紧急转移安置人数) by township and the
shelter coverage check (三个全覆盖)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext

from yingji.core import audit, imports, policy
from yingji.core.choices import AuditAction, RegionLevel
from yingji.core.errors import Conflict, NotFound, ValidationFailed
from yingji.core.models import Region
from yingji.core.services import create_object, update_object
from yingji.resources import services as resource_services
from yingji.resources.models import Shelter
from yingji.standards import gb2260

from ..models.zones import DangerZone, Household, Transfer, TransferHousehold
from ..zone_choices import ZONE_EVENT_TYPES, HouseholdState, TransferState

# --- zones and households ----------------------------------------------------------------------------------------


def _shelter(actor, value, village: str):
    """The destination shelter: one in the actor's scope, or one registered at the village's township or county
    (a village's people go to the township's shelter)."""
    return policy.get_in_scope_or_field_error(Shelter, value, actor, "shelter",
                                              widen=Q(region_code__in=policy.region_ancestors(village)))


def _zone_fields(actor, data: Mapping[str, Any], zone: DangerZone | None = None) -> dict:
    data = dict(data)
    village = data.get("region_code") or (zone.region_code if zone else "")
    if "region_code" in data and not Region.objects.filter(code=village, level=RegionLevel.VILLAGE).exists():
        raise ValidationFailed.from_dict({"region_code": [gettext("Choose a village of the county.")]})
    for key in ("shelter", "shelter_id"):
        if key in data:
            value = data.pop(key)
            data["shelter"] = _shelter(actor, value, village) if value not in (None, "") else None
    return data


def create_zone(actor, data: Mapping[str, Any]) -> DangerZone:
    return create_object(actor, DangerZone, _zone_fields(actor, data))


def update_zone(actor, zone: DangerZone, data: Mapping[str, Any]) -> DangerZone:
    return update_object(actor, zone, _zone_fields(actor, data, zone))


def _household_fields(actor, data: Mapping[str, Any]) -> dict:
    data = dict(data)
    for key in ("zone", "zone_id"):
        if key in data:
            data["zone"] = policy.get_in_scope_or_field_error(DangerZone, data.pop(key), actor, "zone")
            data["region_code"] = data["zone"].region_code
    return data


def create_household(actor, data: Mapping[str, Any]) -> Household:
    fields = _household_fields(actor, data)
    if "zone" not in fields:
        raise ValidationFailed.from_dict({"zone": [gettext("Choose the danger zone.")]})
    return create_object(actor, Household, fields)


def update_household(actor, household: Household, data: Mapping[str, Any]) -> Household:
    return update_object(actor, household, _household_fields(actor, data))


HOUSEHOLD_COLUMNS = [
    imports.Column("zone", "危险区名称", imports.text(200), required=True, example="老鸦沟山洪灾害危险区", width=26),
    imports.Column("region_code", "所在村代码", imports.region_code, required=True, example="410422101201"),
    imports.Column("head_name", "户主姓名", imports.text(50), required=True, example="张德福"),
    imports.Column("phone", "联系电话", imports.phone, example="13803751234"),
    imports.Column("address", "住址", imports.text(200), example="老鸦沟组12号", width=24),
    imports.Column("people", "人数", imports.positive_count, required=True, example=4),
    imports.Column("elderly_alone", "独居老人", imports.count, example=0),
    imports.Column("disabled", "残疾人", imports.count, example=0),
    imports.Column("children", "儿童", imports.count, example=1),
    imports.Column("note", "备注", imports.text(200)),
]


def import_households(actor, uploaded) -> dict:
    """Households from a spreadsheet (one row each; the zone by its name and village code). Every row is checked
    first; any error imports nothing."""
    policy.require(actor, "add", Household)
    rows = imports.read_table(uploaded, HOUSEHOLD_COLUMNS)
    zones = {(z.region_code, z.name): z for z in DangerZone.objects.for_user(actor)}
    errors: list[dict] = []
    parsed = []
    for number, raw, formulas in rows:
        errors.extend(formulas)
        values = imports.parse_row(number, raw, HOUSEHOLD_COLUMNS, errors, skip=[e["key"] for e in formulas])
        zone = zones.get((values.get("region_code"), values.get("zone")))
        if "zone" in values and "region_code" in values and zone is None:
            errors.append({"row": number, "column": "危险区名称", "key": "zone",
                           "message": "No danger zone of this name in that village (in your jurisdiction)"})
            continue
        vulnerable = sum(values.get(k, 0) or 0 for k in ("elderly_alone", "disabled", "children"))
        if values.get("people") and vulnerable > values["people"]:
            errors.append({"row": number, "column": "人数", "key": "people",
                           "message": "The vulnerable people cannot outnumber the household"})
        values.pop("region_code", None)
        values["zone"] = zone
        parsed.append((number, values))
    if errors:
        raise imports.failed(errors, len(rows))
    with transaction.atomic():
        created = [create_household(actor, values) for _number, values in parsed]
    return {"created": len(created)}


# --- transfers -------------------------------------------------------------------------------------------------


def zones_covered(warning) -> list[DangerZone]:
    """Active zones the warning's area reaches (a zone's village lies under one of the warning's region codes)
    whose kind the warning's event puts at risk. A cancellation (CAP msgType Cancel) moves nobody."""
    if warning.msg_type == "Cancel":
        return []
    codes = warning.target_codes or warning.area_codes or [warning.region_code]
    kinds = [kind for kind, events in ZONE_EVENT_TYPES.items() if warning.event_type in events]
    if not kinds or not codes:
        return []
    q = Q()
    for code in codes:
        q |= Q(region_code__startswith=gb2260.prefix(code))
    return list(DangerZone.objects.filter(q, is_active=True, kind__in=kinds).select_related("shelter"))


def generate_transfers(warning, actor=None) -> list[Transfer]:
    """One transfer (with one line per household) for each zone the warning covers; idempotent: a warning and a
    zone make one transfer however often this runs."""
    made = []
    for zone in zones_covered(warning):
        # A zone already being moved (an earlier warning, or the one this updates) keeps its list.
        if Transfer.objects.filter(Q(warning=warning) | Q(state=TransferState.OPEN), zone=zone).exists():
            continue
        households = list(zone.households.all())
        try:
            with transaction.atomic():
                transfer = Transfer.objects.create(
                    warning=warning, zone=zone, region_code=zone.region_code, shelter=zone.shelter,
                    households_total=len(households), people_total=sum(h.people for h in households))
                TransferHousehold.objects.bulk_create([
                    TransferHousehold(transfer=transfer, household=h, region_code=h.region_code, people=h.people)
                    for h in households])
                audit.record(AuditAction.CREATE, transfer, actor=actor,
                             message=f"{warning.identifier} → {zone.name}")
        except IntegrityError:
            continue  # made meanwhile by a concurrent run
        made.append(transfer)
    return made


def on_warning_published(sender, warning, actor=None, **kwargs) -> None:
    generate_transfers(warning, actor)


def confirm(actor, line: TransferHousehold, state: str, *, people_moved: int | None = None, reason: str = "",
            version: int | None = None) -> TransferHousehold:
    """Village staff confirm one household: moved (with how many people), refused (with the reason), or back to
    pending. The line changes by compare-and-swap on its version; the transfer's totals and the destination
    shelter's occupancy move by the same difference in the same transaction, so concurrent confirmers never
    count a household twice (the loser gets 409)."""
    policy.require(actor, "operate", TransferHousehold)
    if not policy.in_scope(actor, line):
        raise NotFound()
    if state not in HouseholdState.values():
        raise ValidationFailed.from_dict({"state": [gettext("Choose to be moved, moved or refused.")]})
    reason = (reason or "").strip()[:200]
    if state == HouseholdState.MOVED:
        moved = line.people if people_moved is None else people_moved
        if isinstance(moved, bool) or not isinstance(moved, int) or not 1 <= moved <= line.people:
            raise ValidationFailed.from_dict({"people_moved": [
                gettext("Between 1 and the household's %(n)s people.") % {"n": line.people}]})
    else:
        moved = 0
    if state == HouseholdState.REFUSED and not reason:
        raise ValidationFailed.from_dict({"reason": [gettext("Say why the household refuses to move.")]})
    if state != HouseholdState.REFUSED:
        reason = ""
    expected = line.version if version is None else version
    with transaction.atomic():
        current = TransferHousehold.objects.select_related("transfer").filter(pk=line.pk).first()
        if current is None:
            raise NotFound()
        if current.transfer.state != TransferState.OPEN:
            raise Conflict(gettext("The transfer is closed."))
        if current.version != expected:
            raise Conflict(gettext("Someone else confirmed this household meanwhile; look again."))
        changed = TransferHousehold.objects.filter(pk=line.pk, version=expected).update(
            state=state, people_moved=moved, reason=reason, confirmed_by=actor, confirmed_at=timezone.now(),
            version=F("version") + 1)
        if not changed:
            raise Conflict(gettext("Someone else confirmed this household meanwhile; look again."))
        delta = moved - current.people_moved
        was_moved, was_refused = current.state == HouseholdState.MOVED, current.state == HouseholdState.REFUSED
        Transfer.objects.filter(pk=current.transfer_id).update(
            people_moved=F("people_moved") + delta,
            households_moved=F("households_moved") + int(state == HouseholdState.MOVED) - int(was_moved),
            households_refused=F("households_refused") + int(state == HouseholdState.REFUSED) - int(was_refused))
        if delta and current.transfer.shelter_id:
            resource_services.shift_shelter_occupancy(
                actor, current.transfer.shelter_id, delta, note=f"{current.transfer.zone_id}:{current.household}")
        audit.record(AuditAction.UPDATE, current, actor=actor,
                     before={"state": current.state, "people_moved": current.people_moved, "reason": current.reason},
                     after={"state": state, "people_moved": moved, "reason": reason})
    line.refresh_from_db()
    return line


def close_transfer(actor, transfer: Transfer) -> Transfer:
    """End a transfer (解除转移): the people moved leave the destination shelter."""
    policy.require(actor, "operate", Transfer)
    if not policy.in_scope(actor, transfer):
        raise NotFound()
    with transaction.atomic():
        if not Transfer.objects.filter(pk=transfer.pk, state=TransferState.OPEN).update(state=TransferState.CLOSED):
            raise Conflict(gettext("The transfer is already closed."))
        transfer.refresh_from_db()
        if transfer.shelter_id and transfer.people_moved:
            resource_services.shift_shelter_occupancy(actor, transfer.shelter_id, -transfer.people_moved,
                                                      note=f"{transfer.zone}")
        audit.record(AuditAction.UPDATE, transfer, actor=actor, before={"state": TransferState.OPEN},
                     after={"state": TransferState.CLOSED})
    return transfer


def totals_by_township(user, warning_id: int | None = None) -> dict:
    """紧急转移安置人数 live: people to move, moved and refused households per township of the open transfers in
    the viewer's scope (or of one warning's transfers), and the county total."""
    transfers = Transfer.objects.for_user(user)
    transfers = transfers.filter(warning_id=warning_id) if warning_id else transfers.filter(state=TransferState.OPEN)
    rows = transfers.values("region_code").annotate(
        people=Sum("people_total"), moved=Sum("people_moved"), households=Sum("households_total"),
        households_moved=Sum("households_moved"), refused=Sum("households_refused"))
    by_town: dict[str, dict] = defaultdict(lambda: dict.fromkeys(
        ("people", "moved", "households", "households_moved", "refused"), 0))
    for row in rows:
        town = by_town[row["region_code"][:9]]
        for key in town:
            town[key] += row[key] or 0
    names = dict(Region.objects.filter(code__in=by_town).values_list("code", "name"))
    townships = [{"region_code": code, "name": names.get(code, code), **values}
                 for code, values in sorted(by_town.items())]
    total = {key: sum(t[key] for t in townships)
             for key in ("people", "moved", "households", "households_moved", "refused")}
    return {"townships": townships, "total": total}


def lines_for(user, transfer: Transfer):
    return (TransferHousehold.objects.for_user(user).filter(transfer=transfer)
            .select_related("household", "confirmed_by").order_by("state", "household__head_name", "id"))


# --- shelter coverage (三个全覆盖) --------------------------------------------------------------------------------


def coverage(user) -> dict:
    """The three coverages: a county-level shelter; a township-level shelter in every township; a shelter in every
    mountain village and flood-control key village (village attributes kept in the regions). Gaps are listed."""
    shelters = list(resource_services.shelters_by_region(user))
    county_shelters = [s for s in shelters if s.level == "county"]
    township_rows = []
    for town in Region.objects.for_user(user).filter(level=RegionLevel.TOWNSHIP).order_by("code"):
        own = [s for s in shelters if s.level == "township" and s.region_code.startswith(town.code)]
        township_rows.append({"region_code": town.code, "name": town.name, "shelters": len(own),
                              "standardised": sum(1 for s in own if s.standardised_on), "covered": bool(own)})
    village_rows = []
    villages = (Region.objects.for_user(user).filter(level=RegionLevel.VILLAGE)
                .filter(Q(is_mountain=True) | Q(is_flood_key=True)).select_related("parent").order_by("code"))
    for village in villages:
        own = [s for s in shelters if s.region_code == village.code]
        village_rows.append({"region_code": village.code, "name": village.name,
                             "township": village.parent.name if village.parent_id else "",
                             "mountain": village.is_mountain, "flood_key": village.is_flood_key,
                             "shelters": len(own), "standardised": sum(1 for s in own if s.standardised_on),
                             "covered": bool(own)})
    return {
        "county": {"shelters": len(county_shelters), "covered": bool(county_shelters),
                   "standardised": sum(1 for s in county_shelters if s.standardised_on)},
        "townships": township_rows, "villages": village_rows,
        "gaps": ([{"level": "county", "region_code": "", "name": ""}] if not county_shelters else [])
        + [{"level": "township", "region_code": t["region_code"], "name": t["name"]}
           for t in township_rows if not t["covered"]]
        + [{"level": "village", "region_code": v["region_code"], "name": v["name"]}
           for v in village_rows if not v["covered"]],
        "standardised": sum(1 for s in shelters if s.standardised_on), "shelters": len(shelters),
        "with_video": sum(1 for s in shelters if s.video_url),
    }


