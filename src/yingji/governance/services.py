"""Writing the responsibility system's records (pages and API share these; core.services validates, checks
references against the actor's scope and audits). A record's place (``region_code``) follows what it is about: a
body's members, key areas and meetings lie where the body lies; a duty list, letter or talk where its unit or
enterprise lies.

A meeting's decision assigned to a unit or a township becomes a 交办单 of the enforcement app
(:func:`assign_decision`): its deadline, the assignee's reply, the issuer's verification, reminders and overdue
escalation are that one mechanism's, never a second one here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from yingji.core import policy
from yingji.core.errors import Conflict, ValidationFailed
from yingji.core.models import Organisation
from yingji.core.services import create_object, update_object
from yingji.enforcement.choices import OrderKind
from yingji.enforcement.services import orders as order_services
from yingji.enterprises.models import Enterprise

from .models import Body, Decision, DutyList, KeyArea, Meeting, Member, Notice, ResponsibilityLetter, Talk


def _ref(model, value, actor, field):
    if value in (None, ""):
        return None
    if isinstance(value, model):
        value = value.pk
    return policy.get_in_scope_or_field_error(model, value, actor, field)


def _weights(text: str) -> None:
    """Each indicator line is ``name|weight``; the weights are whole points summing to 100 at most."""
    total = 0
    for line in filter(None, (raw.strip() for raw in (text or "").splitlines())):
        name, bar, weight = line.rpartition("|")
        if not bar or not name.strip() or not weight.strip().isdigit():
            raise ValidationFailed.from_dict({"indicators": [gettext(
                "Write each indicator as “indicator|weight”, the weight in whole points")]})
        total += int(weight)
    if total == 0:
        raise ValidationFailed.from_dict({"indicators": [gettext("List at least one indicator with its weight")]})
    if total > 100:
        raise ValidationFailed.from_dict({"indicators": [gettext("The weights add up to more than 100 points")]})


def indicator_rows(text: str) -> list[tuple[str, int]]:
    rows = []
    for line in filter(None, (raw.strip() for raw in (text or "").splitlines())):
        name, _bar, weight = line.rpartition("|")
        rows.append((name.strip(), int(weight) if weight.strip().isdigit() else 0))
    return rows


def _placed(actor, data: Mapping[str, Any], *sources: tuple[str, type]) -> dict:
    """``data`` with ``region_code`` taken from the first given related record, else the actor's jurisdiction."""
    data = dict(data)
    for field, model in sources:
        obj = _ref(model, data.get(field), actor, field)
        if obj is not None:
            data["region_code"] = obj.region_code
            break
    else:
        data.setdefault("region_code", actor.scope_region_code or "")
        if not data["region_code"]:
            data["region_code"] = actor.scope_region_code or ""
    return data


def _updated(actor, obj, data, *sources: tuple[str, type]):
    data = dict(data)
    if any(field in data for field, _model in sources):
        placed = _placed(actor, {f: data.get(f, getattr(obj, f"{f}_id")) for f, _m in sources}, *sources)
        if placed["region_code"] != obj.region_code:
            data["region_code"] = placed["region_code"]
    return update_object(actor, obj, data)


# --- bodies, members, key areas, duty lists ------------------------------------------------------------------

def create_body(actor, data):
    policy.require(actor, "add", Body)
    data = dict(data)
    if not data.get("region_code"):
        data["region_code"] = actor.scope_region_code or ""
    parent = _ref(Body, data.get("parent"), actor, "parent")
    if data.get("kind") in ("office", "professional_committee") and parent is None:
        raise ValidationFailed.from_dict({"parent": [gettext("An office or professional committee belongs to a "
                                                             "commission or headquarters")]})
    return create_object(actor, Body, data)


def update_body(actor, body, data):
    if "parent" in data and data["parent"] not in (None, "") and str(getattr(data["parent"], "pk", data["parent"])) \
            == str(body.pk):
        raise ValidationFailed.from_dict({"parent": [gettext("A body cannot belong to itself")]})
    return update_object(actor, body, data)


def create_member(actor, data):
    policy.require(actor, "add", Member)
    return create_object(actor, Member, _placed(actor, data, ("body", Body)))


def update_member(actor, member, data):
    return _updated(actor, member, data, ("body", Body))


def create_key_area(actor, data):
    policy.require(actor, "add", KeyArea)
    return create_object(actor, KeyArea, _placed(actor, data, ("body", Body)))


def update_key_area(actor, area, data):
    return _updated(actor, area, data, ("body", Body))


