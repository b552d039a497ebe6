"""The pre-flood-season checks (汛前大排查): rounds, the checks recorded in them, the problems found registered as
hazards of the place (the same closed loop as every hazard, in ``prevention``), the progress by township that the
county tracks until every problem is closed (动态清零), the bulletin (通报) it circulates, and the supervision orders
(督办单) it issues for problems left open past the round's rectification period.

Definitions (the progress page, its export and the API use these and nothing else):
- places: the registered hazard places of the township (``prevention.HazardPlace``);
- checked: places with at least one check recorded in the round;
- found: distinct hazards linked to the round's checks; open: those not closed; closed: those closed;
- overdue: open hazards whose rectification deadline passed, or, with no deadline set yet, found more than the
  round's rectification period ago;
- major: hazards graded major (重大事故隐患);
- cleared (清零): a township with checks in the round and no open hazard from it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from yingji.core import policy
from yingji.core.choices import RegionLevel
from yingji.core.errors import Conflict, ValidationFailed
from yingji.core.models import Region
from yingji.core.services import create_object, update_object
from yingji.enforcement.choices import OrderKind
from yingji.enforcement.models import SupervisionOrder
from yingji.enforcement.services import orders as order_services
from yingji.prevention import services as hazard_services
from yingji.prevention.choices import HazardLevel, HazardState
from yingji.prevention.models import Hazard, HazardPlace
from yingji.prevention.origins import Origin

from ..flood_check_choices import CheckResult
from ..models.flood_checks import FloodCheckRecord, FloodCheckRound

MAX_FINDINGS = 20


# --- rounds ------------------------------------------------------------------------------------------------------


def _round_fields(actor, data: Mapping[str, Any], current: FloodCheckRound | None = None) -> dict:
    data = dict(data)
    if "region_code" not in data and current is None:
        data["region_code"] = actor.scope_region_code or ""
    starts = data.get("starts_on") or (current.starts_on if current else None)
    if starts and not data.get("year") and current is None:
        data["year"] = starts.year if isinstance(starts, datetime.date) else str(starts)[:4]
    region = data.get("region_code")
    if region is not None and not Region.objects.filter(
            code=region, level__in=(RegionLevel.COUNTY, RegionLevel.TOWNSHIP)).exists():
        raise ValidationFailed.from_dict({"region_code": [gettext("A round is called by the county or a township.")]})
    return data


def create_round(actor, data: Mapping[str, Any]) -> FloodCheckRound:
    data = _round_fields(actor, data)
    data.setdefault("created_by", actor)
    return create_object(actor, FloodCheckRound, data)


def update_round(actor, check_round: FloodCheckRound, data: Mapping[str, Any]) -> FloodCheckRound:
    return update_object(actor, check_round, _round_fields(actor, data, check_round))


# --- checks ------------------------------------------------------------------------------------------------------


def _findings(value) -> list[dict]:
    """The problems found: a list of {"title", "description"} (the API), or text with one problem per line, the
    title before a colon and the description after it (the form)."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        items = []
        for line in value.splitlines():
            line = line.strip()
            if not line:
                continue
            for sep in ("：", ":"):
                if sep in line:
                    title, _sep, description = line.partition(sep)
                    break
            else:
                title, description = line, line
            items.append({"title": title.strip() or line, "description": description.strip() or line})
        value = items
    if not isinstance(value, list) or not all(isinstance(i, Mapping) for i in value):
        raise ValidationFailed.from_dict({"findings": [gettext("List the problems found.")]})
    if len(value) > MAX_FINDINGS:
        raise ValidationFailed.from_dict({"findings": [gettext("At most %(n)d problems in one check.")
                                                       % {"n": MAX_FINDINGS}]})
    found = []
    for i, item in enumerate(value):
        title = str(item.get("title") or "").strip()
        if not title:
            raise ValidationFailed.from_dict({f"findings.{i}.title": [gettext("Name the problem.")]})
        if len(title) > 200:
            raise ValidationFailed.from_dict({f"findings.{i}.title": [gettext("At most 200 characters.")]})
        found.append({"title": title, "description": str(item.get("description") or "").strip() or title})
    return found


def _checked_on(check_round: FloodCheckRound, value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationFailed.from_dict({"checked_on": [gettext("Enter a date like 2026-04-15.")]}) from None
    if not isinstance(value, datetime.date):
        raise ValidationFailed.from_dict({"checked_on": [gettext("Enter the date of the check.")]})
    if value > timezone.localdate():
        raise ValidationFailed.from_dict({"checked_on": [gettext("A check cannot be dated in the future.")]})
    if not check_round.starts_on <= value <= check_round.ends_on:
        raise ValidationFailed.from_dict({"checked_on": [gettext(
            "The round runs from %(start)s to %(end)s.") % {"start": check_round.starts_on,
                                                             "end": check_round.ends_on}]})
    return value


def record_check(actor, check_round: FloodCheckRound, data: Mapping[str, Any]) -> FloodCheckRecord:
    """Record one place's check in a round; the problems found become hazards of the place, reported by ``actor``
    (one transaction: the check and its hazards are written together or not at all)."""
    policy.require(actor, "add", FloodCheckRecord)
    data = dict(data)
    errors: dict[str, list[str]] = {}
    place_ref = data.get("place") or data.get("place_id")
    if place_ref in (None, ""):
        raise ValidationFailed.from_dict({"place": [gettext("Choose the place checked.")]})
    place = policy.get_in_scope_or_field_error(HazardPlace, place_ref, actor, "place")
    if not place.region_code.startswith(check_round.region_code):
        raise ValidationFailed.from_dict({"place": [gettext("The place lies outside the round's area.")]})
    checked_on = _checked_on(check_round, data.get("checked_on"))
    result = data.get("result") or ""
    if result not in CheckResult.values():
        errors["result"] = [gettext("Choose the result.")]
    findings = _findings(data.get("findings"))
    if result == CheckResult.PROBLEMS and not findings:
        errors["findings"] = [gettext("List the problems found, one per line.")]
    if result == CheckResult.PASSED and findings:
        errors["findings"] = [gettext("A check without problems lists none.")]
    for name, label in (("checked_by_unit", gettext("Name the checking unit.")),
                        ("checkers", gettext("Name who checked."))):
        if not str(data.get(name) or "").strip():
            errors[name] = [label]
    if errors:
        raise ValidationFailed.from_dict(errors)
    found_at = timezone.make_aware(datetime.datetime.combine(checked_on, datetime.time(10, 0)))
    found_at = min(found_at, timezone.now())
    try:
        with transaction.atomic():
            record = create_object(actor, FloodCheckRecord, {
                "round": check_round, "place": place, "region_code": place.region_code, "checked_on": checked_on,
                "checked_by_unit": str(data.get("checked_by_unit")).strip()[:200],
                "checkers": str(data.get("checkers")).strip()[:200], "result": result,
                "note": str(data.get("note") or "").strip(), "recorded_by": actor,
            }, check_scope=False)
            hazards = [hazard_services.report_hazard(actor, {
                "place": place.pk, "title": f["title"], "description": f["description"],
                "location": place.name, "found_at": found_at}) for f in findings]
            record.hazards.add(*hazards)
    except IntegrityError:
        raise Conflict(gettext("This place's check of that day is already recorded.")) from None
    return record


def link_hazards(actor, record: FloodCheckRecord, hazards: Iterable[Hazard]) -> None:
    """Link hazards of the record's place found on the check's day (registered before the check was entered)."""
    policy.require(actor, "change", record)
    wrong = [h for h in hazards if h.place_id != record.place_id]
    if wrong:
        raise ValidationFailed.from_dict({"hazards": [gettext("A check links only hazards of its own place.")]})
    record.hazards.add(*hazards)


# --- progress, bulletin, supervision -----------------------------------------------------------------------------


def round_hazards(user, check_round: FloodCheckRound):
    """The hazards the round's checks found, as far as ``user`` may see them."""
    return (Hazard.objects.for_user(user).filter(flood_checks__round=check_round).distinct()
            .select_related("place"))


def _overdue(hazard: Hazard, check_round: FloodCheckRound, now: datetime.datetime) -> bool:
    if hazard.state == HazardState.CLOSED:
        return False
    if hazard.due_at is not None:
        return hazard.due_at < now
    return hazard.found_at + datetime.timedelta(days=check_round.rectify_days) < now


def progress(user, check_round: FloodCheckRound, now: datetime.datetime | None = None) -> dict:
    """Rows by township (and the total) of the round in ``user``'s scope; see the module's definitions."""
    now = now or timezone.now()
    scope = user.scope_region_code or ""
    # A county round covers every township, a township's round (or a village's code, cut to 9) its own.
    townships = list(Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith=check_round.region_code[:9])
                     .filter(Q(code__startswith=user.scope_prefix) | Q(code__in=policy.region_ancestors(scope)))
                     .order_by("code"))
    keys = ("places", "checked", "records", "with_problems", "found", "closed", "open", "overdue", "major")
    rows = {t.code: {"code": t.code, "name": t.name, **dict.fromkeys(keys, 0)} for t in townships}
    places = HazardPlace.objects.for_user(user).filter(region_code__startswith=check_round.region_code)
    for code in places.values_list("region_code", flat=True):
        if code[:9] in rows:
            rows[code[:9]]["places"] += 1
    records = FloodCheckRecord.objects.for_user(user).filter(round=check_round)
    checked: dict[str, set[int]] = defaultdict(set)
    for code, place_id, result in records.values_list("region_code", "place_id", "result"):
        row = rows.get(code[:9])
        if row is None:
            continue
        row["records"] += 1
        row["with_problems"] += result == CheckResult.PROBLEMS
        checked[code[:9]].add(place_id)
    for code, ids in checked.items():
        rows[code]["checked"] = len(ids)
    for hazard in round_hazards(user, check_round).select_related(None).only(
            "region_code", "state", "due_at", "found_at", "level"):
        row = rows.get(hazard.region_code[:9])
        if row is None:
            continue
        row["found"] += 1
        row["closed" if hazard.state == HazardState.CLOSED else "open"] += 1
        row["overdue"] += _overdue(hazard, check_round, now)
        row["major"] += hazard.level == HazardLevel.MAJOR
    result = list(rows.values())
    for row in result:
        row["cleared"] = row["records"] > 0 and row["open"] == 0
        row["coverage"] = round(100 * row["checked"] / row["places"], 1) if row["places"] else None
    total = {"code": "", "name": gettext("Total"), **{k: sum(r[k] for r in result) for k in keys}}
    total["cleared"] = bool(result) and all(r["cleared"] for r in result if r["records"])
    total["coverage"] = round(100 * total["checked"] / total["places"], 1) if total["places"] else None
    return {"rows": result, "total": total}