def create_duty_list(actor, data):
    policy.require(actor, "add", DutyList)
    return create_object(actor, DutyList, _placed(actor, data, ("unit", Organisation)))


def update_duty_list(actor, duty_list, data):
    return _updated(actor, duty_list, data, ("unit", Organisation))


# --- meetings and decisions ----------------------------------------------------------------------------------

def create_meeting(actor, data):
    policy.require(actor, "add", Meeting)
    return create_object(actor, Meeting, _placed(actor, data, ("body", Body)))


def update_meeting(actor, meeting, data):
    return _updated(actor, meeting, data, ("body", Body))


def create_decision(actor, data):
    """Record a meeting's decision; with a responsible unit or township and a deadline it is assigned at once."""
    policy.require(actor, "add", Decision)
    data = _placed(actor, data, ("meeting", Meeting))
    if data.get("unit") and data.get("township"):
        raise ValidationFailed.from_dict({"township": [gettext("Choose a township or a department, not both")]})
    with transaction.atomic():
        decision = create_object(actor, Decision, data)
        if (decision.unit_id or decision.township) and decision.deadline:
            assign_decision(actor, decision)
    return decision


def update_decision(actor, decision, data):
    if decision.order_id and set(data) & {"unit", "township", "deadline", "text"}:
        raise Conflict(gettext("The decision has been assigned; its order carries it on"))
    return _updated(actor, decision, data, ("meeting", Meeting))


def assign_decision(actor, decision: Decision):
    """Turn the decision into a 交办单 to its unit or township (the enforcement app's order, one mechanism)."""
    if decision.order_id:
        raise Conflict(gettext("The decision has already been assigned"))
    if not decision.deadline:
        raise ValidationFailed.from_dict({"deadline": [gettext("Set a deadline before assigning the decision")]})
    if not decision.unit_id and not decision.township:
        raise ValidationFailed.from_dict({"unit": [gettext("Choose the responsible unit or township")]})
    meeting = decision.meeting
    with transaction.atomic():
        order = order_services.issue_order(actor, {
            "kind": OrderKind.ASSIGNMENT,
            "title": f"{meeting.title}议定事项"[:200],
            "matter": f"{meeting.held_on:%Y年%m月%d日}{meeting.title}议定：{decision.text}",
            "deadline": decision.deadline,
            "organisation": decision.unit_id, "township": decision.township})
        updated = Decision.objects.filter(pk=decision.pk, order__isnull=True).update(order=order)
        if not updated:
            raise Conflict(gettext("The decision has already been assigned"))
    decision.order = order
    return decision


# --- responsibility letters, notices, talks --------------------------------------------------------------------

def create_letter(actor, data):
    policy.require(actor, "add", ResponsibilityLetter)
    _weights(data.get("indicators", ""))
    _check_signed(data)
    return create_object(actor, ResponsibilityLetter, _placed(actor, data, ("unit", Organisation)))


def update_letter(actor, letter, data):
    if "indicators" in data:
        _weights(data["indicators"])
    _check_signed(data)
    return _updated(actor, letter, data, ("unit", Organisation))


def _check_signed(data):
    signed = data.get("signed_on")
    if signed and signed > timezone.localdate():
        raise ValidationFailed.from_dict({"signed_on": [gettext("The signing date cannot lie in the future")]})


def create_notice(actor, data):
    policy.require(actor, "add", Notice)
    data = dict(data)
    if not data.get("region_code"):
        data["region_code"] = actor.scope_region_code or ""
    return create_object(actor, Notice, data)


def update_notice(actor, notice, data):
    return update_object(actor, notice, data)


def _talk_subject(data, talk=None):
    unit = data.get("unit", getattr(talk, "unit_id", None))
    enterprise = data.get("enterprise", getattr(talk, "enterprise_id", None))
    if not unit and not enterprise:
        raise ValidationFailed.from_dict({"enterprise": [gettext("Choose the unit or the enterprise talked to")]})


def create_talk(actor, data):
    policy.require(actor, "add", Talk)
    _talk_subject(data)
    data = _placed(actor, data, ("enterprise", Enterprise), ("unit", Organisation))
    data["recorded_by"] = actor
    return create_object(actor, Talk, data)


def update_talk(actor, talk, data):
    _talk_subject(data, talk)
    data = dict(data)
    for field, model in (("enterprise", Enterprise), ("unit", Organisation)):
        if field in data:
            obj = _ref(model, data.get(field) or getattr(talk, f"{field}_id"), actor, field)
            if obj is not None:
                data["region_code"] = obj.region_code
            break
    return update_object(actor, talk, data)