def outstanding(user, check_round: FloodCheckRound, now: datetime.datetime | None = None) -> list[dict]:
    """The round's hazards still open, overdue first, with the supervision orders already issued about them."""
    now = now or timezone.now()
    hazards = list(round_hazards(user, check_round).exclude(state=HazardState.CLOSED).order_by("found_at", "pk"))
    orders: dict[int, list[SupervisionOrder]] = defaultdict(list)
    for order in SupervisionOrder.objects.filter(hazard__in=[h.pk for h in hazards]).order_by("issued_at"):
        orders[order.hazard_id].append(order)
    names = dict(Region.objects.filter(code__in={h.region_code[:9] for h in hazards}).values_list("code", "name"))
    items = [{"hazard": h, "township": names.get(h.region_code[:9], ""), "overdue": _overdue(h, check_round, now),
              "orders": orders.get(h.pk, [])} for h in hazards]
    return sorted(items, key=lambda i: (not i["overdue"], i["hazard"].found_at))


def bulletin(user, check_round: FloodCheckRound, now: datetime.datetime | None = None) -> dict:
    """The figures of the 通报: progress by township, the townships cleared, those with overdue problems (named),
    and every open problem."""
    now = now or timezone.now()
    figures = progress(user, check_round, now)
    rows = figures["rows"]
    return {
        "round": check_round, "as_of": timezone.localtime(now), "progress": figures, "total": figures["total"],
        "cleared": [r["name"] for r in rows if r["cleared"]],
        "not_started": [r["name"] for r in rows if r["places"] and not r["records"]],
        "named": [r for r in rows if r["overdue"]],
        "outstanding": outstanding(user, check_round, now),
    }


def press(actor, check_round: FloodCheckRound, hazard: Hazard, data: Mapping[str, Any]) -> SupervisionOrder:
    """Issue a 督办单 to the hazard's township about an open problem of the round (the enforcement orders'
    machinery: deadline, reply, verification, reminders and escalation)."""
    if not round_hazards(actor, check_round).filter(pk=hazard.pk).exists():
        raise ValidationFailed.from_dict({"hazard_id": [gettext("The hazard was not found in this round.")]})
    if hazard.state == HazardState.CLOSED:
        raise ValidationFailed.from_dict({"hazard_id": [gettext("The hazard is closed already.")]})
    place = hazard.place.name if hazard.place_id else ""
    matter = str(data.get("matter") or "").strip() or gettext(
        "In the pre-flood check “%(round)s” the problem “%(title)s” at %(place)s was found on %(found)s and is "
        "still open. Have the responsible unit rectify it by the deadline and report back with evidence.") % {
        "round": check_round.title, "title": hazard.title, "place": place,
        "found": timezone.localtime(hazard.found_at).date()}
    return order_services.issue_order(actor, {
        "kind": OrderKind.SUPERVISION, "title": (gettext("Pre-flood check: %(title)s") % {"title": hazard.title})[:200],
        "matter": matter, "deadline": data.get("deadline"), "hazard": hazard.pk,
        "township": hazard.region_code[:9]})


def may_press(user) -> bool:
    """Supervision orders come from the county bureau's staff who may issue them."""
    return policy.can(user, "add", SupervisionOrder) and len(user.scope_region_code or "") == 6


def record_hazards(user, record: FloodCheckRecord):
    return Hazard.objects.for_user(user).filter(flood_checks=record).order_by("found_at", "pk")


def hazard_origins(hazard, user) -> list:
    """The checks a hazard was found in (``prevention.origins`` resolver): "<round> · <day> 检查发现"."""
    if getattr(hazard, "place_id", None) is None or not policy.can(user, "view", FloodCheckRecord):
        return []
    records = (FloodCheckRecord.objects.for_user(user).filter(hazards=hazard).select_related("round", "place")
               .order_by("checked_on"))
    return [Origin(label=gettext("Pre-flood check %(round)s · %(day)s") % {
        "round": r.round.title, "day": f"{r.checked_on:%Y-%m-%d}"},
                   url=reverse("flood_check_record_detail", args=[r.pk]), kind="flood_check") for r in records]
